"""Where things are in an archive, whatever its generation or nesting.

Users unzip into an extra folder or re-zip that folder, so `manifest.js` is
looked for at any depth (the shallowest wins), with a fallback to a bare
`tweet.js`/`tweets.js` (2019 archives have no manifest). Anything else is
named for what it is not: a Grailbird archive, an Instagram or Facebook export.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from quittex.archive.raw import RawManifest
from quittex.errors import NotAnXArchiveError
from quittex.i18n import N_, _

TWEETS_FILE = re.compile(r"^tweets?(?:-part(\d+))?\.js$")
NOTES_FILE = re.compile(r"^note-tweet(?:-part(\d+))?\.js$")
MEDIA_FOLDERS = ("tweets_media", "tweet_media")


@dataclass
class Layout:
    root: str  # prefix in the container: "" or "some-folder/"
    data_dir: str  # "data" (2020+) or "" (2019, files at the root)
    tweet_files: list[str] = field(default_factory=list)
    note_files: list[str] = field(default_factory=list)
    media_dir: str = ""
    missing_tweet_files: list[str] = field(default_factory=list)  # listed by manifest.js, absent
    has_manifest: bool = False

    def data_path(self, name: str) -> str:
        return f"{self.data_dir}/{name}" if self.data_dir else name


def find_root(names: list[str], label: str) -> tuple[str, bool]:
    """(root prefix, found a manifest) for the archive inside `names`."""
    for wanted in ("manifest.js", "tweets.js", "tweet.js"):
        found = [n for n in names if posixpath.basename(n) == wanted and "/assets/" not in f"/{n}"]
        if found:
            best = min(found, key=lambda n: (n.count("/"), n))
            folder = posixpath.dirname(best)
            if posixpath.basename(folder) == "data":
                folder = posixpath.dirname(folder)
            return (folder + "/" if folder else ""), wanted == "manifest.js"
    raise NotAnXArchiveError(describe_foreign(names, label))


def describe_foreign(names: list[str], label: str) -> str:
    joined = "\n".join(names[:5000])
    if re.search(r"(^|/)data/js/tweets/\d{4}_\d{2}\.js$", joined, re.M) or re.search(
        r"(^|/)tweets\.csv$", joined, re.M
    ):
        # Translators: "Settings → Your account → Download an archive of your data" names X's menus.
        return _(
            "{label} is an old 'Grailbird' Twitter archive (made before 2019). "
            "quittex reads the archives X makes today: request a new one in Settings → "
            "Your account → Download an archive of your data."
        ).format(label=label)
    for marker, sentence in _FOREIGN_EXPORTS:
        if re.search(marker, joined, re.M):
            return _(sentence).format(label=label)
    return _(
        "{label} is not an X data archive: it holds no manifest.js and no tweets.js. "
        "Give the zip X sent you (twitter-YYYY-MM-DD-….zip) or the folder it unpacks to."
    ).format(label=label)


# What other services' exports look like, and what to say of each.
_FOREIGN_EXPORTS = (
    (
        r"(^|/)(your_instagram_activity|personal_information/personal_information\.json|content/posts_1\.json)",
        N_("{label} is an Instagram export, not an X data archive (no manifest.js or tweets.js in it)."),
    ),
    (
        r"(^|/)(your_facebook_activity|posts/your_posts_1\.json|profile_information/)",
        N_("{label} is a Facebook export, not an X data archive (no manifest.js or tweets.js in it)."),
    ),
    (
        r"(^|/)(outbox\.json|actor\.json)$",
        N_("{label} is a Mastodon export, not an X data archive (no manifest.js or tweets.js in it)."),
    ),
    (
        r"(^|/)repo\.car$|\.car$",
        N_("{label} is a Bluesky repository export, not an X data archive (no manifest.js or tweets.js in it)."),
    ),
)


def plan_layout(names: list[str], root: str, manifest: RawManifest | None) -> Layout:
    """Which files to read, relative to `root`."""
    relative = [n[len(root) :] for n in names if n.startswith(root)]
    in_data = any(n.startswith("data/") and TWEETS_FILE.match(n[5:]) for n in relative)
    layout = Layout(root=root, data_dir="data" if in_data or manifest else "", has_manifest=manifest is not None)
    prefix = f"{layout.data_dir}/" if layout.data_dir else ""
    siblings = [n[len(prefix) :] for n in relative if n.startswith(prefix) and "/" not in n[len(prefix) :]]
    layout.tweet_files = _sorted_parts(
        set(_manifest_files(manifest, ("tweets", "tweet"))) | {prefix + n for n in siblings if TWEETS_FILE.match(n)},
        TWEETS_FILE,
    )
    present = set(relative)
    layout.missing_tweet_files = [f for f in layout.tweet_files if f not in present]
    layout.tweet_files = [f for f in layout.tweet_files if f in present]
    layout.note_files = _sorted_parts({prefix + n for n in siblings if NOTES_FILE.match(n)}, NOTES_FILE)
    layout.media_dir = _media_dir(relative, manifest, prefix)
    return layout


def _manifest_files(manifest: RawManifest | None, keys: tuple[str, ...]) -> list[str]:
    if manifest is None:
        return []
    files = []
    for key in keys:
        data_type = manifest.dataTypes.get(key)
        if data_type:
            files += [f.fileName.lstrip("./") for f in data_type.files if f.fileName]
    return files


def _sorted_parts(files: set[str], pattern: re.Pattern) -> list[str]:
    def part_number(path: str) -> int:
        match = pattern.match(posixpath.basename(path))
        return int(match.group(1)) if match and match.group(1) else 0

    return sorted((f for f in files if pattern.match(posixpath.basename(f))), key=lambda f: (part_number(f), f))


def _media_dir(relative: list[str], manifest: RawManifest | None, prefix: str) -> str:
    folders = {posixpath.dirname(n) for n in relative if "/" in n}
    if manifest:
        for key in ("tweets", "tweet"):
            data_type = manifest.dataTypes.get(key)
            wanted = (data_type.mediaDirectory or "").strip("./") if data_type else ""
            # Only ever a tweets media folder, whatever the manifest says: a
            # tampered one pointing at the DM media must not make them public.
            if wanted in folders and posixpath.basename(wanted) in MEDIA_FOLDERS:
                return wanted
    for name in MEDIA_FOLDERS:
        if prefix + name in folders:
            return prefix + name
    return prefix + MEDIA_FOLDERS[0]
