"""Rich progress on stderr, shown only to a person at a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from quittex.cli import console


@contextmanager
def archive_progress(label: str) -> Iterator:
    """Yields an `on_progress(done, total, name)` callback for the reader."""
    if not console.err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console.err, transient=True) as progress:
        task = progress.add_task(label, total=None)

        def on_progress(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=f"{label} {name}".rstrip())

        yield on_progress
