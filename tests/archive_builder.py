"""Write synthetic X archives of every generation from small hand-written tweets.

Used by the tests, by `scripts/make_example_archive.py` and by the benchmark.
Entities are computed from the raw text the way X does: indices are code
points into the HTML-escaped `full_text`.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

SNOWFLAKE_EPOCH_MS = 1288834974657
_TCO = re.compile(r"https://t\.co/\w+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<!\w)@(\w{1,15})")


def snowflake(when: datetime, sequence: int = 0) -> str:
    ms = int(when.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
    return str((ms << 22) | (sequence & 0x3FFFFF))


def user_id(screen_name: str) -> str:
    """The account id the builder gives a screen name, in mentions and wherever a test needs it."""
    return str(zlib.crc32(screen_name.encode()))


def x_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a %b %d %H:%M:%S +0000 %Y")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class MediaSpec:
    kind: str  # photo | video | animated_gif
    basename: str  # "DygxfPAWkAAEDfL.jpg" or "abc.mp4"
    content: bytes | None = b"\xff\xd8\xff\xe0fake"  # None: file missing from the archive
    width: int = 1200
    height: int = 800
    duration_ms: int | None = None
    file_name: str | None = None  # a non-standard name in the media folder


def make_tweet(
    tweet_id: str,
    text: str,
    *,
    when: datetime | None = None,
    urls: dict[str, str] | None = None,
    media: list[MediaSpec] | None = None,
    reply_to: tuple[str | None, str | None, str | None] | None = None,
    lang: str = "fr",
    likes: int = 0,
    retweets: int = 0,
    sensitive: bool | None = None,
    edit_chain: list[str] | None = None,
    edit_of: str | None = None,
    media_tco: str = "https://t.co/MEDIA0001",
) -> dict:
    """A tweet as X writes it. `text` is the unescaped text; t.co links in it
    expand through `urls`; media add one t.co link at the end."""
    when = when or time_of(tweet_id)
    raw = escape(text)
    if media:
        raw = f"{raw} {media_tco}"
    tweet: dict = {
        "edit_info": _edit_info(tweet_id, edit_chain, edit_of, when),
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": entities_of(raw, urls or {}, media_tco if media else None),
        "display_text_range": ["0", str(len(raw))],
        "favorite_count": str(likes),
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": str(retweets),
        "id": tweet_id,
        "created_at": x_date(when),
        "favorited": False,
        "full_text": raw,
        "lang": lang,
    }
    if reply_to:
        status_id, user_id, screen_name = reply_to
        for key, value in (
            ("in_reply_to_status_id_str", status_id),
            ("in_reply_to_status_id", status_id),
            ("in_reply_to_user_id_str", user_id),
            ("in_reply_to_user_id", user_id),
            ("in_reply_to_screen_name", screen_name),
        ):
            if value is not None:
                tweet[key] = value
    if sensitive is not None:
        tweet["possibly_sensitive"] = sensitive
    if media:
        items = [_media_entity(tweet_id, m, raw, media_tco) for m in media]
        tweet["entities"]["media"] = items[:1]
        tweet["extended_entities"] = {"media": items}
    return tweet


def time_of(tweet_id: str) -> datetime:
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)


def _edit_info(tweet_id, chain, edit_of, when) -> dict:
    if edit_of:
        return {
            "edit": {"initialTweetId": edit_of, "editControlInitial": {"editTweetIds": chain or [edit_of, tweet_id]}}
        }
    ids = chain or [tweet_id]
    deadline = (when + timedelta(minutes=30)).isoformat().replace("+00:00", ".000Z")
    return {"initial": {"editTweetIds": ids, "editableUntil": deadline, "editsRemaining": "5", "isEditEligible": True}}


def _indices(raw: str, start: int, end: int) -> list[str]:
    return [str(start), str(end)]


def entities_of(raw: str, urls: dict[str, str], media_tco: str | None) -> dict:
    entities: dict = {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}
    for match in _HASHTAG.finditer(raw):
        entities["hashtags"].append({"text": match.group(1), "indices": _indices(raw, *match.span())})
    for match in _MENTION.finditer(raw):
        name = match.group(1)
        entities["user_mentions"].append(
            {
                "name": name.title(),
                "screen_name": name,
                "indices": _indices(raw, *match.span()),
                "id_str": user_id(name),
                "id": user_id(name),
            }
        )
    for match in _TCO.finditer(raw):
        if match.group(0) == media_tco:
            continue
        expanded = urls.get(match.group(0), "https://example.org/")
        entities["urls"].append(
            {
                "url": match.group(0),
                "expanded_url": expanded,
                "display_url": expanded.split("://", 1)[-1][:26],
                "indices": _indices(raw, *match.span()),
            }
        )
    return entities


def _media_entity(tweet_id: str, media: MediaSpec, raw: str, tco: str) -> dict:
    start = raw.rindex(tco)
    stem = media.basename.rsplit(".", 1)[0]
    shown_as = "photo" if media.kind == "photo" else "video"
    item = {
        "expanded_url": f"https://twitter.com/quittex_demo/status/{tweet_id}/{shown_as}/1",
        "indices": [str(start), str(start + len(tco))],
        "url": tco,
        "media_url": f"http://pbs.twimg.com/media/{stem}.jpg",
        "id_str": str(zlib.crc32(f"{tweet_id}-{media.basename}".encode())),
        "media_url_https": f"https://pbs.twimg.com/media/{stem}.jpg",
        "sizes": {"large": {"w": str(media.width), "h": str(media.height), "resize": "fit"}},
        "type": media.kind,
        "display_url": "pic.twitter.com/abc",
    }
    if media.kind == "photo":
        item["media_url_https"] = f"https://pbs.twimg.com/media/{media.basename}"
        item["media_url"] = f"http://pbs.twimg.com/media/{media.basename}"
    else:
        item["video_info"] = {
            "aspect_ratio": [str(media.width), str(media.height)],
            "variants": [
                {
                    "bitrate": "832000",
                    "content_type": "video/mp4",
                    "url": "https://video.twimg.com/ext_tw_video/1/pu/vid/640x360/low.mp4?tag=12",
                },
                {
                    "bitrate": "2176000",
                    "content_type": "video/mp4",
                    "url": f"https://video.twimg.com/ext_tw_video/1/pu/vid/1280x720/{media.basename}?tag=12",
                },
                {
                    "content_type": "application/x-mpegURL",
                    "url": "https://video.twimg.com/ext_tw_video/1/pu/pl/playlist.m3u8?tag=12",
                },
            ],
        }
        if media.kind == "animated_gif":
            item["video_info"]["variants"] = [
                {
                    "bitrate": "0",
                    "content_type": "video/mp4",
                    "url": f"https://video.twimg.com/tweet_video/{media.basename}",
                }
            ]
        if media.duration_ms is not None:
            item["video_info"]["duration_millis"] = str(media.duration_ms)
    return item


def make_note(text: str, created: datetime, urls: dict[str, str] | None = None) -> dict:
    """A note-tweet.js entry: unescaped text, code-point indices."""
    core: dict = {"styletags": [], "urls": [], "text": text, "mentions": [], "cashtags": [], "hashtags": []}
    for match in _TCO.finditer(text):
        expanded = (urls or {}).get(match.group(0), "https://example.org/")
        core["urls"].append(
            {
                "shortUrl": match.group(0),
                "expandedUrl": expanded,
                "displayUrl": expanded[8:34],
                "fromIndex": str(match.start()),
                "toIndex": str(match.end()),
            }
        )
    for match in _HASHTAG.finditer(text):
        core["hashtags"].append({"text": match.group(1), "fromIndex": str(match.start()), "toIndex": str(match.end())})
    for match in _MENTION.finditer(text):
        core["mentions"].append(
            {"screenName": match.group(1), "fromIndex": str(match.start()), "toIndex": str(match.end())}
        )
    stamp = created.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "noteTweet": {
            "noteTweetId": str(random.Random(text).randrange(10**18)),
            "updatedAt": stamp,
            "lifecycle": {"value": "3", "name": "Committed"},
            "createdAt": stamp,
            "core": core,
        }
    }


def truncated_for_note(text: str, limit: int = 275) -> str:
    """What tweets.js holds for a note tweet: about 275 characters and "…"."""
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


DEFAULT_PROFILE = {
    "description": {
        "bio": "Un collectif de démonstration pour quittex.",
        "website": "https://t.co/WEBSITE01",
        "location": "Lyon",
    },
    "avatarMediaUrl": "https://pbs.twimg.com/profile_images/1/avatar.jpg",
}


@dataclass
class ArchiveSpec:
    generation: str = "2023"  # "2019", "2021" or "2023"
    account_id: str = "1000000001"
    username: str = "quittex_demo"
    display_name: str = "Collectif Démo"
    tweets: list[dict] = field(default_factory=list)
    parts: int = 1
    notes: list[dict] = field(default_factory=list)
    circle_tweets: list[dict] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)  # file name in the media folder → bytes
    extra_files: dict[str, bytes] = field(default_factory=dict)  # path relative to the root → bytes
    # profile.js's entry (None: no profile.js) and data/profile_media/ files by name.
    profile: dict | None = field(default_factory=lambda: dict(DEFAULT_PROFILE))
    profile_media: dict[str, bytes] = field(default_factory=dict)
    # following.js / follower.js account ids (None: no such file).
    following: list[str] | None = None
    followers: list[str] | None = None
    shuffle_seed: int | None = 7

    def tweet(self, tweet_id: str, text: str, **options) -> dict:
        """make_tweet() and add it, with its media files."""
        return self.add(make_tweet(tweet_id, text, **options), options.get("media"))

    def add(self, tweet: dict, media: list[MediaSpec] | None = None) -> dict:
        self.tweets.append(tweet)
        for spec in media or []:
            if spec.content is not None:
                self.media[spec.file_name or f"{tweet['id_str']}-{spec.basename}"] = spec.content
        return tweet


def js(variable: str, payload, compact: bool) -> bytes:
    if compact:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    else:
        body = json.dumps(payload, ensure_ascii=False, indent=2, separators=(",", " : "))
    return f"window.{variable} = {body}".encode()


def archive_files(spec: ArchiveSpec) -> dict[str, bytes]:
    """Every file of the archive, by path relative to its root."""
    tweets = list(spec.tweets)
    if spec.shuffle_seed is not None:
        random.Random(spec.shuffle_seed).shuffle(tweets)  # X does not sort them
    era = spec.generation
    files: dict[str, bytes] = {}
    data = "" if era == "2019" else "data/"
    name = "tweet" if era in ("2019", "2021") else "tweets"
    media_dir = f"{data}{name}_media"
    wrap = (lambda t: t) if era == "2019" else (lambda t: {"tweet": t})
    compact = era in ("2019",)
    chunks = [tweets[i :: spec.parts] for i in range(spec.parts)]
    tweet_files = []
    for part, chunk in enumerate(chunks):
        file_name = f"{data}{name}.js" if part == 0 else f"{data}{name}-part{part}.js"
        files[file_name] = js(f"YTD.{name}.part{part}", [wrap(t) for t in chunk], compact)
        tweet_files.append({"fileName": file_name, "globalName": f"YTD.{name}.part{part}", "count": str(len(chunk))})
    if spec.notes:
        files[f"{data}note-tweet.js"] = js("YTD.note_tweet.part0", spec.notes, compact)
    if spec.circle_tweets:
        files[f"{data}twitter-circle-tweet.js"] = js(
            "YTD.twitter_circle_tweet.part0", [{"tweet": t} for t in spec.circle_tweets], compact
        )
    account = {
        "account": {
            "email": "secret@example.org",
            "phoneNumber": "+33600000000",
            "createdVia": "web",
            "username": spec.username,
            "accountId": spec.account_id,
            "createdAt": "2012-03-04T05:06:07.000Z",
            "accountDisplayName": spec.display_name,
        }
    }
    files[f"{data}account.js"] = js("YTD.account.part0", [account], compact)
    if spec.profile is not None:
        files[f"{data}profile.js"] = js("YTD.profile.part0", [{"profile": spec.profile}], compact)
    for kind, ids in (("following", spec.following), ("follower", spec.followers)):
        if ids is not None:
            entries = [
                {kind: {"accountId": i, "userLink": f"https://twitter.com/intent/user?user_id={i}"}} for i in ids
            ]
            files[f"{data}{kind}.js"] = js(f"YTD.{kind}.part0", entries, compact)
    for file_name, content in spec.profile_media.items():
        files[f"{data}profile_media/{file_name}"] = content
    for file_name, content in spec.media.items():
        files[f"{media_dir}/{file_name}"] = content
    if era != "2019":
        files["data/manifest.js"] = _manifest(spec, name, media_dir, tweet_files)
        files["Your archive.html"] = b"<html><body>Your archive</body></html>"
        files["assets/js/app.js"] = b"window.__THAR_CONFIG = {};"
    files.update(spec.extra_files)
    return files


def _manifest(spec: ArchiveSpec, name: str, media_dir: str, tweet_files: list[dict]) -> bytes:
    manifest = {
        "userInfo": {"accountId": spec.account_id, "userName": spec.username, "displayName": spec.display_name},
        "archiveInfo": {
            "sizeBytes": "12345",
            "generationDate": "2024-11-20T10:00:00.000Z",
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "name": "README.txt"},
        "dataTypes": {
            name: {"mediaDirectory": media_dir, "files": tweet_files},
            "account": {"files": [{"fileName": "data/account.js", "globalName": "YTD.account.part0", "count": "1"}]},
        },
    }
    body = json.dumps(manifest, indent=2, separators=(",", " : "))
    return f"window.__THAR_CONFIG = {body}".encode()


def write_archive(spec: ArchiveSpec, dest: Path, *, form: str = "zip", nest: str | None = None) -> Path:
    """Write as a zip (`dest` is the zip path) or a folder (`dest` is the folder).
    `nest` puts everything one folder deeper, as users often do."""
    files = archive_files(spec)
    prefix = f"{nest.strip('/')}/" if nest else ""
    if form == "zip":
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                # A fixed date keeps the bytes of a regenerated archive the same.
                info = zipfile.ZipInfo(prefix + name, date_time=(2024, 11, 20, 10, 0, 0))
                archive.writestr(info, content, zipfile.ZIP_DEFLATED)
        return dest
    for name, content in files.items():
        path = dest / prefix / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return dest
