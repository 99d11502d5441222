"""Follow the accounts the contacts sheet marks, exactly once.

Bluesky: the account's existing `app.bsky.graph.follow` records are listed
first (an account already followed, by quittex or by hand, is skipped); a new
follow is written with `putRecord` under a record key derived from the
followed DID and with `swapRecord: null` (the record must not exist yet), and
its `createdAt` is the one journaled before the first attempt: a retry after a
crash writes the very same record, which the PDS takes as a no-op. Mastodon:
the account is resolved on the instance, its relationship read (already
followed or requested: skipped), then followed; a follow is idempotent on the
server. Both are paced within the account's limits (Bluesky's records
budget, shared with posts; Mastodon's 400 follows a day).

Each follow is journaled ("sending" before, "done" after) in the state
folder, so `status`-like counts and a resumed run know where things stand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quittex import paths
from quittex.contacts.sheet import FollowTarget
from quittex.errors import AuthError, RateLimitedError
from quittex.i18n import _
from quittex.publish.base import Publisher, PublishError, RefusedError
from quittex.publish.bluesky import SwapError
from quittex.publish.mastodon import read_field
from quittex.publish.tid import encode_tid

FOLLOW = "app.bsky.graph.follow"
LIST_PAGE = 100
# on_progress(platform, follows done, follows in all)
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class FollowReport:
    platform: str
    account: str
    followed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account": self.account,
            "followed": self.followed,
            "already_followed": self.already,
            "failed": [{"address": address, "reason": reason} for address, reason in self.failed],
        }


class FollowJournal:
    """Each follow of one account on one platform: sending, then done."""

    def __init__(self, platform: str, account: str, state_dir: Path | None = None) -> None:
        folder = paths.private_dir((state_dir or paths.state_dir()) / "contacts")
        self.path = folder / f"follows-{platform}-{paths.file_name(account)}.json"
        self.entries: dict[str, dict[str, str]] = (
            json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        )

    def get(self, key: str) -> dict[str, str]:
        return self.entries.get(key, {})

    def mark(self, key: str, **values: str) -> None:
        self.entries[key] = {**self.entries.get(key, {}), **values}
        paths.write_private(self.path, json.dumps(self.entries, ensure_ascii=False, indent=1).encode("utf-8"))


def follow_all(
    targets: list[FollowTarget],
    publishers: Mapping[str, Publisher],
    *,
    state_dir: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> dict[str, FollowReport]:
    """Follow every target on its platform's publisher; one report per platform."""
    reports = {}
    for name, publisher in publishers.items():
        mine = [target for target in targets if target.platform == name]
        follower = _FOLLOWERS[name](publisher, FollowJournal(name, publisher.account, state_dir))
        report = FollowReport(name, publisher.label)
        follower.prepare()
        for done, target in enumerate(mine, start=1):
            _follow_one(follower, target, report)
            if on_progress:
                on_progress(name, done, len(mine))
        reports[name] = report
    return reports


def _follow_one(follower: Any, target: FollowTarget, report: FollowReport) -> None:
    try:
        if follower.follow(target):
            report.followed.append(target.address)
        else:
            report.already.append(target.address)
    except (AuthError, RateLimitedError):
        raise  # the run stops: nothing more can be done with this account now
    except PublishError as error:
        report.failed.append((target.address, error.message))


class BlueskyFollower:
    def __init__(self, publisher: Any, journal: FollowJournal) -> None:
        self.publisher, self.journal = publisher, journal
        self.followed: set[str] = set()

    def prepare(self) -> None:
        """The DIDs this account follows now, whoever made the follow."""
        cursor = None
        while True:
            params = {"repo": self.publisher.did, "collection": FOLLOW, "limit": LIST_PAGE}
            if cursor:
                params["cursor"] = cursor
            answer = self.publisher.query_json("com.atproto.repo.listRecords", params)
            for record in answer.get("records") or []:
                subject = (record.get("value") or {}).get("subject")
                if isinstance(subject, str):
                    self.followed.add(subject)
            cursor = answer.get("cursor")
            if not cursor or not answer.get("records"):
                return

    def follow(self, target: FollowTarget) -> bool:
        did = target.ref if target.ref.startswith("did:") else self._resolve(target.address)
        if did in self.followed:
            self.journal.mark(did, state="done", address=target.address)
            return False
        entry = self.journal.get(did)
        created = entry.get("created_at") or datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.journal.mark(did, state="sending", address=target.address, created_at=created)
        record = {"$type": FOLLOW, "subject": did, "createdAt": created}
        try:
            remote = self.publisher.put_record(FOLLOW, follow_key(did), record, swap=None)
        except SwapError:  # a follow under this key exists: made by an earlier, interrupted run
            remote = None
        self.journal.mark(did, state="done", uri=remote.id if remote else "")
        self.followed.add(did)
        return True

    def _resolve(self, handle: str) -> str:
        answer = self.publisher.query_json("com.atproto.identity.resolveHandle", {"handle": handle.lstrip("@")})
        did = answer.get("did")
        if not isinstance(did, str) or not did.startswith("did:"):
            raise RefusedError(_("Bluesky: @{handle} could not be resolved").format(handle=handle))
        return did


def follow_key(did: str) -> str:
    """The record key of the follow of `did`: the same DID, the same key."""
    digest = int.from_bytes(hashlib.sha256(f"quittex/follow/1\n{did}".encode()).digest()[:8])
    return encode_tid(digest >> 1)


class MastodonFollower:
    def __init__(self, publisher: Any, journal: FollowJournal) -> None:
        self.publisher, self.journal = publisher, journal

    def prepare(self) -> None:
        """Nothing to list: the relationship of each account is read before following it."""

    def follow(self, target: FollowTarget) -> bool:
        address = target.address.lstrip("@").lower()
        account_id = self._account_id(address)
        client = self.publisher.client
        [relation] = self.publisher.call(
            "request",
            _("reading the relationship with {address}").format(address=address),
            lambda: client.account_relationships(account_id),
        ) or [{}]
        if read_field(relation, "following") or read_field(relation, "requested"):
            self.journal.mark(address, state="done")
            return False
        self.journal.mark(address, state="sending")
        self.publisher.call(
            "follow", _("following {address}").format(address=address), lambda: client.account_follow(account_id)
        )
        self.journal.mark(address, state="done")
        return True

    def _account_id(self, address: str) -> str:
        """The account's id on this instance: a local one by its name, another
        through the instance's search (which asks the other server by Webfinger)."""
        client = self.publisher.client
        domain = self.publisher.account.rsplit("@", 1)[-1].lower()
        user, _at, host = address.partition("@")
        what = _("looking up {address}").format(address=address)
        if host == domain:
            found = self.publisher.call("request", what, lambda: client.account_lookup(user))
            return str(read_field(found, "id"))
        answer = self.publisher.call(
            "request", what, lambda: client.search_v2(address, resolve=True, result_type="accounts")
        )
        accounts = answer.get("accounts") if isinstance(answer, dict) else getattr(answer, "accounts", None)
        for account in accounts or []:
            acct = str(read_field(account, "acct") or "").lower()
            if acct == address or f"{acct}@{domain}" == address:
                return str(read_field(account, "id"))
        raise RefusedError(_("Mastodon: {address} was not found from {domain}").format(address=address, domain=domain))


_FOLLOWERS = {"bluesky": BlueskyFollower, "mastodon": MastodonFollower}
