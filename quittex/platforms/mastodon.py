"""Mastodon, described once: its rate budgets and factories.

Its own modules: `quittex.platforms.mastodon_options` (rewriting settings),
`quittex.rewrite.mastodon` (rules), `quittex.publish.mastodon` (publisher),
`quittex.accounts.mastodon` (logging in), `MastodonLimits` in
`quittex.media.limits`, `estimate_mastodon` in `quittex.publish.estimate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from quittex.platforms.base import Budgets, PlatformSpec, Window

if TYPE_CHECKING:
    from quittex.publish.mastodon import MastodonPublisher


# Quote posts came with Mastodon 4.5 (its API version 7; mastodon-mock numbers it 4).
QUOTES_SINCE_VERSION = (4, 5)
QUOTES_SINCE_API = 7
QUOTE_POLICIES = ("public", "followers", "nobody")
QuotePolicy = Literal["public", "followers", "nobody"]


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
    settings_path="quittex.platforms.mastodon_options:MastodonOptions",
    budgets=mastodon_budgets,
    rules_path="quittex.rewrite.mastodon:MastodonRules",
    draft_path="quittex.rewrite.draft:MastodonDraft",
    media_limits_path="quittex.media.limits:MastodonLimits",
    estimate_path="quittex.publish.estimate:estimate_mastodon",
    connect_path="quittex.platforms.mastodon:connect",
    profile_path="quittex.profile.mastodon:MastodonProfile",
    farewell_limit_path="quittex.farewell.limits:mastodon_intro_limit",
)
