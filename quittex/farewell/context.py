"""The variables every farewell template receives, built from the project file.

Templates see plain values, never the configuration itself, so a collective's
own template only has to know this list (documented in farewell/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from quittex.config import ProjectConfig, bluesky_profile_url, mastodon_profile_url, pick_language
from quittex.errors import ConfigError
from quittex.farewell.presets import Reason, chosen_reasons
from quittex.vocabulary import BABEL_LOCALES

# What farewell_context() provides; a test keeps the two in step.
CONTEXT_VARIABLES = (
    "lang",
    "name",
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


def farewell_context(config: ProjectConfig, lang: str) -> dict[str, Any]:
    own_lang = config.collective.language
    return {
        "lang": lang,
        "name": config.collective.name,
        "description": pick_language(config.collective.description, lang, own_lang),
        **_accounts(config),
        "website": config.addresses.website,
        "newsletter": _newsletter(config, lang),
        "date": _written_date(config, lang),
        "date_iso": config.leaving.date.isoformat() if config.leaving.date else None,
        "reasons": chosen_reasons(config.reasons.presets, lang),
        "own_reason": pick_language(config.reasons.own, lang, own_lang),
        "x_account": config.leaving.x_account,
        "republish_archive": config.leaving.republish_archive,
        "greeting": pick_language(config.farewell.letter_greeting, lang, own_lang),
    }


def _written_date(config: ProjectConfig, lang: str) -> str | None:
    leaving = config.leaving.date
    return format_date(leaving, format="long", locale=BABEL_LOCALES[lang]) if leaving else None


def _accounts(config: ProjectConfig) -> dict[str, Account | None]:
    mastodon, bluesky = config.addresses.mastodon, config.addresses.bluesky
    return {
        "mastodon": Account(mastodon, mastodon_profile_url(mastodon)) if mastodon else None,
        "bluesky": Account(f"@{bluesky}", bluesky_profile_url(bluesky)) if bluesky else None,
    }


def _newsletter(config: ProjectConfig, lang: str) -> Newsletter | None:
    subscribe = pick_language(config.addresses.newsletter_subscribe, lang, config.collective.language)
    if not (config.addresses.newsletter or subscribe):
        return None
    return Newsletter(config.addresses.newsletter, subscribe)


__all__ = ["CONTEXT_VARIABLES", "Account", "Newsletter", "Reason", "check_ready", "farewell_context"]
