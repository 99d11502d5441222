"""Publish drafts to Bluesky with the `atproto` SDK.

quittex builds each `app.bsky.feed.post` record itself (the SDK's `send_post`
stamps `createdAt=now`) and writes it with `com.atproto.repo.putRecord` under
the deterministic TID record key of its tweet and part: 2 rate-limit points,
and a retry after any failure rewrites the same record instead of creating a
second post (an identical record even keeps its CID).

The record is sent as the exact JSON quittex built, so a rebuilt identical
record is written byte for byte the same.

Every request is paced by the account's `Pacer` beforehand and reports the
answer's `RateLimit-*` headers to it afterwards. The SDK exposes headers only
on its raw `Response`, so requests go through the client's public
`invoke_query` / `invoke_procedure` (which still refresh the session) and the
answers are parsed with the SDK's own models.

Failures become the errors of `quittex.publish.base`, which tell the runner
what to do: `TransientError` (retry through the idempotent path),
`RateLimitError` (the pacer now waits for the server's reset), `RefusedError`
(this post fails with the server's reason, the run goes on) and `AuthError`
(the run stops). Error messages carry the server's reason, never a token.

Videos and GIFs (mp4) go through Bluesky's video service when there is one
(`getServiceAuth` → `app.bsky.video.uploadVideo` → `getJobStatus`), after
`getUploadLimits` says the account may upload today; without a video service
(a self-hosted PDS) they go up with plain `uploadBlob`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from atproto_client import models
from atproto_client.exceptions import LoginRequiredError, RequestErrorBase
from atproto_client.models.blob_ref import BlobRef
from atproto_client.models.common import XrpcError
from atproto_client.models.dot_dict import DotDict
from atproto_client.models.utils import get_or_create, get_response_model, load_json
from atproto_core.exceptions import AtProtocolError
from atproto_core.uri import AtUri
from pydantic import ValidationError

from quittex.alttext import clip_alt_text
from quittex.errors import AuthError
from quittex.i18n import N_, _
from quittex.media import BlueskyLimits
from quittex.platforms.bluesky import bluesky_budgets
from quittex.platforms.bluesky_options import BlueskyOptions
from quittex.publish.base import MediaFile, RateLimitError, RefusedError, TransientError, UploadedMedia
from quittex.publish.journal import Entry, Remote
from quittex.publish.pacing import Pacer
from quittex.publish.tid import tweet_tid
from quittex.rewrite.draft import BlueskyDraft, Draft, QuoteEmbed

if TYPE_CHECKING:
    from atproto import Client

POST = "app.bsky.feed.post"
DEFAULT_VIDEO_SERVICE = "https://video.bsky.app"
WEB_APP = "https://bsky.app"
LOGIN_HINT = N_("Log in again with `quittex login bluesky`.")  # shown as _(LOGIN_HINT)

MAX_IMAGES = 4
VIDEO_KINDS = ("video", "animated_gif")
VIDEO_ALT_MAX_GRAPHEMES = 1000  # app.bsky.embed.video lexicon
PUT_RECORD_POINTS = 2
DELETE_RECORD_POINTS = 1

# A 400 with these XRPC errors is about the session, not the post.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
# Worth sending again through the idempotent path (besides every 5xx).
RETRYABLE_STATUSES = frozenset({408, 409, 425})
RECORD_NOT_FOUND = "RecordNotFound"
INVALID_SWAP = "InvalidSwap"

JOB_COMPLETED, JOB_FAILED = "JOB_STATE_COMPLETED", "JOB_STATE_FAILED"
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=15.0)  # big blobs on slow links
VIDEO_TOKEN_SECONDS = 30 * 60
_JWT = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]*")
_MAX_REASON = 300


class _NoVideoService(Exception):
    """The video service cannot be reached at all (no route, no DNS)."""


class RecordNotFoundError(RefusedError):
    """The record asked for does not exist (`getRecord` answers 400 RecordNotFound)."""


class SwapError(RefusedError):
    """The record changed since it was read (`swapRecord` did not match)."""


@dataclass(frozen=True)
class _Failure:
    """An HTTP error answer, from the SDK or from the video service."""

    status: int
    headers: Mapping[str, str]
    error: str = ""
    message: str = ""

    @property
    def reason(self) -> str:
        text = self.message or self.error or f"HTTP {self.status}"
        if self.error and self.message and self.error not in self.message:
            text = f"{self.message} ({self.error})"
        return _redact(text)


@dataclass(frozen=True)
class BlueskyServerLimits:
    """What a PDS takes; the rewriting settings are Bluesky's own everywhere."""

    media: BlueskyLimits

    def rewrite_options(self, options: BlueskyOptions) -> BlueskyOptions:
        return options


class BlueskyPublisher:
    """Publishes one account's drafts on its PDS.

    `client` is an authenticated `atproto.Client` (reused for the whole run:
    one session, refreshed by the SDK); `did` the account's DID. `handle`
    only shapes the web URLs of the posts (the DID when None: such URLs
    survive a change of handle). `video_service` None means "none": videos go
    up as plain blobs.
    """

    platform = "bluesky"

    def __init__(
        self,
        client: Client,
        did: str,
        *,
        handle: str | None = None,
        pacer: Pacer | None = None,
        video_service: str | None = DEFAULT_VIDEO_SERVICE,
        web_app: str = WEB_APP,
        video_poll_seconds: float = 1.5,
        video_wait_seconds: float = 600.0,
        http: httpx.Client | None = None,
        label: str | None = None,
    ) -> None:
        if not did.startswith("did:"):
            raise ValueError(f"not a DID: {did!r}")
        self.client, self.did, self.account = client, did, did
        self.handle = handle
        self.label = label or (f"@{handle}" if handle else did)
        self.pacer = pacer or Pacer(bluesky_budgets())
        self.video_service = video_service.rstrip("/") if video_service else None
        self.web_app = web_app.rstrip("/")
        self.video_poll_seconds, self.video_wait_seconds = video_poll_seconds, video_wait_seconds
        self._http = http  # for the video service, created when first needed
        self._pds_did: str | None = None
        # Link cards (`quittex.cards.LinkCards`), set for a run that makes them.
        self.link_cards: Any = None
        self._card_thumbs: dict[str, dict[str, Any]] = {}

    def limits(self) -> BlueskyServerLimits:
        """Bluesky's documented limits; without a video service (a self-hosted
        PDS) a video must fit the PDS's blob limit."""
        media = BlueskyLimits() if self.video_service else BlueskyLimits().without_video_service()
        return BlueskyServerLimits(media)

    def claim(self, remote_ids: Iterable[str]) -> None:
        """Nothing to do: a post's record key is derived from its tweet, so
        `find()` never mistakes one journal entry's post for another's."""

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- the protocol -------------------------------------------------------------
    def request_key(self, draft: Draft, generation: int = 0) -> str:
        return tweet_tid(draft.tweet_id, draft.created_at, draft.part, generation)

    def create(
        self, draft: Draft, key: str, media: list[UploadedMedia], parent: Remote | None, root: Remote | None
    ) -> Remote:
        if not isinstance(draft, BlueskyDraft):
            raise TypeError(f"the Bluesky publisher takes a BlueskyDraft, not {type(draft).__name__}")
        self.pacer.before("post", 1)  # a chosen pace (--pace gentle); nothing by default
        external = self._card_embed(draft) if not media else None
        record = post_record(draft, media, parent, root, external)
        written = self._put(POST, key, record)
        # The gates share the post's record key: written again after a crash,
        # they are the same records (the PDS takes an identical write as a no-op).
        for collection, gate in gate_records(draft, written.uri, parent):
            self._put(collection, key, gate)
        return self._remote(written.uri, written.cid)

    def _card_embed(self, draft: BlueskyDraft) -> dict[str, Any] | None:
        """The `app.bsky.embed.external` of the draft's link, when a card can be made."""
        if self.link_cards is None or not draft.card_url:
            return None
        card = self.link_cards.card(draft.card_url)
        if card is None:
            return None
        external: dict[str, Any] = {"uri": card.uri, "title": card.title, "description": card.description}
        if card.thumb:
            blob = self._card_thumbs.get(card.uri)
            if blob is None:
                try:
                    blob = self._upload_blob(MediaFile("photo", card.thumb, card.thumb_mime))
                except RefusedError:
                    blob = {}  # the card goes out without its picture
                self._card_thumbs[card.uri] = blob
            if blob:
                external["thumb"] = blob
        return {"$type": "app.bsky.embed.external", "external": external}

    def _put(self, collection: str, rkey: str, record: dict[str, Any], **swap: str | None) -> Any:
        """`putRecord`, the record sent exactly as built; `swap=` (a CID, or None
        for "must not exist yet") only when given."""
        body = {"repo": self.did, "collection": collection, "rkey": rkey, "record": record}
        if "swap" in swap:
            body["swapRecord"] = swap["swap"]
        return self._procedure(
            "com.atproto.repo.putRecord",
            models.ComAtprotoRepoPutRecord.Response,
            "write",
            PUT_RECORD_POINTS,
            content=_json_bytes(body),
            input_encoding="application/json",
        )

    def upload(self, media: MediaFile) -> UploadedMedia:
        blob = None
        if media.kind in VIDEO_KINDS and self.video_service:
            blob = self._upload_video(media)
        if blob is None:
            blob = self._upload_blob(media)
        return UploadedMedia(media.kind, blob, media.alt, media.width, media.height)

    def find(self, draft: Draft, entry: Entry, *, parent: Remote | None = None) -> Remote | None:
        # The record key is deterministic: the parent is not needed to tell posts apart.
        key = entry.request_key or self.request_key(draft, entry.generation)
        params = models.ComAtprotoRepoGetRecord.Params(repo=self.did, collection=POST, rkey=key)
        try:
            found = self._query("com.atproto.repo.getRecord", models.ComAtprotoRepoGetRecord.Response, params)
        except RecordNotFoundError:
            return None
        return self._remote(found.uri, found.cid)

    def delete(self, remote: Remote) -> None:
        """Delete a post of this account (a missing one counts as deleted), and
        the threadgate and postgate quittex gave it (under the same record key)."""
        key = self._own_post_key(remote)
        self.delete_record(POST, key, swap=None, any_version=True)
        for collection in (THREADGATE, POSTGATE):
            if self.get_record(collection, key) is not None:  # a read, not a write point, for most posts
                self.delete_record(collection, key, swap=None, any_version=True)

    # -- any record of the account's own repo (the profile) ----------------------------
    def get_record(self, collection: str, rkey: str) -> tuple[dict[str, Any], str | None] | None:
        """(the record as JSON, its CID), or None when there is none."""
        params = models.ComAtprotoRepoGetRecord.Params(repo=self.did, collection=collection, rkey=rkey)
        send = partial(self.client.invoke_query, "com.atproto.repo.getRecord", params=params)
        try:
            response = self._send("com.atproto.repo.getRecord", "read", 1, send)
        except RecordNotFoundError:
            return None
        body = response.content if isinstance(response.content, dict) else {}
        value = body.get("value")
        if not isinstance(value, dict):
            raise TransientError(
                _("Bluesky: unexpected answer to getRecord for {record}").format(record=f"{collection}/{rkey}")
            )
        cid = body.get("cid")
        return value, cid if isinstance(cid, str) else None

    def put_record(self, collection: str, rkey: str, record: dict[str, Any], *, swap: str | None) -> Remote:
        """Write the record only if it is still the one of CID `swap` (None: only
        if there is none): a concurrent edit makes it raise `SwapError`."""
        written = self._put(collection, rkey, record, swap=swap)
        return Remote(id=written.uri, cid=written.cid)

    def delete_record(self, collection: str, rkey: str, *, swap: str | None, any_version: bool = False) -> None:
        """Delete the record if it is still the one of CID `swap` (`any_version`: whatever it is)."""
        body = {"repo": self.did, "collection": collection, "rkey": rkey}
        if not any_version:
            body["swapRecord"] = swap
        self._procedure(
            "com.atproto.repo.deleteRecord",
            None,
            "write",
            DELETE_RECORD_POINTS,
            content=_json_bytes(body),
            input_encoding="application/json",
        )

    def query_json(self, nsid: str, params: dict[str, Any]) -> dict[str, Any]:
        """Any read (resolveHandle, getProfiles, searchActors…), paced and with
        failures mapped like the publisher's own; the answer as JSON."""
        send = partial(self.client.invoke_query, nsid, params=DotDict(params))
        response = self._send(nsid, "read", 1, send)
        return response.content if isinstance(response.content, dict) else {}

    def get_blob(self, cid: str) -> bytes:
        """The bytes of one of the account's blobs (an avatar, a banner)."""
        params = DotDict({"did": self.did, "cid": cid})
        send = partial(self.client.invoke_query, "com.atproto.sync.getBlob", params=params)
        response = self._send("com.atproto.sync.getBlob", "read", 1, send)
        if not isinstance(response.content, bytes):
            raise TransientError(_("Bluesky: blob {cid} came back as something else than bytes").format(cid=cid))
        return response.content

    # -- posts ----------------------------------------------------------------------
    def post_url(self, uri: str) -> str:
        """The post on the Bluesky web app."""
        return f"{self.web_app}/profile/{self.handle or self.did}/post/{AtUri.from_str(uri).rkey}"

    def _remote(self, uri: str, cid: str | None) -> Remote:
        return Remote(id=uri, cid=cid, url=self.post_url(uri))

    def _own_post_key(self, remote: Remote) -> str:
        """The record key of a post of this account; never touch anyone else's."""
        uri = AtUri.from_str(remote.id) if remote.id.startswith("at://") else None
        if uri is None or uri.host != self.did or uri.collection != POST or not uri.rkey:
            raise RefusedError(_("{post} is not a post of {did}: not deleting it").format(post=remote.id, did=self.did))
        return uri.rkey

    # -- blobs ------------------------------------------------------------------------
    def _upload_blob(self, media: MediaFile) -> dict[str, Any]:
        uploaded = self._procedure(
            "com.atproto.repo.uploadBlob",
            models.ComAtprotoRepoUploadBlob.Response,
            "blob",
            1,
            content=media.data,
            input_encoding=media.mime,
            timeout=UPLOAD_TIMEOUT,
        )
        return _blob_json(uploaded.blob)

    # -- videos, through the video service -----------------------------------------
    def _upload_video(self, media: MediaFile) -> dict[str, Any] | None:
        """The video's blob, or None when the video service cannot be reached
        at all (a PDS of one's own, offline): the caller then uploads a plain
        blob, which the AppView processes after the post appears."""
        try:
            self._check_video_quota(len(media.data))
        except _NoVideoService:
            self.video_service = None  # for the rest of the run
            return None
        try:
            return self._send_video(media)
        except _NoVideoService as error:  # it answered a moment ago: a blip
            raise TransientError(_("Bluesky's video service: {reason}").format(reason=error)) from None

    def _send_video(self, media: MediaFile) -> dict[str, Any]:
        token = self._service_token(self._pds_service_did(), "com.atproto.repo.uploadBlob", VIDEO_TOKEN_SECONDS)
        self.pacer.before("blob", 1)
        answer = self._video_request(
            "uploadVideo",
            "POST",
            "app.bsky.video.uploadVideo",
            params={"did": self.did, "name": _video_name(media)},
            content=media.data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": media.mime},
            timeout=UPLOAD_TIMEOUT,
            accept_conflict=True,
        )
        job = _job_status(answer)
        return _job_blob(job) or self._await_job(job)

    def _check_video_quota(self, size: int) -> None:
        """`getUploadLimits`: refuse a video the account may not upload today."""
        audience = f"did:web:{urlsplit(self.video_service).hostname}"
        token = self._service_token(audience, "app.bsky.video.getUploadLimits", 5 * 60)
        answer = self._video_request(
            "getUploadLimits", "GET", "app.bsky.video.getUploadLimits", headers={"Authorization": f"Bearer {token}"}
        )
        limits = BlueskyLimits().with_upload_limits(answer)
        if not limits.can_upload_video:
            reason = _redact(limits.upload_refusal or _("the account may not upload videos"))
            raise RefusedError(
                _("Bluesky does not accept a video from this account now: {reason}").format(reason=reason)
            )
        bytes_left = limits.remaining_daily_bytes
        if limits.remaining_daily_videos == 0 or (bytes_left is not None and bytes_left < size):
            raise RefusedError(
                _("Bluesky's daily video quota for this account is spent; a later run can send this post")
            )

    def _await_job(self, job: dict[str, Any]) -> dict[str, Any]:
        job_id = job.get("jobId")
        if not job_id:
            raise RefusedError(_("Bluesky's video service refused the video: {reason}").format(reason=_job_reason(job)))
        deadline = time.monotonic() + self.video_wait_seconds
        while True:
            if job.get("state") == JOB_FAILED:
                raise RefusedError(
                    _("Bluesky's video service could not process the video: {reason}").format(reason=_job_reason(job))
                )
            if time.monotonic() > deadline:
                raise TransientError(
                    _("Bluesky's video service was still processing video job {job}").format(job=job_id)
                )
            self.pacer.sleep(self.video_poll_seconds)
            answer = self._video_request("getJobStatus", "GET", "app.bsky.video.getJobStatus", params={"jobId": job_id})
            job = _job_status(answer)
            if blob := _job_blob(job):
                return blob
            if job.get("state") == JOB_COMPLETED:
                raise TransientError(_("Bluesky's video job {job} finished without a blob").format(job=job_id))

    def _pds_service_did(self) -> str:
        """The PDS's own DID: the audience of the token the video service uses."""
        if self._pds_did is None:
            described = self._query("com.atproto.server.describeServer", models.ComAtprotoServerDescribeServer.Response)
            self._pds_did = described.did
        return self._pds_did

    def _service_token(self, audience: str, method: str, seconds: int) -> str:
        params = models.ComAtprotoServerGetServiceAuth.Params(aud=audience, lxm=method, exp=int(time.time()) + seconds)
        answer = self._query(
            "com.atproto.server.getServiceAuth", models.ComAtprotoServerGetServiceAuth.Response, params
        )
        return answer.token

    def _video_request(
        self, action: str, method: str, nsid: str, *, accept_conflict: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """One request to the video service (its limits are its own: its headers
        do not describe the PDS budget). Returns the JSON answer."""
        try:
            response = self._video_http().request(method, f"{self.video_service}/xrpc/{nsid}", **kwargs)
        except httpx.ConnectError as error:
            raise _NoVideoService(_describe(error)) from None
        except httpx.TransportError as error:
            raise TransientError(
                # Translators: {action} is the name of a request of the protocol (uploadVideo, putRecord…).
                _("Bluesky's video service: {action} failed: {reason}").format(action=action, reason=_describe(error))
            ) from None
        body = _json_object(response)
        if response.is_success or (accept_conflict and body.get("error") == "already_exists"):
            return body
        failure = _Failure(response.status_code, _lower(response.headers), *_xrpc_fields(body))
        if failure.status in (401, 403):  # the PDS session is fine: only this upload is refused
            raise RefusedError(
                _("Bluesky's video service refused {action}: {reason}").format(action=action, reason=failure.reason),
                status=failure.status,
            )
        raise self._failure_error(action, failure)

    def _video_http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(follow_redirects=True, timeout=httpx.Timeout(30.0, connect=15.0))
        return self._http

    # -- requests and their failures ------------------------------------------------
    def _procedure(self, nsid: str, model: type | None, bucket: str, cost: int, **kwargs: Any) -> Any:
        """A write to the PDS, parsed into `model` (None: not parsed)."""
        send = partial(self.client.invoke_procedure, nsid, output_encoding="application/json", **kwargs)
        response = self._send(nsid, bucket, cost, send)
        return response if model is None else self._parse(nsid, response, model)

    def _query(self, nsid: str, model: type, params: Any = None) -> Any:
        """A read: no write points, but paced like any request."""
        send = partial(self.client.invoke_query, nsid, params=params, output_encoding="application/json")
        return self._parse(nsid, self._send(nsid, "read", 1, send), model)

    def _send(self, nsid: str, bucket: str, cost: int, send: Callable[[], Any]) -> Any:
        """Pace, send, report the headers; every failure mapped (see module doc)."""
        self.pacer.before(bucket, cost)
        try:
            response = send()
        except (AtProtocolError, httpx.TransportError) as error:
            raise self._sdk_error(_action(nsid), error) from None
        self.pacer.observe(response.headers)
        return response

    def _parse(self, nsid: str, response: Any, model: type) -> Any:
        try:
            return get_response_model(response, model)
        except (AtProtocolError, ValidationError):
            unexpected = _("Bluesky: unexpected answer to {action} (HTTP {status})").format(
                action=_action(nsid), status=response.status_code
            )
            raise TransientError(unexpected) from None

    def _sdk_error(self, action: str, error: Exception) -> Exception:
        if isinstance(error, LoginRequiredError):
            return AuthError(_("Bluesky: this session is not logged in."), hint=_(LOGIN_HINT))
        response = error.response if isinstance(error, RequestErrorBase) else None
        if response is None:  # timeouts, dropped connections, DNS: nothing arrived
            return TransientError(_failed(action, _describe(error)))
        self.pacer.observe(response.headers)
        error_name, message = _xrpc_fields(response.content)
        return self._failure_error(action, _Failure(response.status_code, response.headers or {}, error_name, message))

    def _failure_error(self, action: str, failure: _Failure) -> Exception:
        status = failure.status
        if status == 429:
            return self._rate_limited(action, failure)
        if status in (401, 403) or (status == 400 and failure.error in TOKEN_ERRORS):
            return AuthError(
                _("Bluesky refused the session ({reason}).").format(reason=failure.reason), hint=_(LOGIN_HINT)
            )
        if status >= 500 or status in RETRYABLE_STATUSES:
            return TransientError(_failed(action, failure.reason))
        if status == 400 and failure.error == RECORD_NOT_FOUND:
            return RecordNotFoundError(
                _("Bluesky: no such record ({reason})").format(reason=failure.reason), status=status
            )
        if status == 400 and failure.error == INVALID_SWAP:
            return SwapError(
                _("Bluesky: the record changed meanwhile ({reason})").format(reason=failure.reason), status=status
            )
        return RefusedError(
            _("Bluesky refused it ({action}): {reason}").format(action=action, reason=failure.reason), status=status
        )

    def _rate_limited(self, action: str, failure: _Failure) -> RateLimitError:
        reset_at = _reset_at(failure.headers, self.pacer.clock())
        self.pacer.rate_limited_until(reset_at)
        policy = failure.headers.get("ratelimit-policy")
        if policy:
            message = _("Bluesky rate limit reached on {action} (limit {policy}): {reason}")
        else:
            message = _("Bluesky rate limit reached on {action}: {reason}")
        return RateLimitError(message.format(action=action, policy=policy, reason=failure.reason), reset_at=reset_at)


# -- the record ----------------------------------------------------------------------
def _failed(action: str, reason: str) -> str:
    # Translators: {action} is the name of a request of the protocol (putRecord, uploadBlob…).
    return _("Bluesky: {action} failed: {reason}").format(action=action, reason=reason)


def post_record(
    draft: BlueskyDraft,
    media: list[UploadedMedia],
    parent: Remote | None,
    root: Remote | None,
    external: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `app.bsky.feed.post` record of a final draft, as JSON (`external`:
    its link card, used when it carries no media and no quote)."""
    record: dict[str, Any] = {"$type": POST, "text": draft.text, "createdAt": draft.record_created_at}
    optional = {
        "langs": list(draft.langs),
        "facets": draft.record_facets(),
        "reply": reply_ref(parent, root),
        "embed": post_embed(media, draft.quote) or external,
        "labels": draft.record_labels(),
    }
    record.update({name: value for name, value in optional.items() if value})
    return record


THREADGATE = "app.bsky.feed.threadgate"
POSTGATE = "app.bsky.feed.postgate"
_REPLY_RULES = {
    "followers": [{"$type": "app.bsky.feed.threadgate#followerRule"}],
    "following": [{"$type": "app.bsky.feed.threadgate#followingRule"}],
    "mentioned": [{"$type": "app.bsky.feed.threadgate#mentionRule"}],
    "nobody": [],  # an empty allow list: no one may reply
}


def gate_records(draft: BlueskyDraft, uri: str, parent: Remote | None) -> list[tuple[str, dict[str, Any]]]:
    """The threadgate (on a thread's first post only: it governs the whole
    thread) and the postgate the draft asks for, as (collection, record)."""
    created = draft.record_created_at
    records = []
    if draft.reply_gate and parent is None:
        allow = _REPLY_RULES[draft.reply_gate]
        records.append((THREADGATE, {"$type": THREADGATE, "post": uri, "allow": allow, "createdAt": created}))
    if not draft.quotes_allowed:
        rules = [{"$type": "app.bsky.feed.postgate#disableRule"}]
        records.append((POSTGATE, {"$type": POSTGATE, "post": uri, "embeddingRules": rules, "createdAt": created}))
    return records


def reply_ref(parent: Remote | None, root: Remote | None) -> dict[str, Any] | None:
    """`{root, parent}` strong refs; a reply to a top-level post has it as both."""
    if parent is None:
        return None
    return {"root": strong_ref(root or parent), "parent": strong_ref(parent)}


def strong_ref(remote: Remote) -> dict[str, str]:
    if not (remote.id.startswith("at://") and remote.cid):
        raise RefusedError(
            _("cannot reply to {post}: the journal holds no Bluesky URI and CID for it").format(post=remote.id)
        )
    return {"uri": remote.id, "cid": remote.cid}


def post_embed(media: list[UploadedMedia], quote: QuoteEmbed | None) -> dict[str, Any] | None:
    media_embed = media_embed_of(media)
    quoted = quote.record() if quote is not None else None
    if quoted and media_embed:
        return {"$type": "app.bsky.embed.recordWithMedia", "record": quoted, "media": media_embed}
    return quoted or media_embed


def media_embed_of(media: list[UploadedMedia]) -> dict[str, Any] | None:
    if not media:
        return None
    videos = [item for item in media if item.kind in VIDEO_KINDS]
    if videos and len(media) > 1:
        raise RefusedError(_("a Bluesky post carries up to 4 images or one video, not both"))
    if videos:
        return video_embed(videos[0])
    if len(media) > MAX_IMAGES:
        raise RefusedError(
            _("a Bluesky post carries at most {limit} images, not {count}").format(limit=MAX_IMAGES, count=len(media))
        )
    return {"$type": "app.bsky.embed.images", "images": [image_entry(item) for item in media]}


def image_entry(item: UploadedMedia) -> dict[str, Any]:
    entry: dict[str, Any] = {"alt": item.alt or "", "image": item.ref}
    if ratio := aspect_ratio(item):
        entry["aspectRatio"] = ratio
    return entry


def video_embed(item: UploadedMedia) -> dict[str, Any]:
    embed: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": item.ref}
    if item.alt:
        embed["alt"] = clip_alt_text(item.alt, max_graphemes=VIDEO_ALT_MAX_GRAPHEMES)
    if ratio := aspect_ratio(item):
        embed["aspectRatio"] = ratio
    return embed


def aspect_ratio(item: UploadedMedia) -> dict[str, int] | None:
    width, height = item.width, item.height
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return {"width": width, "height": height}
    return None


# -- answers ------------------------------------------------------------------------
def _xrpc_fields(content: Any) -> tuple[str, str]:
    """(error name, message) of an XRPC error body, whatever shape it came in."""
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    if isinstance(content, bytes):
        content = load_json(content, strict=False)
    if isinstance(content, Mapping):
        error, message = content.get("error"), content.get("message")
        return (error if isinstance(error, str) else ""), (message if isinstance(message, str) else "")
    return "", ""


def _reset_at(headers: Mapping[str, str], now: float) -> float | None:
    """Epoch seconds from `RateLimit-Reset`, else from `Retry-After`."""
    for name, base in (("ratelimit-reset", 0.0), ("retry-after", now)):
        try:
            value = float(headers.get(name, ""))
        except ValueError:
            continue
        if value == value and value >= 0:  # not NaN
            return base + value
    return None


def _blob_json(blob: Any) -> dict[str, Any]:
    return blob.model_dump(mode="json", by_alias=True, exclude_none=True)


def _job_status(answer: dict[str, Any]) -> dict[str, Any]:
    """The video service answers with a bare JobStatus or wrapped in `jobStatus`
    (bluesky-social/atproto#3097): accept both."""
    job = answer.get("jobStatus", answer)
    return job if isinstance(job, dict) else {}


def _job_blob(job: dict[str, Any]) -> dict[str, Any] | None:
    """The blob of a finished job; `already_exists` answers carry it too."""
    blob = job.get("blob")
    if not isinstance(blob, dict):
        return None
    try:
        return _blob_json(get_or_create(blob, BlobRef, strict=False))
    except (AtProtocolError, ValidationError, TypeError, ValueError):
        return None


def _job_reason(job: dict[str, Any]) -> str:
    parts = [part for part in (job.get("message"), job.get("error")) if isinstance(part, str) and part]
    return _redact(" — ".join(parts) or _("no reason given"))


def _video_name(media: MediaFile) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", media.path.rsplit("/", 1)[-1]).strip("._") or "video"
    return stem if stem.lower().endswith(".mp4") else f"{stem}.mp4"


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _json_bytes(body: dict[str, Any]) -> bytes:
    """The request body exactly as built: the SDK's models would add `$type`
    to nested objects, and a record rebuilt by another SDK version must still
    be byte-identical (same CID) to the one already written."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _action(nsid: str) -> str:
    return nsid.rsplit(".", 1)[-1]


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _describe(error: Exception) -> str:
    cause = error.__cause__ or error.__context__ or error
    text = str(cause) or str(error) or ""
    return _redact(f"{type(cause).__name__}: {text}" if text else type(cause).__name__)


def _redact(text: str) -> str:
    """Server text in our messages: no token, no wall of text."""
    text = _JWT.sub("[token]", text.strip())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"
