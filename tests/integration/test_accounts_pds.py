"""Accounts against real servers: the loopback Bluesky PDS (`pds` marker) and
mastodon-mock (a stateful imitation of the Mastodon API, started per test).

What these prove that the fakes cannot: the SDK's real session strings and
token rotation, app-password scopes as the PDS issues them, deleteSession,
the OAuth out-of-band flow and token revocation as a server implements them.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from atproto import Client
from atproto_client.client.methods_mixin.time import TimeMethodsMixin
from atproto_client.exceptions import AtProtocolError

from quittex import accounts
from quittex.accounts import Secret
from quittex.accounts.store import CredentialStore, credentials_path
from quittex.errors import AuthError, RateLimitedError
from tests.cli_helpers import run_cli
from tests.integration.pds import LocalPDS
from tests.mastodon_server import RateLimit


@pytest.fixture
def create_sessions(monkeypatch) -> list[str]:
    """Every createSession the SDK sends, by handle."""
    sent: list[str] = []
    real = Client._get_and_set_session

    def counting(self, login, password, auth_factor_token=None):
        sent.append(login)
        return real(self, login, password, auth_factor_token)

    monkeypatch.setattr(Client, "_get_and_set_session", counting)
    return sent


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("quittex.cli.account_cmd._stdin_is_terminal", lambda: True)


def saved_session() -> str:
    return CredentialStore().load().bluesky[0].session.reveal()


# --- Bluesky on the loopback PDS -------------------------------------------------------


@pytest.mark.pds
def test_cli_login_then_every_run_reuses_the_session(pds: LocalPDS, create_sessions, terminal, isolated_home):
    account = pds.create_account()
    app_password = pds.create_app_password(account)
    result = run_cli("login", "bluesky", "--handle", account.handle, "--pds", pds.url, input=app_password + "\n")
    assert result.exit_code == 0, result.stderr
    assert f"@{account.handle}" in result.stdout and account.did in result.stdout
    for _ in range(3):
        session = accounts.bluesky_session()
        assert (session.did, session.handle, session.pds) == (account.did, account.handle, pds.url)
        query = {"repo": session.did, "collection": "app.bsky.feed.post"}
        records = session.client.com.atproto.repo.list_records(query)
        assert records.records == []
    assert create_sessions == [account.handle]
    written = "".join(p.read_text(errors="replace") for p in isolated_home.rglob("*") if p.is_file())
    assert app_password not in written + result.stdout + result.stderr


@pytest.mark.pds
def test_a_refresh_near_expiry_is_saved_and_the_next_run_uses_it(pds: LocalPDS, create_sessions, monkeypatch):
    account = pds.create_account()
    accounts.login_bluesky(account.handle, Secret(pds.create_app_password(account)), pds=pds.url)
    first = saved_session()
    real_now = TimeMethodsMixin.get_current_time
    # Two hours on: the access token is past its end, the SDK refreshes before its call.
    monkeypatch.setattr(TimeMethodsMixin, "get_current_time", lambda self: real_now(self) + timedelta(hours=2))
    accounts.bluesky_session()
    refreshed = saved_session()
    assert refreshed != first
    monkeypatch.setattr(TimeMethodsMixin, "get_current_time", real_now)
    assert accounts.bluesky_session().client.export_session_string() == refreshed
    assert create_sessions == [account.handle]


@pytest.mark.pds
def test_the_app_password_scope_is_read_from_the_real_session(pds: LocalPDS):
    account = pds.create_account()
    with_app_password = accounts.login_bluesky(account.handle, Secret(pds.create_app_password(account)), pds=pds.url)
    with_main_password = accounts.login_bluesky(account.handle, Secret(account.password), pds=pds.url)
    assert (with_app_password.app_password, with_main_password.app_password) == (True, False)


@pytest.mark.pds
def test_a_wrong_password_is_sent_once_and_refused(pds: LocalPDS, create_sessions):
    account = pds.create_account()
    with pytest.raises(AuthError, match="refused the handle"):
        accounts.login_bluesky(account.handle, Secret("aaaa-bbbb-cccc-dddd"), pds=pds.url)
    assert create_sessions == [account.handle]
    assert CredentialStore().load().bluesky == []


@pytest.mark.pds
def test_cron_mode_logs_in_once_across_runs(pds: LocalPDS, create_sessions, monkeypatch, isolated_home):
    account = pds.create_account()
    app_password = pds.create_app_password(account)
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", account.handle)
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", app_password)
    monkeypatch.setenv("QUITTEX_BLUESKY_PDS", pds.url)
    dids = {accounts.bluesky_session().did for _ in range(3)}
    assert dids == {account.did} and create_sessions == [account.handle]
    assert app_password not in credentials_path().read_text()


@pytest.mark.pds
def test_logout_ends_the_session_on_the_pds(pds: LocalPDS):
    account = pds.create_account()
    accounts.login_bluesky(account.handle, Secret(pds.create_app_password(account)), pds=pds.url)
    old = saved_session()
    result = run_cli("logout", "bluesky")
    assert result.exit_code == 0 and "could not end" not in result.stderr
    client = Client(base_url=pds.url)
    client.login(session_string=old, fetch_bsky_profile=False)
    with pytest.raises(AtProtocolError):
        client._refresh_and_set_session()
    with pytest.raises(AuthError, match="not logged in"):
        accounts.bluesky_session()


# --- Mastodon on mastodon-mock ---------------------------------------------------------


def test_mastodon_token_login_through_the_cli(mastodon_server):
    result = run_cli("login", "mastodon", "--instance", mastodon_server.url, "--token", mastodon_server.token)
    assert result.exit_code == 0, result.stderr
    assert f"@{mastodon_server.account}" in result.stdout
    rows = json.loads(run_cli("whoami", "--json").stdout)
    assert [(r["account"], r["server"]) for r in rows] == [(mastodon_server.account, mastodon_server.url)]
    assert mastodon_server.token not in result.stdout + result.stderr + json.dumps(rows)


def test_mastodon_oob_flow_gives_a_token_that_can_post(mastodon_server):
    authorization = accounts.start_mastodon_authorization(mastodon_server.url)
    code = mastodon_server.approve(authorization.url, "bob")
    account = accounts.finish_mastodon_authorization(authorization, Secret(code))
    assert account.account == f"bob@{mastodon_server.domain}"
    session = accounts.mastodon_session()
    status = session.client.status_post("Bonjour, nous avons quitté X.", visibility="unlisted")
    assert status["account"]["username"] == "bob"
    saved = CredentialStore().load().mastodon[0]
    assert saved.client_id == authorization.client_id and saved.scopes == accounts.MASTODON_SCOPES


def test_mastodon_logout_revokes_the_oauth_token(mastodon_server, monkeypatch):
    authorization = accounts.start_mastodon_authorization(mastodon_server.url)
    accounts.finish_mastodon_authorization(authorization, Secret(mastodon_server.approve(authorization.url)))
    token = CredentialStore().load().mastodon[0].token.reveal()
    result = run_cli("logout", "mastodon")
    assert result.exit_code == 0 and "could not end" not in result.stderr
    monkeypatch.setenv("QUITTEX_MASTODON_URL", mastodon_server.url)
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", token)
    with pytest.raises(AuthError, match="refused QUITTEX_MASTODON_TOKEN"):
        accounts.mastodon_session()


def test_mastodon_environment_token_needs_no_saved_account(mastodon_server, monkeypatch):
    monkeypatch.setenv("QUITTEX_MASTODON_URL", mastodon_server.url)
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", mastodon_server.token_for("carol"))
    assert accounts.mastodon_session().account == f"carol@{mastodon_server.domain}"
    assert not credentials_path().exists()


def test_mastodon_rate_limits_are_reported_not_slept_through(mastodon_server_factory):
    server = mastodon_server_factory(rate_limit=RateLimit(limit=2, window_seconds=600))
    accounts.login_mastodon_token(server.url, Secret(server.token))  # verify_credentials + instance: 2 requests
    with pytest.raises(RateLimitedError):
        accounts.mastodon_session()


def test_mastodon_injected_429_is_a_rate_limit_error(mastodon_server):
    accounts.login_mastodon_token(mastodon_server.url, Secret(mastodon_server.token))
    with mastodon_server.rate_limit_once("/api/v1/accounts/verify_credentials", reset_in=30):
        with pytest.raises(RateLimitedError):
            accounts.mastodon_session()
    assert accounts.mastodon_session().account == mastodon_server.account
