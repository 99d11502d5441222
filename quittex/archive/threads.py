"""Edit chains and self-threads, worked out once every part has been read."""

from __future__ import annotations

from collections import defaultdict

from quittex.archive.tweets import quoted_id
from quittex.models import Thread, Tweet


class EditChains:
    """Collects `edit_info` while parts are read, then keeps the last version."""

    def __init__(self) -> None:
        self._chains: dict[str, set[str]] = defaultdict(set)

    def add(self, tweet_id: str, chain_ids: list, initial_id: object | None) -> None:
        if chain_ids:
            self._chains[tweet_id].update(str(i) for i in chain_ids)
            self._chains[tweet_id].add(tweet_id)
        if initial_id is not None and str(initial_id) != tweet_id:
            self._chains[str(initial_id)].update((tweet_id, str(initial_id)))

    def versions_of(self, tweet_ids: set[str]) -> set[str]:
        """Every version of every edit chain one of `tweet_ids` belongs to
        (chains share ids, so they are joined until nothing new is found)."""
        found = set(tweet_ids)
        grew = True
        while grew:
            grew = False
            for ids in self._chains.values():
                if not ids <= found and ids & found:
                    found |= ids
                    grew = True
        return found

    def superseded(self, present: dict[str, Tweet]) -> dict[str, str]:
        """Earlier versions present in the archive → the id of the version kept."""
        aliases: dict[str, str] = {}
        for ids in self._chains.values():
            versions = sorted((i for i in ids if i in present), key=int)
            for old in versions[:-1]:
                aliases[old] = versions[-1]
        return aliases


def collapse_edits(tweets: dict[str, Tweet], aliases: dict[str, str]) -> None:
    """Drop earlier versions, and point replies and quotes at the kept one."""
    if not aliases:
        return
    for old in aliases:
        del tweets[old]
    for tweet in tweets.values():
        if tweet.in_reply_to_id in aliases:
            tweet.in_reply_to_id = aliases[tweet.in_reply_to_id]
        quoted = quoted_id(tweet)  # looks at the text only of tweets that may quote
        if quoted in aliases:
            tweet.quote.tweet_id = aliases[quoted]  # type: ignore[union-attr]


def is_self_reply(tweet: Tweet, account_id: str | None) -> bool:
    return not tweet.is_retweet and account_id is not None and tweet.in_reply_to_user_id == account_id


def build_threads(tweets: dict[str, Tweet], account_id: str | None, *, in_id_order: bool = False) -> list[Thread]:
    """Groups of tweets joined by self-replies whose parent is in the archive.

    A thread is a tree (one may reply twice to one's own tweet); its tweets
    are listed oldest first, so a parent always precedes its replies.
    Single tweets are threads of one. `in_id_order`: `tweets` is already
    sorted by numeric id (as the reader builds it), so are the threads.
    """
    children: dict[str, list[Tweet]] = defaultdict(list)
    roots: list[Tweet] = []
    for tweet in tweets.values():
        parent = tweet.in_reply_to_id
        # A reply is always newer than its parent; checking it keeps a forged
        # reply cycle from hiding its tweets.
        if (
            parent is not None
            and account_id is not None
            and tweet.in_reply_to_user_id == account_id
            and not tweet.is_retweet
            and parent in tweets
            and int(parent) < int(tweet.id)
        ):
            children[parent].append(tweet)
        else:
            roots.append(tweet)
    threads = []
    for root in roots:
        members = _collect(root, children) if root.id in children else [root]
        if len(members) > 1:
            members.sort(key=lambda t: int(t.id))
        fragment = is_self_reply(root, account_id) and root.in_reply_to_id is not None
        parents = {t.id: t.in_reply_to_id for t in members[1:]} if len(members) > 1 else {}
        threads.append(Thread(tweets=members, fragment=fragment, parents=parents))
    if not in_id_order:
        threads.sort(key=lambda t: int(t.root.id))
    return threads


def _collect(root: Tweet, children: dict[str, list[Tweet]]) -> list[Tweet]:
    members, stack = [], [root]
    while stack:
        tweet = stack.pop()
        members.append(tweet)
        stack.extend(children.get(tweet.id, ()))
    return members
