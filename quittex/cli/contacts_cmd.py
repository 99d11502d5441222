"""`quittex contacts`: the collective's X network, found again on Bluesky and Mastodon.

quittex contacts ARCHIVE [--json]                     who, offline
quittex contacts find ARCHIVE --out contacts.csv       look for them (logged in)
quittex contacts follow contacts.csv [--dry-run]       follow the rows marked yes
quittex contacts export contacts.csv --mastodon-csv F --handle-map F
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from typer.core import TyperGroup

from quittex.cli import console
from quittex.cli.console import shown
from quittex.cli.progress import FOLLOWING, LOOKING_UP, READING, archive_progress, simple_bar
from quittex.errors import BadInputError, PartialError
from quittex.i18n import N_, _, format_day, format_number, ngettext
from quittex.platforms import PLATFORMS, label, parse_platforms


class _ListByDefault(TyperGroup):
    """`quittex contacts ARCHIVE` is `quittex contacts list ARCHIVE`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
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

    with archive_progress(READING):
        contacts = read_contacts(archive)
    if as_json:
        console.print_json(contacts.to_json())
        return
    _render_contacts(contacts, top)


def _render_contacts(contacts, top: int) -> None:
    out = console.out
    named = contacts.named
    out.print(
        ngettext(
            "{count} account named by the tweets · following {following} · followers {followers}",
            "{count} accounts named by the tweets · following {following} · followers {followers}",
            len(named),
        ).format(
            count=format_number(len(named)),
            following=format_number(contacts.following_count),
            followers=format_number(contacts.follower_count),
        ),
        highlight=False,
    )
    table = Table(show_edge=False)
    table.add_column(_("X account"), no_wrap=True)
    table.add_column(_("Name"), overflow="fold")
    # Translators: column header: whether the collective follows the account, is followed by it, or both.
    table.add_column(_("Relation"), no_wrap=True)
    table.add_column(_("Talked with"), overflow="fold")
    # Translators: column header: the day of the last exchange with the account.
    table.add_column(_("Last"), no_wrap=True)
    for contact in named[:top]:
        last = contact.last_interaction
        relation = _RELATIONS.get(contact.relation)
        table.add_row(
            shown(f"@{contact.screen_name}"),
            shown(contact.display_name or ""),
            _(relation) if relation else shown(contact.relation or "—"),
            _talks(contact),
            format_day(last) if last else "",
        )
    out.print(table)
    if len(named) > top:
        out.print(
            ngettext(
                "… and {count} more (--top N, or --json for all).",
                "… and {count} more (--top N, or --json for all).",
                len(named) - top,
            ).format(count=format_number(len(named) - top)),
            highlight=False,
        )
    unnamed = contacts.unnamed_following
    if unnamed:
        out.print(
            "\n"
            + ngettext(
                "{count} of the {following} accounts followed has no name in the archive: "
                "open this link (logged in to X) to see who it is.",
                "{count} of the {following} accounts followed have no name in the archive: "
                "open these links (logged in to X) to see who they are.",
                len(unnamed),
            ).format(count=format_number(len(unnamed)), following=format_number(contacts.following_count)),
            highlight=False,
        )
        for contact in unnamed[:top]:
            out.print(contact.x_url, highlight=False, soft_wrap=True)
        if len(unnamed) > top:
            out.print(
                ngettext(
                    "… and {count} more (--json lists them all).",
                    "… and {count} more (--json lists them all).",
                    len(unnamed) - top,
                ).format(count=format_number(len(unnamed) - top)),
                highlight=False,
            )
    for note in contacts.notes:
        console.info("[dim]" + _("note:") + "[/dim] " + shown(note))


_RELATIONS = {
    # Translators: in the contacts table: the collective and the account follow each other.
    "mutual": N_("mutual"),
    # Translators: in the contacts table: the collective follows the account.
    "following": N_("following"),
    # Translators: in the contacts table: the account follows the collective.
    "follower": N_("follower"),
}


def _talks(contact) -> str:
    """ "3: 2 replies, 1 quote"."""
    kinds = (
        (contact.mentions, ngettext("{count} mention", "{count} mentions", contact.mentions)),
        (contact.replies, ngettext("{count} reply", "{count} replies", contact.replies)),
        (contact.retweets, ngettext("{count} retweet", "{count} retweets", contact.retweets)),
        (contact.quotes, ngettext("{count} quote", "{count} quotes", contact.quotes)),
    )
    parts = [form.format(count=format_number(count)) for count, form in kinds if count]
    if not parts:
        return format_number(0)
    # Translators: the exchanges with a contact: their total, then the kinds ("3: 2 replies, 1 quote").
    return _("{total}: {kinds}").format(total=format_number(contact.interactions), kinds=", ".join(parts))


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
        raise BadInputError(_("--delimiter takes ';', ',' or a tab."))
    platforms = parse_platforms(to or ",".join(PLATFORMS), option="--to")
    known = _known(handle_map)
    with archive_progress(READING):
        contacts = read_contacts(archive)
    publishers = _connect(platforms, {"bluesky": bluesky_account, "mastodon": mastodon_account})
    try:
        with simple_bar(LOOKING_UP) as on_progress:
            found = find_contacts(contacts, publishers, known=known, state_dir=state_dir, on_progress=on_progress)
    finally:
        for publisher in publishers.values():
            publisher.close()
    write_contacts_sheet(out, found, platforms, delimiter)
    marked = sum(1 for item in found if item.prefilled_follow())
    with_candidate = sum(1 for item in found if any(item.candidates.values()))
    counts = ", ".join(
        (
            ngettext("{count} contact", "{count} contacts", len(found)).format(count=format_number(len(found))),
            ngettext("{count} with a candidate", "{count} with a candidate", with_candidate).format(
                count=format_number(with_candidate)
            ),
            ngettext(
                "{count} marked to follow (strong evidence only)",
                "{count} marked to follow (strong evidence only)",
                marked,
            ).format(count=format_number(marked)),
        )
    )
    console.out.print(_("Wrote {path}: {counts}.").format(path=shown(out), counts=counts), highlight=False)
    console.info(
        _("Review the sheet (the follow column), then: {command}").format(
            command="quittex contacts follow " + shown(out)
        )
    )


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
    summary = ", ".join(
        # Translators: one item of "Would follow …" / "Follow …?": a number of accounts and a platform.
        _("{count} on {platform}").format(count=format_number(counts[name]), platform=label(name))
        for name in platforms
    )
    if dry_run:
        for target in targets:
            console.out.print(f"{label(target.platform)}: {shown(target.address)}", highlight=False)
        console.out.print(
            _("Would follow {summary}. Nothing was done (dry run).").format(summary=summary), highlight=False
        )
        return
    if not targets:
        console.out.print(_("No row of the sheet is marked to follow: nothing to do."), highlight=False)
        return
    _confirm(yes, _("Follow {summary}?").format(summary=summary))
    publishers = _connect(
        [n for n in platforms if counts[n]], {"bluesky": bluesky_account, "mastodon": mastodon_account}
    )
    try:
        with simple_bar(FOLLOWING) as on_progress:
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
            _("{platform} · {account}: followed {followed}, already followed {already}, failed {failed}").format(
                platform=label(report.platform),
                account=shown(report.account),
                followed=format_number(len(report.followed)),
                already=format_number(len(report.already)),
                failed=format_number(len(report.failed)),
            ),
            highlight=False,
        )
        for address, reason in report.failed:
            console.warn(f"{shown(address)}: {shown(reason)}")
        failed += len(report.failed)
    if failed:
        raise PartialError(
            ngettext("{count} follow failed.", "{count} follows failed.", failed).format(count=format_number(failed)),
            hint=_("Run the same command again to try them again."),
        )


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
        raise BadInputError(_("Say what to write: --mastodon-csv FILE, --handle-map FILE, or both."))
    targets = follow_targets(sheet, list(PLATFORMS))
    if mastodon_csv is not None:
        write_text(mastodon_csv, mastodon_following_csv(targets))
        console.out.print(
            _("Wrote {path}: import it in Mastodon (Preferences → Import and export).").format(path=shown(mastodon_csv))
        )
    if handle_map is not None:
        write_text(handle_map, handle_map_csv(targets))
        console.out.print(_("Wrote {path}: give it to quittex migrate --handle-map.").format(path=shown(handle_map)))


def _connect(platforms: list[str], accounts: dict[str, str | None]) -> dict:
    """A publisher per platform, every missing login named before any look-up."""
    from quittex.migrate.targets import open_targets

    return open_targets(platforms, accounts)


def _confirm(yes: bool, question: str) -> None:
    console.confirm_or_stop(
        yes,
        question,
        unattended=_("Add --yes to follow without a terminal."),
        declined=_("No one was followed."),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(contacts_app, name="contacts")
