"""The whole migration of the example archive, to a real Bluesky PDS and to
mastodon-mock at once, through the CLI; then a rerun that must post nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.cli_helpers import run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "twitter-example.zip"
pytestmark = pytest.mark.pds


def bluesky_posts(pds, account) -> list[dict]:
    answer = httpx.get(
        pds.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": account.did, "collection": "app.bsky.feed.post", "limit": 100},
        timeout=30,
    ).json()
    return sorted((r | r["value"] for r in answer["records"]), key=lambda r: r["createdAt"])


def mastodon_statuses(server) -> list:
    client = server.client()
    me = client.account_verify_credentials()
    return sorted(client.account_statuses(me["id"], limit=40), key=lambda s: int(s["id"]))


def test_the_example_reaches_both_platforms_exactly_once(pds, accounts):
    account, mastodon = accounts
    first = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--yes")
    assert first.exit_code == 0, first.stdout + first.stderr
    assert "Bluesky: 14 published" in first.stdout and "Mastodon: 13 published" in first.stdout

    posts = bluesky_posts(pds, account)
    assert len(posts) == 14
    assert posts[0]["createdAt"].startswith("2019-03-04T18:30:00") and posts[0]["langs"] == ["fr"]
    by_text = {p["text"].split("\n")[0][:20]: p for p in posts}
    reply = by_text["Merci à ＠mairie_exem"]
    root = by_text["🧵 Bilan de notre bal"]
    assert reply["reply"]["parent"]["uri"] == root["uri"] == reply["reply"]["root"]["uri"]
    images = root["embed"]["images"]
    assert len(images) == 2 and images[0]["aspectRatio"] == {"width": 1600, "height": 1200}
    assert {p["embed"]["$type"] for p in posts if "embed" in p} >= {
        "app.bsky.embed.images",
        "app.bsky.embed.video",
        "app.bsky.embed.record",
    }
    quote = next(p for p in posts if p.get("embed", {}).get("$type") == "app.bsky.embed.record")
    assert quote["embed"]["record"]["uri"] == root["uri"]  # a quote of one's own tweet embeds its new post
    blob = images[0]["image"]["ref"]["$link"]
    data = httpx.get(
        pds.xrpc_url("com.atproto.sync.getBlob"), params={"did": account.did, "cid": blob}, timeout=30
    ).content
    assert len(data) <= 1_000_000 and b"Exif" not in data and not Image.open(io.BytesIO(data)).getexif()
    assert any(f["features"][0]["$type"] == "app.bsky.richtext.facet#tag" for p in posts for f in p.get("facets", []))

    statuses = mastodon_statuses(mastodon)
    assert len(statuses) == 13
    assert sum(len(s["media_attachments"]) for s in statuses) == 6
    assert all(s["visibility"] == "unlisted" for s in statuses)
    thread = [s for s in statuses if s["in_reply_to_id"]]
    assert len(thread) == 3  # two self-replies and the second part of the long post

    again = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--yes")
    assert again.exit_code == 0, again.stderr
    assert "Bluesky: 0 published, 14 already there" in again.stdout
    assert len(bluesky_posts(pds, account)) == 14 and len(mastodon_statuses(mastodon)) == 13

    status = json.loads(run_cli("status", "--json").stdout)["journals"]
    assert sorted((j["platform"], j["done"], j["left"]) for j in status) == [("bluesky", 14, 0), ("mastodon", 13, 0)]
    report = run_cli("report").stdout.splitlines()
    assert len(report) == 1 + 14 + 13 and "https://x.com/velo_lumiere/status/" in report[1]


def test_undo_deletes_what_quittex_made_and_nothing_else(pds, accounts):
    account, mastodon = accounts
    own = mastodon.client().status_post("Un message écrit à la main, pas par quittex")
    assert run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--yes", "--top", "1").exit_code == 0
    # the most-liked tweet is the long post: 3 posts on Bluesky, 2 on Mastodon
    assert len(bluesky_posts(pds, account)) == 3 and len(mastodon_statuses(mastodon)) == 3
    refused = run_cli("undo", "--to", "bluesky")
    assert refused.exit_code == 2 and "--yes" in refused.stderr  # no terminal: never deletes without consent
    for platform, count in (("bluesky", 3), ("mastodon", 2)):
        result = run_cli("undo", "--to", platform, "--yes")
        assert result.exit_code == 0, result.stderr
        assert f"{count} posts deleted" in result.stdout
    assert bluesky_posts(pds, account) == []
    assert [s["id"] for s in mastodon_statuses(mastodon)] == [own["id"]]
    status = json.loads(run_cli("status", "--json").stdout)["journals"]
    assert sorted((j["platform"], j["done"], j["undone"]) for j in status) == [("bluesky", 0, 3), ("mastodon", 0, 2)]
    nothing = run_cli("undo", "--to", "bluesky", "--yes")
    assert "no post to delete" in nothing.stdout

    # Migrating again after an undo makes the posts anew, under new keys.
    redo = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--yes", "--top", "1")
    assert redo.exit_code == 0, redo.stderr
    assert "Bluesky: 3 published" in redo.stdout and "Mastodon: 2 published" in redo.stdout
    posts = bluesky_posts(pds, account)
    assert len(posts) == 3 and len(mastodon_statuses(mastodon)) == 3
    assert posts[1]["reply"]["parent"]["uri"] == posts[0]["uri"]


def test_alt_text_reaches_both_platforms(pds, accounts, tmp_path):
    account, mastodon = accounts
    sheet = tmp_path / "alt.csv"
    assert run_cli("alt-text", "export", EXAMPLE, "--to", sheet).exit_code == 0
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    logo = next(line for line in lines if "D2LogoPngAAb" in line)
    sheet.write_text("\n".join([lines[0], logo + "Logo : un anneau rouge"]) + "\n", encoding="utf-8-sig")
    only = tmp_path / "only.txt"
    only.write_text(logo.split(";")[0] + "\n")
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--yes", "--only", only, "--alt-text", sheet)
    assert result.exit_code == 0, result.stderr
    [post] = bluesky_posts(pds, account)
    assert post["embed"]["images"][0]["alt"] == "Logo : un anneau rouge"
    [status] = mastodon_statuses(mastodon)
    assert status["media_attachments"][0]["description"] == "Logo : un anneau rouge"


def test_a_video_over_the_limits_becomes_a_link_to_the_tweet(pds, accounts, tmp_path):
    import zipfile

    from tests.archive_builder import ArchiveSpec, MediaSpec, write_archive

    account, mastodon = accounts
    with zipfile.ZipFile(EXAMPLE) as example:
        clip = example.read("data/tweets_media/1146123873285046272-D4VideoXYZ.mp4")
    spec = ArchiveSpec()
    # X recorded four minutes: over Bluesky's three, within Mastodon's limits.
    spec.tweet(
        "1498734000000000000",
        "La manif en entier",
        media=[MediaSpec("video", "long.mp4", content=clip, duration_ms=252_000)],
    )
    archive = write_archive(spec, tmp_path / "archive.zip")
    result = run_cli("migrate", archive, "--to", "mastodon,bluesky", "--yes")
    assert result.exit_code == 0, result.stdout + result.stderr

    [post] = bluesky_posts(pds, account)
    assert (
        "embed" not in post and "🎬 Vidéo de 4\xa0min 12\u202fs, trop longue pour Bluesky, à voir sur X" in post["text"]
    )
    [link] = [f["features"][0] for f in post["facets"] if f["features"][0]["$type"].endswith("#link")]
    assert link["uri"] == "https://x.com/quittex_demo/status/1498734000000000000"
    [status] = mastodon_statuses(mastodon)
    assert [m["type"] for m in status["media_attachments"]] == ["video"] and "🎬" not in status["content"]

    journals = {j["platform"]: j for j in json.loads(run_cli("status", "--json").stdout)["journals"]}
    assert [(n["outcome"], n["path"].endswith("-long.mp4")) for n in journals["bluesky"]["media_notes"]] == [
        ("linked", True)
    ]
    assert journals["mastodon"]["media_notes"] == []


@pytest.mark.pds
def test_the_readme_publishing_example_runs_as_written_and_resumes(pds, accounts):
    """The README's Python example publishes the example to Bluesky; run
    again, it finds everything done and publishes nothing twice."""
    from tests.readme_blocks import python_blocks, run_block

    account, _ = accounts
    _, publishing = python_blocks()
    assert "14 posts published" in run_block(publishing)
    assert len(bluesky_posts(pds, account)) == 14
    assert "0 posts published" in run_block(publishing)
    assert len(bluesky_posts(pds, account)) == 14
