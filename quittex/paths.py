"""Where quittex keeps its files: QUITTEX_HOME, else the platform's user folders.

Tests point QUITTEX_HOME at a temporary folder, so no test can touch a real
user's credentials or journals.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path


def home() -> Path | None:
    value = os.environ.get("QUITTEX_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    base = home()
    return base / "config" if base else user_config_path("quittex", appauthor=False)


def state_dir() -> Path:
    """Journals: one SQLite file per source account, platform and target account."""
    base = home()
    return base / "state" if base else user_data_path("quittex", appauthor=False) / "state"


def private_dir(path: Path) -> Path:
    """Create `path` readable by its owner only (it holds tokens or journals)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
