"""MastodonPublisher against mastodon-mock (a stateful imitation of the REST
API), with transport-level fakes (`mastodon_faults`) for what the mock does
not do: 202 media, Mastodon's 429s, its length rule, answers lost after the
server acted. What is posted is read back through a separate, fault-free client.

Plus one opt-in test against a real instance, skipped unless
QUITTEX_TEST_MASTODON_URL and QUITTEX_TEST_MASTODON_TOKEN are set: it posts one
direct-visibility status and deletes it.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from mastodon import Mastodon
from PIL import Image

from quittex.platforms.mastodon import mastodon_budgets
from quittex.publish.base import MediaFile, RateLimitError, RefusedError, TransientError
from quittex.publish.journal import Entry, Journal, PlannedPost, Remote
from quittex.publish.mastodon import MastodonPublisher
from quittex.publish.pacing import Pacer
from quittex.rewrite.draft import DraftMedia, MastodonDraft, PostRef
from tests.integration.mastodon_faults import FakeTime, FaultyTransport, lift_mock_length_limit
from tests.mastodon_server import MastodonTestServer, mastodon_server  # noqa: F401

STATUSES = r"/api/v1/statuses"


@dataclass
class Setup:
    server: MastodonTestServer
    publisher: MastodonPublisher
    transport: FaultyTransport
    time: FakeTime
    reader: Mastodon  # fault-free, to read back what the server holds

    def new_process(self) -> MastodonPublisher:
        """A publisher as a fresh `quittex migrate` would build it after a crash."""
        client = self.server.client()
        self.transport.install(client)
        return MastodonPublisher(client, self.server.account, pacer=self.publisher.pacer)

    def statuses(self) -> list:
        """Every status of the account, oldest first."""
        me, found, max_id = self.reader.account_verify_credentials(), [], None
        while page := self.reader.account_statuses(me["id"], limit=40, max_id=max_id):
            found += page
            max_id = page[-1]["id"]
        return list(reversed(found))

    def texts(self) -> list[str]:
        return [self.reader.status_source(s["id"])["text"] for s in self.statuses()]


@pytest.fixture
def setup(mastodon_server: MastodonTestServer) -> Setup:  # noqa: F811
    time = FakeTime()
    client = mastodon_server.client()
    transport = FaultyTransport().install(client)
    pacer = Pacer(mastodon_budgets(), clock=time.clock, sleep=time.sleep)
    publisher = MastodonPublisher(client, mastodon_server.account, pacer=pacer)
    return Setup(mastodon_server, publisher, transport, time, mastodon_server.client())


def draft(tweet_id: str = "1100", part: int = 0, text: str | None = None, **kwargs) -> MastodonDraft:
    values = dict(
        tweet_id=tweet_id,
        part=part,
        parts=1,
        parent=None,
        root=None,
        created_at=datetime(2019, 3, 4, 12, tzinfo=UTC),
        language="fr",
        final=True,
        text=text if text is not None else f"Tweet {tweet_id}, partie {part + 1}\n\nPublié sur X le 4 mars 2019",
    )
    values.update(kwargs)
    return MastodonDraft(**values)


def entry_for(d: MastodonDraft, sent_at: datetime, attempts: int = 1, key: str | None = None) -> Entry:
    return Entry(d.tweet_id, d.part, "sending", "2019-03-04T12:00:00+00:00", key, None, None, attempts, sent_at, None)


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


# -- what gets posted -----------------------------------------------------------------


def test_a_thread_lands_threaded_with_language_visibility_and_warning(setup):
    parts = [
        draft(part=0, parts=3, language="fr"),
        draft(
            part=1,
            parts=3,
            parent=PostRef("1100", 0),
            root=PostRef("1100", 0),
            language="es",
            spoiler_text="Contenido sensible",
            sensitive=True,
        ),
        draft(part=2, parts=3, parent=PostRef("1100", 1), root=PostRef("1100", 0), visibility="private"),
    ]
    remotes: list[Remote] = []
    for d in parts:
        parent = remotes[-1] if remotes else None
        remotes.append(
            setup.publisher.create(d, setup.publisher.request_key(d), [], parent, remotes[0] if remotes else None)
        )
    posted = setup.statuses()
    assert [str(s["id"]) for s in posted] == [r.id for r in remotes]
    assert [s["in_reply_to_id"] and str(s["in_reply_to_id"]) for s in posted] == [None, remotes[0].id, remotes[1].id]
    assert [s["language"] for s in posted] == ["fr", "es", "fr"]
    assert [s["visibility"] for s in posted] == ["unlisted", "unlisted", "private"]
    assert [s["spoiler_text"] for s in posted] == ["", "Contenido sensible", ""]
    assert setup.texts() == [d.text for d in parts]
    assert all(r.url and urlsplit(r.url).path.endswith(r.id) for r in remotes)


def test_photos_and_a_gif_as_video_with_their_alt_text(setup):
    publisher = setup.publisher
    photos = [
        publisher.upload(MediaFile("photo", jpeg(), "image/jpeg", alt=f"Photo {i}", width=64, height=48))
        for i in range(2)
    ]
    gif = publisher.upload(MediaFile("animated_gif", MP4, "video/mp4", alt="Un chat qui saute"))
    with_photos = draft("1200", media=[DraftMedia("a.jpg", "photo"), DraftMedia("b.jpg", "photo")])
    with_gif = draft("1201", media=[DraftMedia("c.mp4", "animated_gif")])
    first = publisher.create(with_photos, publisher.request_key(with_photos), photos, None, None)
    second = publisher.create(with_gif, publisher.request_key(with_gif), [gif], None, None)
    attached = setup.reader.status(first.id)["media_attachments"]
    assert [(m["type"], m["description"]) for m in attached] == [("image", "Photo 0"), ("image", "Photo 1")]
    video = setup.reader.status(second.id)["media_attachments"]
    assert [(m["type"], m["description"]) for m in video] == [("video", "Un chat qui saute")]
    assert publisher.pacer.budgets["media"][0].spent and len(publisher.pacer.budgets["media"][0].spent) == 3


def test_a_video_processed_asynchronously_is_waited_for(setup):
    setup.transport.async_media(polls=3)
    uploaded = setup.publisher.upload(MediaFile("video", MP4, "video/mp4", alt="Manif"))
    polls = [e for e in setup.transport.log if e.method == "GET" and e.path.startswith("/api/v1/media/")]
    assert [e.status for e in polls] == [206, 206, 206, 200]
    assert setup.time.sleeps == [1.0, 2.0, 4.0, 8.0]
    d = draft(media=[DraftMedia("v.mp4", "video")])
    remote = setup.publisher.create(d, setup.publisher.request_key(d), [uploaded], None, None)
    assert setup.reader.status(remote.id)["media_attachments"][0]["url"]


def test_a_failed_video_processing_is_a_refused_media(setup):
    setup.transport.async_media(polls=1, fail_processing=True)
    with pytest.raises(RefusedError, match="Error processing"):
        setup.publisher.upload(MediaFile("video", MP4, "video/mp4"))


def test_the_same_key_gets_the_same_status(setup):
    d = draft()
    key = setup.publisher.request_key(d)
    first = setup.publisher.create(d, key, [], None, None)
    again = setup.new_process().create(d, key, [], None, None)
    assert again.id == first.id
    assert len(setup.transport.reached("POST", STATUSES)) == 2
    assert len(setup.statuses()) == 1


def test_delete_then_delete_again(setup):
    d = draft()
    remote = setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    setup.publisher.delete(remote)
    assert setup.statuses() == []
    setup.publisher.delete(remote)  # already gone
    assert len(setup.publisher.pacer.budgets["delete"][0].spent) == 2


def test_limits_come_from_instance_v2(setup):
    setup.transport.instance(statuses={"max_characters": 1000}, media_attachments={"description_limit": 1500})
    limits = setup.publisher.limits()
    assert (limits.max_characters, limits.characters_reserved_per_url, limits.description_limit) == (1000, 23, 1500)
    assert limits.media.accepts("image/jpeg") and not limits.media.accepts("image/heic")


# -- after a crash, or an answer that never came ----------------------------------------


def test_a_status_whose_answer_was_lost_is_found_instead_of_posted_again(setup):
    d = draft(text="Une réponse perdue https://example.org/article\n\nPublié sur X le 4 mars 2019")
    key = setup.publisher.request_key(d)
    sent_at = datetime.now(UTC)
    setup.transport.drop_after_send("POST", STATUSES)
    with pytest.raises(TransientError):
        setup.publisher.create(d, key, [], None, None)
    # A later run, well past the Idempotency-Key hour for all it knows:
    later = setup.new_process()
    found = later.find(d, entry_for(d, sent_at, key=key))
    assert found is not None and found.id == str(setup.statuses()[0]["id"])
    assert len(setup.transport.reached("POST", STATUSES)) == 1


def test_a_request_that_never_left_is_sent_again(setup):
    d = draft()
    sent_at = datetime.now(UTC)
    setup.transport.drop_before_send("POST", STATUSES)
    with pytest.raises(TransientError):
        setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert setup.new_process().find(d, entry_for(d, sent_at)) is None
    setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert len(setup.statuses()) == 1


def test_an_identical_earlier_post_is_not_taken_for_this_one(setup):
    merci_a, merci_b = draft("1301", text="Merci à toutes et tous !"), draft("1302", text="Merci à toutes et tous !")
    done = setup.publisher.create(merci_a, setup.publisher.request_key(merci_a), [], None, None)
    sent_b = datetime.now(UTC) + timedelta(minutes=10)  # B was sent after A was done
    later = setup.new_process()
    assert later.find(merci_b, entry_for(merci_b, sent_b)) is None  # A is older than B's attempt
    later.claim([done.id])  # the journal's done posts, as a runner passes them
    assert later.find(merci_b, entry_for(merci_b, datetime.now(UTC) - timedelta(hours=3), attempts=3)) is None


def test_an_unfinalised_draft_finds_the_post_with_its_resolved_links(setup):
    raw = draft("1400", text="Suite de https://x.com/alice/status/1399\n\nPublié sur X le 4 mars 2019", final=False)
    final = draft("1400", text="Suite de https://mastodon.social/@alice/112233\n\nPublié sur X le 4 mars 2019")
    sent_at = datetime.now(UTC)
    setup.transport.drop_after_send("POST", STATUSES)
    with pytest.raises(TransientError):
        setup.publisher.create(final, setup.publisher.request_key(final), [], None, None)
    assert setup.new_process().find(raw, entry_for(raw, sent_at)) is not None


@pytest.mark.parametrize(("status", "after_send"), [(500, False), (502, True), (503, False), (503, True)])
def test_server_errors_are_retried_without_a_duplicate(setup, status, after_send):
    d = draft()
    key = setup.publisher.request_key(d)
    sent_at = datetime.now(UTC)
    setup.transport.fail("POST", STATUSES, status, after_send=after_send)
    with pytest.raises(TransientError, match=str(status)):
        setup.publisher.create(d, key, [], None, None)
    found = setup.publisher.find(d, entry_for(d, sent_at, key=key))
    assert (found is not None) == after_send
    if found is None:
        setup.publisher.create(d, key, [], None, None)
    assert len(setup.statuses()) == 1


def test_a_429_waits_for_the_servers_reset_and_no_second_429(setup):
    now = lambda: datetime.fromtimestamp(setup.time.clock(), UTC)  # noqa: E731 - the server's clock is ours here
    setup.transport.rate_limit("POST", STATUSES, reset_in=90, now=now)
    d = draft()
    with pytest.raises(RateLimitError) as caught:
        setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert caught.value.reset_at == pytest.approx(setup.time.clock() + 90, abs=1)
    start = setup.time.clock()
    setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert setup.time.clock() - start == pytest.approx(91, abs=1.5)
    assert setup.publisher.pacer.rate_limited == 1
    assert len(setup.statuses()) == 1


def test_the_mocks_own_429_is_understood_too(setup):
    setup.server.rate_limit_once("/api/v1/statuses", reset_in=45)
    d = draft()
    with pytest.raises(RateLimitError) as caught:
        setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert caught.value.reset_at is not None
    setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert len(setup.statuses()) == 1


def test_mastodons_budget_headers_pace_the_next_request(setup):
    remaining = iter([1, 0, 299, 298, 297])
    setup.transport.budget(lambda: next(remaining), reset_in=240)
    setup.publisher.limits()  # answer: 1 left
    d = draft()
    setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)  # answer: 0 left
    start = setup.time.clock()
    other = draft("1101")
    setup.publisher.create(other, setup.publisher.request_key(other), [], None, None)
    assert setup.time.clock() - start >= 200  # waited for the reset instead of meeting a 429


# -- Mastodon's length rule ------------------------------------------------------------


def test_urls_count_23_like_on_mastodon(setup, monkeypatch):
    lift_mock_length_limit(monkeypatch)
    setup.transport.count_like_mastodon(max_characters=500)
    links = " ".join(f"https://example.org/{'chemin' * 20}/{i}" for i in range(5))  # 5 x 23 on Mastodon
    text = "é" * 380 + " " + links  # 380 + 1 + 5 x 23 + 4 = 500 for Mastodon, 1,081 code points
    assert len(text) > 1000
    d = draft(text=text)
    remote = setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert setup.reader.status_source(remote.id)["text"] == text
    too_long = draft("1101", text="é" * 381 + " " + links)
    with pytest.raises(RefusedError, match="501 characters"):
        setup.publisher.create(too_long, setup.publisher.request_key(too_long), [], None, None)
    assert len(setup.transport.reached("POST", STATUSES)) == 1  # refused before the request


def test_the_servers_422_is_a_refusal_with_its_reason(setup, monkeypatch):
    lift_mock_length_limit(monkeypatch)
    setup.transport.count_like_mastodon(max_characters=100)  # the server is stricter than it says
    d = draft(text="x" * 150)
    with pytest.raises(RefusedError, match="Text character limit of 100 exceeded") as caught:
        setup.publisher.create(d, setup.publisher.request_key(d), [], None, None)
    assert caught.value.status == 422


# -- exactly once, whatever happens --------------------------------------------------------


FAULTS = ("drop_after", "drop_before", "502_after", "503_before", "429", "crash_after", None, None, None)


@pytest.mark.parametrize("keys", ["within the hour", "expired"])
def test_every_post_exists_exactly_once_through_faults_and_crashes(setup, tmp_path, keys):
    """A runner's contract, by hand: "sending" before the request, `find()`
    before any resend, a new process after a crash. Faults drawn at random
    (seeded) on every status request. With expired keys, every resend would
    make a new status: only `find()` stands between a fault and a duplicate."""
    if keys == "expired":
        setup.transport.expire_idempotency_keys()
    rng = random.Random(20191104)
    drafts = []
    for tweet in range(12):
        parts = 1 + tweet % 3
        for part in range(parts):
            parent = PostRef(str(2000 + tweet), part - 1) if part else None
            root = PostRef(str(2000 + tweet), 0) if part else None
            drafts.append(
                draft(
                    str(2000 + tweet),
                    part,
                    parts=parts,
                    parent=parent,
                    root=root,
                    text=f"Fil {tweet}, partie {part + 1}/{parts}\n\nPublié sur X le 4 mars 2019",
                )
            )
    # Twins: the same words on the same day, as collectives do ("Merci !").
    drafts += [draft(str(3000 + n), text="Merci à toutes et tous !\n\nPublié sur X le 4 mars 2019") for n in range(3)]
    journal = Journal(tmp_path / "journal.sqlite3", "mastodon", "source", setup.server.account)
    journal.plan(PlannedPost(d.tweet_id, d.part, d.created_at) for d in drafts)
    publisher, recovered = setup.publisher, 0

    def restart() -> MastodonPublisher:  # what a runner does in a new process
        fresh = setup.new_process()
        fresh.claim(e.remote.id for e in journal.entries("done"))
        return fresh

    for d in drafts:
        while (entry := journal.get(d.tweet_id, d.part)).state != "done":
            fault = rng.choice(FAULTS)
            _arm(setup.transport, fault)
            if entry.state == "sending":
                found = publisher.find(d, entry)
                if found is not None:
                    journal.mark_done(d.tweet_id, d.part, found)
                    recovered += 1
                    continue
            parent = journal.remote(d.parent.tweet_id, d.parent.part) if d.parent else None
            key = publisher.request_key(d)
            journal.mark_sending(d.tweet_id, d.part, key)
            try:
                remote = publisher.create(d, key, [], parent, None)
            except (TransientError, RateLimitError):
                publisher = restart() if rng.random() < 0.5 else publisher  # sometimes a crash
                continue
            if fault == "crash_after":  # killed between the answer and "done"
                publisher = restart()
                continue
            journal.mark_done(d.tweet_id, d.part, remote)
        setup.transport.rules.clear()
    posted = {str(s["id"]): s for s in setup.statuses()}
    remotes = {journal.remote(d.tweet_id, d.part).id for d in drafts}
    assert len(posted) == len(drafts) == len(remotes) and remotes == set(posted)
    for d in drafts:
        status = posted[journal.remote(d.tweet_id, d.part).id]
        assert setup.reader.status_source(status["id"])["text"] == d.text
        expected_parent = journal.remote(d.parent.tweet_id, d.parent.part).id if d.parent else None
        assert (str(status["in_reply_to_id"]) if status["in_reply_to_id"] else None) == expected_parent
    struck = [e for e in setup.transport.log if e.path == STATUSES and (e.status is None or e.status >= 400)]
    assert len(struck) >= 8 and recovered >= 3  # faults did strike, and find() recovered posts
    journal.close()


def _arm(transport: FaultyTransport, fault: str | None) -> None:
    transport.rules.clear()
    if fault == "drop_after":
        transport.drop_after_send("POST", STATUSES)
    elif fault == "drop_before":
        transport.drop_before_send("POST", STATUSES)
    elif fault == "502_after":
        transport.fail("POST", STATUSES, 502, after_send=True)
    elif fault == "503_before":
        transport.fail("POST", STATUSES, 503)
    elif fault == "429":
        transport.rate_limit("POST", STATUSES, reset_in=30)


# -- a real instance, on request -------------------------------------------------------------


@pytest.mark.live
def test_a_real_instance_direct_status_then_deleted():
    url, token = os.environ.get("QUITTEX_TEST_MASTODON_URL"), os.environ.get("QUITTEX_TEST_MASTODON_TOKEN")
    if not (url and token):
        pytest.skip("set QUITTEX_TEST_MASTODON_URL and QUITTEX_TEST_MASTODON_TOKEN to run against a real instance")
    client = Mastodon(access_token=token, api_base_url=url, ratelimit_method="throw", request_timeout=60)
    username = client.account_verify_credentials()["username"]
    publisher = MastodonPublisher(client, f"{username}@{urlsplit(url).hostname}")
    limits = publisher.limits()
    assert limits.max_characters >= 500
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    d = draft(
        f"9{stamp}",
        text=f"quittex test {stamp}: https://example.org/quittex (deleted right away)",
        visibility="direct",
        language="en",
    )
    sent_at = datetime.now(UTC)
    remote = publisher.create(d, publisher.request_key(d), [], None, None)
    try:
        assert publisher.create(d, publisher.request_key(d), [], None, None).id == remote.id  # Idempotency-Key
        fresh = MastodonPublisher(client, publisher.account)
        assert fresh.find(d, entry_for(d, sent_at)) == remote
        status = client.status(remote.id)
        assert status["visibility"] == "direct" and status["language"] == "en"
    finally:
        publisher.delete(remote)
    publisher.delete(remote)  # gone already: still fine
