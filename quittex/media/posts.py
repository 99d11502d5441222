"""How a tweet's media are spread over posts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class _HasKind(Protocol):
    kind: str


M = TypeVar("M", bound=_HasKind)


def plan_media_posts(media: Sequence[M], *, max_photos_per_post: int = 4) -> list[list[M]]:
    """The media in tweet order, grouped one group per post.

    Up to `max_photos_per_post` consecutive photos share a post; a video or
    GIF is alone in its post, because neither platform mixes photos with a
    video (Mastodon refuses it, a Bluesky embed is images *or* a video) and
    each takes one video per post. The first group goes with the tweet's own
    post, the others in replies under it: nothing is dropped.
    """
    if max_photos_per_post < 1:
        raise ValueError("a post must be able to hold at least one photo")
    groups: list[list[M]] = []
    for item in media:
        current = groups[-1] if groups else None
        if (
            item.kind == "photo"
            and current is not None
            and current[0].kind == "photo"
            and len(current) < max_photos_per_post
        ):
            current.append(item)
        else:
            groups.append([item])
    return groups
