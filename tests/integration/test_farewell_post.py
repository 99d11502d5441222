"""`quittex farewell --post`: the intro post reaches the new accounts, once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import run_cli

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "quittex.toml"


@pytest.mark.pds
def test_intro_posts_to_both_new_accounts_once(pds, accounts):
    account, mastodon_server = accounts

    refused = run_cli("farewell", "--config", CONFIG, "--post", "bluesky")
    assert refused.exit_code == 2 and "--yes" in refused.stderr

    bluesky = run_cli("farewell", "--config", CONFIG, "--post", "bluesky", "--yes", "--lang", "fr")
    assert bluesky.exit_code == 0, bluesky.stderr
    assert "Published on Bluesky" in bluesky.stdout
    records = httpx.get(
        pds.xrpc_url("com.atproto.repo.listRecords"),
        params={"repo": account.did, "collection": "app.bsky.feed.post"},
        timeout=30,
    ).json()["records"]
    [record] = records
    text = record["value"]["text"].encode()
    links = [f for f in record["value"]["facets"] if f["features"][0]["$type"] == "app.bsky.richtext.facet#link"]
    assert links and all(text[f["index"]["byteStart"] : f["index"]["byteEnd"]] for f in links)
    assert record["value"]["langs"] == ["fr"]

    # mastodon-mock counts links at their full length (real Mastodon: 23), so
    # keep the post under 500 characters by its count too.
    mastodon = run_cli(
        "farewell", "--config", CONFIG, "--post", "mastodon", "--yes", "--lang", "fr", "--mastodon-limit", "420"
    )
    assert mastodon.exit_code == 0, mastodon.stderr
    client = mastodon_server.client()
    statuses = client.account_statuses(client.account_verify_credentials()["id"])
    assert len(statuses) == 1 and statuses[0]["visibility"] == "public"

    again = run_cli(
        "farewell", "--config", CONFIG, "--post", "mastodon", "--yes", "--lang", "fr", "--mastodon-limit", "420"
    )
    assert again.exit_code == 2 and "already on Mastodon" in again.stderr
    assert len(client.account_statuses(client.account_verify_credentials()["id"])) == 1
