"""Which accounts quittex can publish to, and forgetting them.

`list_accounts()` reads the credential file and the environment without a
single request, and says nothing secret; `check_account()` asks the server.
`logout()` forgets saved credentials and ends them on the server when they
are quittex's own (a Bluesky session, a Mastodon token from the OAuth flow).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from quittex.accounts import bluesky, mastodon
from quittex.accounts.store import (
    ORIGIN_ENVIRONMENT,
    BlueskyCredentials,
    Credentials,
    CredentialStore,
    MastodonCredentials,
)
from quittex.errors import BadInputError, QuittexError
from quittex.i18n import _, format_list, ngettext

PLATFORMS = ("bluesky", "mastodon")


@dataclass(frozen=True)
class AccountSummary:
    platform: str  # bluesky | mastodon
    account: str | None  # handle or user@host (None: only the server knows, from an env token)
    server: str | None  # PDS or instance address
    source: str  # login | token | environment
    identifier: str | None = None  # DID or Mastodon account id
    saved_at: str | None = None  # None: nothing saved, the environment provides it
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "platform": self.platform,
            "account": self.account,
            "server": self.server,
            "source": self.source,
            "id": self.identifier,
            "saved_at": self.saved_at,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class AccountCheck:
    summary: AccountSummary
    ok: bool
    account: str | None
    message: str


@dataclass
class LogoutResult:
    removed: list[AccountSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- listing ------------------------------------------------------------------------


def list_accounts(*, store: CredentialStore | None = None) -> list[AccountSummary]:
    credentials = (store or CredentialStore()).load()
    summaries = [_bluesky_summary(r) for r in credentials.bluesky]
    summaries += _bluesky_environment(credentials)
    summaries += [_mastodon_summary(r) for r in credentials.mastodon]
    summaries += _mastodon_environment()
    return summaries


def _bluesky_summary(record: BlueskyCredentials) -> AccountSummary:
    notes = () if record.app_password else (_("logged in with the main password, not an app password"),)
    if record.origin == ORIGIN_ENVIRONMENT:
        notes += (_("session cached for {variable}").format(variable=bluesky.ENV_HANDLE),)
    return AccountSummary("bluesky", record.handle, record.pds, record.origin, record.did, record.saved_at, notes)


def _bluesky_environment(credentials: Credentials) -> list[AccountSummary]:
    handle = os.environ.get(bluesky.ENV_HANDLE, "").strip().removeprefix("@").lower()
    has_password = bool(os.environ.get(bluesky.ENV_PASSWORD, "").strip())
    if not handle and not has_password:
        return []
    if any(r.origin == ORIGIN_ENVIRONMENT and r.handle == handle for r in credentials.bluesky):
        return []  # its cached session is listed already
    pds = os.environ.get(bluesky.ENV_PDS, "").strip() or None
    if not handle:
        notes: tuple[str, ...] = (
            _("{variable} is set but {missing} is not").format(
                variable=bluesky.ENV_PASSWORD, missing=bluesky.ENV_HANDLE
            ),
        )
    elif has_password:
        notes = (_("logs in at the next run, then reuses the session"),)
    else:
        notes = (_("{variable} is not set").format(variable=bluesky.ENV_PASSWORD),)
    return [AccountSummary("bluesky", handle or None, pds, ORIGIN_ENVIRONMENT, notes=notes)]


def _mastodon_summary(record: MastodonCredentials) -> AccountSummary:
    return AccountSummary(
        "mastodon", record.account, record.instance, record.origin, record.account_id, record.saved_at
    )


def _mastodon_environment() -> list[AccountSummary]:
    url = os.environ.get(mastodon.ENV_URL, "").strip()
    has_token = bool(os.environ.get(mastodon.ENV_TOKEN, "").strip())
    if not url and not has_token:
        return []
    missing = mastodon.ENV_TOKEN if url and not has_token else mastodon.ENV_URL if not url else None
    if missing:
        notes = (_("{variable} is not set").format(variable=missing),)
    else:
        notes = (_("token from {variable}").format(variable=mastodon.ENV_TOKEN),)
    return [AccountSummary("mastodon", None, url or None, ORIGIN_ENVIRONMENT, notes=notes)]


# --- checking -----------------------------------------------------------------------


def check_account(summary: AccountSummary, *, store: CredentialStore | None = None) -> AccountCheck:
    """Ask the server whether quittex can publish as this account now."""
    try:
        if summary.platform == "bluesky":
            name = bluesky.bluesky_session(summary.account, store=store).handle
        else:
            name = mastodon.mastodon_session(summary.account, store=store).account
    except QuittexError as error:
        return AccountCheck(summary, False, summary.account, error.message)
    return AccountCheck(summary, True, name, "ok")


# --- logging out --------------------------------------------------------------------


def logout(
    platform: str | None = None,
    account: str | None = None,
    *,
    revoke: bool = True,
    store: CredentialStore | None = None,
) -> LogoutResult:
    """Forget the saved credentials of `platform` (both when None), only those
    of `account` when given; end them on the server when `revoke`."""
    store = store or CredentialStore()
    with store.update() as credentials:
        gone_bluesky, gone_mastodon = _remove(credentials, platform, account)
    result = LogoutResult(
        removed=[_bluesky_summary(r) for r in gone_bluesky] + [_mastodon_summary(r) for r in gone_mastodon]
    )
    if account is not None and not result.removed:
        raise BadInputError(_no_saved_account(platform, account), hint=_("See the saved accounts with: quittex whoami"))
    if revoke:
        result.warnings += _revoke_all(gone_bluesky, gone_mastodon)
    result.warnings += _pasted_tokens(gone_mastodon) + _environment_still_set(platform)
    return result


def _remove(
    credentials: Credentials, platform: str | None, account: str | None
) -> tuple[list[BlueskyCredentials], list[MastodonCredentials]]:
    def chosen(name: str, identifier: str, wanted_platform: str) -> bool:
        if platform not in (None, wanted_platform):
            return False
        wanted = (account or "").strip().removeprefix("@").lower()
        return account is None or wanted in (name.lower(), identifier.lower())

    gone_bluesky = [r for r in credentials.bluesky if chosen(r.handle, r.did, "bluesky")]
    gone_mastodon = [r for r in credentials.mastodon if chosen(r.account, r.account_id, "mastodon")]
    credentials.bluesky = [r for r in credentials.bluesky if r not in gone_bluesky]
    credentials.mastodon = [r for r in credentials.mastodon if r not in gone_mastodon]
    return gone_bluesky, gone_mastodon


def _revoke_all(gone_bluesky: list[BlueskyCredentials], gone_mastodon: list[MastodonCredentials]) -> list[str]:
    warnings = []
    for record in gone_bluesky:
        warnings += _try(
            lambda r=record: bluesky.revoke_bluesky(r),
            _("Forgot @{account} here, but could not end the session on the server ({reason})."),
            record.handle,
        )
    for record in gone_mastodon:
        warnings += _try(
            lambda r=record: mastodon.revoke_mastodon(r),
            _("Forgot @{account} here, but could not end the token on the server ({reason})."),
            record.account,
        )
    return warnings


def _try(revoke, message: str, account: str) -> list[str]:
    """`message` (with {account} and {reason}) when `revoke` fails."""
    try:
        revoke()
    except QuittexError as error:
        return [message.format(account=account, reason=error.message)]
    return []


def _pasted_tokens(gone_mastodon: list[MastodonCredentials]) -> list[str]:
    return [
        _(
            "The access token you pasted for @{account} still works: revoke it in Mastodon "
            "(Preferences → Development) if nothing else uses it."
        ).format(account=r.account)
        for r in gone_mastodon
        if r.origin == mastodon.ORIGIN_TOKEN
    ]


def _environment_still_set(platform: str | None) -> list[str]:
    variables = {
        "bluesky": (bluesky.ENV_HANDLE, bluesky.ENV_PASSWORD),
        "mastodon": (mastodon.ENV_URL, mastodon.ENV_TOKEN),
    }
    warnings = []
    for name, names in variables.items():
        present = [v for v in names if os.environ.get(v, "").strip()]
        if platform in (None, name) and present:
            warnings.append(
                ngettext(
                    "{variables} is still set in the environment: quittex keeps using it.",
                    "{variables} are still set in the environment: quittex keeps using them.",
                    len(present),
                ).format(variables=format_list(present))
            )
    return warnings


def _no_saved_account(platform: str | None, account: str) -> str:
    if platform == "bluesky":
        message = _("No saved Bluesky account is called {account}.")
    elif platform == "mastodon":
        message = _("No saved Mastodon account is called {account}.")
    else:
        message = _("No saved Bluesky or Mastodon account is called {account}.")
    return message.format(account=repr(account))
