"""The local PDS behaves like Bluesky on what quittex's publisher relies on.

These tests exercise the PDS itself with the `atproto` SDK, the same way the
publishing engine will: client-chosen TID keys, backdated `createdAt`, reply
refs, facets, image blobs, idempotent `putRecord`, rate-limit headers.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from atproto import Client, client_utils, models
from atproto_client.exceptions import BadRequestError, RequestException
from PIL import Image

from quittex.publish.tid import encode_tid, tweet_tid
from tests.integration.pds import LocalPDS

pytestmark = pytest.mark.pds

POST = "app.bsky.feed.post"
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
# Two tweets of a thread: snowflake ids posted 2019-03-01 at 12:00 and 12:05 UTC.
ROOT_TWEET = ("1101452019103563899", datetime(2019, 3, 1, 12, 0, tzinfo=UTC))
REPLY_TWEET = ("1101453277394763899", datetime(2019, 3, 1, 12, 5, tzinfo=UTC))


def tid_for(moment: datetime, clock_id: int = 0) -> str:
    """A valid record key for a moment, for posts that are not tweets."""
    micros = (moment - UNIX_EPOCH) // timedelta(microseconds=1)
    return encode_tid((micros << 10) | clock_id)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def post_record(text: str, moment: datetime, **fields) -> models.AppBskyFeedPost.Record:
    return models.AppBskyFeedPost.Record(text=text, created_at=iso(moment), langs=["fr"], **fields)


@dataclass
class Poster:
    """A logged-in SDK client and its DID (the SDK's `me` needs an AppView)."""

    client: Client
    did: str


def put_post(poster: Poster, rkey: str, record: models.AppBskyFeedPost.Record):
    data = models.ComAtprotoRepoPutRecord.Data(repo=poster.did, collection=POST, rkey=rkey, record=record)
    return poster.client.com.atproto.repo.put_record(data)


def get_post(poster: Poster, rkey: str) -> models.ComAtprotoRepoGetRecord.Response:
    params = models.ComAtprotoRepoGetRecord.Params(repo=poster.did, collection=POST, rkey=rkey)
    return poster.client.com.atproto.repo.get_record(params)


def list_posts(poster: Poster) -> list[models.ComAtprotoRepoListRecords.Record]:
    params = models.ComAtprotoRepoListRecords.Params(repo=poster.did, collection=POST, limit=100)
    return poster.client.com.atproto.repo.list_records(params).records


def latest_commit(poster: Poster) -> tuple[str, str]:
    head = poster.client.com.atproto.sync.get_latest_commit({"did": poster.did})
    return head.cid, head.rev


def tiny_png(width: int = 30, height: int = 20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def poster(pds: LocalPDS) -> Poster:
    """A fresh account on the shared PDS, logged in with an app password."""
    account = pds.create_account()
    return Poster(pds.login(account, pds.create_app_password(account)), account.did)


def test_accounts_get_test_handles_dids_and_app_passwords(pds: LocalPDS):
    account = pds.create_account("smoke")
    app_password = pds.create_app_password(account)

    client = pds.login(account, app_password)
    session = client.com.atproto.server.get_session()

    assert account.handle == "smoke.test"
    assert account.did.startswith("did:plc:")
    assert re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", app_password)
    assert (session.did, session.handle) == (account.did, account.handle)


def test_a_backdated_thread_under_the_publishers_keys_round_trips(poster: Poster):
    (root_id, root_time), (reply_id, reply_time) = ROOT_TWEET, REPLY_TWEET
    root_key, reply_key = tweet_tid(root_id, root_time, 0), tweet_tid(reply_id, reply_time, 0)
    root = put_post(poster, root_key, post_record("Premier message du fil", root_time))

    text = client_utils.TextBuilder().text("Suite : ").link("notre site", "https://example.org/a")
    strong_root = models.create_strong_ref(root)
    reply_ref = models.AppBskyFeedPost.ReplyRef(root=strong_root, parent=strong_root)
    reply_record = post_record(text.build_text(), reply_time, facets=text.build_facets(), reply=reply_ref)
    reply = put_post(poster, reply_key, reply_record)

    stored = get_post(poster, reply_key)
    assert stored.uri == f"at://{poster.did}/{POST}/{reply_key}" and stored.cid == reply.cid
    assert stored.value.created_at == "2019-03-01T12:05:00.000Z"
    assert stored.value.langs == ["fr"]
    assert (stored.value.reply.root.uri, stored.value.reply.parent.cid) == (root.uri, root.cid)
    facet = stored.value.facets[0]
    assert text.build_text().encode()[facet.index.byte_start : facet.index.byte_end] == b"notre site"
    assert facet.features[0].uri == "https://example.org/a"
    assert {record.uri for record in list_posts(poster)} == {root.uri, reply.uri}


def test_putting_an_identical_record_again_is_a_no_op_with_the_same_cid(poster: Poster):
    moment = datetime(2019, 6, 2, 8, 30, tzinfo=UTC)
    record = post_record("Une seule fois", moment)

    first = put_post(poster, tid_for(moment, clock_id=7), record)
    head = latest_commit(poster)
    second = put_post(poster, tid_for(moment, clock_id=7), record.model_copy())  # rebuilt, identical

    assert (second.uri, second.cid) == (first.uri, first.cid)
    assert second.commit is None and latest_commit(poster) == head  # nothing was written
    assert [r.uri for r in list_posts(poster)] == [first.uri]


def test_a_changed_record_under_the_same_key_replaces_it(poster: Poster):
    moment = datetime(2019, 6, 2, 9, 0, tzinfo=UTC)
    rkey = tid_for(moment)
    first = put_post(poster, rkey, post_record("Version 1", moment))
    second = put_post(poster, rkey, post_record("Version 2", moment))

    assert second.uri == first.uri and second.cid != first.cid
    assert get_post(poster, rkey).value.text == "Version 2"
    assert len(list_posts(poster)) == 1


def test_a_post_key_that_is_not_a_tid_is_refused(poster: Poster):
    moment = datetime(2019, 6, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(BadRequestError):
        put_post(poster, "not-a-tid", post_record("clé invalide", moment))


def test_an_uploaded_image_embeds_and_reads_back(pds: LocalPDS, poster: Poster):
    png = tiny_png()
    blob = poster.client.upload_blob(png).blob
    ratio = models.AppBskyEmbedDefs.AspectRatio(width=30, height=20)
    image = models.AppBskyEmbedImages.Image(alt="Un carré rose", image=blob, aspect_ratio=ratio)
    moment = datetime(2019, 7, 14, 10, tzinfo=UTC)
    record = post_record("", moment, embed=models.AppBskyEmbedImages.Main(images=[image]))
    put_post(poster, tid_for(moment), record)

    stored = get_post(poster, tid_for(moment)).value.embed.images[0]
    assert (stored.alt, stored.aspect_ratio.width, stored.aspect_ratio.height) == ("Un carré rose", 30, 20)
    assert (stored.image.cid, stored.image.mime_type, stored.image.size) == (blob.cid, "image/png", len(png))
    blob_query = {"did": poster.did, "cid": str(blob.cid)}
    assert httpx.get(pds.xrpc_url("com.atproto.sync.getBlob"), params=blob_query).content == png


# -- rate limits (a PDS of their own, with PDS_RATE_LIMITS_ENABLED=true) --------
#
# The PDS answers with the headers of whichever bucket has the FEWEST points
# left: at first that is the per-IP bucket (3000 per 5 min, 1 point per
# request), and the per-account write bucket (5000 per hour) only shows once
# fewer than ~3000 of its points remain. The write test below spends 2400
# points through applyWrites first, so the write bucket becomes visible.


def record_json(text: str) -> dict:
    return {"$type": POST, "text": text, "createdAt": "2019-01-01T00:00:00.000Z"}


def xrpc_post(server: LocalPDS, account, nsid: str, body: dict) -> httpx.Response:
    response = httpx.post(server.xrpc_url(nsid), json=body, headers=account.auth_headers, timeout=60)
    assert response.status_code == 200, response.text
    return response


def raw_put(server: LocalPDS, account, rkey: str, text: str) -> httpx.Response:
    body = {"repo": account.did, "collection": POST, "rkey": rkey, "record": record_json(text)}
    return xrpc_post(server, account, "com.atproto.repo.putRecord", body)


def raw_create(server: LocalPDS, account, text: str) -> httpx.Response:
    body = {"repo": account.did, "collection": POST, "record": record_json(text)}
    return xrpc_post(server, account, "com.atproto.repo.createRecord", body)


def raw_apply_creates(server: LocalPDS, account, count: int) -> httpx.Response:
    create = "com.atproto.repo.applyWrites#create"
    writes = [{"$type": create, "collection": POST, "value": record_json(f"lot {i}")} for i in range(count)]
    return xrpc_post(server, account, "com.atproto.repo.applyWrites", {"repo": account.did, "writes": writes})


def remaining(response: httpx.Response) -> int:
    return int(response.headers["RateLimit-Remaining"])


def test_writes_carry_rate_limit_headers_and_cost_the_documented_points(pds_factory, record_property):
    server = pds_factory(rate_limits=True)
    account = server.create_account()
    base = datetime(2019, 1, 1, tzinfo=UTC)

    first = raw_put(server, account, tid_for(base, 1), "un")
    assert all(name in first.headers for name in RATE_LIMIT_HEADERS)
    assert first.headers["RateLimit-Policy"] == "3000;w=300"  # the per-IP bucket, for now
    assert int(first.headers["RateLimit-Reset"]) > datetime.now(UTC).timestamp()

    for _ in range(4):  # 800 creates at 3 points: the hourly write bucket is now the tightest
        batch = raw_apply_creates(server, account, 200)
    assert batch.headers["RateLimit-Policy"] == "5000;w=3600"
    assert remaining(batch) == 5000 - 2 - 800 * 3

    put = raw_put(server, account, tid_for(base, 2), "deux")
    identical = raw_put(server, account, tid_for(base, 2), "deux")
    created = raw_create(server, account, "trois")
    costs = {
        "put_record": remaining(batch) - remaining(put),
        "identical_put_record": remaining(put) - remaining(identical),
        "create_record": remaining(identical) - remaining(created),
    }
    for name, points in costs.items():
        record_property(f"{name}_points", points)
    assert costs == {"put_record": 2, "identical_put_record": 2, "create_record": 3}


def test_a_login_storm_gets_a_real_429_with_reset_headers(pds_factory):
    server = pds_factory(rate_limits=True)
    account = server.create_account()
    login_url = server.xrpc_url("com.atproto.server.createSession")
    body = {"identifier": account.handle, "password": account.password}

    def log_in(_: int) -> int:
        return httpx.post(login_url, json=body, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:  # password hashing is slow: overlap it
        statuses = list(pool.map(log_in, range(30)))
    assert statuses == [200] * 30  # createSession: 30 per 5 minutes

    with pytest.raises(RequestException) as refused:
        Client(base_url=server.url).login(account.handle, account.password, fetch_bsky_profile=False)
    response = refused.value.response
    headers = response.headers  # the SDK hands over a plain dict with lower-case keys
    assert response.status_code == 429
    assert response.content.error == "RateLimitExceeded"
    assert (headers["ratelimit-remaining"], headers["ratelimit-policy"]) == ("0", "30;w=300")
    assert int(headers["ratelimit-reset"]) > datetime.now(UTC).timestamp()
    assert 0 < int(headers["retry-after"]) <= 300
