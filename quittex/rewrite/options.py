"""What a user can choose about the rewriting, validated once.

`RewriteOptions` is a pydantic model so it can sit inside the project's
settings and report a bad value one field per line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

Locale = Literal["fr", "en", "es", "it", "de"]
LOCALES: tuple[str, ...] = ("fr", "en", "es", "it", "de")
Platform = Literal["mastodon", "bluesky"]
PLATFORMS: tuple[Platform, ...] = ("mastodon", "bluesky")
TEMPLATE_FIELDS = ("date", "time", "url")
BlueskyLabel = Literal["sexual", "nudity", "porn", "graphic-media"]

_X_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_MASTODON_ACCOUNT = re.compile(
    r"^([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$"
)
_BLUESKY_HANDLE = re.compile(
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)


class MentionMode(StrEnum):
    """How an X @mention is written on the new platforms.

    plain: "＠name" with a FULLWIDTH COMMERCIAL AT: readable, never a mention.
    link: a link to the X profile. drop: left out.
    """

    PLAIN = "plain"
    LINK = "link"
    DROP = "drop"


def normalize_x_handle(value: str) -> str:
    handle = value.strip().lstrip("@＠")
    if not _X_HANDLE.match(handle):
        raise ValueError(f"{value!r} is not an X handle")
    return handle.lower()


def _normalize_mastodon(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    match = _MASTODON_ACCOUNT.match(value.strip().lstrip("@"))
    if not match:
        raise ValueError(f"{value!r} is not a Mastodon address like user@instance.social")
    return f"{match[1]}@{match[2].lower()}"


def _normalize_bluesky(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    handle = value.strip().lstrip("@").lower()
    if len(handle) > 253 or not _BLUESKY_HANDLE.match(handle):
        raise ValueError(f"{value!r} is not a Bluesky handle like name.bsky.social")
    return handle


def check_template(template: str) -> str:
    """Refuse a date-note template a user would only discover broken at run time."""
    if not template.strip():
        raise ValueError("the date note template is empty (turn the note off instead)")
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"the date note template is malformed: {exc}") from None
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise ValueError(
                f"unknown placeholder {{{name}}} in the date note template; "
                "use {date}, {time} or {url}"
            )
    return template


class HandleEntry(BaseModel):
    """Where one X account lives now; either side may be missing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mastodon: str | None = None
    bluesky: str | None = None

    @field_validator("mastodon")
    @classmethod
    def _mastodon(cls, value: str | None) -> str | None:
        return _normalize_mastodon(value)

    @field_validator("bluesky")
    @classmethod
    def _bluesky(cls, value: str | None) -> str | None:
        return _normalize_bluesky(value)


class _PlatformOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    date_note: bool = Field(True, description="Write the original date in the first post of each tweet.")
    date_note_template: str | None = Field(None, description="Overrides the global template here.")

    @field_validator("date_note_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)


class MastodonOptions(_PlatformOptions):
    max_characters: int = Field(500, ge=50, le=1_000_000)
    characters_reserved_per_url: int = Field(23, ge=1, le=1000)
    max_media_attachments: int = Field(4, ge=1, le=100)
    description_limit: int = Field(1500, ge=1)
    visibility: Literal["public", "unlisted", "private", "direct"] = "unlisted"
    spoiler_text: str | None = Field(None, description="Content warning of sensitive tweets; None: localised default.")
    # Mastodon cannot backdate: the note is the only date a reader gets, so it
    # may turn a full post into a two-post thread.
    date_note_can_split: bool = True

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
        update = {k: v for k, v in announced.items() if isinstance(v, int) and v > 0}
        return self.model_validate({**self.model_dump(), **update})


class BlueskyOptions(_PlatformOptions):
    max_graphemes: int = Field(300, ge=50)
    max_bytes: int = Field(3000, ge=200)
    max_images: int = Field(4, ge=1, le=4)
    max_alt_graphemes: int = Field(2000, ge=1)
    shorten_links: bool = Field(True, description="Show long links as host/path… (the facet keeps the full URL).")
    sensitive_label: BlueskyLabel = "graphic-media"
    # Bluesky shows the original date from createdAt, so by default the note
    # is left out rather than splitting a tweet that fits without it.
    date_note_can_split: bool = False


class RewriteOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mentions: MentionMode = MentionMode.PLAIN
    handle_map: dict[str, HandleEntry] = Field(default_factory=dict)
    locale: Locale | None = Field(None, description="Language of the date note; None: the tweet's own.")
    fallback_locale: Locale = "en"
    date_note: bool = True
    date_note_template: str | None = None
    timezone: str = Field("UTC", description="IANA zone the original date is written in.")
    mark_sensitive: bool = Field(True, description="possibly_sensitive → content warning / self-label.")
    alt_texts: dict[str, str] = Field(default_factory=dict, description="Alt text by media path.")
    mastodon: MastodonOptions = Field(default_factory=MastodonOptions)
    bluesky: BlueskyOptions = Field(default_factory=BlueskyOptions)

    @field_validator("handle_map")
    @classmethod
    def _keys(cls, value: dict[str, HandleEntry]) -> dict[str, HandleEntry]:
        return {normalize_x_handle(k): v for k, v in value.items()}

    @field_validator("date_note_template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use a name like Europe/Paris)") from None
        return value

    def platform(self, name: Platform) -> MastodonOptions | BlueskyOptions:
        return self.mastodon if name == "mastodon" else self.bluesky
