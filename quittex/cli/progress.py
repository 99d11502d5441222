"""Rich progress on stderr, shown only to a person at a terminal.

A bar says what is being done ("Rewriting"), how far in that stage's own unit
("15,121/49,133 tweets"; nothing before the total is known, never a stale
one), and the time *left*. When the bar goes, one line stays behind saying
what was done and how long it took.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from quittex.cli import console
from quittex.i18n import N_, Nn_, _, counted, format_duration, format_number

# The labels of the bar, in English (the msgids): callers pass one of these, or
# the same words, and the bar shows them in the chosen language. The core names
# its stages "Reading" and "Rewriting" (quittex.migrate.run).
READING = N_("Reading")
REWRITING = N_("Rewriting")
FETCHING_CARDS = N_("Fetching link cards")
LOOKING_UP = N_("Looking up")
# Translators: a progress bar's label: quittex is following accounts now.
FOLLOWING = N_("Following")

# What each stage counts, as (singular, plural) msgids.
FILES = Nn_("{count} file", "{count} files")
TWEETS = Nn_("{count} tweet", "{count} tweets")
LINKS = Nn_("{count} link", "{count} links")
ACCOUNTS = Nn_("{count} account", "{count} accounts")
UNITS = {READING: FILES, REWRITING: TWEETS, FETCHING_CARDS: LINKS, LOOKING_UP: ACCOUNTS, FOLLOWING: ACCOUNTS}


class CountColumn(ProgressColumn):
    """ "15,121/49,133 tweets", in the language's numbers; blank until the total is known."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        unit = task.fields.get("unit", TWEETS)
        done = format_number(int(task.completed))
        return Text(f"{done}/{counted(unit, int(task.total))}", style="progress.download")


class TimeLeftColumn(ProgressColumn):
    """ "0:42 left" once Rich can tell from the pace so far."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if remaining is None or task.total is None or task.finished:
            return Text("")
        minutes, seconds = divmod(int(remaining + 0.5), 60)
        hours, minutes = divmod(minutes, 60)
        clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
        return Text(_("{time} left").format(time=clock), style="progress.remaining")


def _columns() -> tuple[ProgressColumn, ...]:
    return (TextColumn("{task.description}"), BarColumn(), CountColumn(), TimeLeftColumn())


class StageProgress:
    """An `on_progress(done, total, name)` callback for the core, on one bar
    whose label follows the stage ("Reading", then "Rewriting")."""

    def __init__(self, progress: Progress, task: TaskID, label: str) -> None:
        self.progress, self.task = progress, task
        self.english = label
        self.label = _(label)
        self.done: list[str] = []  # what each finished stage did, for the summary line
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, name: str = "") -> None:
        self.progress.update(self.task, completed=done, total=total, description=f"{self.label} {name}".rstrip())

    def stage(self, label: str) -> StageProgress:
        """The same bar for the next stage (`label` in English), started from zero."""
        self._remember()
        self.english, self.label = label, _(label)
        # A new task: Rich's reset keeps the old total, and the bar would say
        # "0/4" of the last stage's files until the new stage gives its own.
        self.progress.remove_task(self.task)
        self.task = self.progress.add_task(self.label, total=None, unit=_unit(label))
        return self

    def _remember(self) -> None:
        task = self.progress.tasks[-1]
        if task.total:
            self.done.append(f"{self.label}: {counted(_unit(self.english), int(task.completed))}")

    def summary(self) -> str:
        self._remember()
        return _("{stages} ({duration}).").format(
            stages=" · ".join(self.done), duration=format_duration(time.monotonic() - self.started)
        )


def _unit(label: str) -> tuple[str, str]:
    return UNITS.get(label, TWEETS)


@contextmanager
def archive_progress(label: str) -> Iterator[StageProgress | None]:
    """Yields a StageProgress (None when stderr is not a terminal); `label` in English."""
    if not console.err.is_terminal:
        yield None
        return
    with Progress(*_columns(), console=console.err, transient=True) as progress:
        stages = StageProgress(progress, progress.add_task(_(label), total=None, unit=_unit(label)), label)
        yield stages
    if stages.done or progress.tasks[-1].total:
        console.info(stages.summary())


@contextmanager
def simple_bar(label: str):
    """An on_progress(done, total) with the time left and a summary line; `label` in English."""
    with archive_progress(label) as stages:
        yield (lambda done, total: stages(done, total)) if stages is not None else None


def next_stage(on_progress: StageProgress | None, label: str) -> StageProgress | None:
    return on_progress.stage(label) if on_progress is not None else None
