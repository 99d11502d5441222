"""Where quittex keeps its files: QUITTEX_HOME, else the platform's user folders.

Tests point QUITTEX_HOME at a temporary folder, so no test can touch a real
user's credentials or journals.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from platformdirs import user_config_path, user_data_path

# The project file, in the folder a command runs in.
DEFAULT_FILENAME = "quittex.toml"


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


def file_name(text: str) -> str:
    """`text` (an account, a DID) as a file name: runs of anything but letters,
    digits and `_.@-` become one `_`."""
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", text).strip("_") or "account"


def write_private(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a crash leaves the old file), readable
    by its owner only: mkstemp creates the file 0600 and fchmod says so again
    in case a platform differs, before a single byte is written."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
