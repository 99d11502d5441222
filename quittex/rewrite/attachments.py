"""Which media go into which post: in tweet order, never dropped, never mixed
where a platform forbids it (a video or GIF always travels alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from quittex.i18n import _
from quittex.models import Media
from quittex.rewrite.draft import DraftMedia, DraftWarning, LinkedMedia
from quittex.rewrite.videolink import OversizedVideo
from quittex.text import clip_text, grapheme_count

_KINDS = ("photo", "video", "animated_gif")
_NO_VIDEOS: Mapping[str, OversizedVideo] = {}


@dataclass(slots=True)
class MediaPlan:
    """The media of one tweet on one platform."""

    groups: list[list[DraftMedia]]  # one group per post, the first rides with the text
    warnings: list[DraftWarning]
    # Videos the platform cannot take, each with the reason: linked instead.
    linked: list[tuple[LinkedMedia, OversizedVideo]] = field(default_factory=list)


def plan_media(
    media: Sequence[Media],
    *,
    per_post: int,
    alt_texts: Mapping[str, str],
    alt_limit: int,
    oversized: Mapping[str, OversizedVideo] = _NO_VIDEOS,
) -> MediaPlan:
    """Which media go into which post; `oversized`: the videos (by path) this
    platform cannot take."""
    plan = MediaPlan([], [])
    usable = []
    for item in media:
        video = oversized.get(item.path) if item.path and item.kind != "photo" else None
        if video is not None:
            plan.linked.append((LinkedMedia(item.path, item.kind, video.reason), video))  # type: ignore[arg-type]
            plan.warnings.append(
                DraftWarning(
                    "video_linked",
                    _("{path}: {reason}; the post links to the original tweet instead").format(
                        path=item.path, reason=video.reason
                    ),
                )
            )
        else:
            usable.append(_draft_media(item, alt_texts, alt_limit, plan.warnings))
    plan.groups = _group([m for m in usable if m is not None], per_post)
    if len(plan.groups) > 1:
        plan.warnings.append(
            DraftWarning(
                "media_overflow",
                _("{count} media need {posts} posts here: the rest follow as replies").format(
                    count=sum(map(len, plan.groups)), posts=len(plan.groups)
                ),
            )
        )
    return plan


def _draft_media(
    media: Media, alt_texts: Mapping[str, str], alt_limit: int, warnings: list[DraftWarning]
) -> DraftMedia | None:
    if not media.path:
        warnings.append(
            DraftWarning(
                "media_missing",
                # Translators: {kind} is photo, video or animated_gif (the archive's words).
                _("{kind} {id} is missing from the archive and is left out").format(kind=media.kind, id=media.media_id),
            )
        )
        return None
    if media.kind not in _KINDS:
        warnings.append(
            DraftWarning(
                "media_unknown",
                _("{path}: unknown media kind {kind}, left out").format(path=media.path, kind=repr(media.kind)),
            )
        )
        return None
    alt = alt_texts.get(media.path, "").strip()
    if grapheme_count(alt) > alt_limit:
        warnings.append(
            DraftWarning(
                "alt_truncated",
                _("alt text of {path} cut to {limit} characters").format(path=media.path, limit=alt_limit),
            )
        )
        alt = clip_text(alt, max_graphemes=alt_limit)
    return DraftMedia(path=media.path, kind=media.kind, alt=alt, source=media)


def _group(media: list[DraftMedia], per_post: int) -> list[list[DraftMedia]]:
    groups: list[list[DraftMedia]] = []
    for item in media:
        alone = item.kind != "photo"
        last = groups[-1] if groups else None
        if alone or last is None or len(last) >= per_post or last[0].kind != "photo":
            groups.append([item])
        else:
            last.append(item)
    return groups
