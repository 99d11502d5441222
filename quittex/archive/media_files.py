"""Find each tweet's media file in the archive by X's naming rules.

Photo: `<tweet id>-<basename of media_url_https>`; video and GIF: one mp4,
`<tweet id>-<basename of the highest-bitrate mp4 variant>`. Files do go
missing or get renamed: fall back to any unused `<tweet id>-*` file of the
right kind, else keep the media item without a path and warn.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from quittex.archive.raw import RawMedia
from quittex.i18n import N_, _
from quittex.models import Media

VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_KIND_NAMES = {"photo": "photo", "video": "video", "animated_gif": "GIF"}
# What is said of a media item whose file is not in the archive, by kind.
_MISSING = {
    "photo": N_("photo {position} is missing from the archive (expected {path})"),
    "video": N_("video {position} is missing from the archive (expected {path})"),
    "animated_gif": N_("GIF {position} is missing from the archive (expected {path})"),
}


@dataclass
class MediaIndex:
    """The files of the tweets media folder: name → size, and by tweet id."""

    folder: str
    sizes: dict[str, int] = field(default_factory=dict)
    by_tweet: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, folder: str, files: dict[str, int]) -> MediaIndex:
        index = cls(folder=folder.rstrip("/"), sizes=files)
        for name in files:
            tweet_id, dash, _rest = name.partition("-")
            if dash:
                index.by_tweet[tweet_id].append(name)
        return index

    def path(self, name: str) -> str:
        return f"{self.folder}/{name}" if self.folder else name


def expected_name(tweet_id: str, media: RawMedia) -> str | None:
    if media.type in ("video", "animated_gif") and media.video_info:
        url = best_mp4(media)
    else:
        url = media.media_url_https or media.media_url
    if not url:
        return None
    return f"{tweet_id}-{url.partition('?')[0].rpartition('/')[2]}"  # the URL's basename


def best_mp4(media: RawMedia) -> str | None:
    best, best_rate = None, -1
    for variant in media.video_info.variants if media.video_info else []:
        if variant.content_type not in (None, "video/mp4") or ".m3u8" in variant.url:
            continue
        rate = int(variant.bitrate) if str(variant.bitrate or "0").isdigit() else 0
        if rate > best_rate:
            best, best_rate = variant.url, rate
    return best


def media_from_raw(tweet_id: str, items: list[RawMedia], index: MediaIndex, warnings: list[str]) -> list[Media]:
    items = _unique(items)
    # Exact names first, for every item, so that a fallback never takes the
    # file another item of the same tweet is named for.
    names: list[str | None] = [expected_name(tweet_id, raw) for raw in items]
    names = [n if n in index.sizes else None for n in names]
    used = {n for n in names if n}
    result = []
    for position, (raw, name) in enumerate(zip(items, names, strict=True), 1):
        if name is None:
            name = _fallback(tweet_id, raw, index, used)
        if name is None:
            expected = expected_name(tweet_id, raw) or f"{tweet_id}-…"
            sentence = _(_MISSING.get(raw.type, _MISSING["photo"]))
            warnings.append(sentence.format(position=position, path=index.path(expected)))
        else:
            used.add(name)
        result.append(_media(raw, index, name))
    return result


def _unique(items: list[RawMedia]) -> list[RawMedia]:
    seen, unique = set(), []
    for item in items:
        key = item.id_str or item.media_url_https
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _fallback(tweet_id: str, raw: RawMedia, index: MediaIndex, used: set[str]) -> str | None:
    wanted = VIDEO_EXTENSIONS if raw.type in ("video", "animated_gif") else PHOTO_EXTENSIONS
    for candidate in sorted(index.by_tweet.get(tweet_id, ())):
        if candidate not in used and candidate.lower().endswith(wanted):
            return candidate
    return None


def _media(raw: RawMedia, index: MediaIndex, name: str | None) -> Media:
    size = raw.sizes.large if raw.sizes and raw.sizes.large else None
    info = raw.video_info
    duration = info.duration_millis if info else None
    source = (best_mp4(raw) if info else None) or raw.media_url_https or raw.media_url or ""
    return Media(
        kind=raw.type if raw.type in _KIND_NAMES else "photo",  # type: ignore[arg-type]
        media_id=raw.id_str,
        path=index.path(name) if name else None,
        source_url=source,
        width=int(size.w) if size and str(size.w).isdigit() else None,
        height=int(size.h) if size and str(size.h).isdigit() else None,
        duration_ms=int(duration) if duration is not None and str(duration).isdigit() else None,
        size_bytes=index.sizes.get(name) if name else None,
    )
