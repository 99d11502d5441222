"""From saved accounts to ready publishers, with each server's own limits."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from quittex.errors import AuthError
from quittex.platforms import PlatformName, platform
from quittex.publish.base import Publisher
from quittex.publish.journal import Journal, journal_path
from quittex.rewrite.options import RewriteOptions


def open_targets(
    platforms: list[PlatformName], accounts: Mapping[PlatformName, str | None] | None = None
) -> dict[PlatformName, Publisher]:
    """Log in (from saved sessions or the environment) to every platform;
    `accounts` picks the account per platform when several are set up.
    Raises AuthError, naming every platform not set up and the command to
    run for each, before anything is done; what was opened is closed again."""
    accounts = accounts or {}
    targets: dict[PlatformName, Publisher] = {}
    refused: list[AuthError] = []
    try:
        for name in platforms:
            try:
                targets[name] = platform(name).connect(accounts.get(name))
            except AuthError as error:
                refused.append(error)
    except BaseException:
        close_targets(targets)
        raise
    if refused:
        close_targets(targets)
        if len(refused) == 1:
            raise refused[0]
        hints = " ".join(error.hint for error in refused if error.hint)
        raise AuthError(" ".join(error.message for error in refused), hint=hints or None)
    return targets


def close_targets(targets: Mapping[PlatformName, Publisher]) -> None:
    for publisher in targets.values():
        publisher.close()


def with_server_limits(options: RewriteOptions, targets: Mapping[PlatformName, Publisher]) -> RewriteOptions:
    """The rewriting options with the limits each server announces."""
    update = {name: publisher.limits().rewrite_options(options.platform(name)) for name, publisher in targets.items()}
    return options.model_copy(update=update)


def migrated_ids(
    archive_account: str, targets: Mapping[PlatformName, Publisher], state_dir: Path | None
) -> frozenset[str]:
    """Tweets some earlier run already published (first part done), on any
    chosen platform: links to them can point to the new posts."""
    done: set[str] = set()
    for name, publisher in targets.items():
        path = journal_path(name, archive_account, publisher.account, state_dir)
        if path.exists():
            with Journal.read_only(path) as journal:
                done.update(e.tweet_id for e in journal.entries("done") if e.part == 0)
    return frozenset(done)
