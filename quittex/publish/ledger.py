"""What the journals say: progress per platform (`status`) and the map from
each tweet to its new posts (`report`), readable while a run is publishing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from quittex.platforms import REGISTRY
from quittex.publish.journal import Journal, MediaNote, list_journals


@dataclass
class JournalStatus:
    path: Path
    platform: str
    source_account: str
    source_username: str | None
    target_account: str
    done: int
    failed: int
    skipped: int
    left: int  # pending or sending
    undone: int
    last_post_url: str | None
    last_post_at: str | None
    eta: timedelta
    failures: list[tuple[str, int, str]]  # tweet id, part, reason
    media_notes: list[MediaNote]  # media of published posts not attached: linked or left out

    @property
    def linked_media(self) -> int:
        return sum(1 for n in self.media_notes if n.outcome == "linked")

    @property
    def media_left_out(self) -> int:
        return sum(1 for n in self.media_notes if n.outcome == "left_out")

    def to_json(self) -> dict:
        return {
            "platform": self.platform,
            "source_account": self.source_account,
            "target_account": self.target_account,
            "done": self.done,
            "failed": self.failed,
            "skipped": self.skipped,
            "left": self.left,
            "undone": self.undone,
            "last_post_url": self.last_post_url,
            "last_post_at": self.last_post_at,
            "eta_seconds": int(self.eta.total_seconds()),
            "failures": [{"tweet_id": t, "part": p, "reason": r} for t, p, r in self.failures],
            "media_notes": [
                {"tweet_id": n.tweet_id, "part": n.part, "path": n.media_path, "outcome": n.outcome, "reason": n.reason}
                for n in self.media_notes
            ],
            "journal": str(self.path),
        }


def journal_statuses(state_dir: Path | None = None) -> list[JournalStatus]:
    statuses = []
    for path in list_journals(state_dir):
        with Journal.read_only(path) as journal:
            statuses.append(_status(journal))
    return statuses


def _status(journal: Journal) -> JournalStatus:
    counts, meta = journal.counts(), journal.meta()
    left = counts.get("pending", 0) + counts.get("sending", 0)
    spec = REGISTRY.get(journal.platform)
    eta = spec.estimate(left, 0).duration if spec else timedelta(0)  # a journal of a platform this quittex lacks
    last = journal.last_done()
    failures = [(e.tweet_id, e.part, e.reason or "") for e in journal.entries("failed")]
    return JournalStatus(
        path=journal.path,
        platform=journal.platform,
        source_account=meta.get("source_account", ""),
        source_username=meta.get("source_username"),
        target_account=meta.get("target_account", ""),
        done=counts.get("done", 0),
        failed=counts.get("failed", 0),
        skipped=counts.get("skipped", 0),
        left=left,
        undone=counts.get("undone", 0),
        last_post_url=last.remote.url if last and last.remote else None,
        last_post_at=last.done_at.isoformat(timespec="seconds") if last and last.done_at else None,
        eta=eta,
        failures=failures,
        media_notes=journal.media_notes(),
    )


@dataclass
class ReportRow:
    tweet_url: str
    tweet_id: str
    platform: str
    part: int
    post_url: str
    post_id: str

    def to_json(self) -> dict:
        return self.__dict__.copy()

    def cells(self) -> list[str]:
        return [self.tweet_url, self.tweet_id, self.platform, str(self.part), self.post_url, self.post_id]


def report_rows(state_dir: Path | None = None, platform: str | None = None) -> list[ReportRow]:
    rows = []
    for path in list_journals(state_dir):
        with Journal.read_only(path) as journal:
            if platform and journal.platform != platform:
                continue
            username = journal.meta().get("source_username")
            for entry in journal.entries("done"):
                rows.append(_row(entry, journal.platform, username))
    return rows


def _row(entry, platform: str, username: str | None) -> ReportRow:
    # x.com/i/status/<id> redirects to the tweet whatever the account's name.
    tweet_url = f"https://x.com/{username or 'i'}/status/{entry.tweet_id}"
    remote = entry.remote
    return ReportRow(tweet_url, entry.tweet_id, platform, entry.part, remote.url or remote.id, remote.id)


REPORT_COLUMNS = ("tweet_url", "tweet_id", "platform", "part", "post_url", "post_id")


def report_csv(rows: list[ReportRow], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return buffer.getvalue()
