"""MastodonPublisher against a scripted transport: the requests it makes, the
answers it understands, the errors it raises, the pacing it follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from mastodon import Mastodon

from quittex.errors import AuthError
from quittex.platforms.mastodon import mastodon_budgets
from quittex.publish.base import MediaFile, PublishError, RateLimitError, RefusedError, TransientError, UploadedMedia
from quittex.publish.journal import Entry, Remote
from quittex.publish.mastodon import (
    InstanceLimits,
    MastodonPublisher,
    clamp_description,
    html_to_text,
    server_reset,
    words_of,
)
from quittex.publish.pacing import Pacer
from quittex.rewrite.draft import DraftMedia, MastodonDraft, PostRef
from quittex.rewrite.measure import graphemes
from quittex.rewrite.options import MastodonOptions
from tests.integration.mastodon_faults import Answer, FakeTime, ScriptedTransport, dropped, form_of, http_date, path_of

BASE = "https://masto.test"
TOKEN = "tok-9f8e7d6c5b4a-very-secret"
START = 1_800_000_000.0  # the fake clock's epoch
ME = {"id": "77", "username": "alice", "acct": "alice", "url": f"{BASE}/@alice"}
INSTANCE = {
    "domain": "masto.test",
    "version": "4.4.0",
    "api_versions": {"mastodon": 6},
    "configuration": {
        "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "video/mp4"],
            "image_size_limit": 16_777_216,
            "video_size_limit": 103_809_024,
            "description_limit": 40,
        },
    },
}
STATUSES = "/api/v1/statuses"
ACCOUNT_STATUSES = r"/api/v1/accounts/77/statuses"


def moment(seconds_after_start: float = 0.0) -> datetime:
    return datetime.fromtimestamp(START + seconds_after_start, UTC)


def status_json(
    status_id: str,
    text: str,
    *,
    at: float = 0.0,
    reply_to: str | None = None,
    media: int = 0,
    spoiler: str = "",
    account: str = "77",
    content: str | None = None,
) -> dict:
    return {
        "id": status_id,
        "url": f"{BASE}/@alice/{status_id}",
        "uri": f"{BASE}/users/alice/statuses/{status_id}",
        "created_at": moment(at).isoformat().replace("+00:00", "Z"),
        "content": content
        if content is not None
        else "<p>" + text.replace("\n\n", "</p><p>").replace("\n", "<br />") + "</p>",
        "spoiler_text": spoiler,
        "visibility": "unlisted",
        "in_reply_to_id": reply_to,
        "account": {"id": account, "username": "alice", "acct": "alice"},
        "media_attachments": [{"id": str(i), "type": "image", "url": f"{BASE}/m/{i}.jpg"} for i in range(media)],
        "reblog": None,
    }


def draft(text: str = "Bonjour tout le monde\n\nPublié sur X le 4 mars 2019", **kwargs) -> MastodonDraft:
    values = dict(
        tweet_id="1102",
        part=0,
        parts=1,
        parent=None,
        root=None,
        created_at=datetime(2019, 3, 4, tzinfo=UTC),
        text=text,
        language="fr",
        final=True,
    )
    values.update(kwargs)
    return MastodonDraft(**values)


def sending(d: MastodonDraft, *, sent: float = 0.0, attempts: int = 1) -> Entry:
    return Entry(
        d.tweet_id, d.part, "sending", "2019-03-04T00:00:00+00:00", "k", None, None, attempts, moment(sent), None
    )


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime(START)


@pytest.fixture
def transport() -> ScriptedTransport:
    script = ScriptedTransport()
    script.on("GET", r"/api/v2/instance/?", Answer(200, INSTANCE))
    script.on("GET", r"/api/v1/accounts/verify_credentials", Answer(200, ME))
    return script


@pytest.fixture
def publisher(transport: ScriptedTransport, clock: FakeTime) -> MastodonPublisher:
    # ratelimit_method="wait" on purpose: the publisher must switch it to "throw".
    client = Mastodon(access_token=TOKEN, api_base_url=BASE, mastodon_version="4.4.0", ratelimit_method="wait")
    transport.install(client, BASE)
    return MastodonPublisher(
        client, "alice@masto.test", pacer=Pacer(mastodon_budgets(), clock=clock.clock, sleep=clock.sleep)
    )


def spent(publisher: MastodonPublisher, bucket: str) -> int:
    return sum(cost for window in publisher.pacer.budgets[bucket] for _, cost in window.spent)


# -- request keys ----------------------------------------------------------------


def test_request_key_is_deterministic_per_account_tweet_and_part(publisher):
    key = publisher.request_key(draft())
    assert key == publisher.request_key(draft(text="another text entirely"))
    assert key.startswith("quittex-") and len(key) == 48 and key.isascii()
    assert key != publisher.request_key(draft(part=1))
    assert key != publisher.request_key(draft(tweet_id="1103"))
    other = MastodonPublisher(publisher.client, "bob@masto.test", pacer=publisher.pacer)
    assert key != other.request_key(draft())
    assert MastodonPublisher(publisher.client, "@Alice@masto.test").request_key(draft()) == key


def test_a_post_made_again_after_undo_has_a_new_key(publisher):
    # Within the hour, Mastodon answers a known key with the status it made,
    # or "not found" once that status is deleted.
    keys = {publisher.request_key(draft(), generation) for generation in range(4)}
    assert len(keys) == 4 and publisher.request_key(draft(), 0) == publisher.request_key(draft())


# -- create ------------------------------------------------------------------------


def test_create_sends_every_field_with_the_idempotency_key(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, status_json("9001", "x")))
    d = draft(visibility="private", spoiler_text="Contenu sensible", sensitive=True, language="it")
    media = [UploadedMedia("photo", "m1"), UploadedMedia("photo", "m2")]
    remote = publisher.create(d, "quittex-abc", media, Remote("8000"), Remote("7000"))
    assert remote == Remote(id="9001", url=f"{BASE}/@alice/9001")
    request = transport.sent("POST", STATUSES)[0]
    assert request.headers["Idempotency-Key"] == "quittex-abc"
    form = form_of(request)
    assert form["status"] == [d.text]
    assert form["in_reply_to_id"] == ["8000"]  # the parent, not the root
    assert form["media_ids[]"] == ["m1", "m2"]
    assert form["visibility"] == ["private"]
    assert form["spoiler_text"] == ["Contenu sensible"]
    assert form["language"] == ["it"]
    assert form["sensitive"] == ["1"]
    assert spent(publisher, "status") == 1


def test_create_leaves_out_what_the_draft_does_not_have(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, status_json("9002", "x")))
    publisher.create(draft(language=None), "k", [], None, None)
    form = form_of(transport.sent("POST", STATUSES)[0])
    assert "in_reply_to_id" not in form and "media_ids[]" not in form
    assert "spoiler_text" not in form and "language" not in form
    assert form["visibility"] == ["unlisted"]


def test_create_counts_urls_as_the_instance_does_and_refuses_too_long_locally(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, status_json("9003", "x")))
    long_url = "https://example.org/" + "a" * 300
    fits = "x" * 470 + " " + long_url  # 470 + 1 + 23 = 494 for Mastodon, 791 code points
    assert publisher.create(draft(text=fits), "k", [], None, None).id == "9003"
    with pytest.raises(RefusedError, match="501 characters, the instance allows 500"):
        publisher.create(draft(text="y" * 400, spoiler_text="z" * 101), "k2", [], None, None)
    assert len(transport.sent("POST", STATUSES)) == 1  # the refusal cost no request


def test_create_refuses_more_media_than_the_instance_allows(publisher, transport):
    media = [UploadedMedia("photo", str(i)) for i in range(5)]
    with pytest.raises(RefusedError, match="5 media, the instance allows 4"):
        publisher.create(draft(), "k", media, None, None)
    assert not transport.sent("POST", STATUSES)


def test_create_without_an_id_in_the_answer_is_transient(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, {"error": None}))
    with pytest.raises(TransientError, match="without an id"):
        publisher.create(draft(), "k", [], None, None)


# -- errors, for every kind of answer ------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_stop_the_run(publisher, transport, status):
    transport.on("POST", STATUSES, Answer(status, {"error": "The access token is invalid"}))
    with pytest.raises(AuthError) as caught:
        publisher.create(draft(), "k", [], None, None)
    assert "The access token is invalid" in caught.value.message and str(status) in caught.value.message
    assert "quittex login mastodon" in caught.value.hint


@pytest.mark.parametrize(
    ("status", "server_message"),
    [(422, "Validation failed: Text character limit of 500 exceeded"), (404, "Record not found"), (400, "Bad request")],
)
def test_a_refused_post_carries_the_servers_reason(publisher, transport, status, server_message):
    transport.on("POST", STATUSES, Answer(status, {"error": server_message}))
    with pytest.raises(RefusedError) as caught:
        publisher.create(draft(), "k", [], None, None)
    assert caught.value.status == status
    assert server_message in caught.value.message


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_transient(publisher, transport, status):
    transport.on("POST", STATUSES, Answer(status, b"<html>gateway</html>"))
    with pytest.raises(TransientError, match=str(status)):
        publisher.create(draft(), "k", [], None, None)


@pytest.mark.parametrize(
    "failure",
    [dropped(), requests.ReadTimeout("read timed out"), requests.ConnectTimeout("connect timed out")],
)
def test_network_failures_are_transient(publisher, transport, failure):
    transport.on("POST", STATUSES, failure)
    with pytest.raises(TransientError, match="no answer from Mastodon"):
        publisher.create(draft(), "k", [], None, None)


def test_an_unreadable_success_is_transient(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, b'{"error": "truncated'))
    with pytest.raises(TransientError, match="unreadable answer"):
        publisher.create(draft(), "k", [], None, None)


def test_the_token_never_appears_in_a_message(publisher, transport):
    transport.on("POST", STATUSES, dropped(f"proxy said: Authorization: Bearer {TOKEN} refused"))
    with pytest.raises(TransientError) as transient:
        publisher.create(draft(), "k", [], None, None)
    transport.on("POST", STATUSES, Answer(401, {"error": f"token {TOKEN} revoked\n\x1b[31m"}))
    with pytest.raises(AuthError) as auth:
        publisher.create(draft(), "k", [], None, None)
    for error in (transient.value, auth.value):
        assert TOKEN not in error.message and TOKEN not in str(error)
        assert "\x1b" not in error.message
        assert error.__cause__ is None and error.__suppress_context__


def test_a_server_message_is_cut_to_a_readable_length(publisher, transport):
    transport.on("POST", STATUSES, Answer(422, {"error": "Validation failed: " + "blah " * 500}))
    with pytest.raises(RefusedError) as caught:
        publisher.create(draft(), "k", [], None, None)
    assert len(caught.value.message) < 400


# -- rate limits ---------------------------------------------------------------------


def test_a_429_blocks_the_pacer_until_the_servers_reset_on_our_clock(publisher, transport, clock):
    # The server's clock is 30 s ahead of ours; its reset is 120 s after its now.
    server_now = moment(30)
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "Date": http_date(server_now),
        "X-RateLimit-Reset": (server_now + timedelta(seconds=120)).isoformat().replace("+00:00", "Z"),
    }
    transport.on(
        "POST", STATUSES, Answer(429, {"error": "Too many requests"}, headers), Answer(200, status_json("9", "x"))
    )
    with pytest.raises(RateLimitError) as caught:
        publisher.create(draft(), "k", [], None, None)
    assert caught.value.reset_at == pytest.approx(START + 120, abs=0.01)
    assert publisher.pacer.rate_limited == 1
    publisher.create(draft(), "k", [], None, None)
    assert clock.now == pytest.approx(START + 121, abs=1)  # waited for the reset, not a second 429


def test_a_429_without_headers_backs_off_by_default(publisher, transport, clock):
    transport.on("POST", STATUSES, Answer(429, {"error": "Too many requests"}), Answer(200, status_json("9", "x")))
    with pytest.raises(RateLimitError) as caught:
        publisher.create(draft(), "k", [], None, None)
    assert caught.value.reset_at is None
    publisher.create(draft(), "k", [], None, None)
    assert clock.now >= START + 60


def test_every_answers_budget_reaches_the_pacer(publisher, transport, clock):
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "Date": http_date(moment()),
        "X-RateLimit-Reset": moment(600).isoformat(),
    }
    transport.on("POST", STATUSES, Answer(200, status_json("1", "x"), headers), Answer(200, status_json("2", "x")))
    publisher.create(draft(), "k", [], None, None)
    assert clock.now == START
    publisher.create(draft(part=1), "k2", [], None, None)
    assert clock.now >= START + 600  # the server said none left until its reset


def test_answers_without_budget_headers_do_not_repeat_the_last_ones(publisher, transport, clock):
    # Mastodon.py keeps the last X-RateLimit-Remaining across answers without
    # one; fed again and again it would say "2 left" forever.
    two_left = {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": moment(900).isoformat(), "Date": http_date(moment())}
    transport.on("POST", STATUSES, Answer(200, status_json("1", "x"), two_left), Answer(200, status_json("2", "x")))
    for part in range(3):
        publisher.create(draft(part=part), f"k{part}", [], None, None)
    assert clock.now == START
    publisher.create(draft(part=3), "k3", [], None, None)
    assert clock.now >= START + 900


def test_each_request_is_paced_in_its_bucket(publisher, transport):
    transport.on("POST", STATUSES, Answer(200, status_json("1", "x")))
    transport.on("DELETE", r"/api/v1/statuses/1", Answer(200, status_json("1", "x")))
    transport.on("POST", r"/api/v2/media", Answer(200, {"id": "5", "type": "image", "url": f"{BASE}/m/5.jpg"}))
    publisher.create(draft(), "k", [], None, None)
    publisher.upload(MediaFile("photo", b"\xff\xd8jpeg", "image/jpeg"))
    publisher.delete(Remote("1"))
    assert (spent(publisher, "status"), spent(publisher, "media"), spent(publisher, "delete")) == (1, 1, 1)
    # limits (v2 instance), status, media, delete: each also counts as a request.
    assert spent(publisher, "request") == len(transport.requests) == 4


def test_the_client_is_switched_to_throw(publisher):
    assert publisher.client.ratelimit_method == "throw"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Reset": "2027-01-15T08:00:00.000Z"}, datetime(2027, 1, 15, 8, tzinfo=UTC).timestamp()),
        ({"X-RateLimit-Reset": str(int(START) + 50)}, START + 50),
        ({"X-RateLimit-Reset": "2027-01-15T08:00:00Z", "Date": "Fri, 15 Jan 2027 07:59:00 GMT"}, START + 60),
        ({"Retry-After": "42"}, START + 42),
        ({"Retry-After": "Fri, 15 Jan 2027 08:00:00 GMT"}, datetime(2027, 1, 15, 8, tzinfo=UTC).timestamp()),
        ({"X-RateLimit-Reset": "soon"}, None),
        ({}, None),
    ],
)
def test_server_reset(headers, expected):
    result = server_reset(headers, START)
    assert result == (pytest.approx(expected) if expected is not None else None)


# -- media ------------------------------------------------------------------------------


def media_json(media_id: str, *, url: str | None, kind: str = "video", description: str | None = None) -> dict:
    return {"id": media_id, "type": kind, "url": url, "preview_url": url, "description": description}


def test_upload_waits_for_a_video_to_be_processed(publisher, transport, clock):
    transport.on("POST", r"/api/v2/media", Answer(202, media_json("31", url=None)))
    transport.on(
        "GET",
        r"/api/v1/media/31",
        Answer(206, media_json("31", url=None)),
        Answer(206, media_json("31", url=None)),
        Answer(200, media_json("31", url=f"{BASE}/m/31.mp4")),
    )
    uploaded = publisher.upload(
        MediaFile("animated_gif", b"\x00\x00\x00\x18ftypmp42", "video/mp4", alt="un chat", width=320, height=240)
    )
    assert uploaded == UploadedMedia("animated_gif", "31", "un chat", 320, 240)
    assert len(transport.sent("GET", r"/api/v1/media/31")) == 3
    assert clock.sleeps == [1.0, 2.0, 4.0]
    upload = transport.sent("POST", r"/api/v2/media")[0]
    assert b'name="description"' in upload.body and b"un chat" in upload.body
    assert b"Content-Type: video/mp4" in upload.body  # a GIF goes up as the mp4 video it became
    assert spent(publisher, "media") == 1  # polls are plain requests


@pytest.mark.parametrize("built_with_version", [None, "4.4.0"])
def test_uploads_go_to_v2_media_without_probing_the_version(transport, clock, built_with_version):
    # Mastodon.py alone would probe /api/v1/instance (gone here: 404) and fall
    # back to /api/v1/media, or keep 1.0.0 when built with mastodon_version.
    client = Mastodon(access_token=TOKEN, api_base_url=BASE, mastodon_version=built_with_version)
    transport.install(client, BASE)
    transport.on("GET", r"/api/v1/instance/?", Answer(404, {"error": "gone"}))
    transport.on("POST", r"/api/v2/media", Answer(200, media_json("35", url=f"{BASE}/m/35.jpg", kind="image")))
    publisher = MastodonPublisher(
        client, "alice@masto.test", pacer=Pacer(mastodon_budgets(), clock=clock.clock, sleep=clock.sleep)
    )
    assert publisher.upload(MediaFile("photo", b"\xff\xd8", "image/jpeg")).ref == "35"
    assert [path_of(r) for r in transport.requests] == ["/api/v2/instance/", "/api/v2/media"]


def test_upload_cuts_alt_text_to_the_instances_limit(publisher, transport):
    transport.on("POST", r"/api/v2/media", Answer(200, media_json("32", url=f"{BASE}/m/32.jpg", kind="image")))
    alt = "Une manifestation devant la mairie, des pancartes et des drapeaux"
    uploaded = publisher.upload(MediaFile("photo", b"\xff\xd8", "image/jpeg", alt=alt))
    assert len(uploaded.alt) <= 40 and uploaded.alt.endswith("…")
    assert alt.startswith(uploaded.alt[:-1])


def test_upload_refuses_what_the_instance_does_not_take_without_spending_the_media_budget(publisher, transport):
    with pytest.raises(RefusedError, match="does not accept image/webp"):
        publisher.upload(MediaFile("photo", b"RIFF", "image/webp", path="data/tweets_media/1-a.webp"))
    with pytest.raises(RefusedError, match="at most 16,777,216"):
        publisher.upload(MediaFile("photo", b"\xff" * 16_777_217, "image/jpeg"))
    assert not transport.sent("POST", r"/api/v2/media")
    assert spent(publisher, "media") == 0


def test_upload_reports_a_failed_processing_as_refused(publisher, transport):
    transport.on("POST", r"/api/v2/media", Answer(202, media_json("33", url=None)))
    transport.on("GET", r"/api/v1/media/33", Answer(422, {"error": "Error processing thumbnail for uploaded media"}))
    with pytest.raises(RefusedError, match="Error processing thumbnail"):
        publisher.upload(MediaFile("video", b"\x00", "video/mp4"))


def test_upload_gives_up_on_endless_processing_as_transient(publisher, transport, clock):
    publisher.media_timeout = 60
    transport.on("POST", r"/api/v2/media", Answer(202, media_json("34", url=None)))
    transport.on("GET", r"/api/v1/media/34", Answer(206, media_json("34", url=None)))
    with pytest.raises(TransientError, match="still processing"):
        publisher.upload(MediaFile("video", b"\x00", "video/mp4"))
    assert clock.now - START <= 60


def test_upload_answered_without_an_id_is_transient(publisher, transport):
    transport.on("POST", r"/api/v2/media", Answer(200, {"type": "image"}))
    with pytest.raises(TransientError, match="without an id"):
        publisher.upload(MediaFile("photo", b"\xff\xd8", "image/jpeg"))


def test_upload_refused_by_the_server(publisher, transport):
    transport.on("POST", r"/api/v2/media", Answer(422, {"error": "File type not supported"}))
    with pytest.raises(RefusedError, match="File type not supported"):
        publisher.upload(MediaFile("photo", b"\xff\xd8", "image/jpeg"))


# -- find ---------------------------------------------------------------------------------


def test_find_returns_the_status_with_the_same_words_and_source(publisher, transport):
    d = draft()
    transport.on(
        "GET", ACCOUNT_STATUSES, Answer(200, [status_json("12", d.text, at=2), status_json("11", "autre chose", at=1)])
    )
    transport.on("GET", r"/api/v1/statuses/12/source", Answer(200, {"id": "12", "text": d.text, "spoiler_text": ""}))
    assert publisher.find(d, sending(d)) == Remote("12", f"{BASE}/@alice/12")
    request = transport.sent("GET", ACCOUNT_STATUSES)[0]
    assert "exclude_reblogs=1" in request.url or "exclude_reblogs=true" in request.url.lower()


def test_find_never_returns_a_claimed_status(publisher, transport):
    d = draft()
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("12", d.text, at=2)]), Answer(200, []))
    transport.on("GET", r"/api/v1/statuses/12/source", Answer(200, {"text": d.text, "spoiler_text": ""}))
    publisher.claim(["12"])
    assert publisher.find(d, sending(d)) is None


def test_a_found_or_created_status_is_claimed(publisher, transport):
    d = draft()
    transport.on("POST", STATUSES, Answer(200, status_json("12", d.text, at=2)))
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("12", d.text, at=2)]), Answer(200, []))
    publisher.create(d, "k", [], None, None)
    twin = draft(tweet_id="1103")  # the same words, another tweet, never sent
    assert publisher.find(twin, sending(twin)) is None


def test_find_ignores_statuses_older_than_the_entry(publisher, transport):
    d = draft()
    old = status_json("5", d.text, at=-3600)  # an identical post of an earlier tweet, an hour before
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("6", "plus récent", at=5), old]))
    assert publisher.find(d, sending(d)) is None
    assert len(transport.sent("GET", ACCOUNT_STATUSES)) == 1  # stopped at the first older status


def test_after_several_attempts_find_looks_back_an_hour_more(publisher, transport):
    d = draft()
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("5", d.text, at=-3000)]))
    transport.on("GET", r"/api/v1/statuses/5/source", Answer(200, {"text": d.text, "spoiler_text": ""}))
    assert publisher.find(d, sending(d, attempts=1)) is None
    assert publisher.find(d, sending(d, attempts=2)) == Remote("5", f"{BASE}/@alice/5")


def test_find_matches_thread_position(publisher, transport):
    reply = draft(part=1, parts=2, parent=PostRef("1102", 0), root=PostRef("1102", 0))
    top = status_json("20", reply.text, at=3)
    answer = status_json("21", reply.text, at=2, reply_to="19")
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [top, answer]), Answer(200, []))
    transport.on("GET", r"/api/v1/statuses/2[01]/source", Answer(200, {"text": reply.text, "spoiler_text": ""}))
    assert publisher.find(reply, sending(reply)).id == "21"
    assert publisher.find(reply, sending(reply), parent=Remote("18")) is None  # replies to another post


def test_find_rejects_a_status_whose_source_differs(publisher, transport):
    d = draft(text="Merci !")
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("30", "Merci ?", at=1)]), Answer(200, []))
    transport.on("GET", r"/api/v1/statuses/30/source", Answer(200, {"text": "Merci ?", "spoiler_text": ""}))
    assert publisher.find(d, sending(d)) is None


def test_find_keeps_the_words_match_on_a_server_without_source(publisher, transport):
    d = draft()
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("40", d.text, at=1)]))
    transport.on("GET", r"/api/v1/statuses/40/source", Answer(404, {"error": "Not found"}))
    assert publisher.find(d, sending(d)).id == "40"


def test_find_compares_a_draft_not_yet_finalised_without_its_links(publisher, transport):
    raw = draft(text="Voir https://x.com/alice/status/1 et la suite", final=False)
    sent_text = "Voir https://mastodon.social/@alice/555 et la suite"
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("41", sent_text, at=1)]))
    transport.on("GET", r"/api/v1/statuses/41/source", Answer(200, {"text": sent_text, "spoiler_text": ""}))
    assert publisher.find(raw, sending(raw)).id == "41"
    final = draft(text="Voir https://x.com/alice/status/1 et la suite", final=True)
    fresh = MastodonPublisher(publisher.client, publisher.account, pacer=publisher.pacer)
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("41", sent_text, at=1)]), Answer(200, []))
    assert fresh.find(final, sending(final)) is None  # a final draft must match exactly


def test_find_reads_mastodons_rendering_of_links_mentions_and_tags(publisher, transport):
    text = "Lisez https://example.org/un/tres/long/chemin/vers/la/page @bob@autre.social #Climat\nFin"
    content = (
        '<p>Lisez <a href="https://example.org/un/tres/long/chemin/vers/la/page" '
        'rel="nofollow noopener" target="_blank">'
        '<span class="invisible">https://</span><span class="ellipsis">example.org/un/tres/long/chem</span>'
        '<span class="invisible">in/vers/la/page</span></a> <span class="h-card" translate="no">'
        '<a href="https://autre.social/@bob" class="u-url mention">@<span>bob</span></a></span> '
        '<a href="https://masto.test/tags/Climat" class="mention hashtag" rel="tag">#<span>Climat</span></a>'
        "<br />Fin</p>"
    )
    d = draft(text=text)
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("50", "", at=1, content=content)]))
    transport.on("GET", r"/api/v1/statuses/50/source", Answer(200, {"text": text, "spoiler_text": ""}))
    assert publisher.find(d, sending(d)).id == "50"


def test_find_skips_boosts_and_other_accounts(publisher, transport):
    d = draft()
    boost = status_json("60", d.text, at=2) | {"reblog": status_json("59", d.text)}
    foreign = status_json("61", d.text, at=1, account="99")
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [boost, foreign]), Answer(200, []))
    assert publisher.find(d, sending(d)) is None
    assert not transport.sent("GET", r"/api/v1/statuses/\d+/source")


def test_find_with_more_media_than_the_draft_is_no_match(publisher, transport):
    d = draft(media=[DraftMedia("a.jpg", "photo")])
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, [status_json("70", d.text, at=1, media=2)]), Answer(200, []))
    assert publisher.find(d, sending(d)) is None


def test_find_pages_back_until_the_entry(publisher, transport):
    d = draft()
    newer = [status_json(str(200 - i), f"post {i}", at=1000 - i) for i in range(40)]
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, newer), Answer(200, [status_json("100", d.text, at=10)]))
    transport.on("GET", r"/api/v1/statuses/100/source", Answer(200, {"text": d.text, "spoiler_text": ""}))
    assert publisher.find(d, sending(d)).id == "100"
    second = transport.sent("GET", ACCOUNT_STATUSES)[1]
    assert "max_id=161" in second.url


def test_find_gives_up_loudly_rather_than_guess(publisher, transport, monkeypatch):
    monkeypatch.setattr("quittex.publish.mastodon.MAX_PAGES", 3)
    d = draft()
    page = [status_json(str(10_000 - i), f"post {i}", at=100_000) for i in range(40)]
    transport.on("GET", ACCOUNT_STATUSES, Answer(200, page))
    with pytest.raises(PublishError, match="more than 120 statuses .* cannot tell whether it was posted"):
        publisher.find(d, sending(d))
    assert len(transport.sent("GET", ACCOUNT_STATUSES)) == 3


def test_find_for_an_entry_never_sent(publisher, transport):
    d = draft()
    entry = Entry(d.tweet_id, 0, "sending", "", None, None, None, 0, None, None)
    assert publisher.find(d, entry) is None
    assert not transport.requests


def test_find_refuses_a_token_of_another_account(publisher, transport):
    transport.on("GET", r"/api/v1/accounts/verify_credentials", Answer(200, ME | {"username": "mallory"}))
    d = draft()
    with pytest.raises(AuthError, match="belongs to @mallory"):
        publisher.find(d, sending(d))


# -- delete -----------------------------------------------------------------------------


def test_delete_and_delete_again(publisher, transport):
    transport.on(
        "DELETE",
        r"/api/v1/statuses/80",
        Answer(200, status_json("80", "x")),
        Answer(404, {"error": "Record not found"}),
    )
    publisher.delete(Remote("80"))
    publisher.delete(Remote("80"))  # already gone: nothing to undo
    assert spent(publisher, "delete") == 2


def test_delete_failures_are_reported(publisher, transport):
    transport.on("DELETE", r"/api/v1/statuses/81", Answer(503, {"error": "down"}))
    with pytest.raises(TransientError):
        publisher.delete(Remote("81"))


# -- limits ------------------------------------------------------------------------------


def test_limits_are_read_once_and_feed_the_rewriter_and_the_media_pipeline(publisher, transport):
    limits = publisher.limits()
    assert publisher.limits() is limits
    assert len(transport.sent("GET", r"/api/v2/instance/?")) == 1
    assert (limits.max_characters, limits.characters_reserved_per_url, limits.max_media_attachments) == (500, 23, 4)
    assert limits.description_limit == limits.media.description_limit == 40
    assert limits.media.supported_mime_types == frozenset(
        INSTANCE["configuration"]["media_attachments"]["supported_mime_types"]
    )
    options = limits.rewrite_options(MastodonOptions())
    assert options.description_limit == 40 and options.max_characters == 500


def test_limits_of_an_instance_that_allows_more():
    answer = {
        "configuration": {
            "statuses": {
                "max_characters": 5000,
                "characters_reserved_per_url": 30,
                "max_media_attachments": 8,
                "description_limit": 3000,
            }
        }
    }
    limits = InstanceLimits.from_instance_v2(answer)
    assert (limits.max_characters, limits.characters_reserved_per_url, limits.max_media_attachments) == (5000, 30, 8)
    assert limits.description_limit == 3000  # pre-4.4 servers put it under statuses
    options = limits.rewrite_options(MastodonOptions())
    assert (options.max_characters, options.max_media_attachments, options.description_limit) == (5000, 8, 3000)


@pytest.mark.parametrize("bogus", [None, "500", 0, -4, True, 2.5, 10**9])
def test_limits_that_make_no_sense_keep_the_defaults(bogus):
    answer = {
        "configuration": {
            "statuses": {"max_characters": bogus, "characters_reserved_per_url": bogus, "max_media_attachments": bogus}
        }
    }
    limits = InstanceLimits.from_instance_v2(answer)
    assert (limits.max_characters, limits.characters_reserved_per_url, limits.max_media_attachments) == (500, 23, 4)
    limits.rewrite_options(MastodonOptions())  # never an invalid option


def test_a_tiny_character_limit_is_not_believed():
    limits = InstanceLimits.from_instance_v2({"configuration": {"statuses": {"max_characters": 10}}})
    assert limits.max_characters == 500  # the rewriter cannot work under 50


def test_limits_of_an_empty_answer():
    assert InstanceLimits.from_instance_v2({}) == InstanceLimits()
    assert InstanceLimits.from_instance_v2(None) == InstanceLimits()


# -- text helpers --------------------------------------------------------------------------


def test_html_to_text():
    assert html_to_text("<p>a &amp; b<br />c</p><p>d</p>") == "a & b\nc\n\nd"


def test_words_survive_link_and_mention_rendering():
    assert words_of("Voir https://example.org/a/b?c=d, @bob@autre.social !") == words_of("Voir , @bob !")
    assert words_of("**Gras** et *italique*") == words_of("Gras et italique")
    assert words_of("Merci !") != words_of("Merci beaucoup !")


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clamped_alt_text_fits_and_keeps_whole_graphemes(alt, limit):
    clamped = clamp_description(alt, limit)
    assert len(clamped) <= limit
    if clamped == alt.strip():
        return
    assert clamped.endswith("…")
    kept = clamped[:-1]
    assert alt.strip().startswith(kept)
    assert graphemes(alt.strip())[: len(graphemes(kept))] == graphemes(kept) if kept else True


def test_clamped_alt_text_never_splits_a_family_emoji():
    family = "👨\u200d👩\u200d👧"  # 5 code points, one grapheme
    assert clamp_description("ab" + family + "cd", 6) == "ab…"
