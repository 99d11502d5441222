"""Transport-level fakes for Mastodon.py: what mastodon-mock cannot do.

Mastodon.py sends every request through `client.session` (a `requests`
session), so a transport adapter mounted on it sees each request and each
answer. Two adapters:

- `ScriptedTransport`: no server at all; answers from a script (unit tests).
- `FaultyTransport`: forwards to a real server (mastodon-mock) and misbehaves
  on cue, covering mastodon-mock's gaps (docs/platforms.md):
    * connections dropped *after* the server received and handled the request
      (`drop_after_send`), or before it (`drop_before_send`);
    * 500/502/503 answers, before or after the server handled the request (`fail`);
    * 429 with Mastodon's `X-RateLimit-*` headers, reset in ISO 8601 (`rate_limit`),
      and those headers on ordinary answers (`budget`);
    * media processed asynchronously: 202 with `url: null`, then 206 while
      "processing", then the real answer (`async_media`), or a failed processing;
    * status length counted like Mastodon (URLs count 23, `@user@domain` as
      `@user`) instead of mastodon-mock's raw `len()` (`count_like_mastodon`,
      with `lift_mock_length_limit`);
    * the limits a current Mastodon advertises in `instance_v2` (`instance`);
    * Idempotency-Keys past their hour (`expire_idempotency_keys`).

    transport = FaultyTransport()
    transport.install(client)                 # mount on the client's session
    transport.drop_after_send("POST", "/api/v1/statuses")
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import regex
import requests
from mastodon._url_regex import url_regex
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

# -- building answers ---------------------------------------------------------------


@dataclass
class Answer:
    """A canned HTTP answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def build(self, request: requests.PreparedRequest) -> requests.Response:
        return make_response(request, self.status, self.body, self.headers)


def make_response(
    request: requests.PreparedRequest, status: int, body: Any, headers: dict[str, str] | None = None
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = _REASONS.get(status, "")
    response.url = request.url or ""
    response.request = request
    response.encoding = "utf-8"
    raw = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
    response._content = raw
    merged = {"Content-Type": "application/json; charset=utf-8", "Date": http_date(), **(headers or {})}
    response.headers = CaseInsensitiveDict(merged)
    return response


_REASONS = {
    200: "OK",
    202: "Accepted",
    206: "Partial Content",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def http_date(moment: datetime | None = None) -> str:
    return format_datetime(moment or datetime.now(UTC), usegmt=True)


def iso_in(seconds: float, now: datetime | None = None) -> str:
    """An ISO 8601 time `seconds` from now, the way Mastodon writes X-RateLimit-Reset."""
    base = (now or datetime.now(UTC)).timestamp() + seconds
    return datetime.fromtimestamp(base, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dropped(
    message: str = "Connection aborted: RemoteDisconnected('Remote end closed connection')",
) -> requests.ConnectionError:
    return requests.ConnectionError(message)


def form_of(request: requests.PreparedRequest) -> dict[str, list[str]]:
    """The urlencoded form fields of a request (Mastodon.py's status_post)."""
    body = request.body or ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return parse_qs(body, keep_blank_values=True)


def path_of(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url or "").path


# -- a scripted server, for unit tests -----------------------------------------------


Reply = Answer | Exception | Callable[[requests.PreparedRequest], "Answer | Exception"]


@dataclass
class _Route:
    method: str
    path: re.Pattern[str]
    replies: list[Reply]
    served: int = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class ScriptedTransport(BaseAdapter):
    """Answers requests from a script: `on(method, path_regex, *replies)`
    serves the replies in order, the last one again and again. An unscripted
    request fails the test loudly (404 with an explanation)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: list[_Route] = []
        self.requests: list[requests.PreparedRequest] = []

    def on(self, method: str, path: str, *replies: Reply) -> ScriptedTransport:
        self.routes.insert(0, _Route(method.upper(), re.compile(path), list(replies) or [Answer()]))
        return self

    def install(self, client: Any, base_url: str) -> ScriptedTransport:
        client.session.mount(base_url, self)
        return self

    def sent(self, method: str, path: str) -> list[requests.PreparedRequest]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(path_of(r))]

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        for route in self.routes:
            if route.method == request.method and route.path.fullmatch(path_of(request)):
                reply = route.next_reply()
                if callable(reply) and not isinstance(reply, Answer | Exception):
                    reply = reply(request)
                if isinstance(reply, Exception):
                    raise reply
                return reply.build(request)
        return make_response(request, 404, {"error": f"unscripted request {request.method} {path_of(request)}"})

    def close(self) -> None:
        pass


# -- a misbehaving proxy in front of a real server ----------------------------------------


@dataclass
class _Rule:
    method: str
    path: re.Pattern[str]
    times: int | None  # None: forever
    # Returns (answer, whether the server got the request), or raises.
    act: Callable[[FaultyTransport, requests.PreparedRequest, dict], tuple[requests.Response, bool]]

    def take(self, request: requests.PreparedRequest) -> bool:
        if self.method != request.method or not self.path.fullmatch(path_of(request)):
            return False
        if self.times is not None:
            if self.times <= 0:
                return False
            self.times -= 1
        return True


@dataclass
class Exchange:
    """One request as the server (or the fault) saw it."""

    method: str
    path: str
    status: int | None  # None: the client got no answer
    reached_server: bool
    idempotency_key: str | None


class FaultyTransport(HTTPAdapter):
    """Forwards every request to the real server, except where a rule says
    otherwise. `log` records what happened to each request."""

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[_Rule] = []
        self.log: list[Exchange] = []
        self.decorators: list[Callable[[requests.PreparedRequest, requests.Response], None]] = []
        self.keys_expired = False
        self._lock = threading.Lock()

    def install(self, client: Any) -> FaultyTransport:
        base = client.api_base_url.rstrip("/")
        client.session.mount(base + "/", self)
        return self

    # -- faults ---------------------------------------------------------------------
    def rule(self, method: str, path: str, act: Callable, times: int | None = 1) -> FaultyTransport:
        self.rules.append(_Rule(method.upper(), re.compile(path), times, act))
        return self

    def drop_after_send(self, method: str, path: str, times: int | None = 1) -> FaultyTransport:
        """The server gets and handles the request; the client never hears back."""

        def act(transport, request, kwargs):
            transport.forward(request, kwargs)
            transport._note(request, None, reached=True)
            raise dropped()

        return self.rule(method, path, act, times)

    def drop_before_send(self, method: str, path: str, times: int | None = 1) -> FaultyTransport:
        def act(transport, request, kwargs):
            transport._note(request, None, reached=False)
            raise requests.ConnectTimeout("connect timeout")

        return self.rule(method, path, act, times)

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int | None = 1,
        after_send: bool = False,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> FaultyTransport:
        """Answer `status` (500, 502, 503, 422...): in place of the server, or
        after it handled the request (a gateway error on the way back)."""

        def act(transport, request, kwargs):
            if after_send:
                transport.forward(request, kwargs)
            return make_response(request, status, body or {"error": _REASONS.get(status, "error")}, headers), after_send

        return self.rule(method, path, act, times)

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        reset_in: float = 120.0,
        limit: int = 300,
        times: int | None = 1,
        now: Callable[[], datetime] | None = None,
    ) -> FaultyTransport:
        """A 429 like Mastodon's: X-RateLimit-* with the reset in ISO 8601."""

        def act(transport, request, kwargs):
            moment = now() if now else datetime.now(UTC)
            headers = {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": iso_in(reset_in, moment),
                "Date": http_date(moment),
            }
            return make_response(request, 429, {"error": "Too many requests"}, headers), False

        return self.rule(method, path, act, times)

    def budget(self, remaining: Callable[[], int], *, reset_in: float = 300.0, limit: int = 300) -> FaultyTransport:
        """Put Mastodon's X-RateLimit-* headers on every real answer."""

        def decorate(request, response):
            response.headers.update(
                {
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": str(remaining()),
                    "X-RateLimit-Reset": iso_in(reset_in),
                }
            )

        self.decorators.append(decorate)
        return self

    def async_media(self, polls: int = 2, *, fail_processing: bool = False) -> FaultyTransport:
        """Uploads answer 202 with `url: null`; the media then answers 206 with
        no URL `polls` times, then the real 200 (or 422 if processing fails)."""
        pending: dict[str, int] = {}

        def upload(transport, request, kwargs):
            response = transport.forward(request, kwargs)
            data = response.json()
            pending[str(data["id"])] = polls
            data.update(url=None, preview_url=None)
            return make_response(request, 202, data), True

        def poll(transport, request, kwargs):
            media_id = path_of(request).rsplit("/", 1)[-1]
            if pending.get(media_id, 0) > 0:
                pending[media_id] -= 1
                data = transport.forward(request, kwargs).json()
                data.update(url=None, preview_url=None)
                return make_response(request, 206, data), True
            if fail_processing and media_id in pending:
                return make_response(request, 422, {"error": "Error processing thumbnail for uploaded media"}), True
            return transport.forward(request, kwargs), True

        self.rule("POST", r"/api/v[12]/media", upload, times=None)
        return self.rule("GET", r"/api/v1/media/\d+", poll, times=None)

    def expire_idempotency_keys(self) -> FaultyTransport:
        """Every request arrives as if its Idempotency-Key had expired (Mastodon
        keeps one for an hour; mastodon-mock forever): a resend makes a new
        status, and only the client's own reconciliation prevents duplicates."""
        self.keys_expired = True
        return self

    def count_like_mastodon(self, max_characters: int = 500, url_weight: int = 23) -> FaultyTransport:
        """422 a status longer than Mastodon would allow, counted Mastodon's way.
        Pair with `lift_mock_length_limit` so mastodon-mock's raw len() check
        does not refuse what Mastodon accepts."""

        def check(transport, request, kwargs):
            form = form_of(request)
            length = mastodon_count(form.get("status", [""])[0], url_weight) + mastodon_count(
                form.get("spoiler_text", [""])[0], url_weight
            )
            if length > max_characters:
                error = f"Validation failed: Text character limit of {max_characters} exceeded"
                return make_response(request, 422, {"error": error}), False
            return transport.forward(request, kwargs), True

        return self.rule("POST", r"/api/v1/statuses", check, times=None)

    def instance(self, **configuration: dict[str, Any]) -> FaultyTransport:
        """Rewrite `instance_v2`'s configuration sections (e.g. statuses={...})."""

        def act(transport, request, kwargs):
            data = transport.forward(request, kwargs).json()
            for section, values in configuration.items():
                data.setdefault("configuration", {}).setdefault(section, {}).update(values)
            return make_response(request, 200, data), True

        return self.rule("GET", r"/api/v2/instance/?", act, times=None)

    # -- plumbing -----------------------------------------------------------------------
    def forward(self, request: requests.PreparedRequest, kwargs: dict) -> requests.Response:
        response = super().send(request, **kwargs)
        _ = response.content  # read it all now: the connection goes back to the pool
        return response

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.keys_expired:
            request.headers.pop("Idempotency-Key", None)
        with self._lock:
            rule = next((r for r in self.rules if r.take(request)), None)
        if rule is not None:
            response, reached = rule.act(self, request, kwargs)
        else:
            response, reached = self.forward(request, kwargs), True
        self._note(request, response.status_code, reached=reached)
        for decorate in self.decorators:
            decorate(request, response)
        return response

    def _note(self, request: requests.PreparedRequest, status: int | None, *, reached: bool) -> None:
        key = request.headers.get("Idempotency-Key")
        self.log.append(Exchange(request.method or "", path_of(request), status, reached, key))

    def reached(self, method: str, path: str) -> list[Exchange]:
        """Requests that reached the server (whatever the client then heard)."""
        pattern = re.compile(path)
        return [e for e in self.log if e.method == method and pattern.fullmatch(e.path) and e.reached_server]


# -- Mastodon's length rule, as the server applies it ------------------------------------

_GRAPHEME = regex.compile(r"\X")
_REMOTE_MENTION = re.compile(r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)", re.IGNORECASE)


def mastodon_count(text: str, url_weight: int = 23) -> int:
    """Mastodon's status length: graphemes, every URL `url_weight`,
    `@user@domain` as `@user` (the server's StatusLengthValidator)."""
    text = url_regex.sub(lambda m: m.group(2) + "x" * url_weight, text)
    text = _REMOTE_MENTION.sub(r"\1@\3", text)
    return len(_GRAPHEME.findall(text))


def lift_mock_length_limit(monkeypatch: Any, limit: int = 100_000) -> None:
    """mastodon-mock refuses raw len() > 500; Mastodon counts URLs as 23. The
    mock runs in this process: raise its limit, let `count_like_mastodon` judge."""
    from mastodon_mock.routers import statuses

    monkeypatch.setattr(statuses, "MAX_STATUS_CHARACTERS", limit)


# -- time that passes only when slept ------------------------------------------------------


class FakeTime:
    """A clock for the pacer that moves only when something sleeps, starting
    at the real time (so servers' Date headers stay comparable)."""

    def __init__(self, start: float | None = None) -> None:
        import time

        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)

    @property
    def slept(self) -> float:
        return sum(self.sleeps)
