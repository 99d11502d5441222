"""BlueskyPublisher against a mocked transport: the records it writes, how it
paces on the server's headers, and how every failure is mapped.

The SDK talks through httpx, so pytest-httpx answers in place of a PDS (and of
the video service). A logged-in SDK client is made from a session string, so
no login request is needed.
"""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import UTC, datetime

import httpx
import pytest
from atproto import Client
from atproto_client.client.session import Session
from hypothesis import given, settings
from hypothesis import strategies as st

from quittex.errors import AuthError
from quittex.platforms.bluesky import bluesky_budgets
from quittex.publish.base import MediaFile, RateLimitError, RefusedError, TransientError, UploadedMedia
from quittex.publish.bluesky import (
    VIDEO_ALT_MAX_GRAPHEMES,
    BlueskyPublisher,
    post_record,
    video_embed,
)
from quittex.publish.journal import Entry, Remote
from quittex.publish.pacing import Pacer
from quittex.publish.tid import tweet_tid
from quittex.rewrite.draft import BlueskyDraft, Facet, Feature, QuoteEmbed
from quittex.rewrite.measure import grapheme_count

PDS = "https://pds.example"
VIDEO = "https://video.example"
DID = "did:plc:alice7777777777777777777"
HANDLE = "alice.example"
XRPC = f"{PDS}/xrpc"
NOW = 1_750_000_000.0
CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
BLOB_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
TWEET_ID = "1101452019103563899"  # 2019-03-01 12:00 UTC
TWEET_TIME = datetime(2019, 3, 1, 12, 0, tzinfo=UTC)
STAMP = "2019-03-01T12:00:00.000Z"


def fake_jwt(**claims) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    payload = {"sub": DID, "scope": "com.atproto.appPass", "exp": 4_102_444_800, **claims}  # 2100
    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(payload)}.c2lnbmF0dXJl"


ACCESS_JWT = fake_jwt(kind="access")


class FakeTime:
    """A clock the pacer reads and a sleep that advances it."""

    def __init__(self) -> None:
        self.now = NOW
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def no_network(httpx_mock):
    """Every request of these tests meets the mock, never the network."""
    return httpx_mock


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client() -> Client:
    sdk = Client(base_url=PDS)
    session = Session(HANDLE, DID, ACCESS_JWT, fake_jwt(kind="refresh"), PDS)
    sdk.login(session_string=session.encode(), fetch_bsky_profile=False)
    return sdk


@pytest.fixture
def publisher(client: Client, fake_time: FakeTime) -> BlueskyPublisher:
    pacer = Pacer(bluesky_budgets(), clock=fake_time.clock, sleep=fake_time.sleep)
    return BlueskyPublisher(client, DID, pacer=pacer, video_service=None)


def make_draft(**overrides) -> BlueskyDraft:
    fields = dict(
        tweet_id=TWEET_ID,
        part=0,
        parts=1,
        parent=None,
        root=None,
        created_at=TWEET_TIME,
        text="Bonjour #militantisme",
        langs=["fr"],
    )
    fields.update(overrides)
    return BlueskyDraft(**fields)


def blob(mime: str = "image/png", size: int = 1234) -> dict:
    return {"$type": "blob", "ref": {"$link": BLOB_CID}, "mimeType": mime, "size": size}


def photo(alt: str = "Une banderole", width: int | None = 30, height: int | None = 20) -> UploadedMedia:
    return UploadedMedia("photo", blob(), alt, width, height)


def uri_of(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


def put_answer(httpx_mock, rkey: str = "", headers: dict | None = None, **kwargs) -> None:
    httpx_mock.add_response(
        method="POST",
        url=f"{XRPC}/com.atproto.repo.putRecord",
        json={"uri": uri_of(rkey or tweet_tid(TWEET_ID, TWEET_TIME, 0)), "cid": CID},
        headers=headers,
        **kwargs,
    )


def sent_json(httpx_mock, nsid: str) -> dict:
    return json.loads(httpx_mock.get_request(url=f"{XRPC}/{nsid}").content)


def create(publisher: BlueskyPublisher, draft: BlueskyDraft | None = None, media=(), parent=None, root=None):
    draft = draft or make_draft()
    return publisher.create(draft, publisher.request_key(draft), list(media), parent, root)


def sending_entry(key: str | None) -> Entry:
    return Entry(TWEET_ID, 0, "sending", TWEET_TIME.isoformat(), key, None, None, 1, None, None)


# -- keys, records, URLs --------------------------------------------------------------


def test_the_request_key_is_the_tweets_deterministic_tid(publisher):
    draft = make_draft(part=2)
    assert publisher.request_key(draft) == tweet_tid(TWEET_ID, TWEET_TIME, 2)
    assert publisher.request_key(make_draft(part=2)) == publisher.request_key(draft)


def test_create_puts_the_backdated_record_under_the_key_and_returns_uri_cid_and_url(publisher, httpx_mock):
    put_answer(httpx_mock)
    facet = Facet(11, 21, Feature("tag", "militantisme"))
    draft = make_draft(facets=[facet], labels=["graphic-media"])

    remote = create(publisher, draft)

    body = sent_json(httpx_mock, "com.atproto.repo.putRecord")
    key = tweet_tid(TWEET_ID, TWEET_TIME, 0)
    assert (body["repo"], body["collection"], body["rkey"]) == (DID, "app.bsky.feed.post", key)
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert (record["text"], record["langs"]) == ("Bonjour #militantisme", ["fr"])
    assert record["createdAt"] == draft.record_created_at and record["createdAt"].startswith("2019-03-01T12:00:")
    assert record["facets"][0]["index"] == {"byteStart": 11, "byteEnd": 21}
    assert record["facets"][0]["features"][0] == {"$type": "app.bsky.richtext.facet#tag", "tag": "militantisme"}
    assert record["labels"]["values"] == [{"val": "graphic-media"}]
    assert "reply" not in record and "embed" not in record
    assert remote == Remote(id=uri_of(key), cid=CID, url=f"https://bsky.app/profile/{DID}/post/{key}")


def test_the_web_url_uses_the_handle_when_given(client, httpx_mock):
    put_answer(httpx_mock)
    publisher = BlueskyPublisher(client, DID, handle=HANDLE, video_service=None)
    remote = create(publisher)
    assert remote.url == f"https://bsky.app/profile/{HANDLE}/post/{tweet_tid(TWEET_ID, TWEET_TIME, 0)}"


def test_a_reply_carries_root_and_parent_strong_refs():
    root = Remote(uri_of("3kaaaaaaaaaa2"), cid="bafyroot", url=None)
    parent = Remote(uri_of("3kaaaaaaaaab2"), cid="bafyparent", url=None)

    record = post_record(make_draft(), [], parent, root)
    reply_to_top_level = post_record(make_draft(), [], parent, None)

    assert record["reply"] == {
        "root": {"uri": root.id, "cid": "bafyroot"},
        "parent": {"uri": parent.id, "cid": "bafyparent"},
    }
    assert reply_to_top_level["reply"]["root"] == reply_to_top_level["reply"]["parent"]


def test_a_parent_without_a_cid_cannot_be_replied_to():
    with pytest.raises(RefusedError, match="no Bluesky URI and CID"):
        post_record(make_draft(), [], Remote("109876543210"), None)


def test_images_carry_alt_text_and_aspect_ratio():
    media = [photo("Une banderole", 30, 20), photo("", None, None)]
    embed = post_record(make_draft(), media, None, None)["embed"]
    assert embed == {
        "$type": "app.bsky.embed.images",
        "images": [
            {"alt": "Une banderole", "image": blob(), "aspectRatio": {"width": 30, "height": 20}},
            {"alt": "", "image": blob()},
        ],
    }


def test_a_video_or_gif_becomes_a_video_embed():
    video = UploadedMedia("animated_gif", blob("video/mp4"), "Un chat", 640, 360)
    embed = post_record(make_draft(), [video], None, None)["embed"]
    assert embed == {
        "$type": "app.bsky.embed.video",
        "video": blob("video/mp4"),
        "alt": "Un chat",
        "aspectRatio": {"width": 640, "height": 360},
    }


def test_a_quote_is_a_record_embed_and_with_media_a_record_with_media():
    quote = QuoteEmbed("1", "https://x.com/a/status/1", uri=uri_of("3kaaaaaaaaaa2"), cid="bafyquoted")
    quoted = {"$type": "app.bsky.embed.record", "record": {"uri": uri_of("3kaaaaaaaaaa2"), "cid": "bafyquoted"}}

    alone = post_record(make_draft(quote=quote), [], None, None)["embed"]
    with_photo = post_record(make_draft(quote=quote), [photo()], None, None)["embed"]

    assert alone == quoted
    assert with_photo["$type"] == "app.bsky.embed.recordWithMedia"
    assert with_photo["record"] == quoted
    assert with_photo["media"]["$type"] == "app.bsky.embed.images"


def test_an_unresolved_quote_adds_no_embed():
    draft = make_draft(quote=QuoteEmbed("1", "https://x.com/a/status/1"))
    assert "embed" not in post_record(draft, [], None, None)


@pytest.mark.parametrize(
    "media, message",
    [
        ([photo(), UploadedMedia("video", blob("video/mp4"))], "not both"),
        ([photo()] * 5, "at most 4 images"),
    ],
)
def test_media_bluesky_cannot_carry_are_refused_before_any_request(publisher, httpx_mock, media, message):
    with pytest.raises(RefusedError, match=message):
        create(publisher, media=media)
    assert httpx_mock.get_requests() == []


def test_empty_languages_and_facets_are_left_out():
    record = post_record(make_draft(langs=[], text=""), [photo()], None, None)
    assert set(record) == {"$type", "text", "createdAt", "embed"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "e\u0301", "👩🏽‍🚒", " ", "字"]), max_size=1500).map("".join))
def test_video_alt_text_fits_the_lexicon_and_short_ones_are_untouched(alt):
    embed = video_embed(UploadedMedia("video", blob("video/mp4"), alt))
    kept = embed.get("alt", "")
    assert grapheme_count(kept) <= VIDEO_ALT_MAX_GRAPHEMES
    if grapheme_count(alt) <= VIDEO_ALT_MAX_GRAPHEMES:
        assert kept == alt


def test_only_bluesky_drafts_are_accepted(publisher):
    from quittex.rewrite.draft import MastodonDraft

    draft = MastodonDraft(tweet_id=TWEET_ID, part=0, parts=1, parent=None, root=None, created_at=TWEET_TIME, text="x")
    with pytest.raises(TypeError):
        publisher.create(draft, "3kaaaaaaaaaa2", [], None, None)


# -- pacing -----------------------------------------------------------------------------


def no_gates(httpx_mock) -> None:
    """The post has no threadgate and no postgate (getRecord: RecordNotFound)."""
    httpx_mock.add_response(
        method="GET",
        url=re.compile(rf"{re.escape(XRPC)}/com\.atproto\.repo\.getRecord\?.*feed\.(threadgate|postgate).*"),
        status_code=400,
        json={"error": "RecordNotFound", "message": "Could not locate record"},
        is_reusable=True,
    )


def test_a_put_costs_two_write_points_and_a_delete_one(publisher, httpx_mock):
    put_answer(httpx_mock)
    httpx_mock.add_response(method="POST", url=f"{XRPC}/com.atproto.repo.deleteRecord", json={})
    no_gates(httpx_mock)

    remote = create(publisher)
    publisher.delete(remote)

    hourly = publisher.pacer.budgets["write"][0]
    assert [cost for _, cost in hourly.spent] == [2, 1]


def test_the_servers_headers_pace_the_next_request(publisher, httpx_mock, fake_time):
    reset = int(NOW) + 120
    headers = {"RateLimit-Limit": "5000", "RateLimit-Remaining": "1", "RateLimit-Reset": str(reset)}
    put_answer(httpx_mock, headers=headers)
    put_answer(httpx_mock)

    create(publisher)
    assert publisher.pacer.server.remaining == 1 and fake_time.slept == []
    create(publisher)  # 2 points needed, 1 left: wait for the reset first

    assert fake_time.now >= reset
    assert len(httpx_mock.get_requests()) == 2


def test_a_429_blocks_the_pacer_until_the_servers_reset(publisher, httpx_mock, fake_time):
    reset = int(NOW) + 600
    headers = {"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset), "RateLimit-Policy": "5000;w=3600"}
    put_answer(httpx_mock, status_code=429, headers=headers)
    httpx_mock.add_response(
        method="POST",
        url=f"{XRPC}/com.atproto.repo.putRecord",
        status_code=429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers=headers,
    )
    with pytest.raises(RateLimitError) as first:
        create(publisher)
    assert first.value.reset_at == reset
    assert publisher.pacer.blocked_until == reset + 1
    assert "5000;w=3600" in first.value.message

    with pytest.raises(RateLimitError):
        create(publisher)  # the next attempt waited for the reset before going out
    assert fake_time.now >= reset + 1
    assert publisher.pacer.rate_limited == 2


def test_a_429_without_reset_header_uses_retry_after(publisher, httpx_mock):
    httpx_mock.add_response(
        method="POST", url=f"{XRPC}/com.atproto.repo.putRecord", status_code=429, headers={"Retry-After": "30"}
    )
    with pytest.raises(RateLimitError) as refused:
        create(publisher)
    assert refused.value.reset_at == NOW + 30


# -- failures ---------------------------------------------------------------------------


def xrpc_error(httpx_mock, status: int, error: str = "", message: str = "", nsid="com.atproto.repo.putRecord"):
    body = {key: value for key, value in (("error", error), ("message", message)) if value}
    httpx_mock.add_response(method="POST", url=f"{XRPC}/{nsid}", status_code=status, json=body)


def test_a_refused_post_carries_the_servers_reason(publisher, httpx_mock):
    reason = "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
    xrpc_error(httpx_mock, 400, "InvalidRequest", reason)
    with pytest.raises(RefusedError) as refused:
        create(publisher)
    assert refused.value.status == 400
    assert "must not be longer than 300 graphemes" in refused.value.message


@pytest.mark.parametrize(
    "status, error", [(400, "ExpiredToken"), (400, "InvalidToken"), (401, "AuthRequired"), (403, "AccountTakedown")]
)
def test_session_problems_stop_the_run(publisher, httpx_mock, status, error):
    xrpc_error(httpx_mock, status, error, "Token has expired")
    with pytest.raises(AuthError) as refused:
        create(publisher)
    assert refused.value.exit_code == 3 and "quittex login bluesky" in refused.value.hint


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 409])
def test_server_errors_are_transient(publisher, httpx_mock, status):
    xrpc_error(httpx_mock, status, "InternalServerError", "Internal Server Error")
    with pytest.raises(TransientError):
        create(publisher)


def test_a_blob_too_large_is_refused_not_retried(publisher, httpx_mock):
    xrpc_error(httpx_mock, 413, "PayloadTooLarge", "request entity too large", nsid="com.atproto.repo.uploadBlob")
    with pytest.raises(RefusedError) as refused:
        publisher.upload(MediaFile("photo", b"\x89PNG" * 10, "image/png"))
    assert refused.value.status == 413


@pytest.mark.parametrize(
    "exception",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.WriteError("broken pipe"),
    ],
)
def test_timeouts_and_dropped_connections_are_transient(publisher, httpx_mock, exception):
    httpx_mock.add_exception(exception, method="POST", url=f"{XRPC}/com.atproto.repo.putRecord")
    with pytest.raises(TransientError) as failed:
        create(publisher)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


def test_an_answer_that_is_not_the_expected_json_is_transient(publisher, httpx_mock):
    httpx_mock.add_response(
        method="POST",
        url=f"{XRPC}/com.atproto.repo.putRecord",
        text="<html>proxy</html>",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(TransientError, match="unexpected answer"):
        create(publisher)


def test_no_token_ever_reaches_an_error_message(publisher, httpx_mock):
    xrpc_error(httpx_mock, 400, "InvalidRequest", f"bad header Bearer {ACCESS_JWT}")
    xrpc_error(httpx_mock, 401, "AuthRequired", f"token {ACCESS_JWT} refused")
    for expected in (RefusedError, AuthError):
        with pytest.raises(expected) as failed:
            create(publisher)
        assert ACCESS_JWT not in str(failed.value) and "eyJ" not in str(failed.value)
        assert failed.value.__cause__ is None and failed.value.__suppress_context__


def test_a_client_that_never_logged_in_is_an_auth_error(httpx_mock):
    xrpc_error(httpx_mock, 401, "AuthMissing", "Authentication Required")
    publisher = BlueskyPublisher(Client(base_url=PDS), DID, video_service=None)
    with pytest.raises(AuthError):
        create(publisher)


def test_a_session_the_sdk_cannot_refresh_is_an_auth_error(httpx_mock):
    sdk = Client(base_url=PDS)
    token_without_expiry = fake_jwt(exp=None)
    sdk.login(
        session_string=Session(HANDLE, DID, token_without_expiry, token_without_expiry, PDS).encode(),
        fetch_bsky_profile=False,
    )
    publisher = BlueskyPublisher(sdk, DID, video_service=None)
    with pytest.raises(AuthError):  # LoginRequiredError inside the SDK, before any request
        create(publisher)
    assert httpx_mock.get_requests() == []


def test_an_expiring_session_is_refreshed_by_the_sdk_on_the_way(httpx_mock):
    sdk = Client(base_url=PDS)
    expiring = fake_jwt(exp=int(time.time()) + 60, kind="old")
    sdk.login(
        session_string=Session(HANDLE, DID, expiring, fake_jwt(kind="refresh"), PDS).encode(), fetch_bsky_profile=False
    )
    fresh = fake_jwt(kind="new")
    httpx_mock.add_response(
        method="POST",
        url=f"{XRPC}/com.atproto.server.refreshSession",
        json={"accessJwt": fresh, "refreshJwt": fake_jwt(kind="refresh2"), "handle": HANDLE, "did": DID},
    )
    put_answer(httpx_mock)
    changes = []
    sdk.on_session_change(lambda event, session: changes.append(event))

    create(BlueskyPublisher(sdk, DID, video_service=None))

    put = httpx_mock.get_request(url=f"{XRPC}/com.atproto.repo.putRecord")
    assert put.headers["Authorization"] == f"Bearer {fresh}"
    assert [event.value for event in changes] == ["refresh"]


# -- find, delete -----------------------------------------------------------------------------


def test_find_reads_the_record_under_the_journals_key(publisher, httpx_mock):
    key = tweet_tid(TWEET_ID, TWEET_TIME, 0)
    httpx_mock.add_response(
        method="GET",
        url=f"{XRPC}/com.atproto.repo.getRecord?repo={DID}&collection=app.bsky.feed.post&rkey={key}",
        json={
            "uri": uri_of(key),
            "cid": CID,
            "value": {"$type": "app.bsky.feed.post", "text": "x", "createdAt": STAMP},
        },
    )
    found = publisher.find(make_draft(), sending_entry(key))
    assert found == Remote(uri_of(key), url=f"https://bsky.app/profile/{DID}/post/{key}", cid=CID)
    assert publisher.pacer.budgets["write"][0].spent == deque_empty()


def deque_empty():
    from collections import deque

    return deque()


def test_find_says_none_when_the_record_does_not_exist(publisher, httpx_mock):
    httpx_mock.add_response(
        method="GET",
        url=re.compile(rf"{re.escape(XRPC)}/com\.atproto\.repo\.getRecord\?.*"),
        status_code=400,
        json={"error": "RecordNotFound", "message": f"Could not locate record: {uri_of('x')}"},
    )
    assert publisher.find(make_draft(), sending_entry(None)) is None


def test_find_does_not_mistake_another_refusal_for_absence(publisher, httpx_mock):
    httpx_mock.add_response(
        method="GET",
        url=re.compile(rf"{re.escape(XRPC)}/com\.atproto\.repo\.getRecord\?.*"),
        status_code=400,
        json={"error": "InvalidRequest", "message": "Could not find repo"},
    )
    with pytest.raises(RefusedError, match="Could not find repo"):
        publisher.find(make_draft(), sending_entry(None))


def test_delete_removes_the_record_by_its_key(publisher, httpx_mock):
    httpx_mock.add_response(method="POST", url=f"{XRPC}/com.atproto.repo.deleteRecord", json={})
    no_gates(httpx_mock)
    publisher.delete(Remote(uri_of("3kaaaaaaaaaa2"), cid=CID))
    body = sent_json(httpx_mock, "com.atproto.repo.deleteRecord")
    assert body == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": "3kaaaaaaaaaa2"}


@pytest.mark.parametrize(
    "uri",
    [
        "at://did:plc:someoneelse/app.bsky.feed.post/3kaaaaaaaaaa2",
        f"at://{DID}/app.bsky.feed.like/3kaaaaaaaaaa2",
        "109876",
    ],
)
def test_delete_never_touches_what_is_not_this_accounts_post(publisher, httpx_mock, uri):
    with pytest.raises(RefusedError, match="not deleting"):
        publisher.delete(Remote(uri))
    assert httpx_mock.get_requests() == []


# -- uploads ------------------------------------------------------------------------------------


def blob_answer(httpx_mock, mime="image/png", size=1234, **kwargs):
    httpx_mock.add_response(
        method="POST", url=f"{XRPC}/com.atproto.repo.uploadBlob", json={"blob": blob(mime, size)}, **kwargs
    )


def test_an_image_goes_up_as_a_blob_paced_in_the_blob_bucket(publisher, httpx_mock):
    blob_answer(httpx_mock, headers={"RateLimit-Remaining": "999", "RateLimit-Reset": str(int(NOW) + 60)})
    data = b"\x89PNG\r\n" + bytes(100)
    uploaded = publisher.upload(MediaFile("photo", data, "image/png", alt="Une foule", width=30, height=20))

    request = httpx_mock.get_request(url=f"{XRPC}/com.atproto.repo.uploadBlob")
    assert request.content == data and request.headers["Content-Type"] == "image/png"
    assert uploaded == UploadedMedia("photo", blob(), "Une foule", 30, 20)
    assert len(publisher.pacer.budgets["blob"][0].spent) == 1
    assert publisher.pacer.server.remaining == 999


def test_without_a_video_service_a_video_goes_up_as_a_plain_blob(publisher, httpx_mock):
    blob_answer(httpx_mock, mime="video/mp4", size=4000)
    uploaded = publisher.upload(MediaFile("video", b"\0" * 4000, "video/mp4", width=640, height=360))
    assert uploaded.ref == blob("video/mp4", 4000) and uploaded.kind == "video"


@pytest.fixture
def video_publisher(client: Client, fake_time: FakeTime) -> BlueskyPublisher:
    pacer = Pacer(bluesky_budgets(), clock=fake_time.clock, sleep=fake_time.sleep)
    return BlueskyPublisher(client, DID, pacer=pacer, video_service=VIDEO, video_poll_seconds=2)


def service_auth_answers(httpx_mock) -> None:
    httpx_mock.add_response(
        method="GET",
        url=f"{XRPC}/com.atproto.server.describeServer",
        json={"did": "did:web:pds.example", "availableUserDomains": []},
        is_optional=True,
    )
    httpx_mock.add_callback(
        lambda request: httpx.Response(200, json={"token": f"service-token-for-{request.url.params['lxm']}"}),
        method="GET",
        url=re.compile(rf"{re.escape(XRPC)}/com\.atproto\.server\.getServiceAuth\?.*"),
        is_reusable=True,
    )


def upload_limits_answer(httpx_mock, **answer) -> None:
    answer = {"canUpload": True, "remainingDailyVideos": 25, "remainingDailyBytes": 10**10, **answer}
    httpx_mock.add_response(method="GET", url=f"{VIDEO}/xrpc/app.bsky.video.getUploadLimits", json=answer)


def job_answer(httpx_mock, state: str, *, with_blob: bool = False, **kwargs) -> None:
    job = {"jobId": "job-1", "did": DID, "state": state}
    if with_blob:
        job["blob"] = blob("video/mp4", 4000)
    httpx_mock.add_response(
        method="GET", url=f"{VIDEO}/xrpc/app.bsky.video.getJobStatus?jobId=job-1", json={"jobStatus": job}, **kwargs
    )


def mp4(size: int = 4000) -> MediaFile:
    return MediaFile(
        "video", b"\0" * size, "video/mp4", alt="Manif", width=640, height=360, path="tweets_media/1-a b.mp4"
    )


def test_a_video_goes_through_the_video_service_and_its_job(video_publisher, httpx_mock, fake_time):
    service_auth_answers(httpx_mock)
    upload_limits_answer(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=re.compile(rf"{re.escape(VIDEO)}/xrpc/app\.bsky\.video\.uploadVideo\?.*"),
        json={"jobId": "job-1", "did": DID, "state": "JOB_STATE_CREATED"},  # bare, as the service really answers
    )
    job_answer(httpx_mock, "JOB_STATE_ENCODING")
    job_answer(httpx_mock, "JOB_STATE_COMPLETED", with_blob=True)

    uploaded = video_publisher.upload(mp4())

    assert uploaded == UploadedMedia("video", blob("video/mp4", 4000), "Manif", 640, 360)
    upload = httpx_mock.get_request(method="POST", url=re.compile(rf"{re.escape(VIDEO)}/.*"))
    assert upload.url.params["did"] == DID and upload.url.params["name"] == "1-a_b.mp4"
    assert upload.headers["Authorization"] == "Bearer service-token-for-com.atproto.repo.uploadBlob"
    assert upload.headers["Content-Type"] == "video/mp4" and upload.content == b"\0" * 4000
    audiences = [r.url.params["aud"] for r in httpx_mock.get_requests() if "getServiceAuth" in str(r.url)]
    assert audiences == ["did:web:video.example", "did:web:pds.example"]
    assert fake_time.slept == [2, 2]  # two polls
    assert len(video_publisher.pacer.budgets["blob"][0].spent) == 1


def test_a_video_the_service_already_has_is_not_processed_again(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    upload_limits_answer(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=re.compile(rf"{re.escape(VIDEO)}/xrpc/app\.bsky\.video\.uploadVideo\?.*"),
        status_code=409,
        json={
            "did": DID,
            "error": "already_exists",
            "jobId": "job-1",
            "message": "Video already processed",
            "state": "JOB_STATE_COMPLETED",
        },
    )
    job_answer(httpx_mock, "JOB_STATE_COMPLETED", with_blob=True)

    assert video_publisher.upload(mp4()).ref == blob("video/mp4", 4000)


def test_a_video_the_account_may_not_upload_is_refused_with_the_services_reason(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    upload_limits_answer(httpx_mock, canUpload=False, message="You must verify your email to upload videos")
    with pytest.raises(RefusedError, match="verify your email"):
        video_publisher.upload(mp4())


def test_a_spent_daily_video_quota_refuses_the_video(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    upload_limits_answer(httpx_mock, remainingDailyBytes=1000)
    with pytest.raises(RefusedError, match="daily video quota"):
        video_publisher.upload(mp4(4000))


def test_a_failed_video_job_is_refused_with_its_reason(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    upload_limits_answer(httpx_mock)
    httpx_mock.add_response(
        method="POST",
        url=re.compile(rf"{re.escape(VIDEO)}/xrpc/app\.bsky\.video\.uploadVideo\?.*"),
        json={"jobStatus": {"jobId": "job-1", "did": DID, "state": "JOB_STATE_CREATED"}},
    )
    httpx_mock.add_response(
        method="GET",
        url=f"{VIDEO}/xrpc/app.bsky.video.getJobStatus?jobId=job-1",
        json={
            "jobStatus": {
                "jobId": "job-1",
                "did": DID,
                "state": "JOB_STATE_FAILED",
                "message": "Failed to process video",
            }
        },
    )
    with pytest.raises(RefusedError, match="Failed to process video"):
        video_publisher.upload(mp4())


def test_an_unreachable_video_service_falls_back_to_plain_blobs(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    httpx_mock.add_exception(
        httpx.ConnectError("Name or service not known"), url=f"{VIDEO}/xrpc/app.bsky.video.getUploadLimits"
    )
    blob_answer(httpx_mock, mime="video/mp4", size=4000)
    blob_answer(httpx_mock, mime="video/mp4", size=4000)

    first, second = video_publisher.upload(mp4()), video_publisher.upload(mp4())

    assert first.ref == second.ref == blob("video/mp4", 4000)
    assert video_publisher.video_service is None  # asked once, not for every video


def test_a_429_from_the_video_service_blocks_the_pacer(video_publisher, httpx_mock):
    service_auth_answers(httpx_mock)
    httpx_mock.add_response(
        url=f"{VIDEO}/xrpc/app.bsky.video.getUploadLimits",
        status_code=429,
        headers={"RateLimit-Reset": str(int(NOW) + 90)},
        json={"error": "RateLimitExceeded"},
    )
    with pytest.raises(RateLimitError) as limited:
        video_publisher.upload(mp4())
    assert limited.value.reset_at == NOW + 90 and video_publisher.pacer.blocked_until == NOW + 91
