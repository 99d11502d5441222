"""The variables every farewell template receives, built from the project file.

Templates see plain values, never the configuration itself, so a collective's
own template only has to know this list (documented in farewell/__init__.py).

The collective's own texts come fitted into the sentences around them (a
capital, a final full stop: `grammar.as_sentence`), and only in the language
asked: a text written in another language only is left out and reported as a
`MissingText`, or used all the same when the collective asks for it
(`other_languages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from quittex.config import ProjectConfig, bluesky_profile_url, mastodon_profile_url
from quittex.errors import ConfigError
from quittex.farewell.grammar import GERMAN_PLURAL, as_greeting, as_sentence, guess_article
from quittex.farewell.presets import Reason, chosen_reasons
from quittex.vocabulary import BABEL_LOCALES

# What farewell_context() provides; a test keeps the two in step.
CONTEXT_VARIABLES = (
    "lang",
    "name",
    "article",
    "plural",
    "description",
    "mastodon",
    "bluesky",
    "website",
    "newsletter",
    "date",
    "date_iso",
    "reasons",
    "own_reason",
    "x_account",
    "republish_archive",
    "greeting",
)


@dataclass(frozen=True)
class Account:
    handle: str  # as people write it: @user@instance, @name.bsky.social
    url: str  # the profile page


@dataclass(frozen=True)
class Newsletter:
    url: str | None
    subscribe: str | None  # how to subscribe, in the collective's words


@dataclass(frozen=True)
class ArticleChoice:
    """The article the name takes in one language, and whether it was guessed."""

    lang: str
    article: str  # as grammar.ARTICLES writes it: "le", "l'", "none"…
    guessed: bool  # the project file sets none for this language


@dataclass(frozen=True)
class MissingText:
    """One of the collective's own texts that has no version in the language asked."""

    setting: str  # where it lives in the project file: "reasons.own"
    lang: str  # the language asked
    written_in: tuple[str, ...]  # the languages it is written in
    other: str  # the language it would be taken from: the collective's, else the first written
    used: bool  # taken from `other` (other_languages), or left out

    def to_data(self) -> dict[str, Any]:
        return {
            "setting": self.setting,
            "lang": self.lang,
            "written_in": list(self.written_in),
            "used": self.other if self.used else None,
        }


# The collective's own texts, by their place in the project file.
OWN_TEXTS = (
    ("collective", "description"),
    ("addresses", "newsletter_subscribe"),
    ("reasons", "own"),
    ("farewell", "letter_greeting"),
)
# Articles after which the name takes a plural verb ("Les Amis du Lavoir quittent X").
_PLURAL_ARTICLES = {"fr": {"les"}, "es": {"los", "las"}, "it": {"i", "gli", "le"}, "de": {GERMAN_PLURAL}}


def check_ready(config: ProjectConfig, *, needs_new_account: bool = False) -> None:
    """Refuse early, naming every missing setting, rather than render half a text."""
    missing = []
    if not config.collective.name:
        missing.append("collective.name: missing (the collective's name, as the texts should show it)")
    if not config.addresses.any_given():
        missing.append("addresses: none given (add mastodon, bluesky, website or newsletter)")
    elif needs_new_account and not (config.addresses.mastodon or config.addresses.bluesky):
        missing.append("addresses.mastodon or addresses.bluesky: the intro post needs a new account")
    if missing:
        where = config.source or "quittex.toml"
        raise ConfigError(
            f"The farewell texts need more in {where}:\n  " + "\n  ".join(missing),
            hint="Run `quittex init` to answer the questions, or edit the file (see examples/quittex.toml).",
        )


def farewell_context(config: ProjectConfig, lang: str, *, other_languages: bool = False) -> dict[str, Any]:
    """The template variables for `lang`. With `other_languages`, an own text
    written in another language only is used; else it is left out."""

    def own(section: str, key: str) -> str | None:
        return own_text(config, section, key, lang, other_languages=other_languages)[0]

    article = article_choice(config, lang).article
    return {
        "lang": lang,
        "name": config.collective.name,
        "article": article,
        "plural": article in _PLURAL_ARTICLES.get(lang, ()),
        "description": as_sentence(own("collective", "description")),
        **_accounts(config),
        "website": config.addresses.website,
        "newsletter": _newsletter(config, as_sentence(own("addresses", "newsletter_subscribe"))),
        "date": _written_date(config, lang),
        "date_iso": config.leaving.date.isoformat() if config.leaving.date else None,
        "reasons": chosen_reasons(config.reasons.presets, lang),
        "own_reason": as_sentence(own("reasons", "own")),
        "x_account": config.leaving.x_account,
        "republish_archive": config.leaving.republish_archive,
        "greeting": as_greeting(own("farewell", "letter_greeting"), lang),
    }


def article_choice(config: ProjectConfig, lang: str) -> ArticleChoice:
    """The article set for `lang`, else the one guessed from the name."""
    chosen = config.collective.article_for(lang)
    if chosen is not None:
        return ArticleChoice(lang, chosen, guessed=False)
    return ArticleChoice(lang, guess_article(config.collective.name or "", lang), guessed=True)


def own_text(
    config: ProjectConfig, section: str, key: str, lang: str, *, other_languages: bool = False
) -> tuple[str | None, MissingText | None]:
    """One own text in `lang`, and what is missing when there is none in `lang`.

    A single text is in the collective's language (when the file says which);
    texts by language are looked up in `lang`, then, with `other_languages`,
    in the collective's language, then in the first one written."""
    value = getattr(getattr(config, section), key)
    own_lang = config.collective.language
    if value is None:
        return None, None
    if isinstance(value, str):
        if own_lang is None or own_lang == lang:
            return value, None
        texts = {own_lang: value}
    else:
        texts = value
        if lang in texts:
            return texts[lang], None
    other = own_lang if own_lang in texts else next(iter(texts))
    missing = MissingText(f"{section}.{key}", lang, tuple(texts), other, used=other_languages)
    return (texts[other] if other_languages else None), missing


def missing_texts(config: ProjectConfig, lang: str, *, other_languages: bool = False) -> list[MissingText]:
    """Every own text that has no version in `lang`."""
    found = (own_text(config, section, key, lang, other_languages=other_languages)[1] for section, key in OWN_TEXTS)
    return [missing for missing in found if missing]


def _written_date(config: ProjectConfig, lang: str) -> str | None:
    leaving = config.leaving.date
    return format_date(leaving, format="long", locale=BABEL_LOCALES[lang]) if leaving else None


def _accounts(config: ProjectConfig) -> dict[str, Account | None]:
    mastodon, bluesky = config.addresses.mastodon, config.addresses.bluesky
    return {
        "mastodon": Account(mastodon, mastodon_profile_url(mastodon)) if mastodon else None,
        "bluesky": Account(f"@{bluesky}", bluesky_profile_url(bluesky)) if bluesky else None,
    }


def _newsletter(config: ProjectConfig, subscribe: str | None) -> Newsletter | None:
    if not (config.addresses.newsletter or subscribe):
        return None
    return Newsletter(config.addresses.newsletter, subscribe)


__all__ = [
    "CONTEXT_VARIABLES",
    "OWN_TEXTS",
    "Account",
    "ArticleChoice",
    "MissingText",
    "Newsletter",
    "Reason",
    "article_choice",
    "check_ready",
    "farewell_context",
    "missing_texts",
    "own_text",
]
