"""`quittex inspect`: what an archive holds, before anything is moved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.cli.progress import archive_progress

ArchiveArg = Annotated[
    Path,
    typer.Argument(help="The X archive: the zip X sent you, or the folder it unpacks to.", show_default=False),
]


def inspect(
    archive: ArchiveArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Show what an X archive holds: counts, dates, languages, media, threads, warnings."""
    from quittex.archive import load_archive
    from quittex.archive.summary import summarize

    with archive_progress("Reading") as on_progress, load_archive(archive, on_progress) as opened:
        summary = summarize(opened)
    if as_json:
        console.print_json(summary.to_json())
        return
    _render(summary)


def _render(summary) -> None:
    out = console.out
    name = f"@{summary.username}" + (f" ({summary.display_name})" if summary.display_name else "")
    out.print(f"[bold]{shown(name)}[/bold]  account {shown(summary.account_id or '?')}", highlight=False)
    out.print(
        f"From {summary.first_date or '—'} to {summary.last_date or '—'}, {summary.parts_read} tweets file(s) read"
    )
    out.print(_counts_table(summary))
    if summary.languages:
        out.print("Languages: " + ", ".join(f"{shown(k)} {v}" for k, v in list(summary.languages.items())[:8]))
    if summary.top_hashtags:
        out.print("Top hashtags: " + ", ".join(f"#{shown(t)} {c}" for t, c in summary.top_hashtags))
    for warning in summary.warnings:
        console.warn(shown(warning))


def _counts_table(summary) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    rows = [
        ("Tweets", summary.tweets),
        ("  originals", summary.originals),
        ("  replies to yourself", summary.self_replies),
        ("  replies to others", summary.replies_to_others),
        ("  retweets", summary.retweets),
        ("Threads (2+ tweets)", summary.threads),
        ("Long posts merged", summary.note_tweets_merged),
        ("Edits collapsed", summary.edits_collapsed),
        ("Circle tweets excluded", summary.circle_tweets_excluded),
        ("Media (your tweets)", summary.media_items),
        *((f"  {kind}", count) for kind, count in summary.media_by_kind.items()),
        ("  missing files", summary.media_missing),
    ]
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    return table


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
