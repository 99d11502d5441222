"""The archive reader, on archives of every generation written by the builder."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quittex.archive import count_kinds, load_archive
from quittex.archive.source import ArchiveSource
from quittex.archive.summary import summarize
from quittex.archive.tweets import parse_created_at
from quittex.errors import ArchiveError, NotAnXArchiveError, UnsafeArchiveError
from tests.archive_builder import (
    ArchiveSpec,
    MediaSpec,
    make_note,
    make_tweet,
    snowflake,
    truncated_for_note,
    write_archive,
)
from tests.cli_helpers import run_cli

T0 = datetime(2023, 3, 4, 9, 30, tzinfo=UTC)
OWN = "1000000001"


def at(minutes: float, sequence: int = 0) -> str:
    return snowflake(T0 + timedelta(minutes=minutes), sequence)


def rich_spec(generation: str = "2023", parts: int = 3) -> ArchiveSpec:
    """One of each kind of tweet a reader must handle."""
    spec = ArchiveSpec(generation=generation, parts=parts, account_id=OWN)
    spec.tweet(
        at(0),
        "Bonjour 👩🏽‍🌾 > https://t.co/AAAA #Climat & @voisin",
        urls={"https://t.co/AAAA": "https://example.org/a?b=1&c=2"},
    )
    spec.tweet(
        at(1), "Le fil continue", reply_to=(at(0), OWN, "quittex_demo"), media=[MediaSpec("photo", "PHOTO1.jpg")]
    )
    spec.tweet(at(2), "Et se termine", reply_to=(at(1), OWN, "quittex_demo"), likes=12)
    spec.tweet(at(3), "@quelquun je ne suis pas d'accord", reply_to=("99", "42", "quelquun"))
    spec.tweet(at(4), "RT @autre: un texte coupé à 140 caractères…")
    spec.tweet(
        at(5),
        "Regardez ça https://t.co/QUOTE1",
        urls={"https://t.co/QUOTE1": "https://twitter.com/autre/status/1234567890"},
    )
    spec.tweet(at(6), "Une vidéo", media=[MediaSpec("video", "VIDEO1.mp4", duration_ms=12000)])
    spec.tweet(at(7), "Un GIF", media=[MediaSpec("animated_gif", "GIF1.mp4")])
    spec.tweet(at(8), "Photo perdue", media=[MediaSpec("photo", "LOST.jpg", content=None)])
    return spec


@pytest.fixture(params=["2019", "2021", "2023"])
def generation(request) -> str:
    return request.param


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_every_generation_and_form_reads_the_same(tmp_path, generation, form):
    spec = rich_spec(generation, parts=1 if generation != "2023" else 3)
    path = write_archive(spec, tmp_path / ("a.zip" if form == "zip" else "a"), form=form)
    with load_archive(path) as archive:
        summary = summarize(archive)
    assert (summary.username, summary.account_id) == ("quittex_demo", OWN)
    assert summary.tweets == 9
    assert (summary.retweets, summary.replies_to_others, summary.self_replies, summary.originals) == (1, 1, 2, 5)
    assert summary.threads == 1
    assert summary.media_items == 4 and summary.media_missing == 1
    assert summary.media_by_kind == {"photo": 2, "video": 1, "animated_gif": 1}


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_nested_one_level_deeper(tmp_path, form):
    path = write_archive(
        rich_spec(), tmp_path / ("n.zip" if form == "zip" else "n"), form=form, nest="twitter-2024-11-20-abc"
    )
    with load_archive(path) as archive:
        assert len(archive.tweets) == 9
        assert archive.tweet(at(1)).media[0].path == "data/tweets_media/" + f"{at(1)}-PHOTO1.jpg"
        assert archive.read_media(archive.tweet(at(1)).media[0].path).startswith(b"\xff\xd8")


def test_a_zip_inside_a_zip_and_a_folder_holding_the_zip(tmp_path):
    inner = write_archive(rich_spec(), tmp_path / "twitter-2024.zip")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(inner, "twitter-2024.zip")
    with load_archive(outer) as archive:
        assert len(archive.tweets) == 9
    folder = tmp_path / "downloads"
    folder.mkdir()
    inner.rename(folder / inner.name)
    with load_archive(folder) as archive:
        assert len(archive.tweets) == 9


def test_tweets_are_sorted_by_numeric_id_across_parts(tmp_path):
    spec = rich_spec(parts=4)
    spec.tweet("999", "Un tweet de 2008 à l'id court", when=datetime(2008, 5, 1, tzinfo=UTC))
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        ids = [int(t.id) for t in archive.tweets]
        assert ids == sorted(ids) and ids[0] == 999
        assert archive.stats.parts_read == 4
        assert archive.tweets[0].created_at == datetime(2008, 5, 1, tzinfo=UTC)


def test_entities_are_spliced_on_code_points_of_the_escaped_text(tmp_path):
    with load_archive(write_archive(rich_spec(), tmp_path / "a.zip")) as archive:
        tweet = archive.tweet(at(0))
    assert tweet.text == "Bonjour 👩🏽‍🌾 > https://example.org/a?b=1&c=2 #Climat & @voisin"
    assert tweet.created_at == T0 and tweet.created_at.tzinfo is not None
    for span in tweet.spans:
        shown = tweet.text[span.start : span.end]
        expected = {"link": span.value, "hashtag": "#" + span.value, "mention": "@" + span.value}[span.kind]
        assert shown == expected
    assert tweet.links == ["https://example.org/a?b=1&c=2"]
    assert tweet.hashtags == ["Climat"] and tweet.mentions == ["voisin"]


def test_media_links_leave_the_text_and_quotes_are_recognised(tmp_path):
    with load_archive(write_archive(rich_spec(), tmp_path / "a.zip")) as archive:
        photo_tweet, quote_tweet, video_tweet = archive.tweet(at(1)), archive.tweet(at(5)), archive.tweet(at(6))
        lost = archive.tweet(at(8))
    assert photo_tweet.text == "Le fil continue" and "t.co" not in photo_tweet.text
    assert quote_tweet.text == "Regardez ça"
    assert (quote_tweet.quote.tweet_id, quote_tweet.quote.screen_name) == ("1234567890", "autre")
    video = video_tweet.media[0]
    assert video.kind == "video" and video.duration_ms == 12000
    assert video.path.endswith(f"{at(6)}-VIDEO1.mp4")  # the highest-bitrate variant
    assert lost.media[0].path is None and "missing" in lost.warnings[0]


def test_renamed_media_file_is_found_by_the_tweet_id_prefix(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    spec.tweet(
        at(0),
        "Deux photos",
        media=[
            MediaSpec("photo", "A.jpg", file_name=f"{at(0)}-renamed.jpg"),
            MediaSpec("photo", "B.png", content=b"\x89PNG"),
        ],
    )
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        paths = [m.path for m in archive.tweet(at(0)).media]
    assert paths == [f"data/tweets_media/{at(0)}-renamed.jpg", f"data/tweets_media/{at(0)}-B.png"]


def test_note_tweets_posted_in_a_burst_each_find_their_tweet(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    texts = [
        f"Fil numéro {n} : " + "un long texte qui dépasse la limite. " * 12 + f"Fin {n} https://t.co/LINK{n}"
        for n in range(4)
    ]
    moment = T0 + timedelta(hours=1)
    previous = None
    for n, text in enumerate(texts):
        created = moment + timedelta(milliseconds=150 * n)  # four notes within one second
        spec.notes.append(make_note(text, created, urls={f"https://t.co/LINK{n}": f"https://example.org/{n}"}))
        tweet_id = snowflake(created + timedelta(milliseconds=400), n)
        reply = (previous, OWN, "quittex_demo") if previous else None
        spec.tweet(tweet_id, ("@quittex_demo " if reply else "") + truncated_for_note(text), reply_to=reply)
        previous = tweet_id
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        merged = [t for t in archive.tweets if t.from_note_tweet]
        assert archive.stats.note_tweets_merged == 4 and len(merged) == 4
        for n, tweet in enumerate(archive.tweets):
            assert tweet.text.endswith(f"Fin {n} https://example.org/{n}")
            assert f"numéro {n}" in tweet.text and "…" not in tweet.text
            link = [s for s in tweet.spans if s.kind == "link"][-1]
            assert tweet.text[link.start : link.end] == f"https://example.org/{n}"
        assert archive.tweets[1].text.startswith("@quittex_demo Fil numéro 1")
        assert len(archive.threads) == 1


def test_edit_chain_keeps_the_last_version_and_threads_follow_it(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    first, second, last = at(0), at(1), at(2)
    spec.tweet(first, "Version 1 avec une faute", edit_chain=[first, second, last])
    spec.tweet(second, "Version 2", edit_of=first, edit_chain=[first, second, last])
    spec.tweet(last, "Version 3, la bonne", edit_of=first, edit_chain=[first, second, last])
    spec.tweet(at(3), "Suite du fil", reply_to=(first, OWN, "quittex_demo"))
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        assert [t.text for t in archive.tweets] == ["Version 3, la bonne", "Suite du fil"]
        assert archive.stats.edits_collapsed == 2
        assert archive.tweets[1].in_reply_to_id == last
        assert len(archive.threads) == 1 and len(archive.threads[0].tweets) == 2


def test_a_quote_of_an_edited_tweet_points_at_the_kept_version(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    first, last = at(0), at(1)
    spec.tweet(first, "Version 1", edit_chain=[first, last])
    spec.tweet(last, "Version 2", edit_of=first, edit_chain=[first, last])
    quote_url = f"https://x.com/quittex_demo/status/{first}"
    spec.tweet(at(2), "Je me cite https://t.co/SELFQ", urls={"https://t.co/SELFQ": quote_url})
    spec.tweet(at(3), "Un lien https://t.co/OTHER", urls={"https://t.co/OTHER": "https://example.org/status"})
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        quoting, plain = archive.tweet(at(2)), archive.tweet(at(3))
        assert quoting.quote.tweet_id == last and quoting.text == "Je me cite"
        assert plain.quote is None and plain.text == "Un lien https://example.org/status"


def unread_tweet(path, tweet_id: str):
    """A tweet as the reader returns it: its text not spliced yet."""
    with load_archive(path) as archive:
        return archive.tweet(tweet_id)


def test_tweets_read_lazily_behave_as_plain_tweets(tmp_path):
    path = write_archive(rich_spec(), tmp_path / "a.zip")
    read = unread_tweet(path, at(0))
    expected = "Bonjour 👩🏽‍🌾 > https://example.org/a?b=1&c=2 #Climat & @voisin"
    assert read.text == expected
    assert pickle.loads(pickle.dumps(unread_tweet(path, at(0)))) == read
    assert copy.deepcopy(unread_tweet(path, at(0))) == read and copy.copy(unread_tweet(path, at(0))).spans == read.spans
    assert dataclasses.replace(unread_tweet(path, at(0)), lang="fr").text == expected
    assert unread_tweet(path, at(0)) == read and "Bonjour" in repr(unread_tweet(path, at(0)))
    written = unread_tweet(path, at(0))
    written.text = "Autre texte"  # writing first keeps the spans and quote of the archive
    assert written.text == "Autre texte" and written.spans == read.spans and written.hashtags == ["Climat"]
    quoting = unread_tweet(path, at(5))
    quoting.spans = []
    assert quoting.quote.tweet_id == "1234567890" and quoting.text == "Regardez ça" and quoting.spans == []


def test_circle_tweets_are_excluded_even_though_tweets_js_has_them(tmp_path):
    spec = rich_spec()
    secret = make_tweet(at(20), "Réservé au cercle")
    spec.add(secret)
    spec.circle_tweets.append(secret)
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        assert archive.tweet(at(20)) is None
        assert archive.stats.circle_excluded == 1 and len(archive.tweets) == 9


def test_direct_messages_and_deleted_tweets_are_never_opened(tmp_path, monkeypatch):
    spec = rich_spec()
    tripwire = b"window.YTD.direct_messages.part0 = TRIPWIRE not json"
    spec.extra_files["data/direct-messages.js"] = tripwire
    spec.extra_files["data/direct-messages-group.js"] = tripwire
    spec.extra_files["data/deleted-tweets.js"] = tripwire
    spec.extra_files["data/direct_messages_media/1-secret.jpg"] = b"secret"
    opened = []
    original = ArchiveSource.read_bytes
    monkeypatch.setattr(
        ArchiveSource, "read_bytes", lambda self, name, *a: opened.append(name) or original(self, name, *a)
    )
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        assert len(archive.tweets) == 9
    assert opened and not [n for n in opened if "direct" in n or "deleted" in n]


def test_account_details_never_include_email_or_phone(tmp_path):
    with load_archive(write_archive(rich_spec(), tmp_path / "a.zip")) as archive:
        account = archive.account
    assert account.bio and account.website == "https://t.co/WEBSITE01"
    assert "secret@example.org" not in repr(account) and "+336" not in repr(account)


def test_threads_fragments_and_replies_to_others(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    spec.tweet(at(0), "Début", reply_to=("555", OWN, "quittex_demo"))  # parent not in the archive
    spec.tweet(at(1), "Suite", reply_to=(at(0), OWN, "quittex_demo"))
    spec.tweet(at(2), "Réponse à quelqu'un", reply_to=("777", "42", "autre"))
    spec.tweet(at(3), "Je me réponds dans sa conversation", reply_to=(at(2), OWN, "quittex_demo"))
    spec.tweet(at(4), "@ancien style", reply_to=(None, "42", None))
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        kinds = count_kinds(archive)
        threads = [t for t in archive.threads if len(t.tweets) > 1]
    assert kinds == {"self_replies": 3, "replies_to_others": 2}
    assert len(threads) == 2
    assert threads[0].fragment is True and threads[1].fragment is False
    assert threads[1].root.in_reply_to_user_id == "42"


def write_zip(path, entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return path


def test_zip_slip_entry_refuses_the_archive(tmp_path):
    path = write_zip(
        tmp_path / "evil.zip", {"data/tweets.js": b"window.YTD.tweets.part0 = []", "../../etc/evil.sh": b"x"}
    )
    with pytest.raises(UnsafeArchiveError, match="escapes its folder"):
        load_archive(path)


def test_zip_bomb_is_refused(tmp_path):
    path = write_zip(
        tmp_path / "bomb.zip", {"data/tweets.js": b"window.YTD.tweets.part0 = [" + b" " * (50 << 20) + b"]"}
    )
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        load_archive(path)


def test_entry_larger_than_any_real_tweets_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("quittex.archive.source.MAX_DATA_FILE_BYTES", 1000)
    monkeypatch.setattr(ArchiveSource.read_bytes, "__defaults__", (1000,))
    path = write_archive(rich_spec(), tmp_path / "a.zip")
    with pytest.raises(UnsafeArchiveError, match="more than quittex reads"):
        load_archive(path)


def test_folder_symlink_out_of_the_archive_is_refused(tmp_path):
    folder = write_archive(rich_spec(), tmp_path / "a", form="folder")
    outside = tmp_path / "outside.js"
    outside.write_bytes(b"window.YTD.tweets.part0 = []")
    (folder / "data" / "tweets-part9.js").symlink_to(outside)
    with pytest.raises(UnsafeArchiveError, match="outside"):
        load_archive(folder)


def test_truncated_json_names_the_file(tmp_path):
    files = {"data/tweets.js": b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "12", "full_te'}
    with pytest.raises(ArchiveError, match="data/tweets.js is not valid JSON"):
        load_archive(write_zip(tmp_path / "t.zip", files))


def test_wrong_structure_names_the_file(tmp_path):
    files = {"data/tweets.js": b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": ["no"]}} ]'}
    with pytest.raises(ArchiveError, match="structure of an X archive"):
        load_archive(write_zip(tmp_path / "t.zip", files))


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"your_instagram_activity/content/posts_1.json": b"[]"}, "Instagram export"),
        ({"your_facebook_activity/posts/your_posts_1.json": b"[]"}, "Facebook export"),
        ({"data/js/tweets/2012_01.js": b"Grailbird.data = []", "tweets.csv": b"id"}, "Grailbird"),
        ({"notes.txt": b"hello"}, "not an X data archive"),
    ],
)
def test_foreign_zips_are_named(tmp_path, entries, message):
    with pytest.raises(NotAnXArchiveError, match=message):
        load_archive(write_zip(tmp_path / "f.zip", entries))


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "twitter.zip"
    path.write_bytes(b"%PDF-1.7 not a zip")
    with pytest.raises(ArchiveError, match="not a zip file"):
        load_archive(path)


def test_empty_tweets_file_is_an_empty_archive(tmp_path):
    files = {"tweet.js": b"window.YTD.tweet.part0 = [ ]", "account.js": b"window.YTD.account.part0 = []"}
    with load_archive(write_zip(tmp_path / "e.zip", files)) as archive:
        assert archive.tweets == [] and summarize(archive).first_date is None


def test_inspect_json_has_the_promised_fields(tmp_path):
    path = write_archive(rich_spec(), tmp_path / "a.zip")
    result = run_cli("inspect", path, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = {
        "username": "quittex_demo",
        "account_id": OWN,
        "tweets": 9,
        "retweets": 1,
        "replies_to_others": 1,
        "self_replies": 2,
        "originals": 5,
        "threads": 1,
        "note_tweets_merged": 0,
        "edits_collapsed": 0,
        "media_items": 4,
        "media_missing": 1,
        "parts_read": 3,
        "first_date": "2023-03-04T09:30:00Z",
        "last_date": "2023-03-04T09:38:00Z",
    }
    assert {k: data[k] for k in expected} == expected


def test_inspect_text_output_and_warnings(tmp_path):
    result = run_cli("inspect", write_archive(rich_spec(), tmp_path / "a.zip"))
    assert result.exit_code == 0
    assert "@quittex_demo" in result.stdout and "Threads" in result.stdout
    assert "missing from the archive" in result.stderr


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda p: p / "absent.zip", 2, "does not exist"),
        (lambda p: write_zip(p / "f.zip", {"a.txt": b"x"}), 2, "not an X data archive"),
        (lambda p: write_zip(p / "evil.zip", {"../x": b"x"}), 2, "escapes"),
    ],
)
def test_inspect_bad_input_gives_one_message_and_exit_2(tmp_path, make, code, message):
    result = run_cli("inspect", make(tmp_path))
    assert result.exit_code == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2006, 3, 21), max_value=datetime(2099, 12, 31)))
def test_created_at_reads_back_every_moment_in_utc(moment):
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    parsed = parse_created_at(moment.strftime("%a %b %d %H:%M:%S +0000 %Y"))
    assert parsed == moment and parsed.tzinfo is UTC
    assert (
        parse_created_at(moment.astimezone(timezone(timedelta(hours=-5))).strftime("%a %b %d %H:%M:%S %z %Y")) == moment
    )


def test_a_damaged_date_falls_back_to_the_time_in_the_tweet_id(tmp_path):
    spec = ArchiveSpec(account_id=OWN)
    spec.tweet(at(0), "Date abîmée")["created_at"] = "Sat Nov 31 25:61:00 +0000 2024"
    spec.tweet(at(1), "Date illisible")["created_at"] = "hier soir"
    with load_archive(write_archive(spec, tmp_path / "a.zip")) as archive:
        assert [t.created_at for t in archive.tweets] == [T0, T0 + timedelta(minutes=1)]
