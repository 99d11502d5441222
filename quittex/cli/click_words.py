"""Typer's own sentences in the user's language.

Typer carries its own copy of Click, whose sentences ("Usage:", "Missing
argument 'archive'.", "Show this message and exit.") are written in English
with no gettext; conversions are checked by Pydantic, whose messages are
English too. The help panels and a few words go through the standard gettext
in `typer.core` and `typer.rich_utils`. This module gives all of them quittex's
catalog: the gettext calls are pointed at it, and the English sentences are
recognised by the templates below (each one also a catalog entry) when they
are shown. tests/test_i18n.py checks every template against the Typer in use.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import re
import sys
from functools import cache

from quittex import i18n
from quittex.cli.standins import stand_in
from quittex.i18n import N_

# Modules of Typer that call the standard gettext: pointed at quittex's catalog.
GETTEXT_MODULES = ("typer.core", "typer.rich_utils")
# Typer imports it only to draw help or an error (it pulls in Markdown and
# tracebacks: a third of a second): it is patched when Typer imports it.
RICH_UTILS = "typer.rich_utils"
# What it imports at its top and quittex's help and errors never use: imported
# on first use (see standins.py).
DEFERRED_BY_RICH_UTILS = ("rich.markdown", "rich.traceback")
# Typer translates these once, when it is imported: they are set again at each change.
TYPER_WORDS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)

USAGE = N_("Usage:")
HELP_OPTION = N_("Show this message and exit.")
# What Click and Pydantic say when a command line is wrong, as they write it;
# `{problem}` is itself translated when it is one of these sentences.
MESSAGES = (
    N_("Missing argument '{name}'."),
    N_("Missing option '{name}'."),
    N_("Missing parameter: {name}"),
    N_("Missing command."),
    N_("No such command '{name}'."),
    N_("No such option: {name}"),
    N_("No such option: {name} (Possible options: {options})"),
    N_("No such option: {name} Did you mean {options}?"),
    N_("Option '{name}' requires an argument."),
    N_("Option '{name}' requires {count} arguments."),
    N_("Option '{name}' does not take a value."),
    N_("Argument '{name}' takes {count} values."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Invalid value for {name}: {problem}"),
    N_("Invalid value: {problem}"),
    N_("{problem}. Did you mean {options}?"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be greater than or equal to {limit}"),
    N_("Input should be greater than {limit}"),
    N_("Input should be less than or equal to {limit}"),
    N_("Input should be less than {limit}"),
    N_("{value} is not one of {choices}."),
    N_("Value {value} is not a valid {kind}."),
    N_("File {path} does not exist."),
    N_("Directory {path} does not exist."),
    N_("Path {path} does not exist."),
    N_("File {path} is a directory."),
    N_("Path {path} is a directory."),
    N_("Directory {path} is a file."),
    N_("Path {path} is a file."),
    N_("File {path} is not readable."),
    N_("Path {path} is not readable."),
    N_("Directory {path} is not readable."),
    N_("File {path} is not writable."),
    N_("Path {path} is not writable."),
    N_("Directory {path} is not writable."),
)

_typer_english: dict[str, str] = {}


def install() -> None:
    """Make Typer speak through quittex's catalog (once per process)."""
    if _installed:
        return
    _installed.append(True)
    for name in GETTEXT_MODULES:
        if name != RICH_UTILS:
            importlib.import_module(name)._ = i18n._  # type: ignore[attr-defined]
    from typer._click import core, formatting

    _wrap_usage(formatting.HelpFormatter)
    _wrap_help_option(core.Command)
    if RICH_UTILS in sys.modules:
        _patch_rich_utils(sys.modules[RICH_UTILS])
    else:
        sys.meta_path.insert(0, _PatchOnImport())


_installed: list[bool] = []


def _patch_rich_utils(rich_utils) -> None:
    rich_utils._ = i18n._
    _typer_english.update({word: getattr(rich_utils, word) for word in TYPER_WORDS})
    i18n.on_language_change(_retranslate_typer_words)
    _retranslate_typer_words()
    _wrap_errors(rich_utils)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Patches `typer.rich_utils` as soon as Typer imports it."""

    def find_spec(self, name, path=None, target=None):
        if name != RICH_UTILS:
            return None
        sys.meta_path.remove(self)  # once, and so that find_spec below finds the real module
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module) -> None:
            with stand_in(*DEFERRED_BY_RICH_UTILS):
                load(module)
            _patch_rich_utils(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _retranslate_typer_words() -> None:
    rich_utils = sys.modules[RICH_UTILS]
    for word, english in _typer_english.items():
        setattr(rich_utils, word, i18n._(english))


def _wrap_usage(formatter_class) -> None:
    english = formatter_class.write_usage

    def write_usage(self, prog, args="", prefix=None):
        return english(self, prog, args, i18n._(USAGE) + " " if prefix is None else prefix)

    formatter_class.write_usage = write_usage


def _wrap_help_option(command_class) -> None:
    english = command_class.get_help_option

    def get_help_option(self, ctx):
        option = english(self, ctx)
        if option is not None:
            option.help = i18n._(HELP_OPTION)
            option.metavar = ""  # a switch: no type marker
        return option

    command_class.get_help_option = get_help_option


def _wrap_errors(rich_utils) -> None:
    english = rich_utils.rich_format_error

    def rich_format_error(error):
        shown = error.format_message
        error.format_message = lambda: translate_message(shown())
        return english(error)

    rich_utils.rich_format_error = rich_format_error


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    found = []
    for template in MESSAGES:
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
        found.append((re.compile(f"^{pattern}$", flags=re.DOTALL), template))
    # The most specific first: more literal text wins over a looser template.
    found.sort(key=lambda pair: -len(re.sub(r"\{\w+\}", "", pair[1])))
    return tuple(found)


def translate_message(message: str) -> str:
    """An English sentence of Click, Typer or Pydantic in the current language;
    anything else (quittex's own, already translated) unchanged."""
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return message
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            values = match.groupdict()
            if "problem" in values:
                values["problem"] = translate_message(values["problem"])
            return i18n._(template).format(**values)
    return message
