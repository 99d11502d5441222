"""A video over a platform's limits: posted as a link to the original tweet
with a note in the reader's language, reported by the dry run, recorded in
the journal and shown by `quittex status`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from quittex.media import BlueskyLimits, MastodonLimits
from quittex.migrate.plan import oversized_videos
from quittex.models import Media, Thread, Tweet
from quittex.publish.journal import Journal, MediaNote, PlannedPost, Remote
from quittex.rewrite.pipeline import Rewriter
from quittex.rewrite.videolink import (
    VIDEO_LINK_TEMPLATES,
    OversizedVideo,
    duration_words,
    size_words,
    video_link_tokens,
)
from tests.archive_builder import ArchiveSpec, MediaSpec, write_archive
from tests.cli_helpers import run_cli

WHEN = datetime(2022, 3, 1, 18, 30, tzinfo=UTC)
TWEET_ID = "1498734000000000000"
VIDEO_PATH = f"data/tweets_media/{TWEET_ID}-long.mp4"
DEFAULT_LIMITS = {"bluesky": BlueskyLimits(), "mastodon": MastodonLimits()}


def video_tweet(
    text: str = "Notre manif en vidéo", *, seconds: float | None = 252, size: int | None = 40_000_000, lang: str = "fr"
) -> Tweet:
    video = Media(
        "video",
        "9",
        VIDEO_PATH,
        "https://video.twimg.com/x.mp4",
        duration_ms=int(seconds * 1000) if seconds is not None else None,
        size_bytes=size,
    )
    return Tweet(id=TWEET_ID, created_at=WHEN, text=text, lang=lang, media=[video])


def rewrite(tweet: Tweet, limits=DEFAULT_LIMITS):
    oversized = oversized_videos([tweet], limits)
    return Rewriter("collectif", oversized_videos=oversized).rewrite_all([Thread([tweet])], list(limits))


# -- the words -----------------------------------------------------------------
@pytest.mark.parametrize("locale", sorted(VIDEO_LINK_TEMPLATES))
def test_every_language_says_why_and_links_to_the_tweet(locale):
    url = f"https://x.com/collectif/status/{TWEET_ID}"
    for video in (
        OversizedVideo("too_long", "r", seconds=252),
        OversizedVideo("too_big", "r", size_bytes=152_000_000),
        OversizedVideo("refused", "r"),
    ):
        tokens = video_link_tokens(video, locale=locale, platform="bluesky", url=url)
        text = "".join(t.text for t in tokens)
        assert text.startswith("\n\n🎬") and "Bluesky" in text and text.endswith(url)
        assert tokens[-1].kind == "link" and tokens[-1].value == url  # a plain link: never rewritten
        if video.kind == "too_long":
            assert "4" in text and "12" in text
        if video.kind == "too_big":
            assert "152" in text


def test_a_refusal_without_its_figure_falls_back_to_the_plain_words():
    tokens = video_link_tokens(
        OversizedVideo("too_long", "r", seconds=None), locale="fr", platform="mastodon", url="https://x.com/a/status/1"
    )
    assert "".join(t.text for t in tokens).startswith("\n\n🎬 Vidéo refusée par Mastodon")


def test_durations_and_sizes_are_written_the_local_way():
    assert duration_words(252.4, "fr") == "4\xa0min 12\u202fs"
    assert duration_words(180, "en") == "3 min"
    assert duration_words(3790, "it") == "1 h 3 min"
    assert size_words(152_300_000, "fr") == "152\u202fMo"
    assert size_words(1_520_000_000, "de") == "1,5\xa0GB"
    assert size_words(10, "en") == "1 MB"


# -- which videos each platform cannot take ----------------------------------------
def test_a_video_over_three_minutes_is_linked_on_bluesky_only():
    found = oversized_videos([video_tweet(seconds=252)], DEFAULT_LIMITS)
    assert found["mastodon"] == {}
    video = found["bluesky"][VIDEO_PATH]
    assert video.kind == "too_long" and video.seconds == 252 and "3 min" in video.reason


def test_an_instance_with_a_small_video_limit_gets_a_link():
    instance = {"configuration": {"media_attachments": {"video_size_limit": 20_000_000}}}
    limits = {"mastodon": MastodonLimits.from_instance_v2(instance)}
    video = oversized_videos([video_tweet(seconds=30, size=40_000_000)], limits)["mastodon"][VIDEO_PATH]
    assert video.kind == "too_big" and video.size_bytes == 40_000_000 and "20.0 MB" in video.reason


def test_a_self_hosted_pds_takes_videos_only_as_small_blobs():
    limits = {"bluesky": BlueskyLimits().without_video_service()}
    assert VIDEO_PATH in oversized_videos([video_tweet(seconds=30, size=8_000_000)], limits)["bluesky"]
    assert oversized_videos([video_tweet(seconds=30, size=3_000_000)], limits)["bluesky"] == {}


def test_what_the_archive_does_not_say_is_left_to_the_publisher():
    assert oversized_videos([video_tweet(seconds=None, size=None)], DEFAULT_LIMITS) == {"bluesky": {}, "mastodon": {}}


def test_a_spent_daily_quota_is_no_reason_for_a_link():
    limits = {"bluesky": BlueskyLimits(remaining_daily_videos=0)}
    assert oversized_videos([video_tweet(seconds=30)], limits)["bluesky"] == {}


def test_photos_are_never_judged_as_videos():
    photo = Media("photo", "1", "data/tweets_media/1-a.jpg", "u", size_bytes=900_000_000)
    tweet = Tweet(id="1", created_at=WHEN, text="x", media=[photo])
    assert oversized_videos([tweet], DEFAULT_LIMITS) == {"bluesky": {}, "mastodon": {}}


# -- the posts ---------------------------------------------------------------------
def test_the_post_links_to_the_tweet_instead_of_carrying_the_video():
    results = rewrite(video_tweet())
    [bluesky] = results["bluesky"].drafts
    assert bluesky.media == [] and [m.path for m in bluesky.linked_media] == [VIDEO_PATH]
    assert "🎬 Vidéo de 4\xa0min 12\u202fs, trop longue pour Bluesky, à voir sur X" in bluesky.text
    assert bluesky.text.startswith("Notre manif en vidéo\n\n🎬")
    url = f"https://x.com/collectif/status/{TWEET_ID}"
    link = [f for f in bluesky.facets if f.feature.kind == "link"]
    assert [f.feature.value for f in link] == [url]
    assert bluesky.text.encode()[link[0].byte_start : link[0].byte_end].decode().startswith("x.com/collectif/")
    assert [w.code for w in bluesky.warnings] == ["video_linked"]
    [mastodon] = results["mastodon"].drafts
    assert (
        [m.path for m in mastodon.media] == [VIDEO_PATH] and mastodon.linked_media == [] and "🎬" not in mastodon.text
    )


def test_the_note_follows_the_tweet_language():
    [draft] = rewrite(video_tweet("Our march on video", lang="en"))["bluesky"].drafts
    assert "🎬 4 min 12 sec video, too long for Bluesky, watch it on X: " in draft.text


def test_a_tweet_that_was_only_a_video_still_gets_its_post():
    [draft] = rewrite(video_tweet(""))["bluesky"].drafts
    assert draft.text.startswith("🎬 Vidéo de 4") and draft.linked_media


def test_a_long_tweet_keeps_the_note_whole_and_says_it_once():
    text = " ".join(["Un texte long sur la manifestation de samedi."] * 12)
    drafts = rewrite(video_tweet(text))["bluesky"].drafts
    assert len(drafts) > 1
    assert sum("🎬" in d.text for d in drafts) == 1
    assert [bool(d.linked_media) for d in drafts] == [True] + [False] * (len(drafts) - 1)
    assert all(len(d.text) <= 300 for d in drafts)
    assert "à voir sur X" in "".join(d.text for d in drafts)


def test_the_json_line_names_the_linked_video():
    [draft] = rewrite(video_tweet())["bluesky"].drafts
    data = draft.to_json()
    assert data["linked_media"] == [
        {"path": VIDEO_PATH, "kind": "video", "reason": "the video lasts 4 min 12 s; Bluesky accepts at most 3 min"}
    ]
    assert data["media"] == []


# -- journal and status ------------------------------------------------------------
def test_the_journal_keeps_what_each_published_post_does_not_carry(tmp_path):
    with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as journal:
        journal.plan([PlannedPost("7", 0, WHEN), PlannedPost("8", 0, WHEN)])
        notes = [
            MediaNote("7", 0, "a.mp4", "linked", "too long"),
            MediaNote("7", 0, "b.jpg", "left_out", "not an image"),
        ]
        journal.mark_done("7", 0, Remote("at://x/7"), notes)
        assert journal.media_notes() == notes
        journal.mark_done("7", 0, Remote("at://x/7"))  # a later reconciliation says nothing more
        assert journal.media_notes() == []
    with pytest.raises(KeyError):
        with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as journal:
            journal.mark_done("404", 0, Remote("x"), notes)
    with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as journal:
        assert journal.media_notes() == []  # the failed update left nothing behind


def test_an_old_journal_without_media_notes_still_reads(tmp_path):
    with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as journal:
        path = journal.path
        journal._db.execute("DROP TABLE media_notes")
    with Journal.read_only(path) as journal:
        assert journal.media_notes() == []


def test_the_runner_records_linked_and_unreadable_media(tmp_path):
    from quittex.media import MediaError
    from quittex.publish.runner import PlatformRun
    from tests.test_runner import FakePlatform

    photo = Media("photo", "p", "data/tweets_media/1-broken.jpg", "u")
    tweet = video_tweet()
    tweet.media.append(photo)
    drafts = rewrite(tweet, {"bluesky": BlueskyLimits()})["bluesky"].drafts

    def prepare(media):
        raise MediaError("not an image: the file is a PDF document", problem="not_an_image", name=media.path)

    with Journal.open("bluesky", "1", "did:plc:test", state_dir=tmp_path) as journal:
        report = PlatformRun(FakePlatform(), journal, drafts, prepare, sleep=lambda s: None).run()
        assert report.created == 1
        notes = {(n.media_path, n.outcome) for n in journal.media_notes()}
    assert notes == {(VIDEO_PATH, "linked"), (photo.path, "left_out")}
    result = run_cli("status", "--state-dir", str(tmp_path))
    assert result.exit_code == 0
    said = " ".join(result.stderr.split())
    assert "bluesky: videos linked to X: 1, media left out: 1" in said
    assert f"{VIDEO_PATH} linked to X: the video lasts 4 min 12 s" in said
    data = json.loads(run_cli("status", "--json", "--state-dir", str(tmp_path)).stdout)
    assert {(n["path"], n["outcome"]) for n in data["journals"][0]["media_notes"]} == notes


# -- the dry run ---------------------------------------------------------------------
def test_the_dry_run_flags_the_video_and_counts_it(tmp_path):
    spec = ArchiveSpec()
    spec.tweet(
        TWEET_ID,
        "La manif en entier",
        media=[MediaSpec("video", "long.mp4", content=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, duration_ms=252_000)],
    )
    archive = write_archive(spec, tmp_path / "archive.zip")
    result = run_cli("migrate", str(archive), "--to", "mastodon,bluesky", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    posts = {p["platform"]: p for p in map(json.loads, result.stdout.splitlines())}
    assert posts["bluesky"]["linked_media"][0]["path"].endswith("-long.mp4") and posts["bluesky"]["media"] == []
    assert "trop longue pour Bluesky" in posts["bluesky"]["text"]
    assert posts["mastodon"]["linked_media"] == [] and len(posts["mastodon"]["media"]) == 1
    table = run_cli("migrate", str(archive), "--to", "mastodon,bluesky", "--dry-run")
    row = next(line for line in table.stdout.splitlines() if "Videos over the limits" in line)
    assert [cell for cell in row.split() if cell.isdigit()] == ["0", "1"]
    shown = " ".join(table.stdout.replace("│", " ").split())
    assert (
        "the video lasts 4 min 12 s; Bluesky accepts at most 3 min; the post links to the original tweet instead"
        in shown
    )
