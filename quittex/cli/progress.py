"""Rich progress on stderr, shown only to a person at a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from quittex.cli import console
from quittex.i18n import N_, _

# The labels of the bar, in English (the msgids): callers pass one of these, or
# the same words, and the bar shows them in the chosen language. The core names
# its stages "Reading" and "Rewriting" (quittex.migrate.run).
READING = N_("Reading")
REWRITING = N_("Rewriting")
FETCHING_CARDS = N_("Fetching link cards")


class StageProgress:
    """An `on_progress(done, total, name)` callback for the core, on one bar
    whose label follows the stage ("Reading", then "Rewriting")."""

    def __init__(self, progress: Progress, task: TaskID, label: str) -> None:
        self.progress, self.task, self.label = progress, task, label

    def __call__(self, done: int, total: int, name: str = "") -> None:
        self.progress.update(self.task, completed=done, total=total, description=f"{self.label} {name}".rstrip())

    def stage(self, label: str) -> StageProgress:
        """The same bar for the next stage (`label` in English), started from zero."""
        self.label = _(label)
        self.progress.reset(self.task, total=None, description=self.label)
        return self


@contextmanager
def archive_progress(label: str) -> Iterator[StageProgress | None]:
    """Yields a StageProgress (None when stderr is not a terminal); `label` in English."""
    if not console.err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    shown_label = _(label)
    with Progress(*columns, console=console.err, transient=True) as progress:
        yield StageProgress(progress, progress.add_task(shown_label, total=None), shown_label)


def next_stage(on_progress: StageProgress | None, label: str) -> StageProgress | None:
    return on_progress.stage(label) if on_progress is not None else None
