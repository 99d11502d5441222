"""Bluesky's gentle pace (estimate, pacer) and the gates on migrated posts, offline."""

from __future__ import annotations

import json

from quittex.platforms import platform
from quittex.platforms.bluesky_options import BlueskyOptions
from quittex.publish.bluesky import gate_records
from quittex.publish.estimate import estimate_bluesky
from quittex.publish.journal import Remote
from quittex.publish.pacing import Pacer
from quittex.rewrite import RewriteOptions, Rewriter
from tests.cli_helpers import run_cli
from tests.rewrite.factories import tweet

EXAMPLE = "examples/twitter-example.zip"


def test_the_gentle_pace_is_in_the_estimate():
    full = estimate_bluesky(1_000, 0, BlueskyOptions())
    gentle = estimate_bluesky(1_000, 0, BlueskyOptions(pace="gentle"))
    assert full.bound_by == "2,500 posts an hour" and full.duration.total_seconds() < 600
    assert gentle.bound_by == "the gentle pace: 50 posts every 15 minutes"
    assert 4.7 * 3600 < gentle.duration.total_seconds() < 5.0 * 3600  # 19 pauses of 15 minutes
    gated = estimate_bluesky(2_000, 0, BlueskyOptions(reply_gate="followers", quotes_allowed=False))
    assert gated.bound_by == "833 posts an hour"


def test_the_gentle_pace_holds_posts_in_batches():
    clock = [0.0]
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    budgets = platform("bluesky").pace_budgets(BlueskyOptions(pace="gentle"))
    pacer = Pacer(budgets, clock=lambda: clock[0], sleep=sleep)
    for _ in range(120):
        pacer.before("post", 1)
        clock[0] += 0.1
    assert 1_700 < clock[0] < 1_900  # two pauses of about 15 minutes
    assert platform("bluesky").pace_budgets(BlueskyOptions()) == {}


def test_dry_run_states_the_gentle_pace():
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "bluesky", "--pace", "gentle")
    assert result.exit_code == 0, result.stderr
    assert "gentle pace" in result.stdout
    wrong = run_cli("migrate", EXAMPLE, "--dry-run", "--pace", "slowly")
    assert wrong.exit_code == 2 and "--pace takes full or gentle" in wrong.stderr


def test_gate_records_follow_the_draft():
    options = RewriteOptions(bluesky=BlueskyOptions(reply_gate="nobody", quotes_allowed=False))
    [draft] = Rewriter("collectif", options).rewrite(tweet("Bonjour"), "bluesky").drafts
    uri = "at://did:plc:a/app.bsky.feed.post/3k"
    [(threadgate, gate), (postgate, quote_gate)] = gate_records(draft, uri, None)
    assert threadgate == "app.bsky.feed.threadgate" and gate["allow"] == [] and gate["post"] == uri
    assert postgate == "app.bsky.feed.postgate" and quote_gate["embeddingRules"][0]["$type"].endswith("disableRule")
    assert [c for c, _ in gate_records(draft, uri, Remote(uri, cid="c"))] == ["app.bsky.feed.postgate"]
    plain = Rewriter("collectif", RewriteOptions()).rewrite(tweet("Bonjour"), "bluesky").drafts[0]
    assert gate_records(plain, uri, None) == []
    assert json.loads(json.dumps(draft.to_json()))["reply_gate"] == "nobody"
