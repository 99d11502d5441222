"""Checks shared by the rewrite tests, written apart from the code they check."""

from __future__ import annotations

import re

import grapheme
import regex
from mastodon import Mastodon

from quittex.rewrite import BlueskyDraft, Draft, MastodonDraft

# Mastodon's Account::MENTION_RE (app/models/account.rb), in Python.
MASTODON_MENTION = re.compile(r"(?<![=/\w])@(([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w.-]+\w+)?)", re.IGNORECASE)
META = re.compile(r"^(\d+/\d+)?( · )?(Posted on X on .+|Retweeted on X on .+)?$")


def facet_text(draft: BlueskyDraft, facet) -> str:
    return draft.text.encode("utf-8")[facet.byte_start : facet.byte_end].decode("utf-8")


def library_clusters(text: str) -> int:
    """Clusters as the `grapheme` library counts them, line by line: after a
    line break it forgets that a flag starts a new pair of regional
    indicators ("\\n🇫🇷" counts 3, not 2). A line break always ends a
    cluster (UAX #29, GB4/GB5), so counting lines apart is exact."""
    lines = text.split("\n")
    return sum(grapheme.length(line) for line in lines) + len(lines) - 1 - text.count("\r\n")


def library_status_length(text: str, spoiler_text: str) -> int:
    """Mastodon.get_status_length(), line by line for the same reason (no
    URL or mention spans a line break)."""
    lines = text.split("\n")
    counted = sum(Mastodon.get_status_length(line) for line in lines) + len(lines) - 1 - text.count("\r\n")
    return counted + library_clusters(spoiler_text)


def assert_within_limits(draft: Draft, *, max_characters=500, max_graphemes=300, max_bytes=3000) -> None:
    if isinstance(draft, MastodonDraft):
        # Mastodon.py's own count, with its own grapheme library.
        assert library_status_length(draft.text, draft.spoiler_text) <= max_characters, draft.text
    else:
        assert library_clusters(draft.text) <= max_graphemes, draft.text
        assert len(regex.findall(r"\X", draft.text)) <= max_graphemes, draft.text
        assert len(draft.text.encode("utf-8")) <= max_bytes, draft.text


def assert_facets_exact(draft: BlueskyDraft) -> None:
    """Every link facet covers its URL (or the URL shortened), every tag facet its #tag."""
    ends = -1
    for facet in draft.facets:
        assert facet.byte_start > ends - 1 and facet.byte_start < facet.byte_end
        ends = facet.byte_end
        shown = facet_text(draft, facet)
        kind, value = facet.feature.kind, facet.feature.value
        if kind == "tag":
            assert shown in ("#" + value, "＃" + value)
            assert len(regex.findall(r"\X", value)) <= 64
        elif kind == "link":
            bare = re.sub(r"^https?://", "", value)
            assert shown == value or bare.startswith(shown.removesuffix("…")), (shown, value)
        else:
            raise AssertionError(f"unexpected {kind} facet")


def assert_no_mastodon_mention(draft: MastodonDraft) -> None:
    assert MASTODON_MENTION.search(draft.text) is None, draft.text


def body_of(draft: Draft, *, quote_block: bool = False) -> str:
    """The part's share of the tweet: its text without the quote, number and note."""
    blocks = draft.text.split("\n\n")
    if len(blocks) > 1 or draft.parts > 1:
        if META.match(blocks[-1]) and blocks[-1]:
            blocks = blocks[:-1]
    if quote_block and draft.part == 0 and blocks:
        blocks = blocks[:-1]
    return "\n\n".join(blocks)


def unrender(draft: Draft, body: str) -> str:
    """Undo what the rewriting does on purpose: safe mentions, short links."""
    if isinstance(draft, BlueskyDraft):
        data = body.encode("utf-8")
        for facet in sorted(draft.facets, key=lambda f: f.byte_start, reverse=True):
            if facet.feature.kind == "link" and facet.byte_end <= len(data):
                data = data[: facet.byte_start] + facet.feature.value.encode() + data[facet.byte_end :]
        body = data.decode("utf-8")
    return body.replace("＠", "@")


def assert_restores(original: str, drafts: list[Draft]) -> None:
    """The parts are consecutive stretches of the original, only blanks between them."""
    position = 0
    for draft in drafts:
        body = unrender(draft, body_of(draft))
        if not body:
            assert not draft.media or draft.part > 0
            continue
        rest = original[position:]
        gap = len(rest) - len(rest.lstrip())
        assert rest[gap:].startswith(body), (body, rest)
        position += gap + len(body)
    assert not original[position:].strip(), original[position:]
