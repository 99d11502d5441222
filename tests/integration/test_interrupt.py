"""Ctrl-C during a real publishing run: the request in flight finishes, the
journal stays consistent, the exit code is 130 and the message says how to
resume; the next run completes without posting anything twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fault_proxy import Fault, FaultProxy
from tests.mastodon_server import mastodon_server  # noqa: F401 - fixture

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "twitter-example.zip"


def statuses(server) -> list:
    client = server.client()
    return client.account_statuses(client.account_verify_credentials()["id"], limit=40)


def migrate(env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "quittex", "migrate", str(EXAMPLE), "--to", "mastodon", "--yes"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_as_in_a_terminal
    )


def _as_in_a_terminal() -> None:
    """Ctrl-C as a person at a terminal sends it: a suite started in the
    background (`cmd &` in a script) passes SIGINT down ignored, and a
    program that inherits it ignored rightly never sees it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(mastodon_server, tmp_path):  # noqa: F811
    with FaultProxy(mastodon_server.url) as proxy:
        # Slow answers, so that the interrupt lands in the middle of the run.
        proxy.add(Fault("delay", path="/api/v1/statuses", method="POST", seconds=0.5, times=1000))
        env = {
            **os.environ,
            "QUITTEX_HOME": str(tmp_path),
            "QUITTEX_MASTODON_URL": proxy.url,
            "QUITTEX_MASTODON_TOKEN": mastodon_server.token,
        }
        env.pop("CI", None)
        run = migrate(env)
        deadline = time.monotonic() + 60
        while len(statuses(mastodon_server)) < 3 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.1)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=60)
        assert run.returncode == 130, out + err
        assert "run the same command again" in err.lower() and "Traceback" not in err
        partial = len(statuses(mastodon_server))
        assert 3 <= partial < 13
        resumed = migrate(env)
        out, err = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, out + err
    texts = Counter(s["content"] for s in statuses(mastodon_server))
    assert len(texts) == 13 and set(texts.values()) == {1}
