"""Which tweets go: the choices a collective makes before migrating.

By default: its own tweets and self-threads; no retweets, no replies to
others. A self-reply that continues a reply to someone else belongs to that
conversation and is left out with it; a self-reply whose parent is not in the
archive is kept as a post of its own. Filters that drop a tweet from the middle
of a thread let its replies continue from the nearest kept tweet.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quittex.archive.summary import PSEUDO_LANGUAGES
from quittex.errors import BadInputError
from quittex.i18n import N_, _, format_number
from quittex.models import Thread, Tweet

if TYPE_CHECKING:
    from quittex.migrate.review import Review, ReviewReport

_ID_OR_URL = re.compile(
    r"^(?:https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/)?(\d{1,20})(?:[/?#].*)?$"
)


@dataclass
class SelectOptions:
    since: date | None = None
    until: date | None = None  # inclusive
    include_replies: bool = False
    include_retweets: bool = False
    min_likes: int = 0
    top: int | None = None
    langs: frozenset[str] = frozenset()
    exclude_sensitive: bool = False
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    # What the people reviewing the page chose (`quittex migrate --review`):
    # applied after these filters, and only to the tweets they kept.
    review: Review | None = None


@dataclass
class Selection:
    threads: list[Thread]
    skipped: Counter = field(default_factory=Counter)  # reason (as shown, translated) → count
    review: ReviewReport | None = None  # what applying a review did, when one was given

    @property
    def tweets(self) -> list[Tweet]:
        return [t for thread in self.threads for t in thread.tweets]


def select(threads: list[Thread], options: SelectOptions, account_id: str | None = None) -> Selection:
    """The threads to migrate, oldest first, each trimmed by the filters."""
    skipped: Counter = Counter()
    kept: list[Thread] = []
    for thread in threads:
        reason = _thread_excluded(thread, options, account_id)
        if reason:
            skipped[reason] += len(thread.tweets)
            continue
        trimmed = _trim(thread, options, skipped)
        if trimmed is not None:
            kept.append(trimmed)
    if options.top is not None:
        kept = _top(kept, options.top, skipped)
    return Selection(threads=kept, skipped=_shown(skipped, options))


# Why tweets are left out, shown as "Left out: retweet": counted by these
# msgids, translated once the counting is done.
# Translators: why tweets are left out, shown as "Left out: retweet".
RETWEET = N_("retweet")
# Translators: why tweets are left out, shown as "Left out: reply to someone else".
REPLY_ELSEWHERE = N_("reply to someone else")
# Translators: why tweets are left out (--min-likes), shown as "Left out: fewer than 10 likes".
FEWER_LIKES = N_("fewer than {count} likes")
# Translators: why tweets are left out (--top), shown as "Left out: not in the top 100".
NOT_IN_TOP = N_("not in the top {count}")
# Translators: the reasons below say why tweets are left out, shown as "Left out: in --skip".
NOT_IN_ONLY = N_("not in --only")
IN_SKIP = N_("in --skip")
BEFORE_SINCE = N_("before --since")
AFTER_UNTIL = N_("after --until")
OTHER_LANGUAGE = N_("other language")
MARKED_SENSITIVE = N_("marked sensitive")


def _shown(skipped: Counter, options: SelectOptions) -> Counter:
    """The reasons in the language of the run."""
    numbers = {FEWER_LIKES: options.min_likes, NOT_IN_TOP: options.top}
    return Counter(
        {
            _(reason).format(count=format_number(numbers[reason] or 0)) if reason in numbers else _(reason): count
            for reason, count in skipped.items()
        }
    )


def _thread_excluded(thread: Thread, options: SelectOptions, account_id: str | None) -> str | None:
    root = thread.root
    if root.is_retweet:
        return None if options.include_retweets else RETWEET
    replies_elsewhere = root.in_reply_to_user_id is not None and root.in_reply_to_user_id != account_id
    if replies_elsewhere and not options.include_replies:
        return REPLY_ELSEWHERE
    if options.min_likes and max(t.favorite_count for t in thread.tweets) < options.min_likes:
        return FEWER_LIKES
    return None


def _tweet_excluded(tweet: Tweet, options: SelectOptions) -> str | None:
    day = tweet.created_at.date()
    if options.only and tweet.id not in options.only:
        return NOT_IN_ONLY
    if tweet.id in options.skip:
        return IN_SKIP
    if options.since and day < options.since:
        return BEFORE_SINCE
    if options.until and day > options.until:
        return AFTER_UNTIL
    if options.langs and (tweet.lang or "und") not in options.langs:
        return OTHER_LANGUAGE
    if options.exclude_sensitive and tweet.possibly_sensitive:
        return MARKED_SENSITIVE
    return None


def leave_out(selection: Selection, ids: frozenset[str], reason: str) -> Selection:
    """`selection` without the tweets `ids`, counted under `reason`; their
    replies continue from the nearest kept tweet, as with the filters."""
    if not ids:
        return selection
    skipping, dropped = SelectOptions(skip=ids), Counter()  # the filters' own way of dropping tweets
    kept = []
    for thread in selection.threads:
        if not any(tweet.id in ids for tweet in thread.tweets):
            kept.append(thread)
            continue
        trimmed = _trim(thread, skipping, dropped)
        if trimmed is not None:
            kept.append(trimmed)
    skipped = Counter(selection.skipped)
    skipped[reason] += sum(dropped.values())
    return Selection(threads=kept, skipped=skipped, review=selection.review)


def _trim(thread: Thread, options: SelectOptions, skipped: Counter) -> Thread | None:
    kept: list[Tweet] = []
    replacement: dict[str, str | None] = {}  # dropped id → the kept tweet it hands on to
    parents: dict[str, str] = {}
    for tweet in thread.tweets:  # oldest first: a parent is settled before its replies
        parent = thread.parent_id(tweet)
        while parent in replacement:
            parent = replacement[parent]
        reason = _tweet_excluded(tweet, options)
        if reason:
            skipped[reason] += 1
            replacement[tweet.id] = parent
            continue
        if parent is not None:
            parents[tweet.id] = parent
        kept.append(tweet)
    if not kept:
        return None
    starts_later = kept[0] is not thread.root
    return Thread(tweets=kept, fragment=thread.fragment or starts_later, parents=_roots_only_once(kept, parents))


def _roots_only_once(kept: list[Tweet], parents: dict[str, str]) -> dict[str, str]:
    """Several kept tweets may hang from nothing once an early one is dropped:
    the later ones continue from the first so that a thread stays one chain."""
    first = kept[0].id
    for tweet in kept[1:]:
        parents.setdefault(tweet.id, first)
    return parents


def _top(threads: list[Thread], count: int, skipped: Counter) -> list[Thread]:
    """The `count` most-liked tweets, each with its whole thread."""
    ranked = sorted(
        ((t.favorite_count, int(t.id), index) for index, thread in enumerate(threads) for t in thread.tweets),
        reverse=True,
    )
    chosen: set[int] = set()
    for _likes, _id, index in ranked[:count]:
        chosen.add(index)
    for index, thread in enumerate(threads):
        if index not in chosen:
            skipped[NOT_IN_TOP] += len(thread.tweets)
    return [thread for index, thread in enumerate(threads) if index in chosen]


def read_id_list(path: Path) -> frozenset[str]:
    """Tweet ids or tweet URLs, one a line; blank lines and `#` comments allowed."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise BadInputError(
            _("Cannot read {path}: {reason}.").format(path=path, reason=error.strerror or error)
        ) from None
    except UnicodeDecodeError:
        raise BadInputError(_("{path} is not a UTF-8 text file.").format(path=path)) from None
    ids = set()
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip() if not line.strip().startswith("http") else line.strip()
        if not entry:
            continue
        match = _ID_OR_URL.match(entry)
        if not match:
            raise BadInputError(
                _("{path}, line {number}: {entry} is neither a tweet id nor a tweet URL.").format(
                    path=path, number=number, entry=repr(entry)
                )
            )
        ids.add(match.group(1))
    return frozenset(ids)


def parse_langs(value: str | None) -> frozenset[str]:
    if not value:
        return frozenset()
    langs = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = {
        lang for lang in langs if not re.fullmatch(r"[a-z]{2,3}(-[a-z]{2,4})?", lang) and lang not in PSEUDO_LANGUAGES
    }
    if unknown:
        raise BadInputError(
            _("--lang takes language codes like fr,en; not {codes}.").format(codes=", ".join(sorted(unknown)))
        )
    return frozenset(langs)


def parse_day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(
            _("{option} takes a date like 2023-01-31, not {value}.").format(option=option, value=repr(value))
        ) from None
