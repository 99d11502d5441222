"""Link cards on a real PDS: the external embed and its thumbnail blob; a run
killed with SIGKILL while it fetches cards, resumed, publishes each post once
with its card, fetched once per link."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.archive_builder import ArchiveSpec, write_archive
from tests.card_server import CardServer

REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.pds
LINKS = 30


def _archive(tmp_path: Path, server: CardServer) -> Path:
    spec = ArchiveSpec(account_id="88", username="collectif_c")
    for n in range(LINKS):
        tco = f"https://t.co/ART{n:05d}"
        spec.tweet(f"1200000000000001{n:03d}", f"À lire, numéro {n} : {tco}", urls={tco: server.url(f"/article/{n}")})
    return write_archive(spec, tmp_path / "links.zip")


def _posts(pds, did: str) -> list[dict]:
    answer = httpx.get(
        pds.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100},
        timeout=30,
    ).json()
    return [record["value"] for record in answer["records"]]


def test_cards_survive_a_kill_and_are_fetched_once(pds, accounts, tmp_path):
    account, _ = accounts
    with CardServer(article_delay=0.15) as server:
        archive = _archive(tmp_path, server)
        env = {**os.environ, "QUITTEX_ALLOW_PRIVATE_LINKS": "1"}
        command = [sys.executable, "-m", "quittex", "migrate", str(archive), "--to", "bluesky", "--yes"]
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 120
        while process.poll() is None and sum(server.hits[f"/article/{n}"] for n in range(LINKS)) < 8:
            assert time.monotonic() < deadline, "the run fetched no cards"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)  # in the middle of fetching cards
        process.wait(30)
        done = subprocess.run(command, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        fetched = [server.hits[f"/article/{n}"] for n in range(LINKS)]

    posts = _posts(pds, account.did)
    assert len(posts) == LINKS  # each post once
    for post in posts:
        external = post["embed"]["external"]
        assert post["embed"]["$type"] == "app.bsky.embed.external"
        number = int(external["uri"].rsplit("/", 1)[-1])
        assert f"numéro {number} " in post["text"] and external["title"] == f"Article {number}"
        assert external["thumb"]["mimeType"] in ("image/jpeg", "image/png")
    assert max(fetched) <= 2 and fetched.count(2) <= 1  # once each; twice at most the one a kill cut short
    blob = posts[0]["embed"]["external"]["thumb"]
    data = httpx.get(
        pds.xrpc_url("com.atproto.sync.getBlob"), params={"did": account.did, "cid": blob["ref"]["$link"]}, timeout=30
    ).content
    assert len(data) <= 1_000_000
    picture = Image.open(io.BytesIO(data))
    assert not picture.getexif()


def test_no_link_cards_and_a_dead_page_give_plain_posts(pds, accounts, tmp_path, monkeypatch):
    from tests.cli_helpers import run_cli

    account, _ = accounts
    monkeypatch.setenv("QUITTEX_ALLOW_PRIVATE_LINKS", "1")
    with CardServer() as server:
        spec = ArchiveSpec(account_id="89", username="collectif_d")
        spec.tweet(
            "1200000000000002001", "Mort : https://t.co/DEAD0001", urls={"https://t.co/DEAD0001": server.url("/gone")}
        )
        archive = write_archive(spec, tmp_path / "dead.zip")
        result = run_cli("migrate", archive, "--to", "bluesky", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "1 links got no card" in " ".join(result.stderr.split())
    [post] = _posts(pds, account.did)
    assert "embed" not in post
