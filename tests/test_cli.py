"""The CLI shell: version, help for every command, errors and exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from quittex import __version__
from quittex.cli.app import app
from quittex.errors import AuthError, ExitCode, PartialError, QuittexError
from tests.cli_helpers import run_cli


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"quittex {__version__}"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "quittex", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def all_commands(group=None, prefix=()):
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(all_commands()), ids=" ".join)
def test_every_command_has_help(command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    click_command = typer.main.get_command(app)
    for name in command:
        click_command = click_command.commands[name]
    assert click_command.help or click_command.short_help, f"{command} has no help text"


@pytest.mark.parametrize(
    ("error", "code"),
    [(QuittexError("boom"), 1), (AuthError("refused"), 3), (PartialError("some failed"), 4)],
)
def test_errors_become_one_message_and_their_exit_code(error, code, monkeypatch):
    def explode(*args, **kwargs):
        raise error

    monkeypatch.setattr("quittex.archive.load_archive", explode)
    result = run_cli("inspect", "whatever.zip")
    assert result.exit_code == code == int(error.exit_code)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setattr("quittex.archive.load_archive", lambda *a, **k: (_ for _ in ()).throw(AuthError("refused")))
    with pytest.raises(AuthError):
        run_cli("--debug", "inspect", "whatever.zip")


def test_ctrl_c_exits_130(monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("quittex.archive.load_archive", interrupt)
    result = run_cli("inspect", "whatever.zip")
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert "resume" in result.stderr


def test_starting_the_cli_loads_no_platform_library():
    # atproto, Mastodon.py and twitter-text take about two seconds to import,
    # pydantic (the project file, the rewriting settings) and Jinja2 (the
    # farewell kit) a third of a second: `--help` and `inspect` must not pay for them.
    # Nor for the `regex` module, or for Click: Typer carries its own copy.
    code = (
        "import sys, quittex.cli.app\n"
        "from quittex.cli.app import app\n"
        "heavy = ('atproto', 'atproto_client', 'mastodon', 'twitter_text', 'pydantic', 'jinja2', 'regex', 'click')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_accounts_package_still_gives_every_name():
    import quittex.accounts as accounts

    for name in accounts.__all__:
        assert getattr(accounts, name) is not None
    with pytest.raises(AttributeError):
        accounts.no_such_thing  # noqa: B018


def test_an_unreachable_server_is_one_plain_sentence(monkeypatch):
    monkeypatch.setenv("QUITTEX_BLUESKY_HANDLE", "collectif.bsky.social")
    monkeypatch.setenv("QUITTEX_BLUESKY_PASSWORD", "abcd-efgh-ijkl-mnop")
    monkeypatch.setenv("QUITTEX_BLUESKY_PDS", "http://127.0.0.1:9")  # nothing listens there
    result = run_cli("migrate", "examples/twitter-example.zip", "--to", "bluesky", "--yes")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "quittex cannot reach 127.0.0.1: check your internet connection." in said
    assert "ConnectError" not in said and "Errno" not in said and "Traceback" not in said
