"""The runner with an in-memory platform: exactly once through crashes,
timeouts after the server received the request, refusals, 429s and stops."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from quittex.errors import AuthError
from quittex.models import Media, Thread, Tweet
from quittex.publish.base import MediaFile, RateLimitError, RefusedError, TransientError, UploadedMedia
from quittex.publish.journal import Entry, Journal, Remote
from quittex.publish.pacing import Pacer
from quittex.publish.runner import PlatformRun, RunLimits
from quittex.rewrite.pipeline import Rewriter

BASE = datetime(2021, 6, 1, 12, tzinfo=UTC)


class FakePlatform:
    """Keeps posts by request key, like a server honouring idempotency."""

    platform = "bluesky"
    account = "did:plc:test"
    label = "@test"

    def __init__(self) -> None:
        self.posts: dict[str, dict] = {}
        self.pacer = Pacer()
        self.failures: list[Exception] = []  # raised by create(), one per call
        self.lose_answer = 0  # times create() stores the post but the answer is lost
        self.creates = 0

    def request_key(self, draft, generation: int = 0) -> str:
        return f"{draft.tweet_id}-{draft.part}" + (f"-g{generation}" if generation else "")

    def upload(self, media: MediaFile) -> UploadedMedia:
        return UploadedMedia(media.kind, ref=media.path, alt=media.alt)

    def create(self, draft, key, media, parent, root) -> Remote:
        self.creates += 1
        if self.failures:
            raise self.failures.pop(0)
        self.posts.setdefault(key, {"text": draft.text, "parent": parent.id if parent else None, "media": media})
        if self.lose_answer:
            self.lose_answer -= 1
            raise TransientError("connection dropped after the request was sent")
        return Remote(id=f"at://{key}", url=f"https://example/{key}", cid="cid")

    def find(self, draft, entry: Entry, *, parent=None) -> Remote | None:
        key = entry.request_key
        return Remote(id=f"at://{key}", url=f"https://example/{key}", cid="cid") if key in self.posts else None

    def delete(self, remote: Remote) -> None:
        self.posts.pop(remote.id.removeprefix("at://"), None)

    def claim(self, remote_ids) -> None:
        list(remote_ids)

    def limits(self):
        raise AssertionError("the runner never asks for limits")

    def close(self) -> None:
        pass


def thread(*texts: str, start: int = 0) -> Thread:
    tweets = []
    for n, text in enumerate(texts):
        tweet_id = str(10_000 + start + n)
        parent = tweets[-1].id if tweets else None
        tweets.append(
            Tweet(
                id=tweet_id,
                created_at=BASE + timedelta(minutes=start + n),
                text=text,
                lang="fr",
                in_reply_to_id=parent,
                in_reply_to_user_id="1" if parent else None,
            )
        )
    return Thread(tweets=tweets, parents={t.id: t.in_reply_to_id for t in tweets[1:]})


def drafts_for(*threads: Thread, platform: str = "bluesky"):
    return Rewriter("collectif").rewrite_all(list(threads), [platform])[platform].drafts


def run(platform, journal, drafts, **kwargs):
    prepare = kwargs.pop("prepare", lambda media: MediaFile(media.kind, b"x", "image/jpeg", media.alt, path=media.path))
    return PlatformRun(platform, journal, drafts, prepare, sleep=lambda s: None, **kwargs).run()


@pytest.fixture
def journal(tmp_path):
    with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as opened:
        yield opened


def test_a_thread_is_posted_once_in_order_with_its_replies_chained(journal):
    platform = FakePlatform()
    drafts = drafts_for(thread("Premier", "Deuxième", "Troisième"))
    report = run(platform, journal, drafts)
    assert report.created == 3 and report.complete
    posts = list(platform.posts.values())
    assert posts[0]["parent"] is None and posts[1]["parent"] == "at://10000-0" and posts[2]["parent"] == "at://10001-0"
    again = run(platform, journal, drafts)
    assert again.created == 0 and again.already_done == 3 and platform.creates == 3


def test_an_answer_lost_after_the_server_created_the_post_is_not_posted_twice(journal):
    platform = FakePlatform()
    platform.lose_answer = 1
    report = run(platform, journal, drafts_for(thread("Un", "Deux")))
    assert report.complete and len(platform.posts) == 2
    assert journal.get("10000", 0).state == "done" and journal.get("10000", 0).attempts == 1


def test_a_crash_between_sending_and_done_is_reconciled_on_the_next_run(journal):
    platform = FakePlatform()
    drafts = drafts_for(thread("Un"))
    journal.plan([])
    from quittex.publish.runner import plan_journal

    plan_journal(journal, drafts)
    journal.mark_sending("10000", 0, "10000-0")
    platform.posts["10000-0"] = {"text": "Un"}  # the server got it; the process died
    report = run(platform, journal, drafts)
    assert report.created == 0 and platform.creates == 0 and journal.get("10000", 0).state == "done"


def test_refused_posts_fail_with_the_reason_and_their_replies_wait(journal):
    platform = FakePlatform()
    platform.failures = [RefusedError("400 text too long", status=400)]
    drafts = drafts_for(thread("Refusé", "Réponse"), thread("Autre", start=10))
    report = run(platform, journal, drafts)
    assert journal.get("10000", 0).state == "failed" and journal.get("10000", 0).reason == "400 text too long"
    assert (
        journal.get("10001", 0).state == "failed" and "replies to was not published" in journal.get("10001", 0).reason
    )
    assert journal.get("10010", 0).state == "done" and report.failed == 2 and not report.complete
    rerun = run(platform, journal, drafts)
    assert rerun.created == 2 and rerun.complete


def test_transient_errors_are_retried_then_give_up_cleanly(journal):
    platform = FakePlatform()
    platform.failures = [TransientError("502"), TransientError("timeout")]
    assert run(platform, journal, drafts_for(thread("Un"))).complete
    platform2 = FakePlatform()
    platform2.failures = [TransientError("503")] * 10
    with Journal.open("bluesky", "1", "did:plc:other", state_dir=journal.path.parent) as other:
        with pytest.raises(TransientError, match="Run again later"):
            run(platform2, other, drafts_for(thread("Un")))
        assert other.get("10000", 0).state == "sending"  # the next run asks the platform first


def test_a_429_waits_for_the_reset_and_never_loses_the_post(journal):
    platform = FakePlatform()
    platform.failures = [RateLimitError("429", reset_at=None)]
    assert run(platform, journal, drafts_for(thread("Un"))).complete and len(platform.posts) == 1


def test_auth_errors_stop_the_run(journal):
    platform = FakePlatform()
    platform.failures = [AuthError("token expired")]
    with pytest.raises(AuthError):
        run(platform, journal, drafts_for(thread("Un"), thread("Deux", start=5)))
    assert journal.get("10005", 0).state == "pending"


def test_max_posts_and_stop_leave_the_rest_for_later(journal):
    platform = FakePlatform()
    drafts = drafts_for(*(thread(f"Tweet {n}", start=n * 10) for n in range(5)))
    report = run(platform, journal, drafts, limits=RunLimits(max_posts=2))
    assert report.created == 2 and report.left == 3 and "--max-posts 2" in report.stopped_because
    stop = threading.Event()
    stop.set()
    stopped = run(platform, journal, drafts, limits=RunLimits(stop=stop))
    assert stopped.created == 0 and stopped.stopped_because == "interrupted"
    assert run(platform, journal, drafts).created == 3 and len(platform.posts) == 5


def test_unreadable_media_is_left_out_with_a_warning(journal):
    from quittex.media import MediaError

    platform = FakePlatform()
    tweet = Tweet(
        id="20000",
        created_at=BASE,
        text="Photo",
        lang="fr",
        media=[Media("photo", "m1", "data/tweets_media/20000-a.jpg", "u")],
    )

    def broken(media):
        raise MediaError("not an image: the file is a PDF document", problem="not_an_image", name=media.path)

    report = run(platform, journal, drafts_for(Thread([tweet])), prepare=broken)
    assert report.created == 1 and platform.posts["20000-0"]["media"] == []
    assert "not attached" in report.media_warnings[0]


def test_a_post_undone_then_migrated_again_is_sent_under_a_new_key(journal):
    platform = FakePlatform()
    drafts = drafts_for(thread("Un", "Deux"))
    assert run(platform, journal, drafts).created == 2
    for draft in drafts:
        platform.delete(journal.get(draft.tweet_id, draft.part).remote)
        journal.mark_undone(draft.tweet_id, draft.part)
    again = run(platform, journal, drafts)
    assert again.created == 2 and again.complete
    assert sorted(platform.posts) == ["10000-0-g1", "10001-0-g1"]
    assert platform.posts["10001-0-g1"]["parent"] == "at://10000-0-g1"  # the reply answers the new post
