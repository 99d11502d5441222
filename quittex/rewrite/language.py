"""Turn X's language codes into what Bluesky (`langs`) and Mastodon (`language`) accept."""

from __future__ import annotations

import re
from functools import lru_cache

# X tags posts it could not classify with pseudo-languages: und (undetermined),
# zxx (no text), art, and private-use codes q** (qme: media only, qam: mentions
# only, qht: hashtags only, qct: cashtags only, qst: very short text).
_PSEUDO = {"und", "zxx", "art", "mul", "mis"}
_PRIVATE_USE = re.compile(r"^q[a-t][a-z]$")
# Deprecated codes X still emits, and its one three-letter oddity.
_CANONICAL = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "msa": "ms"}
_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
# Mastodon wants ISO 639-1 where one exists.
_MASTODON_ONLY = {"fil": "tl"}


@lru_cache(maxsize=256)
def bcp47(x_lang: str | None) -> str | None:
    """The tweet's language as a BCP-47 tag ("fr", "zh-CN"), or None if X did not know it."""
    if not x_lang:
        return None
    tag = x_lang.strip().lower().replace("_", "-")
    if not _TAG.match(tag):
        return None
    primary, *rest = tag.split("-")
    primary = _CANONICAL.get(primary, primary)
    if primary in _PSEUDO or _PRIVATE_USE.match(primary):
        return None
    return "-".join([primary, *(s.upper() if len(s) == 2 else s for s in rest)])


def bluesky_langs(x_lang: str | None) -> list[str]:
    tag = bcp47(x_lang)
    return [tag] if tag else []


@lru_cache(maxsize=256)
def mastodon_language(x_lang: str | None) -> str | None:
    tag = bcp47(x_lang)
    if tag is None:
        return None
    primary = tag.split("-")[0]
    return _MASTODON_ONLY.get(primary, primary)


def primary_language(x_lang: str | None) -> str | None:
    tag = bcp47(x_lang)
    return tag.split("-")[0] if tag else None
