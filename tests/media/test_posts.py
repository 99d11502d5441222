"""Spreading a tweet's media over posts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quittex.media import plan_media_posts
from quittex.models import Media


def media(kinds: str) -> list[Media]:
    names = {"p": "photo", "v": "video", "g": "animated_gif"}
    return [Media(names[kind], str(index), f"data/tweets_media/{index}", "") for index, kind in enumerate(kinds)]


def shape(groups: list[list[Media]]) -> list[str]:
    return ["".join(item.kind[0] if item.kind != "animated_gif" else "g" for item in group) for group in groups]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ("", []),
        ("p", ["p"]),
        ("pppp", ["pppp"]),
        ("ppppp", ["pppp", "p"]),
        ("v", ["v"]),
        ("pv", ["p", "v"]),
        ("ppvpp", ["pp", "v", "pp"]),
        ("gv", ["g", "v"]),
    ],
)
def test_groups(kinds, expected):
    assert shape(plan_media_posts(media(kinds))) == expected


def test_a_smaller_instance_limit():
    assert shape(plan_media_posts(media("ppp"), max_photos_per_post=2)) == ["pp", "p"]
    with pytest.raises(ValueError):
        plan_media_posts(media("p"), max_photos_per_post=0)


@given(st.text(alphabet="pvg", max_size=12), st.integers(1, 6))
def test_nothing_dropped_order_kept_never_mixed(kinds, limit):
    items = media(kinds)
    groups = plan_media_posts(items, max_photos_per_post=limit)
    assert [item for group in groups for item in group] == items
    for group in groups:
        assert len(group) <= limit
        if any(item.kind != "photo" for item in group):
            assert len(group) == 1
