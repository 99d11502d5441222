"""`quittex migrate` without --dry-run: plan, confirm, publish with progress."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import BadInputError, ExitCode, PartialError
from quittex.i18n import _, format_day, format_number, ngettext
from quittex.migrate.select import SelectOptions
from quittex.platforms import label as platform_label
from quittex.publish.runner import RunReport
from quittex.rewrite.options import RewriteOptions


@dataclass
class PublishRequest:
    archive: Path
    platforms: list[str]
    select_options: SelectOptions
    rewrite_options: RewriteOptions
    yes: bool
    max_posts: int | None
    stop_after: str | None
    state_dir: Path | None
    accounts: dict[str, str | None]
    allow_private_links: bool = False


def publish(request: PublishRequest) -> None:
    """Conduct the run (quittex.migrate.run_migration) with a terminal around it."""
    from quittex.cli.progress import READING, archive_progress
    from quittex.migrate import RunSettings, run_migration

    settings = RunSettings(
        max_posts=request.max_posts,
        deadline=_deadline(request.stop_after),
        state_dir=request.state_dir,
        allow_private_links=request.allow_private_links,
    )
    display = _ProgressDisplay()
    with archive_progress(READING) as stages:
        try:
            outcome = run_migration(
                request.archive,
                request.platforms,
                request.select_options,
                request.rewrite_options,
                accounts=request.accounts,
                settings=settings,
                confirm=lambda plan, targets: _confirm(plan, targets, request.yes, stages, display),
                on_stage=lambda name: stages.stage(name) if stages is not None else None,
                on_progress=display.update,
            )
        except KeyboardInterrupt:
            display.stop()
            interrupted = _("Interrupted.")
            recorded = _("Every post sent so far is recorded: run the same command again to resume.")
            console.err.print(f"[red]{interrupted}[/red] {recorded}")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        finally:
            display.stop()
    if not outcome.published:
        console.info(_("Nothing was published."))
        raise typer.Exit(int(ExitCode.OK))
    _conclude(outcome.reports)


def _deadline(stop_after: str | None) -> float | None:
    if not stop_after:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", stop_after)
    if not match:
        raise BadInputError(
            _("--stop-after takes a duration like 90m, 2h or 1d, not {value}.").format(value=repr(stop_after))
        )
    seconds = float(match.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return time.time() + seconds


def _confirm(plan, targets, yes: bool, stages, display: _ProgressDisplay) -> bool:
    """Show the plan; unless --yes, ask. Then the publishing bars take over."""
    from quittex.cli import dry_run

    if stages is not None:
        stages.progress.stop()  # the reading bar gives way to the plan and the question
    console.err.print(dry_run.summary_table(plan))
    posts = ", ".join(
        # Translators: one item of "Publish …?": a number of posts, the account, the platform.
        _("{count} to {account} on {platform}").format(
            count=format_number(len(plan.platforms[p].drafts)), account=t.label, platform=platform_label(p)
        )
        for p, t in targets.items()
    )
    if not yes:
        if not sys.stdin.isatty():
            raise BadInputError(
                _("Ready to publish {posts}. Add --yes to publish without a terminal.").format(posts=posts)
            )
        if not console.confirm(_("Publish {posts}?").format(posts=posts)):
            return False
    display.start(plan, targets)
    return True


class _ProgressDisplay:
    """One bar per platform: done/total, the tweet's date, rate-limit waits."""

    def __init__(self) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeRemainingColumn(),
        )
        self.progress = Progress(*columns, console=console.err, disable=not console.err.is_terminal)
        self.tasks: dict[str, TaskID] = {}

    def start(self, plan, targets) -> None:
        for p in targets:
            self.tasks[p] = self.progress.add_task(platform_label(p), total=len(plan.platforms[p].drafts), status="")
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def update(self, state) -> None:
        status = format_day(state.current.created_at) if state.current else ""
        if state.waiting_seconds > 0:
            minutes, seconds = divmod(int(state.waiting_seconds), 60)
            # Translators: in the publishing bar; {time} is minutes:seconds, {reason} why quittex waits.
            status = _("waiting {time} ({reason})").format(
                time=f"{minutes}:{seconds:02d}", reason=shown(state.waiting_reason)
            )
        self.progress.update(self.tasks[state.platform], completed=state.done, status=status)


def _conclude(reports: dict[str, RunReport]) -> None:
    failed = 0
    for platform, report in reports.items():
        name = platform_label(platform)
        counts = [
            # Translators: the counts after a run, "Bluesky: 3 published, 11 already there, 1 failed, 2 left".
            ngettext("{count} published", "{count} published", report.created).format(
                count=format_number(report.created)
            ),
            ngettext("{count} already there", "{count} already there", report.already_done).format(
                count=format_number(report.already_done)
            ),
        ]
        if report.failed:
            counts.append(
                ngettext("{count} failed", "{count} failed", report.failed).format(count=format_number(report.failed))
            )
        if report.left:
            counts.append(
                ngettext("{count} left", "{count} left", report.left).format(count=format_number(report.left))
            )
        shown_counts = ", ".join(counts)
        # Translators: a platform's name, then the counts of its run (punctuate the colon as your language does).
        console.out.print(_("{platform}: {counts}").format(platform=name, counts=shown_counts), highlight=False)
        for warning in report.media_warnings:
            console.warn(shown(warning))
        if report.cards_missing:
            missing = len(report.cards_missing)
            examples = "; ".join(f"{url}: {why}" for url, why in list(report.cards_missing.items())[:3])
            more = ""
            if missing > 3:
                more = " " + ngettext("(and {count} more)", "(and {count} more)", missing - 3).format(
                    count=format_number(missing - 3)
                )
            console.info(
                # Translators: the English says "links" even for one (a test reads it); use your singular.
                ngettext(
                    "{platform}: {count} links got no card, their posts went out without one: {examples}",
                    "{platform}: {count} links got no card, their posts went out without one: {examples}",
                    missing,
                ).format(platform=name, count=format_number(missing), examples=shown(examples))
                + more
            )
        if report.stopped_because and report.stopped_because != "interrupted":
            reason = report.stopped_because.rstrip(".")
            console.info(
                _("{platform} stopped: {reason}. Run the same command again to continue.").format(
                    platform=name, reason=shown(reason)
                )
            )
        failed += report.failed
    if failed:
        raise PartialError(
            ngettext("{count} post failed.", "{count} posts failed.", failed).format(count=format_number(failed)),
            hint=_("'quittex status' lists them with the platform's reasons; run migrate again to retry."),
        )
