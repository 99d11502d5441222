"""The accounts quittex publishes to: logging in, saved sessions, logging out.

For publishers, two calls:

    session = bluesky_session()            # BlueskySession: .client (atproto Client),
                                           #   .did, .handle, .pds
    session = mastodon_session()           # MastodonSession: .client (Mastodon,
                                           #   ratelimit_method="throw"), .account
                                           #   (user@host), .instance, .account_id

Each takes the account to use (a handle or DID; a user@host) and otherwise
picks the only one set up. QUITTEX_BLUESKY_* and QUITTEX_MASTODON_* variables
win over saved accounts. Refused or expired credentials raise `AuthError`
(exit code 3) with a message saying how to log in again; Bluesky sessions
refreshed during a run are saved as they change.
"""

from quittex.accounts.bluesky import (
    APP_PASSWORD_HELP,
    BlueskyAccount,
    BlueskySession,
    bluesky_password_from_environment,
    bluesky_session,
    login_bluesky,
    looks_like_app_password,
)
from quittex.accounts.manage import AccountCheck, AccountSummary, LogoutResult, check_account, list_accounts, logout
from quittex.accounts.mastodon import (
    SCOPES as MASTODON_SCOPES,
    TOKEN_HELP as MASTODON_TOKEN_HELP,
    MastodonAccount,
    MastodonAuthorization,
    MastodonSession,
    finish_mastodon_authorization,
    login_mastodon_token,
    mastodon_session,
    start_mastodon_authorization,
)
from quittex.accounts.secret import Secret
from quittex.accounts.store import CredentialStore, credentials_path

__all__ = [
    "APP_PASSWORD_HELP",
    "MASTODON_SCOPES",
    "MASTODON_TOKEN_HELP",
    "AccountCheck",
    "AccountSummary",
    "BlueskyAccount",
    "BlueskySession",
    "CredentialStore",
    "LogoutResult",
    "MastodonAccount",
    "MastodonAuthorization",
    "MastodonSession",
    "Secret",
    "bluesky_password_from_environment",
    "bluesky_session",
    "check_account",
    "credentials_path",
    "finish_mastodon_authorization",
    "list_accounts",
    "login_bluesky",
    "login_mastodon_token",
    "logout",
    "looks_like_app_password",
    "mastodon_session",
    "start_mastodon_authorization",
]
