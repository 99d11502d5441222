"""A tweet continues from the post of the tweet it answers, as selection
left the thread: from its nearest kept ancestor when its parent was dropped."""

from __future__ import annotations

from datetime import timedelta

from quittex.migrate.select import SelectOptions, select
from quittex.models import Thread
from quittex.rewrite import PostRef, Rewriter

from .factories import WHEN, tweet

ACCOUNT = "42"


def own_reply(id: str, parent: str, minutes: int):
    return tweet(
        f"Tweet {id}",
        id=id,
        in_reply_to_id=parent,
        in_reply_to_user_id=ACCOUNT,
        in_reply_to_screen_name="c",
        created_at=WHEN + timedelta(minutes=minutes),
    )


def branching_thread() -> Thread:
    """1 ← 2 ← 4, and 1 ← 3: listed oldest first, 4 comes right after 3."""
    tweets = [tweet("Tweet 1", id="1"), own_reply("2", "1", 1), own_reply("3", "1", 2), own_reply("4", "2", 3)]
    return Thread(tweets, parents={"2": "1", "3": "1", "4": "2"})


def parents_of(drafts) -> dict[str, PostRef | None]:
    return {d.tweet_id: d.parent for d in drafts}


def test_a_reply_whose_parent_was_left_out_continues_from_its_grandparent():
    [thread] = select([branching_thread()], SelectOptions(skip=frozenset({"2"})), ACCOUNT).threads
    assert thread.parents["4"] == "1"
    for platform in ("mastodon", "bluesky"):
        drafts = Rewriter("c").rewrite(thread, platform).drafts
        # Not from 3, the tweet before it in the list: 3 is another branch.
        assert parents_of(drafts) == {"1": None, "3": PostRef("1", 0), "4": PostRef("1", 0)}


def test_the_kept_parent_of_a_split_tweet_is_its_last_part():
    thread = branching_thread()
    thread.tweets[0].text = ("Un texte long. " * 30).strip()
    [kept] = select([thread], SelectOptions(skip=frozenset({"2"})), ACCOUNT).threads
    drafts = Rewriter("c").rewrite(kept, "bluesky").drafts
    last_part = [d for d in drafts if d.tweet_id == "1"][-1]
    assert last_part.part > 0 and parents_of(drafts)["4"] == last_part.ref


def test_without_parents_a_thread_follows_in_reply_to():
    thread = branching_thread()
    thread.parents = {}
    drafts = Rewriter("c").rewrite(thread, "mastodon").drafts
    assert parents_of(drafts) == {"1": None, "2": PostRef("1", 0), "3": PostRef("1", 0), "4": PostRef("2", 0)}


def test_the_date_note_follows_the_kept_parent():
    thread = branching_thread()
    thread.tweets[2].created_at = WHEN + timedelta(days=3)  # 3 is days later, 4 the same day as 1
    [kept] = select([thread], SelectOptions(skip=frozenset({"2"})), ACCOUNT).threads
    texts = {d.tweet_id: d.text for d in Rewriter("c").rewrite(kept, "mastodon").drafts}
    assert texts["3"].endswith("Posted on X on March 7, 2019")
    assert texts["4"] == "Tweet 4"  # same day as its kept parent, 1: no note
