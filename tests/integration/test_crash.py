"""Crash test: `quittex migrate` run as a real process to the local PDS and
mastodon-mock at once, killed with SIGKILL, resumed until it completes; after
every trial each selected tweet exists exactly once on each platform, every
reply points to its parent's post (`archives.py` reads it all back from the
servers). Every run after the first starts as if more than an hour had
passed: the Mastodon proxy makes the server forget the Idempotency-Keys
already sent, so nothing rests on them, only on quittex's journal and look-ups.

The trials (fixed seed, so a failure can be replayed; the kill times are
printed and attached to each test's report):
- `startup-*`, `random-*`: killed after a delay spread over the whole run,
  from 0.2 s (still importing) to after the last post: three before the
  first post (importing, reading the archive, logging in) and seven from
  the first post to past the last one, as timed in a clean run;
- `login-*`, `media-*`, `in-flight-*`: killed at a chosen request, held open
  by the proxy after the server handled it — during the login, during a
  media upload, and between the journal's "sending" and "done" (the post
  exists, the journal cannot know);
- `lost-*`: the n-th post's connection dropped before it reached the server,
  killed while the run backs off: "sending" in the journal, nothing on the
  server;
- `twice-*`: killed, resumed, killed again, resumed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from quittex.publish.journal import STATES, Journal, list_journals
from tests.integration.archives import (
    bluesky_problems,
    expected_posts,
    mastodon_problems,
    migration_archive,
    read_bluesky,
    read_mastodon,
)
from tests.integration.test_faults_e2e import REAL_LOOKING_DOMAIN, At, ServerProxy
from tests.mastodon_server import MastodonTestServer

pytestmark = pytest.mark.pds

SEED = 20_241_121
TWEETS = 15  # 17 posts on Bluesky, 16 on Mastodon, 8 photos each
HOLD_SECONDS = 3.0  # a held answer waits this long: the kill comes well before
RUN_TIMEOUT = 120.0
STATUSES, MEDIA = "/api/v1/statuses", "/api/v2/media"
REPO_ROOT = Path(__file__).resolve().parents[2]


# -- the trials --------------------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """One way to kill a run. `phase` and `fraction`: the delay, as a share of
    the startup or publishing phase of a clean run (`Timeline`);
    `server`/`path`/`method`/`nth`: the request at which to kill (targeted
    trials); `kind`: the proxy's fault there."""

    name: str
    phase: str | None = None  # "startup" | "publishing"
    fraction: float = 0.0
    server: str | None = None  # "bluesky" | "mastodon"
    path: str = ""
    method: str | None = None
    nth: int = 1
    kind: str = "slow_answer"
    again: float | None = None  # a second kill, in the resumed run's publishing phase

    def __str__(self) -> str:
        return self.name


def trials() -> list[Trial]:
    rng = random.Random(SEED)
    spread = lambda n, end: [round(end * (i + rng.random()) / n, 3) for i in range(n)]  # noqa: E731 - one per stratum
    pick = lambda low, high: rng.randint(low, high)  # noqa: E731
    return [
        *(Trial(f"startup-{f:.2f}", phase="startup", fraction=f) for f in spread(3, 1.0)),
        *(Trial(f"random-{f:.2f}", phase="publishing", fraction=f) for f in spread(7, 1.2)),
        Trial("login-bluesky", server="bluesky", path="createSession"),
        Trial("login-mastodon", server="mastodon", path="verify_credentials"),
        Trial("media-bluesky", server="bluesky", path="uploadBlob", nth=pick(1, 8)),
        Trial("media-mastodon", server="mastodon", path=MEDIA, method="POST", nth=pick(1, 8)),
        *(
            Trial(f"in-flight-bluesky-{n}", server="bluesky", path="putRecord", nth=n)
            for n in (pick(1, 7), pick(8, 16))
        ),
        *(
            Trial(f"in-flight-mastodon-{n}", server="mastodon", path=STATUSES, method="POST", nth=n)
            for n in (pick(1, 7), pick(8, 15))
        ),
        Trial("lost-bluesky", server="bluesky", path="putRecord", nth=pick(2, 14), kind="drop_before_forward"),
        Trial(
            "lost-mastodon",
            server="mastodon",
            path=STATUSES,
            method="POST",
            nth=pick(2, 14),
            kind="drop_before_forward",
        ),
        *(
            Trial(f"twice-{a:.2f}-{b:.2f}", phase="publishing", fraction=a, again=b)
            for a, b in ((rng.random(), rng.random()) for _ in range(2))
        ),
    ]


# -- servers, accounts, processes ----------------------------------------------------------


@dataclass
class Servers:
    pds: object
    mastodon: MastodonTestServer
    archive: Path
    plan: dict


@dataclass
class Target:
    """Fresh accounts on both servers, with proxies in front, and a fresh home."""

    servers: Servers
    env: dict[str, str]
    did: str
    mastodon_user: str
    bluesky_proxy: ServerProxy
    mastodon_proxy: ServerProxy

    def start(self) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "quittex",
            "migrate",
            str(self.servers.archive),
            "--to",
            "mastodon,bluesky",
            "--yes",
        ]
        with (Path(self.env["QUITTEX_HOME"]) / "runs.log").open("ab") as log:  # the child keeps its own copy
            return subprocess.Popen(
                command, env=self.env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )

    def run_to_the_end(self) -> float:
        began = time.monotonic()
        self.mastodon_proxy.forget_idempotency_keys()  # as if resumed an hour later: find() alone must do
        process = self.start()
        code = process.wait(RUN_TIMEOUT)
        assert code == 0, f"a resumed run failed ({code}):\n{self.log()}"
        return time.monotonic() - began

    def log(self) -> str:
        return (Path(self.env["QUITTEX_HOME"]) / "runs.log").read_text(errors="replace")[-3000:]

    def problems(self) -> list[str]:
        records = read_bluesky(self.servers.pds.url, self.did)
        statuses = read_mastodon(self.servers.mastodon.client(self.mastodon_user))
        return bluesky_problems(self.servers.plan["bluesky"], records) + mastodon_problems(
            self.servers.plan["mastodon"], statuses
        )


@pytest.fixture(scope="module")
def servers(pds, tmp_path_factory) -> Iterator[Servers]:
    home = tmp_path_factory.mktemp("crash")
    archive = migration_archive(home / "crash.zip", TWEETS)
    with pytest.MonkeyPatch.context() as patch, MastodonTestServer(domain=REAL_LOOKING_DOMAIN) as mastodon:
        patch.setenv("QUITTEX_HOME", str(home / "dry-run"))
        yield Servers(pds, mastodon, archive, expected_posts(archive))


@contextmanager
def fresh_target(servers: Servers, home: Path) -> Iterator[Target]:
    account = servers.pds.create_account()
    user = f"crash{os.urandom(3).hex()}"
    token = servers.mastodon.create_account(user)
    with ServerProxy(servers.pds.url) as bluesky, ServerProxy(servers.mastodon.url) as mastodon:
        env = {name: value for name, value in os.environ.items() if not name.startswith("QUITTEX_")}
        env.update(
            QUITTEX_HOME=str(home),
            QUITTEX_WIDTH="120",
            NO_COLOR="1",
            TERM="dumb",
            QUITTEX_BLUESKY_HANDLE=account.handle,
            QUITTEX_BLUESKY_PASSWORD=servers.pds.create_app_password(account),
            QUITTEX_BLUESKY_PDS=bluesky.url,
            QUITTEX_MASTODON_URL=mastodon.url,
            QUITTEX_MASTODON_TOKEN=token,
        )
        yield Target(servers, env, account.did, user, bluesky, mastodon)


@pytest.fixture
def target(servers, tmp_path) -> Iterator[Target]:
    with fresh_target(servers, tmp_path) as target:
        yield target


@dataclass(frozen=True)
class Timeline:
    """When a clean run sent its first and its last post, from its start."""

    first_post: float
    last_post: float

    def delay(self, phase: str, fraction: float) -> float:
        if phase == "startup":
            return 0.2 + fraction * (self.first_post - 0.2)
        return self.first_post + fraction * (self.last_post - self.first_post)


@pytest.fixture(scope="module")
def timeline(servers, tmp_path_factory) -> Timeline:
    """Times an uninterrupted run (which must be exactly once too)."""
    with fresh_target(servers, tmp_path_factory.mktemp("clean")) as target:
        began = time.time()
        seconds = target.run_to_the_end()
        assert target.problems() == []
        arrivals = target.bluesky_proxy.arrivals + target.mastodon_proxy.arrivals
        posts = [
            a.moment - began for a in arrivals if "putRecord" in a.path or (a.method, a.path) == ("POST", STATUSES)
        ]
    print(f"a clean run takes {seconds:.2f} s, posts from {min(posts):.2f} s to {max(posts):.2f} s")
    return Timeline(min(posts), max(posts))


# -- killing --------------------------------------------------------------------------------


def kill_after(target: Target, seconds: float) -> str:
    """Start a run, SIGKILL it `seconds` later; what happened, for the record."""
    target.mastodon_proxy.forget_idempotency_keys()
    began = time.monotonic()
    process = target.start()
    try:
        process.wait(seconds)
        return f"finished by itself after {time.monotonic() - began:.2f} s (kill planned at {seconds:.2f} s)"
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return f"killed at {time.monotonic() - began:.2f} s ({describe(journal_counts(target))})"


def kill_at_request(target: Target, trial: Trial) -> str:
    """Start a run, SIGKILL it when the proxy has served the trial's fault."""
    proxy = target.bluesky_proxy if trial.server == "bluesky" else target.mastodon_proxy
    fault = At(trial.kind, path=trial.path, method=trial.method, at=(trial.nth,), seconds=HOLD_SECONDS)
    proxy.add(fault)
    outcome = "held" if trial.kind == "slow_answer" else "dropped before forward"
    began = time.monotonic()
    process = target.start()
    served = wait_for(lambda: outcome in proxy.outcomes(trial.path) or process.poll() is not None)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert served and fault.hits == 1, (
        f"{trial}: the run ended before request {trial.nth} of {trial.path}:\n{target.log()}"
    )
    states = journal_counts(target)
    if trial.path in ("putRecord", STATUSES):  # killed between "sending" and "done"
        assert states[trial.server]["sending"] == 1, f"{trial}: {describe(states)}"
    return f"killed at {time.monotonic() - began:.2f} s, at {trial.path} #{trial.nth} ({outcome}; {describe(states)})"


def journal_counts(target: Target) -> dict[str, Counter]:
    """platform → how many posts the killed run's journal holds in each state."""
    counts: dict[str, Counter] = {}
    for path in list_journals(Path(target.env["QUITTEX_HOME"]) / "state"):
        with Journal.read_only(path) as journal:
            counts[journal.platform] = journal.counts()
    return counts


def describe(counts: dict[str, Counter]) -> str:
    """e.g. "bluesky: 3 done 1 sending 13 pending, mastodon: …"."""
    parts = [
        f"{platform}: " + " ".join(f"{c[s]} {s}" for s in STATES if c[s]) for platform, c in sorted(counts.items())
    ]
    return ", ".join(parts) or "no journal yet"


def wait_for(condition: Callable[[], bool], timeout: float = RUN_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@pytest.mark.parametrize("trial", trials(), ids=str)
def test_killed_and_resumed_exactly_once(trial, target, timeline, record_property):
    if trial.phase is not None:
        events = [kill_after(target, timeline.delay(trial.phase, trial.fraction))]
        if trial.again is not None:
            events.append(kill_after(target, timeline.delay("publishing", trial.again)))
    else:
        events = [kill_at_request(target, trial)]
    record_property("kills", "; ".join(events))
    print(f"{trial}: {'; '.join(events)}")
    target.bluesky_proxy.clear()
    target.mastodon_proxy.clear()
    target.run_to_the_end()
    assert target.problems() == [], f"{trial}: {'; '.join(events)}"
