"""`quittex contacts find` and `follow` on the real PDS and mastodon-mock:
people whose handles, names and bios match, half-match and do not match;
a sheet reviewed and followed once; follow runs killed and resumed."""

from __future__ import annotations

import csv
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.archive_builder import ArchiveSpec, user_id, write_archive
from tests.cli_helpers import run_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
FOLLOW = "app.bsky.graph.follow"


def _people_archive(tmp_path: Path, names: list[str]) -> Path:
    spec = ArchiveSpec(account_id="77", username="collectif_t", display_name="Collectif T")
    for index, name in enumerate(names):
        spec.tweet(f"12000000000000000{index:02d}", f"Merci @{name} pour l'atelier !")
    spec.following = [user_id(name) for name in names]
    return write_archive(spec, tmp_path / "archive.zip")


def _set_bluesky_profile(pds, account, record: dict) -> None:
    httpx.post(
        pds.xrpc_url("com.atproto.repo.putRecord"),
        json={"repo": account.did, "collection": "app.bsky.actor.profile", "rkey": "self", "record": record},
        headers=account.auth_headers,
        timeout=30,
    ).raise_for_status()


def _follows(pds, did: str) -> list[str]:
    records, cursor = [], None
    while True:
        params = {"repo": did, "collection": FOLLOW, "limit": 100, **({"cursor": cursor} if cursor else {})}
        answer = httpx.get(pds.xrpc_url("com.atproto.repo.listRecords"), params=params, timeout=30).json()
        records += [record["value"]["subject"] for record in answer["records"]]
        cursor = answer.get("cursor")
        if not cursor or not answer["records"]:
            return records


def _sheet(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return {row["x_handle"]: row for row in csv.DictReader(stream, delimiter=";")}


def _rewrite(path: Path, rows: dict[str, dict[str, str]]) -> None:
    header = list(next(iter(rows.values())))
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, header, delimiter=";")
        writer.writeheader()
        writer.writerows(rows.values())


@pytest.mark.pds
def test_find_review_and_follow_once_on_both_platforms(pds, accounts, tmp_path):
    _, mastodon_server = accounts
    tag = secrets.token_hex(2)
    strong, half, none = f"rv_{tag}", f"mx{tag}", f"nobody_{tag}"  # an underscore, none, one again
    archive = _people_archive(tmp_path, [strong, half, none])

    # On Bluesky: the first took its X name (with '-') and says so in its bio;
    # the second took the same handle and name but says nothing; the third is not there.
    first = pds.create_account(f"rv-{tag}")
    _set_bluesky_profile(pds, first, {"displayName": "Réseau", "description": f"Ex https://x.com/{strong} 🚲"})
    second = pds.create_account(f"mx{tag}")
    _set_bluesky_profile(pds, second, {"displayName": half.title()})
    # On Mastodon: the first again, whose profile links to its Bluesky account.
    mastodon_server.create_account(strong)
    mastodon_server.client(strong).account_update_credentials(note=f"Aussi https://bsky.app/profile/{first.handle}")

    sheet = tmp_path / "contacts.csv"
    found = run_cli("contacts", "find", archive, "--to", "bluesky,mastodon", "--out", sheet)
    assert found.exit_code == 0, found.stderr
    rows = _sheet(sheet)
    assert rows[strong]["bluesky"] == first.handle and rows[strong]["bluesky_id"] == first.did
    assert (
        rows[strong]["bluesky_confidence"] == "strong" and "bio names the X account" in rows[strong]["bluesky_evidence"]
    )
    assert rows[strong]["mastodon"] == f"{strong}@{mastodon_server.domain}"
    assert rows[strong]["mastodon_confidence"] == "strong"
    assert rows[strong]["follow"] == "yes"
    assert rows[half]["bluesky"] == second.handle and rows[half]["bluesky_confidence"] == "likely"
    assert rows[half]["follow"] == ""  # a person decides
    assert rows[none]["bluesky"] == "" and rows[none]["mastodon"] == "" and rows[none]["follow"] == ""

    rows[half]["follow"] = "bluesky"  # reviewed: yes, on Bluesky
    _rewrite(sheet, rows)
    me = os.environ["QUITTEX_BLUESKY_HANDLE"]
    my_did = httpx.get(pds.xrpc_url("com.atproto.identity.resolveHandle"), params={"handle": me}, timeout=30).json()[
        "did"
    ]
    client = mastodon_server.client()
    me_on_mastodon = client.account_verify_credentials()["id"]
    before = {account["acct"] for account in client.account_following(me_on_mastodon)}  # the mock's seed
    followed = run_cli("contacts", "follow", sheet, "--yes")
    assert followed.exit_code == 0, followed.stderr
    assert sorted(_follows(pds, my_did)) == sorted([first.did, second.did])
    following = [account["acct"] for account in client.account_following(me_on_mastodon)]
    assert sorted(following) == sorted([*before, strong])

    again = run_cli("contacts", "follow", sheet, "--yes")
    assert again.exit_code == 0, again.stderr
    said = " ".join(again.stdout.split())
    assert "followed 0, already followed 2" in said and "followed 0, already followed 1" in said
    assert sorted(_follows(pds, my_did)) == sorted([first.did, second.did])

    exported = run_cli(
        "contacts", "export", sheet, "--mastodon-csv", tmp_path / "m.csv", "--handle-map", tmp_path / "h.csv"
    )
    assert exported.exit_code == 0, exported.stderr
    assert (tmp_path / "m.csv").read_text().splitlines() == [
        "Account address,Show boosts,Notify on new posts,Languages",
        f"{strong}@{mastodon_server.domain},true,false,",
    ]
    assert f"{strong},@{strong}@{mastodon_server.domain},{first.handle}" in (tmp_path / "h.csv").read_text()
    migrated = run_cli("migrate", archive, "--dry-run", "--handle-map", tmp_path / "h.csv", "--to", "bluesky")
    assert migrated.exit_code == 0, migrated.stderr


@pytest.mark.pds
def test_follow_runs_killed_and_resumed_follow_each_account_once(pds, accounts, tmp_path):
    _, mastodon_server = accounts
    people = [pds.create_account() for _ in range(24)]
    for person in people:
        mastodon_server.create_account(person.handle.split(".")[0].replace("-", "_"))
    sheet = tmp_path / "contacts.csv"
    header = ["x_id", "x_handle", "bluesky", "bluesky_id", "mastodon", "follow"]
    with sheet.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(header)
        for index, person in enumerate(people):
            local = person.handle.split(".")[0].replace("-", "_")
            writer.writerow(
                [str(index), f"x{index}", person.handle, person.did, f"{local}@{mastodon_server.domain}", "yes"]
            )
    me = os.environ["QUITTEX_BLUESKY_HANDLE"]
    my_did = httpx.get(pds.xrpc_url("com.atproto.identity.resolveHandle"), params={"handle": me}, timeout=30).json()[
        "did"
    ]
    env = {**os.environ, "QUITTEX_WIDTH": "120"}
    command = [sys.executable, "-m", "quittex", "contacts", "follow", str(sheet), "--yes"]
    client = mastodon_server.client()
    me_on_mastodon = client.account_verify_credentials()["id"]

    def mastodon_follows() -> int:
        return len(client.account_following(me_on_mastodon, limit=80))

    # Mastodon's follows come first: killed once among them, then twice among Bluesky's.
    for count in (mastodon_follows, lambda: len(_follows(pds, my_did)), lambda: len(_follows(pds, my_did))):
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seen = count()
        deadline = time.monotonic() + 60
        while process.poll() is None and count() < seen + 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    done = subprocess.run(
        command, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    follows = _follows(pds, my_did)
    assert sorted(follows) == sorted(person.did for person in people)  # each once
    following = client.account_following(me_on_mastodon, limit=80)
    followed = {account["acct"] for account in following}
    assert len(following) == len(followed) and {p.handle.split(".")[0].replace("-", "_") for p in people} <= followed
