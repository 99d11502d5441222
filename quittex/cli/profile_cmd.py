"""`quittex profile`: the collective's name, bio, links and images on its new accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import AuthError, BadInputError
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
        raise BadInputError("--restore changes the profiles back: it does not go with --dry-run.")
    if (as_json or html) and not dry_run:
        raise BadInputError("--json and --html go with --dry-run: preview first, then apply.")
    project = load_config(config).merged({})
    platforms = parse_platforms(to or project.migrate.to or ",".join(PLATFORMS), option="--to")
    accounts = {"bluesky": bluesky_account, "mastodon": mastodon_account}
    if restore:
        _restore(platforms, accounts, state_dir, yes)
        return
    language = parse_language(lang) if lang else None
    if language is not None and language not in ("fr", "en", "es", "it", "de"):
        raise BadInputError(f"--lang: {lang!r} is not one of fr, en, es, it, de.")
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
        raise BadInputError(f"--website: {error}") from None


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
        console.info(f"Wrote {shown(html)}.")
    if as_json:
        console.print_json({"profiles": [_json(d, o) for d, o in zip(shown_drafts, outcomes, strict=True)]})
        return
    for draft, outcome in zip(shown_drafts, outcomes, strict=True):
        _render(draft, outcome)
    console.info("[dim]Nothing was changed (dry run). Without --dry-run, quittex saves each profile first.[/dim]")


def _connect_if_logged_in(platform_name: str, account: str | None):
    from quittex.platforms import platform

    try:
        return platform(platform_name).connect(account)
    except AuthError as error:
        console.info(f"[dim]{label(platform_name)}: {shown(error.message)} Showing the new profile only.[/dim]")
        return None


def _apply(drafts, rebuild, accounts, state_dir, yes: bool) -> None:
    from quittex.profile.run import apply_profile

    for draft in drafts:
        _render(draft, None)
    _confirm(yes, f"Change the profiles on {', '.join(label(d.platform) for d in drafts)}?")
    for draft in drafts:
        outcome = apply_profile(
            draft,
            accounts.get(draft.platform),
            state_dir=state_dir,
            rebuild=lambda rules, name=draft.platform: rebuild(name, {name: rules}),
        )
        if outcome.saved_before:
            console.info(f"{label(draft.platform)}: the profile as it was is saved (--restore puts it back).")
        for note in outcome.notes:
            console.info(shown(note))
        if outcome.done:
            console.out.print(
                f"{label(draft.platform)} · {shown(outcome.account)}: changed "
                + shown(", ".join(outcome.change.names())),
                highlight=False,
            )


def _restore(platforms: list[str], accounts, state_dir, yes: bool) -> None:
    from quittex.profile.run import restore_profile

    _confirm(yes, f"Put back the profiles on {', '.join(label(p) for p in platforms)} as they were before quittex?")
    for name in platforms:
        outcome = restore_profile(name, accounts.get(name), state_dir=state_dir)
        console.out.print(f"{label(name)} · {shown(outcome.account)}: the profile is back as it was.", highlight=False)


def _confirm(yes: bool, question: str) -> None:
    console.confirm_or_stop(
        yes,
        question,
        unattended="Add --yes to change the profiles without a terminal.",
        declined="Nothing was changed.",
    )


def _json(draft, outcome) -> dict:
    data = draft.to_json()
    data.update({"now": None, "changes": None, "account": None})
    if outcome is not None:
        data.update({k: v for k, v in outcome.to_json().items() if k in ("now", "changes", "account")})
    return data


def _render(draft, outcome) -> None:
    table = Table(title=f"{label(draft.platform)} profile", title_justify="left", show_lines=True)
    table.add_column("Field", style="bold")
    table.add_column("New")
    table.add_column("From", style="dim")
    now = outcome.current if outcome is not None else None
    if now is not None:
        table.add_column("Now", style="dim")
    for row in _rows(draft, now):
        table.add_row(*[shown(cell) for cell in row[: 4 if now is not None else 3]])
    console.out.print(table)
    if outcome is not None:
        names = outcome.change.names()
        console.out.print(
            f"Would change: {shown(', '.join(names))}" if names else "Nothing to change: the profile says all this.",
            highlight=False,
        )
    for note in draft.notes:
        console.info(f"[dim]note:[/dim] {shown(note)}")


def _rows(draft, now) -> list[tuple[str, str, str, str]]:
    def text(built) -> tuple[str, str]:
        if built.value is None:
            return "(left as it is)", built.source
        cut = f" — shortened from {built.shortened_from}" if built.shortened_from else ""
        return built.value, built.source + cut

    rows = [
        ("Name", *text(draft.display_name), now.display_name if now else ""),
        ("Bio", *text(draft.description), now.description if now else ""),
    ]
    if draft.fields is not None:
        listed = "\n".join(f"{n}: {v}" for n, v in draft.fields)
        rows.append(("Links", listed, "quittex.toml [addresses], the X username", _fields(now)))
    for kind, built in (("Avatar", draft.avatar), ("Banner", draft.banner)):
        image = getattr(now, kind.lower()) if now else None
        current = "" if now is None else ("none" if image is None or image.default else "an image")
        if built is None:
            rows.append((kind, "(left as it is)", "no image given", current))
        else:
            rows.append((kind, built.picture.describe(), built.source, current))
    if draft.bot is not None:
        rows.append(("Automated (bot)", "yes" if draft.bot else "no", "--bot / [profile] bot", _yes_no(now)))
    return rows


def _fields(now) -> str:
    return "\n".join(f"{n}: {v}" for n, v in now.fields) if now else ""


def _yes_no(now) -> str:
    if now is None or now.bot is None:
        return ""
    return "yes" if now.bot else "no"


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)
