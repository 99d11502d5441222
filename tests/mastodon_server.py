"""A Mastodon server for tests: `mastodon-mock` (FastAPI + in-memory SQLite)
on a free loopback port, in a thread of the test process (~0.3 s to start).

Fixtures (import them into a test module, or list this module in a
conftest's `pytest_plugins = ["tests.mastodon_server"]`):

    from tests.mastodon_server import mastodon_server, mastodon_server_factory  # noqa: F401

    def test_post(mastodon_server):              # a fresh server per test
        mastodon_server.url                      # http://127.0.0.1:PORT
        mastodon_server.token                    # a fresh access token of alice
        mastodon_server.account                  # "alice@mock.local"
        client = mastodon_server.client()        # Mastodon.py as alice, ratelimit_method="throw"

    def test_limits(mastodon_server_factory):    # servers with options, stopped after the test
        server = mastodon_server_factory(rate_limit=RateLimit(limit=5, window_seconds=60))

Faults, through the mock's control plane (`/api/v1/_mock/faults`); every
method returns a `Fault` that can be removed, or used as a context manager:

    mastodon_server.rate_limit_once("/api/v1/statuses", reset_in=30)   # one 429 + reset headers
    mastodon_server.fail("/api/v1/media", status=503, count=2)          # two 503s, then normal
    mastodon_server.add_fault(path="/api/v1/statuses", type="latency", delay_ms=500)
    with mastodon_server.fail("/api/v1/statuses"): ...

The OAuth out-of-band flow: `approve(authorization_url, username)` does what
the user does in the browser and returns the code the page shows.

What the mock does NOT do like Mastodon (cover these with transport fakes):
length counting (raw `len()`, no 23 per URL), media always processed at once
(never 202), no MIME or alt-text checks, old instance limits; with
`rate_limit`, one generic per-token window whose `X-RateLimit-Reset` is epoch
seconds (Mastodon sends ISO 8601; `rate_limit_once` sends ISO 8601). Its
`enforce_scopes` option only knows the coarse read/write scopes, so it would
refuse quittex's granular ones: it is not offered here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, RateLimitConfig, StreamingConfig
from mastodon_mock.routers import accounts as _mock_accounts
from mastodon_mock.testing import DEFAULT_TEST_SEED, MockServer
from starlette.datastructures import UploadFile as StarletteUploadFile

# mastodon-mock 0.6 checks profile uploads against FastAPI's UploadFile, but
# `request.form()` gives Starlette's, so every avatar and header sent to
# update_credentials was silently dropped. The mock runs in this process: let
# it recognise the uploads Mastodon.py sends, as a real server does.
_mock_accounts.UploadFile = StarletteUploadFile

DEFAULT_USER = "alice"  # seeded with bob and carol (carol is locked)
_CODE = re.compile(r"Authorization code:\s*([^<\s]+)")


@dataclass(frozen=True)
class RateLimit:
    """The mock's own limiter: `limit` requests per token per fixed window."""

    limit: int
    window_seconds: int = 300


class Fault:
    """A fault rule on the server; `remove()` it, or use it as a context manager."""

    def __init__(self, server: MastodonTestServer, rule: dict[str, Any]) -> None:
        self.server = server
        self.rule = rule
        self.id: str = rule["id"]

    def remove(self) -> None:
        self.server._control("DELETE", f"/faults/{self.id}", allow_missing=True)

    def __enter__(self) -> Fault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


class MastodonTestServer:
    """One mastodon-mock server; `start()`/`stop()` or `with`."""

    def __init__(
        self, *, rate_limit: RateLimit | None = None, domain: str = "mock.local", version: str | None = None
    ) -> None:
        limiter = RateLimitConfig(enabled=rate_limit is not None, **_limit_fields(rate_limit))
        self.config = MastodonMockConfig(
            **({"mocked_version": version} if version else {}),
            domain=domain,
            database=DatabaseConfig(path=":memory:"),
            seed=DEFAULT_TEST_SEED,
            ratelimit=limiter,
            streaming=StreamingConfig(heartbeat_seconds=0.2),
        )
        self._mock = MockServer(config=self.config)
        self.token = ""

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> MastodonTestServer:
        self._mock.start()
        self.token = self.token_for(DEFAULT_USER)
        return self

    def stop(self) -> None:
        self._mock.stop()

    def __enter__(self) -> MastodonTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to the seed (alice, bob, carol), no faults; `token` is issued anew."""
        self._control("POST", "/reset")
        self.token = self.token_for(DEFAULT_USER)

    # -- who is who ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._mock.base_url

    @property
    def domain(self) -> str:
        """The instance's own domain: accounts are user@domain."""
        return self.config.domain

    @property
    def account(self) -> str:
        return f"{DEFAULT_USER}@{self.domain}"

    def token_for(self, username: str) -> str:
        """A fresh access token for a local account (all scopes)."""
        return self._control("POST", "/login", json={"username": username})["access_token"]

    def create_account(self, username: str) -> str:
        """A new local account; returns its access token."""
        return self._control("POST", "/dev_user", json={"username": username})["access_token"]

    def client(self, username: str = DEFAULT_USER, **kwargs: Any):
        """A Mastodon.py client for `username` (a fresh token), ratelimit_method="throw"."""
        from mastodon import Mastodon

        token = self.token if username == DEFAULT_USER else self.token_for(username)
        options = {"ratelimit_method": "throw", "version_check_mode": "none", **kwargs}
        return Mastodon(access_token=token, api_base_url=self.url, **options)

    # -- OAuth -------------------------------------------------------------------------

    def approve(self, authorization_url: str, username: str = DEFAULT_USER) -> str:
        """Play the user: open the authorisation page, approve as `username`,
        return the code the page shows (out-of-band redirect)."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(authorization_url).query).items()}
        page = httpx.get(authorization_url, timeout=10)
        page.raise_for_status()
        form = {
            "username": username,
            "client_id": query["client_id"],
            "redirect_uri": query["redirect_uri"],
            "scope": query.get("scope", ""),
            "state": query.get("state", ""),
        }
        answer = httpx.post(f"{self.url}/oauth/authorize", data=form, timeout=10)
        answer.raise_for_status()
        match = _CODE.search(answer.text)
        if match is None:
            raise AssertionError(f"no authorisation code on the page: {answer.text[:300]}")
        return match.group(1)

    # -- faults ------------------------------------------------------------------------

    def add_fault(
        self,
        *,
        path: str | None = None,
        path_regex: str | None = None,
        methods: list[str] | None = None,
        type: str = "status",
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        delay_ms: int = 0,
        count: int | None = None,
    ) -> Fault:
        """Any rule the mock knows (spec: mastodon_mock faults.py). `type` is
        status | ratelimit | latency | malformed | timeout; `count` None = forever.
        `path` matches the exact request path (`*` globs allowed)."""
        effect: dict[str, Any] = {"type": type, "delay_ms": delay_ms}
        if status is not None:
            effect["status"] = status
        if body is not None:
            effect["body"] = body
        if headers is not None:
            effect["headers"] = headers
        rule = {"match": {"methods": methods, "path": path, "path_regex": path_regex}, "effect": effect, "count": count}
        return Fault(self, self._control("POST", "/faults", json=rule))

    def fail(self, path: str, *, status: int = 500, count: int | None = 1, methods: list[str] | None = None) -> Fault:
        return self.add_fault(path=path, methods=methods, status=status, count=count)

    def rate_limit_once(
        self, path: str, *, reset_in: float = 60, count: int = 1, limit: int = 300, methods: list[str] | None = None
    ) -> Fault:
        """`count` answers 429 with Mastodon's headers: X-RateLimit-Reset in ISO 8601."""
        reset = datetime.now(UTC) + timedelta(seconds=reset_in)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "Retry-After": str(max(0, round(reset_in))),
        }
        return self.add_fault(path=path, methods=methods, type="ratelimit", headers=headers, count=count)

    def faults(self) -> list[dict[str, Any]]:
        return self._control("GET", "/faults")

    def clear_faults(self) -> None:
        self._control("DELETE", "/faults")

    # -- plumbing ----------------------------------------------------------------------

    def _control(self, method: str, path: str, *, json: Any = None, allow_missing: bool = False) -> Any:
        response = httpx.request(method, f"{self.url}/api/v1/_mock{path}", json=json, timeout=10)
        if allow_missing and response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()


def _limit_fields(rate_limit: RateLimit | None) -> dict[str, int]:
    if rate_limit is None:
        return {}
    return {"limit": rate_limit.limit, "window_seconds": rate_limit.window_seconds}


@pytest.fixture
def mastodon_server() -> Iterator[MastodonTestServer]:
    """A fresh mastodon-mock server for one test (no rate limits)."""
    with MastodonTestServer() as server:
        yield server


@pytest.fixture
def mastodon_server_factory() -> Iterator[Callable[..., MastodonTestServer]]:
    """Start servers with options (`rate_limit=RateLimit(...)`, `domain=`,
    `version="4.4.0"` for an older Mastodon); all
    are stopped after the test."""
    started: list[MastodonTestServer] = []

    def start(**options: Any) -> MastodonTestServer:
        server = MastodonTestServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
