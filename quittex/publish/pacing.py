"""Pace one account's requests on one platform ahead of its rate limits.

Two sources of truth, and the stricter wins:
- the documented budgets (sliding windows, e.g. Bluesky's 5,000 write points
  an hour, Mastodon's 300 statuses per 3 hours), kept client-side so a run
  never asks for more than the platform allows;
- what the server says on every answer (`RateLimit-*` on Bluesky,
  `X-RateLimit-*` on Mastodon): when the remaining budget cannot pay for the
  next request, wait until the reset it announces.
After a 429 the pacer waits until the reset the server gave, so a window never
sees a second one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from quittex.errors import QuittexError
from quittex.i18n import _, format_number
from quittex.platforms.base import Window

# Without a reset time after a 429, wait this long before trying again.
DEFAULT_BACKOFF_SECONDS = 60.0
TICK_SECONDS = 1.0


class StopRequested(QuittexError):
    """Waiting would go past the run's --stop-after deadline."""


@dataclass
class ServerBudget:
    remaining: int | None = None
    reset_at: float | None = None  # epoch seconds


WaitCallback = Callable[[float, str], None]


class Pacer:
    def __init__(
        self,
        budgets: Mapping[str, list[Window]] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: WaitCallback | None = None,
        deadline: float | None = None,
    ) -> None:
        self.budgets = {name: list(windows) for name, windows in (budgets or {}).items()}
        self.server = ServerBudget()
        self.blocked_until: float | None = None
        self.clock, self.sleep, self.on_wait, self.deadline = clock, sleep, on_wait, deadline
        self.waited_seconds = 0.0
        self.rate_limited = 0  # 429s seen

    def before(self, bucket: str, cost: int = 1) -> None:
        """Block until a request of `cost` in `bucket` fits every budget, then
        book it. Every request also counts once in the "request" bucket, if any."""
        while True:
            delay, reason = self._delay(bucket, cost)
            if delay <= 0:
                break
            self._wait(delay, reason)
        now = self.clock()
        for window, window_cost in self._windows(bucket, cost):
            window.spend(window_cost, now)
        if self.server.remaining is not None:
            self.server.remaining -= cost

    def observe(self, headers: Mapping[str, str] | None) -> None:
        """Read the rate-limit headers of an answer (either platform's style)."""
        if not headers:
            return
        lower = {k.lower(): v for k, v in headers.items()}
        remaining = lower.get("ratelimit-remaining", lower.get("x-ratelimit-remaining"))
        reset = lower.get("ratelimit-reset", lower.get("x-ratelimit-reset"))
        if remaining is None or reset is None:
            return
        try:
            self.server = ServerBudget(int(remaining), _reset_epoch(reset))
        except ValueError:
            return  # malformed headers: the documented budgets still hold

    def rate_limited_until(self, reset_at: float | None) -> None:
        """A 429 arrived: nothing more until the reset (or a default backoff)."""
        self.rate_limited += 1
        now = self.clock()
        # Resets are whole seconds: one more keeps us clear of the boundary.
        self.blocked_until = reset_at + 1 if reset_at and reset_at > now else now + DEFAULT_BACKOFF_SECONDS
        self.server = ServerBudget()

    def _delay(self, bucket: str, cost: int) -> tuple[float, str]:
        now = self.clock()
        delays = [(w.wait_for(c, now), _budget(w)) for w, c in self._windows(bucket, cost)]
        if self.blocked_until and self.blocked_until > now:
            delays.append((self.blocked_until - now, _("rate-limited by the server")))
        server = self.server
        if server.remaining is not None and server.remaining < cost and server.reset_at and server.reset_at > now:
            delays.append((server.reset_at - now + 1, _("server budget spent")))
        return max(delays, default=(0.0, ""))

    def _windows(self, bucket: str, cost: int) -> list[tuple[Window, int]]:
        windows = [(w, cost) for w in self.budgets.get(bucket, ())]
        if bucket != "request":
            windows += [(w, 1) for w in self.budgets.get("request", ())]
        return windows

    def _wait(self, delay: float, reason: str) -> None:
        if self.deadline is not None and self.clock() + delay > self.deadline:
            raise StopRequested(
                _("Stopping: the next post would wait {wait} ({reason}), past --stop-after.").format(
                    wait=_span(delay), reason=reason
                )
            )
        end = self.clock() + delay
        while (left := end - self.clock()) > 0:
            if self.on_wait:
                self.on_wait(left, reason)
            step = min(left, TICK_SECONDS)
            self.sleep(step)
            self.waited_seconds += step
        if self.on_wait:
            self.on_wait(0.0, "")


def _reset_epoch(value: str) -> float:
    """Bluesky sends epoch seconds; Mastodon an ISO 8601 time."""
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _budget(window: Window) -> str:
    """Why a wait: the budget it waits for, as a person reads it ("300 per 3 h")."""
    # Translators: a rate limit, e.g. "300 per 3 h" (requests allowed per span of time).
    return _("{limit} per {span}").format(limit=window.limit, span=_span(window.seconds))


def _span(seconds: float) -> str:
    if seconds >= 3600:
        # Translators: hours, abbreviated ("1.5 h").
        return _("{hours} h").format(hours=format_number(round(seconds / 3600, 1)))
    if seconds >= 60:
        # Translators: minutes, abbreviated ("5 min").
        return _("{minutes} min").format(minutes=format_number(round(seconds / 60)))
    # Translators: seconds, abbreviated ("30 s").
    return _("{seconds} s").format(seconds=format_number(round(seconds)))
