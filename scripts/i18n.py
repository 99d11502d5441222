"""Keep quittex's translations: extract the texts, update the catalogs, compile them.

    .venv/bin/python scripts/i18n.py          # extract → quittex.pot, update every .po, compile .mo
    .venv/bin/python scripts/i18n.py --check  # exit 1 when anything is out of date or untranslated

The texts come from three places: quittex's own `_()`, `N_()` and `ngettext()`
calls (Python and the HTML templates), the help of every command (read from the
command tree, where the docstrings and `help=` end up), and the sentences Click
and Typer say themselves (read from their installed sources). Translators edit
`quittex/locale/<lang>/LC_MESSAGES/quittex.po`; a test fails when a text has no
translation, a translation is fuzzy, placeholders differ, or a `.mo` is stale.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quittex"
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE = LOCALE_DIR / "quittex.pot"
DOMAIN = "quittex"
TRANSLATED = ("fr", "es", "it", "de")  # English is the source language
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}
COMMENT_TAGS = ("Translators:",)
# A fixed date: the template changes only when its texts do.
TEMPLATE_DATE = datetime(2026, 12, 3, tzinfo=UTC)
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]+\)[sdr]|\{\}|%[sd]")
# Rich's markup tags (styles quittex and Typer use); other [words] are text ("[required]").
MARKUP = re.compile(r"\[/?(?:bold|dim|italic|underline|red|green|yellow|blue|cyan|magenta|white|link)\b[^\]]*\]|\[/\]")


def _new_catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        project="quittex",
        version="",
        copyright_holder="the quittex authors",
        msgid_bugs_address="",
        creation_date=TEMPLATE_DATE,
        revision_date=TEMPLATE_DATE,
        charset="utf-8",
        fuzzy=False,
    )


def _add(catalog: Catalog, message, location: tuple[str, int | None], comments=()) -> None:
    text = message[0] if isinstance(message, tuple) else message
    flags = ["python-brace-format"] if re.search(r"\{[A-Za-z_]", text) else []
    catalog.add(message, locations=[location], auto_comments=list(comments), flags=flags)


def _own_texts(catalog: Catalog) -> None:
    results = extract_from_dir(
        PACKAGE,
        method_map=[("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")],
        options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}},
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, _context in results:
        _add(catalog, message, (f"quittex/{filename}", lineno), comments)


def _help_texts(catalog: Catalog) -> None:
    import typer

    sys.path.insert(0, str(ROOT))
    from quittex.cli.app import app, arrange_commands
    from quittex.cli.language import help_texts

    group = typer.main.get_command(app)
    arrange_commands(group)
    for text in help_texts(group):
        _add(catalog, text, ("help of a command or option", None))


def _typer_texts(catalog: Catalog) -> None:
    from quittex.cli.click_words import GETTEXT_MODULES

    for module in GETTEXT_MODULES:
        source = importlib.util.find_spec(module).origin
        for _lineno, message, comments, _context in extract_from_file("python", source, KEYWORDS):
            _add(catalog, message, (module, None), comments)


def source_template() -> Catalog:
    """Every text quittex shows, from the code as it is now."""
    catalog = _new_catalog()
    _own_texts(catalog)
    _help_texts(catalog)
    _typer_texts(catalog)
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def catalog_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_by_file=True, include_previous=True)
    return buffer.getvalue()


def compiled_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def ids(catalog: Catalog) -> set:
    return {message.id for message in catalog if message.id}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text) + MARKUP.findall(text))


def problems(template: Catalog, catalog: Catalog) -> Iterator[str]:
    """What is wrong with one language's catalog against the template."""
    for message in template:
        if not message.id:
            continue
        found: Message | None = catalog.get(message.id)
        shown = message.id[0] if isinstance(message.id, tuple) else message.id
        if found is None:
            yield f"missing: {shown!r}"
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(strings):
            yield f"untranslated: {shown!r}"
        elif found.fuzzy:
            yield f"fuzzy: {shown!r}"
        else:
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            expected = placeholders(sources[-1])
            for string in strings:
                # A singular form may leave the count out ("un tweet"), never add one.
                got = placeholders(string)
                if got != expected and not (len(strings) > 1 and set(got) <= set(expected)):
                    yield f"placeholders differ in {shown!r}: {got} instead of {expected}"


def update() -> None:
    template = source_template()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(catalog_bytes(template))
    for language in TRANSLATED:
        path = po_path(language)
        if path.exists():
            catalog = read_catalog(path, language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = _new_catalog(language)
        catalog.update(template, update_creation_date=False)
        catalog.obsolete.clear()
        path.write_bytes(catalog_bytes(catalog))
        path.with_suffix(".mo").write_bytes(compiled_bytes(catalog))


def check() -> list[str]:
    """Everything out of date, as sentences; empty when all is well."""
    found: list[str] = []
    template = source_template()
    committed = read_catalog(TEMPLATE) if TEMPLATE.exists() else _new_catalog()
    if ids(template) != ids(committed):
        added, removed = ids(template) - ids(committed), ids(committed) - ids(template)
        found.append(f"{TEMPLATE.name} is out of date: {len(added)} new texts, {len(removed)} gone")
    for language in TRANSLATED:
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no catalog at {path}")
            continue
        catalog = read_catalog(path, language)
        found += [f"{language}: {problem}" for problem in problems(template, catalog)]
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled_bytes(catalog):
            found.append(f"{language}: {mo.name} is not compiled from {path.name}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report what is out of date, change nothing")
    parser.add_argument("--compile", action="store_true", help="only compile the .po files to .mo")
    arguments = parser.parse_args()
    if arguments.compile:
        for language in TRANSLATED:
            path = po_path(language)
            path.with_suffix(".mo").write_bytes(compiled_bytes(read_catalog(path, language)))
        return 0
    if arguments.check:
        found = check()
        print("\n".join(found) if found else "catalogs up to date")
        return 1 if found else 0
    update()
    print(f"updated {TEMPLATE.relative_to(ROOT)} and {len(TRANSLATED)} catalogs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
