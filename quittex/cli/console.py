"""The two consoles: results go to stdout, everything else to stderr."""

from __future__ import annotations

import json
import os
import re
import sys

from rich.console import Console
from rich.markup import escape

from quittex.i18n import N_, _

# Tests and pipes get plain, fixed-width output; a terminal gets colours.
_width = int(os.environ["QUITTEX_WIDTH"]) if os.environ.get("QUITTEX_WIDTH") else None

out = Console(width=_width, soft_wrap=False)
err = Console(stderr=True, width=_width)


# Characters that would drive the terminal rather than be read: C0 and C1
# controls (ESC starts a CSI sequence), DEL, and the bidirectional overrides
# that can make text read backwards. Line breaks and tabs stay. (The standard
# `re`: the `regex` module would add a fiftieth of a second to every start.)
_DRIVING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """Text from outside (the archive, a server) ready for Rich markup: its
    brackets escaped, the characters that would drive the terminal made visible."""
    return escape(_DRIVING.sub(_visible, str(text)))


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def print_json(data: object) -> None:
    """One JSON document on stdout, never wrapped or styled by Rich."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_json_line(data: object) -> None:
    """One JSON Lines record on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def warn(message: str) -> None:
    label = _("warning:")
    err.print(f"[yellow]{label}[/yellow] {message}", highlight=False)


def info(message: str) -> None:
    err.print(message, highlight=False)


def confirm_or_stop(yes: bool, question: str, *, unattended: str, declined: str) -> None:
    """Go on when `yes`, or when the person at the terminal says so; without a
    terminal, refuse with `unattended` (the option that skips the question);
    on a no, say `declined` and end the command with success."""
    import typer

    from quittex.errors import BadInputError

    if yes:
        return
    if not sys.stdin.isatty():
        raise BadInputError(unattended)
    if not confirm(question):
        info(declined)
        raise typer.Exit(0)


# Translators: the letters and words a person types to answer a yes/no question.
YES_LETTER, NO_LETTER, YES_WORD, NO_WORD = N_("y"), N_("n"), N_("yes"), N_("no")


def _bare(word: str) -> str:
    """ "Sì", "si" and "SI" alike: people type without accents or with capitals."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def confirm(question: str, *, default: bool = False) -> bool:
    """Ask a yes/no question on stderr, answered in the user's language
    ("o"/"oui" in French) or in English."""
    import typer

    yes, no = _(YES_LETTER), _(NO_LETTER)
    choices = f"{yes.upper()}/{no}" if default else f"{yes}/{no.upper()}"
    accepted = {
        True: {_bare(yes), _bare(_(YES_WORD)), "y", "yes"},
        False: {_bare(no), _bare(_(NO_WORD)), "n", "no"},
    }
    while True:
        answer = _bare(typer.prompt(f"{question} [{choices}]", default="", show_default=False, err=True))
        if not answer:
            return default
        for value, words in accepted.items():
            if answer in words:
                return value
        info(_("Please answer {yes} or {no}.").format(yes=yes, no=no))
