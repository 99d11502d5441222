"""The two consoles: results go to stdout, everything else to stderr."""

from __future__ import annotations

import json
import os
import sys

from rich.console import Console

# Tests and pipes get plain, fixed-width output; a terminal gets colours.
_width = int(os.environ["QUITTEX_WIDTH"]) if os.environ.get("QUITTEX_WIDTH") else None

out = Console(width=_width, soft_wrap=False)
err = Console(stderr=True, width=_width)


def print_json(data: object) -> None:
    """One JSON document on stdout, never wrapped or styled by Rich."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_json_line(data: object) -> None:
    """One JSON Lines record on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {message}", highlight=False)


def info(message: str) -> None:
    err.print(message, highlight=False)
