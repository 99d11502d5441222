"""How sure quittex is that an account on Bluesky or Mastodon is the same
person as an X contact: evidence, each worth points, and a confidence.

- the bio or a profile field names the X account (`x.com/NAME`,
  `twitter.com/NAME`, "X: @NAME"): strong, people write it when they move;
- a link from the candidate's profile to the person's account on the other
  platform, or from that account to this one: strong;
- the same handle (Bluesky: `name` or `name-with-dashes` as first label;
  Mastodon: the user name): on its own, a hint;
- the same display name, compared without case, accents, emoji or spacing:
  on its own, a hint.

Only strong evidence pre-fills the sheet's `follow` column: a person reviews
everything else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from quittex.i18n import N_, _

STRONG, LIKELY, WEAK = "strong", "likely", "weak"
POINTS = {"names the X account": 60, "links to": 60, "same handle": 30, "same name": 20}
# How the sheet's evidence column says each (keys stay English: they are identifiers).
_EVIDENCE_WORDS = {
    "names the X account": N_("its bio names the X account"),
    "links to": N_("linked from or to the other platform"),
    "same handle": N_("same handle"),
    "same name": N_("same display name"),
}
MAX_CANDIDATES = 3


@dataclass
class Profile:
    """An account found on a platform, as its profile shows it."""

    platform: str
    address: str  # Bluesky handle; Mastodon user@host
    ref: str  # what following it needs: a DID; a Mastodon account URL
    display_name: str = ""
    description: str = ""  # bio and profile fields, as text
    links: list[str] = field(default_factory=list)  # URLs in the profile

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "address": self.address,
            "ref": self.ref,
            "display_name": self.display_name,
            "description": self.description,
            "links": self.links,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        return cls(**{key: data[key] for key in ("platform", "address", "ref", "display_name", "description", "links")})


@dataclass
class Candidate:
    profile: Profile
    evidence: list[str]
    score: int

    @property
    def confidence(self) -> str:
        return STRONG if self.score >= 60 else LIKELY if self.score >= 40 else WEAK


def bluesky_handles(screen_name: str, domains: list[str]) -> list[str]:
    """The handles a person keeping their X name would take: `name.domain`
    with `_` as `-` (Bluesky handles allow no `_`), and without it."""
    base = screen_name.lower()
    labels = dict.fromkeys([base.replace("_", "-"), base.replace("_", "")])
    handles = []
    for label in labels:
        label = label.strip("-")
        if not label or len(label) > 63:
            continue
        handles += [f"{label}.{domain.lstrip('.')}" for domain in domains]
    return handles


def evaluate(screen_name: str, display_name: str | None, profile: Profile, other: list[Profile]) -> Candidate | None:
    """The evidence that `profile` is the X contact; None when there is none."""
    evidence = []
    if _names_x_account(profile.description + " " + " ".join(profile.links), screen_name):
        evidence.append("names the X account")
    if any(_links(profile, found) or _links(found, profile) for found in other):
        evidence.append("links to")
    if _same_handle(profile, screen_name):
        evidence.append("same handle")
    if (
        display_name
        and normalized_name(display_name)
        and normalized_name(display_name) == normalized_name(profile.display_name)
    ):
        evidence.append("same name")
    if not evidence:
        return None
    return Candidate(profile, evidence, sum(POINTS[item] for item in evidence))


def best(candidates: list[Candidate]) -> list[Candidate]:
    """At most three, the most certain first (one account found twice counts once)."""
    unique: dict[str, Candidate] = {}
    for candidate in candidates:
        kept = unique.get(candidate.profile.ref)
        if kept is None or candidate.score > kept.score:
            unique[candidate.profile.ref] = candidate
    return sorted(unique.values(), key=lambda c: (-c.score, c.profile.address))[:MAX_CANDIDATES]


def describe(candidate: Candidate) -> str:
    """The evidence, for the person reviewing the sheet (in the run's language)."""
    return ", ".join(_(_EVIDENCE_WORDS[item]) for item in candidate.evidence)


def normalized_name(name: str) -> str:
    """ "Réseau Vélo 🚲" and "reseau velo" are the same name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = (char if char.isalnum() else " " for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join("".join(kept).split())


def _names_x_account(text: str, screen_name: str) -> bool:
    name = re.escape(screen_name)
    link = rf"(?:twitter|x)\.com/(?:#!/)?@?{name}(?![\w])"
    mention = rf"(?<![\w@/]){'@'}{name}(?![\w.@-])"
    return re.search(f"{link}|{mention}", text, re.IGNORECASE) is not None


def _same_handle(profile: Profile, screen_name: str) -> bool:
    wanted = {screen_name.lower(), screen_name.lower().replace("_", "-"), screen_name.lower().replace("_", "")}
    if profile.platform == "bluesky":
        return profile.address.lower().split(".", 1)[0] in wanted
    return profile.address.lower().split("@", 1)[0] in wanted


def _links(source: Profile, target: Profile) -> bool:
    """Whether `source`'s profile points at `target` (its address or profile URL)."""
    text = (source.description + " " + " ".join(source.links)).lower()
    if target.platform == "bluesky":
        marks = [f"bsky.app/profile/{target.address.lower()}", f"@{target.address.lower()}", target.ref.lower()]
    else:
        user, _at, host = target.address.lower().partition("@")
        marks = [f"{host}/@{user}", f"@{user}@{host}", target.ref.lower()]
    return any(mark and mark in text for mark in marks)
