"""Bluesky accounts: log in once with an app password, keep the session.

Bluesky allows 30 logins (createSession) per 5 minutes and 300 a day per
account, so quittex logs in once and then lives on the session: the SDK
refreshes it when the access token nears its end, and every refresh is
written back to the credential file through the SDK's session-change
callback, so the next run (hours or weeks later) starts from it without
logging in. The password itself is never stored.

With QUITTEX_BLUESKY_HANDLE and QUITTEX_BLUESKY_PASSWORD (cron, CI), the
session is cached the same way, keyed by handle and server, and the
password is used only when no cached session is alive.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from atproto import Client, Session, SessionEvent
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.common import XrpcError
from atproto_client.request import Request

from quittex.accounts.environment import ENV_HANDLE, ENV_PASSWORD, ENV_PDS
from quittex.accounts.secret import Secret
from quittex.accounts.servers import server_url
from quittex.accounts.store import (
    ORIGIN_ENVIRONMENT,
    ORIGIN_LOGIN,
    BlueskyCredentials,
    Credentials,
    CredentialStore,
)
from quittex.config import parse_bluesky_handle
from quittex.errors import AuthError, BadInputError, PlatformError, RateLimitedError, UnreachableError
from quittex.i18n import N_, _, format_number
from quittex.platforms.base import Window
from quittex.platforms.bluesky import bluesky_budgets

DEFAULT_SERVER = "https://bsky.social"
REQUEST_TIMEOUT = 30.0
RESOLVE_TIMEOUT = 5.0
DAY = 86_400

_APP_PASSWORD = re.compile(r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3}", re.IGNORECASE)
# Access-token scopes the PDS gives a session made with an app password.
_APP_PASSWORD_SCOPES = {"com.atproto.appPass", "com.atproto.appPassPrivileged"}
# Marked here, translated where it is shown: `_(APP_PASSWORD_HELP)`.
APP_PASSWORD_HELP = N_(
    "Create an app password in Bluesky: Settings → Privacy and security → App passwords → Add App Password "
    "(or https://bsky.app/settings/app-passwords). It looks like xxxx-xxxx-xxxx-xxxx and can be revoked alone."
)


def looks_like_app_password(password: Secret) -> bool:
    return bool(_APP_PASSWORD.fullmatch(password.reveal().strip()))


@dataclass(frozen=True)
class BlueskyAccount:
    """What a login tells about the account: nothing secret."""

    handle: str
    did: str
    pds: str
    login_url: str
    app_password: bool


@dataclass
class BlueskySession:
    """An authenticated SDK client for one account. Refreshed sessions are
    saved as they happen, so keep using `client` for the whole run."""

    client: Client
    did: str
    handle: str
    pds: str


@dataclass(frozen=True)
class _Environment:
    handle: str
    password: Secret | None
    pds: str | None


# --- the API ----------------------------------------------------------------------


def login_bluesky(
    handle: str, password: Secret, *, pds: str | None = None, store: CredentialStore | None = None
) -> BlueskyAccount:
    """Log in once (createSession) and save the session, never the password."""
    handle = _parse_handle(handle)
    login_url = _login_server(handle, pds)
    session = _login(handle, password, login_url, ORIGIN_LOGIN, store or CredentialStore())
    app_password = _is_app_password_session(session.client._session)
    return BlueskyAccount(session.handle, session.did, session.pds, login_url, app_password)


def bluesky_session(handle: str | None = None, *, store: CredentialStore | None = None) -> BlueskySession:
    """The session of `handle` (the only account set up when None), alive and
    checked. Environment variables win over the saved accounts."""
    store = store or CredentialStore()
    environment = _environment()
    if environment and (handle is None or _same_handle(handle, environment.handle)):
        return _session_from_environment(environment, store)
    record = _saved(store.load(), handle)
    try:
        return _resume(record, store)
    except _SessionDead:
        raise AuthError(
            _("The saved Bluesky session of @{handle} has expired or was revoked.").format(handle=record.handle),
            hint=_("Log in again: quittex login bluesky --handle {handle}").format(handle=record.handle),
        ) from None


def bluesky_password_from_environment() -> Secret | None:
    value = os.environ.get(ENV_PASSWORD, "")
    return Secret(value) if value.strip() else None


def resolve_login_server(handle: str) -> str:
    """Where `handle` logs in: its own PDS when the handle resolves to one,
    else bsky.social (which also fronts every Bluesky-hosted PDS)."""
    from atproto_identity.resolver import IdResolver

    try:
        resolver = IdResolver(timeout=RESOLVE_TIMEOUT)
        did = resolver.handle.resolve(handle)
        pds = resolver.did.resolve_atproto_data(did).pds if did else None
        url = server_url(pds, what=_("Bluesky PDS")) if pds else None
    except Exception:  # noqa: BLE001 - resolution is a convenience: bsky.social is the fallback
        return DEFAULT_SERVER
    if url is None or (urlsplit(url).hostname or "").endswith(".bsky.network"):
        return DEFAULT_SERVER
    return url


def revoke_bluesky(record: BlueskyCredentials) -> None:
    """End a saved session on its server (deleteSession with the refresh token)."""
    try:
        refresh = Session.decode(record.session.reveal()).refresh_jwt
        client = _client(record.pds)
        client.com.atproto.server.delete_session(headers={"Authorization": f"Bearer {refresh}"})
    except (RequestErrorBase, ValueError) as error:
        raise PlatformError(_("Bluesky did not end the session: {reason}").format(reason=_describe(error))) from None


# --- logging in -------------------------------------------------------------------


def _login_server(handle: str, pds: str | None) -> str:
    return server_url(pds, what=_("Bluesky PDS")) if pds else resolve_login_server(handle)


def _login(handle: str, password: Secret, login_url: str, origin: str, store: CredentialStore) -> BlueskySession:
    key = f"{handle}|{login_url}"
    _book_login(store, key)
    client = _client(login_url)
    _save_session_changes(client, store, origin=origin, login_url=login_url)
    try:
        client.login(handle, password.reveal().strip(), fetch_bsky_profile=False)
    except RequestErrorBase as error:
        raise _login_error(error, handle, login_url, store, key) from None
    return _session(client)


def _book_login(store: CredentialStore, key: str) -> None:
    """Count this createSession before it is sent, refuse when Bluesky's login
    limits (kept across runs in the credential file) are spent."""
    now = time.time()
    with store.update() as credentials:
        blocked = credentials.login_blocked_until.get(key, 0.0) - now
        if blocked > 0:
            raise RateLimitedError(_refused_logins(blocked))
        wait = _login_budget_wait(credentials.login_attempts.get(key, []), now)
        if wait > 0:
            raise RateLimitedError(
                _("Bluesky allows 30 logins per 5 minutes and 300 per day; try again in {wait}.").format(
                    wait=_minutes(wait)
                ),
                hint=_("quittex reuses its saved session, so this only happens after many new logins."),
            )
        recent = [t for t in credentials.login_attempts.get(key, []) if t > now - DAY]
        credentials.login_attempts[key] = [*recent, now]


def _login_budget_wait(attempts: list[float], now: float) -> float:
    windows: list[Window] = bluesky_budgets()["login"]
    for window in windows:
        for moment in attempts:
            window.spend(1, moment)
    return max(window.wait_for(1, now) for window in windows)


def _login_error(error: RequestErrorBase, handle: str, login_url: str, store: CredentialStore, key: str) -> Exception:
    """One clear message per way a login fails. Never retried: a refused
    password stays refused, and each try spends the login budget."""
    if isinstance(error, RateLimitExceededError):
        reset = error.reset_at.timestamp() if error.reset_at else time.time() + 300
        with store.update() as credentials:
            credentials.login_blocked_until[key] = reset
        return RateLimitedError(_refused_logins(reset - time.time()))
    if isinstance(error, NetworkError):
        return UnreachableError(login_url, _describe(error))
    code, message = _xrpc_error(error)
    if code == "AuthFactorTokenRequired":
        return AuthError(
            _("@{handle} asks for a code sent by email: that is the main password.").format(handle=handle),
            hint=_(APP_PASSWORD_HELP),
        )
    if code in ("AccountTakedown", "AccountDeactivated"):
        return AuthError(_("Bluesky refuses @{handle}: {reason}.").format(handle=handle, reason=message or code))
    if isinstance(error, (UnauthorizedError, BadRequestError)):
        return AuthError(
            _("{server} refused the handle @{handle} or its password ({reason}).").format(
                server=login_url, handle=handle, reason=message or code
            ),
            hint=_("Check the handle and the app password.") + " " + _(APP_PASSWORD_HELP),
        )
    return PlatformError(
        _("{server} failed to log in @{handle}: {reason}").format(
            server=login_url, handle=handle, reason=_describe(error)
        )
    )


def _refused_logins(seconds: float) -> str:
    return _("Bluesky refuses more logins for now; try again in {wait}.").format(wait=_minutes(seconds))


# --- sessions ---------------------------------------------------------------------


class _SessionDead(Exception):
    """The saved session was refused: expired, revoked, or unreadable."""


def _resume(record: BlueskyCredentials, store: CredentialStore) -> BlueskySession:
    client = _client(record.pds)
    _save_session_changes(client, store, origin=record.origin, login_url=record.login_url)
    try:
        client.login(session_string=record.session.reveal(), fetch_bsky_profile=False)
        # getSession proves the session alive, and refreshes it first when
        # the access token is near its end: one cheap read, no write points.
        current = client.com.atproto.server.get_session()
    except (UnauthorizedError, BadRequestError, LoginRequiredError, ValueError):
        raise _SessionDead from None
    except RateLimitExceededError:
        raise RateLimitedError(
            _("{server} asks quittex to slow down; try again in a few minutes.").format(server=record.pds)
        ) from None
    except RequestErrorBase as error:
        if isinstance(error, NetworkError):
            raise UnreachableError(record.pds, _describe(error)) from None
        raise PlatformError(
            _("{server} failed to resume the session: {reason}").format(server=record.pds, reason=_describe(error))
        ) from None
    session = _session(client)
    session.handle = current.handle
    return session


def _save_session_changes(client: Client, store: CredentialStore, *, origin: str, login_url: str) -> None:
    """Write every new or refreshed session to the credential file at once:
    a refresh invalidates the previous refresh token."""

    def on_change(event: SessionEvent, session: Session) -> None:
        if event not in (SessionEvent.CREATE, SessionEvent.REFRESH):
            return
        record = BlueskyCredentials(
            handle=session.handle,
            did=session.did,
            login_url=login_url,
            pds=_pds_url(session.pds_endpoint or login_url),
            session=Secret(session.encode()),
            origin=origin,
            app_password=_is_app_password_session(session),
        )
        with store.update() as credentials:
            credentials.put_bluesky(_keep_flags(credentials, record, event))

    client.on_session_change(on_change)


def _keep_flags(credentials: Credentials, record: BlueskyCredentials, event: SessionEvent) -> BlueskyCredentials:
    """A refresh does not say how the session began: keep what the login knew."""
    if event is SessionEvent.CREATE:
        return record
    for old in credentials.bluesky:
        if old.did == record.did and old.origin == record.origin and old.login_url == record.login_url:
            return replace(record, app_password=old.app_password)
    return record


def _is_app_password_session(session: Session | None) -> bool:
    if session is None:
        return True
    try:
        scope = session.access_jwt_payload.scope
    except Exception:  # noqa: BLE001 - an unreadable token says nothing: do not nag
        return True
    return scope is None or scope in _APP_PASSWORD_SCOPES


def _session_from_environment(environment: _Environment, store: CredentialStore) -> BlueskySession:
    record = _cached_for(store.load(), environment)
    if record is not None:
        try:
            return _resume(record, store)
        except _SessionDead:
            if environment.password is None:
                raise AuthError(
                    _("The saved Bluesky session of @{handle} has expired or was revoked.").format(
                        handle=environment.handle
                    ),
                    hint=_("Set {variable} to an app password, or log in again with quittex login bluesky.").format(
                        variable=ENV_PASSWORD
                    ),
                ) from None
    if environment.password is None:
        raise AuthError(
            _("{variable} is set, but there is no password and no saved session for @{handle}.").format(
                variable=ENV_HANDLE, handle=environment.handle
            ),
            hint=_("Set {variable} to an app password, or run: quittex login bluesky --handle {handle}").format(
                variable=ENV_PASSWORD, handle=environment.handle
            ),
        )
    login_url = _login_server(environment.handle, environment.pds)
    return _login(environment.handle, environment.password, login_url, ORIGIN_ENVIRONMENT, store)


def _cached_for(credentials: Credentials, environment: _Environment) -> BlueskyCredentials | None:
    """A session for the environment's account: one cached for it first, else
    one from `quittex login`; with QUITTEX_BLUESKY_PDS, only from that server."""
    matches = [
        r
        for r in credentials.bluesky
        if _same_handle(r.handle, environment.handle)
        and (environment.pds is None or environment.pds in (r.login_url, r.pds))
    ]
    matches.sort(key=lambda r: (r.origin == ORIGIN_ENVIRONMENT, r.saved_at), reverse=True)
    return matches[0] if matches else None


def _environment() -> _Environment | None:
    handle = os.environ.get(ENV_HANDLE, "").strip()
    password = bluesky_password_from_environment()
    pds = os.environ.get(ENV_PDS, "").strip()
    if not handle:
        if password is not None:
            raise AuthError(
                _("{variable} is set but {missing} is not.").format(variable=ENV_PASSWORD, missing=ENV_HANDLE),
                hint=_("Set {variable} too.").format(variable=ENV_HANDLE),
            )
        return None
    return _Environment(_parse_handle(handle), password, server_url(pds, what=_("Bluesky PDS")) if pds else None)


def _saved(credentials: Credentials, handle: str | None) -> BlueskyCredentials:
    logins = [r for r in credentials.bluesky if r.origin == ORIGIN_LOGIN]
    if handle is not None:
        logins = [r for r in logins if _same_handle(r.handle, handle) or r.did == handle.strip()]
    if len(logins) == 1:
        return logins[0]
    if not logins:
        hint = _("Run: quittex login bluesky --handle {handle} (or set {handle_variable} and {password_variable}).")
        hint = hint.format(
            handle=_bare(handle) if handle else "NAME.bsky.social",
            handle_variable=ENV_HANDLE,
            password_variable=ENV_PASSWORD,
        )
        if handle:
            raise AuthError(_("quittex is not logged in to @{handle}.").format(handle=_bare(handle)), hint=hint)
        raise AuthError(_("quittex is not logged in to any Bluesky account."), hint=hint)
    names = ", ".join(f"@{r.handle}" for r in logins)
    raise AuthError(_("Several Bluesky accounts are set up ({accounts}): say which one to use.").format(accounts=names))


# --- small helpers ----------------------------------------------------------------


def _client(base_url: str) -> Client:
    return Client(base_url=base_url, request=Request(timeout=REQUEST_TIMEOUT))


def _session(client: Client) -> BlueskySession:
    session = client._session  # the SDK's own session object; public fields only
    if session is None:
        raise AuthError(_("Bluesky returned no session."))
    return BlueskySession(client, session.did, session.handle, _pds_url(session.pds_endpoint or ""))


def _pds_url(endpoint: str) -> str:
    """The SDK keeps `…/xrpc` on self-hosted PDS endpoints; people know the host."""
    return endpoint.rstrip("/").removesuffix("/xrpc")


def _parse_handle(handle: str) -> str:
    try:
        return parse_bluesky_handle(handle)
    except ValueError as error:
        # Translators: {problem} ends the sentence: "must be a Bluesky handle like collectif.bsky.social (got 'x')".
        raise BadInputError(_("The Bluesky handle {problem}.").format(problem=error)) from None


def _bare(handle: str | None) -> str:
    return (handle or "").strip().removeprefix("@").lower()


def _same_handle(a: str, b: str) -> bool:
    return _bare(a) == _bare(b)


def _xrpc_error(error: RequestErrorBase) -> tuple[str, str]:
    content = error.response.content if error.response is not None else None
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    return "", ""


def _describe(error: BaseException) -> str:
    """The server's answer or the transport's complaint; never a request (which
    could carry a password)."""
    if isinstance(error, RequestErrorBase) and error.response is not None:
        code, message = _xrpc_error(error)
        return f"HTTP {error.response.status_code} {code} {message}".strip()
    cause = error.__cause__ or error.__context__
    return type(cause or error).__name__ + (f": {cause}" if cause else "")


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes < 120:
        return _("{minutes} min").format(minutes=format_number(minutes))
    return _("{hours} h").format(hours=format_number(round(minutes / 60)))
