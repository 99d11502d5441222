"""The profile on Bluesky: the `app.bsky.actor.profile/self` record.

The record is read whole and written back whole with only quittex's fields
replaced, so whatever another app put there (labels, a pinned post, fields of
a later lexicon) stays. It is written with `swapRecord`: if someone edits the
profile between the read and the write, the write is refused, the record read
again and the change made on top of the new one.
"""

from __future__ import annotations

from typing import Any

from quittex.errors import PlatformError
from quittex.i18n import _
from quittex.media.profile_images import BLUESKY_AVATAR, BLUESKY_BANNER
from quittex.profile.build import ProfileDraft, ProfileRules, TextLimits
from quittex.profile.remote import Change, CurrentProfile, RemoteImage
from quittex.publish.base import MediaFile
from quittex.publish.bluesky import BlueskyPublisher, SwapError

PROFILE = "app.bsky.actor.profile"
SELF = "self"
SWAP_ATTEMPTS = 3
RECORD_KEYS = {"avatar": "avatar", "banner": "banner"}

RULES = ProfileRules(
    platform="bluesky",
    label="Bluesky",
    name=TextLimits(max_graphemes=64, max_bytes=640),
    description=TextLimits(max_graphemes=256, max_bytes=2560),
    avatar=BLUESKY_AVATAR,
    banner=BLUESKY_BANNER,
)


class BlueskyProfile:
    rules = RULES

    def rules_for(self, publisher: BlueskyPublisher, current: CurrentProfile) -> ProfileRules:
        return RULES

    def read(self, publisher: BlueskyPublisher) -> CurrentProfile:
        found = publisher.get_record(PROFILE, SELF)
        record, cid = found if found else ({}, None)
        pinned = record.get("pinnedPost")
        return CurrentProfile(
            display_name=_text(record.get("displayName")),
            description=_text(record.get("description")),
            avatar=_image(record.get("avatar")),
            banner=_image(record.get("banner")),
            pinned=[pinned["uri"]] if isinstance(pinned, dict) and isinstance(pinned.get("uri"), str) else [],
            raw=record,
            version=cid,
        )

    def snapshot(self, publisher: BlueskyPublisher, current: CurrentProfile) -> tuple[dict[str, Any], dict[str, bytes]]:
        images = {}
        for kind in ("avatar", "banner"):
            image: RemoteImage | None = getattr(current, kind)
            if image is not None:
                images[kind] = publisher.get_blob(image.key)
        return {"record": current.raw, "exists": current.version is not None}, images

    def apply(
        self, publisher: BlueskyPublisher, draft: ProfileDraft | None, current: CurrentProfile, change: Change
    ) -> dict[str, str]:
        blobs = {}
        for kind in ("avatar", "banner"):
            if getattr(change, kind):
                image = getattr(draft, kind).picture.image
                blobs[kind] = publisher.upload(MediaFile("photo", image.data, image.mime_type)).ref

        def edit(record: dict[str, Any]) -> dict[str, Any]:
            if change.display_name is not None:
                record["displayName"] = change.display_name
            if change.description is not None:
                record["description"] = change.description
            for kind, blob in blobs.items():
                record[RECORD_KEYS[kind]] = blob
            if change.pin is not None:
                record["pinnedPost"] = {"uri": change.pin.id, "cid": change.pin.cid}
            return record

        self._write(publisher, current, edit)
        return {kind: blob["ref"]["$link"] for kind, blob in blobs.items()}

    def restore(
        self, publisher: BlueskyPublisher, saved: dict[str, Any], images: dict[str, bytes], current: CurrentProfile
    ) -> None:
        record = dict(saved.get("record") or {})
        if not saved.get("exists"):
            if current.version is not None:
                publisher.delete_record(PROFILE, SELF, swap=current.version)
            return
        for kind, data in images.items():  # same bytes, same CID: the very blob it had
            mime = (record.get(kind) or {}).get("mimeType") or "image/jpeg"
            record[kind] = publisher.upload(MediaFile("photo", data, mime)).ref
        self._write(publisher, current, lambda _record: dict(record), keep_current=False)

    def _write(self, publisher: BlueskyPublisher, current: CurrentProfile, edit, *, keep_current: bool = True) -> None:
        for _attempt in range(SWAP_ATTEMPTS):
            record = edit(dict(current.raw) if keep_current else {})
            record["$type"] = PROFILE
            try:
                publisher.put_record(PROFILE, SELF, record, swap=current.version)
                return
            except SwapError:
                current = self.read(publisher)  # someone edited it meanwhile: build on theirs
        raise PlatformError(
            _("Bluesky: the profile kept changing while quittex wrote it; nothing was lost, run it again.")
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _image(blob: Any) -> RemoteImage | None:
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    link = ref.get("$link") if isinstance(ref, dict) else None
    return RemoteImage(link, str(blob.get("mimeType") or "")) if isinstance(link, str) else None
