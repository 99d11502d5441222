"""The original-date note ("Publié sur X le 4 mars 2019") and the other words a reader sees."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, format_time, get_date_format, parse_pattern

from quittex.models import Tweet
from quittex.rewrite.language import primary_language
from quittex.rewrite.options import LOCALES
from quittex.rewrite.tokens import Token

# (original post, retweet)
NOTE_TEMPLATES: dict[str, tuple[str, str]] = {
    "fr": ("Publié sur X le {date}", "Retweeté sur X le {date}"),
    "en": ("Posted on X on {date}", "Retweeted on X on {date}"),
    "es": ("Publicado en X el {date}", "Retuiteado en X el {date}"),
    "it": ("Pubblicato su X il {date}", "Ritwittato su X il {date}"),
    "de": ("Am {date} auf X veröffentlicht", "Am {date} auf X retweetet"),
}
SPOILER_TEXTS: dict[str, str] = {
    "fr": "Contenu sensible",
    "en": "Sensitive content",
    "es": "Contenido sensible",
    "it": "Contenuto sensibile",
    "de": "Sensibler Inhalt",
}


def dominant_locale(tweets: Sequence[Tweet]) -> str | None:
    """The supported language most of `tweets` are written in, if any."""
    languages = [primary_language(t.lang) for t in tweets]
    counts = Counter(lang for lang in languages if lang in LOCALES)
    return counts.most_common(1)[0][0] if counts else None


def local_time(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))


def note_template(locale: str, *, retweet: bool, override: str | None) -> str:
    return override or NOTE_TEMPLATES[locale][1 if retweet else 0]


def note_tokens(template: str, *, moment: datetime, locale: str, zone: str, url: str) -> list[Token]:
    """The note as tokens: its {url}, if any, is a link like any other."""
    local = local_time(moment, zone)
    values = {"date": _long_date(local.date(), locale)}
    if "time" in template_fields(template):
        values["time"] = _short_time(local.timetz(), locale)
    return template_tokens(template, values, url)


def template_tokens(template: str, values: dict[str, str], url: str) -> list[Token]:
    """`template` filled with `values`, its {url} a link token (a plain link:
    never rewritten to point at a migrated post)."""
    tokens: list[Token] = []
    for literal, name in _parsed(template):
        if literal:
            tokens.append(Token("text", literal))
        if name == "url":
            tokens.append(Token("link", url, url))
        elif name:
            tokens.append(Token("text", values[name]))
    return tokens


@lru_cache(maxsize=64)
def template_fields(template: str) -> frozenset[str]:
    """The placeholders `template` uses: "date", "time", "url"."""
    return frozenset(name for _, name in _parsed(template) if name)


@lru_cache(maxsize=64)
def _parsed(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def spoiler_text(locale: str, override: str | None) -> str:
    return override if override is not None else SPOILER_TEXTS[locale]


@lru_cache(maxsize=4096)
def _long_date(day: date, locale: str) -> str:
    # format_date(day, format="long", locale=locale), with the locale and
    # its pattern parsed once: a long archive has thousands of days.
    parsed, pattern = _long_date_pattern(locale)
    return pattern.apply(day, parsed)


@lru_cache(maxsize=16)
def _long_date_pattern(locale: str) -> tuple[Locale, DateTimePattern]:
    parsed = Locale.parse(locale)
    return parsed, parse_pattern(get_date_format("long", locale=parsed))


@lru_cache(maxsize=4096)
def _short_time(moment: time, locale: str) -> str:
    return format_time(moment, format="short", locale=locale)
