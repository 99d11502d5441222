"""The pacer, on a fake clock: documented budgets, server headers, 429s, deadlines."""

from __future__ import annotations

import pytest

from quittex.platforms.base import Window
from quittex.platforms.bluesky import bluesky_budgets
from quittex.platforms.mastodon import mastodon_budgets
from quittex.publish.pacing import Pacer, StopRequested


class FakeClock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def pacer(budgets=None, **kwargs) -> tuple[Pacer, FakeClock]:
    clock = FakeClock()
    return Pacer(budgets, clock=clock, sleep=clock.sleep, **kwargs), clock


def test_bluesky_put_record_reaches_exactly_2500_an_hour():
    p, clock = pacer(bluesky_budgets())
    start = clock.now
    for _ in range(2_500):
        p.before("write", 2)
    assert clock.now == start  # the first hour's budget goes out without waiting
    p.before("write", 2)
    assert clock.now - start == pytest.approx(3_600, abs=1)


def test_mastodon_statuses_are_limited_to_300_per_3_hours_and_requests_to_300_per_5_minutes():
    p, clock = pacer(mastodon_budgets())
    start = clock.now
    for _ in range(300):
        p.before("media")
    assert clock.now - start >= 9 * 30 * 60  # 30 media per 30 minutes
    p2, clock2 = pacer(mastodon_budgets())
    for _ in range(301):
        p2.before("status")
    assert clock2.now - 1_700_000_000 == pytest.approx(3 * 3_600, abs=1)


def test_server_headers_make_it_wait_for_the_reset_before_a_429():
    p, clock = pacer()
    p.observe({"RateLimit-Limit": "5000", "RateLimit-Remaining": "3", "RateLimit-Reset": str(int(clock.now) + 120)})
    p.before("write", 2)
    assert clock.now == 1_700_000_000  # 3 left pays for one more
    p.before("write", 2)
    assert clock.now >= 1_700_000_000 + 120


def test_mastodon_iso_reset_headers():
    p, clock = pacer()
    p.observe({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2023-11-14T22:15:20.000Z"})
    p.before("status")
    assert clock.now >= 1_700_000_120


def test_after_a_429_nothing_is_sent_before_the_reset():
    waits = []
    p, clock = pacer(on_wait=lambda left, reason: waits.append((round(left), reason)))
    p.rate_limited_until(clock.now + 30)
    p.before("write", 2)
    assert clock.now >= 1_700_000_030 and p.rate_limited == 1
    assert waits[0] == (31, "rate-limited by the server") and waits[-1] == (0, "")


def test_a_429_without_reset_backs_off():
    p, clock = pacer()
    p.rate_limited_until(None)
    p.before("write")
    assert clock.now - 1_700_000_000 == pytest.approx(60)


def test_a_wait_past_the_deadline_stops_the_run():
    clock = FakeClock()
    p = Pacer({"status": [Window(1, 3600)]}, clock=clock, sleep=clock.sleep, deadline=clock.now + 600)
    p.before("status")
    with pytest.raises(StopRequested, match="--stop-after"):
        p.before("status")


def test_malformed_headers_are_ignored():
    p, clock = pacer()
    p.observe({"RateLimit-Remaining": "lots", "RateLimit-Reset": "soon"})
    p.before("write")
    assert clock.now == 1_700_000_000
