"""The small protocol every platform publisher follows, and its errors.

The runner (`runner.py`) drives drafts through the journal; a publisher only
knows how to talk to its platform. Every request a publisher makes reports
the answer's headers to its `pacer` and turns failures into one of the
errors below, which tell the runner what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from quittex.errors import AuthError, QuittexError, RateLimitedError
from quittex.publish.journal import Entry, Remote
from quittex.publish.pacing import Pacer
from quittex.rewrite.draft import Draft


class PublishError(QuittexError):
    """A request to a platform failed."""


class TransientError(PublishError):
    """Timeout, dropped connection, 5xx: retry later through the idempotent path.
    The request may or may not have reached the server."""


class RateLimitError(RateLimitedError, PublishError):
    """A 429. `reset_at` is when the server says the window reopens (epoch s)."""

    def __init__(self, message: str, reset_at: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reset_at = reset_at


class RefusedError(PublishError):
    """The platform refused this post or media for what it is (a 4xx other
    than 401/403/429): the post is marked failed with the server's reason and
    the run goes on."""

    def __init__(self, message: str, status: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status = status


# Credentials refused or expired: the run stops (exit 3).
PublishAuthError = AuthError


@dataclass(frozen=True)
class UploadedMedia:
    """A media item the platform has accepted, ready to attach.

    `ref` is the platform's handle on it: a blob ref (Bluesky) or a media id
    (Mastodon)."""

    kind: str  # photo | video | animated_gif
    ref: Any
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class MediaFile:
    """A media file read from the archive and prepared for one platform:
    metadata stripped, within the platform's limits."""

    kind: str
    data: bytes
    mime: str
    alt: str = ""
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    path: str = ""  # in the archive, for messages


class ServerLimits(Protocol):
    """What one account's server accepts, read when the publisher connects."""

    @property
    def media(self) -> Any:
        """The media limits (`BlueskyLimits`, `MastodonLimits`…) the media stage checks against."""

    def rewrite_options(self, options: Any) -> Any:
        """The platform's rewriting settings with the server's own limits."""


class Publisher(Protocol):
    """Everything the runner, the conductor and `undo` ask of a platform."""

    platform: str  # its name in the registry
    account: str  # the target account, as the journal names it: a DID, or user@host
    label: str  # the account, as a person reads it
    pacer: Pacer

    def limits(self) -> ServerLimits:
        """The server's limits (asked once, then remembered)."""

    def claim(self, remote_ids: Iterable[str]) -> None:
        """Posts that already belong to journal entries: `find()` never returns
        them for another entry. Called before the run reconciles."""

    def close(self) -> None:
        """Release connections; the publisher is not used afterwards."""

    def request_key(self, draft: Draft, generation: int = 0) -> str:
        """The deterministic key this post is sent under: a TID record key on
        Bluesky, an Idempotency-Key on Mastodon. Same draft, same key;
        `generation` (times the post was undone and planned again) changes it."""

    def upload(self, media: MediaFile) -> UploadedMedia:
        """Upload one prepared media file; waits until the platform has
        processed it (video) so it can be attached right away."""

    def create(
        self, draft: Draft, key: str, media: list[UploadedMedia], parent: Remote | None, root: Remote | None
    ) -> Remote:
        """Create the post. `draft` is final (links and quotes resolved)."""

    def find(self, draft: Draft, entry: Entry, *, parent: Remote | None = None) -> Remote | None:
        """After a crash: does the post of this "sending" journal entry exist?
        None means it was never created and may be sent again. `parent` is
        the post it replies to, when it is a reply."""

    def delete(self, remote: Remote) -> None:
        """Delete a post quittex created (for `quittex undo`)."""
