"""Alt text: the archive has none, so people write it in a spreadsheet.

`export_alt_text_csv` writes one row per media item with an empty `alt_text`
column; `load_alt_text_csv` reads the filled file back, checked line by line.

The file is made for spreadsheet programs, because that is where our users
will fill it:

- UTF-8 **with a BOM**: without it Excel reads the file as Windows-1252 and
  turns every accent and emoji into garbage; LibreOffice, Numbers and Google
  Sheets accept the BOM.
- **Semicolons** between cells by default: Excel in French, Spanish, Italian
  and German expects them (the comma is their decimal mark) and otherwise
  shows the whole row in one cell; LibreOffice asks and detects either.
  `delimiter=","` is there for English-language Excel.
- Reading back accepts what those programs save after editing: `;`, `,` or
  tab; UTF-8 with or without BOM, UTF-16 ("Unicode text"), or Windows-1252
  (Excel's plain "CSV" in Western Europe); rows whose trailing empty cells
  were dropped.
- Rows are matched on `media_path`, never on `tweet_id`: spreadsheets turn
  19-digit ids into 1.09218E+18 and lose the digits when they save.
- A cell that starts with `=`, `+`, `-` or `@` would run as a formula: it is
  written with a leading apostrophe, which the loader removes again.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import regex

from quittex.errors import BadInputError
from quittex.i18n import N_, _, format_number, ngettext
from quittex.models import Media, Tweet
from quittex.sheets import DELIMITERS, SheetKind, read_sheet, uncell, write_sheet
from quittex.text import clip_text, grapheme_count

COLUMNS = ("tweet_id", "date_utc", "tweet_url", "text_excerpt", "media_path", "media_kind", "alt_text")
PATH_COLUMN = "media_path"
ALT_COLUMN = "alt_text"
EXCERPT_GRAPHEMES = 100
MASTODON_ALT_LIMIT = 1500  # characters (code points), the instance may say otherwise
BLUESKY_ALT_LIMIT = 2000  # graphemes: what the official app allows
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_REPORTED_PROBLEMS = 20
SHEET = SheetKind(
    name=N_("an alt-text file"),
    required=(PATH_COLUMN, ALT_COLUMN),
    max_bytes=MAX_FILE_BYTES,
    redo_hint=N_("Export the alt-text file again."),
    header_hint=N_("Export the alt-text file again and fill in the alt_text column without renaming columns."),
    too_large_hint=N_("Give the CSV written by the alt-text export, filled in."),
)
_CONTROL = regex.compile(r"[\p{Cc}--[\n\t]]", flags=regex.V1)


@dataclass(frozen=True, slots=True)
class AltTextExport:
    """What `export_alt_text_csv` wrote."""

    path: Path
    rows: int
    prefilled: int
    media_without_file: int


def export_alt_text_csv(
    tweets: Iterable[Tweet],
    username: str,
    path: str | os.PathLike,
    *,
    existing: Mapping[str, str] | None = None,
    delimiter: str = ";",
    overwrite: bool = False,
) -> AltTextExport:
    """Write one row per media item of `tweets` (in their order) to `path`.

    `existing` pre-fills alt texts already written (from an earlier file), so
    exporting again after an archive update loses no work. Media whose file
    is missing from the archive are left out (they cannot be published). The
    file is written whole or not at all; an existing file is refused unless
    `overwrite`, because it may hold hours of someone's writing.
    """
    target = Path(path)
    if delimiter not in DELIMITERS:
        raise ValueError(f"unsupported delimiter {delimiter!r}")
    if target.exists() and not overwrite:
        raise BadInputError(
            _("{path} already exists").format(path=target), hint=_("Choose another file name, or allow overwriting it.")
        )
    rows, missing = _rows(tweets, username, existing or {})
    write_sheet(target, COLUMNS, rows, delimiter)
    prefilled = sum(1 for row in rows if row[-1])
    return AltTextExport(target, len(rows), prefilled, missing)


def _rows(tweets: Iterable[Tweet], username: str, existing: Mapping[str, str]) -> tuple[list[list[str]], int]:
    rows: list[list[str]] = []
    missing = 0
    for tweet in tweets:
        for media in tweet.media:
            if media.path is None:
                missing += 1
                continue
            rows.append(_row(tweet, media, username, existing.get(media.path, "")))
    return rows, missing


def _row(tweet: Tweet, media: Media, username: str, alt: str) -> list[str]:
    date = tweet.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return [
        tweet.id,
        date,
        tweet.url(username),
        text_excerpt(tweet.text),
        media.path or "",
        media.kind,
        alt,
    ]


def text_excerpt(text: str, max_graphemes: int = EXCERPT_GRAPHEMES) -> str:
    """The start of a tweet on one line, cut between graphemes, with "…"
    when something was cut."""
    flat = " ".join(text.split())
    return clip_text(flat, max_graphemes=max_graphemes)


def clip_alt_text(text: str, *, max_characters: int | None = None, max_graphemes: int | None = None) -> str:
    """`text` cut (between graphemes, with "…") to fit both limits given: a
    last safeguard before upload, for alt text that did not come through
    `load_alt_text_csv`."""
    return clip_text(text, max_characters=max_characters, max_graphemes=max_graphemes)


def media_missing_alt_text(tweets: Iterable[Tweet], alt_texts: Mapping[str, str]) -> list[tuple[Tweet, Media]]:
    """Media (with a file) that have no alt text yet, for the dry run."""
    return [
        (tweet, media)
        for tweet in tweets
        for media in tweet.media
        if media.path is not None and not alt_texts.get(media.path, "").strip()
    ]


def load_alt_text_csv(
    path: str | os.PathLike,
    *,
    mastodon_limit: int | None = MASTODON_ALT_LIMIT,
    bluesky_limit: int | None = BLUESKY_ALT_LIMIT,
    known_paths: Iterable[str] | None = None,
) -> dict[str, str]:
    """The filled alt texts of a CSV, by media path.

    Every line is checked before anything is returned: unknown columns, rows
    that do not fit the header, the same media given two different texts,
    texts over a platform's limit (pass None for a platform not in use, or an
    instance's own `description_limit`), media not in the archive (when
    `known_paths` is given). All problems are reported together, with their
    line numbers, in one BadInputError.
    """
    source = Path(path)
    rows = read_sheet(source, SHEET)
    reader = _AltTextReader(source, mastodon_limit, bluesky_limit, known_paths)
    return reader.read(rows)


class _AltTextReader:
    """Checks the records of one file and gathers every problem found."""

    def __init__(
        self,
        source: Path,
        mastodon_limit: int | None,
        bluesky_limit: int | None,
        known_paths: Iterable[str] | None,
    ) -> None:
        self.source = source
        self.mastodon_limit = mastodon_limit
        self.bluesky_limit = bluesky_limit
        self.known = frozenset(known_paths) if known_paths is not None else None
        self.problems: list[str] = []
        self.alt_texts: dict[str, str] = {}
        self.lines: dict[str, int] = {}

    def read(self, records: list[tuple[int, list[str]]]) -> dict[str, str]:
        (_line, header), *rows = records
        columns = self._columns(header)
        if columns is not None:
            for line, cells in rows:
                self._row(line, cells, columns)
        if self.problems:
            raise self._error()
        return self.alt_texts

    def _columns(self, header: list[str]) -> list[str] | None:
        names = [cell.strip().lower() for cell in header]
        unknown = [name for name in names if name and name not in COLUMNS]
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        if unknown:
            self.problems.append(
                _("line 1: unknown column(s) {unknown}; the columns are {columns}").format(
                    unknown=", ".join(unknown), columns=", ".join(COLUMNS)
                )
            )
        if repeated:
            self.problems.append(
                _("line 1: column(s) {columns} appear more than once").format(columns=", ".join(repeated))
            )
        return None if unknown or repeated else names

    def _row(self, line: int, cells: list[str], columns: list[str]) -> None:
        extra = [cell for cell in cells[len(columns) :] if cell.strip()]
        if extra:
            self.problems.append(
                _("line {line}: {cells} cells, but the header has {columns} columns").format(
                    line=line, cells=len(cells), columns=len(columns)
                )
            )
            return
        unnamed = [cell for name, cell in zip(columns, cells, strict=False) if not name and cell.strip()]
        if unnamed:
            self.problems.append(_("line {line}: a value in a column without a name").format(line=line))
            return
        row = dict(zip(columns, cells, strict=False))
        media_path = uncell(row.get(PATH_COLUMN, "").strip())
        alt = _clean_alt(uncell(row.get(ALT_COLUMN, "")))
        self._record(line, media_path, alt)

    def _record(self, line: int, media_path: str, alt: str) -> None:
        if not media_path:
            if alt:
                self.problems.append(_("line {line}: alt text without a media_path").format(line=line))
            return
        if self.known is not None and media_path not in self.known:
            self.problems.append(
                _("line {line}: {path} is not a media file of this archive").format(line=line, path=media_path)
            )
            return
        if not alt:
            return
        if not self._within_limits(line, alt):
            return
        self._remember(line, media_path, alt)

    def _within_limits(self, line: int, alt: str) -> bool:
        characters, graphemes = len(alt), grapheme_count(alt)
        fits = True
        if self.mastodon_limit is not None and characters > self.mastodon_limit:
            self.problems.append(
                _("line {line}: the alt text has {count} characters; Mastodon accepts {limit}").format(
                    line=line, count=format_number(characters), limit=format_number(self.mastodon_limit)
                )
            )
            fits = False
        if self.bluesky_limit is not None and graphemes > self.bluesky_limit:
            self.problems.append(
                _("line {line}: the alt text has {count} characters; Bluesky accepts {limit}").format(
                    line=line, count=format_number(graphemes), limit=format_number(self.bluesky_limit)
                )
            )
            fits = False
        return fits

    def _remember(self, line: int, media_path: str, alt: str) -> None:
        previous = self.alt_texts.get(media_path)
        if previous is not None and previous != alt:
            self.problems.append(
                _("line {line}: {path} already has a different alt text on line {first}").format(
                    line=line, path=media_path, first=self.lines[media_path]
                )
            )
            return
        self.alt_texts[media_path] = alt
        self.lines.setdefault(media_path, line)

    def _error(self) -> BadInputError:
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = [f"  {problem}" for problem in shown]
        if more:
            lines.append("  " + ngettext("... and {count} more", "... and {count} more", more).format(count=more))
        count = len(self.problems)
        heading = ngettext(
            "{path}: {count} problem in the alt-text file:", "{path}: {count} problems in the alt-text file:", count
        ).format(path=self.source, count=count)
        return BadInputError(
            "\n".join([heading, *lines]),
            hint=_("Correct these lines in your spreadsheet, save as CSV and run again."),
        )


def _clean_alt(value: str) -> str:
    """NFC, Unix line ends, no control characters, no surrounding blanks."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text.replace("\t", " "))
    return text.strip()
