"""The credential file: every account quittex may publish to, in one place.

`credentials.json` lives in the quittex config folder (QUITTEX_HOME/config,
else the platform's user config folder). The folder is 0700, the file 0600;
it is written whole to a temporary file that is 0600 before the first byte,
then renamed over the old one, so a crash never leaves half a file and the
secrets are never readable by others, not even for an instant. Updates take
a lock, so two quittex processes refreshing sessions never lose each other's.

What is stored: Bluesky *sessions* (the SDK's session string: access and
refresh tokens), never a password; Mastodon access tokens with the app
registration they came from. Secrets are `Secret`s in memory.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quittex import paths
from quittex.accounts.secret import Secret
from quittex.errors import ConfigError
from quittex.i18n import _

try:  # POSIX; on Windows the atomic rename alone keeps the file whole
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

FILENAME = "credentials.json"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 2_000_000  # a few accounts are a few kilobytes

# Where an account came from: `quittex login`, or environment variables (a
# session cached for QUITTEX_BLUESKY_HANDLE/PASSWORD so cron runs reuse it).
ORIGIN_LOGIN = "login"
ORIGIN_ENVIRONMENT = "environment"


def credentials_path() -> Path:
    return paths.config_dir() / FILENAME


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class BlueskyCredentials:
    handle: str
    did: str
    login_url: str  # where the user logged in: bsky.social or their own PDS
    pds: str  # the account's PDS, as the session says
    session: Secret  # the SDK's session string: never a password
    origin: str = ORIGIN_LOGIN
    app_password: bool = True  # the session was created with an app password
    saved_at: str = ""

    @property
    def name(self) -> str:
        return self.handle


@dataclass(frozen=True)
class MastodonCredentials:
    account: str  # user@host
    instance: str  # https://host
    account_id: str
    token: Secret
    client_id: str | None = None  # the app quittex registered (OAuth login only)
    client_secret: Secret | None = None
    scopes: tuple[str, ...] = ()
    origin: str = ORIGIN_LOGIN
    saved_at: str = ""

    @property
    def name(self) -> str:
        return self.account


_SECRET_FIELDS = {"session", "token", "client_secret"}


def _to_dict(record: BlueskyCredentials | MastodonCredentials) -> dict[str, Any]:
    data = {f.name: getattr(record, f.name) for f in fields(record)}
    for key in _SECRET_FIELDS & data.keys():
        data[key] = data[key].reveal() if data[key] is not None else None
    if "scopes" in data:
        data["scopes"] = list(data["scopes"])
    return data


def _from_dict(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise TypeError("an account is not an object")
    known = {f.name for f in fields(cls)}
    values = {key: value for key, value in data.items() if key in known}
    for key in _SECRET_FIELDS & values.keys():
        if values[key] is not None:
            values[key] = Secret(values[key])
    if "scopes" in values:
        values["scopes"] = tuple(values["scopes"])
    return cls(**values)


@dataclass
class Credentials:
    """The whole file, in memory."""

    bluesky: list[BlueskyCredentials] = field(default_factory=list)
    mastodon: list[MastodonCredentials] = field(default_factory=list)
    # createSession calls per "handle|server" (epoch seconds), and the end of
    # a 429 the server gave: later runs respect Bluesky's login limits too.
    login_attempts: dict[str, list[float]] = field(default_factory=dict)
    login_blocked_until: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "version": FORMAT_VERSION,
            "bluesky": [_to_dict(r) for r in self.bluesky],
            "mastodon": [_to_dict(r) for r in self.mastodon],
            "login_attempts": self.login_attempts,
            "login_blocked_until": self.login_blocked_until,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Credentials:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("the file is not a JSON object")
        version = data.get("version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise _NewerFormat(version)
        return cls(
            bluesky=[_from_dict(BlueskyCredentials, r) for r in data.get("bluesky", [])],
            mastodon=[_from_dict(MastodonCredentials, r) for r in data.get("mastodon", [])],
            login_attempts={str(k): [float(t) for t in v] for k, v in data.get("login_attempts", {}).items()},
            login_blocked_until={str(k): float(v) for k, v in data.get("login_blocked_until", {}).items()},
        )

    # -- edits ----------------------------------------------------------------

    def put_bluesky(self, record: BlueskyCredentials) -> None:
        """Add or replace: one entry per (DID, origin, login server)."""
        self.bluesky = [r for r in self.bluesky if not _same_bluesky(r, record)]
        self.bluesky.append(replace(record, saved_at=now_iso()))

    def put_mastodon(self, record: MastodonCredentials) -> None:
        self.mastodon = [r for r in self.mastodon if r.account != record.account]
        self.mastodon.append(replace(record, saved_at=now_iso()))


def _same_bluesky(a: BlueskyCredentials, b: BlueskyCredentials) -> bool:
    return a.did == b.did and a.origin == b.origin and a.login_url == b.login_url


class _NewerFormat(Exception):
    def __init__(self, version: Any) -> None:
        super().__init__(f"format version {version!r}")


class CredentialStore:
    """Reads and writes `credentials.json` (default: in the config folder)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or credentials_path()

    def load(self) -> Credentials:
        """The current contents; an absent file is an empty store."""
        try:
            text = self._read_text()
        except FileNotFoundError:
            return Credentials()
        try:
            return Credentials.from_json(text)
        except _NewerFormat:
            raise ConfigError(
                _("{path} was written by a newer quittex.").format(path=self.path),
                hint=_("Upgrade quittex to use these accounts."),
            ) from None
        except (ValueError, TypeError, KeyError, AttributeError):
            # Never quote the content: it holds tokens.
            raise ConfigError(
                _("The credential file {path} is damaged.").format(path=self.path),
                hint=_("Delete it and log in again with `quittex login`."),
            ) from None

    @contextmanager
    def update(self) -> Iterator[Credentials]:
        """Load under a lock, let the caller change it, write it back atomically."""
        folder = self._private_folder()
        with _locked(folder / (FILENAME + ".lock")):
            credentials = self.load()
            yield credentials
            self._write(credentials.to_json())

    def _read_text(self) -> str:
        with self.path.open("rb") as file:
            _tighten(file.fileno(), self.path)
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValueError("too large")
        return data.decode("utf-8")

    def _private_folder(self) -> Path:
        folder = paths.private_dir(self.path.parent)
        if os.name == "posix" and stat.S_IMODE(folder.stat().st_mode) & 0o077:
            folder.chmod(0o700)  # an older or hand-made folder: close it
        return folder

    def _write(self, text: str) -> None:
        paths.write_private(self.path, text.encode("utf-8"))


def _tighten(fd: int, path: Path) -> None:
    """A credential file someone made readable by others goes back to 0600."""
    if os.name == "posix" and hasattr(os, "fchmod") and stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
        os.fchmod(fd, 0o600)


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
