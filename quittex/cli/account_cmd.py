"""`quittex login bluesky|mastodon`, `quittex logout`, `quittex whoami`."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.padding import Padding

from quittex import accounts
from quittex.accounts.environment import ENV_HANDLE, ENV_PASSWORD, ENV_PDS, ENV_TOKEN, ENV_URL
from quittex.accounts.secret import Secret
from quittex.cli import console
from quittex.cli.console import shown
from quittex.errors import AuthError
from quittex.i18n import N_, _, format_moment

login_app = typer.Typer(
    name="login",
    help="Connect quittex to a Bluesky or Mastodon account (saved for later runs, never a password).",
    no_args_is_help=True,
)


class Platform(StrEnum):
    bluesky = "bluesky"
    mastodon = "mastodon"


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


# --- login bluesky ------------------------------------------------------------------


@login_app.command("bluesky")
def login_bluesky(
    handle: Annotated[
        str, typer.Option("--handle", envvar=ENV_HANDLE, help="Your Bluesky handle, e.g. collectif.bsky.social.")
    ],
    pds: Annotated[
        str | None,
        typer.Option(
            "--pds", envvar=ENV_PDS, help="Your PDS, if self-hosted (default: found from the handle, else bsky.social)."
        ),
    ] = None,
) -> None:
    """Log in to Bluesky with an app password; quittex keeps the session, not the password."""
    password = _bluesky_password(handle)
    account = accounts.login_bluesky(handle, password, pds=pds)
    if not account.app_password:
        console.warn(
            _(
                "Bluesky says this was the account's main password. quittex kept only the session, "
                "but an app password is safer: it can be revoked on its own."
            )
            + " "
            + shown(_(accounts.APP_PASSWORD_HELP))
        )
    console.out.print(
        _(
            "Logged in to Bluesky as [bold]@{handle}[/bold] ({did}) on {server}. The session is saved in {path}; "
            "the password was not stored."
        ).format(
            handle=shown(account.handle),
            did=shown(account.did),
            server=shown(account.pds),
            path=shown(str(accounts.credentials_path())),
        ),
        highlight=False,
    )


def _bluesky_password(handle: str) -> Secret:
    from_environment = accounts.bluesky_password_from_environment()
    if from_environment is not None:
        if not accounts.looks_like_app_password(from_environment):
            console.warn(
                _("{variable} does not look like an app password (xxxx-xxxx-xxxx-xxxx).").format(variable=ENV_PASSWORD)
            )
        return from_environment
    if not _stdin_is_terminal():
        raise AuthError(
            _("No terminal to ask for the app password."),
            hint=_(
                "Set {password_variable} to an app password (and {handle_variable}), or run this command in a terminal."
            ).format(password_variable=ENV_PASSWORD, handle_variable=ENV_HANDLE),
        )
    console.info(shown(_(accounts.APP_PASSWORD_HELP)))
    question = _("App password for @{handle}").format(handle=handle.strip().removeprefix("@"))
    password = Secret(typer.prompt(question, hide_input=True, err=True))
    if not accounts.looks_like_app_password(password):
        console.warn(
            _("This does not look like an app password (xxxx-xxxx-xxxx-xxxx).")
            + " "
            + shown(_(accounts.APP_PASSWORD_HELP))
        )
        if not console.confirm(_("Use it anyway?")):
            console.info(_("Nothing was changed."))
            raise typer.Exit(1)
    return password


# --- login mastodon -----------------------------------------------------------------


@login_app.command("mastodon")
def login_mastodon(
    instance: Annotated[
        str, typer.Option("--instance", envvar=ENV_URL, help="Your Mastodon server, e.g. https://mamot.fr.")
    ],
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="An access token you created (Preferences → Development). Give - to type it hidden or read "
            "it from a pipe (a token on the command line stays in your shell history). Without --token, "
            "quittex asks for authorisation in your browser.",
        ),
    ] = None,
) -> None:
    """Log in to Mastodon: approve quittex in your browser, or give an access token."""
    if token is not None:
        account = accounts.login_mastodon_token(instance, _token(token))
    else:
        account = _authorize(instance)
    console.out.print(
        _("Logged in to Mastodon as [bold]@{account}[/bold] on {server}. The token is saved in {path}.").format(
            account=shown(account.account),
            server=shown(account.instance),
            path=shown(str(accounts.credentials_path())),
        ),
        highlight=False,
    )


def _token(value: str) -> Secret:
    if value != "-":
        return Secret(value)
    if _stdin_is_terminal():
        return Secret(typer.prompt(_("Access token"), hide_input=True, err=True))
    line = sys.stdin.readline().strip()
    if not line:
        raise AuthError(_("--token - read no token from standard input."))
    return Secret(line)


def _authorize(instance: str) -> accounts.MastodonAccount:
    if not _stdin_is_terminal():
        raise AuthError(
            _("No terminal to paste the authorisation code into."),
            hint=_(
                "Give --token (an access token), or set {url_variable} and {token_variable}, which quittex uses "
                "without logging in."
            ).format(url_variable=ENV_URL, token_variable=ENV_TOKEN),
        )
    authorization = accounts.start_mastodon_authorization(instance)
    console.info(
        _(
            "Open this address in a browser where you are logged in to your Mastodon account, "
            "approve quittex (it asks for: {scopes}), then paste the code shown:"
        ).format(scopes=", ".join(accounts.MASTODON_SCOPES))
    )
    typer.echo(authorization.url, err=True)  # plain: a wrapped address cannot be clicked
    code = typer.prompt(_("Authorisation code"), err=True)
    return accounts.finish_mastodon_authorization(authorization, Secret(code))


# --- logout -------------------------------------------------------------------------


def logout(
    platform: Annotated[
        Platform | None, typer.Argument(help="bluesky or mastodon (default: both).", show_default=False)
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", "-a", help="Only this account: a handle, DID or user@host.")
    ] = None,
    no_revoke: Annotated[
        bool, typer.Option("--no-revoke", help="Forget the credentials here without ending them on the server.")
    ] = False,
) -> None:
    """Forget saved accounts, and end their sessions or tokens on the server."""
    result = accounts.logout(platform.value if platform else None, account, revoke=not no_revoke)
    for warning in result.warnings:
        console.warn(shown(warning))
    if not result.removed:
        console.out.print(_("No saved account to forget."), highlight=False)
    for summary in result.removed:
        name = shown(summary.account or "")
        console.out.print(
            _("Logged out of {platform}: @{account}.").format(platform=_platform_name(summary.platform), account=name),
            highlight=False,
        )


# --- whoami -------------------------------------------------------------------------


def whoami(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array on stdout (never a secret).")] = False,
    check: Annotated[bool, typer.Option("--check", help="Ask each server whether the credentials still work.")] = False,
) -> None:
    """Show which accounts quittex can publish to, and where."""
    summaries = accounts.list_accounts()
    checks = [accounts.check_account(s) for s in summaries] if check else None
    if as_json:
        console.print_json(
            [_json_row(s, c) for s, c in zip(summaries, checks or [None] * len(summaries), strict=False)]
        )
    elif not summaries:
        console.out.print(
            _("No account is set up. Log in with: {bluesky} or {mastodon}").format(
                bluesky="quittex login bluesky --handle NAME.bsky.social",
                mastodon="quittex login mastodon --instance https://your.instance",
            ),
            highlight=False,
        )
    else:
        _print_accounts(summaries, checks)
    if checks and not all(c.ok for c in checks):
        raise typer.Exit(3)


def _json_row(summary: accounts.AccountSummary, check: accounts.AccountCheck | None) -> dict:
    row = summary.to_json()
    if check is not None:
        row["check"] = {"ok": check.ok, "account": check.account, "message": check.message}
    return row


_SOURCES = {
    # Translators: how an account was set up, in `whoami`; "quittex login" is the command's name.
    "login": N_("from quittex login"),
    "token": N_("from a pasted token"),
    "environment": N_("from environment variables"),
}


def _print_accounts(summaries: list[accounts.AccountSummary], checks: list[accounts.AccountCheck] | None) -> None:
    """Two lines per account: who and where, then how it was set up. Lines
    wrap between words on narrow terminals, never inside a handle or URL."""
    for index, summary in enumerate(summaries):
        check = checks[index] if checks else None
        name = summary.account or (check.account if check else None)
        who = shown(f"@{name}") if name else _("(account known to the server)")
        where = " " + _("on {server}").format(server=shown(summary.server)) if summary.server else ""
        platform = _platform_name(summary.platform)
        console.out.print(f"{platform:<9} [bold]{who}[/bold]{where}", highlight=False)
        source = _SOURCES.get(summary.source)
        details = [_(source) if source else _("from {source}").format(source=shown(summary.source))]
        if summary.saved_at:
            details.append(_("saved {moment}").format(moment=_saved_moment(summary.saved_at)))
        details += [shown(note) for note in summary.notes]
        if check is not None:
            details.append(
                _("check: ok") if check.ok else _("check failed: {reason}").format(reason=shown(check.message))
            )
        console.out.print(Padding("; ".join(details), (0, 0, 0, 10)), highlight=False)


def _saved_moment(saved_at: str) -> str:
    """When an account was saved, as people of the language write a day and an hour."""
    try:
        return format_moment(datetime.fromisoformat(saved_at))
    except ValueError:
        return shown(saved_at[:16].replace("T", " "))


def _platform_name(platform: str) -> str:
    return {"bluesky": "Bluesky", "mastodon": "Mastodon"}.get(platform, platform)


def register(app: typer.Typer) -> None:
    app.add_typer(login_app, name="login")
    app.command("logout")(logout)
    app.command("whoami")(whoami)
