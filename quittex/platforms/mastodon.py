"""Mastodon, described once: its rewriting settings, rate budgets and factories.

Its own modules: `quittex.rewrite.mastodon` (rules), `quittex.publish.mastodon`
(publisher), `quittex.accounts.mastodon` (logging in), `MastodonLimits` in
`quittex.media.limits`, `estimate_mastodon` in `quittex.publish.estimate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from quittex.platforms.base import Budgets, PlatformOptions, PlatformSpec, Window
from quittex.vocabulary import Visibility

if TYPE_CHECKING:
    from quittex.publish.mastodon import MastodonPublisher


QUOTE_POLICIES = ("public", "followers", "nobody")
QuotePolicy = Literal["public", "followers", "nobody"]


class MastodonOptions(PlatformOptions):
    max_characters: int = Field(500, ge=50, le=1_000_000)
    characters_reserved_per_url: int = Field(23, ge=1, le=1000)
    max_media_attachments: int = Field(4, ge=1, le=100)
    description_limit: int = Field(1500, ge=1)
    visibility: Visibility = "unlisted"
    spoiler_text: str | None = Field(None, description="Content warning of sensitive tweets; None: localised default.")
    # Mastodon cannot backdate: the note is the only date a reader gets, so it
    # may turn a full post into a two-post thread.
    date_note_can_split: bool = True
    # Mastodon 4.5 quotes posts natively; set from the instance at publish time.
    native_quotes: bool = False
    # Who may quote the migrated posts (None: the account's own setting).
    quote_approval_policy: QuotePolicy | None = None

    @property
    def length_limit(self) -> int:
        """The longest post, as the platform counts it."""
        return self.max_characters

    def with_instance(self, instance: Mapping[str, Any]) -> MastodonOptions:
        """These options with the limits an instance announces (`instance_v2()`)."""
        config = instance.get("configuration") or {}
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        announced = {
            "max_characters": statuses.get("max_characters"),
            "characters_reserved_per_url": statuses.get("characters_reserved_per_url"),
            "max_media_attachments": statuses.get("max_media_attachments"),
            "description_limit": media.get("description_limit"),
        }
        update: dict[str, Any] = {k: v for k, v in announced.items() if isinstance(v, int) and v > 0}
        update["native_quotes"] = supports_quotes(instance)
        return self.model_validate({**self.model_dump(), **update})


# Quote posts came with Mastodon 4.5 (its API version 7; mastodon-mock numbers it 4).
QUOTES_SINCE_VERSION = (4, 5)
QUOTES_SINCE_API = 7


def supports_quotes(instance: Mapping[str, Any]) -> bool:
    """Whether an instance (`instance_v2()`) takes `quoted_status_id`."""
    api = (instance.get("api_versions") or {}).get("mastodon")
    if isinstance(api, int) and api >= QUOTES_SINCE_API:
        return True
    version = instance.get("version")
    if not isinstance(version, str):
        return False
    numbers = re.findall(r"\d+", version.split("+")[0])[:2]
    return len(numbers) == 2 and (int(numbers[0]), int(numbers[1])) >= QUOTES_SINCE_VERSION


def mastodon_budgets() -> Budgets:
    """Documented Mastodon limits per account (platforms.md)."""
    return {
        "status": [Window(300, 3 * 3_600)],
        "media": [Window(30, 30 * 60)],
        "delete": [Window(30, 30 * 60)],
        "request": [Window(300, 5 * 60)],
        "follow": [Window(400, 86_400)],  # Mastodon's own daily limit on follows
    }


def connect(account: str | None = None) -> MastodonPublisher:
    """A publisher for the saved (or environment's) Mastodon account."""
    from quittex.accounts import mastodon_session
    from quittex.publish.mastodon import MastodonPublisher

    session = mastodon_session(account)
    return MastodonPublisher(session.client, session.account, label=f"@{session.account}")


MASTODON = PlatformSpec(
    name="mastodon",
    label="Mastodon",
    settings=MastodonOptions,
    budgets=mastodon_budgets,
    rules_path="quittex.rewrite.mastodon:MastodonRules",
    draft_path="quittex.rewrite.draft:MastodonDraft",
    media_limits_path="quittex.media.limits:MastodonLimits",
    estimate_path="quittex.publish.estimate:estimate_mastodon",
    connect_path="quittex.platforms.mastodon:connect",
    profile_path="quittex.profile.mastodon:MastodonProfile",
    farewell_limit_path="quittex.farewell.limits:mastodon_intro_limit",
)
