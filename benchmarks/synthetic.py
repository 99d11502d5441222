"""A large, realistic synthetic archive for the benchmarks.

100,000 tweets by default, in 4 parts, with the mix a busy collective's
account has: links, hashtags, mentions, emoji and escapes, photos and videos,
replies to others, self-threads, retweets, quotes and 1% long note tweets.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.archive_builder import (  # noqa: E402
    ArchiveSpec,
    MediaSpec,
    make_note,
    make_tweet,
    snowflake,
    truncated_for_note,
    write_archive,
)

# A photo's first and last bytes as a JPEG has them, so that the dry run takes
# it for one (it reads no more of it).
PHOTO = b"\xff\xd8\xff\xe0" + b"x" * 58 + b"\xff\xd9"

WORDS = (
    "collectif solidarité quartier réunion assemblée vélo climat logement mairie "
    "rendez-vous samedi place marché tract soutien grève école jardin partagé "
    "association bénévoles festival cantine concert manif écologie transport"
).split()
EMOJI = ["✊", "🌱", "📣", "🚲", "❤️", "👩🏽‍🌾", "🇫🇷", "😀"]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    if rng.random() < 0.3:
        text += " " + rng.choice(EMOJI)
    if rng.random() < 0.15:
        text += " &gt; " + rng.choice(WORDS)
    return text.capitalize()


def generate(count: int = 100_000, parts: int = 4, seed: int = 42) -> ArchiveSpec:
    rng = random.Random(seed)
    spec = ArchiveSpec(generation="2023", parts=parts, shuffle_seed=seed)
    when = datetime(2012, 1, 1, tzinfo=UTC)
    own_ids: list[str] = []
    for n in range(count):
        when += timedelta(seconds=rng.randint(60, 4000))
        tweet_id = snowflake(when, n % 4096)
        roll = rng.random()
        if roll < 0.01:
            _note_tweet(spec, rng, tweet_id, when)
        elif roll < 0.11:
            spec.add(make_tweet(tweet_id, f"RT @voisin_{n % 50}: " + sentence(rng, 18)[:110] + "…", lang="fr"))
        else:
            _own_tweet(spec, rng, tweet_id, roll, own_ids)
        own_ids.append(tweet_id)
    return spec


def _own_tweet(spec: ArchiveSpec, rng: random.Random, tweet_id: str, roll: float, own_ids: list[str]) -> None:
    parts = [sentence(rng, rng.randint(6, 25))]
    urls = {}
    for i in range(rng.choice((0, 0, 1, 1, 2))):
        tco = f"https://t.co/{tweet_id[-6:]}{i}"
        urls[tco] = f"https://example.org/{rng.choice(WORDS)}/{tweet_id}?ref={i}"
        parts.append(tco)
    parts += [f"#{rng.choice(WORDS).replace('-', '')}" for _ in range(rng.choice((0, 1, 1, 2)))]
    if rng.random() < 0.2:
        parts.insert(0, f"@ami_{rng.randint(1, 300)}")
    reply = None
    if roll < 0.26 and own_ids:
        reply = (rng.choice(own_ids[-3:]), spec.account_id, spec.username)
    elif roll < 0.41:
        reply = (str(int(tweet_id) - 12345), "42", "quelquun")
    media = None
    if rng.random() < 0.2:
        kind = rng.choice(("photo", "photo", "photo", "video", "animated_gif"))
        ext = "jpg" if kind == "photo" else "mp4"
        media = [
            MediaSpec(kind, f"M{tweet_id[-9:]}{i}.{ext}", content=PHOTO if kind == "photo" else b"x" * 64)
            for i in range(1 if kind != "photo" else rng.randint(1, 4))
        ]
    spec.tweet(
        tweet_id,
        " ".join(parts),
        urls=urls,
        reply_to=reply,
        media=media,
        likes=rng.randint(0, 500),
        retweets=rng.randint(0, 80),
        lang=rng.choice(("fr", "fr", "fr", "en", "und")),
    )


def _note_tweet(spec: ArchiveSpec, rng: random.Random, tweet_id: str, when: datetime) -> None:
    text = " ".join(sentence(rng, 12) + "." for _ in range(12))
    created = when - timedelta(milliseconds=rng.randint(1, 900))
    spec.notes.append(make_note(text, created))
    spec.add(make_tweet(tweet_id, truncated_for_note(text)))


def write(path: Path, count: int = 100_000, parts: int = 4) -> Path:
    if not path.exists():
        write_archive(generate(count, parts), path)
    return path
