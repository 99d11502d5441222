"""Rendering a migration plan: terminal preview, JSON Lines, HTML page."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from rich.panel import Panel
from rich.table import Table

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import QuittexError
from quittex.migrate.plan import MigrationPlan, PlatformPlan
from quittex.platforms import label as platform_label
from quittex.publish.estimate import human_duration
from quittex.rewrite.draft import Draft

_MEDIA_ICONS = {"photo": "🖼", "video": "🎞", "animated_gif": "🎞 GIF"}


def json_lines(plan: MigrationPlan) -> None:
    """One JSON object per post that would be created, in posting order."""
    from quittex.output.json_lines import write_plan

    out = binary_stdout()
    write_plan(plan, out)
    out.flush()


def binary_stdout():
    """Bytes straight to stdout's binary layer when there is one: no decoding."""
    sys.stdout.flush()
    return getattr(sys.stdout, "buffer", None) or _TextAsBinary(sys.stdout)


class _TextAsBinary:
    """A text stream taking UTF-8 bytes (a stdout replaced by a StringIO)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        # Bytes may arrive cut inside a character (a copy by blocks).
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> None:
        self.stream.write(self.decoder.decode(data))

    def flush(self) -> None:
        self.stream.write(self.decoder.decode(b"", final=True))
        self.stream.flush()


def terminal(plan: MigrationPlan, username: str, show: int) -> None:
    for platform_plan in plan.platforms.values():
        _posts(platform_plan, username, show)
    console.out.print(summary_table(plan))
    console.out.print("[dim]Nothing was published (dry run).[/dim]")


def _posts(platform_plan: PlatformPlan, username: str, show: int) -> None:
    name = platform_label(platform_plan.platform)
    console.out.rule(f"[bold]{name}[/bold]: {len(platform_plan.drafts)} posts")
    depth: dict[tuple[str, int], int] = {}
    for index, draft in enumerate(platform_plan.drafts):
        parent = (draft.parent.tweet_id, draft.parent.part) if draft.parent else None
        depth[(draft.tweet_id, draft.part)] = min(depth.get(parent, -1) + 1, 1) if parent else 0
        if index < show:
            console.out.print(_post_panel(draft, depth[(draft.tweet_id, draft.part)], username))
    hidden = len(platform_plan.drafts) - show
    if hidden > 0:
        console.out.print(
            f"[dim]… and {hidden:,} more {name} posts (see them all with --json or --preview FILE.html)[/dim]"
        )


def _post_panel(draft: Draft, depth: int, username: str) -> Panel:
    lines = [shown(draft.text)]
    for media in draft.media:
        alt = f" — alt: {shown(media.alt)}" if media.alt else " [yellow](no alt text)[/yellow]"
        lines.append(f"{_MEDIA_ICONS.get(media.kind, media.kind)} {shown(media.path)}{alt}")
    for link in draft.links_to_migrated:
        lines.append(f"[cyan]↪ {shown(link.url)}: will link to the migrated post[/cyan]")
    card_url = getattr(draft, "card_url", None)
    if card_url:
        lines.append(_card_line(card_url, getattr(draft, "card_preview", None)))
    quote = draft.embedded_quote
    if quote is not None:
        lines.append(f"[cyan]↪ quotes your tweet {quote.tweet_id}: will embed the migrated post[/cyan]")
    labels = draft.self_labels
    if labels:
        lines.append(f"[bold]label: {', '.join(labels)}[/bold]")
    for warning in draft.warnings:
        lines.append(f"[yellow]⚠ {shown(warning.message)}[/yellow]")
    part = f" · part {draft.part + 1}/{draft.parts}" if draft.parts > 1 else ""
    reply = " · ↳ reply" if draft.parent else ""
    title = f"{draft.created_at:%Y-%m-%d %H:%M} · tweet {draft.tweet_id}{part}{reply}"
    spoiler = draft.content_warning
    if spoiler:
        lines.insert(0, f"[bold]CW: {shown(spoiler)}[/bold]")
    panel = Panel("\n".join(lines), title=title, title_align="left", border_style="blue" if depth == 0 else "dim")
    panel.padding = (0, 1)
    if depth:
        from rich.padding import Padding

        return Padding(panel, (0, 0, 0, 4))  # type: ignore[return-value]
    return panel


def _card_line(url: str, preview: dict | None) -> str:
    if preview is None:
        return f"[cyan]🔗 card of {shown(url)}: fetched when published (--link-cards shows it now)[/cyan]"
    if not preview.get("fetched"):
        return f"[yellow]🔗 no card for {shown(url)}: {shown(preview.get('reason', ''))}[/yellow]"
    picture = " · with its picture" if preview.get("thumb") else ""
    return f"[cyan]🔗 card: {shown(preview['title'])}{picture}[/cyan]"


def summary_table(plan: MigrationPlan) -> Table:
    table = Table(title=f"Migration plan: {plan.tweets:,} tweets selected", title_justify="left")
    table.add_column("")
    for platform in plan.platforms:
        table.add_column(platform_label(platform), justify="right")
    rows = [
        ("Posts", lambda p: f"{len(p.drafts):,}"),
        ("Threads and single posts", lambda p: f"{p.threads:,}"),
        ("Media", lambda p: f"{p.media_count:,}"),
        ("  without alt text", lambda p: f"{p.missing_alt_text:,}"),
        ("Videos over the limits, linked to X", lambda p: f"{p.linked_videos:,}"),
        ("Tweets split into several posts", lambda p: f"{p.split_tweets:,}"),
        ("Posts with a link card", lambda p: f"{sum(1 for d in p.drafts if getattr(d, 'card_url', None)):,}"),
        ("Warnings", lambda p: f"{p.warnings:,}"),
        ("Publishing time (rate limits)", lambda p: human_duration(p.estimate.duration)),
        ("  paced by", lambda p: p.estimate.bound_by),
    ]
    for label, value in rows:
        table.add_row(label, *(value(p) for p in plan.platforms.values()))
    for reason, count in sorted(plan.selection.skipped.items()):
        table.add_row(f"Left out: {reason}", *(f"{count:,}" for _ in plan.platforms))
    reasons = sorted({r for p in plan.platforms.values() for r in p.skipped})
    for reason in reasons:
        table.add_row(f"Not posted: {reason}", *(f"{p.skipped.get(reason, 0):,}" for p in plan.platforms.values()))
    return table


def write_preview(archive, plan: MigrationPlan, target: Path, project=None) -> None:
    from quittex.output.html import write_preview as write_page

    write_page(archive, plan, target, profiles=_profiles(archive, plan, project) if project else None)
    console.info(f"Preview written to {target} — open it in any browser.")


def _profiles(archive, plan: MigrationPlan, project):
    """The new profiles, on top of the preview; left out (with a word) when the
    archive's profile cannot be used, which `quittex profile` explains."""
    from quittex.archive.profile import profile_of
    from quittex.profile.build import build_profiles

    try:
        return build_profiles(profile_of(archive), project, list(plan.platforms), lang=project.collective.language)
    except QuittexError as error:
        console.warn(f"The new profiles are left out of the preview: {shown(error.message)}")
        return None
