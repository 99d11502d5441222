"""`quittex inspect`: what an archive holds, before anything is moved."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console, process
from quittex.cli.console import shown
from quittex.cli.progress import READING, archive_progress
from quittex.i18n import N_, _, format_moment, format_number, ngettext

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

    with archive_progress(READING) as on_progress, load_archive(archive, on_progress) as opened:
        summary = summarize(opened)
        process.keep_until_exit(opened)
    if as_json:
        console.print_json(summary.to_json())
        return
    _render(summary)


def _render(summary) -> None:
    out = console.out
    name = f"@{summary.username}" + (f" ({summary.display_name})" if summary.display_name else "")
    account = _("account {id}").format(id=shown(summary.account_id or "?"))
    out.print(f"[bold]{shown(name)}[/bold]  {account}", highlight=False)
    first, last = _moment(summary.first_date), _moment(summary.last_date)
    out.print(
        ngettext(
            "From {first} to {last}, {count} tweets file read",
            "From {first} to {last}, {count} tweets files read",
            summary.parts_read,
        ).format(first=first, last=last, count=format_number(summary.parts_read))
    )
    out.print(_counts_table(summary))
    if summary.languages:
        languages = ", ".join(f"{shown(k)} {format_number(v)}" for k, v in list(summary.languages.items())[:8])
        out.print(_("Languages: {languages}").format(languages=languages))
    if summary.top_hashtags:
        hashtags = ", ".join(f"#{shown(t)} {format_number(c)}" for t, c in summary.top_hashtags)
        out.print(_("Top hashtags: {hashtags}").format(hashtags=hashtags))
    for warning in summary.warnings:
        console.warn(shown(warning))


def _moment(iso: str | None) -> str:
    """An ISO moment of the summary as people of the language write it ("—" when none)."""
    if not iso:
        return "—"
    try:
        return format_moment(datetime.fromisoformat(iso))
    except ValueError:
        return shown(iso)


_MEDIA_KINDS = {
    # Translators: row labels of the `inspect` table, under "Media (your tweets)", each followed by a count.
    "photo": N_("photos"),
    "video": N_("videos"),
    "animated_gif": N_("animated GIFs"),
}


def _counts_table(summary) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    rows = [
        (_("Tweets"), summary.tweets),
        ("  " + _("originals"), summary.originals),
        ("  " + _("replies to yourself"), summary.self_replies),
        ("  " + _("replies to others"), summary.replies_to_others),
        ("  " + _("retweets"), summary.retweets),
        (_("Threads (2+ tweets)"), summary.threads),
        (_("Long posts merged"), summary.note_tweets_merged),
        (_("Edits collapsed"), summary.edits_collapsed),
        (_("Circle tweets excluded"), summary.circle_tweets_excluded),
        (_("Media (your tweets)"), summary.media_items),
        *(
            ("  " + (_(_MEDIA_KINDS[kind]) if kind in _MEDIA_KINDS else shown(kind)), count)
            for kind, count in summary.media_by_kind.items()
        ),
        ("  " + _("missing files"), summary.media_missing),
    ]
    for label, value in rows:
        table.add_row(label, format_number(value))
    return table


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
