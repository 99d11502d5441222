"""CSV files made for spreadsheets, which is where people fill them in (the
alt-text sheet, the contacts sheet).

- Written in UTF-8 **with a BOM** (without it Excel reads Windows-1252 and
  garbles every accent), semicolons between cells by default (what Excel
  expects in French, Spanish, Italian and German), whole or not at all.
- A cell that starts with `=`, `+`, `-` or `@` would run as a formula: it is
  written with a leading apostrophe, which reading removes again.
- Read back whatever those programs save after editing: `;`, `,` or tab (told
  apart by the header, which must name the columns asked for); UTF-8 with or
  without BOM, UTF-16, or Windows-1252; blank lines skipped.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from quittex.errors import BadInputError
from quittex.i18n import _, format_list

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class SheetKind:
    """What a sheet is called in messages, and how to get a good one again.
    The texts are marked with `N_()` and translated where they are shown."""

    name: str  # "an alt-text file"
    required: tuple[str, ...]  # columns the header must name
    max_bytes: int
    redo_hint: str  # how to get a sheet anew
    header_hint: str
    too_large_hint: str


def cell(value: str) -> str:
    """Defuse spreadsheet formulas (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def uncell(value: str) -> str:
    """Undo `cell`: drop the apostrophe that defused a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_sheet(target: Path, header: Iterable[str], rows: Iterable[Iterable[str]], delimiter: str = ";") -> None:
    """The whole sheet at `target`, or the file as it was (a crash leaves no half sheet)."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".csv", dir=folder)
    except OSError as error:
        raise BadInputError(
            _("cannot write in {folder}: {reason}").format(folder=folder, reason=error.strerror or error)
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
            writer.writerow(list(header))
            writer.writerows([cell(value) for value in row] for row in rows)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise BadInputError(
            _("cannot write {path}: {reason}").format(path=target, reason=error.strerror or error)
        ) from None


def read_sheet(source: Path, kind: SheetKind) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each non-blank record, header first, cells as written."""
    text = _decode(_read_limited(source, kind), source)
    if not text.strip():
        raise BadInputError(_("{path} is empty").format(path=source), hint=_(kind.redo_hint))
    delimiter = _detect_delimiter(text, source, kind)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if any(value.strip() for value in cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise BadInputError(
            _("{path}, line {line}: the CSV is malformed ({reason})").format(path=source, line=line, reason=error),
            hint=_("Check the quotes on that line, or save the file again from your spreadsheet as CSV."),
        ) from None
    return records


def _read_limited(source: Path, kind: SheetKind) -> bytes:
    try:
        if source.stat().st_size > kind.max_bytes:
            raise BadInputError(
                # Translators: {sheet} is "an alt-text file" or "a contacts sheet".
                _("{path} is too large for {sheet}").format(path=source, sheet=_(kind.name)),
                hint=_(kind.too_large_hint),
            )
        return source.read_bytes()
    except OSError as error:
        raise BadInputError(
            _("cannot read {path}: {reason}").format(path=source, reason=error.strerror or error),
            hint=_("Check the file name and that the file is not open in a program that locks it."),
        ) from None


def _decode(data: bytes, source: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInputError(
        _("{path} is not a text file in a known encoding").format(path=source),
        # Translators: "CSV UTF-8" is the name of the format in spreadsheet programs.
        hint=_('Save it from your spreadsheet as "CSV UTF-8".'),
    )


def _detect_delimiter(text: str, source: Path, kind: SheetKind) -> str:
    first_line = text.lstrip("\ufeff").splitlines()[0]
    for delimiter in DELIMITERS:
        cells = {value.strip().strip('"').lower() for value in first_line.split(delimiter)}
        if set(kind.required) <= cells:
            return delimiter
    raise BadInputError(
        _("{path}, line 1: the header must name the columns {columns}").format(
            path=source, columns=format_list(list(kind.required))
        ),
        hint=_(kind.header_hint),
    )
