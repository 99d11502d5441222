"""`quittex status` and `quittex report`: what has been published so far."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import BadInputError
from quittex.i18n import _, format_number, ngettext
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
        console.out.print(
            _("No migration yet: run {command}.").format(command="'quittex migrate ARCHIVE --to mastodon,bluesky'")
        )
        return
    table = Table(
        # Translators: the headers of the `status` table (lower case, as today's English).
        _("platform"),
        _("account"),
        # Translators: a column header in `status`: the number of posts published.
        _("done"),
        # Translators: a column header in `status`: the number of posts that failed.
        _("failed"),
        # Translators: a column header in `status`: the number of posts still to publish.
        _("left"),
        _("last post"),
        _("time left"),
    )
    for s in statuses:
        table.add_row(
            s.platform,
            shown(s.target_account),
            format_number(s.done),
            format_number(s.failed),
            format_number(s.left),
            shown(s.last_post_url or "—"),
            human_duration(s.eta) if s.left else "—",
        )
    console.out.print(table)
    for s in statuses:
        for tweet_id, part, reason in s.failures[:20]:
            console.warn(
                _("{platform}: tweet {tweet} part {part} failed: {reason}").format(
                    platform=s.platform, tweet=tweet_id, part=part + 1, reason=shown(_(reason))
                )
            )
        _media_notes(s)


def _media_notes(status) -> None:
    """Media the published posts do not carry: videos linked to X, files left out."""
    notes = status.media_notes
    if not notes:
        return
    console.info(
        _("{platform}: videos linked to X: {linked}, media left out: {left_out}").format(
            platform=status.platform,
            linked=format_number(status.linked_media),
            left_out=format_number(status.media_left_out),
        )
    )
    for note in notes[:20]:
        if note.outcome == "linked":
            line = _("tweet {tweet}: {path} linked to X: {reason}")
        else:
            line = _("tweet {tweet}: {path} left out: {reason}")
        console.info("  " + line.format(tweet=note.tweet_id, path=shown(note.media_path), reason=shown(note.reason)))
    if len(notes) > 20:
        more = len(notes) - 20
        console.info(
            "  "
            + ngettext(
                "… and {count} more (see 'quittex status --json')",
                "… and {count} more (see 'quittex status --json')",
                more,
            ).format(count=format_number(more))
        )


REPORT_FORMATS = ("sheet", "csv", "json")


def report(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="sheet: for spreadsheets (semicolons; UTF-8 with BOM in a file), csv: plain commas, json.",
        ),
    ] = "sheet",
    to: Annotated[str | None, typer.Option("--to", help="Only this platform: mastodon or bluesky.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)
    ] = None,
    state_dir: StateDir = None,
) -> None:
    """Each migrated tweet's URL and its new post URLs: publish it, or use it for redirects."""
    from quittex.publish.ledger import REPORT_COLUMNS, report_csv, report_rows

    if format not in REPORT_FORMATS:
        raise BadInputError(_("--format takes sheet, csv or json, not {value}.").format(value=repr(format)))
    if to is not None:
        to = _one_platform(to)
    rows = report_rows(state_dir, to)
    if not rows:
        console.info(_("Nothing to report yet: no post has been migrated. The report lists them once they are."))
        if format == "json":
            console.out.file.write("[]\n")
        return
    if format == "sheet" and output is not None:
        from quittex.sheets import write_sheet

        write_sheet(output, REPORT_COLUMNS, [row.cells() for row in rows])
    else:
        if format == "json":
            import json

            text = json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2) + "\n"
        else:
            text = report_csv(rows, delimiter=";" if format == "sheet" else ",")
        if output is None:
            console.out.file.write(text)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise BadInputError(
                _("Cannot write {path}: {reason}.").format(path=output, reason=error.strerror or error)
            ) from None
    console.info(
        ngettext("{count} post listed in {path}.", "{count} posts listed in {path}.", len(rows)).format(
            count=format_number(len(rows)), path=shown(output)
        )
    )


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
    done = ngettext("{platform}: {count} post deleted", "{platform}: {count} posts deleted", deleted).format(
        platform=label(to), count=format_number(deleted)
    )
    if failed:
        # Translators: {deleted} is "Bluesky: 12 posts deleted"; the count is of the posts not deleted.
        done = ngettext("{deleted}, {count} could not be", "{deleted}, {count} could not be", failed).format(
            deleted=done, count=format_number(failed)
        )
    console.out.print(done)
    if failed:
        from quittex.errors import PartialError

        raise PartialError(
            ngettext("{count} post could not be deleted.", "{count} posts could not be deleted.", failed).format(
                count=format_number(failed)
            ),
            hint=_("Run the same command again to retry."),
        )


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
        console.out.print(
            _("quittex has no post to delete on {platform} for {account}.").format(
                platform=label(to), account=shown(target.label)
            )
        )
        return None, 0
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError(
                ngettext(
                    "Ready to delete {count} post from {account}. Add --yes to do it without a terminal.",
                    "Ready to delete {count} posts from {account}. Add --yes to do it without a terminal.",
                    total,
                ).format(count=format_number(total), account=target.label)
            )
        question = ngettext(
            "Delete the {count} post quittex made for {account} on {platform}? This cannot be reversed.",
            "Delete the {count} posts quittex made for {account} on {platform}? This cannot be reversed.",
            total,
        ).format(count=format_number(total), account=target.label, platform=label(to))
        if not console.confirm(question):
            console.info(_("Nothing was deleted."))
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
        raise BadInputError(
            _("--to takes one platform here ({platforms}), not {value}.").format(
                platforms=", ".join(PLATFORMS), value=repr(value)
            )
        )
    return names[0]


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("report")(report)
    app.command("undo")(undo)
