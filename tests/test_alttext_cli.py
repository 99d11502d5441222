"""Alt text from the spreadsheet to the posts: export, fill in, migrate."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli_helpers import run_cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "twitter-example.zip"


def fill(path: Path, texts: dict[str, str]) -> None:
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        name = row[header.index("media_path")].rsplit("-", 1)[-1]
        row[header.index("alt_text")] = texts.get(name, "")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)


def test_export_fill_and_migrate(tmp_path):
    sheet = tmp_path / "alt.csv"
    result = run_cli("alt-text", "export", EXAMPLE, "--to", sheet)
    assert result.exit_code == 0, result.stderr
    assert "6 media items" in result.stdout
    assert run_cli("alt-text", "export", EXAMPLE, "--to", sheet).exit_code == 2  # never overwrites silently
    fill(
        sheet,
        {"D2LogoPngAAb.png": "Logo : un anneau rouge sur fond transparent", "D4VideoXYZ.mp4": "Des vélos défilent"},
    )
    posts = [
        json.loads(line)
        for line in run_cli("migrate", EXAMPLE, "--dry-run", "--json", "--alt-text", sheet).stdout.splitlines()
    ]
    alts = {(p["platform"], m["path"].rsplit("-", 1)[-1]): m["alt"] for p in posts for m in p["media"]}
    for platform in ("mastodon", "bluesky"):
        assert alts[(platform, "D2LogoPngAAb.png")] == "Logo : un anneau rouge sur fond transparent"
        assert alts[(platform, "D4VideoXYZ.mp4")] == "Des vélos défilent"
        assert alts[(platform, "D1aBcDeXkAAaaa1.jpg")] == ""
    preview = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "bluesky", "--alt-text", sheet)
    assert "anneau" in preview.stdout and "(no alt text)" in preview.stdout
    assert "without alt text" in preview.stdout


def test_a_malformed_sheet_is_refused_with_line_numbers(tmp_path):
    sheet = tmp_path / "alt.csv"
    sheet.write_text("media_path;alt_text\ndata/tweets_media/absent.jpg;x\n", encoding="utf-8")
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--alt-text", sheet)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "data/tweets_media/absent.jpg" in result.stderr
