"""The conductor (quittex.migrate.run_migration) and the farewell post, with
fake publishers: callbacks, confirmation, exactly once, resuming."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from quittex.config import load_config
from quittex.errors import BadInputError, PlatformError
from quittex.farewell import render_farewell
from quittex.farewell.post import post_intro
from quittex.media import BlueskyLimits
from quittex.migrate import RunSettings, run_migration
from quittex.publish.base import RefusedError
from tests.test_runner import FakePlatform

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "twitter-example.zip"


@dataclass
class _Limits:
    media: BlueskyLimits

    def rewrite_options(self, options):
        return options.model_copy(update={"max_graphemes": 280})  # the server's own limit is applied


class FakeBluesky(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def limits(self):
        return _Limits(BlueskyLimits())

    def close(self) -> None:
        self.closed = True


def test_a_run_plans_with_the_servers_limits_asks_then_publishes_each_post_once(tmp_path):
    target, stages, seen = FakeBluesky(), [], {}

    def confirm(plan, targets):
        seen["posts"] = len(plan.platforms["bluesky"].drafts)
        seen["within"] = all(d.shown_length() <= 280 for d in plan.platforms["bluesky"].drafts)
        return True

    outcome = run_migration(
        EXAMPLE,
        ["bluesky"],
        targets={"bluesky": target},
        settings=RunSettings(state_dir=tmp_path),
        confirm=confirm,
        on_stage=lambda name: stages.append(name),
    )
    assert stages == ["Reading", "Rewriting"] and seen == {"posts": 14, "within": True}
    assert outcome.published and outcome.reports["bluesky"].created == 14 and len(target.posts) == 14
    assert not target.closed  # given by the caller: the caller closes it

    again = run_migration(EXAMPLE, ["bluesky"], targets={"bluesky": target}, settings=RunSettings(state_dir=tmp_path))
    assert again.reports["bluesky"].created == 0 and again.reports["bluesky"].already_done == 14
    assert len(target.posts) == 14


def test_a_run_the_user_declines_sends_nothing(tmp_path):
    target = FakeBluesky()
    outcome = run_migration(
        EXAMPLE,
        ["bluesky"],
        targets={"bluesky": target},
        settings=RunSettings(state_dir=tmp_path),
        confirm=lambda plan, targets: False,
    )
    assert not outcome.published and outcome.reports == {} and target.posts == {}


def test_accounts_opened_by_the_run_are_closed_even_when_it_fails(tmp_path, monkeypatch):
    target = FakeBluesky()
    monkeypatch.setattr("quittex.platforms.bluesky.connect", lambda account: target)
    with pytest.raises(BadInputError):
        run_migration(tmp_path / "missing.zip", ["bluesky"], settings=RunSettings(state_dir=tmp_path))
    assert target.closed


@pytest.fixture
def intro():
    kit = render_farewell(load_config(ROOT / "examples" / "quittex.toml"), formats=("intro",), lang="fr")
    return next(text for text in kit.texts if text.platform == "bluesky")


def test_the_intro_is_posted_once_through_the_journal_and_again_only_when_forced(intro, tmp_path):
    target = FakeBluesky()
    _, url = post_intro(intro, publisher=target, state_dir=tmp_path)
    assert url and len(target.posts) == 1
    [post] = target.posts.values()
    assert post["text"] == intro.posts[0].text
    with pytest.raises(BadInputError, match="already on Bluesky"):
        post_intro(intro, publisher=target, state_dir=tmp_path)
    assert len(target.posts) == 1
    post_intro(intro, publisher=target, state_dir=tmp_path, force=True)
    assert len(target.posts) == 2  # a new generation, a new key
    assert not list(tmp_path.glob("*.sqlite3"))  # apart from the migration's journals: status ignores it


def test_an_intro_lost_in_flight_is_found_not_posted_twice(intro, tmp_path):
    target = FakeBluesky()
    target.lose_answer = 1  # the server made the post, the answer was lost
    post_intro(intro, publisher=target, state_dir=tmp_path)
    assert len(target.posts) == 1


def test_an_intro_the_platform_refuses_is_an_error_with_its_reason(intro, tmp_path):
    target = FakeBluesky()
    target.failures = [RefusedError("text too long", status=400)]
    with pytest.raises(PlatformError, match="text too long"):
        post_intro(intro, publisher=target, state_dir=tmp_path)
