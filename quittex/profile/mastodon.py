"""The profile on Mastodon: `update_credentials` (name, bio, fields, bot flag,
avatar, header) and status pins.

Texts are compared in their source form (`source.note`, `source.fields`: what
the owner typed, not the HTML the server renders). The current avatar and
header are saved as files before the first change; the server's placeholder
images (an account that never chose one) are recorded as such, and put back by
removing the image.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from quittex.i18n import _
from quittex.media.profile_images import MASTODON_AVATAR, MASTODON_HEADER
from quittex.media.sniff import image_mime_type
from quittex.profile.build import ProfileDraft, ProfileRules, TextLimits
from quittex.profile.remote import Change, CurrentProfile, RemoteImage
from quittex.publish.base import RefusedError, TransientError
from quittex.publish.mastodon import MastodonPublisher, read_field

DEFAULT_MAX_FIELDS = 4
MAX_SAVED_IMAGE_BYTES = 16 << 20
# Where Mastodon (and forks, and the mock) serve the image of an account that chose none.
_PLACEHOLDERS = ("/missing.png", "/generated/")

RULES = ProfileRules(
    platform="mastodon",
    label="Mastodon",
    name=TextLimits(max_characters=30),
    description=TextLimits(max_graphemes=500, url_weight=23),
    avatar=MASTODON_AVATAR,
    banner=MASTODON_HEADER,
    max_fields=DEFAULT_MAX_FIELDS,
    field_max_characters=255,
    has_bot_flag=True,
)


class MastodonProfile:
    rules = RULES

    def rules_for(self, publisher: MastodonPublisher, current: CurrentProfile) -> ProfileRules:
        limits = publisher.limits()
        description = TextLimits(max_graphemes=500, url_weight=limits.characters_reserved_per_url)
        return replace(RULES, description=description, max_fields=current.max_fields or DEFAULT_MAX_FIELDS)

    def read(self, publisher: MastodonPublisher) -> CurrentProfile:
        client = publisher.client
        me = publisher.call("request", _("reading the profile"), client.account_verify_credentials)
        source = read_field(me, "source") or {}
        pinned = publisher.call(
            "request", _("reading the pinned posts"), lambda: client.account_statuses(read_field(me, "id"), pinned=True)
        )
        instance = publisher.call("request", _("reading the instance's limits"), client.instance_v2)
        accounts = read_field(read_field(instance, "configuration"), "accounts")
        max_fields = read_field(accounts, "max_profile_fields")
        return CurrentProfile(
            display_name=str(read_field(me, "display_name") or ""),
            description=str(read_field(source, "note") or ""),
            fields=_fields(read_field(source, "fields") or read_field(me, "fields") or []),
            bot=bool(read_field(me, "bot")),
            avatar=_image(read_field(me, "avatar")),
            banner=_image(read_field(me, "header")),
            pinned=[str(read_field(status, "id")) for status in pinned or []],
            raw={"id": str(read_field(me, "id"))},
            max_fields=max_fields if isinstance(max_fields, int) and 0 < max_fields <= 50 else DEFAULT_MAX_FIELDS,
        )

    def snapshot(
        self, publisher: MastodonPublisher, current: CurrentProfile
    ) -> tuple[dict[str, Any], dict[str, bytes]]:
        images = {}
        for kind in ("avatar", "banner"):
            image: RemoteImage | None = getattr(current, kind)
            if image is not None and not image.default:
                images[kind] = _download(image.key, publisher)
        return {"profile": current.to_json()}, images

    def apply(
        self, publisher: MastodonPublisher, draft: ProfileDraft | None, current: CurrentProfile, change: Change
    ) -> dict[str, str]:
        files = {}
        for kind, option in (("avatar", "avatar"), ("banner", "header")):
            if getattr(change, kind):
                image = getattr(draft, kind).picture.image
                files[option], files[f"{option}_mime_type"] = io.BytesIO(image.data), image.mime_type
        answer = None
        texts = {"display_name": change.display_name, "note": change.description, "bot": change.bot}
        if files or any(value is not None for value in texts.values()) or change.fields is not None:
            fields = _padded(change.fields, current.fields) if change.fields is not None else None
            answer = publisher.call(
                "request",
                _("updating the profile"),
                lambda: publisher.client.account_update_credentials(**texts, fields=fields, **files),
            )
        if change.pin is not None:
            self._pin(publisher, change.pin.id)
        sent = {"avatar": read_field(answer, "avatar"), "banner": read_field(answer, "header")}
        return {kind: str(sent[kind]) for kind in ("avatar", "banner") if getattr(change, kind) and sent[kind]}

    def restore(
        self, publisher: MastodonPublisher, saved: dict[str, Any], images: dict[str, bytes], current: CurrentProfile
    ) -> None:
        before = saved.get("profile") or {}
        fields = [(f["name"], f["value"]) for f in before.get("fields") or []]
        files = {}
        for kind, option in (("avatar", "avatar"), ("banner", "header")):
            if kind in images:
                files[option] = io.BytesIO(images[kind])
                files[f"{option}_mime_type"] = image_mime_type(images[kind]) or "image/jpeg"
        client = publisher.client
        publisher.call(
            "request",
            _("putting the profile back"),
            lambda: client.account_update_credentials(
                display_name=before.get("display_name", ""),
                note=before.get("description", ""),
                fields=_padded(fields, current.fields),
                bot=bool(before.get("bot")),
                **files,
            ),
        )
        removing = {"avatar": _("removing the avatar"), "banner": _("removing the banner")}
        for kind, remove in (("avatar", client.account_delete_avatar), ("banner", client.account_delete_header)):
            if before.get(kind) is None and kind not in images and not _is_default(getattr(current, kind)):
                publisher.call("request", removing[kind], remove)
        for status_id in set(current.pinned) - set(before.get("pinned") or []):
            publisher.call("request", _("unpinning a post"), lambda s=status_id: client.status_unpin(s))

    def _pin(self, publisher: MastodonPublisher, status_id: str) -> None:
        try:
            publisher.call("request", _("pinning the introduction"), lambda: publisher.client.status_pin(status_id))
        except RefusedError as error:
            if error.status != 422:  # 422: already pinned
                raise


def _padded(fields: list[tuple[str, str]], current: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Blank pairs after ours clear the account's extra fields (Mastodon keeps
    the fields it is sent; an empty list would send nothing)."""
    return fields + [("", "")] * max(0, len(current) - len(fields)) or [("", "")]


def _fields(raw: Any) -> list[tuple[str, str]]:
    pairs = [(str(read_field(f, "name") or ""), str(read_field(f, "value") or "")) for f in raw if f]
    return [(name, value) for name, value in pairs if name or value]


def _image(url: Any) -> RemoteImage | None:
    if not isinstance(url, str) or not url:
        return None
    return RemoteImage(url, default=any(mark in urlsplit(url).path for mark in _PLACEHOLDERS))


def _is_default(image: RemoteImage | None) -> bool:
    return image is None or image.default


def _download(url: str, publisher: MastodonPublisher) -> bytes:
    """The account's current image, from its server, before quittex replaces it."""
    publisher.pacer.before("request", 1)
    try:
        with httpx.stream("GET", url, timeout=30, follow_redirects=True) as response:
            if response.status_code != 200:
                message = _("Mastodon: the current image {url} answered {status}")
                raise TransientError(message.format(url=url, status=response.status_code))
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_SAVED_IMAGE_BYTES:
                    message = _("Mastodon: the current image {url} is larger than quittex saves")
                    raise RefusedError(message.format(url=url))
            return bytes(data)
    except httpx.HTTPError as error:
        raise TransientError(
            _("Mastodon: the current image {url} could not be saved ({reason})").format(
                url=url, reason=type(error).__name__
            )
        ) from None
