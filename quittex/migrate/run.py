"""A whole migration, conducted: log in, read, plan with the servers' limits,
confirm, publish every platform at once, report.

The caller (the command line, a script) brings the options and callbacks:
`confirm(plan, targets)` decides whether to go on once the plan is known
(the CLI shows it and asks), the progress callbacks follow reading,
rewriting and publishing. Nothing here prints or prompts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from quittex.archive import Archive, load_archive
from quittex.migrate.plan import MigrationPlan, plan_migration
from quittex.migrate.review import Published
from quittex.migrate.select import SelectOptions
from quittex.migrate.targets import close_targets, migrated_ids, open_targets, with_server_limits
from quittex.platforms import PlatformName
from quittex.platforms import platform as platform_spec
from quittex.publish.base import Publisher
from quittex.publish.journal import Journal, journal_path
from quittex.publish.migration import PlatformJob, publish_all
from quittex.publish.runner import Progress, RunLimits, RunReport
from quittex.rewrite.options import RewriteOptions

# (done, total, what): reading the archive, then rewriting its tweets.
StageCallback = Callable[[int, int, str], None]
ConfirmCallback = Callable[[MigrationPlan, Mapping[PlatformName, Publisher]], bool]


@dataclass
class RunSettings:
    """How long and how far one run goes; everything else is in the plan."""

    max_posts: int | None = None  # posts to create per platform in this run
    deadline: float | None = None  # epoch seconds: stop cleanly before waiting past it
    state_dir: Path | None = None  # where the journals are (default: quittex's home)
    stop: threading.Event = field(default_factory=threading.Event)  # set it to stop after the request in flight
    # Link cards may fetch pages on private and loopback addresses (tests,
    # intranets; QUITTEX_ALLOW_PRIVATE_LINKS=1 does it too).
    allow_private_links: bool = False


@dataclass
class MigrationOutcome:
    plan: MigrationPlan
    reports: dict[PlatformName, RunReport] = field(default_factory=dict)
    published: bool = False  # False: `confirm` said no, nothing was sent

    @property
    def failed(self) -> int:
        return sum(report.failed for report in self.reports.values())


def run_migration(
    archive: Path | str | Archive,
    platforms: Sequence[PlatformName],
    select_options: SelectOptions | None = None,
    rewrite_options: RewriteOptions | None = None,
    *,
    accounts: Mapping[PlatformName, str | None] | None = None,
    targets: Mapping[PlatformName, Publisher] | None = None,
    settings: RunSettings | None = None,
    confirm: ConfirmCallback | None = None,
    on_stage: Callable[[str], StageCallback | None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> MigrationOutcome:
    """Publish the archive's selected tweets to `platforms`, resuming where
    an earlier run stopped. `targets` are publishers already open (the caller
    closes them); otherwise the saved accounts are used (`accounts` picks one
    per platform) and closed at the end. `on_stage("Reading")` then
    `on_stage("Rewriting")` give the callback for each stage.
    Raises AuthError when an account is missing or refused."""
    settings = settings or RunSettings()
    opened = targets is None
    publishers = dict(targets) if targets is not None else open_targets(list(platforms), accounts)
    try:
        options = with_server_limits(rewrite_options or RewriteOptions(), publishers)
        given = isinstance(archive, Archive)  # an archive the caller opened stays open
        with nullcontext(archive) if given else load_archive(archive, _stage(on_stage, "Reading")) as readable:
            return _plan_and_publish(
                readable, publishers, select_options, options, settings, confirm, on_stage, on_progress
            )
    finally:
        if opened:
            close_targets(publishers)


def _plan_and_publish(
    archive: Archive,
    publishers: dict[PlatformName, Publisher],
    select_options: SelectOptions | None,
    options: RewriteOptions,
    settings: RunSettings,
    confirm: ConfirmCallback | None,
    on_stage: Callable[[str], StageCallback | None] | None,
    on_progress: Callable[[Progress], None] | None,
) -> MigrationOutcome:
    source = archive.account.account_id or archive.account.username
    done_before = migrated_ids(source, publishers, settings.state_dir)
    media_limits = {name: publisher.limits().media for name, publisher in publishers.items()}
    plan = plan_migration(
        archive,
        list(publishers),
        select_options,
        options,
        done_before,
        media_limits,
        on_progress=_stage(on_stage, "Rewriting"),
        published=_published(source, publishers, settings.state_dir),
    )
    if confirm is not None and not confirm(plan, publishers):
        return MigrationOutcome(plan)
    _remember_edits(source, publishers, plan, settings.state_dir)
    reports = publish_plan(archive, plan, publishers, settings, on_progress)
    return MigrationOutcome(plan, reports, published=True)


def publish_plan(
    archive: Archive,
    plan: MigrationPlan,
    publishers: Mapping[PlatformName, Publisher],
    settings: RunSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> dict[PlatformName, RunReport]:
    """Publish a plan made for these publishers' servers, every platform at
    once, each through its journal (exactly once, resumable)."""
    settings = settings or RunSettings()
    jobs = {
        name: PlatformJob(
            publisher,
            plan.platforms[name].drafts,
            publisher.limits().media,
            allow_private_links=settings.allow_private_links,
        )
        for name, publisher in publishers.items()
    }
    for name, publisher in publishers.items():
        publisher.pacer.deadline = settings.deadline
        if plan.options is not None:
            publisher.pacer.budgets.update(platform_spec(name).pace_budgets(plan.options.platform(name)))
    limits = RunLimits(max_posts=settings.max_posts, stop=settings.stop)
    return publish_all(archive, jobs, limits=limits, state_dir=settings.state_dir, on_progress=on_progress)


def _published(source: str, publishers: Mapping[PlatformName, Publisher], state_dir: Path | None) -> Published:
    """What these accounts' journals say is published: a review leaves those
    tweets as they are, and an edited one keeps the text it went out with."""
    from quittex.migrate.review import published_tweets

    return published_tweets(journal_path(name, source, p.account, state_dir) for name, p in publishers.items())


def _remember_edits(
    source: str, publishers: Mapping[PlatformName, Publisher], plan: MigrationPlan, state_dir: Path | None
) -> None:
    """The texts a review edited, written in each journal before their posts
    are (and forgotten for tweets about to go out with the archive's text): a
    later run makes the same posts of them, with any review or none."""
    from quittex.migrate.review import remember_edits

    report = plan.selection.review
    edits = report.edits if report is not None else {}
    published = plan.published.ids if plan.published is not None else frozenset()
    planned = {tweet.id for tweet in plan.selection.tweets}
    for name, publisher in publishers.items():
        if not edits and not _has_edits(journal_path(name, source, publisher.account, state_dir)):
            continue  # nothing recorded, nothing to record
        with Journal.open(name, source, publisher.account, state_dir) as journal:
            remember_edits(journal, edits, planned, published)


def _has_edits(path: Path) -> bool:
    from quittex.migrate.review import EDITS_META

    if not path.exists():
        return False
    with Journal.read_only(path) as journal:
        return EDITS_META in journal.meta()


def _stage(on_stage: Callable[[str], StageCallback | None] | None, name: str) -> StageCallback | None:
    return on_stage(name) if on_stage is not None else None
