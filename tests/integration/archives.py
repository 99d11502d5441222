"""Archives for the publishing tests, and the checks of what they became.

`migration_archive()` writes an archive of N tweets of the shapes that make
publishing hard: threads of self-replies, tweets with one or two photos,
tweets long enough to be split into several posts (and a note tweet split on
both platforms), a quote of one's own earlier tweet. Every text is unique, so
a post on Mastodon (which cannot backdate) can be told apart by its text.

`expected_posts()` asks quittex's own dry run (`migrate --dry-run --json`)
what each platform should receive; `read_bluesky()` / `read_mastodon()` read
what the servers hold and `exactly_once()` compares the two: every selected
(tweet, part) exactly once, nothing else, each reply pointing to the post of
its parent (and, on Bluesky, to the parent's current CID), the right number
of images on each post, the quote embedding the quoted post.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

from quittex.publish.tid import tweet_tid
from tests.archive_builder import ArchiveSpec, MediaSpec, make_note, snowflake, truncated_for_note, write_archive
from tests.cli_helpers import run_cli

ACCOUNT_ID = "1000000001"
USERNAME = "quittex_demo"
START = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
POST = "app.bsky.feed.post"
_URL = re.compile(r"https?://\S+")

WORDS = (
    "vélo atelier balade lumière rue école piste quartier voisin·es réparation "
    "assemblée pétition compost jardin marché cantine bibliothèque collectif tract affiche"
).split()


# -- the archive ---------------------------------------------------------------------


def photo(index: int, size: tuple[int, int] = (240, 160)) -> bytes:
    """A small JPEG, different for every index (blobs are content-addressed)."""
    colour = ((index * 53) % 256, (index * 97) % 256, (index * 151) % 256)
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).text((10, 10), f"photo {index}", fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def sentence(n: int, length: int) -> str:
    """Unique French-looking text of about `length` characters for tweet n."""
    words = [f"Tweet n°{n:04d} :"]
    i = n
    while sum(len(w) + 1 for w in words) < length:
        words.append(WORDS[i % len(WORDS)])
        i = i * 7 + 3
    return " ".join(words)[:length].rstrip()


@dataclass
class _Builder:
    spec: ArchiveSpec
    photos: int  # every `photos`-th tweet has images (0: none)
    count: int = 0
    ids: list[str] = field(default_factory=list)

    def when(self) -> datetime:
        return START + timedelta(days=2 * self.count, minutes=self.count)

    def add(self, text: str, *, reply_to: str | None = None, when: datetime | None = None, **options) -> str:
        when = when or self.when()
        tweet_id = snowflake(when, self.count)
        if self.photos and self.count % self.photos == 1:
            n = 1 + self.count % 2
            options["media"] = [
                MediaSpec("photo", f"P{self.count:04d}x{k}.jpg", photo(self.count * 4 + k), 240, 160) for k in range(n)
            ]
        if reply_to:
            options["reply_to"] = (reply_to, ACCOUNT_ID, USERNAME)
        self.spec.tweet(tweet_id, text, when=when, **options)
        self.count += 1
        self.ids.append(tweet_id)
        return tweet_id


def migration_spec(tweets: int = 30, *, photos: int = 3, threads: bool = True, long_posts: bool = True) -> ArchiveSpec:
    """About `tweets` tweets (see the module doc), oldest first in time."""
    spec = ArchiveSpec(account_id=ACCOUNT_ID, username=USERNAME)
    builder = _Builder(spec, photos)
    while builder.count < tweets:
        n = builder.count
        if threads and n % 7 == 2 and builder.count + 3 <= tweets:
            _thread(builder)
        elif long_posts and n % 11 == 5:
            _note_tweet(builder)
        elif long_posts and n % 13 == 8:
            builder.add(sentence(n, 278))  # one post: the date note gives way
        elif n % 17 == 12 and builder.ids:
            quoted = builder.ids[0]
            url = f"https://twitter.com/{USERNAME}/status/{quoted}"
            builder.add(f"{sentence(n, 60)} https://t.co/QUOTE{n:04d}", urls={f"https://t.co/QUOTE{n:04d}": url})
        else:
            builder.add(sentence(n, 40 + (n * 37) % 180))
    return spec


def _thread(builder: _Builder) -> None:
    """A root and two self-replies, a minute apart."""
    n = builder.count
    root_time = builder.when()
    root = builder.add(f"🧵 {sentence(n, 90)}", when=root_time)
    second = builder.add(sentence(n + 1, 120), reply_to=root, when=root_time + timedelta(minutes=1))
    builder.add(sentence(n + 2, 70), reply_to=second, when=root_time + timedelta(minutes=2))


def _note_tweet(builder: _Builder) -> None:
    """A long note tweet: two posts on Mastodon, three on Bluesky."""
    n = builder.count
    text = " ".join(sentence(n * 10 + k, 120) for k in range(6))
    when = builder.when()
    builder.spec.notes.append(make_note(text, when))
    builder.add(truncated_for_note(text), when=when + timedelta(milliseconds=420))


def migration_archive(dest: Path, tweets: int = 30, **options) -> Path:
    """Write the archive as a zip at `dest`."""
    return write_archive(migration_spec(tweets, **options), dest)


# -- what should be published -------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One post the dry run plans."""

    platform: str
    tweet_id: str
    part: int
    text: str
    parent: tuple[str, int] | None
    root: tuple[str, int] | None
    images: int
    created_at: str | None  # Bluesky's record createdAt
    links_to_migrated: bool
    quotes: str | None  # Bluesky: the tweet id whose post it embeds

    @property
    def key(self) -> tuple[str, int]:
        return (self.tweet_id, self.part)

    @property
    def rkey(self) -> str:
        created = datetime.fromisoformat(self.created_at.replace("Z", "+00:00")) if self.created_at else START
        return tweet_tid(self.tweet_id, created, self.part)


def expected_posts(archive: Path, *extra: str) -> dict[str, dict[tuple[str, int], Expected]]:
    """platform → (tweet id, part) → the post quittex's dry run plans."""
    result = run_cli("migrate", archive, "--dry-run", "--json", "--to", "mastodon,bluesky", *extra)
    assert result.exit_code == 0, result.stderr
    plan: dict[str, dict[tuple[str, int], Expected]] = {"mastodon": {}, "bluesky": {}}
    for line in result.stdout.splitlines():
        post = _expected(json.loads(line))
        plan[post.platform][post.key] = post
    return plan


def _expected(draft: dict) -> Expected:
    ref = lambda r: (r["tweet_id"], r["part"]) if r else None  # noqa: E731
    embed = draft.get("embed") or {}
    return Expected(
        draft["platform"],
        draft["tweet_id"],
        draft["part"],
        draft["text"],
        ref(draft["parent"]),
        ref(draft["root"]),
        sum(1 for m in draft["media"] if m["kind"] == "photo"),
        draft.get("record_created_at"),
        bool(draft["links_to_migrated"]),
        embed.get("tweet_id") if embed.get("type") == "record" else None,
    )


# -- what the servers hold -----------------------------------------------------------------


def read_bluesky(pds_url: str, did: str) -> list[dict]:
    """Every post record of the account: `uri`, `cid`, `rkey` and the record's fields."""
    records, cursor = [], None
    while True:
        params = {"repo": did, "collection": POST, "limit": 100, **({"cursor": cursor} if cursor else {})}
        answer = httpx.get(f"{pds_url}/xrpc/com.atproto.repo.listRecords", params=params, timeout=30)
        answer.raise_for_status()
        page = answer.json()
        records += [
            {"uri": r["uri"], "cid": r["cid"], "rkey": r["uri"].rsplit("/", 1)[-1], **r["value"]}
            for r in page["records"]
        ]
        cursor = page.get("cursor")
        if not cursor or not page["records"]:
            return records


def read_mastodon(client) -> list[dict]:
    """Every status of the client's account, with its source text (`source`)."""
    me = client.account_verify_credentials()
    statuses, max_id = [], None
    while page := client.account_statuses(me["id"], limit=40, max_id=max_id):
        statuses += page
        max_id = page[-1]["id"]
    return [{**s, "source": client.status_source(s["id"])["text"]} for s in statuses]


# -- exactly once -------------------------------------------------------------------------


def bluesky_problems(expected: dict[tuple[str, int], Expected], records: list[dict]) -> list[str]:
    """Everything wrong with `records` against the plan; [] when exactly once."""
    by_created = {e.created_at: e for e in expected.values()}
    found: dict[tuple[str, int], dict] = {}
    problems = []
    for record in records:
        post = by_created.get(record["createdAt"])
        if post is None or not _same_text(post, record["text"]):
            problems.append(f"bluesky: unexpected post {record['rkey']} {record['createdAt']} {record['text'][:40]!r}")
        elif post.key in found:
            problems.append(f"bluesky: tweet {post.tweet_id} part {post.part} posted twice ({record['rkey']})")
        else:
            found[post.key] = record
    problems += [f"bluesky: tweet {k[0]} part {k[1]} missing" for k in expected if k not in found]
    for key, record in found.items():
        problems += _bluesky_post_problems(expected[key], record, found)
    return problems


def _bluesky_post_problems(post: Expected, record: dict, found: dict) -> list[str]:
    where = f"bluesky: tweet {post.tweet_id} part {post.part}"
    problems = [] if record["rkey"] == post.rkey else [f"{where}: record key {record['rkey']}, not {post.rkey}"]
    reply = record.get("reply")
    if (reply is None) != (post.parent is None):
        problems.append(f"{where}: reply is {reply}, the plan says parent {post.parent}")
    elif reply is not None:
        for role, ref in (("parent", post.parent), ("root", post.root or post.parent)):
            target = found.get(ref)
            if target is None or reply[role] != {"uri": target["uri"], "cid": target["cid"]}:
                problems.append(f"{where}: reply {role} {reply[role]} is not the post of {ref}")
    embed = record.get("embed") or {}
    images = len((embed.get("media") or embed).get("images", []))
    if images != post.images:
        problems.append(f"{where}: {images} images, expected {post.images}")
    if post.quotes is not None:
        quoted = found.get((post.quotes, 0))
        strong = (embed.get("record") or {}).get("record", embed.get("record"))
        if quoted is None or strong != {"uri": quoted["uri"], "cid": quoted["cid"]}:
            problems.append(f"{where}: quote embed {strong} is not the post of tweet {post.quotes}")
    return problems


def mastodon_problems(expected: dict[tuple[str, int], Expected], statuses: list[dict]) -> list[str]:
    found: dict[tuple[str, int], dict] = {}
    problems = []
    for status in sorted(statuses, key=lambda s: int(s["id"])):
        quoted = bool(status.get("quote"))
        matches = [e for e in expected.values() if _same_text(e, status["source"], native_quote=quoted)]
        if len(matches) != 1:
            problems.append(
                f"mastodon: status {status['id']} matches {len(matches)} planned posts: {status['source'][:50]!r}"
            )
        elif matches[0].key in found:
            problems.append(
                f"mastodon: tweet {matches[0].tweet_id} part {matches[0].part} posted twice ({status['id']})"
            )
        else:
            found[matches[0].key] = status
    problems += [f"mastodon: tweet {k[0]} part {k[1]} missing" for k in expected if k not in found]
    for key, status in found.items():
        post, where = expected[key], f"mastodon: tweet {key[0]} part {key[1]}"
        parent = found.get(post.parent) if post.parent else None
        wanted_parent = parent["id"] if parent else None
        if str(status["in_reply_to_id"] or "") != str(wanted_parent or ""):
            problems.append(f"{where}: replies to {status['in_reply_to_id']}, not to {wanted_parent} ({post.parent})")
        if len(status["media_attachments"]) != post.images:
            problems.append(f"{where}: {len(status['media_attachments'])} media, expected {post.images}")
        quote = status.get("quote") or {}
        quoted_id = str((quote.get("quoted_status") or {}).get("id", ""))
        if quote and quoted_id not in {str(s["id"]) for s in found.values()}:
            problems.append(f"{where}: a native quote of {quoted_id or 'nothing'}, not of a migrated post")
    return problems


def _same_text(post: Expected, text: str, *, native_quote: bool = False) -> bool:
    """Links to already migrated tweets change when the post is finalised; a
    quote of one (Mastodon 4.5+) loses its link, quoted natively."""
    if native_quote and post.links_to_migrated:
        return " ".join(_URL.sub("", text).split()) == " ".join(_URL.sub("", post.text).split())
    if post.links_to_migrated:
        return _URL.sub("<link>", text) == _URL.sub("<link>", post.text)
    return text == post.text
