"""`quittex profile` on a real PDS and on mastodon-mock: the profile written,
kept fields kept, images within limits and without EXIF, a second run that
changes nothing, a concurrent edit not lost, the introduction pinned, and
`--restore` putting everything back."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from quittex.platforms import platform
from quittex.profile.bluesky import PROFILE, SELF, BlueskyProfile
from quittex.profile.build import build_profiles
from quittex.profile.remote import changes
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = ROOT / "examples" / "twitter-example.zip"
CONFIG = ROOT / "examples" / "quittex.toml"


def _record(pds, account) -> tuple[dict, str]:
    answer = httpx.get(
        pds.xrpc_url("com.atproto.repo.getRecord"),
        params={"repo": account.did, "collection": PROFILE, "rkey": SELF},
        timeout=30,
    )
    answer.raise_for_status()
    body = answer.json()
    return body["value"], body["cid"]


def _put(pds, account, record: dict) -> None:
    answer = httpx.post(
        pds.xrpc_url("com.atproto.repo.putRecord"),
        json={"repo": account.did, "collection": PROFILE, "rkey": SELF, "record": record},
        headers=account.auth_headers,
        timeout=30,
    )
    answer.raise_for_status()


def _blob(pds, account, blob: dict) -> bytes:
    answer = httpx.get(
        pds.xrpc_url("com.atproto.sync.getBlob"),
        params={"did": account.did, "cid": blob["ref"]["$link"]},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.content


def _no_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), "EXIF left in a profile image"
    assert not {"exif", "xmp", "comment"} & set(image.info)
    return image


@pytest.mark.pds
def test_bluesky_profile_applied_once_kept_fields_and_restored(pds, accounts):
    account, _ = accounts
    before = {
        "$type": PROFILE,
        "displayName": "Ancien nom",
        "description": "ancienne bio",
        "createdAt": "2024-01-01T00:00:00.000Z",
    }
    _put(pds, account, before)

    refused = run_cli("profile", ARCHIVE, "--to", "bluesky", "--config", CONFIG)
    assert refused.exit_code == 2 and "--yes" in refused.stderr

    applied = run_cli("profile", ARCHIVE, "--to", "bluesky", "--config", CONFIG, "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "saved" in applied.stderr
    record, cid = _record(pds, account)
    assert record["displayName"] == "Vélo Lumière 🚲"
    assert record["description"].startswith("Atelier vélo participatif")
    assert "Aussi sur Mastodon\u00a0: @velobrume@mastodon.example.org" in record["description"]
    assert "https://velo-lumiere.example.org" in record["description"]  # the bio's t.co link, led where it goes
    assert record["createdAt"] == before["createdAt"]  # a field quittex does not set stays
    for kind, ratio in (("avatar", 1.0), ("banner", 3.0)):
        data = _blob(pds, account, record[kind])
        assert len(data) <= 1_000_000
        image = _no_metadata(data)
        assert image.width / image.height == pytest.approx(ratio, rel=0.01)

    again = run_cli("profile", ARCHIVE, "--to", "bluesky", "--config", CONFIG, "--yes")
    assert again.exit_code == 0, again.stderr
    assert "nothing changed" in again.stderr
    assert _record(pds, account)[1] == cid

    restored = run_cli("profile", "--restore", "--to", "bluesky", "--config", CONFIG, "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert _record(pds, account)[0] == before


@pytest.mark.pds
def test_bluesky_concurrent_edit_is_kept(pds, accounts):
    account, _ = accounts
    _put(pds, account, {"$type": PROFILE, "displayName": "Avant"})
    publisher = platform("bluesky").connect()
    try:
        side = BlueskyProfile()
        current = side.read(publisher)
        # Someone edits the profile in the app after quittex read it.
        _put(pds, account, {"$type": PROFILE, "displayName": "Avant", "description": "écrit ailleurs"})
        [draft] = build_profiles(None, _project(), ["bluesky"])
        draft.description.value = None  # quittex changes only the name here
        change = changes(draft, current, {}, None)
        side.apply(publisher, draft, current, change)
    finally:
        publisher.close()
    record, _ = _record(pds, account)
    assert record["displayName"] == "Collectif Vélo du Val-de-Brume"
    assert record["description"] == "écrit ailleurs"


@pytest.mark.pds
def test_bluesky_pins_the_introduction(pds, accounts):
    account, _ = accounts
    posted = run_cli("farewell", "--config", CONFIG, "--post", "bluesky", "--yes", "--lang", "fr")
    assert posted.exit_code == 0, posted.stderr
    applied = run_cli("profile", ARCHIVE, "--to", "bluesky", "--config", CONFIG, "--yes", "--no-avatar", "--no-banner")
    assert applied.exit_code == 0, applied.stderr
    record, _ = _record(pds, account)
    posts = httpx.get(
        pds.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": account.did, "collection": "app.bsky.feed.post"},
        timeout=30,
    ).json()["records"]
    assert record["pinnedPost"] == {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}


def test_mastodon_profile_fields_images_bot_pin_and_restore(accounts):
    _, mastodon_server = accounts
    client = mastodon_server.client()
    client.account_update_credentials(display_name="Alice d'avant", note="ancienne bio", fields=[("Perso", "à moi")])
    # mastodon-mock counts links at their full length (real Mastodon: 23).
    posted = run_cli(
        "farewell", "--config", CONFIG, "--post", "mastodon", "--yes", "--lang", "fr", "--mastodon-limit", "420"
    )
    assert posted.exit_code == 0, posted.stderr

    applied = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--yes", "--bot")
    assert applied.exit_code == 0, applied.stderr
    me = client.account_verify_credentials()
    assert me["display_name"] == "Vélo Lumière 🚲"
    assert me["source"]["note"].startswith("Atelier vélo participatif")
    fields = [(f["name"], f["value"]) for f in me["source"]["fields"] if f["name"]]
    assert fields == [
        ("Site web", "https://velobrume.example.org"),
        ("Bluesky", "https://bsky.app/profile/velobrume.bsky.social"),
        ("Ancien compte X (archivé)", "https://x.com/velo_lumiere"),
        ("Lettre d'info", "https://velobrume.example.org/lettre"),
    ]  # four fields: the instance's limit, so the account's own "Perso" gave way (it is saved)
    assert me["bot"] is True
    for kind, ratio in (("avatar", 1.0), ("header", 3.0)):
        data = httpx.get(me[kind], timeout=30).content
        image = _no_metadata(data)
        assert image.width / image.height == pytest.approx(ratio, rel=0.01)
    pinned = client.account_statuses(me["id"], pinned=True)
    assert len(pinned) == 1

    again = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--yes", "--bot")
    assert again.exit_code == 0 and "nothing changed" in again.stderr, again.stderr

    restored = run_cli("profile", "--restore", "--to", "mastodon", "--config", CONFIG, "--yes")
    assert restored.exit_code == 0, restored.stderr
    me = client.account_verify_credentials()
    assert me["display_name"] == "Alice d'avant" and me["source"]["note"] == "ancienne bio"
    assert [(f["name"], f["value"]) for f in me["source"]["fields"] if f["name"]] == [("Perso", "à moi")]
    assert me["bot"] is False
    assert "/generated/" in me["avatar"]  # no avatar, as before
    assert client.account_statuses(me["id"], pinned=True) == []


def test_dry_run_with_an_account_shows_the_profile_now(accounts):
    _, mastodon_server = accounts
    mastodon_server.client().account_update_credentials(display_name="Nom actuel")
    shown = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--dry-run", "--json")
    assert shown.exit_code == 0, shown.stderr
    import json

    [profile] = json.loads(shown.stdout)["profiles"]
    assert profile["now"]["display_name"] == "Nom actuel"
    assert "display_name" in profile["changes"] and "avatar" in profile["changes"]
    assert mastodon_server.client().account_verify_credentials()["display_name"] == "Nom actuel"


def _project():
    from quittex.config import load_config

    return load_config(CONFIG)


def test_farewell_post_pin_pins_and_restore_unpins(accounts):
    _, mastodon_server = accounts
    client = mastodon_server.client()
    posted = run_cli(
        "farewell",
        "--config",
        CONFIG,
        "--post",
        "mastodon",
        "--yes",
        "--pin",
        "--lang",
        "fr",
        "--mastodon-limit",
        "420",
    )
    assert posted.exit_code == 0, posted.stderr
    assert "Pinned to the Mastodon profile" in posted.stdout
    me = client.account_verify_credentials()
    assert len(client.account_statuses(me["id"], pinned=True)) == 1
    restored = run_cli("profile", "--restore", "--to", "mastodon", "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert client.account_statuses(me["id"], pinned=True) == []


def test_a_server_failing_once_is_retried_and_failing_always_is_one_clear_error(accounts):
    _, mastodon_server = accounts
    with mastodon_server.fail("/api/v1/accounts/update_credentials", status=503, count=1):
        once = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--yes", "--no-banner")
    assert once.exit_code == 0, once.stderr
    assert mastodon_server.client().account_verify_credentials()["display_name"] == "Vélo Lumière 🚲"
    with mastodon_server.fail("/api/v1/accounts/update_credentials", status=500, count=10):
        always = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--yes")
    assert always.exit_code == 1, always.stderr
    assert "500" in always.stderr and "Traceback" not in always.stderr and mastodon_server.token not in always.stderr
    with mastodon_server.fail("/api/v1/accounts/verify_credentials", status=401, count=10):
        refused = run_cli("profile", ARCHIVE, "--to", "mastodon", "--config", CONFIG, "--yes")
    assert refused.exit_code == 3, refused.stderr


@pytest.mark.pds
def test_bluesky_images_of_before_are_saved_and_put_back_byte_for_byte(pds, accounts):
    account, _ = accounts
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "#884400").save(buffer, "PNG")
    uploaded = httpx.post(
        pds.xrpc_url("com.atproto.repo.uploadBlob"),
        content=buffer.getvalue(),
        headers={**account.auth_headers, "Content-Type": "image/png"},
        timeout=30,
    )
    uploaded.raise_for_status()
    blob = uploaded.json()["blob"]
    _put(pds, account, {"$type": PROFILE, "displayName": "Avec image", "avatar": blob})

    applied = run_cli("profile", ARCHIVE, "--to", "bluesky", "--config", CONFIG, "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert _record(pds, account)[0]["avatar"]["ref"] != blob["ref"]
    restored = run_cli("profile", "--restore", "--to", "bluesky", "--yes")
    assert restored.exit_code == 0, restored.stderr
    record, _ = _record(pds, account)
    assert record["avatar"]["ref"] == blob["ref"] and record["displayName"] == "Avec image"
    assert _blob(pds, account, record["avatar"]) == buffer.getvalue()
