"""`migrate --dry-run --link-cards`: the cards the posts would show, fetched now
(once per distinct link) and attached to the drafts for the terminal, the
JSON and the HTML preview. A plain dry run fetches nothing."""

from __future__ import annotations

from collections.abc import Callable

from quittex.cards.card import LinkCards
from quittex.cards.fetch import Fetcher, private_links_allowed


def preview_cards(
    drafts: list, *, allow_private: bool = False, on_progress: Callable[[int, int, str], None] | None = None
) -> LinkCards:
    """Fetch the card of every draft that asks for one; returns the cards made
    (`failures` says which links got none, and why)."""
    wanting = [draft for draft in drafts if getattr(draft, "card_url", None)]
    links = list(dict.fromkeys(draft.card_url for draft in wanting))
    fetcher = Fetcher(allow_private=private_links_allowed(allow_private))
    cards = LinkCards(fetcher)
    made = {}
    try:
        for done, url in enumerate(links, start=1):
            made[url] = cards.card(url)
            if on_progress:
                on_progress(done, len(links), url)
    finally:
        fetcher.close()
    for draft in wanting:
        card = made[draft.card_url]
        if card is None:
            draft.card_preview = {"fetched": False, "reason": cards.failures.get(draft.card_url, "")}
        else:
            draft.card_preview = {"fetched": True, **card.to_json()}
            draft.card_thumb = card.thumb
    return cards
