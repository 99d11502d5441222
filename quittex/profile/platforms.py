"""Each platform's profile side, from the platform registry."""

from __future__ import annotations

from quittex.platforms import platform
from quittex.profile.build import ProfileRules
from quittex.profile.remote import ProfileSide


def profile_side(name: str) -> ProfileSide:
    return platform(name).profile()


def profile_rules(name: str) -> ProfileRules:
    """The platform's documented profile limits (a server may announce others)."""
    return profile_side(name).rules
