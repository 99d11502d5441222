"""The preset reasons for leaving X, written natively in each language.

They live in `reasons/<lang>.toml`, one table per preset key, each with a
`title` (a phrase that reads well inside a list: "Why: a, b and c"), a `short`
sentence for posts and a `long` paragraph for letters.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from quittex.vocabulary import LANGUAGES, REASON_KEYS


@dataclass(frozen=True)
class Reason:
    key: str
    title: str
    short: str
    long: str


@cache
def reason_presets(lang: str) -> dict[str, Reason]:
    """Every preset in `lang`, in the canonical order of REASON_KEYS."""
    if lang not in LANGUAGES:
        raise ValueError(f"no reason presets in {lang!r}")
    source = resources.files("quittex.farewell") / "reasons" / f"{lang}.toml"
    tables = tomllib.loads(source.read_text(encoding="utf-8"))
    return {key: Reason(key=key, **tables[key]) for key in REASON_KEYS}


def chosen_reasons(keys: list[str], lang: str) -> list[Reason]:
    presets = reason_presets(lang)
    return [presets[key] for key in keys]
