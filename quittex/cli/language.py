"""The command line in the user's language: the language chosen for a run, the
help of every command, and Click's and Typer's own words.

Help texts are written in English in the code (option `help=`, docstrings) and
translated when the command tree is built for a run, so the language can be
chosen by `--lang` after every module is imported. Typer's own words are in
`click_words`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from quittex import i18n
from quittex.i18n import N_
from quittex.vocabulary import LANGUAGES, language_code

# The English text of a help, kept on the object so a new language starts from it.
_SOURCE = "_quittex_english"
_TRANSLATED_ATTRIBUTES = ("help", "short_help", "epilog", "rich_help_panel")
# The usage line's words, as Typer writes them.
USAGE_WORDS = {"options_metavar": N_("[OPTIONS]"), "subcommand_metavar": N_("COMMAND [ARGS]...")}


def walk(command) -> Iterator:
    """The command, its parameters, and the same for every sub-command."""
    yield command
    yield from command.params
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from walk(sub)


def help_texts(command) -> Iterator[str]:
    """Every help text of the tree, in English (the catalog's source)."""
    for item in walk(command):
        for attribute in _TRANSLATED_ATTRIBUTES:
            text = _english(item).get(attribute)
            if isinstance(text, str) and text.strip():
                yield text


def translate_commands(command) -> None:
    """Every help text of the tree in the current language."""
    for item in walk(command):
        for attribute, english in _english(item).items():
            if attribute == "metavar":
                item.metavar = i18n._(english) if english in METAVAR_WORDS else english
            elif attribute in USAGE_WORDS:
                setattr(item, attribute, i18n._(english) if english == USAGE_WORDS[attribute] else english)
            elif isinstance(english, str) and english.strip():
                setattr(item, attribute, i18n._(english))


# What a value is, in one short word, instead of Typer's type markers
# (`<int range> [x>=0]`, `<list[Path]>`, `<bool>`); the help says the rest.
FILE, FOLDER, NUMBER, DATE, TEXT = N_("FILE"), N_("FOLDER"), N_("N"), N_("DATE"), N_("TEXT")
METAVARS_BY_OPTION = {
    "--since": DATE,
    "--until": DATE,
    "--closing-date": DATE,
    "--to": N_("PLATFORMS"),
    "--timezone": N_("ZONE"),
    "--lang": N_("LANGUAGES"),
    "--locale": N_("LANGUAGE"),
    "--handle": N_("HANDLE"),
    "--instance": N_("URL"),
    "--pds": N_("URL"),
    "--date-note": N_("TEMPLATE"),
}
METAVAR_WORDS = frozenset({FILE, FOLDER, NUMBER, DATE, TEXT, *METAVARS_BY_OPTION.values(), N_("ARCHIVE")})


def _plain_argument(argument) -> None:
    """ARCHIVE in the usage line, not {ARCHIVE}; no `<path>` beside it."""
    usage = argument._usage_display_name

    def display_name() -> str:
        shown = usage()
        return shown[1:-1] if shown.startswith("{") and shown.endswith("}") else shown

    argument._usage_display_name = display_name
    argument.display_type_rich = lambda ctx: ""


def _plain_metavar(param) -> str | None:
    if getattr(param, "metavar", None):
        return param.metavar  # chosen by the command itself
    if param.param_type_name == "argument":
        return (param.name or "").upper()
    if getattr(param, "is_flag", False):
        return ""  # a switch takes no value
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:
        return None
    if descriptor.is_choice:
        return "|".join(str(getattr(choice, "value", choice)) for choice in descriptor.choices)
    annotation = get_args(descriptor.annotation)[0] if descriptor.is_list else descriptor.annotation
    if descriptor.is_path or annotation is Path:
        return FOLDER if descriptor.path_type == "dir" else FILE
    if descriptor.is_datetime:
        return DATE
    by_option = next((METAVARS_BY_OPTION[name] for name in param.opts if name in METAVARS_BY_OPTION), None)
    if by_option:
        return by_option
    return NUMBER if annotation in (int, float) else TEXT


def _english(item) -> dict[str, str | None]:
    source = getattr(item, _SOURCE, None)
    if source is None:
        source = {name: getattr(item, name, None) for name in _TRANSLATED_ATTRIBUTES if hasattr(item, name)}
        source.update({name: getattr(item, name) for name in USAGE_WORDS if getattr(item, name, None)})
        if hasattr(item, "param_type_name"):
            source["metavar"] = _plain_metavar(item)
            # The range is the help's to say, in words ("at least 1").
            item._get_number_range_help_str = lambda: None
            if item.param_type_name == "argument":
                _plain_argument(item)
        setattr(item, _SOURCE, source)
    return source


def project_language(path: Path = Path("quittex.toml")) -> str | None:
    """The `[collective] language` of ./quittex.toml, read leniently: a broken
    file is reported by the command that reads it, in the language found elsewhere."""
    try:
        if not path.is_file() or path.stat().st_size > 1 << 20:
            return None
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    collective = data.get("collective")
    value = collective.get("language") if isinstance(collective, dict) else None
    if not isinstance(value, str):
        return None
    code = language_code(value)
    return code if code in LANGUAGES else None


def start_language() -> str:
    """The language of a run before `--lang` is read: the project's, the system's, English."""
    return i18n.set_language(i18n.resolve_language(None, project_language()))
