"""`quittex farewell`: the texts a collective posts when it leaves X."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pyperclip
import typer
from rich.panel import Panel
from rich.text import Text

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import BadInputError
from quittex.farewell.grammar import ARTICLES, article_examples
from quittex.i18n import N_, _, format_number, language_name, ngettext
from quittex.platforms import PLATFORMS, REGISTRY, label
from quittex.vocabulary import FAREWELL_FORMATS as FORMATS
from quittex.vocabulary import LANGUAGES

if TYPE_CHECKING:  # the kit itself (Jinja2, the project file's models) is imported when a command runs
    from quittex.config import ProjectConfig
    from quittex.farewell import FarewellKit, FarewellText
    from quittex.farewell.context import MissingText

LanguageChoice = Enum("LanguageChoice", {code: code for code in LANGUAGES}, type=str)
PostChoice = Enum("PostChoice", {name: name for name in PLATFORMS}, type=str)
FormatChoice = Enum("FormatChoice", {name: name for name in (*FORMATS, "all")}, type=str)

# Where each farewell text goes, in the panels' titles; the translated ones go through _().
_PLACES = {
    # Translators: where the long farewell text goes, in a panel's title ("long · website / newsletter").
    "web": N_("website / newsletter"),
    # Translators: the farewell text sent to elected officials, in a panel's title ("letter · letter").
    "letter": N_("letter"),
}
_PLATFORM_NAMES = {"x": "X"} | {name: spec.label for name, spec in REGISTRY.items()}

# How much a text was cut to fit its platform (the `detail` of a FarewellText).
_DETAILS = {"short": N_("short form, to fit"), "minimal": N_("minimal form, to fit")}

# The collective's own texts, as a note about one names it.
_OWN_TEXTS = {
    # Translators: one of the collective's own texts, named in a note ("The description (collective.description)…").
    "collective.description": N_("The description"),
    # Translators: one of the collective's own texts, named in a note.
    "addresses.newsletter_subscribe": N_("How to subscribe to the newsletter"),
    # Translators: one of the collective's own texts, named in a note.
    "reasons.own": N_("Your own reason"),
    # Translators: one of the collective's own texts, named in a note.
    "farewell.letter_greeting": N_("The letter's greeting"),
}


def farewell(
    lang: Annotated[
        LanguageChoice | None, typer.Option("--lang", "-l", help="Language of the texts (default: the project file's).")
    ] = None,
    fmt: Annotated[
        FormatChoice,
        typer.Option(
            "--format",
            "-f",
            help="x: one X post · thread: a numbered X thread · long: a Markdown letter for your site or "
            "newsletter · intro: the first post on Mastodon and Bluesky · bio: the X profile bio · "
            "letter: to elected officials still on X · all: every one.",
        ),
    ] = FormatChoice.all,
    plain: Annotated[bool, typer.Option("--plain", help="Print clean text to paste, without frames.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    copy: Annotated[
        bool, typer.Option("--copy", help="Also copy the texts to the clipboard, when there is one.")
    ] = False,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", help="Your own Jinja2 template for the chosen --format (same variables, same limits)."
        ),
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", "-c", help="The project file (default: ./quittex.toml).")
    ] = None,
    mastodon_limit: Annotated[
        int | None, typer.Option("--mastodon-limit", help="Your Mastodon instance's post limit (default 500).")
    ] = None,
    post_to: Annotated[
        PostChoice | None,
        typer.Option("--post", help="Publish the intro post to your new account on this platform (after logging in)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --post: publish without asking.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --post: post the same introduction again.")] = False,
    pin: Annotated[
        bool,
        typer.Option("--pin", help="With --post: pin the introduction to the profile (`profile --restore` unpins)."),
    ] = False,
    other_languages: Annotated[
        bool,
        typer.Option(
            "--use-other-languages",
            help="When one of your own texts (description, own reason, how to subscribe, greeting) is not written "
            "in the language asked, use it in the language it is written in rather than leave it out.",
        ),
    ] = False,
) -> None:
    """Write the farewell announcements, each within its platform's limit, in your language."""
    if plain and as_json:
        raise BadInputError(_("--plain and --json are two different outputs: choose one."))
    project = _project(config_file, mastodon_limit)
    if post_to is not None:
        chosen = lang.value if lang else None
        _post_intro(project, post_to.value, chosen, yes=yes, force=force, pin=pin, other_languages=other_languages)
        return
    if pin:
        raise BadInputError(_("--pin goes with --post: it pins the introduction once posted."))
    from quittex.farewell import read_template, render_farewell

    formats = FORMATS if fmt.value == "all" else (fmt.value,)
    custom = read_template(template) if template else None
    kit = render_farewell(
        project, formats=formats, lang=lang.value if lang else None, template=custom, other_languages=other_languages
    )
    _show(kit, plain=plain, as_json=as_json)
    _explain(kit, project)
    if copy:
        _copy(kit.plain())


def _post_intro(
    project: ProjectConfig, platform: str, lang: str | None, *, yes: bool, force: bool, pin: bool, other_languages: bool
) -> None:
    import sys

    from quittex.farewell import render_farewell
    from quittex.farewell.post import post_intro

    kit = render_farewell(project, formats=("intro",), lang=lang, other_languages=other_languages)
    _explain(kit, project)
    intro = next((text for text in kit.texts if text.platform == platform), None)
    if intro is None:
        raise BadInputError(
            _("The project file gives no {platform} address, so there is no intro post for it.").format(
                platform=label(platform)
            )
        )
    _show_panels(intro)
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError(_("Add --yes to publish the intro post without a terminal."))
        question = _("Publish this post on {platform}?").format(platform=label(platform))
        if not console.confirm(question):
            console.info(_("Nothing was published."))
            return
    account, url = post_intro(intro, force=force)
    console.out.print(
        _("Published on {platform} as {account}: {url}").format(
            platform=label(platform), account=shown(account), url=shown(url)
        )
    )
    if pin:
        from quittex.profile.run import pin_intro

        pinned = pin_intro(platform)
        console.out.print(
            _("Pinned to the {platform} profile of {account}.").format(
                platform=label(platform), account=shown(pinned.account)
            )
        )


def _project(config_file: Path | None, mastodon_limit: int | None) -> ProjectConfig:
    given = {"farewell": {"mastodon_limit": mastodon_limit}}
    from quittex.config import load_config

    project = load_config(config_file).merged(given, options={"farewell.mastodon_limit": "--mastodon-limit"})
    for section in project.unknown_sections():
        console.warn(
            _("{section} in the project file is unknown to this quittex: kept, but ignored.").format(
                section=shown(f"[{section}]")
            )
        )
    return project


def _show(kit: FarewellKit, *, plain: bool, as_json: bool) -> None:
    if as_json:
        console.print_json(kit.to_data())
    elif plain:
        typer.echo(kit.plain())
    else:
        for text in kit.texts:
            _show_panels(text)
        tip = _("--plain prints the texts without frames, ready to paste; --copy copies them.")
        console.info(f"[dim]{tip}[/dim]")
    for note in kit.skipped:
        skipped = _("skipped {note}").format(note=shown(note))
        console.info(f"[dim]{skipped}[/dim]")


def _explain(kit: FarewellKit, project: ProjectConfig) -> None:
    """What the texts assumed or left out, once each, on stderr."""
    where = shown(str(project.source or "quittex.toml"))
    if kit.article and kit.article.guessed and project.collective.name:
        _explain_article(kit, project.collective.name, where)
    for missing in kit.missing:
        _explain_missing(missing, where)


def _explain_article(kit: FarewellKit, name: str, where: str) -> None:
    lang, article = kit.article.lang, kit.article.article
    nominative, of = article_examples(article, name, lang)
    example = "article = {" + f'{lang} = "{article}"' + "}"
    console.info(
        # Translators: {nominative} and {of} show the collective's name as the texts write it ("le Collectif
        # Vélo", "du Collectif Vélo"); {example} is TOML (article = {fr = "le"}); {section} is [collective].
        _(
            "No article is set for the name in the {language} texts: quittex wrote “{nominative}” and “{of}”. "
            "To choose another, write in {file}, under {section}: {example} (one of {choices})."
        ).format(
            language=language_name(lang),
            nominative=shown(nominative),
            of=shown(of),
            file=where,
            section=shown("[collective]"),
            example=shown(example),
            choices=shown(", ".join(ARTICLES[lang])),
        )
    )


def _explain_missing(missing: MissingText, where: str) -> None:
    what = _(_OWN_TEXTS.get(missing.setting, missing.setting))
    section, key = missing.setting.split(".", 1)
    codes = [*missing.written_in, missing.lang]
    example = f"{key} = " + "{" + ", ".join(f'{code} = "…"' for code in codes) + "}"
    language, other = language_name(missing.lang), language_name(missing.other)
    if missing.used:
        message = _("{what} ({setting}) has no {language} text: the {other} one is used, as asked.").format(
            what=what, setting=missing.setting, language=language, other=other
        )
        console.info(message)
        return
    # Translators: {example} is TOML (own = {fr = "…", en = "…"}), {section} a section of the file ([reasons]).
    message = _(
        "{what} ({setting}) has no {language} text, so the {language} texts leave it out. "
        "To add it, write in {file}, under {section}: {example}; "
        "or add --use-other-languages to use the {other} one."
    ).format(
        what=what,
        setting=missing.setting,
        language=language,
        file=where,
        section=shown(f"[{section}]"),
        example=shown(example),
        other=other,
    )
    console.warn(message)


def _show_panels(text: FarewellText) -> None:
    place = _(_PLACES[text.platform]) if text.platform in _PLACES else _PLATFORM_NAMES.get(text.platform, text.platform)
    title = f"{text.format} · {place}"
    for number, post in enumerate(text.posts, start=1):
        part = f" · {number}/{len(text.posts)}" if len(text.posts) > 1 else ""
        subtitle = shown(_subtitle(text, post))
        console.out.print(Panel(Text(post.text), title=shown(title + part), subtitle=subtitle, title_align="left"))


def _subtitle(text: FarewellText, post) -> str:
    # Translators: after a text's length against its platform's limit ("312/280 characters ✗ too long").
    parts = [post.measure.describe() + (" ✓" if post.measure.fits else " ✗ " + _("too long"))]
    if text.detail != "full":
        detail = _DETAILS.get(text.detail)
        parts.append(_(detail) if detail else _("{detail} form, to fit").format(detail=text.detail))
    if post.facets:
        count = len(post.facets)
        # Translators: Bluesky "facets" are the marks that make links clickable in a post.
        parts.append(ngettext("{count} link facet", "{count} link facets", count).format(count=format_number(count)))
    return " · ".join(parts)


def _copy(text: str) -> None:
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        console.warn(_("No clipboard is available here; the texts are printed above."))
        return
    console.info(_("Copied to the clipboard."))


def register(app: typer.Typer) -> None:
    app.command("farewell")(farewell)
