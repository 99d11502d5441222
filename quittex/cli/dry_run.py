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
from quittex.i18n import N_, Nn_, _, counted, format_list, format_number, ngettext
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


def terminal(plan: MigrationPlan, username: str, show: int, archive: str = "ARCHIVE") -> None:
    for platform_plan in plan.platforms.values():
        _posts(platform_plan, username, show)
    console.out.print(summary_table(plan))
    said = _("Nothing was published (dry run).")
    console.out.print(f"[dim]{said}[/dim]")
    _alt_text_hint(plan, archive)


def _alt_text_hint(plan: MigrationPlan, archive: str) -> None:
    """Media without a description: the way to write them, as a command."""
    missing = max((p.missing_alt_text for p in plan.platforms.values()), default=0)
    if not missing:
        return
    console.info(
        ngettext(
            "{count} photo, GIF or video has no alt text. Write them in a sheet: "
            "quittex alt-text export {archive} --to alt-text.csv, then migrate with --alt-text alt-text.csv "
            "(or on the review page: --preview preview.html).",
            "{count} photos, GIFs and videos have no alt text. Write them in a sheet: "
            "quittex alt-text export {archive} --to alt-text.csv, then migrate with --alt-text alt-text.csv "
            "(or on the review page: --preview preview.html).",
            missing,
        ).format(count=format_number(missing), archive=shown(archive))
    )


def _posts(platform_plan: PlatformPlan, username: str, show: int) -> None:
    name = platform_label(platform_plan.platform)
    count = len(platform_plan.drafts)
    console.out.rule(
        ngettext("[bold]{platform}[/bold]: {count} post", "[bold]{platform}[/bold]: {count} posts", count).format(
            platform=name, count=format_number(count)
        )
    )
    depth: dict[tuple[str, int], int] = {}
    for index, draft in enumerate(platform_plan.drafts):
        parent = (draft.parent.tweet_id, draft.parent.part) if draft.parent else None
        depth[(draft.tweet_id, draft.part)] = min(depth.get(parent, -1) + 1, 1) if parent else 0
        if index < show:
            console.out.print(_post_panel(draft, depth[(draft.tweet_id, draft.part)], username))
    hidden = len(platform_plan.drafts) - show
    if hidden > 0:
        more = ngettext(
            "… and {count} more {platform} post (see them all with --json or --preview FILE.html)",
            "… and {count} more {platform} posts (see them all with --json or --preview FILE.html)",
            hidden,
        ).format(count=format_number(hidden), platform=name)
        console.out.print(f"[dim]{more}[/dim]")


def _post_panel(draft: Draft, depth: int, username: str) -> Panel:
    lines = [shown(draft.text)]
    for media in draft.media:
        if media.alt:
            alt = " — " + _("alt: {text}").format(text=shown(media.alt))
        else:
            no_alt = _("no alt text")
            alt = f" [yellow]({no_alt})[/yellow]"
        lines.append(f"{_MEDIA_ICONS.get(media.kind, media.kind)} {shown(media.path)}{alt}")
    for link in draft.links_to_migrated:
        said = _("{url}: will link to the migrated post").format(url=shown(link.url))
        lines.append(f"[cyan]↪ {said}[/cyan]")
    card_url = getattr(draft, "card_url", None)
    if card_url:
        lines.append(_card_line(card_url, getattr(draft, "card_preview", None)))
    quote = draft.embedded_quote
    if quote is not None:
        said = _("quotes your tweet {id}: will embed the migrated post").format(id=quote.tweet_id)
        lines.append(f"[cyan]↪ {said}[/cyan]")
    labels = draft.self_labels
    if labels:
        said = _("label: {labels}").format(labels=", ".join(labels))
        lines.append(f"[bold]{said}[/bold]")
    for warning in draft.warnings:
        lines.append(f"[yellow]⚠ {shown(warning.message)}[/yellow]")
    part = ""
    if draft.parts > 1:
        part = " · " + _("part {number}/{total}").format(number=draft.part + 1, total=draft.parts)
    reply = " · ↳ " + _("reply") if draft.parent else ""
    tweet = _("tweet {id}").format(id=draft.tweet_id)
    title = f"{draft.created_at:%Y-%m-%d %H:%M} · {tweet}{part}{reply}"
    spoiler = draft.content_warning
    if spoiler:
        # Translators: a content warning, as Mastodon shows it.
        said = _("CW: {text}").format(text=shown(spoiler))
        lines.insert(0, f"[bold]{said}[/bold]")
    panel = Panel("\n".join(lines), title=title, title_align="left", border_style="blue" if depth == 0 else "dim")
    panel.padding = (0, 1)
    if depth:
        from rich.padding import Padding

        return Padding(panel, (0, 0, 0, 4))  # type: ignore[return-value]
    return panel


def _card_line(url: str, preview: dict | None) -> str:
    if preview is None:
        said = _("card of {url}: fetched when published (--link-cards shows it now)").format(url=shown(url))
        return f"[cyan]🔗 {said}[/cyan]"
    if not preview.get("fetched"):
        said = _("no card for {url}: {reason}").format(url=shown(url), reason=shown(preview.get("reason", "")))
        return f"[yellow]🔗 {said}[/yellow]"
    picture = " · " + _("with its picture") if preview.get("thumb") else ""
    said = _("card: {title}").format(title=shown(preview["title"]))
    return f"[cyan]🔗 {said}{picture}[/cyan]"


_SUMMARY_ROWS = (
    (N_("Posts"), lambda p: format_number(len(p.drafts))),
    (N_("Threads and single posts"), lambda p: format_number(p.threads)),
    (N_("Media"), lambda p: format_number(p.media_count)),
    (N_("  without alt text"), lambda p: format_number(p.missing_alt_text)),
    (N_("Videos over the limits, linked to X"), lambda p: format_number(p.linked_videos)),
    (N_("Tweets split into several posts"), lambda p: format_number(p.split_tweets)),
    (N_("Posts with a link card"), lambda p: format_number(sum(1 for d in p.drafts if getattr(d, "card_url", None)))),
    (N_("Warnings"), lambda p: format_number(p.warnings)),
    (N_("Publishing time (rate limits)"), lambda p: human_duration(p.estimate.duration)),
    # Translators: the row under "Publishing time": what sets the pace (a rate limit's name).
    (N_("  paced by"), lambda p: p.estimate.bound_by),
)


def summary_table(plan: MigrationPlan) -> Table:
    title = ngettext(
        "Migration plan: {count} tweet selected", "Migration plan: {count} tweets selected", plan.tweets
    ).format(count=format_number(plan.tweets))
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for platform in plan.platforms:
        table.add_column(platform_label(platform), justify="right")
    for label, value in _SUMMARY_ROWS:
        table.add_row(_(label), *(value(p) for p in plan.platforms.values()))
    for reason, count in sorted(plan.selection.skipped.items()):
        # Translators: a row of the plan: "Left out: retweet" (the reason is translated on its own).
        table.add_row(_("Left out: {reason}").format(reason=reason), *(format_number(count) for _p in plan.platforms))
    reasons = sorted({r for p in plan.platforms.values() for r in p.skipped})
    for reason in reasons:
        table.add_row(
            _("Not posted: {reason}").format(reason=reason),
            *(format_number(p.skipped.get(reason, 0)) for p in plan.platforms.values()),
        )
    if plan.selection.review is not None:
        warnings, notes = review_notes(plan.selection.review)
        table.caption = "\n".join(notes + warnings)
        table.caption_justify = "left"
    return table


def review_notes(report) -> tuple[list[str], list[str]]:
    """(warnings, notes) on what a review did: what it changed, and what it
    could not change (tweets not in the archive, not selected, already published)."""
    warnings, notes = [], []
    if report.unknown:
        warnings.append(
            counted(
                Nn_(
                    "{count} tweet of the review is not in this archive: it is ignored.",
                    "{count} tweets of the review are not in this archive: they are ignored.",
                ),
                report.unknown,
            )
        )
    if report.published_unchanged:
        warnings.append(
            counted(
                Nn_(
                    "{count} tweet already published is not changed by the review.",
                    "{count} tweets already published are not changed by the review.",
                ),
                report.published_unchanged,
            )
        )
    if report.not_selected:
        notes.append(
            counted(
                Nn_(
                    "{count} tweet of the review is not in this selection: a review cannot bring it in.",
                    "{count} tweets of the review are not in this selection: a review cannot bring them in.",
                ),
                report.not_selected,
            )
        )
    shown_changes = [
        counted(Nn_("{count} tweet left out", "{count} tweets left out"), report.left_out),
        counted(Nn_("{count} tweet edited", "{count} tweets edited"), report.edited),
        counted(Nn_("{count} alt text written", "{count} alt texts written"), report.alt_texts),
    ]
    # Translators: "The review (quittex-review.json): 2 tweets left out, 1 tweet edited and 3 alt texts written."
    said = _("The review ({files}): {changes}.").format(files=report.source, changes=format_list(shown_changes))
    notes.insert(0, said)
    return warnings, notes


def write_preview(archive, plan: MigrationPlan, target: Path, project=None) -> None:
    from quittex.output.html import write_preview as write_page

    write_page(archive, plan, target, profiles=_profiles(archive, plan, project) if project else None)
    console.info(_("Preview written to {path} — open it in any browser.").format(path=target))
    console.info(
        _(
            "Review the tweets there, save your review, then run the dry run again with --review {file} "
            "to see the exact posts."
        ).format(file="quittex-review.json")
    )


def _profiles(archive, plan: MigrationPlan, project):
    """The new profiles, on top of the preview; left out (with a word) when the
    archive's profile cannot be used, which `quittex profile` explains."""
    from quittex.archive.profile import profile_of
    from quittex.profile.build import build_profiles

    try:
        return build_profiles(profile_of(archive), project, list(plan.platforms), lang=project.collective.language)
    except QuittexError as error:
        console.warn(_("The new profiles are left out of the preview: {reason}").format(reason=shown(error.message)))
        return None
