"""`quittex init`: a few questions, and the collective's quittex.toml is written."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import ConfigError
from quittex.farewell.grammar import ARTICLES, article_examples, guess_article, parse_article
from quittex.farewell.presets import reason_presets
from quittex.i18n import _, babel_locale, current_language, format_day, language_name
from quittex.paths import DEFAULT_FILENAME
from quittex.vocabulary import BABEL_LOCALES, LANGUAGES, REASON_KEYS

LanguageChoice = Enum("LanguageChoice", {code: code for code in LANGUAGES}, type=str)
ReasonChoice = Enum("ReasonChoice", {key: key for key in REASON_KEYS}, type=str)
AccountChoice = Enum("AccountChoice", {"closed": "closed", "dormant": "dormant"}, type=str)


def init(
    name: Annotated[
        str | None, typer.Option("--name", help="The collective's name, as the texts should show it.")
    ] = None,
    lang: Annotated[LanguageChoice | None, typer.Option("--lang", "-l", help="The language of your texts.")] = None,
    article: Annotated[
        str | None,
        typer.Option(
            "--article",
            help="The article your name takes in the texts of --lang: le, la, l', les… or none "
            "(“le” writes “Nous sommes le Collectif…”).",
        ),
    ] = None,
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
    date: Annotated[
        str | None, typer.Option("--date", help="Leaving date: 2026-01-20, or as you write dates (20/01/2026).")
    ] = None,
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
    if article is not None and lang is None and no_input:
        raise ConfigError(
            _("--article goes with --lang: it is the article of that language's texts."), hint=_("Give --lang too.")
        )
    given = {
        "name": name,
        "language": lang.value if lang else None,
        "article": article,
        "description": description,
        "mastodon": mastodon,
        "bluesky": bluesky,
        "website": _leniently(_project_file().complete_web_url, website),
        "newsletter": _leniently(_project_file().complete_web_url, newsletter),
        "newsletter_subscribe": subscribe,
        "date": _leniently(lambda value: parse_day(value, _languages(lang.value if lang else None)), date),
        "presets": [r.value for r in reasons] if reasons else None,
        "own": own_reason,
        "x_account": x_account.value if x_account else None,
    }
    answers = given if no_input else _ask_missing(given)
    if not answers["name"]:
        raise ConfigError(_("The collective's name is needed."), hint=_("Give --name."))
    # Translators: completes "Problems in {origin}:" when the answers to `quittex init` do not fit.
    project_file = _project_file()
    config = project_file.config_from_data(_as_sections(answers), origin=_("your answers"))
    project_file.save_config(config, path, overwrite=force)
    console.out.print(_("Wrote {path}.").format(path=shown(str(path))), highlight=False)
    console.info(_("Next: [bold]quittex farewell[/bold] prints your farewell texts, ready to paste."))


def _as_sections(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The flat answers, placed in the file's sections; unanswered ones left out."""
    sections = {
        "collective": ("name", "language", "article", "description"),
        "addresses": ("mastodon", "bluesky", "website", "newsletter", "newsletter_subscribe"),
        "leaving": ("date", "x_account"),
        "reasons": ("presets", "own"),
    }
    return {
        section: {key: answers[key] for key in keys if answers[key] not in (None, "", [])}
        for section, keys in sections.items()
    }


def _leniently(parse: Callable[[str], Any], value: str | None) -> Any:
    """An option's value as `parse` understands it, else as given: the project
    file's check then says what is wrong with it, with the others."""
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError:
        return value


# --- the questions ---------------------------------------------------------------------


def _ask_missing(given: dict[str, Any]) -> dict[str, Any]:
    answers = dict(given)
    console.info(_("A few questions about your collective; press Enter to skip an optional one."))
    for key, question in _QUESTIONS:
        if answers[key] is None:
            answers[key] = question(answers)
    return answers


def _ask(
    label: str, parse: Callable[[str], Any] = str, default: str = "", understood: Callable[[Any], str] | None = None
) -> Any:
    """Ask again, with the reason, until the answer is usable; empty means none.
    `label` is the question already in the person's language; `understood`,
    the sentence that says back what was understood when it is not what was typed."""

    def checked(value: str) -> Any:
        if not value.strip():
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    answer = typer.prompt(label, default=default, show_default=bool(default), value_proc=checked, err=True)
    if understood is not None and answer is not None:
        console.info(understood(answer))
    return answer


def _texts_language(answers: dict[str, Any]) -> str:
    return answers.get("language") or current_language()


def _ask_name(_answers: dict[str, Any]) -> str:
    while not (name := _ask(_("Name of the collective"))):
        console.warn(_("The name is needed: it signs every text."))
    return name


def _ask_language(_answers: dict[str, Any]) -> str:
    question = _("Language of your texts ({languages})").format(languages=", ".join(LANGUAGES))
    return _ask(question, _parse_language, current_language())


def _either(choices: Iterable[str]) -> str:
    """ "le, la, l', les or none", the way the language quittex speaks says it."""
    from babel.lists import format_list

    return format_list(list(choices), style="or", locale=babel_locale())


def _ask_article(answers: dict[str, Any]) -> str:
    lang, name = _texts_language(answers), answers["name"]
    choices = _either(ARTICLES[lang])
    # Translators: {choices} are the articles to type ("le, la, l', les ou none"): "none" stays in English.
    question = _("Article before the name in the {language} texts ({choices})").format(
        language=language_name(lang), choices=choices
    )

    def said(article: str) -> str:
        nominative, of = article_examples(article, name, lang)
        return _("The texts will say “{nominative}” and “{of}”.").format(nominative=shown(nominative), of=shown(of))

    return _ask(question, lambda value: _parse_article(value, lang), guess_article(name, lang), said)


def _ask_reasons(answers: dict[str, Any]) -> list[str]:
    presets = list(reason_presets(_texts_language(answers)).values())
    for number, reason in enumerate(presets, start=1):
        console.info(f"  {number}. {shown(reason.title)}")
    question = _("Your reasons (numbers, e.g. 1 3 5; Enter for none)")
    return _ask(question, lambda v: _parse_numbers(v, presets)) or []


def _ask_date(answers: dict[str, Any]) -> str | None:
    example = format_day(_EXAMPLE_DAY)
    languages = _languages(answers.get("language"))

    def said(day: str) -> str:
        return _("Leaving date understood: {date}.").format(date=format_day(datetime.date.fromisoformat(day)))

    return _ask(_("Leaving date (e.g. {example})").format(example=example), lambda v: parse_day(v, languages), "", said)


def _ask_x_account(_answers: dict[str, Any]) -> str:
    console.info(_("What happens to your X account once you have left?"))
    # Translators: the first answer to "What happens to your X account…?": "it" is the X account.
    console.info("  1. " + _("We delete it."))
    # Translators: the second answer: the account stays up but posts nothing, so nobody can take the name.
    console.info("  2. " + _("We keep it, silent, so that nobody else can take our name."))
    # Translators: "1" and "2" are the numbers to type (the words closed and dormant work too).
    return _ask(_("Your choice (1 or 2)"), _parse_account, "2")


def _parse_language(value: str) -> str:
    code = _project_file().parse_language(value)
    if code not in LANGUAGES:
        raise ValueError(_("choose one of {languages}").format(languages=", ".join(LANGUAGES)))
    return code


def _parse_article(value: str, lang: str) -> str:
    try:
        return parse_article(value, lang)
    except ValueError:
        raise ValueError(_("write one of {choices}").format(choices=_either(ARTICLES[lang]))) from None


def _parse_numbers(value: str, presets: list) -> list[str]:
    numbers = re.findall(r"\d+", value)
    if not numbers or any(not 1 <= int(n) <= len(presets) for n in numbers):
        raise ValueError(_("give numbers between 1 and {last}").format(last=len(presets)))
    return list(dict.fromkeys(presets[int(n) - 1].key for n in numbers))


def _parse_account(value: str) -> str:
    answer = value.strip().lower()
    if answer in ("1", "closed"):
        return "closed"
    if answer in ("2", "dormant"):
        return "dormant"
    raise ValueError(_("answer 1 or 2"))


def _mastodon_understood(address: str) -> str:
    return _("Mastodon address understood: {address}").format(address=shown(address))


def _site_understood(url: str) -> str:
    return _("Web address understood: {url}").format(url=shown(url))


def _parsed_saying(parse: Callable[[str], str], say: Callable[[str], str]) -> Callable[[str], str]:
    """`parse`, saying back what was understood when it is not what was typed."""

    def parsed(value: str) -> str:
        result = parse(value)
        if result != value.strip():
            console.info(say(result))
        return result

    return parsed


# --- dates as people write them -------------------------------------------------------

_EXAMPLE_DAY = datetime.date(2026, 1, 20)
# Words a written date may hold besides the day, the month and the year.
_DATE_FILLERS = {"de", "del", "le", "er", "st", "nd", "rd", "th", "the", "of", "am", "den", "il", "o", "º", "ª"}


def _languages(first: str | None) -> list[str]:
    """The languages to read a date in: the texts', the one quittex speaks, then the others."""
    return list(dict.fromkeys([code for code in (first, current_language()) if code] + list(LANGUAGES)))


def parse_day(value: str, languages: Iterable[str] = LANGUAGES) -> str:
    """A day as people write it, as YYYY-MM-DD: 2026-01-20, 20/01/2026,
    20.01.2026, 20 janvier 2026, 1er mars 2026, 20. Januar 2026, January 20, 2026.
    Numbers are read day first, as in every language quittex writes."""
    text = value.strip()
    try:
        return _checked_year(datetime.date.fromisoformat(text))
    except ValueError:
        pass
    languages = list(languages)
    if any(char.isalpha() for char in text):
        day = _day_with_month_name(text, languages)
    else:
        day = _numeric_day(text, languages)
    return _checked_year(day)


def _checked_year(day: datetime.date) -> str:
    if not 2000 <= day.year <= 2099:
        raise ValueError(_("write the year in full, e.g. {example}").format(example=format_day(_EXAMPLE_DAY)))
    return day.isoformat()


def _date_problem() -> ValueError:
    examples = _either(["20/01/2026", format_day(_EXAMPLE_DAY), "2026-01-20"])
    return ValueError(_("write the day, the month and the year, e.g. {examples}").format(examples=examples))


def _numeric_day(text: str, languages: list[str]) -> datetime.date:
    from babel.dates import parse_date

    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or re.search(r"[^\d\s./-]", text):
        raise _date_problem()
    if len(numbers[0]) == 4:  # 2026/01/20: the year first, as ISO writes it
        try:
            return datetime.date(*(int(n) for n in numbers))
        except ValueError:
            raise _date_problem() from None
    for lang in languages:
        try:
            return parse_date(text, locale=BABEL_LOCALES[lang])
        except (ValueError, IndexError):
            continue
    raise _date_problem()


def _day_with_month_name(text: str, languages: list[str]) -> datetime.date:
    months, fillers = _month_names(tuple(languages)), _date_words(tuple(languages))
    month, numbers = None, []
    for token in re.findall(r"\d+|[^\W\d_]+\.?", text.lower()):
        if token.isdigit():
            numbers.append(int(token))
            continue
        word = _folded(token.rstrip("."))
        if word in months and month is None:
            month = months[word]
        elif word not in fillers:
            raise _date_problem()
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 1000]
    if month is None or len(years) != 1 or len(days) != 1:
        raise _date_problem()
    try:
        return datetime.date(years[0], month, days[0])
    except ValueError:
        raise _date_problem() from None


def _folded(word: str) -> str:
    """Lowercase, without accents: "février" and "fevrier" are one month."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _month_names(languages: tuple[str, ...]) -> dict[str, int]:
    """Every way of writing a month in `languages` (Babel's locale data), the
    first language winning where two share a spelling."""
    from babel import Locale

    names: dict[str, int] = {}
    for lang in languages:
        locale = Locale.parse(BABEL_LOCALES[lang])
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    names.setdefault(_folded(name.rstrip(".")), number)
    return names


@cache
def _date_words(languages: tuple[str, ...]) -> set[str]:
    """The days of the week and the small words a written date may hold."""
    from babel import Locale

    words = set(_DATE_FILLERS)
    for lang in languages:
        locale = Locale.parse(BABEL_LOCALES[lang])
        for width in ("wide", "abbreviated"):
            words |= {_folded(name.rstrip(".")) for name in locale.days["format"][width].values()}
    return words


def _project_file():
    """`quittex.config`, imported when init runs: importing pydantic and
    building the project file's models would cost every command at start-up."""
    from quittex import config

    return config


_QUESTIONS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("name", _ask_name),
    ("language", _ask_language),
    ("article", _ask_article),
    ("description", lambda __: _ask(_("Who are you, in one sentence (for the intro post)"))),
    (
        "mastodon",
        lambda __: _ask(
            _("New Mastodon address (@user@instance)"),
            _parsed_saying(_project_file().parse_mastodon_address, _mastodon_understood),
        ),
    ),
    ("bluesky", lambda __: _ask(_("New Bluesky handle (name.bsky.social)"), _project_file().parse_bluesky_handle)),
    (
        "website",
        lambda __: _ask(_("Website (https://…)"), _parsed_saying(_project_file().complete_web_url, _site_understood)),
    ),
    (
        "newsletter",
        lambda __: _ask(
            _("Newsletter page (https://…)"), _parsed_saying(_project_file().complete_web_url, _site_understood)
        ),
    ),
    ("newsletter_subscribe", lambda __: _ask(_("How do people subscribe to it, in your words"))),
    ("date", _ask_date),
    ("presets", _ask_reasons),
    ("own", lambda __: _ask(_("Your own reason, in your words"))),
    ("x_account", _ask_x_account),
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
