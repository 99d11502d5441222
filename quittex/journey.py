"""How far a collective is on its way out of X, read from what is on disk.

`quittex` run with no command shows these steps in order: the archive found
and read, the project file, the preview reviewed, the accounts connected, the
posts migrated, the profile, the farewell. Each step says what was found and
the exact command that moves it on. Nothing here changes a file or reaches
a server: it reads the working folder, the journals and the saved accounts.
"""

from __future__ import annotations

import json
import shlex
import sqlite3
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from quittex import paths
from quittex.errors import QuittexError
from quittex.migrate.review import FILE_NAME as REVIEW_FILE
from quittex.platforms import REGISTRY

PROJECT_FILE = "quittex.toml"
# An archive's account file, under any generation's root folder.
_ACCOUNT_FILES = ("data/account.js", "account.js")
_MAX_CANDIDATES = 50


@dataclass
class Step:
    key: str  # archive · project · review · accounts · migrate · profile · farewell
    done: bool
    command: str  # what to run next for this step ("" when it is done)
    facts: dict[str, object] = field(default_factory=dict)  # what was found, for the sentence


@dataclass
class Journey:
    folder: Path
    steps: list[Step]

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)


def read_journey(folder: Path = Path("."), state_dir: Path | None = None) -> Journey:
    """Every step, from the files of `folder` and quittex's state folder."""
    from quittex.config import load_config

    archive = _find_archive(folder)
    account_id, username, problem = _read_account(archive) if archive else (None, None, None)
    shown_archive = _argument(archive, folder) if archive else "ARCHIVE"
    project = folder / PROJECT_FILE
    config, config_problem = None, None
    if project.is_file():
        try:
            config = load_config(project)
        except QuittexError as error:
            config_problem = error.message
    platforms = _chosen_platforms(config)
    review = folder / REVIEW_FILE
    saved = _saved_accounts()
    state = state_dir or paths.state_dir()
    migrated = _migrated(state, account_id, platforms) if account_id else {}
    steps = [
        Step(
            "archive",
            bool(archive and account_id),
            "" if archive and account_id else (f"quittex inspect {shown_archive}" if archive else ""),
            {"archive": archive.name if archive else None, "username": username, "problem": problem},
        ),
        Step(
            "project",
            config is not None,
            "quittex init" + (" --force" if project.is_file() else ""),
            {"problem": config_problem},
        ),
        Step(
            "review",
            review.is_file(),
            f"quittex migrate {shown_archive} --dry-run --preview preview.html",
            {"file": REVIEW_FILE},
        ),
        Step(
            "accounts",
            all(saved.get(name) for name in platforms),
            " · ".join(f"quittex login {name}" for name in platforms if not saved.get(name)),
            {"accounts": {name: saved.get(name, []) for name in platforms}},
        ),
        Step(
            "migrate",
            bool(migrated) and all(_finished(counts) for counts in migrated.values()),
            _migrate_command(shown_archive, platforms, review.is_file()),
            {"counts": migrated},
        ),
        Step("profile", _profile_done(state, platforms), f"quittex profile {shown_archive}", {}),
        Step("farewell", _farewell_done(state), "quittex farewell --post", {}),
    ]
    return Journey(folder, steps)


def _find_archive(folder: Path) -> Path | None:
    """The newest zip or folder here that holds an X archive's account file."""
    try:
        candidates = sorted(
            (path for path in folder.iterdir() if path.suffix.lower() == ".zip" or path.is_dir()),
            key=_modified,
            reverse=True,
        )[:_MAX_CANDIDATES]
    except OSError:
        return None
    return next((path for path in candidates if _looks_like_archive(path)), None)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _looks_like_archive(path: Path) -> bool:
    if path.is_dir():
        return any((path / name).is_file() for name in _ACCOUNT_FILES)
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith(_ACCOUNT_FILES) for name in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _read_account(archive: Path) -> tuple[str | None, str | None, str | None]:
    from quittex.archive.profile import read_x_profile

    try:
        profile = read_x_profile(archive)
    except QuittexError as error:
        return None, None, error.message
    return profile.account_id, profile.username, None


def _argument(path: Path, folder: Path) -> str:
    try:
        shown = str(path.relative_to(folder))
    except ValueError:
        shown = str(path)
    return shlex.quote(shown)


def _chosen_platforms(config) -> list[str]:
    chosen = config.migrate.to if config is not None and config.migrate.to else None
    if chosen:
        return [name for name in REGISTRY if name in chosen.split(",")]
    return list(REGISTRY)


def _saved_accounts() -> dict[str, list[str]]:
    from quittex.accounts.store import CredentialStore

    try:
        saved = CredentialStore().load()
    except (QuittexError, OSError, ValueError):
        return {}
    return {
        "bluesky": [record.name for record in saved.bluesky],
        "mastodon": [record.name for record in saved.mastodon],
    }


def _migrated(state: Path, account_id: str, platforms: list[str]) -> dict[str, dict[str, int]]:
    """platform → journal counts (summed over its target accounts)."""
    from quittex.publish.journal import list_journals

    found: dict[str, dict[str, int]] = {}
    for path in list_journals(state):
        platform = next((name for name in platforms if path.name.startswith(f"{account_id}-{name}-")), None)
        counts = _journal_counts(path) if platform else None
        if counts is None:
            continue
        total = found.setdefault(platform, {})
        for state_name, count in counts.items():
            total[state_name] = total.get(state_name, 0) + count
    return found


def _journal_counts(path: Path) -> Counter | None:
    """A journal's posts by state; None when it cannot be read (the guide only reads)."""
    from quittex.publish.journal import Journal

    try:
        with Journal.read_only(path) as journal:
            return journal.counts()
    except (QuittexError, OSError, ValueError, sqlite3.Error):
        return None


def _finished(counts: dict[str, int]) -> bool:
    return counts.get("done", 0) > 0 and not any(counts.get(name) for name in ("pending", "sending", "failed"))


def _migrate_command(archive: str, platforms: list[str], reviewed: bool) -> str:
    command = f"quittex migrate {archive} --to {','.join(platforms)}"
    return command + (f" --review {REVIEW_FILE}" if reviewed else "")


def _profile_done(state: Path, platforms: list[str]) -> bool:
    folder = state / "profile"
    done_on = set()
    for journal in folder.glob("*/journal.json") if folder.is_dir() else ():
        try:
            steps = json.loads(journal.read_text(encoding="utf-8")).get("steps", [])
            changes = [step["action"] for step in steps if step.get("state") == "done"]
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            continue
        # Applied, and not put back as it was since.
        last = next((action for action in reversed(changes) if action in ("apply", "restore")), None)
        if last == "apply":
            done_on.add(journal.parent.name.split("-", 1)[0])
    return bool(platforms) and all(name in done_on for name in platforms)


def _farewell_done(state: Path) -> bool:
    folder = state / "farewell"
    journals = sorted(folder.glob("*.sqlite3")) if folder.is_dir() else []
    return any((_journal_counts(path) or {}).get("done") for path in journals)
