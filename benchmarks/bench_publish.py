"""Publishing throughput: posts per second, HTTP requests per post, and how
much of Bluesky's hourly window quittex gets before a 429.

    .venv/bin/python benchmarks/bench_publish.py [--tweets 1000] [--window-tweets 2600]
                                                  [--mastodon-tweets 1000] [--skip PART ...]

Every figure comes from the real `quittex migrate … --yes` code path, run
in this process (CliRunner) with a fresh QUITTEX_HOME; requests are counted
by wrapping `httpx.Client.send` (the atproto SDK) and `requests.Session.send`
(Mastodon.py). Three parts:

  open     a local PDS with rate limits off: a --tweets migration to Bluesky
           (threads, notes split in parts, photos on one tweet in ten);
  window   a local PDS with PDS_RATE_LIMITS_ENABLED=true: a --window-tweets
           text migration with --stop-after 10m. The pacer spends the hour's
           5,000 write points (putRecord costs 2) and stops when the next post
           would wait for the window; then one putRecord sent by hand shows
           what the PDS says about the next post;
  mastodon mastodon-mock: a --mastodon-tweets migration. Mastodon's documented
           budgets (300 statuses per 3 h…) would make this a two-day run, so
           they are lifted for this part (`mastodon_budgets` returns none): the
           figures are the engine's own speed, the server's headers still obeyed.

Posts/s is measured over the publishing phase (first post request to last
answer); the end-to-end time (reading the archive, logging in) is printed too.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import requests  # noqa: E402

from tests.archive_builder import write_archive  # noqa: E402
from tests.integration.archives import migration_spec, read_bluesky  # noqa: E402
from tests.integration.pds import LocalPDS, installation_problem  # noqa: E402

PUT = "com.atproto.repo.putRecord"
STATUSES = "/api/v1/statuses"


# -- counting requests ----------------------------------------------------------------------


@dataclass
class Exchange:
    began: float
    ended: float
    method: str
    path: str
    status: int | str
    headers: dict[str, str] = field(default_factory=dict)


class RequestLog:
    """Every HTTP request this process makes while `recording()`."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    @contextmanager
    def recording(self) -> Iterator[RequestLog]:
        originals = httpx.Client.send, requests.Session.send
        httpx.Client.send = self._wrap(originals[0], lambda r: (r.method, r.url.path))
        requests.Session.send = self._wrap(originals[1], lambda r: (r.method, r.path_url.split("?")[0]))
        try:
            yield self
        finally:
            httpx.Client.send, requests.Session.send = originals

    def _wrap(self, send, describe):
        log = self

        def counted(client, request, *args, **kwargs):
            began = time.perf_counter()
            status: int | str = "error"
            headers: dict[str, str] = {}
            try:
                response = send(client, request, *args, **kwargs)
                status, headers = (
                    response.status_code,
                    {k.lower(): v for k, v in response.headers.items() if "ratelimit" in k.lower()},
                )
                return response
            finally:
                log.exchanges.append(Exchange(began, time.perf_counter(), *describe(request), status, headers))

        return counted

    def matching(self, path: str, method: str | None = None, status: int | None = None) -> list[Exchange]:
        return [
            e
            for e in self.exchanges
            if path in e.path and (method is None or e.method == method) and (status is None or e.status == status)
        ]

    def by_endpoint(self) -> Counter:
        return Counter(f"{e.method} {_short(e.path)}" for e in self.exchanges)


def _short(path: str) -> str:
    if path.startswith("/xrpc/"):
        return path.removeprefix("/xrpc/")
    parts = path.split("/")
    return "/".join("{id}" if part.isdigit() else part for part in parts)


# -- running the CLI ----------------------------------------------------------------------------


@dataclass
class Run:
    log: RequestLog
    seconds: float
    exit_code: int
    stdout: str
    stderr: str

    def phase(self, path: str, method: str | None = None) -> float:
        """Seconds from the first request to `path` to the last answer."""
        posts = self.log.matching(path, method)
        return posts[-1].ended - posts[0].began if posts else float("nan")


def migrate(archive: Path, platform: str, env: dict[str, str], *extra: str) -> Run:
    from tests.cli_helpers import run_cli

    os.environ.update(env)
    log = RequestLog()
    began = time.perf_counter()
    with log.recording():
        result = run_cli("migrate", archive, "--to", platform, "--yes", *extra)
    return Run(log, time.perf_counter() - began, result.exit_code, result.stdout, result.stderr)


def fresh_home(folder: Path) -> dict[str, str]:
    home = tempfile.mkdtemp(prefix="home-", dir=folder)
    return {"QUITTEX_HOME": home, "NO_COLOR": "1", "QUITTEX_WIDTH": "120"}


def bluesky_env(pds: LocalPDS, folder: Path) -> tuple[dict[str, str], object]:
    account = pds.create_account()
    env = fresh_home(folder) | {
        "QUITTEX_BLUESKY_HANDLE": account.handle,
        "QUITTEX_BLUESKY_PASSWORD": pds.create_app_password(account),
        "QUITTEX_BLUESKY_PDS": pds.url,
    }
    return env, account


def archive_of(tweets: int, folder: Path, **options) -> Path:
    return write_archive(migration_spec(tweets, **options), folder / f"archive-{tweets}.zip")


def check(run: Run, what: str) -> None:
    if run.exit_code != 0:
        raise SystemExit(f"{what}: quittex migrate exited {run.exit_code}\n{run.stdout}\n{run.stderr[-3000:]}")


# -- the parts ------------------------------------------------------------------------------------


def open_pds(tweets: int, folder: Path) -> None:
    archive = archive_of(tweets, folder, photos=10)
    with LocalPDS() as pds:
        env, account = bluesky_env(pds, folder)
        run = migrate(archive, "bluesky", env)
        check(run, "open")
        records = len(read_bluesky(pds.url, account.did))
    posts = len(run.log.matching(PUT, status=200))
    publishing = run.phase(PUT)
    print(
        f"\n## Bluesky, local PDS, rate limits off: {tweets:,} tweets → {posts:,} posts "
        f"({records:,} records on the PDS)"
    )
    print(f"  posts per second        {posts / publishing:8.1f}   (publishing phase, {publishing:.1f} s)")
    print(f"  end to end              {run.seconds:8.1f} s (archive, plan, login, publishing)")
    print(f"  HTTP requests per post  {len(run.log.exchanges) / posts:8.2f}   ({len(run.log.exchanges):,} requests)")
    endpoints(run.log)


def rate_limited_window(tweets: int, folder: Path) -> None:
    archive = archive_of(tweets, folder, photos=0)
    with LocalPDS(rate_limits=True) as pds:
        env, account = bluesky_env(pds, folder)
        run = migrate(archive, "bluesky", env, "--stop-after", "10m")
        check(run, "window")
        probe = one_more_put(pds, account)
    puts = run.log.matching(PUT)
    accepted = [e for e in puts if e.status == 200]
    limited = [e for e in run.log.exchanges if e.status == 429]
    print(f"\n## Bluesky, local PDS, PDS_RATE_LIMITS_ENABLED=true: {tweets:,} tweets, --stop-after 10m")
    print(f"  posts accepted          {len(accepted):8,}   in {run.phase(PUT):.1f} s, before any 429")
    print(f"  429 answers             {len(limited):8,}")
    for policy, points in points_per_post(accepted).items():
        print(
            f"  points per post         {points:8.2f}   "
            f"(RateLimit-Policy {policy}: Remaining fell by that much per accepted post)"
        )
    hourly = points_per_post(accepted).get("5000;w=3600")
    if hourly:
        print(f"  hour window / points    {5000 / hourly:8,.0f}   posts per hour (extrapolated from the headers)")
    said = " ".join((run.stdout + run.stderr).split())
    stopped = re.search(r"Bluesky stopped: (.*?\.) Run the same command", said)
    print(f"  how the run ended       {stopped.group(1) if stopped else 'not stopped: ' + said[-200:]}")
    remaining = probe.headers.get("ratelimit-remaining")
    reset_in = int(probe.headers.get("ratelimit-reset", "0")) - int(time.time())
    print(
        f"  one more putRecord      HTTP {probe.status_code} {probe.json().get('error', '')} "
        f"(RateLimit-Remaining {remaining}, reset in {reset_in} s)"
    )


def points_per_post(accepted: list[Exchange]) -> dict[str, float]:
    """For each rate-limit bucket the PDS reported (its headers describe the
    one closest to exhaustion), how much RateLimit-Remaining fell per post."""
    seen: dict[str, list[tuple[int, int]]] = {}
    for index, exchange in enumerate(accepted):
        policy, remaining = exchange.headers.get("ratelimit-policy"), exchange.headers.get("ratelimit-remaining")
        if policy and remaining is not None:
            seen.setdefault(policy, []).append((index, int(remaining)))
    return {
        policy: (points[0][1] - points[-1][1]) / (points[-1][0] - points[0][0])
        for policy, points in seen.items()
        if len(points) >= 2 and points[-1][0] > points[0][0]
    }


def one_more_put(pds: LocalPDS, account) -> httpx.Response:
    """What the PDS answers to the next post, sent without quittex's pacer."""
    session = httpx.post(
        pds.xrpc_url("com.atproto.server.createSession"),
        json={"identifier": account.handle, "password": account.password},
        timeout=30,
    ).json()
    record = {"$type": "app.bsky.feed.post", "text": "probe", "createdAt": "2024-01-01T00:00:00.000Z"}
    body = {"repo": account.did, "collection": "app.bsky.feed.post", "rkey": "3kzzzzzzzzz22", "record": record}
    return httpx.post(
        pds.xrpc_url(PUT), json=body, headers={"Authorization": f"Bearer {session['accessJwt']}"}, timeout=30
    )


def mastodon(tweets: int, folder: Path) -> None:
    from quittex.publish import mastodon as publisher
    from tests.mastodon_server import MastodonTestServer

    archive = archive_of(tweets, folder, photos=10)
    publisher.mastodon_budgets = dict  # see the module doc: no client-side budget for this part
    with MastodonTestServer() as server:
        env = fresh_home(folder) | {"QUITTEX_MASTODON_URL": server.url, "QUITTEX_MASTODON_TOKEN": server.token}
        run = migrate(archive, "mastodon", env)
        check(run, "mastodon")
    posts = len(run.log.matching(STATUSES, method="POST", status=200))
    publishing = run.phase(STATUSES, "POST")
    print(f"\n## Mastodon, mastodon-mock, documented budgets lifted: {tweets:,} tweets → {posts:,} statuses")
    print(f"  posts per second        {posts / publishing:8.1f}   (publishing phase, {publishing:.1f} s)")
    print(f"  end to end              {run.seconds:8.1f} s")
    print(f"  HTTP requests per post  {len(run.log.exchanges) / posts:8.2f}   ({len(run.log.exchanges):,} requests)")
    endpoints(run.log)
    print("  with Mastodon's budgets: 300 statuses per 3 h, 30 media per 30 min → about 100 posts an hour")


def endpoints(log: RequestLog) -> None:
    for endpoint, count in log.by_endpoint().most_common(8):
        print(f"    {count:6,}  {endpoint}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tweets", type=int, default=1000, help="tweets for the open PDS run (default 1000)")
    parser.add_argument(
        "--window-tweets", type=int, default=2600, help="tweets for the rate-limited run (default 2600)"
    )
    parser.add_argument("--mastodon-tweets", type=int, default=1000, help="tweets for the Mastodon run (default 1000)")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=("open", "window", "mastodon"), help="parts to leave out"
    )
    options = parser.parse_args()
    if problem := installation_problem():
        raise SystemExit(problem)
    print(f"{os.cpu_count()} CPUs, load average at the start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="quittex-bench-") as folder:
        if "open" not in options.skip:
            open_pds(options.tweets, Path(folder))
        if "window" not in options.skip:
            rate_limited_window(options.window_tweets, Path(folder))
        if "mastodon" not in options.skip:
            mastodon(options.mastodon_tweets, Path(folder))


if __name__ == "__main__":
    main()
