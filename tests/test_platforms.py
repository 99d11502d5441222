"""Every stage handles every registered platform, reading it from the registry."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from quittex.archive import load_archive
from quittex.config import config_from_data
from quittex.errors import BadInputError
from quittex.migrate import plan_migration
from quittex.output.html import write_preview
from quittex.output.json_lines import write_plan
from quittex.platforms import PLATFORMS, REGISTRY, parse_platforms, platform
from quittex.platforms.base import load
from quittex.platforms.options import PlatformOptions
from quittex.publish.journal import Journal
from quittex.publish.ledger import journal_statuses
from quittex.rewrite.options import RewriteOptions

EXAMPLE = Path(__file__).parents[1] / "examples" / "twitter-example.zip"
PROJECT = Path(__file__).parents[1] / "examples" / "quittex.toml"


@pytest.fixture(scope="module")
def plan_and_archive():
    with load_archive(EXAMPLE) as archive:
        yield plan_migration(archive, list(PLATFORMS)), archive


@pytest.mark.parametrize("name", PLATFORMS)
def test_the_rewriting_options_have_the_platforms_settings(name):
    spec = platform(name)
    settings = RewriteOptions().platform(name)
    assert isinstance(settings, spec.settings) and isinstance(settings, PlatformOptions)
    assert settings.length_limit > 0
    assert RewriteOptions.model_validate({name: {"date_note": False}}).platform(name).date_note is False


@pytest.mark.parametrize("name", PLATFORMS)
def test_the_platform_describes_every_part_a_stage_needs(name):
    spec = platform(name)
    rules = spec.rules(RewriteOptions())
    assert rules.name == name
    assert spec.label and spec.name == name
    assert spec.budgets() and all(windows for windows in spec.budgets().values())
    limits = spec.default_media_limits()
    assert limits.name == name and limits.image_target.max_bytes > 0
    estimate = spec.estimate(3000, 10)
    assert estimate.platform == name and estimate.duration.total_seconds() > 0
    assert callable(load(spec.connect_path))
    assert load(spec.farewell_limit_path)(config_from_data({}).farewell).maximum


@pytest.mark.parametrize("name", PLATFORMS)
def test_planning_and_every_dry_run_output_cover_the_platform(name, plan_and_archive, tmp_path):
    plan, archive = plan_and_archive
    drafts = plan.platforms[name].drafts
    spec = platform(name)
    assert drafts and all(isinstance(d, spec.draft_type) and d.platform == name for d in drafts)
    assert all(0 < d.shown_length() <= RewriteOptions().platform(name).length_limit for d in drafts)
    assert plan.platforms[name].estimate.platform == name
    out = io.BytesIO()
    write_plan(plan, out)
    assert any(json.loads(line)["platform"] == name for line in out.getvalue().splitlines())
    write_preview(archive, plan, tmp_path / "preview.html")
    assert f"<h2>{spec.label}</h2>" in (tmp_path / "preview.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PLATFORMS)
def test_status_reads_a_journal_of_the_platform(name, tmp_path):
    with Journal.open(name, "123", "someone", tmp_path):
        pass
    [status] = journal_statuses(tmp_path)
    assert status.platform == name and status.left == 0


@pytest.mark.parametrize("name", PLATFORMS)
def test_the_farewell_kit_writes_an_intro_for_the_platform(name):
    from quittex.config import load_config
    from quittex.farewell import render_farewell

    kit = render_farewell(load_config(PROJECT), formats=("intro",), lang="fr")
    intro = next(text for text in kit.texts if text.platform == name)
    assert intro.posts[0].measure.fits


def test_platform_lists_are_read_once_each_in_order():
    assert parse_platforms("Bluesky, mastodon,bluesky") == ["bluesky", "mastodon"]
    assert parse_platforms(list(PLATFORMS)) == list(REGISTRY)
    with pytest.raises(BadInputError, match="--to takes mastodon, bluesky"):
        parse_platforms("facebook")
    with pytest.raises(BadInputError, match="Unknown platform"):
        platform("facebook")
