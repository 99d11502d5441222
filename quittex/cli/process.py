"""What a command leaves to the end of the process.

A 100,000-tweet archive is millions of small objects; freeing them one
by one when the command returns takes half a second, after the result is
printed, to give back memory the system reclaims at once when the process
ends. So once `quittex` runs as its own process (not called from tests or
from a Python program), a command hands its archive to `keep_until_exit`:
it is never freed, and the process ends as soon as its work is done. Files
are closed and results flushed as usual: only the deallocation is skipped.
"""

from __future__ import annotations

import ctypes

_process: list[bool] = []


def running_as_process() -> None:
    """Called by the `quittex` entry point only: the process ends with the command."""
    _process.append(True)


def keep_until_exit(value: object) -> None:
    """Keep `value` alive to the end of the process, so that it is never torn
    down object by object (a no-op inside a longer-lived Python program)."""
    if _process:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))
