"""`quittex profile`: the collective's name, bio, links and images on its new accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import AuthError, BadInputError
from quittex.i18n import N_, _, format_number
from quittex.platforms import PLATFORMS, label, parse_platforms

FIELDS = "Fields (override the archive and the project file)"


def profile(
    archive: Annotated[
        Path | None,
        typer.Argument(
            help="The X archive (zip or folder). Without it, everything comes from the project file.",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Platforms, comma-separated (default: the project file's, or both).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the new profiles (and, when logged in, today's) and change nothing.")
    ] = False,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put back the profiles as they were before quittex changed them.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="With --dry-run: do not read the accounts, even when logged in.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="With --dry-run: also write a page showing the profiles.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the bio and links (fr, en, es, it, de).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The display name.", rich_help_panel=FIELDS)] = None,
    bio: Annotated[
        str | None, typer.Option("--bio", help="The bio, as it should read.", rich_help_panel=FIELDS)
    ] = None,
    website: Annotated[str | None, typer.Option("--website", help="The website.", rich_help_panel=FIELDS)] = None,
    avatar: Annotated[
        Path | None, typer.Option("--avatar", help="An image for the avatar.", rich_help_panel=FIELDS, dir_okay=False)
    ] = None,
    banner: Annotated[
        Path | None,
        typer.Option("--banner", help="An image for the banner (header).", rich_help_panel=FIELDS, dir_okay=False),
    ] = None,
    no_avatar: Annotated[
        bool, typer.Option("--no-avatar", help="Leave the avatar as it is.", rich_help_panel=FIELDS)
    ] = False,
    no_banner: Annotated[
        bool, typer.Option("--no-banner", help="Leave the banner as it is.", rich_help_panel=FIELDS)
    ] = False,
    bot: Annotated[
        bool | None,
        typer.Option(
            "--bot/--no-bot",
            help="Mark the Mastodon account as automated (some instances ask it of accounts that import archives).",
            rich_help_panel=FIELDS,
            show_default=False,
        ),
    ] = None,
    pin: Annotated[
        bool | None,
        typer.Option(
            "--pin/--no-pin",
            help="Pin the introduction posted with `farewell --post` (default: yes).",
            rich_help_panel=FIELDS,
            show_default=False,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Change the profiles without asking.")] = False,
    bluesky_account: Annotated[
        str | None, typer.Option("--bluesky-account", help="Which logged-in Bluesky account, when several.")
    ] = None,
    mastodon_account: Annotated[
        str | None, typer.Option("--mastodon-account", help="Which logged-in Mastodon account, when several.")
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="Where quittex keeps its state.", file_okay=False)
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="The project file (default: ./quittex.toml).", dir_okay=False)
    ] = None,
) -> None:
    """Give the new accounts the collective's name, bio, links, avatar and banner, and pin its introduction."""
    from quittex.config import load_config, parse_language

    if restore and dry_run:
        raise BadInputError(_("--restore changes the profiles back: it does not go with --dry-run."))
    if (as_json or html) and not dry_run:
        raise BadInputError(_("--json and --html go with --dry-run: preview first, then apply."))
    project = load_config(config).merged({})
    platforms = parse_platforms(to or project.migrate.to or ",".join(PLATFORMS), option="--to")
    accounts = {"bluesky": bluesky_account, "mastodon": mastodon_account}
    if restore:
        _restore(platforms, accounts, state_dir, yes)
        return
    language = parse_language(lang) if lang else None
    if language is not None and language not in ("fr", "en", "es", "it", "de"):
        raise BadInputError(_("--lang: {value} is not one of fr, en, es, it, de.").format(value=repr(lang)))
    from quittex.profile.build import ProfileOverrides

    overrides = ProfileOverrides(
        display_name=name,
        bio=bio,
        website=_website(website),
        avatar=avatar,
        banner=banner,
        no_avatar=no_avatar,
        no_banner=no_banner,
        bot=bot,
        pin_intro=pin,
    )
    drafts, rebuild = _drafts(archive, project, platforms, language, overrides)
    if dry_run:
        _dry_run(drafts, rebuild, accounts, state_dir, offline=offline, as_json=as_json, html=html)
        return
    _apply(drafts, rebuild, accounts, state_dir, yes)


def _drafts(archive: Path | None, project, platforms: list[str], lang: str | None, overrides):
    """The drafts, and how to build one again with a server's own limits."""
    from quittex.archive.profile import read_x_profile
    from quittex.profile.build import build_profiles

    x_profile = read_x_profile(archive) if archive is not None else None

    def rebuild(platform_name: str, rules) -> object:
        [draft] = build_profiles(x_profile, project, [platform_name], lang=lang, overrides=overrides, rules=rules)
        return draft

    drafts = build_profiles(x_profile, project, platforms, lang=lang, overrides=overrides)
    return drafts, rebuild


def _website(value: str | None) -> str | None:
    from quittex.config import parse_web_url

    if value is None:
        return None
    try:
        return parse_web_url(value)
    except ValueError as error:
        raise BadInputError(_("--website: {reason}").format(reason=error)) from None


def _dry_run(drafts, rebuild, accounts, state_dir, *, offline: bool, as_json: bool, html: Path | None) -> None:
    from quittex.profile.run import preview_profile

    shown_drafts, outcomes = [], []
    for draft in drafts:
        outcome = None
        if not offline:
            publisher = _connect_if_logged_in(draft.platform, accounts.get(draft.platform))
            if publisher is not None:
                try:
                    draft, outcome = preview_profile(
                        draft,
                        publisher,
                        state_dir=state_dir,
                        rebuild=lambda rules, name=draft.platform: rebuild(name, {name: rules}),
                    )
                finally:
                    publisher.close()
        shown_drafts.append(draft)
        outcomes.append(outcome)
    if html is not None:
        from quittex.output.html import write_profile_preview

        write_profile_preview(html, shown_drafts, outcomes)
        console.info(_("Wrote {path}.").format(path=shown(html)))
    if as_json:
        console.print_json({"profiles": [_json(d, o) for d, o in zip(shown_drafts, outcomes, strict=True)]})
        return
    for draft, outcome in zip(shown_drafts, outcomes, strict=True):
        _render(draft, outcome)
    unchanged = _("Nothing was changed (dry run). Without --dry-run, quittex saves each profile first.")
    console.info(f"[dim]{unchanged}[/dim]")


def _connect_if_logged_in(platform_name: str, account: str | None):
    from quittex.platforms import platform

    try:
        return platform(platform_name).connect(account)
    except AuthError as error:
        message = _("{platform}: {reason} Showing the new profile only.").format(
            platform=label(platform_name), reason=shown(error.message)
        )
        console.info(f"[dim]{message}[/dim]")
        return None


def _apply(drafts, rebuild, accounts, state_dir, yes: bool) -> None:
    from quittex.profile.run import apply_profile

    for draft in drafts:
        _render(draft, None)
    _confirm(
        yes, _("Change the profiles on {platforms}?").format(platforms=", ".join(label(d.platform) for d in drafts))
    )
    for draft in drafts:
        outcome = apply_profile(
            draft,
            accounts.get(draft.platform),
            state_dir=state_dir,
            rebuild=lambda rules, name=draft.platform: rebuild(name, {name: rules}),
        )
        if outcome.saved_before:
            console.info(
                _("{platform}: the profile as it was is saved (--restore puts it back).").format(
                    platform=label(draft.platform)
                )
            )
        for note in outcome.notes:
            console.info(shown(note))
        if outcome.done:
            console.out.print(
                _("{platform} · {account}: changed {changes}").format(
                    platform=label(draft.platform), account=shown(outcome.account), changes=_changes(outcome.change)
                ),
                highlight=False,
            )


def _restore(platforms: list[str], accounts, state_dir, yes: bool) -> None:
    from quittex.profile.run import restore_profile

    question = _("Put back the profiles on {platforms} as they were before quittex?").format(
        platforms=", ".join(label(p) for p in platforms)
    )
    _confirm(yes, question)
    for name in platforms:
        outcome = restore_profile(name, accounts.get(name), state_dir=state_dir)
        console.out.print(
            _("{platform} · {account}: the profile is back as it was.").format(
                platform=label(name), account=shown(outcome.account)
            ),
            highlight=False,
        )


def _confirm(yes: bool, question: str) -> None:
    console.confirm_or_stop(
        yes,
        question,
        unattended=_("Add --yes to change the profiles without a terminal."),
        declined=_("Nothing was changed."),
    )


def _json(draft, outcome) -> dict:
    data = draft.to_json()
    data.update({"now": None, "changes": None, "account": None})
    if outcome is not None:
        data.update({k: v for k, v in outcome.to_json().items() if k in ("now", "changes", "account")})
    return data


def _render(draft, outcome) -> None:
    table = Table(
        title=_("{platform} profile").format(platform=label(draft.platform)), title_justify="left", show_lines=True
    )
    # Translators: the headers of the profile table: the field, its new value, where it comes from, today's value.
    table.add_column(_("Field"), style="bold")
    table.add_column(_("New"))
    table.add_column(_("From"), style="dim")
    now = outcome.current if outcome is not None else None
    if now is not None:
        # Translators: a header of the profile table: the value the profile has today.
        table.add_column(_("Now"), style="dim")
    for row in _rows(draft, now):
        table.add_row(*[shown(cell) for cell in row[: 4 if now is not None else 3]])
    console.out.print(table)
    if outcome is not None:
        console.out.print(
            _("Would change: {changes}").format(changes=_changes(outcome.change))
            if outcome.change.names()
            else _("Nothing to change: the profile says all this."),
            highlight=False,
        )
    for note in draft.notes:
        console.info("[dim]" + _("note:") + "[/dim] " + shown(note))


# What a change touches (ProfileChange.names(), identifiers), as the table names it.
_CHANGE_NAMES = {
    # Translators: the parts of a profile quittex changes, listed after "Would change:" / "changed".
    "display_name": N_("name"),
    "description": N_("bio"),
    "fields": N_("links"),
    "bot": N_("automated (bot)"),
    "avatar": N_("avatar"),
    "banner": N_("banner"),
    "pinned post": N_("pinned post"),
}


def _changes(change) -> str:
    return ", ".join(_(_CHANGE_NAMES[name]) if name in _CHANGE_NAMES else shown(name) for name in change.names())


def _rows(draft, now) -> list[tuple[str, str, str, str]]:
    def text(built) -> tuple[str, str]:
        if built.value is None:
            return _("(left as it is)"), built.source
        if built.shortened_from:
            # Translators: in the profile table's "From" column: where a text comes from, and its length before.
            source = _("{source} — shortened from {length}").format(
                source=built.source, length=format_number(built.shortened_from)
            )
            return built.value, source
        return built.value, built.source

    rows = [
        (_("Name"), *text(draft.display_name), now.display_name if now else ""),
        (_("Bio"), *text(draft.description), now.description if now else ""),
    ]
    if draft.fields is not None:
        listed = "\n".join(f"{n}: {v}" for n, v in draft.fields)
        rows.append((_("Links"), listed, _("quittex.toml [addresses], the X username"), _fields(now)))
    for kind, name, built in (("avatar", _("Avatar"), draft.avatar), ("banner", _("Banner"), draft.banner)):
        image = getattr(now, kind) if now else None
        current = "" if now is None else (_("none") if image is None or image.default else _("an image"))
        if built is None:
            rows.append((name, _("(left as it is)"), _("no image given"), current))
        else:
            rows.append((name, built.picture.describe(), built.source, current))
    if draft.bot is not None:
        rows.append((_("Automated (bot)"), _yes(draft.bot), "--bot / [profile] bot", _yes_no(now)))
    return rows


def _fields(now) -> str:
    return "\n".join(f"{n}: {v}" for n, v in now.fields) if now else ""


def _yes(value: bool) -> str:
    # Translators: in the profile table, whether the account is marked as automated.
    return _("yes") if value else _("no")


def _yes_no(now) -> str:
    if now is None or now.bot is None:
        return ""
    return _yes(now.bot)


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)
