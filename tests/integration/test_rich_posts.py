"""Rich posts on real servers: native quotes on Mastodon 4.5+, a link on older
servers; replies that keep their context."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.mastodon_server import mastodon_server_factory  # noqa: F401 - fixture

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "twitter-example.zip"
GATES = ("--bluesky-replies", "followers", "--bluesky-no-quotes")


def _statuses(server) -> list:
    client = server.client()
    me = client.account_verify_credentials()
    return sorted(client.account_statuses(me["id"], limit=40), key=lambda s: int(s["id"]))


def _publish(server, monkeypatch, *options: str):
    monkeypatch.setenv("QUITTEX_MASTODON_URL", server.url)
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", server.token)
    # mastodon-mock counts links at full length: a higher limit keeps every post in one piece.
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon", "--yes", *options)
    assert result.exit_code == 0, result.stdout + result.stderr
    return _statuses(server)


def test_a_quote_of_an_own_tweet_is_a_native_quote_on_mastodon_4_5(mastodon_server_factory, monkeypatch):  # noqa: F811
    server = mastodon_server_factory(version="4.5.7")
    statuses = _publish(server, monkeypatch, "--quote-policy", "followers")
    quoting = [s for s in statuses if s.get("quote")]
    assert len(quoting) == 1
    quoted = quoting[0]["quote"]["quoted_status"]
    root = next(s for s in statuses if "Bilan de notre balade" in s["content"])
    assert str(quoted["id"]) == str(root["id"])
    assert "/status" not in quoting[0]["content"]  # no link stands in for the quote
    assert {s["quote_approval_policy"] for s in statuses} == {"followers"}  # --quote-policy, on every post


def test_an_older_mastodon_gets_the_link_as_before(mastodon_server_factory, monkeypatch):  # noqa: F811
    server = mastodon_server_factory(version="4.4.3")
    statuses = _publish(server, monkeypatch)
    assert not [s for s in statuses if s.get("quote")]
    root = next(s for s in statuses if "Bilan de notre balade" in s["content"])
    assert any(root["url"] in s["content"] for s in statuses if s is not root)


def test_replies_to_others_say_whom_they_answer(mastodon_server_factory, monkeypatch):  # noqa: F811
    server = mastodon_server_factory()
    statuses = _publish(server, monkeypatch, "--include-replies")
    reply = next(s for s in statuses if "atelier est gratuit" in s["content"])
    assert "En réponse à" in reply["content"] and "x.com/voisine_engagee/status/" in reply["content"]


@pytest.mark.pds
def test_bluesky_gates_on_migrated_posts(pds, accounts):
    import httpx

    account, _ = accounts
    result = run_cli(
        "migrate", EXAMPLE, "--to", "bluesky", "--yes", "--bluesky-replies", "followers", "--bluesky-no-quotes"
    )
    assert result.exit_code == 0, result.stdout + result.stderr

    def records(collection: str) -> dict[str, dict]:
        answer = httpx.get(
            pds.xrpc_url("com.atproto.repo.listRecords"),
            params={"repo": account.did, "collection": collection, "limit": 100},
            timeout=30,
        ).json()
        return {record["uri"].rsplit("/", 1)[-1]: record["value"] for record in answer["records"]}

    posts, threadgates, postgates = (
        records(c) for c in ("app.bsky.feed.post", "app.bsky.feed.threadgate", "app.bsky.feed.postgate")
    )
    roots = {key for key, post in posts.items() if "reply" not in post}
    assert set(threadgates) == roots and set(postgates) == set(posts)  # each under its post's record key
    some = next(iter(threadgates.values()))
    assert some["allow"] == [{"$type": "app.bsky.feed.threadgate#followerRule"}]
    assert some["post"].startswith(f"at://{account.did}/app.bsky.feed.post/")
    assert next(iter(postgates.values()))["embeddingRules"] == [{"$type": "app.bsky.feed.postgate#disableRule"}]
    again = run_cli(
        "migrate", EXAMPLE, "--to", "bluesky", "--yes", "--bluesky-replies", "followers", "--bluesky-no-quotes"
    )
    assert again.exit_code == 0 and len(records("app.bsky.feed.postgate")) == len(postgates)
    undone = run_cli("undo", "--to", "bluesky", "--yes")
    assert undone.exit_code == 0, undone.stdout + undone.stderr
    assert (
        records("app.bsky.feed.post") == records("app.bsky.feed.threadgate") == records("app.bsky.feed.postgate") == {}
    )
