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

from quittex import i18n
from quittex.vocabulary import LANGUAGES

# The English text of a help, kept on the object so a new language starts from it.
_SOURCE = "_quittex_english"
_TRANSLATED_ATTRIBUTES = ("help", "short_help", "epilog", "rich_help_panel")


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
            if isinstance(english, str) and english.strip():
                setattr(item, attribute, i18n._(english))


def _english(item) -> dict[str, str | None]:
    source = getattr(item, _SOURCE, None)
    if source is None:
        source = {name: getattr(item, name, None) for name in _TRANSLATED_ATTRIBUTES if hasattr(item, name)}
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
    code = value.strip().lower().replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else None


def start_language() -> str:
    """The language of a run before `--lang` is read: the project's, the system's, English."""
    return i18n.set_language(i18n.resolve_language(None, project_language()))
