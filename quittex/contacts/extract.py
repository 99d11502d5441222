"""The collective's X contacts, from the archive alone.

`following.js` and `follower.js` hold numeric account ids only. The tweets
name many of those accounts: every mention carries the other account's id,
screen name and display name, a reply the id and screen name of the account
it answers, a retweet ("RT @name:") its author as first mention, and a quote
links `twitter.com/<screen name>/status/…`. Joined by account id, that names a
good share of the network and says how much the collective talked with each.

The tweets are decoded into the few fields this needs (msgspec skips the
rest), one part at a time, the next part inflating in a second thread: no
tweet model is built, so this costs less than `inspect`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from quittex.archive import raw as R
from quittex.archive.layout import plan_layout
from quittex.archive.reader import _read_account, _read_manifest, read_ahead, read_with
from quittex.archive.source import ArchiveSource
from quittex.archive.tweets import _created_at
from quittex.errors import NotAnXArchiveError
from quittex.i18n import _

_RETWEET = re.compile(r"RT @(\w{1,50}):")
_STATUS_LINK = re.compile(r"https?://(?:mobile\.)?(?:twitter|x)\.com/(\w{1,50})/status(?:es)?/\d+", re.IGNORECASE)
KINDS = ("mentions", "replies", "retweets", "quotes")


# The fields of a tweet this module reads; everything else is skipped by the decoder.
class _Mention(msgspec.Struct):
    id_str: str | None = None
    screen_name: str | None = None
    name: str | None = None


class _Url(msgspec.Struct):
    expanded_url: str | None = None


class _Entities(msgspec.Struct):
    user_mentions: list[_Mention] = []
    urls: list[_Url] = []


class _Tweet(msgspec.Struct):
    id_str: str | None = None
    created_at: str = ""
    full_text: str | None = None
    text: str | None = None
    entities: _Entities | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_screen_name: str | None = None


class _Wrapped(msgspec.Struct):
    tweet: _Tweet


class _Link(msgspec.Struct):
    accountId: R.Num | None = None


class _Following(msgspec.Struct):
    following: _Link


class _Follower(msgspec.Struct):
    follower: _Link


@dataclass
class Contact:
    """One X account the collective follows, is followed by, or talked with."""

    account_id: str | None  # None: named by a quote link only, its id unknown
    screen_name: str | None = None
    display_name: str | None = None
    following: bool = False
    follower: bool = False
    mentions: int = 0
    replies: int = 0
    retweets: int = 0
    quotes: int = 0
    _last_id: int = 0
    _last_created: str = ""

    @property
    def relation(self) -> str:
        if self.following and self.follower:
            return "mutual"
        return "following" if self.following else "follower" if self.follower else ""

    @property
    def interactions(self) -> int:
        return self.mentions + self.replies + self.retweets + self.quotes

    @property
    def last_interaction(self) -> datetime | None:
        return _created_at(self._last_created, str(self._last_id)) if self._last_id else None

    @property
    def x_url(self) -> str:
        return f"https://x.com/{self.screen_name}" if self.screen_name else f"https://x.com/i/user/{self.account_id}"

    @property
    def key(self) -> str:
        """What names this contact in sheets and journals: its id, else its screen name."""
        return self.account_id or f"@{(self.screen_name or '').lower()}"

    def saw(self, kind: str, tweet_id: int, created_at: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if tweet_id > self._last_id:
            self._last_id, self._last_created = tweet_id, created_at

    def to_json(self) -> dict[str, Any]:
        last = self.last_interaction
        return {
            "account_id": self.account_id,
            "screen_name": self.screen_name,
            "display_name": self.display_name,
            "relation": self.relation,
            "interactions": {kind: getattr(self, kind) for kind in KINDS},
            "last_interaction": last.isoformat() if last else None,
            "url": self.x_url,
        }


@dataclass
class ContactList:
    account_id: str
    username: str
    contacts: list[Contact]  # ranked: most interaction first
    following_count: int = 0
    follower_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def named(self) -> list[Contact]:
        return [c for c in self.contacts if c.screen_name]

    @property
    def unnamed_following(self) -> list[Contact]:
        """Followed accounts no tweet names: to be found by hand."""
        return [c for c in self.contacts if c.following and not c.screen_name]

    def to_json(self) -> dict[str, Any]:
        return {
            "account": {"id": self.account_id, "username": self.username},
            "following": self.following_count,
            "followers": self.follower_count,
            "named": len(self.named),
            "following_without_name": len(self.unnamed_following),
            "contacts": [contact.to_json() for contact in self.contacts],
            "notes": self.notes,
        }


def read_contacts(location: Path | str) -> ContactList:
    """The contacts of the archive at `location` (zip or folder)."""
    return read_with(location, _contacts)


def _contacts(source: ArchiveSource, label: str) -> ContactList:
    names = source.names()
    manifest = _read_manifest(source, names)
    layout = plan_layout(names, "", manifest)
    if not layout.tweet_files:
        raise NotAnXArchiveError(
            _("{archive} has no tweets file (tweets.js): it is not an X archive.").format(archive=label)
        )
    account = _read_account(source, names, layout, manifest)
    book = _AddressBook(account.account_id, account.username)
    notes = []
    for kind, entry in (("following", _Following), ("follower", _Follower)):
        name = layout.data_path(f"{kind}.js")
        if name not in names:
            notes.append(
                # Translators: {file} is following.js or follower.js.
                _("The archive has no {file}: only the accounts the tweets name are listed.").format(file=f"{kind}.js")
            )
            continue
        for account_id in _ids(source, name, entry, kind):
            setattr(book.by_id(account_id), kind, True)
    for name, data in read_ahead(source, layout.tweet_files):
        for tweet in _decode(data, name):
            book.read(tweet)
    contacts = book.ranked()
    return ContactList(
        account.account_id,
        account.username,
        contacts,
        following_count=sum(c.following for c in contacts),
        follower_count=sum(c.follower for c in contacts),
        notes=notes,
    )


def _ids(source: ArchiveSource, name: str, entry: type, kind: str) -> Iterable[str]:
    for item in R.decode_js(source.read_bytes(name), name, list[entry]):
        account_id = getattr(item, kind).accountId
        if account_id is not None and str(account_id).isdigit():
            yield str(account_id)


def _decode(data: bytes, name: str) -> list[_Tweet]:
    if R.looks_wrapped(R.js_payload(data, name), b"tweet"):
        return [entry.tweet for entry in R.decode_js(data, name, list[_Wrapped])]
    return R.decode_js(data, name, list[_Tweet])


class _AddressBook:
    """Contacts by id, and by screen name for quotes that name no id."""

    def __init__(self, own_id: str, own_name: str) -> None:
        self.own_id, self.own_name = own_id, own_name.lower()
        self.ids: dict[str, Contact] = {}
        self.names: dict[str, Contact] = {}

    def by_id(self, account_id: str) -> Contact:
        contact = self.ids.get(account_id)
        if contact is None:
            contact = self.ids[account_id] = Contact(account_id)
        return contact

    def named(self, account_id: str | None, screen_name: str | None, display_name: str | None = None) -> Contact | None:
        if account_id == self.own_id or (screen_name or "").lower() == self.own_name:
            return None  # the collective itself
        if account_id and account_id.isdigit():
            contact = self.by_id(account_id)
        elif screen_name:
            contact = self.names.get(screen_name.lower()) or Contact(None)
        else:
            return None
        if screen_name:
            contact.screen_name = screen_name
            known = self.names.setdefault(screen_name.lower(), contact)
            if known is not contact and known.account_id is None:  # a quote seen before its id was
                self._merge(known, contact)
                self.names[screen_name.lower()] = contact
        if display_name:
            contact.display_name = display_name
        return contact

    def read(self, tweet: _Tweet) -> None:
        if not tweet.id_str or not tweet.id_str.isdigit():
            return
        tweet_id, created = int(tweet.id_str), tweet.created_at
        mentions = tweet.entities.user_mentions if tweet.entities else []
        text = tweet.full_text or tweet.text or ""
        retweeted = _RETWEET.match(text)
        replied = tweet.in_reply_to_user_id_str
        for index, mention in enumerate(mentions):
            contact = self.named(mention.id_str, mention.screen_name, mention.name)
            if contact is None:
                continue
            if retweeted and index == 0 and (mention.screen_name or "").lower() == retweeted[1].lower():
                kind = "retweets"
            elif replied and mention.id_str == replied:
                kind, replied = "replies", None  # counted once, here, with the name the mention gives
            else:
                kind = "mentions"
            contact.saw(kind, tweet_id, created)
        if replied:
            contact = self.named(replied, tweet.in_reply_to_screen_name)
            if contact is not None:
                contact.saw("replies", tweet_id, created)
        if not retweeted and tweet.entities:
            for url in tweet.entities.urls:
                match = _STATUS_LINK.match(url.expanded_url or "")
                if match and (contact := self.named(None, match[1])) is not None:
                    contact.saw("quotes", tweet_id, created)

    def _merge(self, source: Contact, into: Contact) -> None:
        for kind in KINDS:
            setattr(into, kind, getattr(into, kind) + getattr(source, kind))
        if source._last_id > into._last_id:
            into._last_id, into._last_created = source._last_id, source._last_created

    def ranked(self) -> list[Contact]:
        everyone = list(self.ids.values()) + [c for c in self.names.values() if c.account_id is None]
        order = {"mutual": 0, "following": 1, "follower": 2, "": 3}
        return sorted(everyone, key=lambda c: (-c.interactions, order[c.relation], -c._last_id, c.key))
