"""Safe, read-only access to an X archive as a zip or a folder.

The archive is never extracted. Every path is checked against escaping the
archive, and every read is bounded, so a hostile zip (zip-slip names, a zip
bomb, a symlink out of the folder) is refused with one clear message.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from quittex.errors import ArchiveError, UnsafeArchiveError

# X splits tweets files at about 100 MB; videos can be large. Anything we read
# whole into memory must stay below this.
MAX_DATA_FILE_BYTES = 1 << 30
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
            raise UnsafeArchiveError(f"{name} would inflate to {size:,} bytes, more than quittex reads ({limit:,}).")
        return self._read(self.root + name, limit)

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
        raise UnsafeArchiveError(f"The archive holds an entry with an absolute path: {name!r}.")
    if ".." in PurePosixPath(normalised).parts:
        raise UnsafeArchiveError(f"The archive holds an entry that escapes its folder: {name!r}.")


class ZipSource(ArchiveSource):
    def __init__(self, location: Path) -> None:
        super().__init__(location)
        try:
            self._zip = zipfile.ZipFile(location)
        except zipfile.BadZipFile:
            raise ArchiveError(
                f"{location.name} is not a zip file, or it is damaged.",
                hint="Download the archive from X again; a partly downloaded zip cannot be read.",
            ) from None
        except OSError as error:
            raise ArchiveError(f"Cannot open {location}: {error.strerror or error}.") from None
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
        self._check_ratio(info)
        try:
            with self._zip.open(info) as handle:
                # zipfile stops at the declared size and checks the CRC, so a
                # lying header cannot make us inflate more than `limit`.
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ArchiveError(f"{info.filename} is damaged inside the zip ({error}).") from None
        if len(data) > limit:
            raise UnsafeArchiveError(f"{info.filename} inflates beyond {limit:,} bytes.")
        return data

    def copy_to(self, name: str, target, limit: int) -> None:
        """Stream one entry into a file, never more than `limit` bytes."""
        info = self._infos[self.root + name]
        if info.file_size > limit:
            raise UnsafeArchiveError(f"{info.filename} is larger than {limit:,} bytes.")
        self._check_ratio(info)
        with self._zip.open(info) as handle:
            shutil.copyfileobj(handle, target, 1 << 20)

    @staticmethod
    def _check_ratio(info: zipfile.ZipInfo) -> None:
        if info.file_size <= RATIO_CHECK_FLOOR:
            return
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise UnsafeArchiveError(
                f"{info.filename} claims to inflate {ratio:,.0f} times its compressed size: "
                "this looks like a zip bomb, quittex will not read it."
            )

    def close(self) -> None:
        self._zip.close()


class FolderSource(ArchiveSource):
    def __init__(self, location: Path) -> None:
        super().__init__(location)
        self._base = location.resolve()

    def _names(self) -> Iterator[str]:
        for folder, dirs, files in os.walk(self._base):
            dirs.sort()
            rel = os.path.relpath(folder, self._base)
            for file_name in sorted(files):
                yield file_name if rel == "." else posixpath.join(Path(rel).as_posix(), file_name)

    def _resolve(self, full_name: str) -> Path:
        check_entry_name(full_name)
        path = (self._base / full_name).resolve()
        if not path.is_relative_to(self._base):
            raise UnsafeArchiveError(f"{full_name} points outside the archive folder.")
        return path

    def _size(self, full_name: str) -> int:
        info = self._resolve(full_name).stat()
        if not stat.S_ISREG(info.st_mode):
            raise FileNotFoundError(full_name)
        return info.st_size

    def _read(self, full_name: str, limit: int) -> bytes:
        with open(self._resolve(full_name), "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise UnsafeArchiveError(f"{full_name} is larger than {limit:,} bytes.")
        return data


def open_source(location: Path) -> ArchiveSource:
    if not location.exists():
        raise ArchiveError(f"{location} does not exist.")
    if location.is_dir():
        return FolderSource(location)
    return ZipSource(location)
