"""What describes a platform, and the pieces every platform's description uses.

A `PlatformSpec` is light to import: the heavy parts (the rewriting rules, the
publisher, the platform's SDK) are named by "module:attribute" paths and only
imported when a stage asks for them, so `quittex --help` stays fast.
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quittex.platforms.options import PlatformOptions
    from quittex.publish.base import Publisher
    from quittex.publish.estimate import Estimate
    from quittex.rewrite.rules import PlatformRules

# A platform's name as every stage, file and option spells it: "mastodon", "bluesky".
PlatformName = str


@dataclass
class Window:
    """A rate budget: at most `limit` cost units in any `seconds`-long window."""

    limit: int
    seconds: float
    spent: deque = field(default_factory=deque)  # (time, cost)

    def wait_for(self, cost: int, now: float) -> float:
        while self.spent and self.spent[0][0] <= now - self.seconds:
            self.spent.popleft()
        used = sum(c for _, c in self.spent)
        if used + cost <= self.limit:
            return 0.0
        freed, target = 0, used + cost - self.limit
        for moment, spent_cost in self.spent:
            freed += spent_cost
            if freed >= target:
                return moment + self.seconds - now
        return self.seconds

    def spend(self, cost: int, now: float) -> None:
        self.spent.append((now, cost))


Budgets = dict[str, list[Window]]


def load(path: str) -> Any:
    """The object a "package.module:attribute" path names, imported on first use."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class PlatformSpec:
    """One platform, described once: every stage reads it from the registry.

    `settings`: its rewriting options (a pydantic model, a field of
    `RewriteOptions` under the platform's name), named by `settings_path`
    (importing pydantic and building the models would cost every command at
    start-up, `--help` included: only the stages that rewrite load it).
    `budgets`: its documented rate limits per request kind. The paths name, in
    the platform's own modules: its rewriting rules (`PlatformRules`), its
    draft type, its media limits (documented defaults), its publishing-time
    estimate `(posts, media) -> Estimate`, `connect(account) -> Publisher`,
    which logs in from a saved session or the environment, and the farewell
    intro post's length limit, and its profile's side (what a profile holds,
    read, changed and put back).
    """

    name: PlatformName
    label: str  # as a person reads it
    settings_path: str
    budgets: Callable[[], Budgets]
    rules_path: str
    draft_path: str
    media_limits_path: str
    estimate_path: str
    connect_path: str
    farewell_limit_path: str  # (the project file's [farewell]) -> the intro post's `Limit`
    profile_path: str  # its profile's side (`quittex.profile.remote.ProfileSide`)
    rich_text: bool = False  # links are facets beside the text rather than parsed by the server
    gentle_pace: Window | None = None  # `--pace gentle`: at most this many posts per window

    @property
    def settings(self) -> type[PlatformOptions]:
        return load(self.settings_path)

    @property
    def rules(self) -> type[PlatformRules]:
        return load(self.rules_path)

    @property
    def draft_type(self) -> type:
        return load(self.draft_path)

    def default_media_limits(self) -> Any:
        """The platform's documented media limits (a server may announce others)."""
        return load(self.media_limits_path)()

    def estimate(self, posts: int, media: int, settings: PlatformOptions | None = None) -> Estimate:
        """How long publishing takes at this platform's limits (and `settings`' pace)."""
        return load(self.estimate_path)(posts, media, settings)

    def pace_budgets(self, settings: PlatformOptions) -> Budgets:
        """Budgets a chosen pace adds to the platform's own (none by default)."""
        pace = getattr(settings, "pace", "full")
        if pace == "gentle" and self.gentle_pace is not None:
            return {"post": [self.gentle_pace]}
        return {}

    def profile(self) -> Any:
        """Its `ProfileSide`: the profile's limits, and how it is read and written."""
        return load(self.profile_path)()

    def connect(self, account: str | None = None) -> Publisher:
        """A publisher logged in to `account` (or the only one set up)."""
        return load(self.connect_path)(account)
