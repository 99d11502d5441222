"""Bluesky's rewriting settings (a field of `RewriteOptions`, a table of the project file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from quittex.platforms.bluesky import BlueskyLabel, ReplyGate
from quittex.platforms.options import PlatformOptions


class BlueskyOptions(PlatformOptions):
    max_graphemes: int = Field(300, ge=50)
    max_bytes: int = Field(3000, ge=200)
    max_images: int = Field(4, ge=1, le=4)
    max_alt_graphemes: int = Field(2000, ge=1)
    shorten_links: bool = Field(True, description="Show long links as host/path… (the facet keeps the full URL).")
    sensitive_label: BlueskyLabel = "graphic-media"
    # Bluesky shows the original date from createdAt, so by default the note
    # is left out rather than splitting a tweet that fits without it.
    date_note_can_split: bool = False
    # How posts go out: "full" at the PDS's limits, "gentle" in batches with pauses.
    pace: Literal["full", "gentle"] = "full"
    # Who may reply to the migrated posts (a threadgate; None: everyone), and
    # whether they may be quoted (a postgate).
    reply_gate: ReplyGate | None = None
    quotes_allowed: bool = True
    # A post without media or quote shows a card of its first link, fetched when published.
    link_cards: bool = True

    @property
    def length_limit(self) -> int:
        """The longest post, as the platform counts it."""
        return self.max_graphemes
