"""The contacts sheet: one row per X contact, the best candidate found on each
platform, and a `follow` column a person fills in (see `quittex.sheets` for
the spreadsheet conventions).

`follow` is `yes` (follow every candidate of the row), the names of some
platforms (`bluesky`, `mastodon`, or both, separated by spaces or commas), or
empty / `no`. quittex pre-fills it only where the evidence is strong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from quittex.contacts.extract import Contact
from quittex.contacts.match import STRONG, Candidate, describe
from quittex.errors import BadInputError
from quittex.i18n import N_, _
from quittex.sheets import SheetKind, read_sheet, uncell, write_sheet

FOLLOW = "follow"
BASE_COLUMNS = ("x_id", "x_handle", "x_name", "relation", "interactions", "last_interaction")
PLATFORM_COLUMNS = ("", "_id", "_name", "_confidence", "_evidence", "_others")
YES = {"yes", "y", "oui", "o", "sí", "sì", "si", "s", "ja", "j", "x", "1", "true"}
NO = {"", "no", "n", "non", "nein", "0", "false"}
_SPLIT = re.compile(r"[\s,;/+]+")
# Marked for the catalog; `quittex.sheets` shows them through `_()`.
SHEET = SheetKind(
    name=N_("a contacts sheet"),
    required=("x_handle", FOLLOW),
    max_bytes=64 * 1024 * 1024,
    redo_hint=N_("Write it again with `quittex contacts find`."),
    header_hint=N_(
        "Write it again with `quittex contacts find`, and fill in the follow column without renaming columns."
    ),
    too_large_hint=N_("Give the sheet `quittex contacts find` wrote."),
)


@dataclass
class Found:
    """What was found for one contact."""

    contact: Contact
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)  # platform → best first

    def prefilled_follow(self) -> str:
        best = {name: found[0] for name, found in self.candidates.items() if found}
        strong = [name for name, candidate in best.items() if candidate.confidence == STRONG]
        if strong and len(strong) == len(best):
            return "yes"
        return " ".join(strong)


@dataclass
class FollowTarget:
    """One account a row asks to follow."""

    platform: str
    address: str  # handle, or user@host
    ref: str  # DID, or account URL
    x_handle: str
    line: int


def columns(platforms: list[str]) -> list[str]:
    return [*BASE_COLUMNS, *(f"{name}{suffix}" for name in platforms for suffix in PLATFORM_COLUMNS), FOLLOW]


def write_contacts_sheet(target: Path, found: list[Found], platforms: list[str], delimiter: str = ";") -> None:
    rows = []
    for item in found:
        contact = item.contact
        last = contact.last_interaction
        row = [
            contact.account_id or "",
            contact.screen_name or "",
            contact.display_name or "",
            contact.relation,
            str(contact.interactions),
            last.strftime("%Y-%m-%d") if last else "",
        ]
        for name in platforms:
            row += _platform_cells(item.candidates.get(name, []))
        rows.append([*row, item.prefilled_follow()])
    write_sheet(target, columns(platforms), rows, delimiter)


def _platform_cells(candidates: list[Candidate]) -> list[str]:
    if not candidates:
        return [""] * len(PLATFORM_COLUMNS)
    first, others = candidates[0], candidates[1:]
    listed = "; ".join(f"{c.profile.address} ({c.confidence})" for c in others)
    profile = first.profile
    return [profile.address, profile.ref, profile.display_name, first.confidence, describe(first), listed]


def follow_targets(path: Path, platforms: list[str]) -> list[FollowTarget]:
    """The accounts the sheet's rows ask to follow on `platforms`, checked as
    a whole: every problem is reported at once, with its line."""
    records = read_sheet(path, SHEET)
    header = [uncell(value).strip().lower() for value in records[0][1]]
    targets, problems = [], []
    for line, cells in records[1:]:
        row = dict(zip(header, (uncell(value).strip() for value in cells), strict=False))
        wanted = _wanted(row.get(FOLLOW, ""), platforms, line, problems)
        for name in wanted:
            address, ref = row.get(name, ""), row.get(f"{name}_id", "")
            if not address and not ref:
                if row.get(FOLLOW, "").lower() not in YES:
                    problems.append(
                        _("line {line}: follow says {platform}, but the row has no {platform} account").format(
                            line=line, platform=name
                        )
                    )
                continue
            targets.append(FollowTarget(name, address, ref, row.get("x_handle", ""), line))
    if problems:
        shown = "\n".join(f"  {problem}" for problem in problems[:20])
        raise BadInputError(
            _("{path} cannot be followed as it is:").format(path=path) + "\n" + shown,
            hint=_("Correct these lines in your spreadsheet, save as CSV and run again."),
        )
    return targets


def _wanted(value: str, platforms: list[str], line: int, problems: list[str]) -> list[str]:
    """The platforms of `platforms` the follow cell asks for."""
    from quittex.platforms import PLATFORMS

    word = value.strip().lower()
    if word in NO:
        return []
    if word in YES:
        return list(platforms)
    names = [part for part in _SPLIT.split(word) if part]
    if any(name not in PLATFORMS for name in names):
        problems.append(
            # Translators: yes and no are the words of the follow column (it also takes oui, non, ja, sí…).
            _("line {line}: follow is {value}; write yes, no, or platform names among {platforms}").format(
                line=line, value=repr(value), platforms=", ".join(PLATFORMS)
            )
        )
        return []
    return [name for name in names if name in platforms]
