"""`quittex migrate` without --dry-run: plan, confirm, publish with progress."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from quittex.cli import console
from quittex.errors import BadInputError, ExitCode, PartialError
from quittex.publish.runner import RunLimits, RunReport


@dataclass
class PublishRequest:
    archive: Path
    platforms: list[str]
    select_options: object
    rewrite_options: object
    yes: bool
    max_posts: int | None
    stop_after: str | None
    state_dir: Path | None
    bluesky_handle: str | None
    mastodon_account: str | None


def publish(request: PublishRequest) -> None:
    from quittex.archive import load_archive
    from quittex.cli import dry_run
    from quittex.cli.progress import archive_progress, next_stage
    from quittex.plan import plan_migration
    from quittex.publish.migration import PlatformJob, publish_all
    from quittex.publish.setup import migrated_ids, open_targets, with_platform_limits

    deadline = _deadline(request.stop_after)
    targets = open_targets(request.platforms, request.bluesky_handle, request.mastodon_account)
    try:
        options = with_platform_limits(request.rewrite_options, targets)  # type: ignore[arg-type]
        with archive_progress("Reading") as on_progress, load_archive(request.archive, on_progress) as archive:
            source = archive.account.account_id or archive.account.username
            done_before = migrated_ids(source, targets, request.state_dir)
            media_limits = {p: t.media_limits for p, t in targets.items()}
            plan = plan_migration(
                archive, request.platforms, request.select_options, options, done_before, media_limits,  # type: ignore[arg-type]
                on_progress=next_stage(on_progress, "Rewriting"),
            )  # fmt: skip
            console.err.print(dry_run.summary_table(plan))
            _confirm(plan, targets, request.yes)
            jobs = {p: PlatformJob(t.publisher, plan.platforms[p].drafts, t.media_limits) for p, t in targets.items()}
            limits = RunLimits(max_posts=request.max_posts)
            for target in targets.values():
                target.publisher.pacer.deadline = deadline
            with _ProgressDisplay(plan, targets) as display:
                try:
                    reports = publish_all(archive, jobs, limits=limits, state_dir=request.state_dir, on_progress=display.update)
                except KeyboardInterrupt:
                    display.stop()
                    console.err.print("[red]Interrupted.[/red] Every post sent so far is recorded: run the same command again to resume.")
                    raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    finally:
        for target in targets.values():
            target.close()
    _conclude(reports)


def _deadline(stop_after: str | None) -> float | None:
    if not stop_after:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", stop_after)
    if not match:
        raise BadInputError(f"--stop-after takes a duration like 90m, 2h or 1d, not {stop_after!r}.")
    seconds = float(match.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return time.time() + seconds


def _confirm(plan, targets, yes: bool) -> None:
    posts = ", ".join(f"{len(plan.platforms[p].drafts):,} to {t.label} on {p.capitalize()}" for p, t in targets.items())
    if yes:
        return
    if not sys.stdin.isatty():
        raise BadInputError(f"Ready to publish {posts}. Add --yes to publish without a terminal.")
    if not typer.confirm(f"Publish {posts}?", default=False, err=True):
        console.info("Nothing was published.")
        raise typer.Exit(int(ExitCode.OK))


class _ProgressDisplay:
    """One bar per platform: done/total, the tweet's date, rate-limit waits."""

    def __init__(self, plan, targets) -> None:
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"), TimeRemainingColumn(),
        )  # fmt: skip
        self.progress = Progress(*columns, console=console.err, disable=not console.err.is_terminal)
        self.tasks: dict[str, TaskID] = {
            p: self.progress.add_task(p.capitalize(), total=len(plan.platforms[p].drafts), status="")
            for p in targets
        }

    def __enter__(self) -> _ProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def stop(self) -> None:
        self.progress.stop()

    def update(self, state) -> None:
        status = f"{state.current.created_at:%Y-%m-%d}" if state.current else ""
        if state.waiting_seconds > 0:
            minutes, seconds = divmod(int(state.waiting_seconds), 60)
            status = f"waiting {minutes}:{seconds:02d} ({state.waiting_reason})"
        self.progress.update(self.tasks[state.platform], completed=state.done, status=status)


def _conclude(reports: dict[str, RunReport]) -> None:
    failed = 0
    for platform, report in reports.items():
        line = f"{platform.capitalize()}: {report.created:,} published, {report.already_done:,} already there"
        if report.failed:
            line += f", {report.failed:,} failed"
        if report.left:
            line += f", {report.left:,} left"
        console.out.print(line, highlight=False)
        for warning in report.media_warnings:
            console.warn(escape(warning))
        if report.stopped_because and report.stopped_because != "interrupted":
            reason = report.stopped_because.rstrip(".")
            console.info(f"{platform.capitalize()} stopped: {reason}. Run the same command again to continue.")
        failed += report.failed
    if failed:
        raise PartialError(f"{failed:,} posts failed.", hint="'quittex status' lists them with the platform's reasons; run migrate again to retry.")
