"""Fixtures that give integration tests a real Bluesky PDS on loopback.

    def test_something(pds):                 # one PDS for the whole session,
        account = pds.create_account()       # rate limits off
        client = pds.login(account)

    def test_limits(pds_factory):            # a fresh PDS of its own,
        server = pds_factory(rate_limits=True)   # stopped after the test

Without an installed PDS (`bash scripts/pds/install.sh`) these tests are
skipped locally, but fail when the CI variable is set: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.integration.pds import LocalPDS, installation_problem
from tests.mastodon_server import mastodon_server, mastodon_server_factory  # noqa: F401 - fixtures


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_pds_installed() -> None:
    """Skip (locally) or fail (in CI) when the PDS is not installed."""
    problem = installation_problem()
    if problem is None:
        return
    if running_in_ci():
        pytest.fail(f"{problem}; CI must run the PDS tests", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def pds() -> Iterator[LocalPDS]:
    """The shared PDS for the session: rate limits off, create your own accounts."""
    require_pds_installed()
    with LocalPDS() as server:
        yield server


@pytest.fixture
def pds_factory() -> Iterator[Callable[..., LocalPDS]]:
    """Start separate PDSes (rate limits on by default), stopped after the test."""
    require_pds_installed()
    started: list[LocalPDS] = []

    def start(*, rate_limits: bool = True, env: dict[str, str] | None = None) -> LocalPDS:
        server = LocalPDS(rate_limits=rate_limits, env=env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def accounts(pds, mastodon_server, monkeypatch):  # noqa: F811
    """A new Bluesky account on the shared PDS and the mastodon-mock account,
    given to quittex the way CI gives them: through the environment."""
    account = pds.create_account()
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", account.handle)
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", pds.create_app_password(account))
    monkeypatch.setenv("QUITTEX_BLUESKY_PDS", pds.url)
    monkeypatch.setenv("QUITTEX_MASTODON_URL", mastodon_server.url)
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", mastodon_server.token)
    return account, mastodon_server
