"""Rendering the farewell kit: templates in, texts that fit their platform out.

A post that must fit one post (x, bio, intro) is rendered at the richest level
of detail first ("full"), then "short", then "minimal"; the first that fits
wins, and if none does the collective gets a clear error, never a text over
the limit. A thread is rendered in full and cut into numbered posts. Letters
and the long text have no limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from babel.lists import format_list
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from quittex.config import ProjectConfig, default_language
from quittex.errors import BadInputError
from quittex.farewell.context import (
    CONTEXT_VARIABLES,
    ArticleChoice,
    MissingText,
    article_choice,
    check_ready,
    farewell_context,
    missing_texts,
)
from quittex.farewell.facets import bluesky_rich_text
from quittex.farewell.grammar import as_sentence, name_with
from quittex.farewell.limits import UNLIMITED, X_BIO, X_POST, Limit, Measure
from quittex.farewell.split import split_thread
from quittex.platforms import REGISTRY
from quittex.platforms.base import load
from quittex.vocabulary import BABEL_LOCALES, FAREWELL_FORMATS, LANGUAGES, FarewellFormat

Format = FarewellFormat
FORMATS = FAREWELL_FORMATS
DETAILS = ("full", "short", "minimal")
MAX_TEMPLATE_BYTES = 200_000


class TextTooLongError(BadInputError):
    """Even the shortest form of a text is over its platform's limit."""


@dataclass(frozen=True)
class Post:
    text: str
    measure: Measure
    # Bluesky link facets (app.bsky.richtext.facet models), UTF-8 byte offsets.
    facets: tuple[Any, ...] = ()


@dataclass(frozen=True)
class FarewellText:
    format: str
    platform: str
    lang: str
    detail: str
    posts: tuple[Post, ...]

    @property
    def text(self) -> str:
        """Ready to paste: a thread's posts are separated by a `---` line."""
        return "\n\n---\n\n".join(post.text for post in self.posts)

    @property
    def fits(self) -> bool:
        return all(post.measure.fits for post in self.posts)

    def to_data(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "platform": self.platform,
            "lang": self.lang,
            "detail": self.detail,
            "fits": self.fits,
            "posts": [_post_data(post, with_facets=_rich_text(self.platform)) for post in self.posts],
        }


def _post_data(post: Post, *, with_facets: bool) -> dict[str, Any]:
    measure = post.measure
    data = {
        "text": post.text,
        "length": measure.count,
        "limit": measure.limit,
        "unit": measure.unit,
        "fits": measure.fits,
    }
    if with_facets:
        from atproto_client.models.utils import get_model_as_dict  # atproto is slow to import

        data["facets"] = [get_model_as_dict(facet) for facet in post.facets]
    return data


@dataclass(frozen=True)
class FarewellKit:
    lang: str
    texts: list[FarewellText]
    # Formats left out of "all", and why (no new account for an intro post).
    skipped: list[str] = field(default_factory=list)
    # The article the name took, and whether it was guessed (none in the project file).
    article: ArticleChoice | None = None
    # The collective's own texts with no version in `lang`: left out, or used from another language.
    missing: list[MissingText] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        data = {"lang": self.lang, "texts": [text.to_data() for text in self.texts], "skipped": self.skipped}
        if self.article:
            data["article"] = {"article": self.article.article, "guessed": self.article.guessed}
        data["missing_texts"] = [missing.to_data() for missing in self.missing]
        return data

    def plain(self) -> str:
        """Clean text to paste; with several texts, a header line before each."""
        if len(self.texts) == 1:
            return self.texts[0].text
        return "\n\n".join(f"===== {text.format} · {text.platform} =====\n\n{text.text}" for text in self.texts)


@dataclass(frozen=True)
class CustomTemplate:
    name: str
    source: str


@dataclass(frozen=True)
class _Target:
    """One text to produce: a format, for one platform, under one limit."""

    format: str
    platform: str
    limit: Limit
    shape: Literal["post", "thread", "document"]


# --- the public entry points ---------------------------------------------------------


def render_farewell(
    config: ProjectConfig,
    *,
    formats: Iterable[str] = FORMATS,
    lang: str | None = None,
    template: CustomTemplate | None = None,
    other_languages: bool = False,
) -> FarewellKit:
    """Every text of `formats` in `lang` (default: the collective's language).

    An own text (description, own reason, how to subscribe, greeting) written
    only in another language is left out, and listed in the kit's `missing`;
    with `other_languages` it is used all the same (and listed too)."""
    formats = _checked_formats(formats, template)
    check_ready(config, needs_new_account=formats == ["intro"])
    lang = _checked_language(lang or config.collective.language or default_language())
    context = farewell_context(config, lang, other_languages=other_languages)
    texts, skipped = [], []
    for fmt in formats:
        targets = _targets(fmt, config)
        if not targets:
            skipped.append(f"{fmt}: no Mastodon or Bluesky address to introduce")
        jinja_template = _compile(template, lang) if template else _shipped(fmt, lang)
        texts += [_produce(target, jinja_template, context, config.addresses.mastodon) for target in targets]
    return FarewellKit(
        lang=lang,
        texts=texts,
        skipped=skipped,
        article=article_choice(config, lang),
        missing=missing_texts(config, lang, other_languages=other_languages),
    )


def _checked_formats(formats: Iterable[str], template: CustomTemplate | None) -> list[str]:
    formats = list(formats)
    if unknown := [fmt for fmt in formats if fmt not in FORMATS]:
        raise BadInputError(f"Unknown format {unknown[0]!r}; choose among {', '.join(FORMATS)}.")
    if template and len(formats) != 1:
        raise BadInputError("A custom template is written for one format.", hint="Give --format with --template.")
    return formats


def _checked_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise BadInputError(f"quittex does not write farewells in {lang!r}; choose among {', '.join(LANGUAGES)}.")
    return lang


def read_template(path: Path) -> CustomTemplate:
    """A collective's own template file, checked like any outside input."""
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise BadInputError(f"{path} is too large to be a template.")
        return CustomTemplate(str(path), path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"No template file at {path}.") from None
    except (IsADirectoryError, PermissionError) as error:
        raise BadInputError(f"Cannot read {path}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{path} is not a UTF-8 text file.") from None


def template_variables() -> list[str]:
    """Every name a template may use."""
    return sorted({*CONTEXT_VARIABLES, "detail", "platform"})


# --- targets and shapes ----------------------------------------------------------------


def _targets(fmt: str, config: ProjectConfig) -> list[_Target]:
    if fmt == "intro":
        return _intro_targets(config)
    return [
        {
            "x": _Target("x", "x", X_POST, "post"),
            "thread": _Target("thread", "x", X_POST, "thread"),
            "long": _Target("long", "web", UNLIMITED, "document"),
            "bio": _Target("bio", "x", X_BIO, "post"),
            "letter": _Target("letter", "letter", UNLIMITED, "document"),
        }[fmt]
    ]


def _intro_targets(config: ProjectConfig) -> list[_Target]:
    """An intro post for each platform the project file gives an address on."""
    return [
        _Target("intro", name, load(spec.farewell_limit_path)(config.farewell), "post")
        for name, spec in REGISTRY.items()
        if getattr(config.addresses, name, None)
    ]


def _produce(target: _Target, template: jinja2.Template, context: dict[str, Any], mastodon: str | None) -> FarewellText:
    lang = context["lang"]

    def render(detail: str) -> str:
        return _render(template, {**context, "detail": detail, "platform": target.platform})

    def as_post(text: str) -> Post:
        if _rich_text(target.platform):
            rich = bluesky_rich_text(text, mastodon)
            return Post(rich.text, target.limit.measure(rich.text), rich.facets)
        return Post(text, target.limit.measure(text))

    if target.shape == "thread":
        posts = tuple(as_post(text) for text in split_thread(render("full"), target.limit))
        return FarewellText(target.format, target.platform, lang, "full", posts)
    if target.shape == "document":
        return FarewellText(target.format, target.platform, lang, "full", (as_post(render("full")),))
    return _first_that_fits(target, lang, lambda detail: as_post(render(detail)))


def _first_that_fits(target: _Target, lang: str, make_post: Callable[[str], Post]) -> FarewellText:
    for detail in DETAILS:
        post = make_post(detail)
        if post.measure.fits:
            return FarewellText(target.format, target.platform, lang, detail, (post,))
    raise TextTooLongError(
        f"The {target.format} text for {target.platform} ({lang}) is {post.measure.describe()} "
        f"even in its shortest form, over the limit.",
        hint="Shorten the collective's name or addresses, or the template's minimal form.",
    )


# --- templates ------------------------------------------------------------------------


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox already forbids reaching Python's internals; this also
    stops a template from building a gigantic string ("x" * 10**9)."""

    intercepted_binops = frozenset({"*", "**"})
    MAX_REPEAT = 10_000

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sizes = [value for value in (left, right) if isinstance(value, int) and not isinstance(value, bool)]
        if operator == "**" or (operator == "*" and len(sizes) == 1 and abs(sizes[0]) > self.MAX_REPEAT):
            raise SecurityError(f"'{operator}' with such numbers is not allowed in a farewell template")
        return super().call_binop(context, operator, left, right)


@cache
def _environment(lang: str) -> SandboxedEnvironment:
    # Sandboxed: a collective's template is outside input like any other.
    env = _Sandbox(
        loader=jinja2.PackageLoader("quittex.farewell", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["and_list"] = lambda items: format_list([str(item) for item in items], locale=BABEL_LOCALES[lang])
    env.filters["capfirst"] = lambda text: text[:1].upper() + text[1:]
    env.filters["bare"] = lambda url: url.split("://", 1)[-1].rstrip("/")
    env.filters["with_article"] = _with_article
    env.filters["sentence"] = lambda text: as_sentence(str(text))
    return env


@jinja2.pass_context
def _with_article(
    context: Any, name: str, case: str = "nominative", capitalized: bool = False, article: str | None = None
) -> str:
    """`{{ name | with_article }}` → "le Collectif Vélo"; `with_article("of")` →
    "du Collectif Vélo"; `with_article(capitalized=true)` to start a sentence.
    The article is the collective's for the text's language, unless given."""
    try:
        return name_with(article or context.get("article"), str(name), context["lang"], case, capitalized=capitalized)
    except ValueError as error:
        raise jinja2.TemplateRuntimeError(f"with_article: {error}") from None


def _shipped(fmt: str, lang: str) -> jinja2.Template:
    return _environment(lang).get_template(f"{lang}/{fmt}.j2")


def _compile(template: CustomTemplate, lang: str) -> jinja2.Template:
    try:
        compiled = _environment(lang).from_string(template.source)
    except jinja2.TemplateSyntaxError as error:
        raise BadInputError(f"{template.name}, line {error.lineno}: {error.message}") from None
    compiled.name = template.name  # so that rendering errors name the file too
    return compiled


def _render(template: jinja2.Template, variables: dict[str, Any]) -> str:
    name = template.name or "the template"
    try:
        return _tidy(template.render(variables))
    except jinja2.UndefinedError as error:
        raise BadInputError(
            f"{name}: {error.message}.", hint=f"Templates can use: {', '.join(template_variables())}."
        ) from None
    except jinja2.TemplateError as error:  # includes the sandbox's SecurityError
        raise BadInputError(f"{name}: {error}") from None


def _tidy(text: str) -> str:
    """No trailing spaces, never more than one blank line, nothing around."""
    lines = (line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _rich_text(platform_name: str) -> bool:
    """Whether the platform's posts carry their links as facets ("x", "web"… do not)."""
    spec = REGISTRY.get(platform_name)
    return spec is not None and spec.rich_text
