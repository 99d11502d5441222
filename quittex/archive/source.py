"""Safe, read-only access to an X archive as a zip or a folder.

The archive is never extracted. Every path is checked against escaping the
archive, and every read is bounded, so a hostile zip (zip-slip names, a zip
bomb, a symlink out of the folder) is refused with one clear message.
"""

from __future__ import annotations

import os
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from quittex.errors import ArchiveError, UnsafeArchiveError
from quittex.i18n import N_, _, format_number

# Anything read whole into memory stays below this. X splits tweets files at
# about 100 MB; the models built from a file of short tweets take up to six
# times its size, and the next file is inflated while one is parsed: 128 MiB
# keeps any one file within the 1.5 GB the process may use (media are read
# one at a time; the reader also foresees the cost of each tweets part).
MAX_DATA_FILE_BYTES = 128 << 20
# Inflating in steps of this much: a lying header never makes quittex hold
# more than one step beyond what it asked for.
READ_CHUNK_BYTES = 1 << 20
# JSON compresses 10-30x; a data file inflating more than this is a bomb.
MAX_COMPRESSION_RATIO = 200
# Small entries may compress absurdly well (an empty array): only judge the
# ratio of entries bigger than this.
RATIO_CHECK_FLOOR = 1 << 20


class ArchiveSource:
    """Files of an archive, addressed by POSIX paths relative to its root
    (the folder that holds `data/` or the 2019-era root-level `.js` files)."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.root = ""  # prefix inside the container, e.g. "twitter-2024/"

    # -- what the subclasses provide -------------------------------------
    def _names(self) -> Iterator[str]:
        raise NotImplementedError

    def _size(self, full_name: str) -> int:
        raise NotImplementedError

    def _read(self, full_name: str, limit: int) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        pass

    # -- the shared interface --------------------------------------------
    def set_root(self, root: str) -> None:
        self.root = root.rstrip("/") + "/" if root else ""

    def all_names(self) -> list[str]:
        """Every file in the container, full paths, as listed."""
        return list(self._names())

    def names(self) -> list[str]:
        """Files below the root, relative to it."""
        cut = len(self.root)
        return [n[cut:] for n in self._names() if n.startswith(self.root) and not n.endswith("/")]

    def size(self, name: str) -> int:
        return self._size(self.root + name)

    def read_bytes(self, name: str, limit: int = MAX_DATA_FILE_BYTES) -> bytes:
        size = self.size(name)
        if size > limit:
            raise UnsafeArchiveError(
                _("{name} would inflate to {size} bytes, more than quittex reads at once ({limit}).").format(
                    name=name, size=format_number(size), limit=format_number(limit)
                ),
                hint=_("Such a file cannot be an untouched X archive's: ask X for a new archive."),
            )
        return self._read(self.root + name, limit)

    def heads(self, names: list[str], size: int = 16) -> dict[str, bytes]:
        """The first `size` bytes of each file (b"" when it cannot be read): what
        a file really is, told without reading it whole."""
        found = {}
        for name in names:
            try:
                found[name] = self._head(self.root + name, size)
            except (ArchiveError, OSError, KeyError, zlib.error):
                found[name] = b""
        return found

    def _head(self, full_name: str, size: int) -> bytes:
        return self._read(full_name, MAX_DATA_FILE_BYTES)[:size]

    def tails(self, names: list[str], size: int = 16) -> dict[str, bytes | None]:
        """The last `size` bytes of each file, where they can be had without
        inflating it whole (None otherwise): enough to tell a truncated photo."""
        found: dict[str, bytes | None] = {}
        for name in names:
            try:
                found[name] = self._tail(self.root + name, size)
            except (ArchiveError, OSError, KeyError):
                found[name] = None
        return found

    def _tail(self, full_name: str, size: int) -> bytes | None:
        return None

    def __enter__(self) -> ArchiveSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_entry_name(name: str) -> None:
    """Refuse names that would land outside the archive if extracted."""
    if ".." not in name and not name.startswith(("/", "\\")) and ":" not in name:
        return  # the common case, checked cheaply: archives have tens of thousands of entries
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise UnsafeArchiveError(_("The archive holds an entry with an absolute path: {name}.").format(name=repr(name)))
    if ".." in PurePosixPath(normalised).parts:
        raise UnsafeArchiveError(
            _("The archive holds an entry that escapes its folder: {name}.").format(name=repr(name))
        )


def bounded_chunks(handle: BinaryIO, limit: int, name: str) -> Iterator[bytes]:
    """`handle`'s bytes a chunk at a time, refusing to go past `limit` (so
    memory follows the bytes really inflated, not what a header claims)."""
    total = 0
    while chunk := handle.read(READ_CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise UnsafeArchiveError(
                _("{name} inflates beyond {limit} bytes.").format(name=name, limit=format_number(limit))
            )
        yield chunk


def read_bounded(handle: BinaryIO, limit: int, name: str) -> bytes:
    """At most `limit` bytes from `handle` (see bounded_chunks)."""
    return b"".join(bounded_chunks(handle, limit, name))


class ZipSource(ArchiveSource):
    def __init__(self, location: Path) -> None:
        super().__init__(location)
        try:
            self._zip = zipfile.ZipFile(location)
        except UnicodeDecodeError:  # before ValueError, of which it is one
            raise ArchiveError(
                _("{name} holds file names that are not valid text: it is damaged or was not made by X.").format(
                    name=location.name
                ),
                hint=_("Download the archive from X again."),
            ) from None
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OverflowError):
            raise ArchiveError(
                _("{name} is not a zip file, or it is damaged.").format(name=location.name),
                hint=_("Download the archive from X again; a partly downloaded zip cannot be read."),
            ) from None
        except OSError as error:
            raise ArchiveError(
                _("Cannot open {path}: {reason}.").format(path=location, reason=error.strerror or error)
            ) from None
        self._infos = {}
        for info in self._zip.infolist():
            check_entry_name(info.filename)
            self._infos[info.filename] = info

    def _names(self) -> Iterator[str]:
        return iter(self._infos)

    def _size(self, full_name: str) -> int:
        info = self._infos.get(full_name)
        if info is None:
            raise FileNotFoundError(full_name)
        return info.file_size

    def _read(self, full_name: str, limit: int) -> bytes:
        info = self._infos[full_name]
        self._check_readable(info)
        try:
            with self._zip.open(info) as handle:
                # zipfile stops at the declared size and checks the CRC; reading
                # by chunks keeps a lying header from swelling memory meanwhile.
                return read_bounded(handle, limit, info.filename)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
            raise ArchiveError(
                _("{name} is damaged inside the zip ({reason}).").format(name=info.filename, reason=error)
            ) from None

    def copy_to(self, name: str, target: BinaryIO, limit: int) -> None:
        """Stream one entry into a file, never more than `limit` bytes."""
        info = self._infos[self.root + name]
        if info.file_size > limit:
            raise UnsafeArchiveError(
                _("{name} is larger than {limit} bytes.").format(name=info.filename, limit=format_number(limit))
            )
        self._check_readable(info)
        try:
            with self._zip.open(info) as handle:
                for chunk in bounded_chunks(handle, limit, info.filename):
                    target.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
            raise ArchiveError(
                _("{name} is damaged inside the zip ({reason}).").format(name=info.filename, reason=error)
            ) from None

    def _head(self, full_name: str, size: int) -> bytes:
        """Straight from the entry's local header: zipfile's own opening costs
        ten times more, and a dry run looks at every photo."""
        info = self._infos[full_name]
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return b""
        raw = self._raw_bytes(info, 0, min(info.compress_size, 4096))
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:size]
        return zlib.decompressobj(-15).decompress(raw, size)

    def _tail(self, full_name: str, size: int) -> bytes | None:
        """Only for stored entries (photos usually are: they do not compress)."""
        info = self._infos[full_name]
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            return None
        return self._raw_bytes(info, max(info.compress_size - size, 0), min(size, info.compress_size)) or None

    def _raw_bytes(self, info: zipfile.ZipInfo, start: int, count: int) -> bytes:
        """`count` bytes of the entry's stored (compressed) data from `start`,
        found through its local header; b"" when the header is not one."""
        handle = self._zip.fp
        with self._zip._lock:  # noqa: SLF001 - the zip's own lock over its shared file handle
            handle.seek(info.header_offset)
            header = handle.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                return b""
            skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
            handle.seek(info.header_offset + 30 + skip + start)
            return handle.read(count)

    def _check_readable(self, info: zipfile.ZipInfo) -> None:
        if info.flag_bits & 0x1:
            raise ArchiveError(
                _("{name} is protected by a password: quittex cannot read encrypted archives.").format(
                    name=info.filename
                ),
                hint=_("Give quittex the zip exactly as X sent it, or unzip it yourself and give the folder."),
            )
        self._check_ratio(info)

    @staticmethod
    def _check_ratio(info: zipfile.ZipInfo) -> None:
        if info.file_size <= RATIO_CHECK_FLOOR:
            return
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise UnsafeArchiveError(
                _(
                    "{name} claims to inflate {ratio} times its compressed size: "
                    "this looks like a zip bomb, quittex will not read it."
                ).format(name=info.filename, ratio=format_number(round(ratio)))
            )

    def close(self) -> None:
        self._zip.close()


class FolderSource(ArchiveSource):
    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self._base = location.resolve()

    def _names(self) -> Iterator[str]:
        for folder, dirs, files in os.walk(self._base, onerror=self._unreadable_folder):
            dirs.sort()
            rel = os.path.relpath(folder, self._base)
            for file_name in sorted(files):
                if not _is_text(file_name):
                    continue  # a name that is not valid UTF-8 can be no file the archive's JSON names
                yield file_name if rel == "." else posixpath.join(Path(rel).as_posix(), file_name)

    def _unreadable_folder(self, error: OSError) -> None:
        where = os.path.relpath(error.filename, self._base) if error.filename else str(self.location)
        raise ArchiveError(
            _("Cannot read the folder {folder} of the archive: {reason}.").format(
                folder=where, reason=error.strerror or error
            )
        )

    def _resolve(self, full_name: str) -> Path:
        check_entry_name(full_name)
        try:
            path = (self._base / full_name).resolve()
        except (RuntimeError, OSError) as error:  # a symlink loop
            raise ArchiveError(
                _("Cannot read {name} in the archive folder: {reason}.").format(name=full_name, reason=error)
            ) from None
        if not path.is_relative_to(self._base):
            raise UnsafeArchiveError(_("{name} points outside the archive folder.").format(name=full_name))
        return path

    def _size(self, full_name: str) -> int:
        try:
            info = self._resolve(full_name).stat()
        except FileNotFoundError:
            raise
        except OSError as error:
            raise ArchiveError(
                _("Cannot read {name} in the archive folder: {reason}.").format(
                    name=full_name, reason=error.strerror or error
                )
            ) from None
        if not stat.S_ISREG(info.st_mode):
            raise ArchiveError(_(_NOT_REGULAR).format(name=full_name))
        return info.st_size

    def _head(self, full_name: str, size: int) -> bytes:
        with open(self._resolve(full_name), "rb") as handle:
            return handle.read(size) if stat.S_ISREG(os.fstat(handle.fileno()).st_mode) else b""

    def _tail(self, full_name: str, size: int) -> bytes | None:
        with open(self._resolve(full_name), "rb") as handle:
            length = os.fstat(handle.fileno()).st_size
            handle.seek(max(length - size, 0))
            return handle.read(size)

    def _read(self, full_name: str, limit: int) -> bytes:
        path = self._resolve(full_name)
        try:
            # O_NONBLOCK: a FIFO put in a file's place must not hang the open.
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as error:
            raise ArchiveError(
                _("Cannot read {name} in the archive folder: {reason}.").format(
                    name=full_name, reason=error.strerror or error
                )
            ) from None
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ArchiveError(_(_NOT_REGULAR).format(name=full_name))
            try:
                return read_bounded(handle, limit, full_name)
            except OSError as error:
                raise ArchiveError(
                    _("Cannot read {path}: {reason}.").format(path=full_name, reason=error.strerror or error)
                ) from None


_NOT_REGULAR = N_("{name} in the archive folder is not a regular file (a pipe, a device?).")


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def open_source(location: Path) -> ArchiveSource:
    try:
        exists, is_dir = location.exists(), location.is_dir()
    except OSError as error:
        raise ArchiveError(
            _("Cannot read {path}: {reason}.").format(path=location, reason=error.strerror or error)
        ) from None
    if not exists:
        raise ArchiveError(
            _("{path} does not exist (quittex looked in {folder}).").format(
                path=location, folder=location.absolute().parent
            ),
            hint=_(
                "Download your archive from X: Settings → Your account → Download an archive of your data "
                "(https://x.com/settings/download_your_data). X sends the zip within a day or two; "
                "give its path, e.g. quittex inspect twitter-2025-01-20.zip."
            ),
        )
    if is_dir:
        return FolderSource(location)
    return ZipSource(location)
