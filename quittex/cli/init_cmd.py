"""`quittex init`: a few questions, and the collective's quittex.toml is written."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from quittex.cli import console
from quittex.cli.console import shown
from quittex.config import (
    DEFAULT_FILENAME,
    REASON_KEYS,
    config_from_data,
    default_language,
    parse_bluesky_handle,
    parse_language,
    parse_mastodon_address,
    parse_web_url,
    save_config,
)
from quittex.errors import ConfigError
from quittex.farewell.presets import reason_presets
from quittex.i18n import _
from quittex.vocabulary import LANGUAGES

LanguageChoice = Enum("LanguageChoice", {code: code for code in LANGUAGES}, type=str)
ReasonChoice = Enum("ReasonChoice", {key: key for key in REASON_KEYS}, type=str)
AccountChoice = Enum("AccountChoice", {"closed": "closed", "dormant": "dormant"}, type=str)


def init(
    name: Annotated[
        str | None, typer.Option("--name", help="The collective's name, as the texts should show it.")
    ] = None,
    lang: Annotated[LanguageChoice | None, typer.Option("--lang", "-l", help="The language of your texts.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="One sentence saying who you are (for the intro post).")
    ] = None,
    mastodon: Annotated[str | None, typer.Option("--mastodon", help="New Mastodon address, @user@instance.")] = None,
    bluesky: Annotated[str | None, typer.Option("--bluesky", help="New Bluesky handle, name.bsky.social.")] = None,
    website: Annotated[str | None, typer.Option("--website", help="Your website, https://…")] = None,
    newsletter: Annotated[str | None, typer.Option("--newsletter", help="Your newsletter's page, https://…")] = None,
    subscribe: Annotated[
        str | None, typer.Option("--subscribe", help="How to subscribe to the newsletter, in your words.")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Leaving date, YYYY-MM-DD.")] = None,
    reasons: Annotated[
        list[ReasonChoice] | None, typer.Option("--reason", help="A preset reason; repeat the option for several.")
    ] = None,
    own_reason: Annotated[str | None, typer.Option("--own-reason", help="Your own reason, in your words.")] = None,
    x_account: Annotated[
        AccountChoice | None,
        typer.Option("--x-account", help="closed: the X account will be deleted; dormant: kept silent as a signpost."),
    ] = None,
    path: Annotated[Path, typer.Option("--config", "-c", help="Where to write the project file.")] = Path(
        DEFAULT_FILENAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing project file.")] = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Ask nothing: use the options only.")] = False,
) -> None:
    """Create the project file (quittex.toml) by answering a few questions."""
    if path.exists() and not force:
        raise ConfigError(
            _("{path} already exists.").format(path=path), hint=_("Use --force to replace it, or edit it by hand.")
        )
    given = {
        "name": name,
        "language": lang.value if lang else None,
        "description": description,
        "mastodon": mastodon,
        "bluesky": bluesky,
        "website": website,
        "newsletter": newsletter,
        "newsletter_subscribe": subscribe,
        "date": date,
        "presets": [r.value for r in reasons] if reasons else None,
        "own": own_reason,
        "x_account": x_account.value if x_account else None,
    }
    answers = given if no_input else _ask_missing(given)
    if not answers["name"]:
        raise ConfigError(_("The collective's name is needed."), hint=_("Give --name."))
    # Translators: completes "Problems in {origin}:" when the answers to `quittex init` do not fit.
    config = config_from_data(_as_sections(answers), origin=_("your answers"))
    save_config(config, path, overwrite=force)
    console.out.print(_("Wrote {path}.").format(path=shown(str(path))), highlight=False)
    console.info(_("Next: [bold]quittex farewell[/bold] prints your farewell texts, ready to paste."))


def _as_sections(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The flat answers, placed in the file's sections; unanswered ones left out."""
    sections = {
        "collective": ("name", "language", "description"),
        "addresses": ("mastodon", "bluesky", "website", "newsletter", "newsletter_subscribe"),
        "leaving": ("date", "x_account"),
        "reasons": ("presets", "own"),
    }
    return {
        section: {key: answers[key] for key in keys if answers[key] not in (None, "", [])}
        for section, keys in sections.items()
    }


# --- the questions ---------------------------------------------------------------------


def _ask_missing(given: dict[str, Any]) -> dict[str, Any]:
    answers = dict(given)
    console.info(_("A few questions about your collective; press Enter to skip an optional one."))
    for key, question in _QUESTIONS:
        if answers[key] is None:
            answers[key] = question(answers)
    return answers


def _ask(label: str, parse: Callable[[str], Any] = str, default: str = "") -> Any:
    """Ask again, with the reason, until the answer is usable; empty means none.
    `label` is the question already in the person's language."""

    def checked(value: str) -> Any:
        if not value.strip():
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    return typer.prompt(label, default=default, show_default=bool(default), value_proc=checked, err=True)


def _ask_name(_answers: dict[str, Any]) -> str:
    while not (name := _ask(_("Name of the collective"))):
        console.warn(_("The name is needed: it signs every text."))
    return name


def _ask_language(_answers: dict[str, Any]) -> str:
    question = _("Language of your texts ({languages})").format(languages=", ".join(LANGUAGES))
    return _ask(question, _parse_language, default_language())


def _ask_reasons(answers: dict[str, Any]) -> list[str]:
    presets = list(reason_presets(answers["language"] or default_language()).values())
    for number, reason in enumerate(presets, start=1):
        console.info(f"  {number}. {shown(reason.title)}")
    question = _("Your reasons (numbers, e.g. 1 3 5; Enter for none)")
    return _ask(question, lambda v: _parse_numbers(v, presets)) or []


def _parse_language(value: str) -> str:
    code = parse_language(value)
    if code not in LANGUAGES:
        raise ValueError(_("choose one of {languages}").format(languages=", ".join(LANGUAGES)))
    return code


def _parse_numbers(value: str, presets: list) -> list[str]:
    numbers = re.findall(r"\d+", value)
    if not numbers or any(not 1 <= int(n) <= len(presets) for n in numbers):
        raise ValueError(_("give numbers between 1 and {last}").format(last=len(presets)))
    return list(dict.fromkeys(presets[int(n) - 1].key for n in numbers))


def _parse_date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(_("write the date as YYYY-MM-DD, e.g. 2026-01-20")) from None


def _parse_account(value: str) -> str:
    if value.strip().lower() not in ("closed", "dormant"):
        # Translators: "closed" and "dormant" are the words to type: keep them in English.
        raise ValueError(_("answer closed or dormant"))
    return value.strip().lower()


_QUESTIONS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("name", _ask_name),
    ("language", _ask_language),
    ("description", lambda __: _ask(_("Who are you, in one sentence (for the intro post)"))),
    ("mastodon", lambda __: _ask(_("New Mastodon address (@user@instance)"), parse_mastodon_address)),
    ("bluesky", lambda __: _ask(_("New Bluesky handle (name.bsky.social)"), parse_bluesky_handle)),
    ("website", lambda __: _ask(_("Website (https://…)"), parse_web_url)),
    ("newsletter", lambda __: _ask(_("Newsletter page (https://…)"), parse_web_url)),
    ("newsletter_subscribe", lambda __: _ask(_("How do people subscribe to it, in your words"))),
    ("date", lambda __: _ask(_("Leaving date (YYYY-MM-DD)"), _parse_date)),
    ("presets", _ask_reasons),
    ("own", lambda __: _ask(_("Your own reason, in your words"))),
    (
        "x_account",
        # Translators: "closed" and "dormant" are the words to type (the default is dormant): keep them in English.
        lambda __: _ask(_("Then the X account is closed, or dormant (kept silent)"), _parse_account, "dormant"),
    ),
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
