"""`quittex alt-text export`: a spreadsheet to write the alt text X never kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from quittex.cli import console
from quittex.cli.console import shown
from quittex.cli.inspect_cmd import ArchiveArg
from quittex.cli.progress import READING, archive_progress
from quittex.i18n import _, format_number, ngettext

alt_text_app = typer.Typer(
    help="Alt text for your photos, GIFs and videos (the archive has none).", no_args_is_help=True
)


@alt_text_app.command("export")
def export(
    archive: ArchiveArg,
    to: Annotated[
        Path,
        typer.Option("--to", help="The CSV file to write (open it in LibreOffice, Excel, Numbers…).", dir_okay=False),
    ],
    existing: Annotated[
        Path | None, typer.Option("--existing", help="An earlier filled file: its alt texts are kept.", dir_okay=False)
    ] = None,
    comma: Annotated[
        bool, typer.Option("--comma", help="Separate cells with commas (English Excel) instead of semicolons.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """One row per media item of your own tweets, with an empty alt_text column to fill in."""
    from quittex.alttext import export_alt_text_csv, load_alt_text_csv
    from quittex.archive import load_archive

    with archive_progress(READING) as on_progress, load_archive(archive, on_progress) as opened:
        own = [t for t in opened.tweets if not t.is_retweet and t.media]
        known = load_alt_text_csv(existing, mastodon_limit=None, bluesky_limit=None) if existing else None
        result = export_alt_text_csv(
            own, opened.account.username, to, existing=known, delimiter="," if comma else ";", overwrite=force
        )
    written = ngettext("{count} media item written to {path}", "{count} media items written to {path}", result.rows)
    written = written.format(count=format_number(result.rows), path=shown(to))
    if result.prefilled:
        # Translators: shown in parentheses after "N media items written to FILE".
        described = ngettext("{count} already described", "{count} already described", result.prefilled)
        written += f" ({described.format(count=format_number(result.prefilled))})"
    console.out.print(written)
    if result.media_without_file:
        missing = result.media_without_file
        console.warn(
            ngettext(
                "{count} media item is missing from the archive and is left out.",
                "{count} media items are missing from the archive and are left out.",
                missing,
            ).format(count=format_number(missing))
        )
    command = f"quittex migrate {archive} --alt-text {to} …"
    console.info(_("Fill in the alt_text column, save as CSV, then: {command}").format(command=shown(command)))


def register(app: typer.Typer) -> None:
    app.add_typer(alt_text_app, name="alt-text")
