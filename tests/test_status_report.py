"""`quittex status` and `quittex report`, read from journals (even one in use)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from quittex.publish.journal import Journal, PlannedPost, Remote
from tests.cli_helpers import run_cli

WHEN = datetime(2020, 5, 1, 12, tzinfo=UTC)


def populate(state_dir) -> Journal:
    journal = Journal.open("bluesky", "1000", "did:plc:abc", state_dir=state_dir)
    journal.set_meta("source_username", "velo_lumiere")
    journal.plan(
        [
            PlannedPost("111", 0, WHEN),
            PlannedPost("111", 1, WHEN),
            PlannedPost("222", 0, WHEN),
            PlannedPost("333", 0, WHEN),
        ]
    )
    for part in (0, 1):
        journal.mark_sending("111", part, f"k{part}")
        journal.mark_done(
            "111",
            part,
            Remote(
                f"at://did:plc:abc/app.bsky.feed.post/k{part}",
                f"https://bsky.app/profile/did:plc:abc/post/k{part}",
                "c",
            ),
        )
    journal.mark_failed("222", 0, "400: text too long")
    return journal


def test_status_while_a_run_holds_the_journal(tmp_path):
    journal = populate(tmp_path)  # still open and locked, as during a migration
    result = run_cli("status", "--json", "--state-dir", tmp_path)
    journal.close()
    assert result.exit_code == 0, result.stderr
    [status] = json.loads(result.stdout)["journals"]
    assert (status["platform"], status["done"], status["failed"], status["left"]) == ("bluesky", 2, 1, 1)
    assert status["failures"] == [{"tweet_id": "222", "part": 0, "reason": "400: text too long"}]
    assert status["last_post_url"].endswith("/k1") and isinstance(status["eta_seconds"], int)
    text = run_cli("status", "--state-dir", tmp_path)
    assert "did:plc:abc" in text.stdout and "text too long" in text.stderr


def test_report_maps_each_tweet_to_its_new_posts(tmp_path):
    populate(tmp_path).close()
    result = run_cli("report", "--format", "csv", "--state-dir", tmp_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["tweet_url"], r["part"], r["post_url"]) for r in rows] == [
        ("https://x.com/velo_lumiere/status/111", "0", "https://bsky.app/profile/did:plc:abc/post/k0"),
        ("https://x.com/velo_lumiere/status/111", "1", "https://bsky.app/profile/did:plc:abc/post/k1"),
    ]
    as_json = run_cli("report", "--format", "json", "--to", "bluesky", "--state-dir", tmp_path)
    assert len(json.loads(as_json.stdout)) == 2
    assert json.loads(run_cli("report", "--format", "json", "--to", "mastodon", "--state-dir", tmp_path).stdout) == []
    target = tmp_path / "out" / "map.csv"
    (tmp_path / "out").mkdir()
    assert run_cli("report", "--format", "csv", "-o", target, "--state-dir", tmp_path).exit_code == 0
    assert target.read_text().startswith("tweet_url,")


def test_status_with_nothing_yet_and_bad_report_options(tmp_path):
    assert "No migration yet" in run_cli("status", "--state-dir", tmp_path).stdout
    bad = run_cli("report", "--format", "xml", "--state-dir", tmp_path)
    assert bad.exit_code == 2 and "--format takes sheet, csv or json" in bad.stderr


def test_report_for_spreadsheets_by_default(tmp_path):
    populate(tmp_path).close()
    sheet = tmp_path / "report.csv"
    result = run_cli("report", "-o", sheet, "--state-dir", tmp_path)
    assert result.exit_code == 0, result.stderr
    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbftweet_url;tweet_id;platform;part;post_url;post_id\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["https://x.com/velo_lumiere/status/111", "111", "bluesky", "0"]
    on_stdout = run_cli("report", "--state-dir", tmp_path).stdout
    assert on_stdout.startswith("tweet_url;tweet_id;")


def test_report_before_any_migration_says_so(tmp_path):
    result = run_cli("report", "--state-dir", tmp_path)
    assert result.exit_code == 0 and result.stdout == ""
    assert "Nothing to report yet" in result.stderr
    as_json = run_cli("report", "--format", "json", "--state-dir", tmp_path)
    assert as_json.exit_code == 0 and as_json.stdout == "[]\n"
