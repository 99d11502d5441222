"""Read a whole X archive into normalised models, one tweets part at a time.

Only the files a migration needs are ever opened: the manifest, the tweets
parts, note tweets, the Circle tweet ids (to exclude them), account and
profile. Direct messages and deleted tweets are never read.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from quittex.archive import raw as R
from quittex.archive.gcpause import paused_gc
from quittex.archive.layout import Layout, find_root, plan_layout
from quittex.archive.media_files import MediaIndex
from quittex.archive.notes import build_notes, merge_notes
from quittex.archive.source import ArchiveSource, ZipSource, open_source
from quittex.archive.threads import EditChains, build_threads, collapse_edits
from quittex.archive.tweets import build_tweet, has_text, parse_iso
from quittex.errors import ArchiveError, NotAnXArchiveError, UnsafeArchiveError
from quittex.i18n import N_, _, format_number, ngettext
from quittex.models import Account, Thread, Tweet

T = TypeVar("T")
# on_progress(files done, files in all, name of the file being read)
ProgressCallback = Callable[[int, int, str], None]
MAX_NESTED_ZIP_BYTES = 64 << 30
# The whole process stays below this, whatever the archive: before each tweets
# part, what it will cost is foreseen from what the parts read so far cost.
MEMORY_BUDGET_BYTES = 1_400_000_000
# Tweets files of more than this could never fit, even as rich tweets (their
# models take about twice the JSON): refused before anything is read.
MAX_TWEETS_BYTES = 640 << 20


@dataclass
class ArchiveStats:
    parts_read: int = 0
    note_tweets: int = 0
    note_tweets_merged: int = 0
    edits_collapsed: int = 0
    circle_excluded: int = 0
    tweets_without_text: int = 0
    entries_skipped: int = 0


@dataclass
class Archive:
    """An opened archive: its account, its tweets (oldest first) and threads.

    Keep it open (a context manager) while media files are read from it."""

    source: ArchiveSource
    layout: Layout
    account: Account
    tweets: list[Tweet]
    threads: list[Thread]
    stats: ArchiveStats
    warnings: list[str] = field(default_factory=list)
    _by_id: dict[str, Tweet] = field(default_factory=dict, repr=False)

    def tweet(self, tweet_id: str) -> Tweet | None:
        if not self._by_id:
            self._by_id = {t.id: t for t in self.tweets}
        return self._by_id.get(tweet_id)

    def read_media(self, path: str, limit: int = 1 << 30) -> bytes:
        """Bytes of a media file, by the path given in `Media.path`."""
        if not path.startswith(self.layout.media_dir + "/"):
            raise ArchiveError(_("{path} is not in the archive's tweet media folder.").format(path=path))
        try:
            return self.source.read_bytes(path, limit)
        except FileNotFoundError:
            raise ArchiveError(_("{path} is missing from the archive.").format(path=path)) from None

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_archive(location: Path | str, on_progress: ProgressCallback | None = None) -> Archive:
    """Open and read the archive at `location` (zip, folder, or either nested)."""
    location = Path(location)
    source = _open_archive_source(location)
    try:
        with paused_gc():
            return _read(source, location.name, on_progress)
    except BaseException:
        source.close()
        raise


def read_with(location: Path | str, read: Callable[[ArchiveSource, str], T]) -> T:
    """`read(source, name)` on the archive at `location` (zip, folder, or
    either nested), for readers that need a few files, not the tweets' models."""
    location = Path(location)
    source = _open_archive_source(location)
    try:
        return read(source, location.name)
    finally:
        source.close()


def _open_archive_source(location: Path) -> ArchiveSource:
    source = open_source(location)
    names = source.all_names()
    try:
        root, has_manifest = find_root(names, location.name)
    except NotAnXArchiveError:
        inner = _single_inner_zip(names)
        if inner is None:
            source.close()
            raise
        return _open_inner_zip(source, inner, location)
    source.set_root(root)
    return source


def _single_inner_zip(names: list[str]) -> str | None:
    zips = [n for n in names if n.lower().endswith(".zip") and n.count("/") <= 1 and "__MACOSX" not in n]
    return zips[0] if len(zips) == 1 else None


def _open_inner_zip(outer: ArchiveSource, inner: str, location: Path) -> ArchiveSource:
    """A zip (or folder) holding the archive zip one level down."""
    if not isinstance(outer, ZipSource):
        path = outer.location / inner
        outer.close()
        return _open_archive_source_no_nesting(path)
    # Random access inside a compressed entry would re-inflate it for every
    # seek: copy the inner zip to a temporary file once.
    with tempfile.NamedTemporaryFile(prefix="quittex-", suffix=".zip", delete=False) as copy:
        try:
            outer.copy_to(inner, copy, MAX_NESTED_ZIP_BYTES)
        finally:
            outer.close()
    try:
        return _open_archive_source_no_nesting(Path(copy.name), f"{location.name}/{inner}")
    finally:
        Path(copy.name).unlink(missing_ok=True)  # an open zip keeps its handle


def _open_archive_source_no_nesting(path: Path, label: str | None = None) -> ArchiveSource:
    source = open_source(path)
    try:
        root, _manifest = find_root(source.all_names(), label or path.name)
    except BaseException:
        source.close()
        raise
    source.set_root(root)
    return source


def _read(source: ArchiveSource, label: str, on_progress: ProgressCallback | None) -> Archive:
    names = source.names()
    manifest = _read_manifest(source, names)
    layout = plan_layout(names, "", manifest)
    if not layout.tweet_files:
        raise NotAnXArchiveError(_("{label} has an X manifest but no tweets file (tweets.js).").format(label=label))
    media_index = _media_index(source, names, layout)
    stats = ArchiveStats()
    account = _read_account(source, names, layout, manifest)
    tweets, chains = _read_tweet_parts(source, layout, media_index, stats, on_progress)
    _exclude_circle_tweets(source, names, tweets, chains, stats)
    aliases = chains.superseded(tweets)
    stats.edits_collapsed = len(aliases)
    collapse_edits(tweets, aliases)
    ordered = sorted(tweets.values(), key=lambda t: int(t.id))
    notes = build_notes(_read_notes(source, layout))
    stats.note_tweets = len(notes)
    stats.note_tweets_merged = merge_notes(ordered, notes)
    threads = build_threads({t.id: t for t in ordered}, account.account_id, in_id_order=True)
    archive = Archive(source, layout, account, ordered, threads, stats)
    _add_archive_warnings(archive, manifest)
    return archive


def _read_manifest(source: ArchiveSource, names: list[str]) -> R.RawManifest | None:
    candidates = [n for n in ("data/manifest.js", "manifest.js") if n in set(names)]
    if not candidates:
        return None
    return R.decode_js(source.read_bytes(candidates[0]), candidates[0], R.RawManifest)


def _media_index(source: ArchiveSource, names: list[str], layout: Layout) -> MediaIndex:
    prefix = layout.media_dir + "/"
    files = {n[len(prefix) :]: source.size(n) for n in names if n.startswith(prefix) and "/" not in n[len(prefix) :]}
    return MediaIndex.build(layout.media_dir, files)


_TOO_LARGE_HINT = N_("An untouched X archive this large is rare; if yours is, please report it.")


def _check_tweets_fit(source: ArchiveSource, names: list[str]) -> None:
    """The models take about twice the size of the JSON they come from: refuse
    an archive whose tweets could not be held under 1.5 GB, rather than swap."""
    total = sum(source.size(name) for name in names)
    if total > MAX_TWEETS_BYTES:
        raise UnsafeArchiveError(
            _(
                "The archive's tweets files add up to {size} MB: more than quittex can hold in memory at once "
                "({limit} MB)."
            ).format(size=format_number(round(total / 1e6)), limit=format_number(round(MAX_TWEETS_BYTES / 1e6))),
            hint=_(_TOO_LARGE_HINT),
        )


def _read_tweet_parts(source, layout, media_index, stats, on_progress):
    _check_tweets_fit(source, layout.tweet_files)
    tweets: dict[str, Tweet] = {}
    chains = EditChains()
    total = len(layout.tweet_files)
    budget = _MemoryForecast()
    for done, (name, data) in enumerate(read_ahead(source, layout.tweet_files)):
        if on_progress:
            on_progress(done, total, name)
        budget.check(name, len(data))
        raws = _decode_tweets(data, name)
        del data  # the structs hold their own strings: free the part's bytes now
        for raw in raws:
            _add_tweet(raw, media_index, tweets, chains, stats)
        stats.parts_read += 1
    if on_progress:
        on_progress(total, total, "")
    return tweets, chains


class _MemoryForecast:
    """Foresees what parsing the next tweets part will cost, from what the
    parts read so far cost per byte of JSON (short tweets cost several times
    more per byte than rich ones), and refuses the part that would take the
    process past MEMORY_BUDGET_BYTES, rather than letting it swap."""

    def __init__(self) -> None:
        self.start = resident_bytes()
        self.json_bytes = 0
        self.per_byte = 2.0  # rich tweets, until a part has been measured

    def check(self, name: str, size: int) -> None:
        """`size`: the part about to be parsed, already in memory (and the
        next one may be inflating meanwhile: counted as models, to be safe)."""
        now = resident_bytes()
        if self.json_bytes >= _MEASURED_FROM:  # a few tiny parts say nothing of the cost per byte
            self.per_byte = max(self.per_byte, (now - size - self.start) / self.json_bytes)
        if now + size * self.per_byte > MEMORY_BUDGET_BYTES:
            raise UnsafeArchiveError(
                _(
                    "The archive holds more tweets than quittex can read within 1.5 GB of memory "
                    "(stopped before {name})."
                ).format(name=name),
                hint=_(_TOO_LARGE_HINT),
            )
        self.json_bytes += size


_MEASURED_FROM = 16 << 20


def resident_bytes() -> int:
    """The process's resident memory now (0 where the system does not say)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def read_ahead(source: ArchiveSource, names: list[str]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each file in turn, the next one being read in a second
    thread while the caller parses the current one: inflating lets go of the
    GIL, so on two cores it costs almost no wall time. At most two files are
    held at once."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quittex-read")
    upcoming: deque[Future[bytes]] = deque()
    try:
        for index, name in enumerate(names):
            if not upcoming:
                upcoming.append(pool.submit(source.read_bytes, name))
            if index + 1 < len(names):
                upcoming.append(pool.submit(source.read_bytes, names[index + 1]))
            # Taken straight from the queue: no reference to the bytes stays here.
            yield name, upcoming.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _decode_tweets(data: bytes, name: str) -> list[R.RawTweet]:
    payload = R.js_payload(data, name)
    if R.looks_wrapped(payload, b"tweet"):
        return [entry.tweet for entry in R.decode_js(data, name, list[R.TweetEntry])]
    return R.decode_js(data, name, list[R.RawTweet])


def _add_tweet(raw: R.RawTweet, media_index, tweets, chains, stats) -> None:
    tweet = build_tweet(raw, media_index)
    if tweet is None:
        stats.entries_skipped += 1
        return
    if not has_text(raw):
        stats.tweets_without_text += 1
    edit = raw.edit_info
    # Since 2022 every tweet lists itself as a one-version chain: skip those.
    if edit is not None and (edit.edit is not None or (edit.initial and len(edit.initial.editTweetIds) > 1)):
        initial = edit.initial.editTweetIds if edit.initial else []
        chains.add(tweet.id, initial, edit.edit.initialTweetId if edit.edit else None)
    tweets[tweet.id] = tweet  # a repeated id (parts overlap) is kept once


def _exclude_circle_tweets(source, names, tweets, chains: EditChains, stats) -> None:
    """Circle tweets are private, and also present in tweets.js: drop them,
    with every version of them an edit made (the circle file may list only
    the first)."""
    circle: set[str] = set()
    for name in names:
        base = name.rpartition("/")[2]  # the basename, cheaply: archives hold tens of thousands of names
        if base.startswith("twitter-circle-tweet") and base.endswith(".js"):
            circle |= _ids_in(source.read_bytes(name), name)
    for tweet_id in chains.versions_of(circle) if circle else ():
        if tweets.pop(tweet_id, None) is not None:
            stats.circle_excluded += 1


def _ids_in(data: bytes, name: str) -> set[str]:
    """Tweet ids of any entry shape: {"tweet": {...}}, a bare tweet, or {"tweetId": …}."""
    entries = R.decode_js(data, name, list[dict])
    ids = set()
    for entry in entries:
        for obj in [entry, *(v for v in entry.values() if isinstance(v, dict))]:
            for key in ("id_str", "id", "tweetId", "tweet_id"):
                if isinstance(obj.get(key), str | int):
                    ids.add(str(obj[key]))
    return ids


def _read_notes(source: ArchiveSource, layout: Layout) -> list[R.RawNote]:
    notes = []
    for name in layout.note_files:
        notes += [entry.noteTweet for entry in R.decode_js(source.read_bytes(name), name, list[R.NoteEntry])]
    return notes


def _read_account(source, names, layout, manifest) -> Account:
    info = manifest.userInfo if manifest and manifest.userInfo else R.RawUserInfo()
    account = Account(
        account_id=str(info.accountId) if info.accountId is not None else "",
        username=info.userName or "",
        display_name=info.displayName,
    )
    raw = _first_entry(source, names, layout.data_path("account.js"), R.AccountEntry)
    if raw:
        account.account_id = str(raw.account.accountId or account.account_id)
        account.username = raw.account.username or account.username
        account.display_name = raw.account.accountDisplayName or account.display_name
        account.created_at = _maybe_iso(raw.account.createdAt)
    profile = _first_entry(source, names, layout.data_path("profile.js"), R.ProfileEntry)
    if profile and profile.profile.description:
        account.bio = profile.profile.description.bio or None
        account.website = profile.profile.description.website or None
        account.location = profile.profile.description.location or None
    if profile:
        account.avatar_url = profile.profile.avatarMediaUrl or None
        account.header_url = profile.profile.headerMediaUrl or None
    return account


def _first_entry(source, names, name, kind):
    if name not in names:
        return None
    try:
        entries = R.decode_js(source.read_bytes(name), name, list[kind])
    except ArchiveError:
        return None  # the account's details are a nicety; tweets still load
    return entries[0] if entries else None


def _maybe_iso(value: str | None):
    try:
        return parse_iso(value) if value else None
    except ValueError:
        return None


def _add_archive_warnings(archive: Archive, manifest: R.RawManifest | None) -> None:
    if not archive.account.account_id:
        archive.warnings.append(_("No account id in the archive: replies to yourself cannot be told apart."))
    if manifest and manifest.archiveInfo and manifest.archiveInfo.isPartialArchive:
        archive.warnings.append(_("X marked this archive as partial: some tweets may be missing."))
    for name in archive.layout.missing_tweet_files:
        archive.warnings.append(
            _("manifest.js lists {name}, which the archive lacks: its tweets are missing.").format(name=name)
        )
    if count := archive.stats.tweets_without_text:
        archive.warnings.append(
            ngettext(
                "{count} tweet has no text in the archive (no full_text); those without media are not posted.",
                "{count} tweets have no text in the archive (no full_text); those without media are not posted.",
                count,
            ).format(count=format_number(count))
        )
    if count := archive.stats.entries_skipped:
        archive.warnings.append(
            ngettext(
                "{count} entry without a tweet id was skipped.",
                "{count} entries without a tweet id were skipped.",
                count,
            ).format(count=format_number(count))
        )


def count_kinds(archive: Archive) -> Counter:
    """retweets / replies_to_others / self_replies / originals (kinds with
    none are left out)."""
    account_id = archive.account.account_id or None
    retweets = others = own = 0
    for tweet in archive.tweets:
        if tweet.is_retweet:
            retweets += 1
        elif tweet.in_reply_to_user_id is not None:
            # As is_self_reply(), inlined: this runs once per tweet.
            if account_id is not None and tweet.in_reply_to_user_id == account_id:
                own += 1
            else:
                others += 1
    originals = len(archive.tweets) - retweets - others - own
    counts = {"retweets": retweets, "replies_to_others": others, "self_replies": own, "originals": originals}
    return Counter({kind: count for kind, count in counts.items() if count})


__all__ = ["Archive", "ArchiveStats", "load_archive", "count_kinds"]
