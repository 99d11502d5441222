"""What an account's profile says now, and what a draft would change in it.

Each platform's side (`bluesky.py`, `mastodon.py`) reads its profile into a
`CurrentProfile`, saves it before the first change, applies a `Change` and puts
a saved profile back; `changes()` is common: it compares texts directly and
images by the journal (a platform re-encodes what it receives, so an image is
known to be ours by the reference the platform gave it when quittex sent it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from quittex.profile.build import ProfileDraft, ProfileRules
from quittex.publish.journal import Remote

TEXT_FIELDS = ("display_name", "description")


@dataclass
class RemoteImage:
    key: str  # what names this image on the platform: a blob CID, a URL
    mime_type: str = ""
    default: bool = False  # the platform's placeholder, not an image anyone chose


@dataclass
class CurrentProfile:
    display_name: str = ""
    description: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    bot: bool | None = None
    avatar: RemoteImage | None = None
    banner: RemoteImage | None = None
    pinned: list[str] = field(default_factory=list)  # post ids or URIs
    raw: dict[str, Any] = field(default_factory=dict)  # the platform's own form, kept whole when saved
    version: str | None = None  # Bluesky: the record's CID, for swap-on-write
    max_fields: int | None = None  # what the server allows, when it says

    def to_json(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name,
            "description": self.description,
            "fields": [{"name": n, "value": v} for n, v in self.fields],
            "bot": self.bot,
            "avatar": None if self.avatar is None or self.avatar.default else self.avatar.key,
            "banner": None if self.banner is None or self.banner.default else self.banner.key,
            "pinned": self.pinned,
        }


@dataclass
class Change:
    """What applying a draft changes; empty when the account already says it all."""

    display_name: str | None = None
    description: str | None = None
    fields: list[tuple[str, str]] | None = None
    bot: bool | None = None
    avatar: bool = False
    banner: bool = False
    pin: Remote | None = None

    def names(self) -> list[str]:
        texts = [name for name in (*TEXT_FIELDS, "fields", "bot") if getattr(self, name) is not None]
        images = [name for name in ("avatar", "banner") if getattr(self, name)]
        return texts + images + (["pinned post"] if self.pin else [])

    def __bool__(self) -> bool:
        return bool(self.names())


class ProfileSide(Protocol):
    """One platform's profile, through a logged-in publisher."""

    rules: ProfileRules

    def read(self, publisher: Any) -> CurrentProfile: ...

    def snapshot(self, publisher: Any, current: CurrentProfile) -> tuple[dict[str, Any], dict[str, bytes]]:
        """The profile as saved before the first change: data, and image bytes by kind."""

    def apply(self, publisher: Any, draft: ProfileDraft, current: CurrentProfile, change: Change) -> dict[str, str]:
        """Make the change; returns the platform's key of each image it sent."""

    def restore(
        self, publisher: Any, saved: dict[str, Any], images: dict[str, bytes], current: CurrentProfile
    ) -> None: ...

    def rules_for(self, publisher: Any, current: CurrentProfile) -> ProfileRules:
        """The rules with the server's own limits."""


def merged_fields(ours: list[tuple[str, str]], theirs: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """Our fields first, then the account's own others while there is room."""
    names = {name.casefold() for name, _ in ours}
    values = {value for _, value in ours}
    kept = [(n, v) for n, v in theirs if n.casefold() not in names and v not in values]
    return (ours + kept)[:limit]


def changes(
    draft: ProfileDraft, current: CurrentProfile, applied: dict[str, dict[str, str]], pin: Remote | None
) -> Change:
    """What `draft` changes on the account. `applied` is the journal's record
    of images quittex sent (kind → {digest, key}); `pin` the intro post to pin."""
    change = Change()
    if draft.display_name.value is not None and draft.display_name.value != current.display_name:
        change.display_name = draft.display_name.value
    if draft.description.value is not None and draft.description.value.strip() != current.description.strip():
        change.description = draft.description.value
    if draft.fields is not None:
        limit = current.max_fields or len(draft.fields)
        wanted = merged_fields(draft.fields, current.fields, limit)
        if wanted != current.fields:
            change.fields = wanted
    if draft.bot is not None and draft.bot != current.bot:
        change.bot = draft.bot
    for kind in ("avatar", "banner"):
        built = getattr(draft, kind)
        now: RemoteImage | None = getattr(current, kind)
        sent = applied.get(kind, {})
        ours = built is not None and now is not None and sent.get("digest") == built.picture.digest
        if built is not None and not (ours and sent.get("key") == now.key):
            setattr(change, kind, True)
    if pin is not None and draft.pin_intro and pin.id not in current.pinned:
        change.pin = pin
    return change
