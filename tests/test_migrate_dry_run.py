"""`quittex migrate --dry-run` on the bundled example archive: terminal, JSON
Lines (golden), HTML (checked in headless Chromium), and no network at all."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from quittex.rewrite.measure import grapheme_count, mastodon_length, utf8_len
from tests.browser import rendered_dom
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "twitter-example.zip"
GOLDEN = Path(__file__).parent / "golden" / "example-dry-run.jsonl"


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a dry run opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def dry_run_json(*extra: str) -> list[dict]:
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--dry-run", "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_lines_match_the_golden_file(no_network):
    posts = dry_run_json()
    text = "".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in posts)
    if os.environ.get("QUITTEX_UPDATE_SNAPSHOTS") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "set QUITTEX_UPDATE_SNAPSHOTS=1 to accept a change"


def test_every_post_respects_its_platform(no_network):
    posts = dry_run_json()
    required = {"platform", "tweet_id", "part", "parent", "created_at", "text", "media", "langs"}
    for post in posts:
        assert required <= post.keys()
        assert "t.co/" not in post["text"]
        if post["platform"] == "bluesky":
            assert grapheme_count(post["text"]) <= 300 and utf8_len(post["text"]) <= 3000
            data = post["text"].encode()
            for facet in post["facets"]:
                piece = data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
                feature = facet["features"][0]
                if "tag" in feature:
                    assert piece == "#" + feature["tag"]
                else:
                    assert feature["uri"].startswith("http") and piece.rstrip("…") in feature["uri"]
            assert len(post["media"]) <= 4 and len(post["langs"]) <= 3
        else:
            assert mastodon_length(post["text"], post["spoiler_text"]) <= 500
            assert {"visibility", "language", "spoiler_text"} <= post.keys() and post["visibility"] == "unlisted"
            kinds = {m["kind"] for m in post["media"]}
            assert not ("photo" in kinds and kinds - {"photo"}), "images and video mixed in one status"


def test_what_the_example_becomes(no_network):
    posts = dry_run_json()
    by_platform = {p: [x for x in posts if x["platform"] == p] for p in ("mastodon", "bluesky")}
    for _platform, items in by_platform.items():
        texts = "\n".join(p["text"] for p in items)
        assert "Publié sur X le 4 mars 2019" in texts and "Posted on X on April 7, 2020" in texts
        assert "Réservé au cercle" not in texts and "PRIVATE" not in texts  # circle tweet and DMs
        assert "voisine_engagee" not in texts and "RT @" not in texts  # reply to others, retweet
        assert "19h (changement" in texts and "18h" not in texts  # last version of the edit
        assert "Merci à toutes les personnes qui nous ont lus ici" in texts  # the whole note tweet
        assert "@mairie_exemple" not in texts and "＠mairie_exemple" in texts  # cannot notify anyone
        thread = [p for p in items if p["text"].startswith(("Merci à", "Prochaine balade"))]
        assert [p["parent"] is not None for p in thread] == [True, True]
        media_kinds = sorted(m["kind"] for p in items for m in p["media"])
        assert media_kinds == ["animated_gif", "photo", "photo", "photo", "photo", "video"]
    sensitive = [p for p in by_platform["bluesky"] if p["sensitive"]]
    assert sensitive and sensitive[0]["labels"] == ["graphic-media"]
    assert [p for p in by_platform["mastodon"] if p["sensitive"]][0]["spoiler_text"]
    own_quote = [p for p in by_platform["bluesky"] if p["embed"]]
    assert own_quote and own_quote[0]["embed"]["type"] == "record"


def test_terminal_preview_and_summary(no_network):
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--show", "3")
    assert result.exit_code == 0, result.stderr
    assert "Mastodon: 13 posts" in result.stdout and "Bluesky: 14 posts" in result.stdout
    assert "more Mastodon posts" in result.stdout
    assert "Left out: retweet" in result.stdout and "Publishing time" in result.stdout
    assert "Nothing was published" in result.stdout


def test_html_preview_shows_each_tweet_beside_its_posts(tmp_path, no_network):
    page = tmp_path / "preview.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--preview", page, "--to", "mastodon,bluesky")
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//(?!velo-lumiere|twitter\.com|x\.com)""", html), (
        "external resource"
    )
    dom = rendered_dom(page)
    assert dom.count('class="row') == 12  # one row per selected tweet
    assert dom.count('class="post mastodon-post"') == 13 and dom.count('class="post bluesky-post"') == 14
    assert dom.count("<img") >= 12  # 4 photos: the original and both platforms
    assert dom.count("<video") >= 6
    assert 'class="facet tag" href="#Vélo"' in dom
    assert 'href="https://velo-lumiere.example.org/parcours"' in dom
    assert "missing" not in dom.split("<main>", 1)[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "facebook", "--dry-run"], "--to takes mastodon, bluesky"),
        (["--since", "01/02/2020", "--dry-run"], "--since takes a date"),
        (["--since", "2021-01-01", "--until", "2020-01-01", "--dry-run"], "is after --until"),
        (["--mentions", "loud", "--dry-run"], "--mentions takes plain, link or drop"),
        (["--timezone", "Mars/Olympus", "--dry-run"], "--timezone"),
        (["--only", "absent.txt", "--dry-run"], "Cannot read absent.txt"),
        (["--json"], "--json and --preview go with --dry-run"),
    ],
)
def test_bad_options_give_one_message_and_exit_2(args, message):
    result = run_cli("migrate", EXAMPLE, *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_project_file_gives_defaults_and_the_command_line_wins(tmp_path):
    (tmp_path / "people.csv").write_text("x_handle,mastodon,bluesky\nmairie_exemple,mairie@mastodon.example,\n")
    project = tmp_path / "quittex.toml"
    project.write_text(
        '[migrate]\nto = "mastodon"\nvisibility = "public"\nhandle_map = "people.csv"\ndate_note = false\n'
    )
    posts = dry_run_json("--config", str(project))
    assert {p["platform"] for p in posts} == {"mastodon", "bluesky"}  # dry_run_json passes --to both
    only_file = [
        json.loads(line)
        for line in run_cli("migrate", EXAMPLE, "--dry-run", "--json", "--config", project).stdout.splitlines()
    ]
    assert {p["platform"] for p in only_file} == {"mastodon"}
    assert all(p["visibility"] == "public" for p in only_file)
    assert any("@mairie@mastodon.example" in p["text"] for p in only_file)  # the handle map, relative to the file
    assert not any("Publié sur X" in p["text"] for p in only_file)
    bad = tmp_path / "bad.toml"
    bad.write_text('[migrate]\nmentions = "shout"\n')
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--config", bad)
    assert result.exit_code == 2 and "mentions" in result.stderr
