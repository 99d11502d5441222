"""What a user can choose about the rewriting, validated once.

`RewriteOptions` is a pydantic model so it can sit inside the project's
settings and report a bad value one field per line.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from quittex.i18n import _
from quittex.platforms import PLATFORMS, REGISTRY, PlatformName
from quittex.platforms.bluesky import BlueskyLabel
from quittex.platforms.bluesky_options import BlueskyOptions
from quittex.platforms.mastodon_options import MastodonOptions
from quittex.vocabulary import LANGUAGES, TEMPLATE_FIELDS, Language, MentionMode, check_template

Locale = Language
LOCALES = LANGUAGES
Platform = PlatformName

_X_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_MASTODON_ACCOUNT = re.compile(r"^([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")
_BLUESKY_HANDLE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_x_handle(value: str) -> str:
    handle = value.strip().lstrip("@＠")
    if not _X_HANDLE.match(handle):
        raise ValueError(_("{value} is not an X handle").format(value=repr(value)))
    return handle.lower()


def _normalize_mastodon(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    match = _MASTODON_ACCOUNT.match(value.strip().lstrip("@"))
    if not match:
        raise ValueError(_("{value} is not a Mastodon address like user@instance.social").format(value=repr(value)))
    return f"{match[1]}@{match[2].lower()}"


def _normalize_bluesky(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    handle = value.strip().lstrip("@").lower()
    if len(handle) > 253 or not _BLUESKY_HANDLE.match(handle):
        raise ValueError(_("{value} is not a Bluesky handle like name.bsky.social").format(value=repr(value)))
    return handle


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


class _RewriteOptions(BaseModel):
    """The rewriting options shared by every platform; `RewriteOptions` adds
    one field per registered platform, named after it, holding its settings."""

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
    reply_context: bool = Field(True, description="A reply to someone else says whom it answered, with a link.")

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
            raise ValueError(
                _("unknown time zone {value} (use a name like Europe/Paris)").format(value=repr(value))
            ) from None
        return value

    def platform(self, name: Platform) -> Any:
        """The settings of platform `name` (a `PlatformOptions` of its own kind)."""
        return getattr(self, name)


RewriteOptions = create_model(
    "RewriteOptions",
    __base__=_RewriteOptions,
    __module__=__name__,
    **{name: (spec.settings, Field(default_factory=spec.settings)) for name, spec in REGISTRY.items()},
)

__all__ = [
    "LOCALES",
    "PLATFORMS",
    "TEMPLATE_FIELDS",
    "BlueskyLabel",
    "BlueskyOptions",
    "HandleEntry",
    "Locale",
    "MastodonOptions",
    "MentionMode",
    "Platform",
    "RewriteOptions",
    "check_template",
    "normalize_x_handle",
]
