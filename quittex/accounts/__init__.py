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

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use: the platforms' client libraries (atproto, Mastodon.py)
# take about a second to import, which every command would pay otherwise.
_WHERE = {
    "APP_PASSWORD_HELP": ("bluesky", "APP_PASSWORD_HELP"),
    "BlueskyAccount": ("bluesky", "BlueskyAccount"),
    "BlueskySession": ("bluesky", "BlueskySession"),
    "bluesky_password_from_environment": ("bluesky", "bluesky_password_from_environment"),
    "bluesky_session": ("bluesky", "bluesky_session"),
    "login_bluesky": ("bluesky", "login_bluesky"),
    "looks_like_app_password": ("bluesky", "looks_like_app_password"),
    "AccountCheck": ("manage", "AccountCheck"),
    "AccountSummary": ("manage", "AccountSummary"),
    "LogoutResult": ("manage", "LogoutResult"),
    "check_account": ("manage", "check_account"),
    "list_accounts": ("manage", "list_accounts"),
    "logout": ("manage", "logout"),
    "MASTODON_SCOPES": ("mastodon", "SCOPES"),
    "MASTODON_TOKEN_HELP": ("mastodon", "TOKEN_HELP"),
    "MastodonAccount": ("mastodon", "MastodonAccount"),
    "MastodonAuthorization": ("mastodon", "MastodonAuthorization"),
    "MastodonSession": ("mastodon", "MastodonSession"),
    "finish_mastodon_authorization": ("mastodon", "finish_mastodon_authorization"),
    "login_mastodon_token": ("mastodon", "login_mastodon_token"),
    "mastodon_session": ("mastodon", "mastodon_session"),
    "start_mastodon_authorization": ("mastodon", "start_mastodon_authorization"),
    "Secret": ("secret", "Secret"),
    "CredentialStore": ("store", "CredentialStore"),
    "credentials_path": ("store", "credentials_path"),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value  # once is enough
    return value


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
