"""The journal: durable states, re-planning, one run at a time, private files."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest

from quittex.errors import QuittexError
from quittex.publish.journal import Journal, JournalBusyError, PlannedPost, Remote, journal_path

WHEN = datetime(2020, 5, 1, 12, tzinfo=UTC)


def planned(*refs: tuple[str, int]) -> list[PlannedPost]:
    return [PlannedPost(tweet_id, part, WHEN) for tweet_id, part in refs]


def open_journal(tmp_path) -> Journal:
    return Journal.open("bluesky", "1000", "did:plc:abc", state_dir=tmp_path)


def test_states_survive_a_reopen(tmp_path):
    with open_journal(tmp_path) as journal:
        assert journal.plan(planned(("1", 0), ("1", 1), ("2", 0))) == 3
        journal.mark_sending("1", 0, "3kabc")
        journal.mark_done("1", 0, Remote("at://did:plc:abc/app.bsky.feed.post/3kabc", "https://bsky.app/x", "bafy"))
        journal.mark_sending("1", 1, "3kabd")
        journal.mark_failed("2", 0, "400 text too long")
    with open_journal(tmp_path) as journal:
        assert journal.counts() == {"done": 1, "sending": 1, "failed": 1}
        entry = journal.get("1", 1)
        assert entry.state == "sending" and entry.request_key == "3kabd" and entry.attempts == 1 and entry.sent_at
        assert journal.remote("1") == Remote("at://did:plc:abc/app.bsky.feed.post/3kabc", "https://bsky.app/x", "bafy")
        assert journal.remote("2") is None
        assert [e.state for e in journal.entries("sending", "failed")] == ["sending", "failed"]


def test_replanning_keeps_what_is_settled_and_forgets_what_is_not_wanted(tmp_path):
    with open_journal(tmp_path) as journal:
        journal.plan(planned(("1", 0), ("2", 0), ("3", 0)))
        journal.mark_sending("1", 0, "k1")
        journal.mark_done("1", 0, Remote("s1"))
        journal.mark_failed("2", 0, "refused")
        new = journal.plan(planned(("4", 0)))
        assert new == 1
        assert {(e.tweet_id, e.state) for e in journal.entries()} == {("1", "done"), ("4", "pending")}


def test_a_second_run_on_the_same_account_is_refused(tmp_path):
    with open_journal(tmp_path):
        with pytest.raises(JournalBusyError, match="Another quittex run"):
            open_journal(tmp_path)
    with open_journal(tmp_path):
        pass  # free again once the first closed


def test_a_journal_belongs_to_its_accounts(tmp_path):
    path = journal_path("bluesky", "1000", "did:plc:abc", tmp_path)
    Journal(path, "bluesky", "1000", "did:plc:abc").close()
    with pytest.raises(QuittexError, match="belongs to"):
        Journal(path, "bluesky", "1000", "did:plc:other").close()


def test_files_are_private(tmp_path):
    folder = tmp_path / "state"
    with Journal.open("mastodon", "1000", "collectif@mamot.fr", state_dir=folder) as journal:
        journal.plan(planned(("1", 0)))
        assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
        assert journal.path.name == "1000-mastodon-collectif@mamot.fr.sqlite3"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_unknown_post_cannot_be_marked(tmp_path):
    with open_journal(tmp_path) as journal, pytest.raises(KeyError):
        journal.mark_done("404", 0, Remote("x"))


def test_a_post_undone_then_wanted_again_is_planned_anew_under_a_new_generation(tmp_path):
    with open_journal(tmp_path) as journal:
        journal.plan(planned(("1", 0), ("2", 0)))
        for tweet_id in ("1", "2"):
            journal.mark_sending(tweet_id, 0, f"k{tweet_id}")
            journal.mark_done(tweet_id, 0, Remote(f"at://did:plc:abc/app.bsky.feed.post/k{tweet_id}"))
        journal.mark_undone("1", 0)
        assert journal.get("1", 0).generation == 0
        assert journal.plan(planned(("1", 0), ("2", 0))) == 1
        again = journal.get("1", 0)
        assert (again.state, again.generation, again.remote, again.request_key, again.attempts) == (
            "pending",
            1,
            None,
            None,
            0,
        )
        assert journal.get("2", 0).state == "done" and journal.get("2", 0).generation == 0
        journal.mark_undone("2", 0)
        assert journal.plan(planned(("1", 0))) == 0  # an undone post no plan wants stays undone
        assert journal.get("2", 0).state == "undone"


def test_a_journal_from_before_generations_gets_the_column(tmp_path):
    import sqlite3

    with open_journal(tmp_path) as journal:
        journal.plan(planned(("1", 0)))
        path = journal.path
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE posts DROP COLUMN generation")
    db.commit()
    db.close()
    with open_journal(tmp_path) as journal:
        assert journal.get("1", 0).generation == 0
