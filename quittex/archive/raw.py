"""The archive's JSON as typed structs, and the `window.YTD… = [...]` wrapper.

msgspec decodes straight into these structs and skips every field they do not
declare, so private data we never need (emails, phone numbers, DMs) is not
even turned into Python objects, and parsing a 100 MB tweets file stays fast.
Numbers in the archive are quoted strings; fields that changed type across
generations accept both.
"""

from __future__ import annotations

import msgspec

from quittex.errors import ArchiveError
from quittex.i18n import _

Num = str | int


class Indexed(msgspec.Struct):
    indices: list[Num] = []


class RawHashtag(Indexed):
    text: str = ""


class RawMention(Indexed):
    screen_name: str = ""
    id_str: str | None = None


class RawUrl(Indexed):
    url: str = ""
    expanded_url: str | None = None
    display_url: str | None = None


class RawSize(msgspec.Struct):
    w: Num = 0
    h: Num = 0


class RawSizes(msgspec.Struct):
    large: RawSize | None = None
    medium: RawSize | None = None


class RawVariant(msgspec.Struct):
    url: str = ""
    content_type: str | None = None
    bitrate: Num | None = None


class RawVideoInfo(msgspec.Struct):
    duration_millis: Num | None = None
    aspect_ratio: list[Num] | None = None
    variants: list[RawVariant] = []


class RawMedia(Indexed):
    url: str = ""
    id_str: str = ""
    type: str = "photo"
    media_url_https: str | None = None
    media_url: str | None = None
    expanded_url: str | None = None
    sizes: RawSizes | None = None
    video_info: RawVideoInfo | None = None


class RawEntities(msgspec.Struct):
    hashtags: list[RawHashtag] = []
    symbols: list[RawHashtag] = []
    user_mentions: list[RawMention] = []
    urls: list[RawUrl] = []
    media: list[RawMedia] = []


class RawExtendedEntities(msgspec.Struct):
    media: list[RawMedia] = []


class RawEditInitial(msgspec.Struct):
    editTweetIds: list[Num] = []


class RawEditEdit(msgspec.Struct):
    initialTweetId: Num | None = None


class RawEditInfo(msgspec.Struct):
    initial: RawEditInitial | None = None
    edit: RawEditEdit | None = None


class RawTweet(msgspec.Struct):
    id_str: str | None = None
    id: Num | None = None
    created_at: str = ""
    full_text: str | None = None
    text: str | None = None
    lang: str | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_screen_name: str | None = None
    favorite_count: Num | None = None
    retweet_count: Num | None = None
    possibly_sensitive: bool | str | None = None
    entities: RawEntities | None = None
    extended_entities: RawExtendedEntities | None = None
    edit_info: RawEditInfo | None = None


class TweetEntry(msgspec.Struct):
    tweet: RawTweet


class RawNoteUrl(msgspec.Struct):
    shortUrl: str = ""
    expandedUrl: str | None = None
    fromIndex: Num = 0
    toIndex: Num = 0


class RawNoteMention(msgspec.Struct):
    screenName: str = ""
    fromIndex: Num = 0
    toIndex: Num = 0


class RawNoteHashtag(msgspec.Struct):
    text: str = ""
    fromIndex: Num = 0
    toIndex: Num = 0


class RawNoteCore(msgspec.Struct):
    text: str = ""
    urls: list[RawNoteUrl] = []
    mentions: list[RawNoteMention] = []
    hashtags: list[RawNoteHashtag] = []
    cashtags: list[RawNoteHashtag] = []


class RawNote(msgspec.Struct):
    noteTweetId: Num | None = None
    createdAt: str = ""
    core: RawNoteCore | None = None


class NoteEntry(msgspec.Struct):
    noteTweet: RawNote


class RawUserInfo(msgspec.Struct):
    accountId: Num | None = None
    userName: str | None = None
    displayName: str | None = None


class RawManifestFile(msgspec.Struct):
    fileName: str = ""
    count: Num | None = None


class RawDataType(msgspec.Struct):
    mediaDirectory: str | None = None
    files: list[RawManifestFile] = []


class RawArchiveInfo(msgspec.Struct):
    generationDate: str | None = None
    isPartialArchive: bool | None = None


class RawManifest(msgspec.Struct):
    userInfo: RawUserInfo | None = None
    archiveInfo: RawArchiveInfo | None = None
    dataTypes: dict[str, RawDataType] = {}


# account.js also holds the email and phone number: not declared, never read.
class RawAccount(msgspec.Struct):
    username: str | None = None
    accountId: Num | None = None
    accountDisplayName: str | None = None
    createdAt: str | None = None


class AccountEntry(msgspec.Struct):
    account: RawAccount


class RawDescription(msgspec.Struct):
    bio: str | None = None
    website: str | None = None
    location: str | None = None


class RawProfile(msgspec.Struct):
    description: RawDescription | None = None
    avatarMediaUrl: str | None = None
    headerMediaUrl: str | None = None


class ProfileEntry(msgspec.Struct):
    profile: RawProfile


def js_payload(data: bytes, name: str) -> memoryview:
    """The JSON after `window.YTD.x.part0 =`: everything after the first `=`,
    trimmed, without a trailing `;`. The variable name is never trusted."""
    equals = data.find(b"=")
    if equals < 0:
        raise ArchiveError(_("{name} is not an X archive data file (no `window.YTD… =` prefix).").format(name=name))
    start, end = equals + 1, len(data)
    while start < end and data[start] in b" \t\r\n\xef\xbb\xbf":
        start += 1
    while end > start and data[end - 1] in b" \t\r\n;":
        end -= 1
    return memoryview(data)[start:end]


def decode_js(data: bytes, name: str, kind: type):
    """Decode a data file into `kind`, with one clear message when malformed."""
    try:
        return msgspec.json.decode(js_payload(data, name), type=kind)
    except msgspec.ValidationError as error:
        raise ArchiveError(
            _("{name} does not have the structure of an X archive file: {reason}.").format(name=name, reason=error)
        ) from None
    except msgspec.DecodeError as error:
        raise ArchiveError(
            _("{name} is not valid JSON ({reason}); the archive may be truncated or damaged.").format(
                name=name, reason=error
            ),
            hint=_("Download the archive from X again."),
        ) from None


def looks_wrapped(payload: memoryview, key: bytes) -> bool:
    """True when entries are `{"tweet": {...}}` (2020+), False for the bare
    2019 objects. Looks only at the first key of the first entry."""
    head = bytes(payload[:400]).lstrip(b"[ \t\r\n")
    head = head.lstrip(b"{ \t\r\n")
    return head.startswith(b'"' + key + b'"')
