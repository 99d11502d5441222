"""A review: what the people deciding chose on the review page, applied to the selection.

The review page (`quittex migrate ARCHIVE --dry-run --preview FILE.html`)
saves their choices as `quittex-review.json`; `quittex migrate ARCHIVE
--review quittex-review.json` (with or without --dry-run) applies them.

The file (format 1), UTF-8 JSON::

    {
      "quittex_review": 1,
      "archive": {"account_id": "1180000000000000001", "username": "velo_lumiere"},
      "saved_at": "2025-01-20T14:05:00.000Z",
      "tweets": {
        "1102637329413046272": {"keep": false},
        "1113509327768911872": {"text": "The tweet's new text, with its @mentions and https://links"},
        "1113508965381046272": {"alt": {"data/tweets_media/1113508965381046272-D1aBcDeXkAAaaa1.jpg": "…"}}
      }
    }

- `quittex_review` is the format's version: another number is refused.
- `archive` names the X account the review was made for; a review of
  another account is refused (matched on the account id, else the username).
- `saved_at` (optional) is when the page saved it, for people.
- `tweets`, by tweet id, holds only the fields someone set, each optional:
  `keep` (false: left out; true: kept as the selection has it), `text` (the
  tweet's text, replacing the archive's before rewriting: links and mentions
  in it are read the way the archive's own are), `alt` (alt texts by media
  path, the same key as the alt-text sheet's `media_path` column; they win
  over `--alt-text`; an empty one changes nothing).
- Several reviews merge, field by field, the later one winning: a collective
  shares its files and opens them together (`--review a.json --review b.json`,
  or several files at once on the page).

It is external input: the file is read at most MAX_REVIEW_BYTES, every field
is checked, and all problems are reported together in one BadInputError.
A review only leaves out or changes tweets the selection has: it cannot bring
in what the selection options leave out, nor anything the archive never had
(DMs, deleted or Circle tweets).

A review never changes what is published. Tweets a journal says are on a
platform (a post done, or being sent) are left as they are, and counted. A
publishing run writes the texts a review edited into each journal's meta
(EDITS_META) before their posts go out, so that a later run (with the same
review, another one or none) makes the very same posts of a tweet published
with an edited text, and never adds parts of the archive's own text to it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from quittex.alttext import BLUESKY_ALT_LIMIT, MASTODON_ALT_LIMIT
from quittex.errors import BadInputError
from quittex.i18n import N_, _, format_number, ngettext
from quittex.migrate.select import Selection, leave_out
from quittex.models import Account, Span, Thread, Tweet
from quittex.text import grapheme_count

FORMAT_KEY = "quittex_review"
FORMAT_VERSION = 1
FILE_NAME = "quittex-review.json"
MAX_REVIEW_BYTES = 16 << 20
MAX_TEXT_CHARACTERS = 50_000  # a note tweet holds 25,000; twice that is surely not a tweet
MAX_PATH_CHARACTERS = 1_000
MAX_REPORTED_PROBLEMS = 20
# Translators: why tweets are left out, shown as "Left out: by the review" (the review page's choices).
LEFT_OUT = N_("by the review")
# In a journal's meta: the edited texts its tweets were published with (JSON, by tweet id).
EDITS_META = "review_texts"
_TOP_KEYS = frozenset({FORMAT_KEY, "archive", "saved_at", "tweets"})
_TWEET_KEYS = frozenset({"keep", "text", "alt"})
_TWEET_ID = re.compile(r"\d{1,20}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# How the rewriting finds what X would have marked: the tokenizer's own patterns.
_MENTION = re.compile(r"(?<![=/\w])[@＠]([A-Za-z0-9_]{1,50})")
_HASHTAG = re.compile(r"(?<![\w&/])[#＃](\w*[^\W\d_]\w*)")
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?!\w)")
_TCO = re.compile(r"https?://t\.co/\w+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TweetChoice:
    """What a review says of one tweet; None (or no alt text): nothing said."""

    keep: bool | None = None
    text: str | None = None
    alt: Mapping[str, str] = field(default_factory=dict)

    def merged(self, later: TweetChoice) -> TweetChoice:
        return TweetChoice(
            keep=later.keep if later.keep is not None else self.keep,
            text=later.text if later.text is not None else self.text,
            alt={**self.alt, **later.alt},
        )

    def to_json(self) -> dict:
        data: dict = {}
        if self.keep is not None:
            data["keep"] = self.keep
        if self.text is not None:
            data["text"] = self.text
        if self.alt:
            data["alt"] = dict(self.alt)
        return data


@dataclass(frozen=True)
class Review:
    account_id: str
    username: str
    tweets: Mapping[str, TweetChoice]
    saved_at: str | None = None
    source: str = ""  # the file(s) it was read from, for messages

    def to_json(self) -> dict:
        """The file's content (what the review page saves)."""
        data: dict = {FORMAT_KEY: FORMAT_VERSION, "archive": {"account_id": self.account_id, "username": self.username}}
        if self.saved_at:
            data["saved_at"] = self.saved_at
        data["tweets"] = {tweet_id: choice.to_json() for tweet_id, choice in self.tweets.items()}
        return data


@dataclass
class ReviewReport:
    """What applying a review did (counted in tweets, alt texts in media)."""

    source: str
    left_out: int = 0
    edited: int = 0
    alt_texts: int = 0
    unknown: int = 0  # not in the archive at all
    not_selected: int = 0  # in the archive, left out by the selection options
    published_unchanged: int = 0  # already published: left as they are
    # For the review page: the selected threads before the left-out tweets
    # were taken out (edited tweets in them), the archive's tweets that were
    # edited, and the choices applied.
    threads: list[Thread] = field(default_factory=list)
    originals: dict[str, Tweet] = field(default_factory=dict)
    choices: dict[str, TweetChoice] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)  # tweet id → the text the review gave it
    published: frozenset[str] = frozenset()


# -- reading ---------------------------------------------------------------------------------


def read_review(path: str | Path) -> Review:
    """The review saved in `path`, checked (BadInputError with every problem)."""
    source = Path(path)
    try:
        with source.open("rb") as file:
            data = file.read(MAX_REVIEW_BYTES + 1)
    except OSError as error:
        raise BadInputError(
            _("Cannot read {path}: {reason}.").format(path=source, reason=error.strerror or error)
        ) from None
    return parse_review(data, str(source))


def read_reviews(paths: Sequence[str | Path]) -> Review:
    """Several files, merged in order (the later one wins, field by field)."""
    return merge_reviews([read_review(path) for path in paths])


def parse_review(data: bytes | str, source: str = FILE_NAME) -> Review:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_REVIEW_BYTES:
        raise BadInputError(
            _("{path} is larger than a review file can be ({limit} bytes).").format(
                path=source, limit=format_number(MAX_REVIEW_BYTES)
            ),
            hint=_("Give the file the review page saved (quittex-review.json)."),
        )
    document = _decode(raw, source)
    if not isinstance(document, dict) or FORMAT_KEY not in document:
        raise _not_a_review(source)
    version = document[FORMAT_KEY]
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise BadInputError(
            _("{path} is a review in another format ({version}); this quittex reads format {expected}.").format(
                path=source, version=_shown_value(version), expected=FORMAT_VERSION
            ),
            hint=_("Save the review again from a review page made by this version of quittex."),
        )
    return _Checker(source).review(document)


def _decode(raw: bytes, source: str):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_review(source) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInputError(
            _("{path} is not a review file: it is not valid JSON (line {line}, column {column}).").format(
                path=source, line=error.lineno, column=error.colno
            ),
            hint=_("Give the file the review page saved (quittex-review.json), unchanged."),
        ) from None
    except (RecursionError, ValueError):  # nested too deep, a number too long
        raise _not_a_review(source) from None


def _not_a_review(source: str) -> BadInputError:
    return BadInputError(
        _("{path} is not a quittex review file.").format(path=source),
        hint=_("Give the file the review page saved (quittex-review.json)."),
    )


def _shown_value(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


class _Checker:
    """Checks a decoded review and gathers every problem found."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def review(self, document: dict) -> Review:
        unknown = sorted(str(key) for key in document if key not in _TOP_KEYS)
        if unknown:
            self.problems.append(_("unknown field(s) {names}").format(names=", ".join(unknown)))
        account_id, username = self._archive(document.get("archive"))
        saved_at = document.get("saved_at")
        if saved_at is not None and not isinstance(saved_at, str):
            self.problems.append(_("saved_at is not a text"))
            saved_at = None
        tweets = self._tweets(document.get("tweets"))
        if self.problems:
            raise self._error()
        return Review(account_id, username, tweets, saved_at, self.source)

    def _archive(self, value: object) -> tuple[str, str]:
        if not isinstance(value, dict):
            self.problems.append(_("archive is missing or is not an object"))
            return "", ""
        account_id, username = value.get("account_id", ""), value.get("username", "")
        if not isinstance(account_id, str) or (account_id and not account_id.isdigit()):
            self.problems.append(_("archive.account_id is not an account id"))
            account_id = ""
        if not isinstance(username, str) or len(username) > 50:
            self.problems.append(_("archive.username is not a username"))
            username = ""
        if not account_id and not username:
            self.problems.append(_("archive names no account"))
        return account_id, username.lstrip("@")

    def _tweets(self, value: object) -> dict[str, TweetChoice]:
        if not isinstance(value, dict):
            self.problems.append(_("tweets is missing or is not an object"))
            return {}
        choices = {}
        for tweet_id, entry in value.items():
            choice = self._tweet(str(tweet_id), entry)
            if choice is not None:
                choices[str(tweet_id)] = choice
        return choices

    def _tweet(self, tweet_id: str, entry: object) -> TweetChoice | None:
        where = _("tweet {id}").format(id=_shown_value(tweet_id) if not _TWEET_ID.fullmatch(tweet_id) else tweet_id)
        if not _TWEET_ID.fullmatch(tweet_id):
            self.problems.append(_("{where}: not a tweet id").format(where=where))
            return None
        if not isinstance(entry, dict):
            self.problems.append(_("{where}: not an object").format(where=where))
            return None
        unknown = sorted(str(key) for key in entry if key not in _TWEET_KEYS)
        if unknown:
            self.problems.append(_("{where}: unknown field(s) {names}").format(where=where, names=", ".join(unknown)))
        keep, text = entry.get("keep"), entry.get("text")
        if keep is not None and not isinstance(keep, bool):
            self.problems.append(_("{where}: keep is neither true nor false").format(where=where))
            keep = None
        if text is not None:
            if not isinstance(text, str):
                self.problems.append(_("{where}: text is not a text").format(where=where))
                text = None
            elif len(text) > MAX_TEXT_CHARACTERS:
                self.problems.append(
                    _("{where}: the text has {count} characters; a tweet's text has at most {limit}").format(
                        where=where, count=format_number(len(text)), limit=format_number(MAX_TEXT_CHARACTERS)
                    )
                )
                text = None
            else:
                text = clean_text(text)
        return TweetChoice(keep, text, self._alt(where, entry.get("alt", {})))

    def _alt(self, where: str, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            self.problems.append(_("{where}: alt is not an object").format(where=where))
            return {}
        alts = {}
        for path, alt in value.items():
            if not isinstance(path, str) or not path or len(path) > MAX_PATH_CHARACTERS or not isinstance(alt, str):
                self.problems.append(
                    _("{where}: alt holds something other than alt texts by media path").format(where=where)
                )
                continue
            alt = clean_alt(alt)
            if len(alt) > MASTODON_ALT_LIMIT or grapheme_count(alt) > BLUESKY_ALT_LIMIT:
                self.problems.append(
                    _(
                        "{where}: the alt text of {path} is too long for Mastodon ({mastodon}) or Bluesky ({bluesky})"
                    ).format(
                        where=where,
                        path=path,
                        mastodon=format_number(MASTODON_ALT_LIMIT),
                        bluesky=format_number(BLUESKY_ALT_LIMIT),
                    )
                )
                continue
            alts[path] = alt
        return alts

    def _error(self) -> BadInputError:
        return review_error(self.source, self.problems)


def review_error(source: str, problems: list[str]) -> BadInputError:
    shown = problems[:MAX_REPORTED_PROBLEMS]
    lines = "\n".join(f"  {problem}" for problem in shown)
    more = len(problems) - len(shown)
    tail = "\n  " + _("… and {count} more").format(count=format_number(more)) if more else ""
    count = len(problems)
    head = ngettext(
        "{path}: {count} problem in the review file:", "{path}: {count} problems in the review file:", count
    ).format(path=source, count=format_number(count))
    return BadInputError(
        f"{head}\n{lines}{tail}", hint=_("Save the review again from the review page, and give that file.")
    )


def clean_text(value: str) -> str:
    """Unix line ends; the rest is the tokenizer's to clean, as for the archive's text."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def clean_alt(value: str) -> str:
    """NFC, Unix line ends, no control characters, no surrounding blanks (as the alt-text sheet's)."""
    text = unicodedata.normalize("NFC", clean_text(value)).replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def merge_reviews(reviews: Sequence[Review]) -> Review:
    """One review from several of the same archive, in order: per tweet and
    field, the later one wins."""
    if not reviews:
        raise ValueError("no review to merge")
    first = reviews[0]
    tweets: dict[str, TweetChoice] = {}
    for review in reviews:
        same = (review.account_id and review.account_id == first.account_id) or (
            review.username.lower() == first.username.lower()
        )
        if not same:
            raise BadInputError(
                _("{first} and {other} are reviews of two different archives (@{one} and @{two}).").format(
                    first=first.source, other=review.source, one=first.username, two=review.username
                )
            )
        for tweet_id, choice in review.tweets.items():
            tweets[tweet_id] = tweets[tweet_id].merged(choice) if tweet_id in tweets else choice
    sources = ", ".join(dict.fromkeys(r.source for r in reviews if r.source))
    return replace(first, tweets=tweets, saved_at=reviews[-1].saved_at, source=sources)


def check_archive(review: Review, account: Account) -> None:
    """A review made for another X account is refused."""
    if review.account_id and account.account_id:
        same = review.account_id == account.account_id
    else:
        same = review.username.lower() == (account.username or "").lower()
    if not same:
        raise BadInputError(
            _("{path} is a review of another archive (@{other}), not of @{username}'s.").format(
                path=review.source or FILE_NAME, other=review.username or review.account_id, username=account.username
            ),
            hint=_("Give the review saved from this archive's review page."),
        )


# -- the journal -----------------------------------------------------------------------------


def journals_of(source_account: str, platforms: Iterable[str], state_dir: Path | None = None) -> list[Path]:
    """The journals of this X account on these platforms (any target account)."""
    from quittex.publish.journal import Journal, list_journals

    wanted, found = set(platforms), []
    for path in list_journals(state_dir):
        try:
            with Journal.read_only(path) as journal:
                meta = journal.meta()
        except Exception:  # noqa: BLE001 - an unreadable journal is `quittex status`'s to report
            continue
        if meta.get("source_account") == source_account and meta.get("platform") in wanted:
            found.append(path)
    return found


@dataclass(frozen=True)
class Published:
    """What the journals say is on the platforms already: the tweets with a
    post there (or being sent), and the edited text some went out with."""

    ids: frozenset[str] = frozenset()
    texts: Mapping[str, str] = field(default_factory=dict)  # tweet id → the review's text its posts were made from

    def __contains__(self, tweet_id: object) -> bool:
        return tweet_id in self.ids


def published_tweets(journals: Iterable[Path]) -> Published:
    """What these journals say is published (see Published)."""
    from quittex.publish.journal import Journal

    ids: set[str] = set()
    texts: dict[str, str] = {}
    for path in journals:
        if not path.exists():
            continue
        try:
            with Journal.read_only(path) as journal:
                ids.update(entry.tweet_id for entry in journal.entries("done", "sending"))
                texts.update(_recorded_edits(journal.meta().get(EDITS_META)))
        except Exception:  # noqa: BLE001 - see journals_of
            continue
    return Published(frozenset(ids), {tweet_id: text for tweet_id, text in texts.items() if tweet_id in ids})


def remember_edits(
    journal, edits: Mapping[str, str], planned: Iterable[str], published: Published | frozenset[str]
) -> None:
    """Record in `journal` the texts of a run about to publish: `edits` (tweet
    id → the edited text its posts are made from) for the tweets a review
    edited; no text for the other `planned` tweets not published yet (they go
    out with the archive's). A later run, with this review, another one or
    none, then makes the same posts of every published tweet."""
    recorded = _recorded_edits(journal.meta().get(EDITS_META))
    if not recorded and not edits:
        return
    before = dict(recorded)
    for tweet_id in planned:
        if tweet_id not in published:
            recorded.pop(tweet_id, None)
    recorded.update(edits)
    if recorded != before:
        journal.set_meta(EDITS_META, json.dumps(recorded, ensure_ascii=False, sort_keys=True))


def _recorded_edits(value: str | None) -> dict[str, str]:
    try:
        data = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str) and _TWEET_ID.fullmatch(str(k))}


# -- applying --------------------------------------------------------------------------------


def keep_published_texts(selection: Selection, published: Published) -> Selection:
    """The selection with the edited texts published tweets went out with
    (without a review, or before one is applied)."""
    forced = _published_edits(selection, published)
    if not forced:
        return selection
    threads = [_with_edits(thread, forced) for thread in selection.threads]
    return Selection(threads=threads, skipped=selection.skipped, review=selection.review)


def _published_edits(selection: Selection, published: Published) -> dict[str, Tweet]:
    if not published.texts:
        return {}
    return {
        tweet.id: edited_tweet(tweet, published.texts[tweet.id], tco_links(tweet))
        for tweet in selection.tweets
        if tweet.id in published.texts
    }


def apply_review(
    selection: Selection,
    review: Review,
    archive_tweets: Iterable[Tweet],
    alt_texts: Mapping[str, str],
    published: Published | None = None,
) -> tuple[Selection, dict[str, str], ReviewReport]:
    """The selection with the review's choices, the alt texts by media path
    (the review's winning over `alt_texts`), and what was done. Tweets
    already published keep what they went out with.

    Raises BadInputError when no tweet of the review is in the archive, or
    when a choice cannot apply (an alt text for a media the tweet does not
    have, an edited retweet)."""
    published = published or Published()
    known = {tweet.id for tweet in archive_tweets}
    report = ReviewReport(review.source, published=published.ids)
    unknown = [tweet_id for tweet_id in review.tweets if tweet_id not in known]
    if review.tweets and len(unknown) == len(review.tweets):
        raise BadInputError(
            _("None of the tweets in {path} is in this archive.").format(path=review.source or FILE_NAME),
            hint=_("Give the review saved from this archive's review page."),
        )
    report.unknown = len(unknown)
    selected = {tweet.id: tweet for tweet in selection.tweets}
    report.not_selected = sum(1 for tweet_id in review.tweets if tweet_id in known and tweet_id not in selected)
    edits = _published_edits(selection, published)
    merged_alts = dict(alt_texts)
    left_out: set[str] = set()
    problems: list[str] = []
    for tweet_id, choice in review.tweets.items():
        tweet = selected.get(tweet_id)
        if tweet is None:
            continue
        expanded = tco_links(tweet) if choice.text is not None else {}  # before the text is read
        now = edits[tweet_id].text if tweet_id in edits else None  # the text its posts were made from
        change = _Change.of(tweet, choice, alt_texts, problems, now)
        if not change.any():
            continue
        if tweet_id in published:
            report.published_unchanged += 1
            continue
        report.choices[tweet_id] = choice
        if change.leave:
            left_out.add(tweet_id)
            continue
        if change.text is not None:
            edits[tweet_id] = edited_tweet(tweet, change.text, expanded)
            report.edits[tweet_id] = change.text
        merged_alts.update(change.alts)
        report.alt_texts += len(change.alts)
    if problems:
        raise review_error(review.source or FILE_NAME, problems)
    threads = [_with_edits(thread, edits) for thread in selection.threads] if edits else list(selection.threads)
    report.threads = threads
    report.originals = {tweet_id: selected[tweet_id] for tweet_id in edits}
    report.left_out, report.edited = len(left_out), len(report.edits)
    edited = Selection(threads=threads, skipped=selection.skipped, review=report)
    return leave_out(edited, frozenset(left_out), _(LEFT_OUT)), merged_alts, report


@dataclass
class _Change:
    """What a choice changes in a selected tweet."""

    leave: bool
    text: str | None
    alts: dict[str, str]

    @classmethod
    def of(
        cls, tweet: Tweet, choice: TweetChoice, alt_texts: Mapping[str, str], problems: list[str], now: str | None
    ) -> _Change:
        """`now`: the text the tweet's posts are made from, when not the archive's."""
        where = _("tweet {id}").format(id=tweet.id)
        text = choice.text
        if text is not None and text == clean_text(tweet.text if now is None else now):
            text = None  # the same text: nothing to rewrite
        if text is not None and tweet.is_retweet:
            problems.append(_("{where}: a retweet's text cannot be edited").format(where=where))
            text = None
        paths = {media.path for media in tweet.media if media.path}
        alts = {}
        for path, alt in choice.alt.items():
            if path not in paths:
                problems.append(_("{where}: {path} is not a media file of this tweet").format(where=where, path=path))
            elif alt and alt_texts.get(path) != alt:
                alts[path] = alt
        return cls(choice.keep is False, text, alts)

    def any(self) -> bool:
        return self.leave or self.text is not None or bool(self.alts)


def _with_edits(thread: Thread, edits: Mapping[str, Tweet]) -> Thread:
    if not any(tweet.id in edits for tweet in thread.tweets):
        return thread
    tweets = [edits.get(tweet.id, tweet) for tweet in thread.tweets]
    return Thread(tweets=tweets, fragment=thread.fragment, parents=dict(thread.parents))


def edited_tweet(tweet: Tweet, text: str, expanded: Mapping[str, str] | None = None) -> Tweet:
    """A copy of `tweet` with `text` in place of its own, its entities found
    again the way X marks them: links (with their scheme), @mentions,
    #hashtags and $cashtags. A t.co link the archive expanded for this tweet
    is expanded again (`expanded`: t.co → URL, by default `tco_links(tweet)`);
    a quote of the original stays."""
    from quittex.archive.tweets import split_quote

    expanded = tco_links(tweet) if expanded is None else expanded
    if expanded and "t.co/" in text.lower():
        text = _TCO.sub(lambda match: expanded.get(match[0], match[0]), text)
    spans = entity_spans(text)
    quote = tweet.quote
    if quote is None:  # a status link ending the new text quotes, as on X
        text, spans, quote = split_quote(text, spans)
    values = {f.name: getattr(tweet, f.name) for f in fields(Tweet)}
    values.update(text=text, spans=spans, quote=quote, warnings=list(tweet.warnings))
    return Tweet(**values)


def entity_spans(text: str) -> list[Span]:
    """Where X would mark entities in `text` (see edited_tweet)."""
    from quittex.archive.tweets import without_overlaps

    cuts: list[tuple[int, int, str, str]] = []
    if "://" in text:
        from twitter_text import extract_urls_with_indices

        for url in extract_urls_with_indices(text, extract_urls_without_protocol=False):
            start, end = url["indices"]
            cuts.append((start, end, "link", text[start:end]))
    for pattern, kind in ((_MENTION, "mention"), (_HASHTAG, "hashtag"), (_CASHTAG, "cashtag")):
        for match in pattern.finditer(text):
            cuts.append((match.start(), match.end(), kind, match[1]))
    return [Span(kind, start, end, value) for start, end, kind, value in without_overlaps(cuts)]  # type: ignore[arg-type]


def tco_links(tweet: Tweet) -> dict[str, str]:
    """t.co link → where it leads, as the archive says for this tweet, while
    the tweet still holds its raw entities (a tweet not read yet)."""
    from quittex.archive.tweets import Unspliced

    try:
        pending = Tweet.__dict__["text"].__get__(tweet, Tweet)
    except AttributeError:
        return {}
    if not isinstance(pending, Unspliced) or not pending.urls:
        return {}
    return {url.url: url.expanded_url for url in pending.urls if url.url and url.expanded_url}
