"""Find the named contacts on each platform, with a cache that makes an
interrupted search go on where it stopped.

    contacts = read_contacts("twitter.zip")
    found = find_contacts(contacts, {"bluesky": publisher, "mastodon": other}, on_progress=print)
    write_contacts_sheet(Path("contacts.csv"), found, ["bluesky", "mastodon"])

The cache keeps what each platform answered for each contact (the profiles,
not the verdict), one JSON line per look-up, in the state folder: a re-run
asks only about the contacts left, and a change of the matching rules applies
to the whole sheet without asking again. A line torn by a crash is ignored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from quittex import paths
from quittex.contacts.extract import Contact, ContactList
from quittex.contacts.lookup import BlueskyFinder, MastodonFinder
from quittex.contacts.match import Profile, best, evaluate
from quittex.contacts.sheet import Found
from quittex.publish.base import Publisher

# on_progress(contacts done, contacts in all)
ProgressCallback = Callable[[int, int], None]
FINDERS = {"bluesky": BlueskyFinder, "mastodon": MastodonFinder}


class LookupCache:
    """What one platform answered about each contact, for one account."""

    def __init__(self, source_account: str, platform: str, target_account: str, state_dir: Path | None) -> None:
        folder = paths.private_dir((state_dir or paths.state_dir()) / "contacts")
        name = "-".join(paths.file_name(part) for part in (source_account or "x", platform, target_account))
        self.path = folder / f"{name}.jsonl"
        self.answers: dict[str, list[Profile]] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                self._load(line)

    def _load(self, line: str) -> None:
        try:
            record = json.loads(line)
            self.answers[record["key"]] = [Profile.from_json(item) for item in record["profiles"]]
        except (ValueError, KeyError, TypeError):
            pass  # a line a crash cut short: that contact is asked again

    def get(self, key: str) -> list[Profile] | None:
        return self.answers.get(key)

    def put(self, key: str, profiles: list[Profile]) -> None:
        self.answers[key] = profiles
        line = json.dumps({"key": key, "profiles": [p.to_json() for p in profiles]}, ensure_ascii=False) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


def find_contacts(
    contacts: ContactList,
    publishers: Mapping[str, Publisher],
    *,
    known: Mapping[str, Mapping[str, str]] | None = None,
    state_dir: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[Found]:
    """Candidates for each named contact on each platform of `publishers`.
    `known` gives addresses already known (the handle map): x handle → platform → address."""
    finders = {name: FINDERS[name](publisher) for name, publisher in publishers.items()}
    caches = {
        name: LookupCache(contacts.username, name, publisher.account, state_dir)
        for name, publisher in publishers.items()
    }
    named = contacts.named
    results = []
    for done, contact in enumerate(named, start=1):
        answers = {}
        for name, finder in finders.items():
            cached = caches[name].get(contact.key)
            if cached is None:
                address = (known or {}).get((contact.screen_name or "").lower(), {}).get(name)
                cached = finder.find(contact.screen_name or "", contact.display_name, address)
                caches[name].put(contact.key, cached)
            answers[name] = cached
        results.append(Found(contact, judged(contact, answers)))
        if on_progress:
            on_progress(done, len(named))
    return results


def judged(contact: Contact, answers: Mapping[str, list[Profile]]) -> dict[str, list[Any]]:
    """The candidates of each platform, with evidence, the most certain first."""
    judged_answers = {}
    for name, profiles in answers.items():
        others = [p for other, found in answers.items() if other != name for p in found]
        candidates = [evaluate(contact.screen_name or "", contact.display_name, p, others) for p in profiles]
        judged_answers[name] = best([c for c in candidates if c is not None])
    return judged_answers
