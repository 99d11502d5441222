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
    # quittex speaks English in tests unless a test asks otherwise (the tests
    # of languages unset QUITTEX_LANG or pass --lang).
    monkeypatch.setenv("QUITTEX_LANG", "en")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "QUITTEX_BLUESKY_HANDLE",
        "QUITTEX_BLUESKY_PASSWORD",
        "QUITTEX_BLUESKY_PDS",
        "QUITTEX_MASTODON_URL",
        "QUITTEX_MASTODON_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def english_afterwards():
    """A test that switched the language leaves English behind for the next."""
    yield
    from quittex import i18n

    i18n.set_language("en")
