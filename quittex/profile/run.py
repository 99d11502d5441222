"""Put the drafts on the accounts, see what they would change, or put the
profiles back as they were.

    x_profile = read_x_profile("twitter.zip")
    drafts = build_profiles(x_profile, project, ["mastodon", "bluesky"])
    outcomes = [apply_profile(draft) for draft in drafts]      # logged-in accounts
    restore_profile("bluesky")                                 # as before the first change

Every request goes through the platform's publisher (pacing, error mapping,
no token in any message). Before the first change the profile is saved in the
state folder; each change is journaled (`state.py`). Applying the same draft
again changes nothing: texts are compared with the account's, images by the
journal's record of what quittex sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from quittex.errors import BadInputError
from quittex.farewell.post import SOURCE as FAREWELL_SOURCE
from quittex.farewell.post import farewell_dir
from quittex.i18n import _
from quittex.platforms import platform
from quittex.profile.build import ProfileDraft, ProfileRules
from quittex.profile.platforms import profile_side
from quittex.profile.remote import Change, CurrentProfile, changes
from quittex.profile.state import ProfileState
from quittex.publish.base import Publisher, RateLimitError, TransientError
from quittex.publish.journal import Journal, Remote, journal_path

T = TypeVar("T")
ATTEMPTS = 3
RETRY_SECONDS = 2.0


@dataclass
class ProfileOutcome:
    platform: str
    account: str  # as a person reads it
    current: CurrentProfile | None = None
    change: Change = field(default_factory=Change)
    done: bool = False  # the change was made (False in a dry run, or when there was nothing to change)
    saved_before: bool = False  # this run saved the profile as it was
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account": self.account,
            "now": self.current.to_json() if self.current else None,
            "changes": self.change.names(),
            "done": self.done,
            "saved_before": self.saved_before,
            "notes": self.notes,
        }


def preview_profile(
    draft: ProfileDraft, publisher: Publisher, *, state_dir: Path | None = None, rebuild: Callable | None = None
) -> tuple[ProfileDraft, ProfileOutcome]:
    """What applying `draft` would change on the account, without changing it.
    `rebuild(rules)` builds the draft again with the server's own limits."""
    side = profile_side(draft.platform)
    current = _retrying(lambda: side.read(publisher))
    draft = _with_server_rules(draft, side.rules_for(publisher, current), rebuild)
    state = ProfileState(draft.platform, publisher.account, state_dir)
    pin = _intro(draft, publisher, state_dir)
    outcome = ProfileOutcome(
        draft.platform, publisher.label, current, changes(draft, current, state.images_sent(), pin)
    )
    return draft, outcome


def apply_profile(
    draft: ProfileDraft,
    account: str | None = None,
    *,
    publisher: Publisher | None = None,
    state_dir: Path | None = None,
    rebuild: Callable[[ProfileRules], ProfileDraft] | None = None,
) -> ProfileOutcome:
    """Make the account's profile say what `draft` says."""
    with _publisher(draft.platform, account, publisher) as target:
        draft, outcome = preview_profile(draft, target, state_dir=state_dir, rebuild=rebuild)
        if not outcome.change:
            outcome.notes.append(_("The profile already says all this: nothing changed."))
            return outcome
        side, state = profile_side(draft.platform), ProfileState(draft.platform, target.account, state_dir)
        if state.interrupted():
            outcome.notes.append(_("The last change was interrupted; it is made again now."))
        if state.saved() is None:
            outcome.saved_before = state.save_before(*_retrying(lambda: side.snapshot(target, outcome.current)))
        state.begin("apply", outcome.change.names())
        keys = _retrying(lambda: side.apply(target, draft, outcome.current, outcome.change))
        state.done({kind: {"digest": getattr(draft, kind).picture.digest, "key": key} for kind, key in keys.items()})
        outcome.done = True
        return outcome


def restore_profile(
    platform_name: str,
    account: str | None = None,
    *,
    publisher: Publisher | None = None,
    state_dir: Path | None = None,
) -> ProfileOutcome:
    """Put back the profile the account had before quittex first changed it."""
    with _publisher(platform_name, account, publisher) as target:
        state = ProfileState(platform_name, target.account, state_dir)
        saved = state.saved()
        if saved is None:
            raise BadInputError(
                _("quittex has not changed the {platform} profile of {account}: there is nothing to put back.").format(
                    platform=platform(platform_name).label, account=target.label
                )
            )
        side = profile_side(platform_name)
        current = _retrying(lambda: side.read(target))
        state.begin("restore", ["the profile as it was"])  # the state file's words: not translated
        _retrying(lambda: side.restore(target, saved[0], saved[1], current))
        state.done(forget_images=True)
        return ProfileOutcome(platform_name, target.label, current, done=True)


def pin_intro(
    platform_name: str,
    account: str | None = None,
    *,
    publisher: Publisher | None = None,
    state_dir: Path | None = None,
) -> ProfileOutcome:
    """Pin the introduction `farewell --post` published, and nothing else of the
    profile; saved first like any change, so `--restore` unpins it."""
    with _publisher(platform_name, account, publisher) as target:
        intro = intro_post(platform_name, target.account, state_dir)
        if intro is None:
            raise BadInputError(
                _("No introduction was posted on {platform} as {account}.").format(
                    platform=platform(platform_name).label, account=target.label
                ),
                hint=_("Post it first: quittex farewell --post {platform}").format(platform=platform_name),
            )
        side, state = profile_side(platform_name), ProfileState(platform_name, target.account, state_dir)
        current = _retrying(lambda: side.read(target))
        outcome = ProfileOutcome(platform_name, target.label, current, Change(pin=intro))
        if intro.id in current.pinned:
            outcome.change = Change()
            outcome.notes.append(_("The introduction is pinned already."))
            return outcome
        if state.saved() is None:
            outcome.saved_before = state.save_before(*_retrying(lambda: side.snapshot(target, current)))
        state.begin("pin", ["pinned post"])
        _retrying(lambda: side.apply(target, None, current, outcome.change))
        state.done()
        outcome.done = True
        return outcome


@contextmanager
def _publisher(platform_name: str, account: str | None, given: Publisher | None) -> Iterator[Publisher]:
    """The publisher given (left open), or one logged in now and closed after."""
    if given is not None:
        yield given
        return
    target = platform(platform_name).connect(account)
    try:
        yield target
    finally:
        target.close()


def intro_post(platform_name: str, account: str, state_dir: Path | None = None) -> Remote | None:
    """The introduction `farewell --post` published on this account, if any (the latest)."""
    path = journal_path(platform_name, FAREWELL_SOURCE, account, farewell_dir(state_dir))
    if not path.exists():
        return None
    with Journal.read_only(path) as journal:
        done = [entry for entry in journal.entries("done") if entry.remote is not None]
    done.sort(key=lambda entry: entry.done_at.timestamp() if entry.done_at else 0.0)
    return done[-1].remote if done else None


def _intro(draft: ProfileDraft, publisher: Publisher, state_dir: Path | None) -> Remote | None:
    return intro_post(draft.platform, publisher.account, state_dir) if draft.pin_intro else None


def _with_server_rules(draft: ProfileDraft, rules: ProfileRules, rebuild: Callable | None) -> ProfileDraft:
    return rebuild(rules) if rebuild is not None and rules != profile_side(draft.platform).rules else draft


def _retrying(request: Callable[[], T]) -> T:
    """A profile's requests are idempotent: a timeout or a 5xx is worth a second try,
    and a 429 waits for the pacer (which now knows when the window reopens)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return request()
        except (TransientError, RateLimitError):
            if attempt == ATTEMPTS:
                raise
            time.sleep(RETRY_SECONDS * attempt)
    raise AssertionError("unreachable")
