"""`quittex undo`: delete the posts the journal says quittex created.

Newest first, so replies go before the posts they answer; each deletion is
paced by the platform's delete budget and recorded at once ("undone"), so an
interrupted undo resumes where it stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quittex.publish.base import Publisher, RefusedError, TransientError
from quittex.publish.journal import Journal, list_journals
from quittex.publish.pacing import StopRequested

MAX_ATTEMPTS = 5


@dataclass
class UndoReport:
    deleted: int = 0  # a post already gone counts as deleted
    failed: int = 0
    left: int = 0


def journals_for(platform: str, target_account: str, state_dir: Path | None = None) -> list[Path]:
    """The journals of posts quittex made on this platform for this account."""
    found = []
    for path in list_journals(state_dir):
        with Journal.read_only(path) as journal:
            meta = journal.meta()
        if meta.get("platform") == platform and meta.get("target_account") == target_account:
            found.append(path)
    return found


def open_for_writing(path: Path) -> Journal:
    with Journal.read_only(path) as journal:
        meta = journal.meta()
    return Journal(path, meta["platform"], meta["source_account"], meta["target_account"])


def undo_journal(
    journal: Journal,
    publisher: Publisher,
    stop: threading.Event | None = None,
    on_deleted: Callable[[int], None] | None = None,
) -> UndoReport:
    stop = stop or threading.Event()
    entries = list(reversed(journal.entries("done")))
    report = UndoReport()
    for index, entry in enumerate(entries):
        if stop.is_set():
            report.left = len(entries) - index
            break
        try:
            _delete(publisher, entry.remote)
        except StopRequested:
            report.left = len(entries) - index
            break
        except RefusedError:
            report.failed += 1
            continue
        journal.mark_undone(entry.tweet_id, entry.part)
        report.deleted += 1
        if on_deleted:
            on_deleted(index + 1)
    return report


def _delete(publisher: Publisher, remote) -> None:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            publisher.delete(remote)
            return
        except TransientError:
            if attempt == MAX_ATTEMPTS:
                raise
            publisher.pacer.sleep(2.0**attempt)
