"""The X profile as the archive holds it: names, bio, website, location, and
the avatar and header images in `profile_media/`.

Only the manifest, `account.js`, `profile.js` and the profile images are read
(and, when the bio holds t.co links, the tweets files, searched for where those
links lead): a profile needs none of the tweets' models. What is missing is
said in `notes`; what is absurd (a bio no X account can have) in `problems`.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from quittex.archive.layout import plan_layout
from quittex.archive.reader import Archive, _read_account, _read_manifest, read_with
from quittex.archive.source import ArchiveSource
from quittex.errors import ArchiveError, NotAnXArchiveError
from quittex.i18n import N_, _, format_number

PROFILE_MEDIA = "profile_media"
# X allows 160 characters of bio, 30 of location: an archive with far more is
# damaged or forged, and its text is not put on anyone's profile.
MAX_BIO_CHARACTERS = 1_000
MAX_LOCATION_CHARACTERS = 200
MAX_PROFILE_IMAGE_BYTES = 32 << 20
_TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
# X serves the same avatar in several sizes: ".../EtRxwMTl_400x400.jpg".
_SIZE_SUFFIX = re.compile(r"_(?:normal|bigger|mini|reasonably_small|\d+x\d+)$")
# A URL entity in tweets files, and in note-tweet.js.
_ENTITY_KEYS = (("url", "expanded_url"), ("shortUrl", "expandedUrl"))


@dataclass
class ProfileImage:
    kind: str  # avatar | banner
    path: str  # in the archive, for messages
    data: bytes


@dataclass
class XProfile:
    account_id: str
    username: str
    display_name: str | None = None
    bio: str | None = None
    website: str | None = None  # a t.co link
    location: str | None = None
    avatar: ProfileImage | None = None
    banner: ProfileImage | None = None
    links: dict[str, str] = field(default_factory=dict)  # t.co link → where it leads, when the tweets say
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The field ("bio", "location", "avatar", "banner") each problem is about,
    # in the same order: the problems are sentences in the language of the run.
    problem_fields: list[str] = field(default_factory=list)

    def problem(self, about: str, sentence: str) -> None:
        self.problems.append(sentence)
        self.problem_fields.append(about)

    @property
    def x_url(self) -> str:
        return f"https://x.com/{self.username}" if self.username else ""


def read_x_profile(location: Path | str) -> XProfile:
    """The profile of the archive at `location` (zip or folder, as `load_archive` takes)."""
    return read_with(location, _profile)


def profile_of(archive: Archive) -> XProfile:
    """The profile of an archive already open (for the migration's preview)."""
    return _profile(archive.source, _("the archive"))


def _profile(source: ArchiveSource, label: str) -> XProfile:
    names = source.names()
    manifest = _read_manifest(source, names)
    layout = plan_layout(names, "", manifest)
    if not layout.tweet_files and layout.data_path("account.js") not in names:
        raise NotAnXArchiveError(
            _("{label} holds neither tweets nor an account file: it is not an X archive.").format(label=label)
        )
    account = _read_account(source, names, layout, manifest)
    profile = XProfile(account.account_id, account.username, account.display_name)
    if layout.data_path("profile.js") not in names:
        profile.notes.append(_("The archive has no profile.js: no bio, website or images come from X."))
    profile.bio = _checked(account.bio, MAX_BIO_CHARACTERS, "bio", profile)
    profile.location = _checked(account.location, MAX_LOCATION_CHARACTERS, "location", profile)
    profile.website = account.website
    media = sorted(n for n in names if n.startswith(layout.data_path(PROFILE_MEDIA) + "/"))
    profile.avatar = _image(source, media, "avatar", _avatar_stem(account.avatar_url), account.account_id, profile)
    profile.banner = _image(source, media, "banner", _header_stem(account.header_url), account.account_id, profile)
    if profile.bio and _TCO.search(profile.bio):
        files = layout.tweet_files + layout.note_files
        profile.links = expanded_links(source, files, set(_TCO.findall(profile.bio)))
    return profile


_TOO_LONG = {
    "bio": N_(
        "profile.js holds a bio of {count} characters, where X allows a few dozen: "
        "the archive is damaged or was not made by X, so it is not used."
    ),
    "location": N_(
        "profile.js holds a location of {count} characters, where X allows a few dozen: "
        "the archive is damaged or was not made by X, so it is not used."
    ),
}


def _checked(text: str | None, limit: int, what: str, profile: XProfile) -> str | None:
    if text and len(text) > limit:
        profile.problem(what, _(_TOO_LONG[what]).format(count=format_number(len(text))))
        return None
    return text.strip() if text else None


def _avatar_stem(url: str | None) -> str | None:
    """ "EtRxwMTl" from "https://pbs.twimg.com/profile_images/123/EtRxwMTl_400x400.jpg"."""
    if not url:
        return None
    stem = posixpath.splitext(posixpath.basename(url.split("?")[0]))[0]
    return _SIZE_SUFFIX.sub("", stem) or None


def _header_stem(url: str | None) -> str | None:
    """ "1600000000" from "https://pbs.twimg.com/profile_banners/123/1600000000"."""
    if not url:
        return None
    stem = posixpath.basename(url.split("?")[0].rstrip("/"))
    return stem or None


def _image(
    source: ArchiveSource, media: list[str], kind: str, stem: str | None, account_id: str, profile: XProfile
) -> ProfileImage | None:
    said = _IMAGE_NOTES["avatar" if kind == "avatar" else "banner"]
    if stem is None:
        profile.notes.append(_(said["unnamed"]))
        return None
    wanted = [f"{account_id}-{stem}", stem] if account_id else [stem]
    found = next((n for n in media if posixpath.splitext(posixpath.basename(n))[0] in wanted), None)
    if found is None:
        profile.notes.append(_(said["absent"]).format(stem=stem, folder=f"{PROFILE_MEDIA}/"))
        return None
    try:
        return ProfileImage(kind, found, source.read_bytes(found, MAX_PROFILE_IMAGE_BYTES))
    except (ArchiveError, OSError) as error:
        message = error.message if isinstance(error, ArchiveError) else str(error)
        profile.problem(kind, _(said["unreadable"]).format(path=found, reason=message))
        return None


# What is said of each profile image: none named, named but absent, unreadable.
_IMAGE_NOTES = {
    "avatar": {
        "unnamed": N_("profile.js names no avatar."),
        "absent": N_("The avatar named in profile.js ({stem}) is not in {folder}."),
        "unreadable": N_("The avatar {path} cannot be read: {reason}"),
    },
    "banner": {
        "unnamed": N_("profile.js names no header image."),
        "absent": N_("The header image named in profile.js ({stem}) is not in {folder}."),
        "unreadable": N_("The header image {path} cannot be read: {reason}"),
    },
}


def expanded_links(source: ArchiveSource, data_files: list[str], links: set[str]) -> dict[str, str]:
    """Where each t.co link leads, from the tweets that used the same link
    (X gives a URL one t.co link for all its uses). Links no tweet used are
    left out: only X knows where they lead."""
    found: dict[str, str] = {}
    for name in data_files:
        if len(found) == len(links):
            break
        try:
            data = source.read_bytes(name)
        except (ArchiveError, OSError):
            continue
        for link in links - set(found):
            if (expanded := _expansion_in(data, link)) is not None:
                found[link] = expanded
    return found


def _expansion_in(data: bytes, link: str) -> str | None:
    """The `expanded_url` of the first URL entity whose `url` is `link`."""
    needle = json.dumps(link).encode()
    position = data.find(needle)
    while position >= 0:
        start, end = data.rfind(b"{", 0, position), data.find(b"}", position)
        if start >= 0 and end > 0:
            try:
                entity = json.loads(data[start : end + 1])
            except ValueError:
                entity = None
            if isinstance(entity, dict) and (expanded := _expanded(entity, link)):
                return expanded
        position = data.find(needle, position + 1)
    return None


def _expanded(entity: dict, link: str) -> str | None:
    for short, long in _ENTITY_KEYS:
        expanded = entity.get(long)
        if entity.get(short) == link and isinstance(expanded, str) and expanded.startswith(("https://", "http://")):
            return expanded
    return None
