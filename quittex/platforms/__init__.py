"""Every platform quittex publishes to, registered once.

Each stage reads what it needs of a platform from its `PlatformSpec` here
instead of naming platforms itself. A new platform writes its own modules
(factories in `quittex/platforms/<name>.py`, settings in `<name>_options.py`,
rules in `quittex/rewrite/`, a publisher in `quittex/publish/`, logging in in
`quittex/accounts/`) and adds one line to `REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Iterable

from quittex.errors import BadInputError
from quittex.i18n import _
from quittex.platforms.base import Budgets, PlatformName, PlatformSpec, Window
from quittex.platforms.bluesky import BLUESKY
from quittex.platforms.mastodon import MASTODON

# In the order quittex shows them.
REGISTRY: dict[PlatformName, PlatformSpec] = {spec.name: spec for spec in (MASTODON, BLUESKY)}
PLATFORMS: tuple[PlatformName, ...] = tuple(REGISTRY)


def platform(name: str) -> PlatformSpec:
    """The platform of this name; BadInputError naming the known ones otherwise."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise BadInputError(
            _("Unknown platform {name}: choose among {platforms}.").format(
                name=repr(name), platforms=", ".join(PLATFORMS)
            )
        )
    return spec


def parse_platforms(value: str | Iterable[str], option: str = "--to") -> list[PlatformName]:
    """ "mastodon,bluesky" (or a list) as known platform names, in the order given, once each."""
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = [item.strip().lower() for item in items if item.strip()]
    if not chosen or any(name not in REGISTRY for name in chosen):
        raise BadInputError(
            _("{option} takes {platforms}, one or several (comma-separated), not {value}.").format(
                option=option, platforms=", ".join(PLATFORMS), value=repr(value)
            )
        )
    return list(dict.fromkeys(chosen))


def label(name: str) -> str:
    """ "Bluesky" for "bluesky"; an unknown name capitalised."""
    spec = REGISTRY.get(name)
    return spec.label if spec else name.capitalize()


__all__ = [
    "PLATFORMS",
    "REGISTRY",
    "Budgets",
    "PlatformName",
    "PlatformSpec",
    "Window",
    "label",
    "parse_platforms",
    "platform",
]
