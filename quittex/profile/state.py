"""What quittex keeps about one account's profile, in the state folder.

    profile/<platform>-<account>/before.json      the profile as it was before quittex first changed it
    profile/<platform>-<account>/before-avatar    its images, byte for byte
    profile/<platform>-<account>/journal.json     each change: begun, done; the images quittex sent

`before` is written once, before the first change, and never overwritten: a
second run, or a run after `--restore`, keeps the profile the account had
before quittex. The journal is written before a change is sent ("sending")
and after it landed ("done"), so a crash in between is seen by the next run.
Every file is the owner's only (0600) and written whole or not at all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quittex import paths

IMAGE_KINDS = ("avatar", "banner")


class ProfileState:
    def __init__(self, platform: str, account: str, state_dir: Path | None = None) -> None:
        base = (state_dir or paths.state_dir()) / "profile"
        self.folder = paths.private_dir(base / f"{platform}-{paths.file_name(account)}")
        self.platform, self.account = platform, account

    # -- the profile before quittex ---------------------------------------------------
    def saved(self) -> tuple[dict[str, Any], dict[str, bytes]] | None:
        path = self.folder / "before.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        images = {kind: (self.folder / f"before-{kind}").read_bytes() for kind in data.get("images", [])}
        return data["profile"], images

    def save_before(self, profile: dict[str, Any], images: dict[str, bytes]) -> bool:
        """Keep the profile as it is now, unless one is kept already. Images
        first, the description last: a crash in between leaves no half-saved profile."""
        if (self.folder / "before.json").exists():
            return False
        for kind, data in images.items():
            paths.write_private(self.folder / f"before-{kind}", data)
        record = {
            "platform": self.platform,
            "account": self.account,
            "saved_at": _now(),
            "images": sorted(images),
            "profile": profile,
        }
        paths.write_private(self.folder / "before.json", _json(record))
        return True

    # -- the journal -------------------------------------------------------------------
    def journal(self) -> dict[str, Any]:
        path = self.folder / "journal.json"
        if not path.exists():
            return {"steps": [], "images": {}}
        return json.loads(path.read_text(encoding="utf-8"))

    def images_sent(self) -> dict[str, dict[str, str]]:
        """kind → {digest, key}: the images quittex put on the profile, and how the platform names them."""
        return self.journal().get("images", {})

    def begin(self, action: str, changes: list[str]) -> None:
        journal = self.journal()
        journal["steps"].append({"action": action, "changes": changes, "state": "sending", "at": _now()})
        self._write(journal)

    def done(self, images: dict[str, dict[str, str]] | None = None, *, forget_images: bool = False) -> None:
        journal = self.journal()
        if journal["steps"]:
            journal["steps"][-1].update(state="done", done_at=_now())
        journal["images"] = {} if forget_images else {**journal.get("images", {}), **(images or {})}
        self._write(journal)

    def interrupted(self) -> dict[str, Any] | None:
        """The last step, when a crash left it unfinished."""
        steps = self.journal()["steps"]
        return steps[-1] if steps and steps[-1].get("state") == "sending" else None

    def _write(self, journal: dict[str, Any]) -> None:
        paths.write_private(self.folder / "journal.json", _json(journal))


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
