"""`quittex status` and `quittex report`: what has been published so far."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import BadInputError
from quittex.platforms import PLATFORMS, label, parse_platforms, platform

StateDir = Annotated[
    Path | None, typer.Option("--state-dir", help="Where the journals are (default: quittex's home).", file_okay=False)
]


def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    state_dir: StateDir = None,
) -> None:
    """Per platform: posts done, failed and left, the last post, and the time left."""
    from quittex.publish.estimate import human_duration
    from quittex.publish.ledger import journal_statuses

    statuses = journal_statuses(state_dir)
    if as_json:
        console.print_json({"journals": [s.to_json() for s in statuses]})
        return
    if not statuses:
        console.out.print("No migration yet: run 'quittex migrate ARCHIVE --to mastodon,bluesky'.")
        return
    table = Table("platform", "account", "done", "failed", "left", "last post", "time left")
    for s in statuses:
        table.add_row(
            s.platform,
            shown(s.target_account),
            f"{s.done:,}",
            f"{s.failed:,}",
            f"{s.left:,}",
            shown(s.last_post_url or "—"),
            human_duration(s.eta) if s.left else "—",
        )
    console.out.print(table)
    for s in statuses:
        for tweet_id, part, reason in s.failures[:20]:
            console.warn(f"{s.platform}: tweet {tweet_id} part {part + 1} failed: {shown(reason)}")
        _media_notes(s)


def _media_notes(status) -> None:
    """Media the published posts do not carry: videos linked to X, files left out."""
    notes = status.media_notes
    if not notes:
        return
    console.info(
        f"{status.platform}: videos linked to X: {status.linked_media:,}, media left out: {status.media_left_out:,}"
    )
    for note in notes[:20]:
        what = "linked to X" if note.outcome == "linked" else "left out"
        console.info(f"  tweet {note.tweet_id}: {shown(note.media_path)} {what}: {shown(note.reason)}")
    if len(notes) > 20:
        console.info(f"  … and {len(notes) - 20:,} more (see 'quittex status --json')")


def report(
    format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    to: Annotated[str | None, typer.Option("--to", help="Only this platform: mastodon or bluesky.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)
    ] = None,
    state_dir: StateDir = None,
) -> None:
    """Each migrated tweet's URL and its new post URLs: publish it, or use it for redirects."""
    from quittex.publish.ledger import report_csv, report_rows

    if format not in ("csv", "json"):
        raise BadInputError(f"--format takes csv or json, not {format!r}.")
    if to is not None:
        to = _one_platform(to)
    rows = report_rows(state_dir, to)
    if format == "csv":
        text = report_csv(rows)
    else:
        import json

        text = json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2) + "\n"
    if output is None:
        console.out.file.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInputError(f"Cannot write {output}: {error.strerror or error}.") from None
    console.info(f"{len(rows):,} posts listed in {output}.")


def undo(
    to: Annotated[
        str, typer.Option("--to", help="The platform to delete the migrated posts from: mastodon or bluesky.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking for confirmation.")] = False,
    account: Annotated[str | None, typer.Option("--account", help="Which logged-in account, when several.")] = None,
    state_dir: StateDir = None,
) -> None:
    """Delete the posts quittex published (and only those), newest first."""
    to = _one_platform(to)
    target = platform(to).connect(account)
    try:
        deleted, failed = _undo_with(target, to, yes, state_dir)
    finally:
        target.close()
    if deleted is None:
        return
    console.out.print(f"{label(to)}: {deleted:,} posts deleted" + (f", {failed:,} could not be" if failed else ""))
    if failed:
        from quittex.errors import PartialError

        raise PartialError(f"{failed:,} posts could not be deleted.", hint="Run the same command again to retry.")


def _undo_with(target, to: str, yes: bool, state_dir: Path | None) -> tuple[int | None, int]:
    """(deleted, failed); None deleted when there was nothing to do or the user said no."""
    import sys

    from quittex.publish.undo import journals_for, open_for_writing, undo_journal

    paths = journals_for(to, target.account, state_dir)
    counts = []
    for path in paths:
        with open_for_writing(path) as journal:
            counts.append(journal.counts().get("done", 0))
    total = sum(counts)
    if total == 0:
        console.out.print(f"quittex has no post to delete on {label(to)} for {shown(target.label)}.")
        return None, 0
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError(
                f"Ready to delete {total:,} posts from {target.label}. Add --yes to do it without a terminal."
            )
        if not typer.confirm(
            f"Delete the {total:,} posts quittex made for {target.label} on {label(to)}? This cannot be reversed.",
            default=False,
            err=True,
        ):
            console.info("Nothing was deleted.")
            return None, 0
    deleted = failed = 0
    for path in paths:
        with open_for_writing(path) as journal:
            report = undo_journal(journal, target)
        deleted, failed = deleted + report.deleted, failed + report.failed
    return deleted, failed


def _one_platform(value: str) -> str:
    names = parse_platforms(value)
    if len(names) != 1:
        raise BadInputError(f"--to takes one platform here ({', '.join(PLATFORMS)}), not {value!r}.")
    return names[0]


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("report")(report)
    app.command("undo")(undo)
