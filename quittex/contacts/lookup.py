"""Look for an X contact on Bluesky and Mastodon, through the logged-in
account's own server only (nothing is asked of any other service).

Bluesky: the handles the person would have taken (`name.bsky.social`, and
under each domain the account's PDS offers) are resolved with
`resolveHandle`; their profiles come from the AppView the PDS proxies
(`getProfiles`), or, on a PDS without one, from the account's repo
(`app.bsky.actor.profile/self`); `searchActors` adds people who took another
handle, when there is an AppView. Mastodon: the instance's account search, by
screen name and display name, and a Webfinger look-up (`resolve=true`) of an
address the handle map already gives.

Every request goes through the platform's publisher: paced within the
account's limits, failures mapped to quittex's errors.
"""

from __future__ import annotations

import re
from typing import Any

from quittex.contacts.match import Profile, bluesky_handles
from quittex.i18n import _
from quittex.publish.base import RefusedError
from quittex.publish.bluesky import BlueskyPublisher
from quittex.publish.mastodon import MastodonPublisher, html_to_text, read_field

SEARCH_LIMIT = 5
_URL = re.compile(r"https?://[^\s<>\"']+")
_HREF = re.compile(r"""href=["']([^"']+)["']""")
# The PDS answers these when it has no AppView to proxy to.
_NO_APPVIEW = ("No service configured", "could not resolve proxy", "MethodNotImplemented", "not implemented")


class BlueskyFinder:
    platform = "bluesky"

    def __init__(self, publisher: BlueskyPublisher) -> None:
        self.publisher = publisher
        self.appview = True  # until the PDS says it proxies to none
        self.domains = self._domains()

    def find(self, screen_name: str, display_name: str | None, known: str | None = None) -> list[Profile]:
        handles = bluesky_handles(screen_name, self.domains)
        if known:
            handles.insert(0, known)
        dids = {}
        for handle in dict.fromkeys(handles):
            did = self._resolve(handle)
            if did and did not in dids:
                dids[did] = handle
        found = self._profiles(dids)
        if self.appview:
            for term in dict.fromkeys(t for t in (screen_name, display_name) if t):
                found += self._search(term)
        return found

    def _domains(self) -> list[str]:
        answer = self.publisher.query_json("com.atproto.server.describeServer", {})
        offered = answer.get("availableUserDomains")
        domains = [d.strip(".").lower() for d in offered if isinstance(d, str)] if isinstance(offered, list) else []
        return list(dict.fromkeys(["bsky.social", *[d for d in domains if d]]))

    def _resolve(self, handle: str) -> str | None:
        try:
            answer = self.publisher.query_json("com.atproto.identity.resolveHandle", {"handle": handle})
        except RefusedError:  # 400: no such handle
            return None
        did = answer.get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    def _profiles(self, dids: dict[str, str]) -> list[Profile]:
        if not dids:
            return []
        if self.appview:
            try:
                answer = self.publisher.query_json("app.bsky.actor.getProfiles", {"actors": list(dids)[:25]})
                return [_bluesky_profile(item) for item in answer.get("profiles") or [] if isinstance(item, dict)]
            except RefusedError as error:
                if not any(mark.lower() in error.message.lower() for mark in _NO_APPVIEW):
                    raise
                self.appview = False
        return [self._repo_profile(did, handle) for did, handle in dids.items()]

    def _repo_profile(self, did: str, handle: str) -> Profile:
        """The profile record itself, from the repo (a PDS without AppView)."""
        params = {"repo": did, "collection": "app.bsky.actor.profile", "rkey": "self"}
        try:
            value = self.publisher.query_json("com.atproto.repo.getRecord", params).get("value") or {}
        except RefusedError:  # no profile record, or a repo this PDS does not hold
            value = {}
        return _bluesky_profile({"did": did, "handle": handle, **value})

    def _search(self, term: str) -> list[Profile]:
        try:
            answer = self.publisher.query_json("app.bsky.actor.searchActors", {"q": term, "limit": SEARCH_LIMIT})
        except RefusedError as error:
            if any(mark.lower() in error.message.lower() for mark in _NO_APPVIEW):
                self.appview = False
                return []
            raise
        return [_bluesky_profile(item) for item in answer.get("actors") or [] if isinstance(item, dict)]


def _bluesky_profile(item: dict[str, Any]) -> Profile:
    description = str(item.get("description") or "")
    return Profile(
        platform="bluesky",
        address=str(item.get("handle") or item.get("did") or ""),
        ref=str(item.get("did") or ""),
        display_name=str(item.get("displayName") or ""),
        description=description,
        links=_URL.findall(description),
    )


class MastodonFinder:
    platform = "mastodon"

    def __init__(self, publisher: MastodonPublisher) -> None:
        self.publisher = publisher
        self.domain = publisher.account.rsplit("@", 1)[-1]

    def find(self, screen_name: str, display_name: str | None, known: str | None = None) -> list[Profile]:
        found = []
        if known:  # an address given by the handle map: the server looks it up by Webfinger
            found += self._search(known.lstrip("@"), resolve=True)
        for term in dict.fromkeys(t for t in (screen_name, display_name) if t):
            found += self._search(term, resolve=False)
        return found

    def _search(self, term: str, *, resolve: bool) -> list[Profile]:
        client = self.publisher.client
        answer = self.publisher.call(
            "request",
            _("searching accounts"),
            lambda: client.search_v2(term, resolve=resolve, result_type="accounts"),
        )
        accounts = answer.get("accounts") if isinstance(answer, dict) else getattr(answer, "accounts", None)
        return [self._profile(account) for account in (accounts or [])[:SEARCH_LIMIT]]

    def _profile(self, account: Any) -> Profile:
        acct = str(read_field(account, "acct") or "")
        note = str(read_field(account, "note") or "")
        fields = read_field(account, "fields") or []
        field_text = " ".join(
            f"{read_field(f, 'name') or ''}: {html_to_text(str(read_field(f, 'value') or ''))}" for f in fields
        )
        links = _HREF.findall(note) + [
            link for f in fields for link in _HREF.findall(str(read_field(f, "value") or ""))
        ]
        return Profile(
            platform="mastodon",
            address=acct if "@" in acct else f"{acct}@{self.domain}",
            ref=str(read_field(account, "url") or ""),
            display_name=str(read_field(account, "display_name") or ""),
            description=(html_to_text(note) + " " + field_text).strip(),
            links=links,
        )
