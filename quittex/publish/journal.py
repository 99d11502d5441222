"""The durable ledger that makes every run resumable and duplicate-free.

One SQLite file per (source X account, platform, target account). Each post
of the migration, keyed by (tweet id, part), goes pending → sending → done
(or failed / skipped, and undone after `quittex undo`). "sending" is
committed *before* the request leaves and "done" right after the answer, so
a crash at any instant leaves either a settled row or a "sending" row that
the next run reconciles with the platform before sending again.

Writes are synchronous (WAL, synchronous=FULL): a post the platform accepted
is never forgotten by a power cut a millisecond later. A lock file keeps two
runs from publishing to the same account at once.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from quittex import paths
from quittex.errors import QuittexError
from quittex.i18n import _

SCHEMA_VERSION = 1
STATES = ("pending", "sending", "done", "failed", "skipped", "undone")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    tweet_id TEXT NOT NULL,
    part INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed', 'skipped', 'undone')),
    tweet_created_at TEXT NOT NULL,
    request_key TEXT,
    remote_id TEXT,
    remote_cid TEXT,
    remote_url TEXT,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    done_at TEXT,
    generation INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tweet_id, part)
);
CREATE INDEX IF NOT EXISTS posts_state ON posts (state);
-- Link cards as fetched once (a resumed run publishes the very same card):
-- the card's JSON (or why there is none) and its prepared thumbnail.
CREATE TABLE IF NOT EXISTS cards (
    url TEXT PRIMARY KEY,
    card TEXT NOT NULL,
    thumb BLOB,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS media_notes (
    tweet_id TEXT NOT NULL,
    part INTEGER NOT NULL,
    media_path TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('linked', 'left_out')),
    reason TEXT NOT NULL,
    PRIMARY KEY (tweet_id, part, media_path)
);
"""


class JournalBusyError(QuittexError):
    """Another run holds this journal."""


@dataclass(frozen=True)
class Remote:
    """Where a post landed: Mastodon status id, or Bluesky at:// URI and CID."""

    id: str
    url: str | None = None
    cid: str | None = None


@dataclass(frozen=True)
class PlannedPost:
    tweet_id: str
    part: int
    tweet_created_at: datetime


@dataclass(frozen=True)
class MediaNote:
    """A media file a published post does not carry: "linked" (a video the
    platform cannot take, replaced by a link to the tweet on X) or
    "left_out" (unreadable, missing, refused at upload)."""

    tweet_id: str
    part: int
    media_path: str
    outcome: str
    reason: str


@dataclass(frozen=True)
class Entry:
    tweet_id: str
    part: int
    state: str
    tweet_created_at: str
    request_key: str | None
    remote: Remote | None
    reason: str | None
    attempts: int
    sent_at: datetime | None
    done_at: datetime | None
    # How many times the post was undone and planned again: part of its
    # request key, so a post made anew never takes the deleted one's key.
    generation: int = 0


def list_journals(state_dir: Path | None = None) -> list[Path]:
    folder = state_dir or paths.state_dir()
    return sorted(folder.glob("*.sqlite3")) if folder.is_dir() else []


def journal_path(platform: str, source_account: str, target_account: str, state_dir: Path | None = None) -> Path:
    folder = state_dir or paths.state_dir()
    return folder / f"{source_account}-{platform}-{paths.file_name(target_account)}.sqlite3"


class Journal:
    def __init__(self, path: Path, platform: str, source_account: str, target_account: str) -> None:
        self.path = path
        self.platform = platform
        paths.private_dir(path.parent)
        self._lock = _acquire_lock(path.with_suffix(".lock"))
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        os.chmod(path, 0o600)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        self._check_meta(platform, source_account, target_account)

    @classmethod
    def open(cls, platform: str, source_account: str, target_account: str, state_dir: Path | None = None) -> Journal:
        return cls(
            journal_path(platform, source_account, target_account, state_dir), platform, source_account, target_account
        )

    @classmethod
    def read_only(cls, path: Path) -> Journal:
        """For `status` and `report` while a run may be writing: no lock, no writes."""
        journal = cls.__new__(cls)
        journal.path = path
        journal._lock = None
        try:
            journal._db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30
            )
            journal.platform = journal.meta()["platform"]
        except (sqlite3.Error, KeyError):
            raise QuittexError(_("{path} is not a quittex journal.").format(path=path)) from None
        return journal

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            self._lock.close()

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- planning ------------------------------------------------------------
    def plan(self, posts: Iterable[PlannedPost]) -> int:
        """Record the posts this run wants. Posts already settled keep their
        state; unsettled ones the new plan no longer wants are forgotten, so a
        run with other options re-plans only what is not done. Returns how
        many posts are new."""
        wanted = {(p.tweet_id, p.part): p for p in posts}
        with self._transaction():
            known = {(r[0], r[1]): r[2] for r in self._db.execute("SELECT tweet_id, part, state FROM posts")}
            stale = [
                key for key, state in known.items() if state in ("pending", "failed", "skipped") and key not in wanted
            ]
            self._db.executemany("DELETE FROM posts WHERE tweet_id = ? AND part = ?", stale)
            # Posts deleted by `quittex undo` and wanted again are made anew.
            again = [key for key, state in known.items() if state == "undone" and key in wanted]
            self._db.executemany(
                "UPDATE posts SET state = 'pending', generation = generation + 1, request_key = NULL, remote_id = NULL,"
                " remote_cid = NULL, remote_url = NULL, reason = NULL, attempts = 0, sent_at = NULL, done_at = NULL"
                " WHERE tweet_id = ? AND part = ?",
                again,
            )
            new = [p for key, p in wanted.items() if key not in known]
            self._db.executemany(
                "INSERT INTO posts (tweet_id, part, state, tweet_created_at) VALUES (?, ?, 'pending', ?)",
                [(p.tweet_id, p.part, _iso(p.tweet_created_at)) for p in new],
            )
        return len(new) + len(again)

    # -- state changes, each its own durable transaction ----------------------
    def mark_sending(self, tweet_id: str, part: int, request_key: str) -> None:
        self._update(
            tweet_id,
            part,
            "state = 'sending', request_key = ?, attempts = attempts + 1, sent_at = ?, reason = NULL",
            request_key,
            _now(),
        )

    def mark_done(self, tweet_id: str, part: int, remote: Remote, media_notes: Iterable[MediaNote] = ()) -> None:
        """The post exists; `media_notes` say which of its media it does not carry, and why."""
        with self._transaction():
            self._set(
                tweet_id,
                part,
                "state = 'done', remote_id = ?, remote_cid = ?, remote_url = ?, done_at = ?, reason = NULL",
                remote.id,
                remote.cid,
                remote.url,
                _now(),
            )
            self._db.execute("DELETE FROM media_notes WHERE tweet_id = ? AND part = ?", (tweet_id, part))
            self._db.executemany(
                "INSERT OR REPLACE INTO media_notes (tweet_id, part, media_path, outcome, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                [(tweet_id, part, n.media_path, n.outcome, n.reason) for n in media_notes],
            )

    def mark_failed(self, tweet_id: str, part: int, reason: str) -> None:
        self._update(tweet_id, part, "state = 'failed', reason = ?", reason)

    def mark_skipped(self, tweet_id: str, part: int, reason: str) -> None:
        self._update(tweet_id, part, "state = 'skipped', reason = ?", reason)

    def mark_pending(self, tweet_id: str, part: int) -> None:
        """Back to pending: reconciliation found the post was never created."""
        self._update(tweet_id, part, "state = 'pending'")

    def mark_undone(self, tweet_id: str, part: int) -> None:
        self._update(tweet_id, part, "state = 'undone', reason = 'deleted by quittex undo'")

    # -- reading -------------------------------------------------------------
    def get(self, tweet_id: str, part: int) -> Entry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM posts WHERE tweet_id = ? AND part = ?", (tweet_id, part)
        ).fetchone()
        return _entry(row) if row else None

    def entries(self, *states: str) -> list[Entry]:
        query = f"SELECT {_COLUMNS} FROM posts"
        if states:
            query += f" WHERE state IN ({', '.join('?' * len(states))})"
        query += " ORDER BY tweet_created_at, CAST(tweet_id AS INTEGER), part"
        return [_entry(row) for row in self._db.execute(query, states)]

    def counts(self) -> Counter:
        return Counter(dict(self._db.execute("SELECT state, COUNT(*) FROM posts GROUP BY state").fetchall()))

    def remote(self, tweet_id: str, part: int = 0) -> Remote | None:
        entry = self.get(tweet_id, part)
        return entry.remote if entry and entry.state == "done" else None

    def last_done(self) -> Entry | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM posts WHERE state = 'done' ORDER BY done_at DESC LIMIT 1"
        ).fetchone()
        return _entry(row) if row else None

    def card(self, url: str) -> tuple[str, bytes | None] | None:
        """(the card's JSON, its thumbnail) as first fetched, or None."""
        row = self._db.execute("SELECT card, thumb FROM cards WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def save_card(self, url: str, card: str, thumb: bytes | None) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO cards (url, card, thumb, fetched_at) VALUES (?, ?, ?, ?)",
                (url, card, thumb, _now()),
            )

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def media_notes(self) -> list[MediaNote]:
        """The media of published posts that did not go up with them."""
        try:
            rows = self._db.execute(
                "SELECT n.tweet_id, n.part, n.media_path, n.outcome, n.reason FROM media_notes n"
                " JOIN posts p ON p.tweet_id = n.tweet_id AND p.part = n.part WHERE p.state = 'done'"
                " ORDER BY p.tweet_created_at, CAST(n.tweet_id AS INTEGER), n.part, n.media_path"
            ).fetchall()
        except sqlite3.OperationalError:  # a journal from before media notes, opened read-only
            return []
        return [MediaNote(*row) for row in rows]

    # -- internals -----------------------------------------------------------
    def _update(self, tweet_id: str, part: int, assignments: str, *values: object) -> None:
        with self._transaction():
            self._set(tweet_id, part, assignments, *values)

    def _set(self, tweet_id: str, part: int, assignments: str, *values: object) -> None:
        cursor = self._db.execute(
            f"UPDATE posts SET {assignments} WHERE tweet_id = ? AND part = ?", (*values, tweet_id, part)
        )
        if cursor.rowcount != 1:
            raise KeyError(f"post {tweet_id}/{part} is not in the journal")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _add_missing_columns(self) -> None:
        """A journal written before `generation` existed gets it (all 0)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(posts)")}
        if "generation" not in columns:
            self._db.execute("ALTER TABLE posts ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")

    def _check_meta(self, platform: str, source: str, target: str) -> None:
        wanted = {
            "schema_version": str(SCHEMA_VERSION),
            "platform": platform,
            "source_account": source,
            "target_account": target,
        }
        with self._transaction():
            existing = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            if existing.get("schema_version", str(SCHEMA_VERSION)) != str(SCHEMA_VERSION):
                raise QuittexError(
                    _("{path} was written by another version of quittex (schema {schema}).").format(
                        path=self.path, schema=existing["schema_version"]
                    )
                )
            for key, value in wanted.items():
                if key in existing and existing[key] != value:
                    raise QuittexError(
                        # Translators: {key} is a field of the journal, left in English: platform, source_account…
                        _("{path} belongs to {key} {found}, not {wanted}.").format(
                            path=self.path, key=key, found=repr(existing[key]), wanted=repr(value)
                        )
                    )
            self._db.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", wanted.items())
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", (_now(),))


_COLUMNS = (
    "tweet_id, part, state, tweet_created_at, request_key, remote_id, remote_cid, remote_url, reason, attempts,"
    " sent_at, done_at, generation"
)


def _entry(row: tuple) -> Entry:
    tweet_id, part, state, created, key, remote_id, cid, url, reason, attempts, sent_at, done_at, generation = row
    remote = Remote(remote_id, url, cid) if remote_id else None
    return Entry(
        tweet_id, part, state, created, key, remote, reason, attempts, _parse(sent_at), _parse(done_at), generation
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _acquire_lock(path: Path):
    handle = open(path, "a+")  # noqa: SIM115 - held for the journal's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise JournalBusyError(
            _("Another quittex run is publishing to this account right now."),
            hint=_("Wait for it to finish, or stop it (Ctrl-C) and run again."),
        ) from None
    return handle
