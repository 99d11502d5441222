"""Shared fixtures: every test runs with its own quittex home, a fixed console
width and no colour, so no test can touch a real user's files."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("quittex-home")
    monkeypatch.setenv("QUITTEX_HOME", str(home))
    monkeypatch.setenv("QUITTEX_WIDTH", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    for name in (
        "QUITTEX_BLUESKY_HANDLE",
        "QUITTEX_BLUESKY_PASSWORD",
        "QUITTEX_BLUESKY_PDS",
        "QUITTEX_MASTODON_URL",
        "QUITTEX_MASTODON_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    return home
