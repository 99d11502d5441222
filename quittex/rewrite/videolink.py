"""A video a platform cannot take (too long, too heavy): instead of dropping
it, the post links to the original tweet, with a note in the reader's
language saying why ("🎬 Vidéo de 4 min 12 s, trop longue pour Bluesky, à
voir sur X : https://x.com/…").

Whether a platform takes a video is the media stage's decision (see
`quittex.migrate.plan`); this module only writes the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from babel.units import format_unit

from quittex.platforms import label as platform_label
from quittex.rewrite.datenote import template_tokens
from quittex.rewrite.tokens import Token

RefusalKind = Literal["too_long", "too_big", "refused"]

# The video's duration or size, then the platform, then the link.
VIDEO_LINK_TEMPLATES: dict[str, dict[RefusalKind, str]] = {
    "fr": {
        "too_long": "🎬 Vidéo de {duration}, trop longue pour {platform}, à voir sur X : {url}",
        "too_big": "🎬 Vidéo de {size}, trop lourde pour {platform}, à voir sur X : {url}",
        "refused": "🎬 Vidéo refusée par {platform}, à voir sur X : {url}",
    },
    "en": {
        "too_long": "🎬 {duration} video, too long for {platform}, watch it on X: {url}",
        "too_big": "🎬 {size} video, too large for {platform}, watch it on X: {url}",
        "refused": "🎬 Video not accepted by {platform}, watch it on X: {url}",
    },
    "es": {
        "too_long": "🎬 Vídeo de {duration}, demasiado largo para {platform}, míralo en X: {url}",
        "too_big": "🎬 Vídeo de {size}, demasiado pesado para {platform}, míralo en X: {url}",
        "refused": "🎬 Vídeo no aceptado por {platform}, míralo en X: {url}",
    },
    "it": {
        "too_long": "🎬 Video di {duration}, troppo lungo per {platform}, guardalo su X: {url}",
        "too_big": "🎬 Video di {size}, troppo pesante per {platform}, guardalo su X: {url}",
        "refused": "🎬 Video non accettato da {platform}, guardalo su X: {url}",
    },
    "de": {
        "too_long": "🎬 Video ({duration}), zu lang für {platform}, auf X ansehen: {url}",
        "too_big": "🎬 Video ({size}), zu groß für {platform}, auf X ansehen: {url}",
        "refused": "🎬 Video von {platform} nicht angenommen, auf X ansehen: {url}",
    },
}


@dataclass(frozen=True, slots=True)
class OversizedVideo:
    """Why one platform cannot take one video of the archive."""

    kind: RefusalKind
    reason: str  # English, for the dry run, the journal and `quittex status`
    seconds: float | None = None
    size_bytes: int | None = None


def video_link_tokens(video: OversizedVideo, *, locale: str, platform: str, url: str) -> list[Token]:
    """The note that takes the video's place, as a paragraph of its own."""
    values = {"platform": platform_label(platform)}
    kind = video.kind
    if kind == "too_long" and video.seconds:
        values["duration"] = duration_words(video.seconds, locale)
    elif kind == "too_big" and video.size_bytes:
        values["size"] = size_words(video.size_bytes, locale)
    else:
        kind = "refused"
    return [Token("text", "\n\n"), *template_tokens(VIDEO_LINK_TEMPLATES[locale][kind], values, url)]


def duration_words(seconds: float, locale: str) -> str:
    """4 min 12 s, 1 h 3 min, in the locale's own abbreviations."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute")] if hours else [(minutes, "minute"), (secs, "second")]
    words = [format_unit(value, f"duration-{unit}", length="short", locale=locale) for value, unit in parts if value]
    # A plain space between units, as all five languages write it (babel's
    # unit lists lack some locales' patterns).
    return " ".join(words) or format_unit(0, "duration-second", length="short", locale=locale)


def size_words(size_bytes: int, locale: str) -> str:
    """152 MB, 1.5 GB (decimal units, as the platforms state their limits)."""
    if size_bytes >= 1_000_000_000:
        return format_unit(size_bytes / 1e9, "digital-gigabyte", length="short", locale=locale, format="#,##0.#")
    return format_unit(max(1, round(size_bytes / 1e6)), "digital-megabyte", length="short", locale=locale)
