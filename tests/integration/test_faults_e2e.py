"""Fault injection, end to end: `quittex migrate` of a 30-tweet archive (threads,
photos, posts split in parts, a self-quote) to the real local PDS and to
mastodon-mock at once, with a fault proxy in front of each server.

Faults: connections dropped after the server acted, 500/502/503 (before and
after the server acted), slow answers, 429 with reset headers, and runs that
give up and are resumed. Whatever happens, every selected tweet ends up
exactly once on each platform, threaded as planned (`archives.py` checks it
against what the servers hold, read without the proxy).

The atproto SDK moves to the PDS URL named in the session's DID document as
soon as it has logged in, so a plain proxy would only see the login. The
PDS's DID documents name `http://localhost:PORT`; `ServerProxy` rewrites
that URL into its own in the answers that pass through it, as a PDS behind a
reverse proxy names the proxy, and every later request comes through it:
each test asserts that its faults were served (`unserved`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from quittex.publish import runner
from tests.cli_helpers import run_cli
from tests.fault_proxy import Fault, FaultProxy
from tests.integration.archives import (
    bluesky_problems,
    expected_posts,
    mastodon_problems,
    migration_archive,
    read_bluesky,
    read_mastodon,
)
from tests.mastodon_server import MastodonTestServer

pytestmark = pytest.mark.pds

STATUSES = "/api/v1/statuses"
MEDIA = "/api/v2/media"
LISTING = "/statuses?"  # GET /api/v1/accounts/:id/statuses?…: how find() looks for a lost post


# -- the proxy ----------------------------------------------------------------------


@dataclass
class At(Fault):
    """A fault served on the n-th requests (1-based) that match its path and
    method, counting every matching request whatever other faults do."""

    at: tuple[int, ...] = (1,)
    seen: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.times = len(self.at)

    def applies(self, method: str, path: str) -> bool:
        return self.path in path and (self.method is None or self.method == method)

    def matches(self, method: str, path: str) -> bool:
        return self.hits < self.times and self.applies(method, path) and self.seen in self.at


@dataclass(frozen=True)
class Arrival:
    moment: float
    method: str
    path: str
    fault: Fault | None


class ServerProxy(FaultProxy):
    """A FaultProxy that stands where the server says it is (see the module
    doc), records when each request arrived and which fault it got, can make
    the server forget Idempotency-Keys (`forget_idempotency_keys`), and knows
    three more faults:
    - status_after_forward: the server handles the request, the client gets
      `status` (a 5xx hiding a success);
    - garbled_after_forward: the server handles the request, the client gets
      a 200 whose body is an HTML page (a broken middlebox);
    - slow_answer: the server handles the request, the answer comes `seconds`
      later (outcome "held" while it waits: the moment to kill a client)."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.arrivals: list[Arrival] = []
        self._keys_seen: set[str] = set()
        self._keys_forgotten: set[str] = set()
        self._server.handle_error = lambda request, address: None  # clients we kill leave broken pipes

    def forget_idempotency_keys(self) -> None:
        """Mastodon remembers an Idempotency-Key for one hour: from now on, the
        keys already sent reach the server as fresh ones, as they would after
        that hour (mastodon-mock remembers them for ever). A resend then
        relies on quittex's own look-up alone."""
        with self._lock:
            self._keys_forgotten |= self._keys_seen

    def key_for_server(self, key: str) -> str:
        with self._lock:
            self._keys_seen.add(key)
            return f"{key}-an-hour-later-{time.time_ns()}" if key in self._keys_forgotten else key

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if isinstance(fault, At) and fault.applies(method, path):
                    fault.seen += 1
        fault = super()._take(method, path)
        self.arrivals.append(Arrival(time.time(), method, path, fault))
        return fault

    def unserved(self) -> list[Fault]:
        """Faults added but not (all) served: [] when every one hit."""
        return [fault for fault in self.faults if fault.hits != fault.times]

    def as_public(self, response: httpx.Response) -> httpx.Response:
        """The upstream's own URL replaced by the proxy's in JSON answers."""
        if "json" not in response.headers.get("content-type", "") or self.upstream.encode() not in response.content:
            return response
        content = response.content.replace(self.upstream.encode(), self.url.encode())
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def _handler_class(self):
        proxy, base = self, super()._handler_class()

        class Handler(base):
            def _upstream(self, body: bytes) -> httpx.Response:
                if key := self.headers.get("Idempotency-Key"):
                    self.headers.replace_header("Idempotency-Key", proxy.key_for_server(key))
                return proxy.as_public(super()._upstream(body))

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = proxy._take(self.command, self.path)
                kind = fault.kind if fault else None
                if kind is None:
                    self._forward(body)
                elif kind == "status_after_forward":
                    self._upstream(body)
                    self._answer(fault.status, {"content-type": "application/json"}, b'{"error":"InternalServerError"}')
                elif kind == "garbled_after_forward":
                    self._upstream(body)
                    self._answer(
                        200, {"content-type": "text/html"}, b"<html><body>Bad gateway</body></html>", "garbled"
                    )
                elif kind == "slow_answer":
                    self._slow_answer(body, fault.seconds)
                else:
                    self._injected(kind, fault, body)

            def _slow_answer(self, body: bytes, seconds: float) -> None:
                response = self._upstream(body)
                proxy.requests.append((self.command, self.path, "held"))
                time.sleep(seconds)
                headers = {
                    k: v
                    for k, v in response.headers.items()
                    if k.lower() not in ("content-length", "content-encoding", "transfer-encoding", "connection")
                }
                self._answer(response.status_code, headers, response.content, "slow")

            def _injected(self, kind: str, fault: Fault, body: bytes) -> None:
                if kind == "delay":
                    time.sleep(fault.seconds)
                    self._forward(body, outcome="slow")
                elif kind == "drop_after_forward":
                    self._upstream(body)
                    self._drop("dropped after forward")
                elif kind == "drop_before_forward":
                    self._drop("dropped before forward")
                elif kind == "rate_limit":
                    self._rate_limited(fault.reset_in)
                else:
                    self._answer(
                        fault.status,
                        {"content-type": "application/json"},
                        b'{"error":"InternalServerError","message":"injected"}',
                    )

        return Handler


# -- a migration behind the proxies ---------------------------------------------------------


# Mastodon.py's URL pattern (which quittex's look-up uses to set links aside)
# knows only real top-level domains: the mock's default "mock.local" is none.
REAL_LOOKING_DOMAIN = "mock.social"


@dataclass
class Setup:
    archive: Path
    plan: dict
    pds: object
    account: object
    mastodon: MastodonTestServer
    bluesky_proxy: ServerProxy
    mastodon_proxy: ServerProxy

    def migrate(self, *extra: str, to: str = "mastodon,bluesky"):
        return run_cli("migrate", self.archive, "--to", to, "--yes", *extra)

    def problems(self, platforms: tuple[str, ...] = ("bluesky", "mastodon")) -> list[str]:
        """Read back from the servers themselves, not through the proxies."""
        problems = []
        if "bluesky" in platforms:
            problems += bluesky_problems(self.plan["bluesky"], read_bluesky(self.pds.url, self.account.did))
        if "mastodon" in platforms:
            problems += mastodon_problems(self.plan["mastodon"], read_mastodon(self.mastodon.client()))
        return problems


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return migration_archive(tmp_path_factory.mktemp("archive") / "faults.zip", 30)


@pytest.fixture
def make_setup(archive, pds, monkeypatch) -> Iterator[Callable[..., Setup]]:
    """`make_setup(domain=…)`: fresh accounts on the PDS and on a new
    mastodon-mock, a proxy in front of each, the credentials variables set."""
    # Retries back off for a tenth of the real time: the same path, shorter waits.
    monkeypatch.setattr(runner, "BACKOFF_BASE_SECONDS", 0.2)
    with ExitStack() as stack:

        def make(domain: str = REAL_LOOKING_DOMAIN) -> Setup:
            account = pds.create_account()
            mastodon = stack.enter_context(MastodonTestServer(domain=domain))
            bluesky_proxy = stack.enter_context(ServerProxy(pds.url))
            mastodon_proxy = stack.enter_context(ServerProxy(mastodon.url))
            monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", account.handle)
            monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", pds.create_app_password(account))
            monkeypatch.setenv("QUITTEX_BLUESKY_PDS", bluesky_proxy.url)
            monkeypatch.setenv("QUITTEX_MASTODON_URL", mastodon_proxy.url)
            monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", mastodon.token)
            return Setup(archive, expected_posts(archive), pds, account, mastodon, bluesky_proxy, mastodon_proxy)

        yield make


@pytest.fixture
def setup(make_setup) -> Setup:
    return make_setup()


def published(result, platform: str) -> int:
    line = next(line for line in result.stdout.splitlines() if line.startswith(platform))
    return int(line.split(":")[1].split()[0].replace(",", ""))


def test_the_proxies_carry_every_publishing_request(setup):
    result = setup.migrate()
    assert result.exit_code == 0, result.stdout + result.stderr
    bluesky = {path.split("?")[0] for _, path, _ in setup.bluesky_proxy.requests}
    assert {
        "/xrpc/com.atproto.server.createSession",
        "/xrpc/com.atproto.repo.putRecord",
        "/xrpc/com.atproto.repo.uploadBlob",
    } <= bluesky
    assert len(setup.bluesky_proxy.outcomes("putRecord")) == len(setup.plan["bluesky"])
    assert len([1 for m, p, _ in setup.mastodon_proxy.requests if m == "POST" and p == STATUSES]) == len(
        setup.plan["mastodon"]
    )
    assert setup.problems() == []


def positions(posts: dict, wanted) -> list[int]:
    """1-based positions, in posting order, of the planned posts `wanted` picks."""
    return [n for n, post in enumerate(posts.values(), 1) if wanted(post)]


def test_answers_lost_after_the_server_acted(setup):
    """The server made the post (or stored the media), the answer never came
    back: on a thread's reply, on the second part of a split tweet, on the
    quote of an earlier post, and on uploads."""
    bluesky, mastodon = setup.plan["bluesky"], setup.plan["mastodon"]
    reply, part, quote = (
        positions(bluesky, test)[0]
        for test in (lambda p: p.parent and p.part == 0, lambda p: p.part > 0, lambda p: p.quotes)
    )
    setup.bluesky_proxy.add(
        At("drop_after_forward", path="putRecord", at=(reply, part, quote)),
        At("drop_after_forward", path="uploadBlob", at=(2, 9)),
        At("status_after_forward", path="putRecord", status=500, at=(positions(bluesky, lambda p: p.parent)[-1],)),
        At("garbled_after_forward", path="putRecord", at=(len(bluesky),)),
    )
    reply, part, link = (
        positions(mastodon, test)[0]
        for test in (lambda p: p.parent and p.part == 0, lambda p: p.part > 0, lambda p: p.links_to_migrated)
    )
    setup.mastodon_proxy.add(
        At("drop_after_forward", path=STATUSES, method="POST", at=(reply, part, link)),
        At("drop_after_forward", path=MEDIA, method="POST", at=(2, 8)),
        At(
            "status_after_forward",
            path=STATUSES,
            method="POST",
            status=502,
            at=(positions(mastodon, lambda p: p.parent)[-1],),
        ),
        At("garbled_after_forward", path=STATUSES, method="POST", at=(len(mastodon),)),
    )
    result = setup.migrate()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert setup.bluesky_proxy.unserved() == setup.mastodon_proxy.unserved() == []
    assert setup.bluesky_proxy.outcomes("putRecord").count("dropped after forward") == 3
    assert setup.mastodon_proxy.outcomes(MEDIA).count("dropped after forward") == 2
    assert setup.problems() == []
    # Each lost post was looked up, not sent again.
    assert len(setup.bluesky_proxy.outcomes("putRecord")) == len(bluesky)
    assert len([1 for m, p, _ in setup.mastodon_proxy.requests if m == "POST" and p == STATUSES]) == len(mastodon)


def test_server_errors_and_slow_answers(setup):
    setup.bluesky_proxy.add(
        At("status", path="putRecord", status=500, at=(2,)),
        At("status", path="putRecord", status=503, at=(8, 9, 10)),  # three in a row, same post
        At("status", path="uploadBlob", status=502, at=(3,)),
        At("status", path="getRecord", status=502, at=(1,)),  # the look-up after a failure fails too
        At("delay", path="putRecord", seconds=1.5, at=(15,)),
        At("delay", path="uploadBlob", seconds=1.0, at=(5,)),
    )
    setup.mastodon_proxy.add(
        At("status", path=STATUSES, method="POST", status=500, at=(2,)),
        At("status", path=STATUSES, method="POST", status=503, at=(7, 8)),
        At("status", path=MEDIA, method="POST", status=502, at=(4,)),
        At("status", path=LISTING, method="GET", status=503, at=(1,)),
        At("delay", path=STATUSES, method="POST", seconds=1.5, at=(14,)),
        At("delay", path=MEDIA, method="POST", seconds=1.0, at=(6,)),
    )
    result = setup.migrate()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert setup.bluesky_proxy.unserved() == setup.mastodon_proxy.unserved() == []
    assert {500, 502, 503, "slow"} <= set(setup.bluesky_proxy.outcomes("/xrpc/"))
    assert {500, 502, 503, "slow"} <= set(setup.mastodon_proxy.outcomes("/api/"))
    assert setup.problems() == []


def test_rate_limits_are_waited_out_until_the_reset(setup):
    setup.bluesky_proxy.add(
        At("rate_limit", path="putRecord", reset_in=2, at=(3,)),
        At("rate_limit", path="uploadBlob", reset_in=1, at=(4,)),
    )
    setup.mastodon_proxy.add(
        At("rate_limit", path=STATUSES, method="POST", reset_in=3, at=(5,)),
        At("rate_limit", path=MEDIA, method="POST", reset_in=1, at=(2,)),
    )
    result = setup.migrate()
    assert result.exit_code == 0, result.stdout + result.stderr
    for proxy in (setup.bluesky_proxy, setup.mastodon_proxy):
        assert proxy.unserved() == []
        assert early_requests(proxy) == []
    assert setup.problems() == []


def early_requests(proxy: ServerProxy) -> list[str]:
    """Requests sent after a 429 but before the reset it announced."""
    early = []
    for limited in (a for a in proxy.arrivals if a.fault is not None and a.fault.kind == "rate_limit"):
        reset = limited.moment + limited.fault.reset_in
        early += [
            f"{a.method} {a.path} {reset - a.moment:.2f} s early"
            for a in proxy.arrivals
            if limited.moment < a.moment < reset
        ]
    return early


def test_a_run_that_gives_up_is_resumed_without_duplicates(setup):
    # The post is made, its answer lost, and every look-up fails until the
    # run gives up: the journal holds it as "sending", the server has it.
    setup.bluesky_proxy.add(
        At("drop_after_forward", path="putRecord", at=(6,)),
        At("status", path="getRecord", status=503, at=(1, 2, 3, 4, 5)),
    )
    setup.mastodon_proxy.add(
        At("drop_after_forward", path=STATUSES, method="POST", at=(5,)),
        At("status", path=LISTING, method="GET", status=502, at=(1, 2, 3, 4, 5)),
    )
    first = setup.migrate()
    assert first.exit_code == 1, first.stdout + first.stderr
    assert "Run again later to resume" in " ".join(first.stderr.split())
    assert setup.bluesky_proxy.unserved() == setup.mastodon_proxy.unserved() == []
    left = {j["platform"]: j["left"] for j in json.loads(run_cli("status", "--json").stdout)["journals"]}
    assert left["bluesky"] > 0 and left["mastodon"] > 0

    setup.mastodon_proxy.forget_idempotency_keys()  # resumed more than an hour later
    second = setup.migrate()
    assert second.exit_code == 0, second.stdout + second.stderr
    assert setup.problems() == []
    third = setup.migrate()
    assert third.exit_code == 0 and published(third, "Bluesky") == 0 and published(third, "Mastodon") == 0


@pytest.mark.parametrize("domain", [REAL_LOOKING_DOMAIN, "mock.local"])
def test_a_lost_post_linking_to_a_migrated_one_is_found_an_hour_later(make_setup, domain):
    """A status whose text links to an already migrated post is made, its
    answer lost, every look-up fails until the run gives up; more than an hour
    later (the Idempotency-Key forgotten) the next run must find it."""
    setup = make_setup(domain)
    link = positions(setup.plan["mastodon"], lambda p: p.links_to_migrated)[0]
    setup.mastodon_proxy.add(
        At("drop_after_forward", path=STATUSES, method="POST", at=(link,)),
        At("status", path=LISTING, method="GET", status=503, at=(1, 2, 3, 4, 5)),
    )
    first = setup.migrate(to="mastodon")
    assert first.exit_code == 1 and setup.mastodon_proxy.unserved() == [], first.stdout + first.stderr
    setup.mastodon_proxy.forget_idempotency_keys()
    second = setup.migrate(to="mastodon")
    assert second.exit_code == 0, second.stdout + second.stderr
    assert setup.problems(("mastodon",)) == []


def test_a_run_stopped_by_rate_limits_and_errors_mid_thread_resumes(setup):
    """Faults of every kind at once, a give-up on one platform in the middle
    of a thread, then a resume with --max-posts runs to the end."""
    setup.bluesky_proxy.add(
        At("status", path="putRecord", status=503, at=tuple(range(12, 18))),  # six: Bluesky gives up
        At("drop_after_forward", path="uploadBlob", at=(3,)),
        At("rate_limit", path="putRecord", reset_in=1, at=(5,)),
    )
    setup.mastodon_proxy.add(
        At("drop_before_forward", path=STATUSES, method="POST", at=(4,)),
        At("drop_after_forward", path=STATUSES, method="POST", at=(9,)),
        At("rate_limit", path=MEDIA, method="POST", reset_in=1, at=(3,)),
    )
    first = setup.migrate()
    assert first.exit_code == 1, first.stdout + first.stderr
    assert setup.bluesky_proxy.unserved() == setup.mastodon_proxy.unserved() == []
    setup.mastodon_proxy.forget_idempotency_keys()
    partial = setup.migrate("--max-posts", "5")
    assert partial.exit_code == 0 and published(partial, "Bluesky") == 5, partial.stdout + partial.stderr
    last = setup.migrate()
    assert last.exit_code == 0, last.stdout + last.stderr
    assert setup.problems() == []
