"""Files other tools read, written from the reviewed contacts sheet.

- Mastodon's own "following list" (Preferences → Import and export → Import,
  type "Following list"): `Account address,Show boosts,Notify on new posts,Languages`,
  for those who prefer the instance to do the following.
- A handle map (`x_handle,mastodon,bluesky`) that `quittex migrate --handle-map`
  reads, so migrated posts mention these people for real.

Both take the rows marked to follow, nothing else: they are the ones a person checked.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from quittex import paths
from quittex.contacts.sheet import FollowTarget

MASTODON_HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")


def mastodon_following_csv(targets: list[FollowTarget]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MASTODON_HEADER)
    for address in dict.fromkeys(t.address.lstrip("@") for t in targets if t.platform == "mastodon" and t.address):
        writer.writerow([address, "true", "false", ""])
    return buffer.getvalue()


def handle_map_csv(targets: list[FollowTarget]) -> str:
    people: dict[str, dict[str, str]] = defaultdict(dict)
    for target in targets:
        if target.x_handle and target.address:
            people[target.x_handle.lstrip("@").lower()][target.platform] = target.address.lstrip("@")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("x_handle", "mastodon", "bluesky"))
    for handle, found in sorted(people.items()):
        mastodon = found.get("mastodon", "")
        writer.writerow([handle, f"@{mastodon}" if mastodon else "", found.get("bluesky", "")])
    return buffer.getvalue()


def write_text(path: Path, text: str) -> None:
    paths.write_private(path, text.encode("utf-8"))
