"""Mastodon's rewriting settings (a field of `RewriteOptions`, a table of the project file)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from quittex.platforms.mastodon import QuotePolicy, supports_quotes
from quittex.platforms.options import PlatformOptions
from quittex.vocabulary import Visibility


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
