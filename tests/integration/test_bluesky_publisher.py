"""BlueskyPublisher against a real PDS on loopback.

Everything is read back with `getRecord` / `listRecords` (the PDS has no
AppView): thread refs, backdated `createdAt`, facets, langs, embeds, and that
retries and resumes leave exactly one record per post.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from atproto import Client
from atproto_client.client.session import Session
from PIL import Image

from quittex.errors import AuthError
from quittex.platforms.bluesky import bluesky_budgets
from quittex.publish.base import MediaFile, RateLimitError, RefusedError
from quittex.publish.bluesky import BlueskyPublisher
from quittex.publish.journal import Entry, Remote
from quittex.publish.pacing import Pacer
from quittex.rewrite.draft import BlueskyDraft, Facet, Feature, QuoteEmbed
from tests.integration.pds import Account, LocalPDS
from tests.media.factories import mp4_bytes

pytestmark = pytest.mark.pds

POST = "app.bsky.feed.post"
SNOWFLAKE_EPOCH_MS = 1288834974657
START = datetime(2019, 3, 1, 12, 0, tzinfo=UTC)


def snowflake(moment: datetime, sequence: int = 0) -> str:
    return str((int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22 | sequence)


def tweet_draft(minutes: int, text: str = "Un message", **fields) -> BlueskyDraft:
    moment = START + timedelta(minutes=minutes)
    base = dict(
        tweet_id=snowflake(moment), part=0, parts=1, parent=None, root=None, created_at=moment, text=text, langs=["fr"]
    )
    return BlueskyDraft(**{**base, **fields})


def sending(draft: BlueskyDraft, key: str | None = None) -> Entry:
    return Entry(draft.tweet_id, draft.part, "sending", draft.created_at.isoformat(), key, None, None, 1, None, None)


def png(width: int, height: int, colour=(200, 30, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def log_in(server: LocalPDS, account: Account) -> Client:
    return server.login(account, server.create_app_password(account))


@pytest.fixture
def account(pds: LocalPDS) -> Account:
    return pds.create_account()


@pytest.fixture
def publisher(pds: LocalPDS, account: Account) -> BlueskyPublisher:
    return BlueskyPublisher(log_in(pds, account), account.did, handle=account.handle, video_service=None)


def publish(publisher: BlueskyPublisher, draft: BlueskyDraft, media=(), parent=None, root=None) -> Remote:
    return publisher.create(draft, publisher.request_key(draft), list(media), parent, root)


def stored(publisher: BlueskyPublisher, remote: Remote):
    rkey = remote.id.rsplit("/", 1)[-1]
    return publisher.client.com.atproto.repo.get_record({"repo": publisher.did, "collection": POST, "rkey": rkey})


def all_posts(publisher: BlueskyPublisher) -> list:
    params = {"repo": publisher.did, "collection": POST, "limit": 100}
    return publisher.client.com.atproto.repo.list_records(params).records


# -- posts ---------------------------------------------------------------------------


def test_a_thread_is_chained_by_root_and_parent_refs(publisher: BlueskyPublisher):
    first = tweet_draft(0, "1/3 Début du fil")
    second = tweet_draft(1, "2/3 Suite", parent=first.ref, root=first.ref)
    third = tweet_draft(2, "3/3 Fin", parent=second.ref, root=first.ref)

    root = publish(publisher, first)
    middle = publish(publisher, second, parent=root, root=None)
    last = publish(publisher, third, parent=middle, root=root)

    assert stored(publisher, root).value.reply is None
    reply = stored(publisher, middle).value.reply
    assert (reply.root.uri, reply.root.cid, reply.parent.uri, reply.parent.cid) == (
        root.id,
        root.cid,
        root.id,
        root.cid,
    )
    reply = stored(publisher, last).value.reply
    assert (reply.root.uri, reply.root.cid) == (root.id, root.cid)
    assert (reply.parent.uri, reply.parent.cid) == (middle.id, middle.cid)
    assert {record.uri for record in all_posts(publisher)} == {root.id, middle.id, last.id}


def test_the_post_is_backdated_with_its_facets_and_languages(publisher: BlueskyPublisher, account: Account):
    text = "Voir https://example.org/a et #Grève ✊"
    link_start = len(b"Voir ")
    link_end = link_start + len(b"https://example.org/a")
    tag_start = text.encode().index("#Grève".encode())
    facets = [
        Facet(link_start, link_end, Feature("link", "https://example.org/a")),
        Facet(tag_start, tag_start + len("#Grève".encode()), Feature("tag", "Grève")),
    ]
    draft = tweet_draft(10, text, facets=facets, langs=["fr", "es"], part=1, parts=2)

    remote = publish(publisher, draft)

    value = stored(publisher, remote).value
    assert value.created_at == draft.record_created_at == "2019-03-01T12:10:00.001Z"
    assert (value.text, value.langs) == (text, ["fr", "es"])
    spans = [text.encode()[f.index.byte_start : f.index.byte_end].decode() for f in value.facets]
    assert spans == ["https://example.org/a", "#Grève"]
    assert (value.facets[0].features[0].uri, value.facets[1].features[0].tag) == ("https://example.org/a", "Grève")
    listed = all_posts(publisher)
    assert [(r.uri, r.value.created_at) for r in listed] == [(remote.id, "2019-03-01T12:10:00.001Z")]
    rkey = publisher.request_key(draft)
    assert remote.id == f"at://{account.did}/{POST}/{rkey}"
    assert remote.url == f"https://bsky.app/profile/{account.handle}/post/{rkey}"


def test_images_are_posted_with_alt_text_and_aspect_ratio(pds: LocalPDS, publisher: BlueskyPublisher):
    files = [
        MediaFile("photo", png(30, 20), "image/png", alt="Une banderole rose", width=30, height=20),
        MediaFile("photo", png(10, 40, (0, 90, 200)), "image/png", alt="", width=10, height=40),
    ]
    uploaded = [publisher.upload(media) for media in files]

    remote = publish(publisher, tweet_draft(20, "Deux photos"), uploaded)

    images = stored(publisher, remote).value.embed.images
    assert [(i.alt, i.aspect_ratio.width, i.aspect_ratio.height) for i in images] == [
        ("Une banderole rose", 30, 20),
        ("", 10, 40),
    ]
    for image, media in zip(images, files, strict=True):
        assert (image.image.mime_type, image.image.size) == ("image/png", len(media.data))
        query = {"did": publisher.did, "cid": str(image.image.cid)}
        assert httpx.get(pds.xrpc_url("com.atproto.sync.getBlob"), params=query).content == media.data


def test_without_a_video_service_a_video_goes_up_as_a_blob_and_embeds(publisher: BlueskyPublisher):
    video = MediaFile("video", mp4_bytes(seconds=3), "video/mp4", alt="Manifestation", width=640, height=360)

    remote = publish(publisher, tweet_draft(25, "Une vidéo"), [publisher.upload(video)])

    embed = stored(publisher, remote).value.embed
    assert embed.py_type == "app.bsky.embed.video"
    assert (embed.alt, embed.aspect_ratio.width, embed.aspect_ratio.height) == ("Manifestation", 640, 360)
    assert (embed.video.mime_type, embed.video.size) == ("video/mp4", len(video.data))


def test_a_quote_embeds_the_quoted_post_with_or_without_media(publisher: BlueskyPublisher):
    quoted = publish(publisher, tweet_draft(30, "Le message cité"))
    quote = QuoteEmbed("1", "https://x.com/a/status/1", uri=quoted.id, cid=quoted.cid)
    photo = publisher.upload(MediaFile("photo", png(20, 20), "image/png", alt="Un carré", width=20, height=20))

    plain = publish(publisher, tweet_draft(31, "Je cite", quote=quote))
    with_media = publish(publisher, tweet_draft(32, "Je cite avec photo", quote=quote), [photo])

    embed = stored(publisher, plain).value.embed
    assert (embed.py_type, embed.record.uri, embed.record.cid) == ("app.bsky.embed.record", quoted.id, quoted.cid)
    embed = stored(publisher, with_media).value.embed
    assert embed.py_type == "app.bsky.embed.recordWithMedia"
    assert (embed.record.record.uri, embed.record.record.cid) == (quoted.id, quoted.cid)
    assert embed.media.images[0].alt == "Un carré"


# -- exactly once -------------------------------------------------------------------------


def test_putting_the_same_draft_twice_leaves_one_record_with_the_same_cid(publisher: BlueskyPublisher):
    draft = tweet_draft(40, "Une seule fois")
    photo = MediaFile("photo", png(12, 8), "image/png", alt="Petit", width=12, height=8)

    first = publish(publisher, draft, [publisher.upload(photo)])
    rebuilt = tweet_draft(40, "Une seule fois")  # a resumed run rebuilds and re-uploads everything
    second = publish(publisher, rebuilt, [publisher.upload(photo)])

    assert second == first
    assert [record.uri for record in all_posts(publisher)] == [first.id]


def test_find_sees_a_post_only_once_it_exists(publisher: BlueskyPublisher):
    draft = tweet_draft(50, "Envoyé juste avant le crash ?")
    key = publisher.request_key(draft)

    before = publisher.find(draft, sending(draft, key))
    created = publish(publisher, draft)
    after = publisher.find(draft, sending(draft, key))
    without_key = publisher.find(draft, sending(draft, None))

    assert before is None
    assert after == without_key == created


def test_delete_removes_the_post_and_a_second_delete_is_harmless(publisher: BlueskyPublisher):
    draft = tweet_draft(60, "À supprimer")
    remote = publish(publisher, draft)

    publisher.delete(remote)
    publisher.delete(remote)

    assert publisher.find(draft, sending(draft)) is None
    assert all_posts(publisher) == []


# -- refusals ---------------------------------------------------------------------------------


def test_a_post_the_pds_refuses_fails_with_the_servers_reason(publisher: BlueskyPublisher):
    with pytest.raises(RefusedError) as refused:
        publish(publisher, tweet_draft(70, "é" * 301))
    assert refused.value.status == 400
    assert "grapheme" in refused.value.message.lower()
    assert all_posts(publisher) == []


def test_a_token_the_pds_cannot_verify_is_an_auth_error(pds: LocalPDS, account: Account):
    client = log_in(pds, account)
    header, payload, signature = client.export_session_string().split(":::")[2].split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    forged = Client(base_url=pds.url)
    session = Session(account.handle, account.did, tampered, tampered, pds.url)
    forged.login(session_string=session.encode(), fetch_bsky_profile=False)

    with pytest.raises(AuthError) as refused:
        publish(BlueskyPublisher(forged, account.did, video_service=None), tweet_draft(80))

    assert "InvalidToken" in refused.value.message
    assert tampered not in str(refused.value) and signature not in str(refused.value)


# -- rate limits (a PDS of its own with PDS_RATE_LIMITS_ENABLED=true) ------------------------------


class WouldWait(Exception):
    """The pacer wanted to sleep: the test stops there instead of waiting."""


def spend_write_points(server: LocalPDS, account: Account) -> int:
    """Spend the hourly write budget out of band (applyWrites creates at 3
    points, a last putRecord at 2) until fewer than 2 points remain; returns
    what is left."""
    left = 5000
    while left >= 2:
        if left >= 3:
            answer = raw_write(
                server, account, "com.atproto.repo.applyWrites", {"writes": creates(min(200, left // 3))}
            )
        else:
            put = {"collection": POST, "rkey": "2222222222222", "record": record_json("2 points")}
            answer = raw_write(server, account, "com.atproto.repo.putRecord", put)
        left = int(answer.headers["RateLimit-Remaining"])
        if answer.headers["RateLimit-Policy"] != "5000;w=3600":  # the per-IP bucket is still the tightest
            left = max(left, 3)
    return left


def raw_write(server: LocalPDS, account: Account, nsid: str, body: dict) -> httpx.Response:
    headers = account.auth_headers
    answer = httpx.post(server.xrpc_url(nsid), json={"repo": account.did, **body}, headers=headers, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer


def record_json(text: str) -> dict:
    return {"$type": POST, "text": text, "createdAt": "2019-01-01T00:00:00.000Z"}


def creates(count: int) -> list[dict]:
    return [
        {"$type": "com.atproto.repo.applyWrites#create", "collection": POST, "value": record_json(f"lot {i}")}
        for i in range(count)
    ]


def test_a_429_storm_gets_one_429_then_the_pacer_holds_until_the_reset(pds_factory):
    server = pds_factory(rate_limits=True)
    account = server.create_account()
    waits: list[tuple[float, str]] = []

    def refuse_to_sleep(seconds: float) -> None:
        raise WouldWait

    pacer = Pacer(bluesky_budgets(), sleep=refuse_to_sleep, on_wait=lambda left, why: waits.append((left, why)))
    publisher = BlueskyPublisher(log_in(server, account), account.did, pacer=pacer, video_service=None)
    assert spend_write_points(server, account) < 2

    with pytest.raises(RateLimitError) as limited:
        publish(publisher, tweet_draft(90, "Trop tard pour cette heure"))
    now = time.time()
    assert limited.value.reset_at is not None and now < limited.value.reset_at <= now + 3600
    assert "5000;w=3600" in limited.value.message
    assert pacer.blocked_until == limited.value.reset_at + 1

    for _attempt in range(3):  # the runner retries: each attempt waits instead of asking again
        with pytest.raises(WouldWait):
            publish(publisher, tweet_draft(90, "Trop tard pour cette heure"))
    assert pacer.rate_limited == 1
    assert len(waits) == 3
    for left, reason in waits:
        assert reason == "rate-limited by the server"
        assert limited.value.reset_at - now - 60 < left <= limited.value.reset_at + 1 - now + 1
