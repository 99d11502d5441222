"""A command's archive is left to the end of the process only when quittex
runs as its own process: inside tests or a Python program it is freed as usual."""

from __future__ import annotations

import sys

from quittex.cli import process


class Big:
    pass


def test_a_value_is_kept_to_the_end_only_in_the_quittex_process(monkeypatch):
    value = Big()
    before = sys.getrefcount(value)
    process.keep_until_exit(value)
    assert sys.getrefcount(value) == before  # a library call: nothing kept
    monkeypatch.setattr(process, "_process", [True])
    process.keep_until_exit(value)
    assert sys.getrefcount(value) == before + 1  # never dropped: not torn down at exit
