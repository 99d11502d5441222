"""The project file `quittex.toml`: who the collective is and where it goes.

Every command reads it through `load_config()` and resolves its settings with
`ProjectConfig.merged()`: the file < `QUITTEX_<SECTION>_<KEY>` variables < the
command line. A file is checked as a whole and every problem is reported at
once, one line per field, as a `ConfigError`.

Adding a section later (say `[migrate]` defaults) takes two steps and breaks no
existing file: write a `Section` subclass whose fields all have defaults, and
add it as a field of `ProjectConfig` with `Field(default_factory=...)`. Unknown
top-level sections are kept (and written back) rather than refused, so a file
written by a newer quittex still loads in an older one; inside a known section
an unknown key is refused, because there it is almost always a typo.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import tomli_w
from babel import Locale, UnknownLocaleError, default_locale
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from quittex.errors import ConfigError, QuittexError
from quittex.i18n import N_, _, babel_locale, language_name, ngettext
from quittex.paths import DEFAULT_FILENAME
from quittex.vocabulary import (
    LANGUAGES,
    MENTION_MODES,
    VISIBILITIES,
    Language,
    ReasonKey,
    language_code,
)

MAX_FILE_BYTES = 1_000_000  # a project file is a few hundred bytes; refuse anything absurd


XAccountFate = Literal["closed", "dormant"]


# --- addresses: parsed leniently, stored in one canonical form ---------------------

_MASTODON_USER = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
_MASTODON_HANDLE = re.compile(rf"@?(?P<user>{_MASTODON_USER})@(?P<host>[^@\s/]+)/?")
# A profile page, with or without https:// (mamot.fr/@velo), the old /users/ form,
# a post's page (/@velo/1234), or a remote profile seen from another server
# (mamot.fr/@velo@piaille.fr: the account lives on piaille.fr).
_MASTODON_PROFILE = re.compile(
    rf"(?:https?://)?(?P<host>[^/\s@]+)/(?:@(?P<user>{_MASTODON_USER})(?:@(?P<home>[^/\s@]+))?"
    rf"|users/(?P<old_user>{_MASTODON_USER}))(?:/[^\s]*)?"
)
_BLUESKY_PROFILE = re.compile(r"(?:https?://)?bsky\.app/profile/(?P<handle>[^/\s]+)/?")
# The AT Protocol handle spec reserves these top-level domains.
_BLUESKY_FORBIDDEN_TLDS = {"alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion"}
_HOSTNAME = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]*")


def _check_hostname(host: str) -> str:
    host = host.lower()
    if not _HOSTNAME.fullmatch(host):
        raise ValueError(_("{host} is not a server name like mamot.fr").format(host=repr(host)))
    return host


def parse_mastodon_address(value: str) -> str:
    """`@user@instance`, `user@instance` or a profile page (`https://mamot.fr/@velo`,
    `mamot.fr/@velo`, `/users/velo`, a post's page), as `@user@instance`."""
    text = value.strip()
    if match := _MASTODON_HANDLE.fullmatch(text):
        return f"@{match['user']}@{_check_hostname(match['host'])}"
    if match := _MASTODON_PROFILE.fullmatch(text):
        user = match["user"] or match["old_user"]
        return f"@{user}@{_check_hostname(match['home'] or match['host'])}"
    raise ValueError(
        _("must look like @user@instance, for example @collectif@mamot.fr (got {value})").format(value=repr(text))
    )


def parse_bluesky_handle(value: str) -> str:
    """`name.bsky.social`, `@name.bsky.social`, a custom domain or a bsky.app
    profile URL, as the bare handle (no `@`), which is what the protocol uses."""
    from atproto_client.models.string_formats import is_valid_handle  # atproto is slow to import

    text = value.strip()
    profile = _BLUESKY_PROFILE.fullmatch(text)
    handle = (profile["handle"] if profile else text.removeprefix("@")).lower()
    if not handle.isascii() or not is_valid_handle(handle):
        raise ValueError(
            _("must be a Bluesky handle like collectif.bsky.social or a domain (got {value})").format(value=repr(text))
        )
    if handle.rsplit(".", 1)[-1] in _BLUESKY_FORBIDDEN_TLDS:
        raise ValueError(_("{handle} ends in a domain Bluesky does not allow for handles").format(handle=repr(handle)))
    return handle


_HTTP_URL = TypeAdapter(Annotated[str, Field(max_length=2000)])


def parse_web_url(value: str) -> str:
    """An absolute http(s) URL with a real host name, kept as the user wrote it
    (pydantic's HttpUrl would add a trailing slash the collective never typed)."""
    text = _HTTP_URL.validate_python(value.strip())
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise ValueError(
            _("must be a web address starting with https://, for example https://collectif.org (got {value})").format(
                value=repr(text)
            )
        )
    _check_hostname(parts.hostname)
    return text


# A site written without https:// ("velo-lumiere.example.org/lettre").
_BARE_SITE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]+(?::\d{1,5})?(?:[/?#]\S*)?"
)


def complete_web_url(value: str) -> str:
    """Like `parse_web_url`, but a bare domain (velo-lumiere.example.org) that
    looks like one becomes https://velo-lumiere.example.org: what people type
    when asked for their website."""
    text = value.strip()
    if "://" not in text and _BARE_SITE.fullmatch(text):
        text = "https://" + text
    return parse_web_url(text)


def mastodon_profile_url(address: str) -> str:
    _empty, user, host = address.split("@")
    return f"https://{host}/@{user}"


def bluesky_profile_url(handle: str) -> str:
    return f"https://bsky.app/profile/{handle}"


def parse_language(value: Any) -> Any:
    """Accept `FR`, `fr_FR` or `fr-BE` for `fr`: people type what their system shows."""
    return language_code(value) if isinstance(value, str) else value


def default_language() -> str:
    """The system's language when quittex speaks it, English otherwise."""
    try:
        found = Locale.parse(default_locale() or "en").language
    except (UnknownLocaleError, ValueError, TypeError):
        return "en"
    return found if found in LANGUAGES else "en"


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


MastodonAddress = Annotated[str, AfterValidator(parse_mastodon_address)]
BlueskyHandle = Annotated[str, AfterValidator(parse_bluesky_handle)]
WebUrl = Annotated[str, AfterValidator(parse_web_url)]
LanguageCode = Annotated[Language, BeforeValidator(parse_language)]
MAX_TEXT_LENGTH = 2000


def parse_localized_text(value: Any) -> str | dict[str, str]:
    """Own texts are written in one language, or in several: {fr = "…", en = "…"}."""
    if isinstance(value, str):
        return _check_text(value)
    if isinstance(value, Mapping) and value:
        texts = {parse_language(lang): _check_text(text) for lang, text in value.items()}
        if unknown := sorted(set(texts) - set(LANGUAGES)):
            raise ValueError(
                _("languages must be among {languages} (got {unknown})").format(
                    languages=", ".join(LANGUAGES), unknown=", ".join(unknown)
                )
            )
        return texts
    # Translators: {example} is a piece of TOML: {fr = "…", en = "…"}.
    raise ValueError(_("must be a text, or texts by language like {example}").format(example='{fr = "…", en = "…"}'))


def parse_articles(value: Any, language: str | None) -> dict[str, str] | None:
    """`{fr = "le", es = "el"}`, or one article for the collective's `language`,
    as {language: article}, each checked against the articles of its language."""
    from quittex.farewell.grammar import ARTICLES, parse_article  # the package imports this module

    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, str):
        if not language:
            # Translators: {example} is a piece of TOML: {fr = "le"}.
            raise ValueError(_("say which language the article is for, like {example}").format(example='{fr = "le"}'))
        value = {language: value}
    if not isinstance(value, Mapping) or not value:
        raise ValueError(_("must be the article by language, like {example}").format(example='{fr = "le", es = "el"}'))
    articles = {}
    for lang, article in value.items():
        code = parse_language(lang)
        if code not in ARTICLES:
            raise ValueError(
                _("languages must be among {languages} (got {unknown})").format(
                    languages=", ".join(LANGUAGES), unknown=lang
                )
            )
        try:
            articles[code] = parse_article(str(article), code)
        except ValueError:
            choices = ", ".join(f'"{choice}"' for choice in ARTICLES[code])
            raise ValueError(
                _("{value} is not an article of the {language} texts: write one of {choices}").format(
                    value=repr(article), language=language_name(code), choices=choices
                )
            ) from None
    return articles


def _check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(_("must be a non-empty text"))
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(
            _("is {length} characters long; keep it under {limit}").format(length=len(text), limit=MAX_TEXT_LENGTH)
        )
    return text.strip()


LocalizedText = Annotated[str | dict[str, str], PlainValidator(parse_localized_text)]


def optional(kind: Any) -> Any:
    """`kind | None`, where an empty answer or `""` in the file also means unset."""
    return Annotated[kind | None, BeforeValidator(_blank_to_none)]


def pick_language(text: str | dict[str, str] | None, lang: str, fallback: str | None) -> str | None:
    """The text in `lang`, else in the collective's own language, else any."""
    if text is None or isinstance(text, str):
        return text
    for candidate in (lang, fallback):
        if candidate in text:
            return text[candidate]
    return next(iter(text.values()), None)


# --- sections -----------------------------------------------------------------------


class Section(BaseModel):
    """A `[section]` of quittex.toml: every field optional, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CollectiveSection(Section):
    """`[collective]`: who the collective is.

    `article` is the article the name takes in each language's texts, written
    as the language writes it before the name: `{fr = "le", es = "el"}` gives
    "Nous sommes le Collectif…", "du Collectif…", "Somos el Colectivo…".
    The articles are fr: le, la, l', les; en: the; es: el, la, los, las;
    it: il, lo, la, l', i, gli, le; de: der, die, das, "die (plural)";
    "none" in every language for a name that takes none (Attac). A single
    text (`article = "le"`) is for the collective's `language`. A language
    left out is guessed from the name's first word, and `quittex farewell`
    says which article it assumed.
    """

    name: optional(Annotated[str, Field(max_length=80)]) = None
    language: optional(LanguageCode) = None
    # The article the name takes, per language: {fr = "le", es = "el"}.
    article: dict[str, str] | None = None
    # One or two sentences saying who the collective is, for the intro post.
    description: optional(LocalizedText) = None

    @field_validator("article", mode="before")
    @classmethod
    def _articles(cls, value: Any, info: ValidationInfo) -> dict[str, str] | None:
        return parse_articles(value, info.data.get("language"))

    def article_for(self, lang: str) -> str | None:
        """The article set for `lang`'s texts, or None (then it is guessed)."""
        return (self.article or {}).get(lang)


class AddressesSection(Section):
    mastodon: optional(MastodonAddress) = None
    bluesky: optional(BlueskyHandle) = None
    website: optional(WebUrl) = None
    newsletter: optional(WebUrl) = None
    # How to subscribe, in the collective's words ("write to lettre@… with 'subscribe'").
    newsletter_subscribe: optional(LocalizedText) = None

    def any_given(self) -> bool:
        return any((self.mastodon, self.bluesky, self.website, self.newsletter, self.newsletter_subscribe))


class LeavingSection(Section):
    date: optional(Date) = None
    # "closed": the X account will be deleted; "dormant": kept as a signpost, silent.
    x_account: XAccountFate = "dormant"
    republish_archive: bool = True


class ReasonsSection(Section):
    presets: list[ReasonKey] = Field(default_factory=list)
    own: optional(LocalizedText) = None

    @field_validator("presets")
    @classmethod
    def _unique(cls, presets: list[str]) -> list[str]:
        return list(dict.fromkeys(presets))


class FarewellSection(Section):
    # Many instances allow more than 500; the publishing engine reads the real one.
    mastodon_limit: int = Field(500, ge=100, le=100_000)
    # The opening of the letter to elected officials ("Madame la Maire,").
    letter_greeting: optional(LocalizedText) = None


def _platform_list(value: str) -> str:
    from quittex.platforms import parse_platforms

    try:
        return ",".join(parse_platforms(value, option="to"))
    except QuittexError as error:
        raise ValueError(error.message) from None


class MigrateSection(Section):
    """Defaults for `quittex migrate`; the command line wins over each."""

    to: optional(Annotated[str, AfterValidator(_platform_list)]) = None
    locale: optional(Language) = None
    timezone: optional(str) = None
    mentions: optional(Literal[MENTION_MODES]) = None  # type: ignore[valid-type]
    visibility: optional(Literal[VISIBILITIES]) = None  # type: ignore[valid-type]
    date_note: bool = True
    date_note_template: optional(str) = None
    handle_map: optional(str) = None  # a CSV file, relative to the project file
    alt_text: optional(str) = None  # a CSV file, relative to the project file
    include_replies: bool = False
    include_retweets: bool = False
    link_cards: bool = True  # Bluesky: a card of each post's first link, fetched when published
    # Link cards may fetch pages on private, loopback and link-local addresses
    # (an intranet; QUITTEX_ALLOW_PRIVATE_LINKS=1 does the same).
    allow_private_links: bool = False

    def path(self, value: str | None, config_source: Path | None) -> Path | None:
        return relative_path(value, config_source)


class ProfileSection(Section):
    """What `quittex profile` puts on the new accounts, where the X profile
    should not decide: each key wins over what the archive says."""

    display_name: optional(Annotated[str, Field(max_length=200)]) = None
    bio: optional(LocalizedText) = None
    avatar: optional(str) = None  # an image file, relative to the project file
    banner: optional(str) = None
    bot: optional(bool) = None  # Mastodon's "automated account" flag; unset leaves it
    pin_intro: bool = True  # pin the introduction posted with `farewell --post`

    def path(self, value: str | None, config_source: Path | None) -> Path | None:
        return relative_path(value, config_source)


def relative_path(value: str | None, config_source: Path | None) -> Path | None:
    """A file named in the project file, relative to that file."""
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() or config_source is None else config_source.parent / path


class ProjectConfig(BaseModel):
    """The whole project file. Unknown top-level sections are kept as they are."""

    model_config = ConfigDict(extra="allow")

    collective: CollectiveSection = Field(default_factory=CollectiveSection)
    addresses: AddressesSection = Field(default_factory=AddressesSection)
    leaving: LeavingSection = Field(default_factory=LeavingSection)
    reasons: ReasonsSection = Field(default_factory=ReasonsSection)
    farewell: FarewellSection = Field(default_factory=FarewellSection)
    migrate: MigrateSection = Field(default_factory=MigrateSection)
    profile: ProfileSection = Field(default_factory=ProfileSection)

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file this configuration was read from, if any."""
        return self._source

    def unknown_sections(self) -> list[str]:
        return sorted(self.model_extra or {})

    def merged(
        self,
        overrides: Mapping[str, Mapping[str, Any]],
        environ: Mapping[str, str] | None = None,
        *,
        options: Mapping[str, str] | None = None,
    ) -> ProjectConfig:
        """The settings every command uses, in layers: the file, then the
        environment (`QUITTEX_<SECTION>_<KEY>`, e.g. QUITTEX_MIGRATE_INCLUDE_REPLIES=false),
        then the command line (`overrides`: per section, None means "option
        not given" and leaves the layers below alone; False turns a file's
        true off). Every section is resolved, so the environment reaches
        commands that give no option of their own. `options` names the
        command-line option behind a dotted key ("migrate.locale": "--locale")
        so that a bad value is reported under the name the user typed."""
        environ = os.environ if environ is None else environ
        data = self.to_data()
        merged = None
        # Each layer is checked on its own (the file already was, when read), so a
        # problem is reported under the variable or option that brought it.
        if found := self._environment(environ):
            names = {f"{s}.{k}": f"{var} ({s}.{k})" for s, keys in found.items() for k, (var, _value) in keys.items()}
            data = _laid_over(data, {s: {k: value for k, (_var, value) in keys.items()} for s, keys in found.items()})
            # Translators: completes "Problems in {origin}:".
            merged = _checked(data, _("the environment"), names, hint=_("Fix or unset these variables."))
        given = {section: {k: v for k, v in values.items() if v is not None} for section, values in overrides.items()}
        if any(given.values()):
            data = _laid_over(data, given)
            # Translators: completes "Problems in {origin}:".
            merged = _checked(data, _("the command-line options"), options or {}, hint=None)
        if merged is None:
            merged = config_from_data(data, origin=str(self._source or DEFAULT_FILENAME))
        merged._source = self._source
        return merged

    def _environment(self, environ: Mapping[str, str]) -> dict[str, dict[str, tuple[str, str]]]:
        """section → key → (variable, value), for every key set in the environment."""
        found = {}
        for section, field in type(self).model_fields.items():
            values = _environment_values(section, field.annotation, environ)
            if values:
                found[section] = values
        return found

    def to_data(self) -> dict[str, Any]:
        """Plain data for TOML, without the values left unset."""
        return self.model_dump(mode="python", exclude_none=True)


def environment_variable(section: str, key: str) -> str:
    return f"QUITTEX_{section.upper()}_{key.upper()}"


def _environment_values(section: str, model: Any, environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """key → (variable, value) for the section's keys set in the environment
    (pydantic reads "false", "0", "no" and "off" as false, numbers from text)."""
    found = {}
    for key in getattr(model, "model_fields", {}):
        variable = environment_variable(section, key)
        value = environ.get(variable)
        if value is not None and value.strip():
            found[key] = (variable, value.strip())
    return found


def _laid_over(data: Mapping[str, Any], layer: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    layered = dict(data)
    for section, values in layer.items():
        if values:
            layered[section] = {**data.get(section, {}), **values}
    return layered


def _checked(data: Mapping[str, Any], origin: str, names: Mapping[str, str], *, hint: str | None) -> ProjectConfig:
    try:
        return ProjectConfig.model_validate(dict(data))
    except ValidationError as error:
        raise ConfigError(describe_errors(error, origin, names), hint=hint) from None


# --- reading and writing ------------------------------------------------------------


def config_from_data(data: Mapping[str, Any], *, origin: str = DEFAULT_FILENAME) -> ProjectConfig:
    try:
        return ProjectConfig.model_validate(dict(data))
    except ValidationError as error:
        raise ConfigError(describe_errors(error, origin), hint=_(_FIX_HINT)) from None


_FIX_HINT = N_("Fix these lines (examples/quittex.toml shows every setting), or run `quittex init --force`.")


def describe_errors(error: ValidationError, origin: str, names: Mapping[str, str] | None = None) -> str:
    """One line per field, in the file's own dotted names, or under the
    variable or option `names` gives for one ("migrate.locale": "--locale")."""
    names = names or {}
    lines = [_("Problems in {origin}:").format(origin=origin)]
    for problem in error.errors():
        where = _location(problem["loc"])
        lines.append(f"  {names.get(where, where)}: {_explain(problem)}")
    return "\n".join(dict.fromkeys(lines))


def _location(parts: tuple[Any, ...]) -> str:
    """`reasons.presets[0]`, as a person would point at it in the file."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" not in str(part):  # pydantic's names for validator steps are not keys
            text += f".{part}" if text else str(part)
    return text or _("(top level)")


def _explain(problem: Mapping[str, Any]) -> str:
    kind, message = problem["type"], problem["msg"]
    if kind == "extra_forbidden":
        return _("unknown setting (a typo? see examples/quittex.toml for the known ones)")
    if kind == "model_type":
        return _("must be a [section] of settings")
    if kind.startswith(("date_", "datetime_")):
        return _("must be a date like 2026-01-20 (got {value})").format(value=repr(problem["input"]))
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")  # our own validators' words, translated when raised
    message = _pydantic_message(kind, problem.get("ctx") or {}) or message[0].lower() + message[1:]
    if kind == "literal_error":
        message += " " + _("(got {value})").format(value=repr(problem["input"]))
    return message


# pydantic's own messages for the mistakes people make in the file, in words a
# translator can reach: each is pydantic's English, its first letter lowered.
# Any other kind is shown in pydantic's English.
_PYDANTIC_MESSAGES = {
    "bool_parsing": N_("input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("input should be a valid boolean"),
    "int_parsing": N_("input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("input should be a valid integer"),
    "int_from_float": N_("input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("input should be a valid number, unable to parse string as a number"),
    "float_type": N_("input should be a valid number"),
    "string_type": N_("input should be a valid string"),
    "list_type": N_("input should be a valid list"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
    "greater_than": N_("input should be greater than {gt}"),
    "less_than": N_("input should be less than {lt}"),
}
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


def _pydantic_message(kind: str, ctx: Mapping[str, Any]) -> str | None:
    """pydantic's message for `kind` in the language of the run, or None."""
    if kind == "literal_error":
        choices = _QUOTED.findall(str(ctx.get("expected", "")))
        return _("input should be {choices}").format(choices=_either(choices)) if choices else None
    if kind == "string_too_long" and "max_length" in ctx:
        limit = ctx["max_length"]
        return ngettext(
            "string should have at most {count} character", "string should have at most {count} characters", limit
        ).format(count=limit)
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return None
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return None


def _either(choices: list[str]) -> str:
    """ "'a', 'b' or 'c'", the way the language of the run says it."""
    from babel.lists import format_list

    return format_list(choices, style="or", locale=babel_locale())


def load_config(path: Path | str | None = None) -> ProjectConfig:
    """The project file at `path`; without one, ./quittex.toml if it exists,
    else an empty configuration (commands then say what they are missing)."""
    if path is None:
        path = Path(DEFAULT_FILENAME)
        if not path.is_file():
            return ProjectConfig()
    path = Path(path)
    config = config_from_data(_read_toml(path), origin=str(path))
    config._source = path
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(_("{path} is too large to be a quittex project file.").format(path=path))
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            _("No project file at {path}.").format(path=path), hint=_("Run `quittex init` to create one.")
        ) from None
    except (IsADirectoryError, PermissionError) as error:
        raise ConfigError(_("Cannot read {path}: {reason}.").format(path=path, reason=error.strerror)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("{path} is not a UTF-8 text file.").format(path=path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            _("{path} is not valid TOML: {reason}.").format(path=path, reason=error), hint=_(_FIX_HINT)
        ) from None


_FILE_HEADER = (
    "# quittex project file: who the collective is and where it goes after X.\n"
    "# Every quittex command reads it; command-line options win over it.\n\n"
)


def save_config(config: ProjectConfig, path: Path, *, overwrite: bool = False) -> Path:
    """Write the file atomically (a crash never leaves half a file behind)."""
    if path.exists() and not overwrite:
        raise ConfigError(_("{path} already exists.").format(path=path), hint=_("Use --force to replace it."))
    text = _FILE_HEADER + tomli_w.dumps(config.to_data())
    directory = path.parent if str(path.parent) else Path(".")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False, suffix=".tmp") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)
    return path
