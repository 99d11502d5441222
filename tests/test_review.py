"""Review files (quittex-review.json): reading them as the external input they
are, applying them to the bundled example's plan through the CLI, leaving
published tweets alone, and the review page that writes them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quittex.errors import BadInputError
from quittex.migrate import review as reviews
from quittex.migrate.review import Review, TweetChoice, merge_reviews, parse_review
from quittex.publish.journal import Journal, PlannedPost, Remote
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "twitter-example.zip"
ACCOUNT = {"account_id": "1180000000000000001", "username": "velo_lumiere"}
WORKSHOP = "1102637329413046272"  # "Atelier de réparation…" (its link came as https://t.co/ATELIER1)
VIDEO = "1146123873285046272"
BALADE = "1113508965381046272"  # two photos, then two self-replies
MERCI = "1113509327768911872"  # the thread's second tweet
ASSEMBLY = "1283834886091702272"
NOTE = "1718696702694653952"  # the long farewell tweet
RETWEET = "1160619387909046272"  # in the archive, left out by the selection
PHOTO = "data/tweets_media/1113508965381046272-D1aBcDeXkAAaaa1.jpg"
EDIT = "Assemblée générale le 22 juin avec @mairie_exemple et #VéloLyon : https://velo-lumiere.example.org/ag"


def document(tweets: dict, **extra) -> dict:
    return {"quittex_review": 1, "archive": dict(ACCOUNT), "tweets": tweets, **extra}


def write(tmp_path, data, name="quittex-review.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def dry_run(*args) -> tuple[list[dict], object]:
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--dry-run", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result


def refused(*args) -> str:
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--json", *args)
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr and not result.stdout
    return " ".join(result.stderr.split())


# -- reading ---------------------------------------------------------------------------------


def test_a_valid_file_reads_into_choices():
    data = document(
        {
            WORKSHOP: {"keep": False},
            ASSEMBLY: {"text": "Nouveau\r\ntexte"},
            BALADE: {"alt": {PHOTO: "  Des vélos\x07 "}},
        },
        saved_at="2025-01-20T14:05:00.000Z",
    )
    review = parse_review(json.dumps(data).encode(), "r.json")
    assert (review.account_id, review.username, review.saved_at) == (
        ACCOUNT["account_id"],
        "velo_lumiere",
        data["saved_at"],
    )
    assert review.tweets[WORKSHOP] == TweetChoice(keep=False)
    assert review.tweets[ASSEMBLY].text == "Nouveau\ntexte" and review.tweets[ASSEMBLY].keep is None
    assert review.tweets[BALADE].alt == {PHOTO: "Des vélos"}  # cleaned like the alt-text sheet's
    assert parse_review(json.dumps(review.to_json())).tweets == review.tweets  # the format round-trips


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"quittex_review": 1, "tweets": {', "is not a review file: it is not valid JSON (line 1"),
        ("[1, 2, 3]", "is not a quittex review file"),
        ('{"tweets": {}}', "is not a quittex review file"),
        ("\udcff", "is not a quittex review file"),
        ("[" * 100_000 + "]" * 100_000, "is not a quittex review file"),
        (
            '{"quittex_review": 2, "archive": {}, "tweets": {}}',
            "is a review in another format (2); this quittex reads format 1",
        ),
        ('{"quittex_review": true, "archive": {}, "tweets": {}}', "is a review in another format (true)"),
    ],
)
def test_a_malformed_file_is_one_clear_message(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    said = refused("--review", path)
    assert message in said and str(path) in said


def test_wrong_types_are_all_reported_together(tmp_path):
    path = write(
        tmp_path,
        {
            "quittex_review": 1,
            "archive": {"account_id": "velo", "username": 7},
            "tweets": {
                "not-an-id": {"keep": False},
                WORKSHOP: {"keep": "no", "text": 12, "colour": "red"},
                BALADE: {"alt": ["a picture"]},
                ASSEMBLY: "leave it out",
                MERCI: {"text": "x" * (reviews.MAX_TEXT_CHARACTERS + 1)},
                VIDEO: {"alt": {PHOTO: "é" * 1501}},
            },
            "extra": 1,
        },
    )
    said = refused("--review", path)
    for expected in (
        "problems in the review file",
        "unknown field(s) extra",
        "archive.account_id is not an account id",
        "archive.username is not a username",
        "not a tweet id",
        f"tweet {WORKSHOP}: unknown field(s) colour",
        f"tweet {WORKSHOP}: keep is neither true nor false",
        f"tweet {WORKSHOP}: text is not a text",
        f"tweet {BALADE}: alt is not an object",
        f"tweet {ASSEMBLY}: not an object",
        f"tweet {MERCI}: the text has 50,001 characters",
        f"tweet {VIDEO}: the alt text of {PHOTO} is too long",
    ):
        assert expected in said, expected
    assert "Save the review again from the review page" in said


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reviews, "MAX_REVIEW_BYTES", 200)
    path = write(tmp_path, document({WORKSHOP: {"text": "x" * 300}}))
    assert "is larger than a review file can be (200 bytes)" in refused("--review", path)


def test_a_review_of_another_archive_is_refused(tmp_path):
    other = document({WORKSHOP: {"keep": False}})
    other["archive"] = {"account_id": "999", "username": "someone_else"}
    said = refused("--review", write(tmp_path, other))
    assert "is a review of another archive (@someone_else), not of @velo_lumiere's" in said
    by_name = document({WORKSHOP: {"keep": False}})
    by_name["archive"] = {"username": "Velo_Lumiere"}  # no account id: the username decides
    posts, _result = dry_run("--review", write(tmp_path, by_name, "b.json"))
    assert WORKSHOP not in {p["tweet_id"] for p in posts}


def test_unknown_tweets_are_named_and_a_review_of_none_of_them_is_refused(tmp_path):
    posts, result = dry_run("--review", write(tmp_path, document({WORKSHOP: {"keep": False}, "42": {"keep": False}})))
    assert WORKSHOP not in {p["tweet_id"] for p in posts}
    assert "1 tweet of the review is not in this archive: it is ignored." in result.stderr
    said = refused("--review", write(tmp_path, document({"42": {"keep": False}, "43": {}}), "none.json"))
    assert "None of the tweets in" in said and "none.json" in said


def test_an_alt_text_for_another_tweets_media_is_refused(tmp_path):
    said = refused("--review", write(tmp_path, document({WORKSHOP: {"alt": {PHOTO: "Des vélos"}}})))
    assert f"tweet {WORKSHOP}: {PHOTO} is not a media file of this tweet" in said


def test_reviews_merge_field_by_field_the_later_winning(tmp_path):
    first = Review(
        "1",
        "velo",
        {WORKSHOP: TweetChoice(keep=False, alt={"a": "A", "b": "B"}), VIDEO: TweetChoice(keep=False)},
        source="a",
    )
    second = Review(
        "1", "velo", {WORKSHOP: TweetChoice(text="T", alt={"b": "b2"}), VIDEO: TweetChoice(keep=True)}, source="b"
    )
    merged = merge_reviews([first, second])
    assert merged.tweets[WORKSHOP] == TweetChoice(keep=False, text="T", alt={"a": "A", "b": "b2"})
    assert merged.tweets[VIDEO].keep is True and merged.source == "a, b"
    with pytest.raises(BadInputError, match="two different archives"):
        merge_reviews([first, Review("2", "other", {}, source="c")])
    # On the command line: --review twice.
    a = write(tmp_path, document({WORKSHOP: {"keep": False}, VIDEO: {"keep": False}}), "a.json")
    b = write(tmp_path, document({VIDEO: {"keep": True}}), "b.json")
    ids = {p["tweet_id"] for p in dry_run("--review", a, "--review", b)[0]}
    assert WORKSHOP not in ids and VIDEO in ids


# -- applying --------------------------------------------------------------------------------


def test_the_dry_run_shows_the_review_applied(tmp_path):
    path = write(
        tmp_path,
        document(
            {
                WORKSHOP: {"keep": False},
                MERCI: {"keep": False},  # inside a thread: the next tweet continues from the first
                ASSEMBLY: {"text": EDIT},
                BALADE: {"alt": {PHOTO: "Des cyclistes la nuit"}},
                RETWEET: {"keep": True},  # a review cannot bring in what the selection leaves out
            }
        ),
    )
    alt_sheet = tmp_path / "alt.csv"
    alt_sheet.write_text(f"media_path;alt_text\n{PHOTO};Le texte du tableur\n", encoding="utf-8")
    posts, result = dry_run("--review", path, "--alt-text", alt_sheet)
    ids = {p["tweet_id"] for p in posts}
    assert WORKSHOP not in ids and MERCI not in ids and RETWEET not in ids
    thread_end = [p for p in posts if p["text"].startswith("Prochaine balade")]
    assert thread_end and all(p["parent"]["tweet_id"] == BALADE for p in thread_end)
    edited = {p["platform"]: p for p in posts if p["tweet_id"] == ASSEMBLY}
    mastodon, bluesky = edited["mastodon"], edited["bluesky"]
    assert mastodon["text"].startswith("Assemblée générale le 22 juin avec ＠mairie_exemple et #VéloLyon")
    assert "@mairie_exemple" not in mastodon["text"] and "https://velo-lumiere.example.org/ag" in mastodon["text"]
    assert "Publié sur X le 16 juillet 2020" in mastodon["text"]  # the date note, as for any tweet
    features = [f["features"][0] for f in bluesky["facets"]]
    assert {"$type": "app.bsky.richtext.facet#tag", "tag": "VéloLyon"} in features
    assert {"$type": "app.bsky.richtext.facet#link", "uri": "https://velo-lumiere.example.org/ag"} in features
    assert "velo-lumiere.example.org/ag" in bluesky["text"] and "https://velo" not in bluesky["text"]
    assert [m["alt"] for p in posts for m in p["media"] if m["path"] == PHOTO] == ["Des cyclistes la nuit"] * 2
    said = " ".join(result.stderr.split())
    assert said.startswith("The review (") and "2 tweets left out, 1 tweet edited and 1 alt text written." in said
    assert "1 tweet of the review is not in this selection: a review cannot bring it in." in said


def test_the_terminal_summary_counts_the_review_as_its_own_reason(tmp_path):
    path = write(tmp_path, document({WORKSHOP: {"keep": False}}))
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--show", "0", "--review", path)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Left out: by the review" in out and "Left out: retweet" in out
    assert "1 tweet left out, 0 tweets edited and 0 alt texts written" in out


def test_a_tco_link_left_in_an_edit_leads_where_the_archive_said(tmp_path):
    path = write(tmp_path, document({WORKSHOP: {"text": "Atelier samedi ! Tout est là : https://t.co/ATELIER1"}}))
    posts, _result = dry_run("--review", path)
    texts = [p["text"] for p in posts if p["tweet_id"] == WORKSHOP]
    assert texts and all("t.co" not in t for t in texts)
    assert "https://velo-lumiere.example.org/ateliers/2019-03-09" in texts[0]


def test_an_edit_ending_with_a_link_to_a_tweet_quotes_it_as_on_x(tmp_path):
    quoting = "Relisez notre bilan https://x.com/velo_lumiere/status/1113508965381046272"
    posts, _result = dry_run("--review", write(tmp_path, document({ASSEMBLY: {"text": quoting}})))
    bluesky = [p for p in posts if p["tweet_id"] == ASSEMBLY and p["platform"] == "bluesky"]
    assert bluesky[0]["embed"]["type"] == "record" and bluesky[0]["embed"]["tweet_id"] == BALADE


def test_tweets_already_published_are_left_as_they_are(tmp_path):
    journal = Journal.open("mastodon", ACCOUNT["account_id"], "velo@mastodon.example", state_dir=tmp_path)
    journal.plan(
        [
            PlannedPost(WORKSHOP, 0, datetime(2019, 3, 4, tzinfo=UTC)),
            PlannedPost(ASSEMBLY, 0, datetime(2020, 7, 16, tzinfo=UTC)),
        ]
    )
    for tweet_id in (WORKSHOP, ASSEMBLY):
        journal.mark_sending(tweet_id, 0, f"k-{tweet_id}")
        journal.mark_done(tweet_id, 0, Remote(f"1{tweet_id}", f"https://mastodon.example/@velo/1{tweet_id}"))
    journal.close()
    before, _result = dry_run()
    path = write(tmp_path, document({WORKSHOP: {"keep": False}, ASSEMBLY: {"text": EDIT}, VIDEO: {"keep": False}}))
    posts, result = dry_run("--review", path, "--state-dir", tmp_path)
    assert "2 tweets already published are not changed by the review." in result.stderr
    assert "1 tweet left out, 0 tweets edited" in result.stderr
    assert [p for p in posts if p["tweet_id"] in (WORKSHOP, ASSEMBLY)] == [
        p for p in before if p["tweet_id"] in (WORKSHOP, ASSEMBLY)
    ]
    assert VIDEO not in {p["tweet_id"] for p in posts}
    # Another account's journal, or none: the review applies.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    posts, result = dry_run("--review", path, "--state-dir", elsewhere)
    assert WORKSHOP not in {p["tweet_id"] for p in posts} and "already published" not in result.stderr


def test_publishing_with_a_review_never_changes_what_is_published(tmp_path):
    from quittex.migrate import RunSettings, SelectOptions, run_migration
    from quittex.migrate.review import read_review
    from tests.test_conductor import FakeBluesky

    # The long farewell tweet (three Bluesky posts) shortened to one post, the workshop left out.
    choices = {WORKSHOP: {"keep": False}, ASSEMBLY: {"text": EDIT}, NOTE: {"text": "Nous quittons X. À bientôt !"}}
    review = read_review(write(tmp_path, document(choices)))
    target = FakeBluesky()
    settings = RunSettings(state_dir=tmp_path)

    def run(options):
        return run_migration(EXAMPLE, ["bluesky"], options, targets={"bluesky": target}, settings=settings)

    outcome = run(SelectOptions(review=review))
    texts = [post["text"] for post in target.posts.values()]
    assert outcome.published and not any(key.startswith(WORKSHOP) for key in target.posts)
    assert any(t.startswith("Assemblée générale le 22 juin avec") for t in texts)
    assert len([key for key in target.posts if key.startswith(NOTE)]) == 1
    # A later run without the review: the edited tweets keep their published text (no part of the
    # archive's longer text is added to them); only the workshop tweet, no longer left out, is new.
    again = run(SelectOptions())
    assert again.reports["bluesky"].created == 1 and any(key.startswith(WORKSHOP) for key in target.posts)
    assert len([key for key in target.posts if key.startswith(NOTE)]) == 1
    planned = {d.tweet_id: d.text for d in again.plan.platforms["bluesky"].drafts}
    assert planned[NOTE].startswith("Nous quittons X. À bientôt !")
    # A later review that would take back or rewrite a published tweet changes nothing either.
    later = read_review(write(tmp_path, document({ASSEMBLY: {"keep": False}, BALADE: {"text": "Autre"}}), "b.json"))
    third = run(SelectOptions(review=later))
    assert third.plan.selection.review.published_unchanged == 2 and third.reports["bluesky"].created == 0
    assert len([t for t in target.posts.values() if t["text"].startswith("Assemblée générale le 22 juin")]) == 1
    # The same review as the first time: nothing to report, nothing new.
    fourth = run(SelectOptions(review=review))
    assert fourth.plan.selection.review.published_unchanged == 1  # the workshop tweet, published meanwhile
    assert fourth.reports["bluesky"].created == 0


def test_an_edit_never_published_is_forgotten_once_the_tweet_goes_out_unedited(tmp_path):
    from quittex.migrate import RunSettings, SelectOptions, run_migration
    from quittex.migrate.review import read_review
    from tests.test_conductor import FakeBluesky

    target = FakeBluesky()

    def run(options, max_posts=None):
        settings = RunSettings(state_dir=tmp_path, max_posts=max_posts)
        return run_migration(EXAMPLE, ["bluesky"], options, targets={"bluesky": target}, settings=settings)

    review = read_review(write(tmp_path, document({NOTE: {"text": "Nous quittons X. À bientôt !"}})))
    run(SelectOptions(review=review), max_posts=1)  # stops before the farewell tweet, the last one
    assert not any(key.startswith(NOTE) for key in target.posts)
    run(SelectOptions())  # without the review: the archive's text, in three posts
    assert len([key for key in target.posts if key.startswith(NOTE)]) == 3
    again = run(SelectOptions())
    assert again.reports["bluesky"].created == 0
    assert [d.text for d in again.plan.platforms["bluesky"].drafts if d.tweet_id == NOTE][0].startswith("Pourquoi")


# -- the page --------------------------------------------------------------------------------


def test_the_page_is_one_offline_file_that_forbids_the_network(tmp_path):
    page = tmp_path / "review.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "mastodon,bluesky", "--preview", page)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp and csp[1] == (
        "default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    )
    assert not re.search(r"""(src|href)=["'](https?:)?//(?!velo-lumiere|twitter\.com|x\.com)""", html)
    assert not re.search(r"""\ssrc=["'](?!data:)""", html), "only inline media"
    assert '<html lang="en">' in html and 'id="save-review"' in html and 'type="file" id="open-review"' in html
    texts = json.loads(re.search(r'<script type="application/json" id="texts">(.*?)</script>', html, re.S)[1])
    assert texts["counts"].startswith("Shown: {shown} of {total}") and len(texts["posts"]) == 2
    data = json.loads(re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S)[1])
    assert data["archive"] == ACCOUNT and len(data["tweets"]) == 12
    assert data["platforms"]["mastodon"]["urlWeight"] == 23 and data["platforms"]["bluesky"]["limit"] == 300
    assert data["tweets"][ASSEMBLY]["platforms"]["mastodon"]["note"] == "Publié sur X le 16 juillet 2020"
    assert html.count('class="alt-box"') == 6 and html.count('class="keep-box" checked') == 12
    assert "Review the tweets there, save your review" in result.stderr


def test_a_page_made_with_a_review_shows_it_and_cannot_be_broken_by_its_text(tmp_path):
    hostile = "</script><script>alert(1)</script> <!-- & \u2028"
    path = write(
        tmp_path, document({WORKSHOP: {"keep": False}, ASSEMBLY: {"text": hostile}, BALADE: {"alt": {PHOTO: "Vélos"}}})
    )
    page = tmp_path / "review.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--review", path, "--preview", page)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<script") == 3 and "<script>alert" not in html and "<!-- &" not in html
    workshop = html[html.index(f'id="tweet-{WORKSHOP}"') :][:3000]
    assert "left-out" in html[html.index(f'id="tweet-{WORKSHOP}"') - 80 :][:100]
    assert 'class="keep-box">' in workshop  # shown, unticked
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # in the edit box, escaped
    assert "Assemblée générale le 15 juin" in html  # the archive's text beside it
    assert ">Vélos</textarea>" in html
    data = json.loads(re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html, re.S)[1])
    assert data["initial"][ASSEMBLY]["text"] == hostile and data["initial"][WORKSHOP] == {"keep": False}
    # The posts beside it are the dry run's own, made from the edit: the script counts only a newer text.
    assert data["tweets"][ASSEMBLY]["planned"] == hostile
    assert data["tweets"][ASSEMBLY]["original"].startswith("Assemblée générale le 15 juin")


def test_a_large_selection_is_shown_in_pages_of_whole_threads(tmp_path, monkeypatch):
    from quittex.output import html as page_module

    monkeypatch.setattr(page_module, "MAX_PAGE_TWEETS", 3)
    page = tmp_path / "review.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--preview", page)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count('<section class="row') == 1
    assert "This page shows the first 1 of the 12 selected tweets." in html
    assert "--since 2019-04-03" in html  # the thread of three would pass the limit: the next page


def test_page_threads_keeps_threads_whole():
    from quittex.models import Thread, Tweet
    from quittex.output.html import page_threads

    def thread(*days):
        return Thread([Tweet(str(i), datetime(2020, 1, d, tzinfo=UTC), "t") for i, d in enumerate(days)])

    threads = [thread(1), thread(2, 2), thread(3, 3, 3), thread(4)]
    shown, next_day = page_threads(threads, limit=3)
    assert [len(t.tweets) for t in shown] == [1, 2] and next_day == "2020-01-03"
    shown, next_day = page_threads([thread(5, 5, 5, 5)], limit=3)
    assert len(shown) == 1 and next_day is None  # one thread longer than a page is shown whole
