"""Accounts: logins, saved sessions, the credential file, the CLI — with fake
transports (pytest-httpx for the atproto SDK, a requests adapter for
Mastodon.py), so every test runs offline and can count each request.

The real servers are in tests/integration/test_accounts_pds.py.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import re
import stat
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from quittex import accounts
from quittex.accounts import Secret, bluesky, mastodon
from quittex.accounts.servers import server_url
from quittex.accounts.store import ORIGIN_ENVIRONMENT, CredentialStore, credentials_path
from quittex.errors import AuthError, BadInputError, ConfigError, PlatformError, RateLimitedError
from tests.cli_helpers import run_cli

APP_PASSWORD = "abcd-efgh-ijkl-mnop"
MAIN_PASSWORD = "correct horse battery staple"
HANDLE = "collectif.example.org"
DID = "did:plc:abcdefghijklmnopqrstuvwx"
PDS = "https://pds.example.org"
MASTODON = "https://mamot.example"
MASTODON_TOKEN = "tok-0123456789abcdefghijklmnopqrstuvwxyz"


# --- a fake PDS on pytest-httpx -------------------------------------------------------


def fake_jwt(**claims) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'ES256K', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def xrpc_error(status: int, error: str, message: str = "", headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


class FakePDS:
    """The four session methods of one account's PDS, with real token rotation.
    `entryway` optionally answers createSession and hands the account to `url`
    through the DID document, like bsky.social does."""

    def __init__(self, httpx_mock, *, url: str = PDS, password: str = APP_PASSWORD, entryway: str | None = None):
        self.url, self.password, self.entryway = url, password, entryway
        self.calls: Counter[str] = Counter()
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.access_ttl = 7200
        self.scope = "com.atproto.appPass"
        self.login_failure: httpx.Response | None = None
        self.bodies: list[bytes] = []
        self.handle = HANDLE
        for host in filter(None, (url, entryway)):
            pattern = re.compile(re.escape(host) + r"/xrpc/.*")
            httpx_mock.add_callback(self.answer, url=pattern, is_optional=True, is_reusable=True)

    def answer(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        self.calls[method] += 1
        self.bodies.append(request.content)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        handler = {
            "com.atproto.server.createSession": lambda: self.create(request),
            "com.atproto.server.refreshSession": lambda: self.rotate(bearer),
            "com.atproto.server.getSession": lambda: self.get(bearer),
            "com.atproto.server.deleteSession": lambda: self.delete(bearer),
        }.get(method)
        return handler() if handler else xrpc_error(501, "MethodNotImplemented")

    def create(self, request: httpx.Request) -> httpx.Response:
        if self.login_failure is not None:
            return self.login_failure
        body = json.loads(request.content)
        if body["identifier"] != self.handle or body["password"] != self.password:
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return httpx.Response(200, json=self.tokens())

    def rotate(self, refresh: str) -> httpx.Response:
        if refresh not in self.refresh:
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        self.refresh.discard(refresh)
        return httpx.Response(200, json=self.tokens())

    def get(self, access: str) -> httpx.Response:
        if access not in self.access:
            return xrpc_error(401, "InvalidToken", "Token could not be verified")
        return httpx.Response(200, json={"did": DID, "handle": self.handle})

    def delete(self, refresh: str) -> httpx.Response:
        if refresh not in self.refresh:
            return xrpc_error(400, "ExpiredToken")
        self.refresh.discard(refresh)
        return httpx.Response(200)

    def tokens(self) -> dict:
        now = int(time.time())
        access = fake_jwt(sub=DID, scope=self.scope, exp=now + self.access_ttl, jti=os.urandom(6).hex())
        refresh = fake_jwt(sub=DID, scope="com.atproto.refresh", exp=now + 90 * 86400, jti=os.urandom(6).hex())
        self.access.add(access)
        self.refresh.add(refresh)
        did_doc = {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": DID,
            "alsoKnownAs": [f"at://{self.handle}"],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.url}],
        }
        return {"did": DID, "handle": self.handle, "accessJwt": access, "refreshJwt": refresh, "didDoc": did_doc}

    def revoke_everything(self) -> None:
        self.access.clear()
        self.refresh.clear()


@pytest.fixture
def pds(httpx_mock) -> FakePDS:
    return FakePDS(httpx_mock)


@pytest.fixture
def terminal(monkeypatch):
    """Pretend standard input is a terminal, so the CLI may prompt."""
    monkeypatch.setattr("quittex.cli.account_cmd._stdin_is_terminal", lambda: True)


def saved_text() -> str:
    path = credentials_path()
    return path.read_text() if path.exists() else ""


def everything_written(home) -> str:
    """Every byte quittex wrote under its home, to look for leaks."""
    return "".join(p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())


def login_bluesky_cli(*extra: str, input: str | None = APP_PASSWORD + "\n"):
    return run_cli("login", "bluesky", "--handle", HANDLE, "--pds", PDS, *extra, input=input)


# --- Secret --------------------------------------------------------------------------


def test_a_secret_never_shows_itself():
    secret = Secret(APP_PASSWORD)
    percent_form = "%s" % secret  # noqa: UP031 - one of the ways a secret could leak
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", percent_form, repr([secret]), repr({"k": secret})]
    assert all(APP_PASSWORD not in text for text in shown)
    assert secret.reveal() == APP_PASSWORD
    with pytest.raises(TypeError):
        pickle.dumps(secret)


@given(st.text(min_size=1))
def test_no_secret_text_leaks_through_repr_or_format(value):
    secret = Secret(value)
    assert str(secret) == repr(secret).split("'")[1] == format(secret, ">20") == "********"
    assert secret == Secret(value) and secret.reveal() == value


# --- server addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("mamot.fr", "https://mamot.fr"),
        ("https://mamot.fr/", "https://mamot.fr"),
        ("https://Mamot.FR/@collectif", "https://mamot.fr"),
        ("@collectif@mamot.fr", "https://mamot.fr"),
        ("collectif@mamot.fr", "https://mamot.fr"),
        ("http://localhost:2583", "http://localhost:2583"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
        ("https://pds.example.org:8443/xrpc", "https://pds.example.org:8443"),
    ],
)
def test_server_addresses_are_read_leniently(typed, url):
    assert server_url(typed, what="server") == url


@pytest.mark.parametrize(
    "typed", ["ftp://mamot.fr", "https://", "not a host", "https://user:pw@mamot.fr", "https://mamot.fr:99999"]
)
def test_bad_server_addresses_are_refused(typed):
    with pytest.raises(BadInputError):
        server_url(typed, what="Mastodon instance")


def test_credentials_never_travel_over_plain_http_except_on_loopback():
    with pytest.raises(BadInputError, match="https"):
        server_url("http://mamot.fr", what="Mastodon instance")


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9](\.[a-z]{2,6}){1,2}", fullmatch=True))
def test_a_normalised_address_stays_the_same(host):
    once = server_url(host, what="server")
    assert server_url(once, what="server") == once == f"https://{host}"


# --- the credential file ---------------------------------------------------------------


def test_the_credential_file_is_private_and_written_whole(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert json.loads(path.read_text())["version"] == 1


def test_a_loosened_credential_file_and_folder_are_closed_again(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    path = credentials_path()
    path.chmod(0o644)
    path.parent.chmod(0o755)
    CredentialStore().load()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with CredentialStore().update():
        pass
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_damaged_credential_file_is_reported_without_its_content():
    path = credentials_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "mastodon": [{"token": "SECRET-TOKEN"')
    with pytest.raises(ConfigError) as caught:
        CredentialStore().load()
    assert "SECRET-TOKEN" not in caught.value.message + (caught.value.hint or "")
    assert "damaged" in caught.value.message


def test_a_file_from_a_newer_quittex_is_not_overwritten():
    path = credentials_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 99}')
    with pytest.raises(ConfigError, match="newer"):
        with CredentialStore().update():
            pass
    assert path.read_text() == '{"version": 99}'


def test_no_credential_file_means_no_account():
    assert CredentialStore().load().bluesky == [] and accounts.list_accounts() == []


# --- Bluesky login ---------------------------------------------------------------------


def test_login_keeps_the_session_never_the_password(pds, isolated_home):
    account = accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    assert (account.handle, account.did, account.pds, account.app_password) == (HANDLE, DID, PDS, True)
    assert pds.calls["com.atproto.server.createSession"] == 1
    saved = json.loads(saved_text())["bluesky"][0]
    assert saved["did"] == DID and saved["session"].count(":::") == 4
    assert APP_PASSWORD not in everything_written(isolated_home)


def test_a_saved_session_is_reused_without_logging_in_again(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    for _ in range(3):
        session = accounts.bluesky_session()
        assert (session.did, session.handle, session.pds) == (DID, HANDLE, PDS)
    assert pds.calls["com.atproto.server.createSession"] == 1
    assert pds.calls["com.atproto.server.getSession"] == 3


def test_a_refreshed_session_is_saved_at_once(pds):
    pds.access_ttl = 60  # within the SDK's 15-minute margin: the next call refreshes first
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    before = json.loads(saved_text())["bluesky"][0]["session"]
    accounts.bluesky_session()
    after = json.loads(saved_text())["bluesky"][0]["session"]
    assert pds.calls["com.atproto.server.refreshSession"] == 1 and after != before
    # The old refresh token is spent: only the saved one works from now on.
    pds.access_ttl = 7200
    accounts.bluesky_session()
    assert pds.calls["com.atproto.server.createSession"] == 1


def test_a_refresh_in_the_middle_of_a_run_is_saved_too(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    session = accounts.bluesky_session()
    session.client._refresh_and_set_session()  # what the SDK does before a call near expiry
    assert json.loads(saved_text())["bluesky"][0]["session"] == session.client.export_session_string()


def test_an_expired_session_asks_to_log_in_again(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    pds.revoke_everything()
    with pytest.raises(AuthError, match="expired or was revoked") as caught:
        accounts.bluesky_session()
    assert "quittex login bluesky --handle collectif.example.org" in caught.value.hint
    assert pds.calls["com.atproto.server.createSession"] == 1


def test_a_refused_password_is_tried_once(pds):
    with pytest.raises(AuthError, match="refused the handle") as caught:
        accounts.login_bluesky(HANDLE, Secret("wxyz-wxyz-wxyz-wxyz"), pds=PDS)
    assert "app password" in caught.value.hint.lower()
    assert pds.calls["com.atproto.server.createSession"] == 1
    assert json.loads(saved_text())["bluesky"] == []


def test_an_email_code_request_points_to_app_passwords(pds):
    pds.login_failure = xrpc_error(401, "AuthFactorTokenRequired", "A sign in code has been sent to your email address")
    with pytest.raises(AuthError, match="code sent by email") as caught:
        accounts.login_bluesky(HANDLE, Secret(MAIN_PASSWORD), pds=PDS)
    assert "App passwords" in caught.value.hint


def test_a_main_password_login_is_flagged(pds):
    pds.password, pds.scope = MAIN_PASSWORD, "com.atproto.access"
    account = accounts.login_bluesky(HANDLE, Secret(MAIN_PASSWORD), pds=PDS)
    assert account.app_password is False
    summary = accounts.list_accounts()[0]
    assert any("main password" in note for note in summary.notes)


def test_the_entryway_hands_the_account_to_its_own_pds(httpx_mock):
    server = FakePDS(httpx_mock, url="https://morel.us-east.host.bsky.network", entryway="https://bsky.social")
    account = accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds="bsky.social")
    assert (account.login_url, account.pds) == ("https://bsky.social", "https://morel.us-east.host.bsky.network")
    accounts.bluesky_session()
    get_session = [r for r in httpx_mock.get_requests() if r.url.path.endswith("getSession")]
    assert get_session[0].url.host == "morel.us-east.host.bsky.network"
    assert server.calls["com.atproto.server.createSession"] == 1


def test_the_login_limits_hold_across_runs(pds):
    store = CredentialStore()
    with store.update() as credentials:
        credentials.login_attempts[f"{HANDLE}|{PDS}"] = [time.time() - 10] * 30
    with pytest.raises(RateLimitedError, match="30 logins per 5 minutes"):
        accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    assert pds.calls["com.atproto.server.createSession"] == 0


def test_old_login_attempts_no_longer_count(pds):
    with CredentialStore().update() as credentials:
        credentials.login_attempts[f"{HANDLE}|{PDS}"] = [time.time() - 2 * 86400] * 300
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    assert len(CredentialStore().load().login_attempts[f"{HANDLE}|{PDS}"]) == 1


def test_a_429_on_login_blocks_later_logins_until_its_reset(pds):
    reset = int(time.time()) + 1200
    pds.login_failure = xrpc_error(429, "RateLimitExceeded", headers={"ratelimit-reset": str(reset)})
    with pytest.raises(RateLimitedError, match="20 min"):
        accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    pds.login_failure = None
    with pytest.raises(RateLimitedError):
        accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    assert pds.calls["com.atproto.server.createSession"] == 1


def test_an_unreachable_pds_is_a_platform_error(httpx_mock):
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    with pytest.raises(PlatformError, match="cannot reach pds.example.org: check your internet connection") as caught:
        accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    assert APP_PASSWORD not in caught.value.message and "ConnectError" not in caught.value.message
    assert "ConnectError" in caught.value.detail  # for --debug


def test_a_bad_handle_is_refused_before_any_request():
    with pytest.raises(BadInputError, match="Bluesky handle"):
        accounts.login_bluesky("not a handle", Secret(APP_PASSWORD), pds=PDS)


def test_no_account_means_a_clear_auth_error():
    with pytest.raises(AuthError, match="not logged in to any Bluesky account") as caught:
        accounts.bluesky_session()
    assert "quittex login bluesky" in caught.value.hint


def test_with_two_accounts_the_caller_must_choose(httpx_mock):
    FakePDS(httpx_mock)
    other = FakePDS(httpx_mock, url="https://other.example.org")
    other.handle = "autre.example.org"
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    accounts.login_bluesky("autre.example.org", Secret(APP_PASSWORD), pds="https://other.example.org")
    with pytest.raises(AuthError, match="Several Bluesky accounts"):
        accounts.bluesky_session()
    assert accounts.bluesky_session("@Autre.example.org").pds == "https://other.example.org"


@pytest.mark.parametrize(
    ("resolved", "login_url"),
    [
        ("https://pds.collectif.org", "https://pds.collectif.org"),
        ("https://morel.us-east.host.bsky.network", "https://bsky.social"),
        (None, "https://bsky.social"),
        (RuntimeError("no network"), "https://bsky.social"),
    ],
)
def test_the_login_server_is_found_from_the_handle(monkeypatch, resolved, login_url):
    class Resolver:
        def __init__(self, timeout):
            self.handle = self
            self.did = self

        def resolve(self, handle):
            if isinstance(resolved, Exception):
                raise resolved
            return DID if resolved else None

        def resolve_atproto_data(self, did):
            return type("Data", (), {"pds": resolved})

    monkeypatch.setattr("atproto_identity.resolver.IdResolver", Resolver)
    assert bluesky.resolve_login_server(HANDLE) == login_url


@pytest.mark.parametrize(
    ("password", "expected"),
    [(APP_PASSWORD, True), ("ABCD-efgh-2345-mnop", True), (MAIN_PASSWORD, False), ("abcd-efgh-ijkl", False)],
)
def test_app_password_shape(password, expected):
    assert accounts.looks_like_app_password(Secret(password)) is expected


# --- Bluesky from environment variables ------------------------------------------------


@pytest.fixture
def bluesky_env(monkeypatch):
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("QUITTEX_BLUESKY_PDS", PDS)


def test_cron_runs_log_in_once_then_reuse_the_cached_session(pds, bluesky_env, isolated_home):
    for _ in range(3):
        assert accounts.bluesky_session().did == DID
    assert pds.calls["com.atproto.server.createSession"] == 1
    saved = CredentialStore().load().bluesky
    assert [r.origin for r in saved] == [ORIGIN_ENVIRONMENT]
    assert APP_PASSWORD not in everything_written(isolated_home)


def test_the_environment_logs_in_again_when_its_session_died(pds, bluesky_env):
    accounts.bluesky_session()
    pds.revoke_everything()
    accounts.bluesky_session()
    assert pds.calls["com.atproto.server.createSession"] == 2


def test_the_environment_wins_over_saved_accounts(httpx_mock, monkeypatch, bluesky_env):
    FakePDS(httpx_mock)
    other = FakePDS(httpx_mock, url="https://other.example.org")
    other.handle = "autre.example.org"
    monkeypatch.delenv("QUITTEX_BLUESKY_HANDLE")
    monkeypatch.delenv("QUITTEX_BLUESKY_PASSWORD")
    accounts.login_bluesky("autre.example.org", Secret(APP_PASSWORD), pds="https://other.example.org")
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", APP_PASSWORD)
    assert accounts.bluesky_session().handle == HANDLE
    assert accounts.bluesky_session("autre.example.org").handle == "autre.example.org"


def test_an_environment_handle_without_password_uses_a_saved_login(pds, monkeypatch):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    assert accounts.bluesky_session().did == DID
    pds.revoke_everything()
    with pytest.raises(AuthError, match="expired") as caught:
        accounts.bluesky_session()
    assert "QUITTEX_BLUESKY_PASSWORD" in caught.value.hint


def test_an_environment_handle_alone_says_which_variable_is_missing(monkeypatch):
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    with pytest.raises(AuthError) as caught:
        accounts.bluesky_session()
    assert "QUITTEX_BLUESKY_PASSWORD" in caught.value.hint


def test_an_environment_password_alone_says_which_variable_is_missing(monkeypatch):
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", APP_PASSWORD)
    with pytest.raises(AuthError, match="QUITTEX_BLUESKY_HANDLE is not"):
        accounts.bluesky_session()


# --- a fake Mastodon on a requests adapter ---------------------------------------------


class FakeMastodon(requests.adapters.BaseAdapter):
    """Apps, OAuth (out-of-band), verify_credentials, instance, revoke."""

    def __init__(self, *, domain: str = "mamot.example", username: str = "collectif"):
        super().__init__()
        self.domain, self.username = domain, username
        self.tokens = {MASTODON_TOKEN}
        self.codes: dict[str, str] = {}  # code -> client_id
        self.apps: dict[str, str] = {}
        self.calls: Counter[str] = Counter()
        self.bodies: list[str] = []
        self.granted_scope = " ".join(mastodon.SCOPES)

    def send(self, request, **kwargs):
        path = urlsplit(request.url).path.rstrip("/")
        self.calls[f"{request.method} {path}"] += 1
        body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
        self.bodies.append(body)
        form = {k: v[0] for k, v in parse_qs(body).items()}
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        status, answer = self.route(request.method, path, form, token)
        return self.response(request, status, answer)

    def route(self, method: str, path: str, form: dict, token: str):
        if (method, path) == ("POST", "/api/v1/apps"):
            client_id = f"client-{len(self.apps)}"
            self.apps[client_id] = f"secret-{os.urandom(4).hex()}"
            return 200, {"client_id": client_id, "client_secret": self.apps[client_id], "scopes": form["scopes"]}
        if (method, path) == ("POST", "/oauth/token"):
            client_id = form.get("client_id")
            known_code = self.codes.pop(form.get("code", ""), None) == client_id
            if not known_code or self.apps.get(client_id) != form.get("client_secret"):
                return 400, {"error": "invalid_grant"}
            new_token = f"oauth-{os.urandom(8).hex()}"
            self.tokens.add(new_token)
            return 200, {"access_token": new_token, "token_type": "Bearer", "scope": self.granted_scope}
        if (method, path) == ("GET", "/api/v1/accounts/verify_credentials"):
            if token not in self.tokens:
                return 401, {"error": "The access token is invalid"}
            url = f"https://{self.domain}/@{self.username}"
            return 200, {"id": "109", "username": self.username, "acct": self.username, "url": url}
        if (method, path) == ("GET", "/api/v2/instance"):
            return 200, {"domain": self.domain, "title": "Mamot", "version": "4.3.0"}
        if (method, path) == ("GET", "/api/v1/instance"):
            return 200, {"uri": self.domain, "title": "Mamot", "version": "4.3.0"}
        if (method, path) == ("POST", "/oauth/revoke"):
            self.tokens.discard(form.get("token"))
            return 200, {}
        return 404, {"error": "Record not found"}

    def approve(self, authorization_url: str) -> str:
        """The user clicks "Authorise": the instance shows a code."""
        query = parse_qs(urlsplit(authorization_url).query)
        code = f"code-{os.urandom(4).hex()}"
        self.codes[code] = query["client_id"][0]
        return code

    @staticmethod
    def response(request, status: int, answer) -> requests.Response:
        response = requests.Response()
        response.status_code, response.reason = status, {200: "OK", 401: "Unauthorized"}.get(status, "Error")
        response._content = json.dumps(answer).encode()
        response.headers["Content-Type"] = "application/json"
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


@pytest.fixture
def instance(monkeypatch) -> FakeMastodon:
    fake = FakeMastodon()

    def session():
        http = requests.Session()
        http.mount("https://", fake)
        return http

    monkeypatch.setattr(mastodon, "_http_session", session)
    return fake


# --- Mastodon login --------------------------------------------------------------------


def test_a_pasted_token_is_checked_and_saved(instance):
    account = accounts.login_mastodon_token("mamot.example", Secret(MASTODON_TOKEN))
    assert (account.account, account.instance, account.account_id) == ("collectif@mamot.example", MASTODON, "109")
    assert instance.calls["GET /api/v1/accounts/verify_credentials"] == 1
    saved = CredentialStore().load().mastodon[0]
    assert saved.token.reveal() == MASTODON_TOKEN and saved.client_id is None


def test_a_refused_token_is_not_saved(instance):
    with pytest.raises(AuthError, match="refused this token"):
        accounts.login_mastodon_token(MASTODON, Secret("wrong"))
    assert CredentialStore().load().mastodon == []


def test_the_oob_flow_asks_only_for_the_scopes_quittex_needs(instance):
    authorization = accounts.start_mastodon_authorization(MASTODON)
    query = parse_qs(urlsplit(authorization.url).query)
    assert query["redirect_uri"] == ["urn:ietf:wg:oauth:2.0:oob"]
    assert query["scope"][0].split() == [
        "write:statuses",
        "write:media",
        "write:accounts",
        "read:accounts",
        "read:statuses",
    ]
    registration = parse_qs(instance.bodies[0])
    assert registration["scopes"] == ["write:statuses write:media write:accounts read:accounts read:statuses"]
    account = accounts.finish_mastodon_authorization(authorization, Secret(instance.approve(authorization.url)))
    saved = CredentialStore().load().mastodon[0]
    assert account.account == saved.account == "collectif@mamot.example"
    assert saved.client_id == authorization.client_id and saved.client_secret == authorization.client_secret
    assert saved.scopes == mastodon.SCOPES and saved.origin == "login"


def test_a_second_login_reuses_the_app_registration(instance):
    for _ in range(2):
        authorization = accounts.start_mastodon_authorization(MASTODON)
        accounts.finish_mastodon_authorization(authorization, Secret(instance.approve(authorization.url)))
    assert instance.calls["POST /api/v1/apps"] == 1


def test_a_wrong_code_is_an_auth_error_that_does_not_echo_it(instance):
    authorization = accounts.start_mastodon_authorization(MASTODON)
    with pytest.raises(AuthError, match="refused this authorisation code") as caught:
        accounts.finish_mastodon_authorization(authorization, Secret("not-the-code-123"))
    assert "not-the-code-123" not in caught.value.message + caught.value.hint


def test_fewer_scopes_than_asked_is_refused(instance):
    instance.granted_scope = "read:accounts"
    authorization = accounts.start_mastodon_authorization(MASTODON)
    with pytest.raises(AuthError, match="fewer permissions"):
        accounts.finish_mastodon_authorization(authorization, Secret(instance.approve(authorization.url)))


def test_a_server_that_is_not_mastodon_is_named(monkeypatch):
    class NotMastodon(FakeMastodon):
        def route(self, method, path, form, token):
            return 200, ["a web page, not an app"]

    fake = NotMastodon()
    http = requests.Session()
    http.mount("https://", fake)
    monkeypatch.setattr(mastodon, "_http_session", lambda: http)
    with pytest.raises(PlatformError, match="Could not register quittex on https://example.org"):
        accounts.start_mastodon_authorization("example.org")


def test_the_publishers_client_throws_on_rate_limits(instance):
    accounts.login_mastodon_token(MASTODON, Secret(MASTODON_TOKEN))
    session = accounts.mastodon_session()
    assert session.client.ratelimit_method == "throw"
    assert (session.account, session.instance, session.account_id) == ("collectif@mamot.example", MASTODON, "109")


def test_a_revoked_token_stops_with_an_auth_error(instance):
    accounts.login_mastodon_token(MASTODON, Secret(MASTODON_TOKEN))
    instance.tokens.clear()
    with pytest.raises(AuthError, match="refused the saved token of collectif@mamot.example") as caught:
        accounts.mastodon_session()
    assert "quittex login mastodon --instance https://mamot.example" in caught.value.hint
    assert int(caught.value.exit_code) == 3


def test_mastodon_environment_variables_win(instance, monkeypatch):
    monkeypatch.setenv("QUITTEX_MASTODON_URL", "mamot.example")
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", MASTODON_TOKEN)
    session = accounts.mastodon_session()
    assert session.account == "collectif@mamot.example"
    assert CredentialStore().load().mastodon == []  # nothing to save: the environment holds it


@pytest.mark.parametrize(
    ("present", "missing"),
    [("QUITTEX_MASTODON_URL", "QUITTEX_MASTODON_TOKEN"), ("QUITTEX_MASTODON_TOKEN", "QUITTEX_MASTODON_URL")],
)
def test_half_a_mastodon_environment_says_what_is_missing(monkeypatch, present, missing):
    monkeypatch.setenv(present, "https://mamot.example" if present.endswith("URL") else MASTODON_TOKEN)
    with pytest.raises(AuthError, match=f"{missing} is not"):
        accounts.mastodon_session()


# --- the CLI: login bluesky ------------------------------------------------------------


def test_cli_bluesky_login_asks_for_the_password_hidden(pds, terminal, isolated_home):
    result = login_bluesky_cli()
    assert result.exit_code == 0, result.stderr
    assert "Logged in to Bluesky as @collectif.example.org" in result.stdout
    assert "password was not stored" in result.stdout
    assert "App password for @collectif.example.org" in result.stderr
    assert APP_PASSWORD not in result.stdout + result.stderr
    assert APP_PASSWORD not in everything_written(isolated_home)
    assert APP_PASSWORD not in run_cli("whoami", "--json").stdout


def test_cli_warns_when_the_password_is_not_an_app_password(pds, terminal):
    result = login_bluesky_cli(input=MAIN_PASSWORD + "\nn\n")
    assert result.exit_code == 1
    assert "does not look like an app password" in result.stderr and "App passwords" in result.stderr
    assert pds.calls["com.atproto.server.createSession"] == 0 and saved_text() == ""
    assert MAIN_PASSWORD not in result.stdout + result.stderr


def test_cli_main_password_on_purpose_is_used_once_and_flagged(pds, terminal, isolated_home):
    pds.password, pds.scope = MAIN_PASSWORD, "com.atproto.access"
    result = login_bluesky_cli(input=MAIN_PASSWORD + "\ny\n")
    assert result.exit_code == 0, result.stderr
    assert "main password" in result.stderr
    assert MAIN_PASSWORD not in result.stdout + result.stderr + everything_written(isolated_home)


def test_cli_without_a_terminal_names_the_variable_to_set(pds):
    result = login_bluesky_cli(input=None)
    assert result.exit_code == 3
    assert "QUITTEX_BLUESKY_PASSWORD" in result.stderr and "Traceback" not in result.stderr
    assert pds.calls["com.atproto.server.createSession"] == 0


def test_cli_bluesky_login_from_the_environment(pds, bluesky_env, isolated_home):
    result = run_cli("login", "bluesky", input=None)
    assert result.exit_code == 0, result.stderr
    assert "@collectif.example.org" in result.stdout
    assert APP_PASSWORD not in result.stdout + result.stderr + everything_written(isolated_home)


def test_cli_refused_password_exits_3_without_echoing_it(pds, terminal):
    result = login_bluesky_cli(input="wxyz-wxyz-wxyz-wxyz\n")
    assert result.exit_code == 3
    assert "refused the handle" in result.stderr and "wxyz-wxyz" not in result.stderr + result.stdout


# --- the CLI: login mastodon -----------------------------------------------------------


def test_cli_mastodon_token_login(instance, isolated_home):
    result = run_cli("login", "mastodon", "--instance", "mamot.example", "--token", MASTODON_TOKEN)
    assert result.exit_code == 0, result.stderr
    assert "Logged in to Mastodon as @collectif@mamot.example" in result.stdout
    assert MASTODON_TOKEN not in result.stdout + result.stderr
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    leaks = [p.name for p in files if MASTODON_TOKEN in p.read_text(errors="replace")]
    assert leaks == ["credentials.json"]


def test_cli_mastodon_token_from_a_pipe(instance):
    result = run_cli("login", "mastodon", "--instance", MASTODON, "--token", "-", input=MASTODON_TOKEN + "\n")
    assert result.exit_code == 0, result.stderr
    assert MASTODON_TOKEN not in result.stdout + result.stderr


def test_cli_mastodon_token_typed_hidden(instance, terminal):
    result = run_cli("login", "mastodon", "--instance", MASTODON, "--token", "-", input=MASTODON_TOKEN + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Access token" in result.stderr and MASTODON_TOKEN not in result.stdout + result.stderr


def test_cli_mastodon_oob_flow(instance, terminal, monkeypatch):
    codes = []
    real_prompt = __import__("typer").prompt

    def user(text, **kwargs):  # the user reads the address, approves, pastes the code
        if text == "Authorisation code":
            codes.append(instance.approve(printed_url()))
            return codes[-1]
        return real_prompt(text, **kwargs)

    printed = []
    monkeypatch.setattr("quittex.cli.account_cmd.typer.echo", lambda message, err=False: printed.append(message))
    monkeypatch.setattr("quittex.cli.account_cmd.typer.prompt", user)

    def printed_url():
        return next(m for m in printed if m.startswith(MASTODON + "/oauth/authorize?"))

    result = run_cli("login", "mastodon", "--instance", MASTODON)
    assert result.exit_code == 0, result.stderr
    assert "approve quittex" in result.stderr and "write:statuses" in result.stderr
    assert "@collectif@mamot.example" in result.stdout
    assert codes and codes[0] not in result.stdout + result.stderr


def test_cli_mastodon_oob_without_a_terminal_says_what_to_do(instance):
    result = run_cli("login", "mastodon", "--instance", MASTODON, input=None)
    assert result.exit_code == 3
    assert "--token" in result.stderr and "QUITTEX_MASTODON_TOKEN" in result.stderr
    assert instance.calls["POST /api/v1/apps"] == 0


# --- the CLI: whoami, logout -----------------------------------------------------------


def test_cli_whoami_lists_accounts_and_never_a_secret(pds, instance):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    accounts.login_mastodon_token(MASTODON, Secret(MASTODON_TOKEN))
    table = run_cli("whoami")
    assert table.exit_code == 0
    assert "@collectif.example.org" in table.stdout and "@collectif@mamot.example" in table.stdout
    rows = json.loads(run_cli("whoami", "--json").stdout)
    assert [(r["platform"], r["account"], r["server"]) for r in rows] == [
        ("bluesky", HANDLE, PDS),
        ("mastodon", "collectif@mamot.example", MASTODON),
    ]
    session_string = CredentialStore().load().bluesky[0].session.reveal()
    for secret in (APP_PASSWORD, MASTODON_TOKEN, *session_string.split(":::")[2:4]):
        assert secret not in table.stdout + json.dumps(rows)


def test_cli_whoami_shows_environment_accounts(monkeypatch):
    monkeypatch.setenv("QUITTEX_MASTODON_URL", MASTODON)
    monkeypatch.setenv("QUITTEX_MASTODON_TOKEN", MASTODON_TOKEN)
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    rows = json.loads(run_cli("whoami", "--json").stdout)
    assert {(r["platform"], r["source"]) for r in rows} == {("bluesky", "environment"), ("mastodon", "environment")}
    bluesky_row = next(r for r in rows if r["platform"] == "bluesky")
    assert "QUITTEX_BLUESKY_PASSWORD is not set" in bluesky_row["notes"]
    assert MASTODON_TOKEN not in json.dumps(rows)


def test_cli_whoami_check_asks_the_servers(pds, instance):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    accounts.login_mastodon_token(MASTODON, Secret(MASTODON_TOKEN))
    assert run_cli("whoami", "--check").exit_code == 0
    instance.tokens.clear()
    result = run_cli("whoami", "--check", "--json")
    assert result.exit_code == 3
    checks = [row["check"]["ok"] for row in json.loads(result.stdout)]
    assert checks == [True, False]


def test_cli_whoami_with_nothing_set_up_says_how_to_log_in():
    result = run_cli("whoami")
    assert result.exit_code == 0 and "quittex login bluesky" in result.stdout


def test_cli_logout_ends_the_sessions_it_forgets(pds, instance):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    authorization = accounts.start_mastodon_authorization(MASTODON)
    accounts.finish_mastodon_authorization(authorization, Secret(instance.approve(authorization.url)))
    oauth_token = CredentialStore().load().mastodon[0].token.reveal()
    result = run_cli("logout")
    assert result.exit_code == 0, result.stderr
    assert "Logged out of Bluesky: @collectif.example.org" in result.stdout
    assert "Logged out of Mastodon: @collectif@mamot.example" in result.stdout
    assert pds.calls["com.atproto.server.deleteSession"] == 1 and pds.refresh == set()
    assert oauth_token not in instance.tokens
    assert CredentialStore().load().bluesky == [] == CredentialStore().load().mastodon


def test_cli_logout_of_one_platform_keeps_the_other(pds, instance):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    accounts.login_mastodon_token(MASTODON, Secret(MASTODON_TOKEN))
    result = run_cli("logout", "mastodon")
    assert result.exit_code == 0
    assert "still works" in result.stderr  # a pasted token is the user's to revoke
    assert MASTODON_TOKEN in instance.tokens
    assert [r.handle for r in CredentialStore().load().bluesky] == [HANDLE]


def test_cli_logout_of_an_unknown_account_is_bad_input(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    result = run_cli("logout", "bluesky", "--account", "nobody.example.org")
    assert result.exit_code == 2 and "nobody.example.org" in result.stderr
    assert len(CredentialStore().load().bluesky) == 1


def test_cli_logout_still_forgets_when_the_server_is_unreachable(httpx_mock):
    server = FakePDS(httpx_mock)
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    httpx_mock.reset()
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    result = run_cli("logout", "bluesky")
    assert result.exit_code == 0
    assert "could not end the session" in result.stderr
    assert CredentialStore().load().bluesky == [] and server.calls["com.atproto.server.createSession"] == 1


def test_cli_logout_no_revoke_leaves_the_server_alone(pds):
    accounts.login_bluesky(HANDLE, Secret(APP_PASSWORD), pds=PDS)
    result = run_cli("logout", "--no-revoke")
    assert result.exit_code == 0 and pds.calls["com.atproto.server.deleteSession"] == 0


def test_cli_logout_warns_that_the_environment_is_still_used(monkeypatch):
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", APP_PASSWORD)
    result = run_cli("logout")
    assert result.exit_code == 0
    assert "QUITTEX_BLUESKY_HANDLE and QUITTEX_BLUESKY_PASSWORD are still set" in result.stderr
    assert APP_PASSWORD not in result.stderr + result.stdout
