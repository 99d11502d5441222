"""Mastodon accounts: a pasted access token, or the out-of-band OAuth flow.

OAuth for a command-line tool: quittex registers itself as an app on the
instance (once per instance: later logins reuse the registration), prints
the authorisation address, the user approves in a browser and pastes the
code the instance shows; quittex trades it for a token. The scopes are only
what republishing needs: post statuses and media, read the account and its
statuses (to find posts after a crash). `write:statuses` covers deletes.

Clients are built with `ratelimit_method="throw"`: quittex paces itself
(`quittex.publish.pacing`) and must hear about a limit, not sleep in a library.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
)

from quittex import __version__
from quittex.accounts.environment import ENV_TOKEN, ENV_URL
from quittex.accounts.secret import Secret
from quittex.accounts.servers import is_loopback, server_url
from quittex.accounts.store import Credentials, CredentialStore, MastodonCredentials
from quittex.errors import AuthError, PlatformError, RateLimitedError, UnreachableError
from quittex.i18n import N_, _

# write:accounts: the profile (update_credentials) and pinning the introduction.
SCOPES = ("write:statuses", "write:media", "write:accounts", "read:accounts", "read:statuses")
OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
APP_NAME = "quittex"
APP_WEBSITE = "https://pypi.org/project/quittex/"
USER_AGENT = f"quittex/{__version__}"
REQUEST_TIMEOUT = 60.0
ORIGIN_TOKEN = "token"  # pasted by the user: theirs to revoke, not ours
_TOKEN_HELP = N_(
    "Create a token in Mastodon: Preferences → Development → New application, with the scopes {scopes}; "
    "then copy “Your access token”."
)
TOKEN_HELP = _TOKEN_HELP.format(scopes=", ".join(SCOPES))  # in English; `token_help()` in the run's language
_USERNAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]+(?::\d+)?")


@dataclass(frozen=True)
class MastodonAccount:
    """What a login tells about the account: nothing secret."""

    account: str  # user@host
    instance: str
    account_id: str


@dataclass
class MastodonSession:
    """An authenticated Mastodon.py client (ratelimit_method="throw") for one account."""

    client: Mastodon
    account: str  # user@host
    instance: str
    account_id: str


@dataclass(frozen=True)
class MastodonAuthorization:
    """An OAuth flow in progress: send the user to `url`, then finish with the code."""

    instance: str
    url: str
    client_id: str
    client_secret: Secret


# --- the API ----------------------------------------------------------------------


def login_mastodon_token(instance: str, token: Secret, *, store: CredentialStore | None = None) -> MastodonAccount:
    """Check a pasted access token (verify_credentials) and save it."""
    instance = server_url(instance, what=_("Mastodon instance"))
    token = Secret(token.reveal().strip())
    client = _client(instance, token=token)
    account, account_id = _identify(client, instance)
    record = MastodonCredentials(account, instance, account_id, token, origin=ORIGIN_TOKEN)
    _save(store, record)
    return MastodonAccount(account, instance, account_id)


def start_mastodon_authorization(instance: str, *, store: CredentialStore | None = None) -> MastodonAuthorization:
    """Register quittex on the instance (or reuse its registration) and build
    the address where the user approves it."""
    instance = server_url(instance, what=_("Mastodon instance"))
    client_id, client_secret = _registered_app(store or CredentialStore(), instance)
    client = _client(instance, client_id=client_id, client_secret=client_secret)
    url = _call(
        instance,
        lambda: client.auth_request_url(
            redirect_uris=OOB_REDIRECT, scopes=list(SCOPES), allow_http=is_loopback(instance)
        ),
    )
    return MastodonAuthorization(instance, url, client_id, client_secret)


def finish_mastodon_authorization(
    authorization: MastodonAuthorization, code: Secret, *, store: CredentialStore | None = None
) -> MastodonAccount:
    """Trade the code the instance showed for a token, check it, save it."""
    instance = authorization.instance
    # After log_in, Mastodon.py probes the server's version unless told one,
    # and the probe recurses forever on servers without the v1 instance API.
    # This client only trades the code: any version will do.
    client = _client(
        instance, client_id=authorization.client_id, client_secret=authorization.client_secret, version="4.0.0"
    )
    token = Secret(_exchange_code(client, instance, code))
    client = _client(
        instance, token=token, client_id=authorization.client_id, client_secret=authorization.client_secret
    )
    account, account_id = _identify(client, instance)
    record = MastodonCredentials(
        account, instance, account_id, token, authorization.client_id, authorization.client_secret, SCOPES
    )
    _save(store, record)
    return MastodonAccount(account, instance, account_id)


def mastodon_session(account: str | None = None, *, store: CredentialStore | None = None) -> MastodonSession:
    """The client for `account` (user@host; the only account set up when None),
    its token checked. QUITTEX_MASTODON_URL/TOKEN win over saved accounts."""
    environment = _environment()
    if environment is not None:
        instance, token = environment
        client = _client(instance, token=token)
        name, account_id = _identify(client, instance, source=ENV_TOKEN)
        if account is None or _same_account(account, name):
            return MastodonSession(client, name, instance, account_id)
    record = _saved((store or CredentialStore()).load(), account)
    client = _saved_client(record)
    # Translators: {source} in "{instance} refused {source}: …" and "… which account {source} belongs to."
    source = _("the saved token of {account}").format(account=record.account)
    __, account_id = _verify(client, record.instance, source)
    return MastodonSession(client, record.account, record.instance, account_id)


def revoke_mastodon(record: MastodonCredentials) -> None:
    """Revoke a token quittex obtained itself (a pasted token is the user's)."""
    if record.client_id is None or record.client_secret is None:
        return
    client = _saved_client(record)
    _call(record.instance, lambda: client.revoke_access_token(allow_http=is_loopback(record.instance)))


# --- steps ------------------------------------------------------------------------


def _registered_app(store: CredentialStore, instance: str) -> tuple[str, Secret]:
    for record in store.load().mastodon:
        ours = record.client_id and record.client_secret and set(record.scopes) == set(SCOPES)
        if record.instance == instance and ours:
            return record.client_id, record.client_secret
    return _register_app(instance)


def _register_app(instance: str) -> tuple[str, Secret]:
    try:
        client_id, client_secret = Mastodon.create_app(
            APP_NAME,
            scopes=list(SCOPES),
            redirect_uris=OOB_REDIRECT,
            website=APP_WEBSITE,
            api_base_url=instance,
            request_timeout=REQUEST_TIMEOUT,
            session=_http_session(),
            user_agent=USER_AGENT,
        )
    except (MastodonNetworkError, KeyError, TypeError) as error:
        # Mastodon.py reports a page that is not JSON (not a Mastodon server)
        # as a network error, and a JSON refusal as a missing key.
        if isinstance(error, MastodonNetworkError):
            cause = _network_cause(error)
        else:
            cause = _("no app credentials in the answer")
        raise PlatformError(
            _("Could not register quittex on {instance} ({reason}).").format(instance=instance, reason=cause),
            hint=_("Check the address: it must be a Mastodon (or Mastodon-compatible) server."),
        ) from None
    return str(client_id), Secret(str(client_secret))


def _exchange_code(client: Mastodon, instance: str, code: Secret) -> str:
    try:
        return client.log_in(
            code=code.reveal().strip(), redirect_uri=OOB_REDIRECT, scopes=list(SCOPES), allow_http=is_loopback(instance)
        )
    except MastodonIllegalArgumentError:
        # Mastodon.py puts the server's answer in this message; it may echo the code.
        raise AuthError(
            _("{instance} refused this authorisation code.").format(instance=instance),
            hint=_("Codes work once and for a few minutes: run quittex login mastodon again and paste the new code."),
        ) from None
    except MastodonAPIError:
        raise AuthError(
            _("{instance} granted fewer permissions than quittex needs ({scopes}).").format(
                instance=instance, scopes=", ".join(SCOPES)
            ),
            hint=_("Approve every permission quittex asks for."),
        ) from None


def token_help() -> str:
    """How to make a token by hand, in the run's language."""
    return _(_TOKEN_HELP).format(scopes=", ".join(SCOPES))


def _identify(client: Mastodon, instance: str, *, source: str | None = None) -> tuple[str, str]:
    """`user@host` and the account id; the host is the instance's own domain,
    which may differ from the address of its web server. `source` names the
    token in messages ("this token" when None)."""
    # Translators: {source} in "{instance} refused {source}: …" and "… which account {source} belongs to."
    username, account_id = _verify(client, instance, source or _("this token"))
    return f"{username}@{_local_domain(client, instance)}", account_id


def _verify(client: Mastodon, instance: str, source: str) -> tuple[str, str]:
    """verify_credentials: the token works, and whose it is."""
    try:
        me = client.account_verify_credentials()
    except MastodonError as error:
        raise _refusal(error, instance, source) from None
    username, account_id = me.get("username"), me.get("id")
    if not isinstance(username, str) or not _USERNAME.fullmatch(username) or account_id in (None, ""):
        raise PlatformError(
            # Translators: {source} is "this token", "the saved token of user@host" or an environment variable.
            _("{instance} did not say which account {source} belongs to.").format(instance=instance, source=source)
        )
    return username, str(account_id)


def _refusal(error: MastodonError, instance: str, source: str) -> Exception:
    if isinstance(error, MastodonUnauthorizedError | MastodonNotFoundError):
        return AuthError(
            # Translators: {source} is "this token", "the saved token of user@host" or an environment variable.
            _("{instance} refused {source}: it is wrong, expired or revoked.").format(instance=instance, source=source),
            hint=_("Log in again: quittex login mastodon --instance {instance}").format(instance=instance),
        )
    if isinstance(error, MastodonAPIError) and _status(error) == 403:
        return AuthError(
            _("{instance} refused {source}: {reason}").format(
                instance=instance, source=source, reason=_server_message(error)
            ),
            hint=token_help(),
        )
    if isinstance(error, MastodonRatelimitError):
        return RateLimitedError(_slow_down(instance))
    if isinstance(error, MastodonNetworkError):
        return UnreachableError(instance, _network_cause(error))
    return PlatformError(
        _("{instance} failed to check the token: {reason}").format(instance=instance, reason=_server_message(error))
    )


def _slow_down(instance: str) -> str:
    return _("{instance} asks quittex to slow down; try again in a few minutes.").format(instance=instance)


def _local_domain(client: Mastodon, instance: str) -> str:
    fallback = instance.split("://", 1)[1]
    try:
        domain = client.instance_v2().get("domain")
    except MastodonError:
        try:
            domain = client.instance_v1().get("uri")
        except MastodonError:
            return fallback
    domain = str(domain or "").lower().removeprefix("https://").rstrip("/")
    return domain if _DOMAIN.fullmatch(domain) else fallback


def _environment() -> tuple[str, Secret] | None:
    url = os.environ.get(ENV_URL, "").strip()
    token = os.environ.get(ENV_TOKEN, "").strip()
    if not url and not token:
        return None
    if not url or not token:
        missing, present = (ENV_URL, ENV_TOKEN) if token else (ENV_TOKEN, ENV_URL)
        raise AuthError(
            _("{variable} is set but {missing} is not.").format(variable=present, missing=missing),
            hint=_("Set {variable} too.").format(variable=missing),
        )
    return server_url(url, what=_("Mastodon instance")), Secret(token)


def _saved(credentials: Credentials, account: str | None) -> MastodonCredentials:
    records = credentials.mastodon
    if account is not None:
        records = [r for r in records if _same_account(r.account, account)]
    if len(records) == 1:
        return records[0]
    if not records:
        hint = _(
            "Run: quittex login mastodon --instance https://your.instance (or set {url_variable} and {token_variable})."
        ).format(url_variable=ENV_URL, token_variable=ENV_TOKEN)
        if account:
            raise AuthError(_("quittex is not logged in to @{account}.").format(account=_bare(account)), hint=hint)
        raise AuthError(_("quittex is not logged in to any Mastodon account."), hint=hint)
    names = ", ".join(f"@{r.account}" for r in records)
    raise AuthError(
        _("Several Mastodon accounts are set up ({accounts}): say which one to use.").format(accounts=names)
    )


def _save(store: CredentialStore | None, record: MastodonCredentials) -> None:
    with (store or CredentialStore()).update() as credentials:
        credentials.put_mastodon(record)


# --- small helpers ----------------------------------------------------------------


def _http_session() -> requests.Session:
    """Every Mastodon.py request goes through this session (tests swap in a fake transport)."""
    return requests.Session()


def _client(
    instance: str,
    *,
    token: Secret | None = None,
    client_id: str | None = None,
    client_secret: Secret | None = None,
    version: str | None = None,
) -> Mastodon:
    return Mastodon(
        client_id=client_id,
        client_secret=client_secret.reveal() if client_secret else None,
        access_token=token.reveal() if token else None,
        api_base_url=instance,
        ratelimit_method="throw",
        request_timeout=REQUEST_TIMEOUT,
        version_check_mode="none",
        mastodon_version=version,
        session=_http_session(),
        user_agent=USER_AGENT,
    )


def _saved_client(record: MastodonCredentials) -> Mastodon:
    return _client(record.instance, token=record.token, client_id=record.client_id, client_secret=record.client_secret)


def _call(instance: str, request: Any) -> Any:
    """Run one request that needs no special reading of its errors."""
    try:
        return request()
    except MastodonUnauthorizedError as error:
        raise AuthError(
            _("{instance} refused quittex: {reason}").format(instance=instance, reason=_server_message(error))
        ) from None
    except MastodonRatelimitError:
        raise RateLimitedError(_slow_down(instance)) from None
    except MastodonNetworkError as error:
        raise UnreachableError(instance, _network_cause(error)) from None
    except (MastodonAPIError, MastodonIllegalArgumentError) as error:
        raise PlatformError(
            _("{instance} answered: {reason}").format(instance=instance, reason=_server_message(error))
        ) from None


def _status(error: MastodonAPIError) -> int | None:
    return next((a for a in error.args if isinstance(a, int)), None)


def _server_message(error: MastodonError) -> str:
    """The server's own words (Mastodon.py: ('…', status, reason, message))."""
    texts = [str(a) for a in error.args if isinstance(a, str | int)]
    return " ".join(texts[1:]) if len(texts) > 1 else (texts[0] if texts else type(error).__name__)


def _network_cause(error: MastodonNetworkError) -> str:
    """requests' complaint (tokens travel in headers, never in it), kept short."""
    text = str(error.args[0]) if error.args else ""
    return text.removeprefix("Could not complete request: ")[:300] or type(error).__name__


def _bare(account: str | None) -> str:
    return (account or "").strip().removeprefix("@").lower()


def _same_account(a: str, b: str) -> bool:
    return _bare(a) == _bare(b)
