"""Read the handle map: a CSV `x_handle,mastodon,bluesky`, one known person a line.

Spreadsheets in French settings save CSV with semicolons, and Excel adds a
byte-order mark: both are accepted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from quittex.errors import BadInputError
from quittex.i18n import N_, _
from quittex.rewrite.options import HandleEntry, normalize_x_handle

MAX_FILE_BYTES = 10_000_000
_HINT = N_("Each line is: x_handle,mastodon,bluesky (e.g. laquadrature,LaQuadrature@mamot.fr,laquadrature.net)")
_HEADER_NAMES = {"x_handle", "x", "twitter", "handle", "x handle"}


def load_handle_map(path: str | Path) -> dict[str, HandleEntry]:
    """The handle map in `path`, keyed by lower-case X handle without '@'."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInputError(_("{path} is too large for a handle map.").format(path=path), hint=_(_HINT))
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise BadInputError(_("Handle map not found: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise BadInputError(_("{path} is a folder, not a handle map file.").format(path=path)) from None
    except UnicodeDecodeError:
        raise BadInputError(
            _("{path} is not UTF-8 text.").format(path=path), hint=_("Save the CSV as UTF-8.")
        ) from None
    except OSError as exc:
        raise BadInputError(
            _("Cannot read the handle map {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    return parse_handle_map(text, source=str(path))


def parse_handle_map(text: str, source: str | None = None) -> dict[str, HandleEntry]:
    """`source` names the map in messages (its path; "handle map" when None)."""
    source = source if source is not None else _("handle map")
    entries: dict[str, HandleEntry] = {}
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text))
    for row in rows:
        line_no = rows.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if line_no == _first_line(text) and cells[0].lower().lstrip("@") in _HEADER_NAMES:
            continue
        where = _("{source}, line {line}").format(source=source, line=line_no)
        handle, entry = _parse_row(cells, where)
        if handle in entries:
            raise BadInputError(
                _("{where}: @{handle} is listed twice.").format(where=where, handle=handle), hint=_(_HINT)
            )
        entries[handle] = entry
    return entries


def _parse_row(cells: list[str], where: str) -> tuple[str, HandleEntry]:
    if len(cells) > 3:
        raise BadInputError(
            _("{where}: {count} columns, expected at most 3.").format(where=where, count=len(cells)), hint=_(_HINT)
        )
    cells += [""] * (3 - len(cells))
    try:
        handle = normalize_x_handle(cells[0])
        entry = HandleEntry(mastodon=cells[1] or None, bluesky=cells[2] or None)
    except ValueError as exc:
        raise BadInputError(_("{where}: {reason}").format(where=where, reason=_reason(exc)), hint=_(_HINT)) from None
    return handle, entry


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(err["msg"]).removeprefix("Value error, ") for err in exc.errors())
    return str(exc)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in first and ";" in first:
        return ";"
    if "," not in first and "\t" in first:
        return "\t"
    return ","


def _first_line(text: str) -> int:
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if line.strip():
            return number
    return 0
