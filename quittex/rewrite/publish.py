"""The publish-time hook: what a draft waits for until the moment it is posted.

A dry run needs no network: links to the account's own tweets keep their X
URL, quotes of them are marked pending, and handle-map mentions on Bluesky
carry no facet yet. Right before posting a draft, the publisher calls
`finalize(draft, context)` with a context that knows the posts already
migrated (from the journal) and resolves Bluesky handles to DIDs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

# did:plc:… and did:web:… as the AT Protocol spells a DID.
_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")


@dataclass(frozen=True, slots=True)
class MigratedPost:
    """The new post a tweet became (its first post when it was split).

    Mastodon: `url` is the status URL. Bluesky: `url` is the app URL
    (https://bsky.app/profile/<did>/post/<rkey>) and `uri`/`cid` the strong
    reference a quote embed needs.
    """

    url: str
    uri: str | None = None
    cid: str | None = None
    id: str | None = None  # the platform's own id (Mastodon: the status id)


class PublishContext(Protocol):
    def migrated_post(self, tweet_id: str) -> MigratedPost | None:
        """The post tweet `tweet_id` became on this platform, or None."""

    def resolve_did(self, handle: str) -> str | None:
        """The DID of a Bluesky handle, or None when it does not resolve."""


@dataclass(slots=True)
class StaticContext:
    """A context from plain mappings: for tests, and for a publisher that
    loaded its journal and resolved its handles up front."""

    posts: Mapping[str, MigratedPost] = field(default_factory=dict)
    dids: Mapping[str, str] = field(default_factory=dict)

    def migrated_post(self, tweet_id: str) -> MigratedPost | None:
        return self.posts.get(tweet_id)

    def resolve_did(self, handle: str) -> str | None:
        return self.dids.get(handle)


def valid_did(value: str | None) -> str | None:
    """`value` if it is a well-formed DID: a mention facet never carries anything else."""
    if value and len(value) <= 2048 and _DID.match(value):
        return value
    return None
