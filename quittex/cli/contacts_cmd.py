"""`quittex contacts`: the collective's X network, found again on Bluesky and Mastodon.

quittex contacts ARCHIVE [--json]                     who, offline
quittex contacts find ARCHIVE --out contacts.csv       look for them (logged in)
quittex contacts follow contacts.csv [--dry-run]       follow the rows marked yes
quittex contacts export contacts.csv --mastodon-csv F --handle-map F
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer.core import TyperGroup

from quittex.cli import console
from quittex.cli.console import shown
from quittex.cli.progress import archive_progress
from quittex.errors import BadInputError, PartialError
from quittex.platforms import PLATFORMS, label, parse_platforms


class _ListByDefault(TyperGroup):
    """`quittex contacts ARCHIVE` is `quittex contacts list ARCHIVE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


contacts_app = typer.Typer(
    cls=_ListByDefault,
    name="contacts",
    help="Find the people the collective follows and talks with on X again, on Bluesky and Mastodon.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

ArchiveArg = Annotated[
    Path, typer.Argument(help="The X archive: the zip X sent you, or the folder it unpacks to.", show_default=False)
]
SheetArg = Annotated[
    Path, typer.Argument(help="The contacts sheet `contacts find` wrote, reviewed.", show_default=False, dir_okay=False)
]
ToOption = Annotated[str | None, typer.Option("--to", help="Platforms, comma-separated (default: both).")]
StateOption = Annotated[
    Path | None, typer.Option("--state-dir", help="Where quittex keeps its state.", file_okay=False)
]
BlueskyAccount = Annotated[
    str | None, typer.Option("--bluesky-account", help="Which logged-in Bluesky account, when several.")
]
MastodonAccount = Annotated[
    str | None, typer.Option("--mastodon-account", help="Which logged-in Mastodon account, when several.")
]


@contacts_app.command("list")
def list_contacts(
    archive: ArchiveArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    top: Annotated[int, typer.Option("--top", help="Show the first N contacts (all with --json).", min=1)] = 50,
) -> None:
    """Who the collective follows, is followed by and talked with on X, from the archive alone."""
    from quittex.contacts.extract import read_contacts

    with archive_progress("Reading"):
        contacts = read_contacts(archive)
    if as_json:
        console.print_json(contacts.to_json())
        return
    _render_contacts(contacts, top)


def _render_contacts(contacts, top: int) -> None:
    out = console.out
    named = contacts.named
    out.print(
        f"{len(named)} accounts named by the tweets · following {contacts.following_count} · "
        f"followers {contacts.follower_count}",
        highlight=False,
    )
    table = Table(show_edge=False)
    table.add_column("X account", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Relation", no_wrap=True)
    table.add_column("Talked with", overflow="fold")
    table.add_column("Last", no_wrap=True)
    for contact in named[:top]:
        last = contact.last_interaction
        table.add_row(
            shown(f"@{contact.screen_name}"),
            shown(contact.display_name or ""),
            contact.relation or "—",
            _talks(contact),
            last.strftime("%Y-%m-%d") if last else "",
        )
    out.print(table)
    if len(named) > top:
        out.print(f"… and {len(named) - top} more (--top N, or --json for all).", highlight=False)
    unnamed = contacts.unnamed_following
    if unnamed:
        out.print(
            f"\n{len(unnamed)} of the {contacts.following_count} accounts followed have no name in the archive: "
            "open these links (logged in to X) to see who they are.",
            highlight=False,
        )
        for contact in unnamed[:top]:
            out.print(contact.x_url, highlight=False, soft_wrap=True)
        if len(unnamed) > top:
            out.print(f"… and {len(unnamed) - top} more (--json lists them all).", highlight=False)
    for note in contacts.notes:
        console.info(f"[dim]note:[/dim] {shown(note)}")


_KIND_WORDS = {"mentions": "mention", "replies": "reply", "retweets": "retweet", "quotes": "quote"}


def _talks(contact) -> str:
    """ "3: 2 replies, 1 quote"."""
    parts = []
    for kind, word in _KIND_WORDS.items():
        count = getattr(contact, kind)
        if count:
            parts.append(f"{count} {word if count == 1 else kind}")
    return f"{contact.interactions}: {', '.join(parts)}" if parts else "0"


@contacts_app.command("find")
def find(
    archive: ArchiveArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="The contacts sheet to write (CSV).", dir_okay=False)],
    to: ToOption = None,
    handle_map: Annotated[
        Path | None,
        typer.Option("--handle-map", help="Addresses already known (x_handle,mastodon,bluesky).", dir_okay=False),
    ] = None,
    delimiter: Annotated[
        str, typer.Option("--delimiter", help="Cell separator: ';' (Excel in most of Europe) or ','.")
    ] = ";",
    bluesky_account: BlueskyAccount = None,
    mastodon_account: MastodonAccount = None,
    state_dir: StateOption = None,
) -> None:
    """Look for each named contact on Bluesky and Mastodon (through your accounts), and write a sheet to review."""
    from quittex.contacts.extract import read_contacts
    from quittex.contacts.find import find_contacts
    from quittex.contacts.sheet import write_contacts_sheet

    if delimiter not in (";", ",", "\t"):
        raise BadInputError("--delimiter takes ';', ',' or a tab.")
    platforms = parse_platforms(to or ",".join(PLATFORMS), option="--to")
    known = _known(handle_map)
    with archive_progress("Reading"):
        contacts = read_contacts(archive)
    publishers = _connect(platforms, {"bluesky": bluesky_account, "mastodon": mastodon_account})
    try:
        with _bar("Looking up") as on_progress:
            found = find_contacts(contacts, publishers, known=known, state_dir=state_dir, on_progress=on_progress)
    finally:
        for publisher in publishers.values():
            publisher.close()
    write_contacts_sheet(out, found, platforms, delimiter)
    marked = sum(1 for item in found if item.prefilled_follow())
    with_candidate = sum(1 for item in found if any(item.candidates.values()))
    console.out.print(
        f"Wrote {shown(out)}: {len(found)} contacts, {with_candidate} with a candidate, "
        f"{marked} marked to follow (strong evidence only).",
        highlight=False,
    )
    console.info("Review the sheet (the follow column), then: quittex contacts follow " + shown(out))


def _known(handle_map: Path | None) -> dict[str, dict[str, str]]:
    if handle_map is None:
        return {}
    from quittex.rewrite.handle_map import load_handle_map

    return {
        handle: {k: v for k, v in (("mastodon", entry.mastodon), ("bluesky", entry.bluesky)) if v}
        for handle, entry in load_handle_map(handle_map).items()
    }


@contacts_app.command("follow")
def follow(
    sheet: SheetArg,
    to: ToOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would be followed; follow no one.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Follow without asking.")] = False,
    bluesky_account: BlueskyAccount = None,
    mastodon_account: MastodonAccount = None,
    state_dir: StateOption = None,
) -> None:
    """Follow the accounts the sheet marks (follow = yes), once each; run it again to resume."""
    from quittex.contacts.follow import follow_all
    from quittex.contacts.sheet import follow_targets

    platforms = parse_platforms(to or ",".join(PLATFORMS), option="--to")
    targets = follow_targets(sheet, platforms)
    counts = {name: sum(1 for t in targets if t.platform == name) for name in platforms}
    summary = ", ".join(f"{counts[name]} on {label(name)}" for name in platforms)
    if dry_run:
        for target in targets:
            console.out.print(f"{label(target.platform)}: {shown(target.address)}", highlight=False)
        console.out.print(f"Would follow {summary}. Nothing was done (dry run).", highlight=False)
        return
    if not targets:
        console.out.print("No row of the sheet is marked to follow: nothing to do.", highlight=False)
        return
    _confirm(yes, f"Follow {summary}?")
    publishers = _connect(
        [n for n in platforms if counts[n]], {"bluesky": bluesky_account, "mastodon": mastodon_account}
    )
    try:
        with _bar("Following") as on_progress:
            reports = follow_all(
                targets,
                publishers,
                state_dir=state_dir,
                on_progress=(lambda name, done, total: on_progress(done, total)) if on_progress else None,
            )
    finally:
        for publisher in publishers.values():
            publisher.close()
    failed = 0
    for report in reports.values():
        console.out.print(
            f"{label(report.platform)} · {shown(report.account)}: followed {len(report.followed)}, "
            f"already followed {len(report.already)}, failed {len(report.failed)}",
            highlight=False,
        )
        for address, reason in report.failed:
            console.warn(f"{shown(address)}: {shown(reason)}")
        failed += len(report.failed)
    if failed:
        raise PartialError(f"{failed} follows failed.", hint="Run the same command again to try them again.")


@contacts_app.command("export")
def export(
    sheet: SheetArg,
    mastodon_csv: Annotated[
        Path | None,
        typer.Option("--mastodon-csv", help="Write Mastodon's following list (Import and export).", dir_okay=False),
    ] = None,
    handle_map: Annotated[
        Path | None,
        typer.Option("--handle-map", help="Write a handle map for `migrate --handle-map`.", dir_okay=False),
    ] = None,
) -> None:
    """From the reviewed sheet: Mastodon's following-list CSV and a handle map for migrate."""
    from quittex.contacts.exports import handle_map_csv, mastodon_following_csv, write_text
    from quittex.contacts.sheet import follow_targets

    if mastodon_csv is None and handle_map is None:
        raise BadInputError("Say what to write: --mastodon-csv FILE, --handle-map FILE, or both.")
    targets = follow_targets(sheet, list(PLATFORMS))
    if mastodon_csv is not None:
        write_text(mastodon_csv, mastodon_following_csv(targets))
        console.out.print(f"Wrote {shown(mastodon_csv)}: import it in Mastodon (Preferences → Import and export).")
    if handle_map is not None:
        write_text(handle_map, handle_map_csv(targets))
        console.out.print(f"Wrote {shown(handle_map)}: give it to quittex migrate --handle-map.")


def _connect(platforms: list[str], accounts: dict[str, str | None]) -> dict:
    """A publisher per platform, every missing login named before any look-up."""
    from quittex.migrate.targets import open_targets

    return open_targets(platforms, accounts)


def _confirm(yes: bool, question: str) -> None:
    console.confirm_or_stop(
        yes, question, unattended="Add --yes to follow without a terminal.", declined="No one was followed."
    )


@contextmanager
def _bar(label_text: str):
    """An on_progress(done, total) with the time left, on stderr at a terminal."""
    if not console.err.is_terminal:
        yield None
        return
    columns = (TextColumn(label_text), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console.err, transient=True) as progress:
        task = progress.add_task(label_text, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def register(app: typer.Typer) -> None:
    app.add_typer(contacts_app, name="contacts")
