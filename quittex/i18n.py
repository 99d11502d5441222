"""The language quittex speaks to people: gettext catalogs kept with Babel.

Every sentence a person reads goes through `_()` (or `ngettext()` when it
counts something). Sentences written at import time (option help, module-level
constants) are marked with `N_()` and translated where they are shown. The
catalogs live in `quittex/locale/<lang>/LC_MESSAGES/quittex.po`, compiled to
`.mo` beside them (`python scripts/i18n.py` extracts, updates and compiles).

Numbers, dates and durations are written for the same language through Babel.
The language is one per process (a CLI run), English until `set_language`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from quittex.vocabulary import BABEL_LOCALES, LANGUAGES, language_code

DOMAIN = "quittex"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
# Read in this order when no language is chosen: the POSIX variables.
ENVIRONMENT_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_current = SOURCE_LANGUAGE
_catalog: NullTranslations = NullTranslations()
_listeners: list[Callable[[], None]] = []


@cache
def _load(language: str) -> NullTranslations:
    from babel.support import Translations

    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(LOCALE_DIR, [language], domain=DOMAIN)


def set_language(language: str) -> str:
    """Speak `language` (one of LANGUAGES) from now on; returns it."""
    global _current, _catalog
    if language not in LANGUAGES:
        raise ValueError(f"quittex speaks {', '.join(LANGUAGES)}, not {language!r}")
    _current, _catalog = language, _load(language)
    for listener in _listeners:
        listener()
    return language


def current_language() -> str:
    return _current


def on_language_change(listener: Callable[[], None]) -> None:
    """Call `listener` after every `set_language` (texts computed once, elsewhere)."""
    _listeners.append(listener)


def _(message: str) -> str:
    """`message` in the current language (itself when there is no translation)."""
    return _catalog.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted sentence that fits `count`, in the current language."""
    return _catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a sentence for the catalog without translating it yet."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a counted sentence for the catalog (for `counted(pair, count)` later)."""
    return singular, plural


def counted(pair: tuple[str, str], count: int) -> str:
    """A pair marked with `Nn_` ("{count} file", "{count} files") for `count`,
    in the current language, the number written its way."""
    return ngettext(*pair, count).format(count=format_number(count))


def language_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The first of LC_ALL, LC_MESSAGES, LANG that names a language quittex speaks.

    The first variable that is set decides, as POSIX says: `LC_ALL=C` means
    English even when LANG is French."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            code = language_code(value.split(".")[0].split("@")[0])  # fr_FR.UTF-8@euro
            return code if code in LANGUAGES else None
    return None


def resolve_language(
    chosen: str | None = None, project: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """`--lang`, then the project file's language, then the environment, then English."""
    for candidate in (chosen, project):
        if candidate:
            return candidate
    return language_from_environment(environ) or SOURCE_LANGUAGE


def babel_locale(language: str | None = None) -> str:
    return BABEL_LOCALES[language or _current]


def language_name(code: str) -> str:
    """ "French", "anglais": a language's name in the language quittex speaks."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_language_name(babel_locale()) or code
    except (UnknownLocaleError, ValueError):
        return code


def format_number(value: int | float) -> str:
    """1234567 → "1 234 567" in French, "1,234,567" in English."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale())


def format_percent(fraction: float) -> str:
    from babel.numbers import format_percent as babel_percent

    return babel_percent(fraction, locale=babel_locale())


def format_day(value: date | datetime) -> str:
    """A day as people of the language write it: "20 janv. 2025", "20 Jan 2025"."""
    from babel.dates import format_date

    return format_date(value, format="medium", locale=babel_locale())


def format_moment(value: datetime) -> str:
    """A day and an hour: "20 janv. 2025, 14:05"."""
    from babel.dates import format_datetime

    return format_datetime(value, format="medium", locale=babel_locale())


def format_duration(seconds: float, *, threshold: float = 0.85) -> str:
    """An approximate span: "3 heures", "2 minutes", "5 jours"."""
    from babel.dates import format_timedelta

    return format_timedelta(
        timedelta(seconds=max(0.0, seconds)), threshold=threshold, locale=babel_locale(), format="long"
    )


def format_list(items: list[str]) -> str:
    """ "a, b et c" in French, "a, b and c" in English."""
    from babel.lists import format_list as babel_list

    return babel_list(items, locale=babel_locale()) if items else ""
