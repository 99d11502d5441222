"""Run the CLI in-process the way a user would, with stdout and stderr apart."""

from __future__ import annotations

from typer.testing import CliRunner

from quittex.cli.app import app


def run_cli(*args: str, input: str | None = None):
    runner = CliRunner()
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
