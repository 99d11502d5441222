"""Read X data archives of every generation, as a zip or a folder."""

from quittex.archive.reader import Archive, ArchiveStats, count_kinds, load_archive

__all__ = ["Archive", "ArchiveStats", "count_kinds", "load_archive"]
