"""The Python API: what `import quittex` offers, and the README's example, run as written."""

from __future__ import annotations

import subprocess
import sys

import pytest

import quittex
from tests.readme_blocks import ROOT, python_blocks, run_block


def test_the_readme_dry_run_example_runs_as_written():
    dry_run, publishing = python_blocks()
    printed = run_block(dry_run)
    assert "mastodon: 13 posts" in printed and "bluesky: 14 posts" in printed
    assert "Publié sur X le" in printed  # a post's text, with its date note
    assert "Bonjour Bluesky" in printed or "Bonjour Mastodon" in printed  # the farewell intro, in French
    assert "run_migration" in publishing  # run against real servers in tests/integration/test_migrate_e2e.py


@pytest.mark.parametrize("name", [n for n in quittex.__all__ if n != "__version__"])
def test_every_public_name_resolves(name):
    assert getattr(quittex, name) is not None


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError):
        quittex.no_such_thing  # noqa: B018


def test_importing_quittex_loads_no_stage():
    """`import quittex` is cheap: the stages (and the platforms' SDKs) load on first use."""
    code = "import sys, quittex; print(sorted(m for m in sys.modules if m.startswith(('quittex.', 'atproto', 'mast'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_plan_is_written_as_json_lines_like_the_dry_run(tmp_path):
    import io
    import json

    with quittex.open_archive(ROOT / "examples" / "twitter-example.zip") as archive:
        plan = quittex.plan_migration(archive, ["bluesky"])
    out = io.BytesIO()
    quittex.write_json_lines(plan, out)
    posts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(posts) == len(plan.platforms["bluesky"].drafts) and {p["platform"] for p in posts} == {"bluesky"}
