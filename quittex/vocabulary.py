"""The words quittex's options and files share, each defined once.

Languages, mention modes, Mastodon visibilities and the placeholders of a
date note are read by the rewriter, the project file, the farewell kit and
the command line alike; the platforms themselves are in `quittex.platforms`.
"""

from __future__ import annotations

import string
from enum import StrEnum
from typing import Literal, get_args

# The languages quittex writes in (date notes, farewell texts, messages).
Language = Literal["fr", "en", "es", "it", "de"]
LANGUAGES: tuple[str, ...] = get_args(Language)
# Dates and lists are written the European way (the English texts use British spelling).
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB", "es": "es_ES", "it": "it_IT", "de": "de_DE"}


def language_code(text: str) -> str:
    """`FR`, `fr_FR` or `fr-BE` → `fr`: people type what their system shows
    (whether quittex speaks it is the caller's check)."""
    return text.strip().lower().replace("-", "_").split("_", 1)[0]


class MentionMode(StrEnum):
    """How an X @mention is written on the new platforms.

    plain: "＠name" with a FULLWIDTH COMMERCIAL AT: readable, never a mention.
    link: a link to the X profile. drop: left out.
    """

    PLAIN = "plain"
    LINK = "link"
    DROP = "drop"


MENTION_MODES: tuple[str, ...] = tuple(mode.value for mode in MentionMode)

# The reasons for leaving X a farewell kit has presets for (`[farewell] presets`).
ReasonKey = Literal["ownership", "moderation", "surveillance", "disinformation", "independence"]
REASON_KEYS: tuple[str, ...] = get_args(ReasonKey)

# The texts of the farewell kit (`quittex farewell --format`).
FarewellFormat = Literal["x", "thread", "long", "intro", "bio", "letter"]
FAREWELL_FORMATS: tuple[str, ...] = get_args(FarewellFormat)

# Who sees a migrated Mastodon post ("direct" exists in the API but makes no sense for an archive).
Visibility = Literal["public", "unlisted", "private", "direct"]
VISIBILITIES: tuple[str, ...] = ("public", "unlisted", "private")

# What a date note template may contain.
TEMPLATE_FIELDS = ("date", "time", "url")


def check_template(template: str) -> str:
    """Refuse a date-note template a user would only discover broken at run time."""
    from quittex.i18n import _  # here: quittex.i18n imports this module

    if not template.strip():
        raise ValueError(_("the date note template is empty (turn the note off instead)"))
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(_("the date note template is malformed: {reason}").format(reason=exc)) from None
    for _text, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise ValueError(
                # Translators: {date}, {time} and {url} are placeholders of the template: keep them as they are.
                _("unknown placeholder {placeholder} in the date note template; use {date}, {time} or {url}").format(
                    placeholder="{" + name + "}", date="{date}", time="{time}", url="{url}"
                )
            )
    return template
