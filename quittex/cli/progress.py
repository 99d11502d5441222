"""Rich progress on stderr, shown only to a person at a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from quittex.cli import console


class StageProgress:
    """An `on_progress(done, total, name)` callback for the core, on one bar
    whose label follows the stage ("Reading", then "Rewriting")."""

    def __init__(self, progress: Progress, task: TaskID, label: str) -> None:
        self.progress, self.task, self.label = progress, task, label

    def __call__(self, done: int, total: int, name: str = "") -> None:
        self.progress.update(self.task, completed=done, total=total, description=f"{self.label} {name}".rstrip())

    def stage(self, label: str) -> StageProgress:
        """The same bar for the next stage, started from zero."""
        self.label = label
        self.progress.reset(self.task, total=None, description=label)
        return self


@contextmanager
def archive_progress(label: str) -> Iterator[StageProgress | None]:
    """Yields a StageProgress (None when stderr is not a terminal)."""
    if not console.err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console.err, transient=True) as progress:
        yield StageProgress(progress, progress.add_task(label, total=None), label)


def next_stage(on_progress: StageProgress | None, label: str) -> StageProgress | None:
    return on_progress.stage(label) if on_progress is not None else None
