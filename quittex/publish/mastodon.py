"""Publish drafts to one Mastodon account through Mastodon.py.

Mastodon cannot backdate, so "exactly once" rests on two things:
- every status is sent with an `Idempotency-Key` derived from the account, the
  tweet and the part (`request_key`): for one hour after the server created a
  status, a repeat with the same key gets that status back instead of a new one;
- after a crash or an unanswered request, `find()` looks for the post among
  the account's own recent statuses before anything is sent again (how it
  matches, and why it cannot take another post's status: see `find`).

Every request is paced ahead of the documented limits (`mastodon_budgets()`:
statuses, media, deletes, and every request in "request"), the rate-limit
headers of every answer go to the pacer, and every failure becomes one of the
errors of `quittex.publish.base`, whose messages never contain the token.

    client = Mastodon(access_token=..., api_base_url=..., ratelimit_method="throw")
    publisher = MastodonPublisher(client, "user@example.social")
    limits = publisher.limits()        # read once from instance_v2()
    options = limits.rewrite_options(rewrite_options.mastodon)
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonVersionError,
)
from mastodon._url_regex import url_regex
from mastodon.versions import parse_version_string

from quittex.errors import AuthError, QuittexError
from quittex.i18n import _, format_number
from quittex.media import MastodonLimits
from quittex.platforms.mastodon import mastodon_budgets
from quittex.publish.base import (
    MediaFile,
    PublishError,
    RateLimitError,
    RefusedError,
    TransientError,
    UploadedMedia,
)
from quittex.publish.journal import Entry, Remote
from quittex.publish.pacing import Pacer
from quittex.rewrite.draft import MastodonDraft
from quittex.rewrite.measure import mastodon_length
from quittex.rewrite.options import MastodonOptions
from quittex.text import clip_text

T = TypeVar("T")

# The server keeps an Idempotency-Key for one hour after it created the status.
IDEMPOTENCY_WINDOW = timedelta(hours=1)
# Our clock against the server's, plus a request's time in flight.
CLOCK_SKEW = timedelta(minutes=5)
STATUSES_PER_PAGE = 40
# find() reads at most this many pages (2,000 statuses) before giving up.
MAX_PAGES = 50
MEDIA_POLL_FIRST_SECONDS = 1.0
MEDIA_POLL_MAX_SECONDS = 10.0
MEDIA_PROCESSING_TIMEOUT_SECONDS = 15 * 60.0
VISIBILITIES = ("public", "unlisted", "private", "direct")
MESSAGE_MAX_CHARS = 300

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_BEARER = re.compile(r"(?i)bearer\s+\S+")
_LINE_BREAK = re.compile(r"(?i)<br\s*/?>")
_PARAGRAPH_BREAK = re.compile(r"(?i)</p>\s*<p[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
# "@user@domain" shows (and counts) as "@user" on Mastodon.
_REMOTE_MENTION = re.compile(r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)", re.IGNORECASE)


# -- what the instance allows ---------------------------------------------------


@dataclass(frozen=True)
class InstanceLimits:
    """What an instance announces in `instance_v2()`, checked and defaulted.

    Hand `rewrite_options()` (or `instance`) to the rewriter and `media` to the
    media pipeline. A server's answer is external input: a missing or absurd
    value keeps the Mastodon default."""

    max_characters: int = 500
    characters_reserved_per_url: int = 23
    max_media_attachments: int = 4
    description_limit: int = 1500
    media: MastodonLimits = field(default_factory=MastodonLimits)
    domain: str | None = None
    version: str | None = None
    api_version: int | None = None  # `api_versions.mastodon` (Mastodon 4.3+)

    @classmethod
    def from_instance_v2(cls, answer: Any) -> InstanceLimits:
        statuses = read_field(read_field(answer, "configuration"), "statuses")
        media = MastodonLimits.from_instance_v2(answer)
        domain, version = read_field(answer, "domain"), read_field(answer, "version")
        api_version = read_field(read_field(answer, "api_versions"), "mastodon")
        return cls(
            max_characters=_bounded(read_field(statuses, "max_characters"), 500, 50, 1_000_000),
            characters_reserved_per_url=_bounded(read_field(statuses, "characters_reserved_per_url"), 23, 1, 1000),
            max_media_attachments=_bounded(read_field(statuses, "max_media_attachments"), 4, 1, 100),
            description_limit=media.description_limit,
            media=media,
            domain=domain if isinstance(domain, str) else None,
            version=version if isinstance(version, str) else None,
            api_version=api_version if isinstance(api_version, int) and not isinstance(api_version, bool) else None,
        )

    @property
    def instance(self) -> dict[str, Any]:
        """These limits as a plain `instance_v2()`-shaped dict, for
        `MastodonOptions.with_instance()` and `MastodonLimits.from_instance_v2()`
        (description_limit where Mastodon 4.4+ puts it, whatever the server's age)."""
        media = self.media
        return {
            "version": self.version,
            "api_versions": {"mastodon": self.api_version} if self.api_version is not None else {},
            "configuration": {
                "statuses": {
                    "max_characters": self.max_characters,
                    "characters_reserved_per_url": self.characters_reserved_per_url,
                    "max_media_attachments": self.max_media_attachments,
                },
                "media_attachments": {
                    "description_limit": self.description_limit,
                    "image_size_limit": media.image_max_bytes,
                    "image_matrix_limit": media.image_max_pixels,
                    "video_size_limit": media.video_max_bytes,
                    "video_matrix_limit": media.video_max_pixels,
                    "video_frame_rate_limit": media.video_max_frame_rate,
                    "supported_mime_types": sorted(media.supported_mime_types) if media.supported_mime_types else None,
                },
            },
        }

    def rewrite_options(self, options: MastodonOptions) -> MastodonOptions:
        """The rewriter's Mastodon options with this instance's limits."""
        return options.with_instance(self.instance)


# -- the publisher --------------------------------------------------------------


class MastodonPublisher:
    """Creates, finds and deletes statuses of one account (see the module doc).

    `client` is an authenticated `mastodon.Mastodon`; it is switched to
    `ratelimit_method="throw"` (quittex paces itself: Mastodon.py must neither
    sleep nor retry on its own). `account` is the target as the journal names
    it, "user@host"; the token must belong to that user."""

    platform = "mastodon"

    def __init__(
        self,
        client: Mastodon,
        account: str,
        *,
        pacer: Pacer | None = None,
        media_timeout: float = MEDIA_PROCESSING_TIMEOUT_SECONDS,
        label: str | None = None,
    ) -> None:
        self.client = client
        self.account = account
        self.label = label or f"@{account}"
        self.pacer = pacer or Pacer(mastodon_budgets())
        self.media_timeout = media_timeout
        client.ratelimit_method = "throw"
        self._limits: InstanceLimits | None = None
        self._me: Any = None
        self._version_checked = False
        self._claimed: set[str] = set()
        self._last_headers: Mapping[str, str] | None = None
        _listen_to_answers(client, self._remember_headers)

    # -- keys and limits ---------------------------------------------------------
    def request_key(self, draft: MastodonDraft, generation: int = 0) -> str:
        """The Idempotency-Key of this post: same account, tweet and part, same
        key, whatever the text (so a resend after an options change still gets
        the status already made, within the hour). A post made again after
        `quittex undo` has a new generation, hence a new key: the server would
        otherwise answer with the deleted status for an hour."""
        seed = f"quittex/mastodon/1\n{self.account.lstrip('@').lower()}\n{draft.tweet_id}\n{draft.part}"
        if generation:
            seed += f"\n{generation}"
        return "quittex-" + hashlib.sha256(seed.encode()).hexdigest()[:40]

    def limits(self) -> InstanceLimits:
        """The instance's limits, read once from `instance_v2()`."""
        if self._limits is None:
            answer = self._call("request", _("reading the instance's limits"), self.client.instance_v2)
            self._limits = InstanceLimits.from_instance_v2(answer)
        return self._limits

    def close(self) -> None:
        """Mastodon.py keeps a requests session: nothing must be released."""

    def claim(self, remote_ids: Iterable[str]) -> None:
        """Statuses that already belong to other journal entries: `find()` never
        returns them. The runner should pass the journal's done posts before it
        reconciles (statuses this publisher created or found are claimed already)."""
        self._claimed.update(str(remote_id) for remote_id in remote_ids)

    # -- create ------------------------------------------------------------------
    def create(
        self,
        draft: MastodonDraft,
        key: str,
        media: list[UploadedMedia],
        parent: Remote | None,
        root: Remote | None = None,  # Mastodon threads need only the parent
    ) -> Remote:
        self._check_status(draft, len(media))
        # Translators: what quittex was doing, at the start of an error ("posting tweet 123 (1/2): …").
        what = _("posting tweet {tweet_id} ({part}/{parts})").format(
            tweet_id=draft.tweet_id, part=draft.part + 1, parts=draft.parts
        )
        status = self._call(
            "status",
            what,
            lambda: self.client.status_post(
                draft.text,
                in_reply_to_id=parent.id if parent else None,
                media_ids=[item.ref for item in media] or None,
                sensitive=draft.sensitive,
                spoiler_text=draft.spoiler_text or None,
                visibility=draft.visibility,
                language=draft.language or None,
                idempotency_key=key,
                **_quote_arguments(draft),
            ),
        )
        remote = _remote(status, what)
        self._claimed.add(remote.id)
        return remote

    def _check_status(self, draft: MastodonDraft, media_count: int) -> None:
        """Refuse here what the server would refuse, without spending a status
        from the 300-per-3-hours budget."""
        limits = self.limits()
        where = _("tweet {tweet_id} ({part}/{parts})").format(
            tweet_id=draft.tweet_id, part=draft.part + 1, parts=draft.parts
        )
        if draft.visibility not in VISIBILITIES:
            raise RefusedError(
                _("{where}: unknown visibility {visibility} (one of {choices}).").format(
                    where=where, visibility=repr(draft.visibility), choices=", ".join(VISIBILITIES)
                )
            )
        if media_count > limits.max_media_attachments:
            raise RefusedError(
                _("{where}: {count} media, the instance allows {limit}.").format(
                    where=where, count=media_count, limit=limits.max_media_attachments
                )
            )
        length = mastodon_length(draft.text, draft.spoiler_text, url_weight=limits.characters_reserved_per_url)
        if length > limits.max_characters:
            raise RefusedError(
                _("{where}: {count} characters, the instance allows {limit}.").format(
                    where=where, count=length, limit=limits.max_characters
                )
            )

    # -- media -------------------------------------------------------------------
    def upload(self, media: MediaFile) -> UploadedMedia:
        """Upload one file with its alt text (cut to the instance's limit) and
        wait until the server has processed it: video and GIFs (sent as mp4)
        come back as 202 with no URL, and a status cannot attach them before."""
        limits = self.limits()
        what = _("uploading {file}").format(file=media.path or media.kind)
        self._check_media(media, limits.media, what)
        alt = clamp_description(media.alt, limits.description_limit)
        self._ensure_version_known()
        attachment = self._call(
            "media",
            what,
            lambda: self.client.media_post(
                media.data,
                mime_type=media.mime,
                description=alt or None,
            ),
        )
        attachment = self._wait_until_processed(attachment, what)
        return UploadedMedia(media.kind, _id_of(attachment, what), alt, media.width, media.height)

    def _check_media(self, media: MediaFile, limits: MastodonLimits, what: str) -> None:
        if not limits.accepts(media.mime):
            raise RefusedError(
                _("{what}: the instance does not accept {mime_type} files.").format(what=what, mime_type=media.mime)
            )
        image = media.mime.startswith("image/")
        most = limits.image_max_bytes if image else limits.video_max_bytes
        if len(media.data) > most:
            raise RefusedError(
                _("{what}: {size} bytes, the instance accepts at most {limit}.").format(
                    what=what, size=format_number(len(media.data)), limit=format_number(most)
                )
            )

    def _ensure_version_known(self) -> None:
        """Mastodon.py uploads to /api/v2/media (processed asynchronously, as
        current servers want) only when it believes the server is 3.1.4 or
        later. Left alone it probes /api/v1/instance, swallows any error and
        falls back to 1.0.0 (or recurses without end on a server that dropped
        that API), and a client built with `mastodon_version` keeps 1.0.0 for
        good. `instance_v2()` answered (`limits()`): that API came with Mastodon
        4.0, so the server is at least that; tell Mastodon.py, no probe needed."""
        if not self._version_checked:
            _tell_version(self.client, self.limits().version)
            self._version_checked = True

    def _wait_until_processed(self, attachment: Any, what: str) -> Any:
        media_id, started = _id_of(attachment, what), self.pacer.clock()
        delay = MEDIA_POLL_FIRST_SECONDS
        while not read_field(attachment, "url"):
            if self.pacer.clock() + delay - started > self.media_timeout:
                minutes = self.media_timeout / 60
                raise TransientError(
                    _("{what}: the server was still processing it after {minutes} min.").format(
                        what=what, minutes=f"{minutes:g}"
                    )
                )
            self.pacer.sleep(delay)
            attachment = self._call("request", what, lambda: self.client.media(media_id))
            delay = min(delay * 2, MEDIA_POLL_MAX_SECONDS)
        return attachment

    # -- find --------------------------------------------------------------------
    def find(self, draft: MastodonDraft, entry: Entry, *, parent: Remote | None = None) -> Remote | None:
        """The status of a "sending" journal entry, if the server made it.

        Always looked up, even within the Idempotency-Key hour: the journal's
        `sent_at` is the *last* attempt's time and the server's hour runs from
        the status's creation, so "sent less than an hour ago" does not prove
        the key still protects a resend (and the pacer may wait hours between
        this call and the resend). One page of statuses is one request.

        How it matches, newest status first, among the verified account's own
        statuses (boosts excluded) created since `sent_at` minus 5 minutes of
        clock allowance (minus one more hour when there were several attempts,
        in case a runner resent under the key without asking):
        1. not a status already claimed by another entry (`claim()`, and every
           status this publisher created or found);
        2. same thread position: a reply exactly when the draft is one (to the
           parent's status when `parent` is given), at most as many media as
           the draft has (a media file may have been dropped);
        3. same words: the status's HTML and the draft's text reduced to their
           letters and digits (links masked, "@user@domain" as "@user"),
           content warnings likewise;
        4. confirmed on the status's source (`/api/v1/statuses/:id/source`):
           exactly the draft's text and content warning (links masked when the
           draft was not finalised). Servers without that endpoint keep (3).
        Why not another post's status: it would need this draft's exact text
        (date note included), warning and thread position, and to be created
        at most 5 minutes before this entry's attempt. Posts go out in order
        and `find()` runs before any resend, so the only older candidates are
        posts the journal already holds as done: once the runner has
        `claim()`ed those, the one status left is this post's own. Without
        `claim()` (a new process knows only what it made itself), a
        same-day twin posted just before could be taken for this one.
        Two twins both left unrecorded by crashes may be paired crosswise:
        each still exists exactly once."""
        if entry.sent_at is None:
            return None
        wanted = _Wanted.of(draft, parent)
        lookback = CLOCK_SKEW if entry.attempts <= 1 else CLOCK_SKEW + IDEMPOTENCY_WINDOW
        since = _aware(entry.sent_at) - lookback
        what = _("looking for tweet {tweet_id} ({part}/{parts}) among the account's statuses").format(
            tweet_id=draft.tweet_id, part=draft.part + 1, parts=draft.parts
        )
        for status in self._candidates(wanted, since, what):
            if self._confirmed(status, wanted, what):
                remote = _remote(status, what)
                self._claimed.add(remote.id)
                return remote
        return None

    def _candidates(self, wanted: _Wanted, since: datetime, what: str) -> Iterator[Any]:
        me = self._verified_account()
        max_id = None
        for _page in range(MAX_PAGES):
            page = self._call(
                "request",
                what,
                lambda max_id=max_id: self.client.account_statuses(
                    me["id"],
                    exclude_reblogs=True,
                    max_id=max_id,
                    limit=STATUSES_PER_PAGE,
                ),
            )
            for status in page:
                if _created_at(status) < since:
                    return
                if str(status["id"]) not in self._claimed and wanted.resembles(status, me["id"]):
                    yield status
            if not page:
                return
            max_id = page[-1]["id"]
        message = _("{what}: more than {count} statuses since it was sent; quittex cannot tell whether it was posted.")
        raise PublishError(
            message.format(what=what, count=format_number(MAX_PAGES * STATUSES_PER_PAGE)),
            hint=_("Check the account by hand, then run `quittex migrate` again."),
        )

    def _confirmed(self, status: Any, wanted: _Wanted, what: str) -> bool:
        try:
            source = self._call("request", what, lambda: self.client.status_source(status["id"]))
        except RefusedError:
            return True  # no /source on this server: the words matched, that is all we can know
        return wanted.same_source(read_field(source, "text") or "", read_field(source, "spoiler_text") or "")

    def _verified_account(self) -> Any:
        """The token's account, checked once against the account we publish to."""
        if self._me is None:
            me = self._call("request", _("checking the account"), self.client.account_verify_credentials)
            expected = self.account.lstrip("@").split("@")[0].lower()
            username = str(read_field(me, "username") or "")
            if expected and username.lower() != expected:
                raise AuthError(
                    _("The Mastodon token belongs to @{username}, not to {account}.").format(
                        username=username, account=self.account
                    ),
                    hint=_("Log in again with `quittex login mastodon` for the right account."),
                )
            self._me = me
        return self._me

    # -- delete ------------------------------------------------------------------
    def delete(self, remote: Remote) -> None:
        """Delete a status quittex made; one already gone counts as deleted."""
        try:
            what = _("deleting status {id}").format(id=remote.id)
            self._call("delete", what, lambda: self.client.status_delete(remote.id))
        except RefusedError as error:
            if error.status != 404:
                raise

    # -- every request goes through here -------------------------------------------
    def call(self, bucket: str, what: str, request: Callable[[], T], *, cost: int = 1) -> T:
        """Any other request to this account's server (the profile, pins), paced
        and with its failures translated like the publisher's own. `what` says
        what the request does, for a person ("reading the profile"): translated."""
        return self._call(bucket, what, request, cost=cost)

    def _call(self, bucket: str, what: str, request: Callable[[], T], *, cost: int = 1) -> T:
        """Pace, send, report the answer's rate-limit headers, translate failures."""
        self.pacer.before(bucket, cost)
        self._last_headers = None
        try:
            return request()
        except (MastodonError, requests.RequestException, OSError) as error:
            raise self._translate(error, what) from None
        finally:
            self.pacer.observe(self._rate_limit_headers())

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = response.headers

    def _rate_limit_headers(self) -> dict[str, str] | None:
        """The last answer's budget, its reset moved to our clock."""
        headers = self._last_headers
        if not headers or headers.get("X-RateLimit-Remaining") is None:
            return None
        reset = server_reset(headers, self.pacer.clock())
        if reset is None:
            return None
        return {"X-RateLimit-Remaining": headers["X-RateLimit-Remaining"], "X-RateLimit-Reset": f"{reset:.3f}"}

    def _translate(self, error: Exception, what: str) -> QuittexError:
        if isinstance(error, MastodonRatelimitError):
            return self._rate_limited(what)
        if isinstance(error, MastodonAPIError):
            return self._answer_error(error, what)
        if isinstance(error, MastodonNetworkError | requests.RequestException | OSError):
            return TransientError(
                _("{what}: no answer from Mastodon ({reason}).").format(what=what, reason=self._clean(error))
            )
        if isinstance(error, MastodonIllegalArgumentError | MastodonVersionError):
            return RefusedError(_("{what}: {reason}").format(what=what, reason=self._clean(error)))
        return PublishError(_("{what}: {reason}").format(what=what, reason=self._clean(error)))

    def _answer_error(self, error: MastodonAPIError, what: str) -> QuittexError:
        code, reason = _error_details(error)
        detail = self._clean(reason)
        if code is None:  # a 2xx whose body is not JSON: the request may have worked
            return TransientError(
                _("{what}: unreadable answer from Mastodon ({reason}).").format(what=what, reason=detail)
            )
        if code == 429:
            return self._rate_limited(what)
        if code in (401, 403):
            return AuthError(
                # Translators: {what} is what quittex was doing: "posting tweet 123 (1/2)", "reading the profile"…
                _("Mastodon refused the access token of {account} ({code}: {reason}) while {what}.").format(
                    account=self.account, code=code, reason=detail, what=what
                ),
                hint=_("Log in again: quittex login mastodon --instance URL"),
            )
        if code >= 500 or code == 408:
            return TransientError(
                _("{what}: Mastodon answered {code} ({reason}).").format(what=what, code=code, reason=detail)
            )
        return RefusedError(
            _("{what}: Mastodon refused it ({code}: {reason}).").format(what=what, code=code, reason=detail),
            status=code,
        )

    def _rate_limited(self, what: str) -> RateLimitError:
        reset = server_reset(self._last_headers or {}, self.pacer.clock())
        self.pacer.rate_limited_until(reset)
        until = datetime.fromtimestamp(self.pacer.blocked_until or 0, UTC).strftime("%H:%M:%S UTC")
        return RateLimitError(
            _("{what}: Mastodon's rate limit is reached; next request after {time}.").format(what=what, time=until),
            reset_at=reset,
        )

    def _clean(self, value: object) -> str:
        """A message fit for a terminal and a journal: no secret, no control
        characters, not a novel."""
        text = str(value)
        for secret in (getattr(self.client, "access_token", None), getattr(self.client, "client_secret", None)):
            if isinstance(secret, str) and secret:
                text = text.replace(secret, "***")
        text = _CONTROL.sub(" ", _BEARER.sub("Bearer ***", text)).strip()
        return text if len(text) <= MESSAGE_MAX_CHARS else text[: MESSAGE_MAX_CHARS - 1] + "…"


# -- matching a status to a draft --------------------------------------------------


@dataclass(frozen=True)
class _Wanted:
    """What the status of a draft looks like, for `find()`."""

    words: str
    warning_words: str
    text: str
    warning: str
    reply: bool
    parent_id: str | None
    max_media: int
    mask_links: bool

    @classmethod
    def of(cls, draft: MastodonDraft, parent: Remote | None) -> _Wanted:
        # A draft not yet finalised still links to X where the post links to
        # the migrated status: compare without the links then.
        mask = not draft.final
        return cls(
            words=words_of(draft.text),
            warning_words=words_of(draft.spoiler_text),
            text=_exact(draft.text, mask),
            warning=_exact(draft.spoiler_text, False),
            reply=draft.parent is not None,
            parent_id=parent.id if parent else None,
            max_media=len(draft.media),
            mask_links=mask,
        )

    def resembles(self, status: Any, my_id: Any) -> bool:
        if read_field(status, "reblog") or str(read_field(read_field(status, "account"), "id")) != str(my_id):
            return False
        reply_to = read_field(status, "in_reply_to_id")
        if (reply_to is not None) != self.reply or (self.parent_id and str(reply_to) != self.parent_id):
            return False
        if len(read_field(status, "media_attachments") or []) > self.max_media:
            return False
        shown = words_of(html_to_text(read_field(status, "content") or ""))
        return shown == self.words and words_of(read_field(status, "spoiler_text") or "") == self.warning_words

    def same_source(self, text: str, warning: str) -> bool:
        return _exact(text, self.mask_links) == self.text and _exact(warning, False) == self.warning


def _quote_arguments(draft: MastodonDraft) -> dict[str, Any]:
    """`quoted_status_id` (a native quote, Mastodon 4.5+) and who may quote the post."""
    arguments: dict[str, Any] = {}
    if draft.quoted_status_id:
        arguments["quoted_status_id"] = draft.quoted_status_id
    if draft.quote_approval_policy:
        arguments["quote_approval_policy"] = draft.quote_approval_policy
    return arguments


def html_to_text(content: str) -> str:
    """A status's HTML as the text a reader sees: Mastodon's link spans
    ("https://" + "example.com/lo" + "ng") joined back, breaks as newlines."""
    text = _PARAGRAPH_BREAK.sub("\n\n", content)
    text = _LINE_BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


def words_of(text: str) -> str:
    """The letters and digits of `text`, links dropped, remote mentions as the
    server shows them: what survives any server's rendering of a status."""
    text = _REMOTE_MENTION.sub(r"\1@\3", text)
    if "://" in text:  # the URL pattern is costly; most posts have no link
        text = url_regex.sub(lambda match: match.group(2) + " ", text)
    return "".join(_WORD.findall(text)).casefold()


def _exact(text: str, mask_links: bool) -> str:
    text = text.replace("\r\n", "\n").strip()
    if mask_links and "://" in text:
        text = url_regex.sub(lambda match: match.group(2) + "<link>", text)
    return text


def clamp_description(alt: str, limit: int) -> str:
    """`alt` within `limit` characters (Mastodon counts code points), cut
    between grapheme clusters and ended with an ellipsis when cut."""
    return clip_text(alt.strip(), max_characters=limit)


# -- small helpers ------------------------------------------------------------------


def server_reset(headers: Mapping[str, str], now: float) -> float | None:
    """When the server's window reopens, as epoch seconds on *our* clock.

    `X-RateLimit-Reset` is ISO 8601 on Mastodon (epoch seconds on some other
    servers), in the server's time: shifted by the gap between its `Date`
    header and our clock. `Retry-After` (seconds or a date) when it is missing."""
    reset = _epoch(headers.get("X-RateLimit-Reset"))
    if reset is not None:
        server_now = _epoch(headers.get("Date"))
        return reset + (now - server_now) if server_now is not None else reset
    retry_after = headers.get("Retry-After")
    if retry_after and retry_after.strip().isdigit():
        return now + int(retry_after)
    return _epoch(retry_after)


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return _aware(moment).timestamp()


def _listen_to_answers(client: Mastodon, listener: Callable[..., None]) -> None:
    """Mastodon.py keeps only some of an answer's headers, and keeps them
    across answers that have none: a response hook on its session sees each."""
    session = getattr(client, "session", None)
    if session is not None:
        session.hooks.setdefault("response", []).append(listener)


def _tell_version(client: Mastodon, version: str | None) -> None:
    """Make Mastodon.py take the server for `version`, at least 4.0.0, without
    asking the server (see `_ensure_version_known`). Mastodon.py has no public
    setter: its version attributes are public, the "already checked" flags
    are not."""
    try:
        announced = parse_version_string((version or "").split(" ")[0])
    except (AttributeError, IndexError, ValueError):
        announced = (4, 0, 0)
    known = (client.mastodon_major, client.mastodon_minor, client.mastodon_patch)
    client.mastodon_major, client.mastodon_minor, client.mastodon_patch = max(announced, known, (4, 0, 0))
    client._Mastodon__version_check_tried = True
    client._Mastodon__version_check_worked = True


def _remote(status: Any, what: str) -> Remote:
    return Remote(id=_id_of(status, what), url=read_field(status, "url") or read_field(status, "uri"))


def _id_of(answer: Any, what: str) -> str:
    """The id of what the server made; an answer without one may still mean
    it was made: transient, so the next attempt goes through `find()`."""
    found = read_field(answer, "id")
    if found in (None, ""):
        raise TransientError(_("{what}: Mastodon answered without an id.").format(what=what))
    return str(found)


def _created_at(status: Any) -> datetime:
    moment = read_field(status, "created_at")
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return _aware(moment) if isinstance(moment, datetime) else datetime.max.replace(tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _error_details(error: MastodonAPIError) -> tuple[int | None, str]:
    """(HTTP status, the server's message) from Mastodon.py's error arguments:
    ("Mastodon API returned error", status, reason, message)."""
    args = error.args
    if len(args) >= 4 and isinstance(args[1], int):
        message = args[3] if isinstance(args[3], str) and args[3] else args[2]
        return args[1], str(message or _("no reason given"))
    return None, " ".join(str(arg) for arg in args)


def read_field(source: Any, key: str) -> Any:
    """A field of a Mastodon.py answer, whether it came as a dict or an object (None when absent)."""
    if isinstance(source, Mapping):
        return source.get(key)
    return getattr(source, key, None) if source is not None else None


def _bounded(value: Any, default: int, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        return default
    return value
