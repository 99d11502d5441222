"""Prepare many photos on every core.

Pillow releases the GIL only in parts of its work, so threads do not scale:
this uses worker processes (started with "spawn", which is safe whatever
threads the parent runs). Jobs are fed a few at a time, so memory stays
bounded however many photos an archive holds; results come back in the
order they finish, each tagged with its job's key.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from quittex.errors import QuittexError
from quittex.i18n import _, current_language, set_language
from quittex.media.errors import MediaError
from quittex.media.images import PreparedImage, TargetLike, prepare_image_for, read_media_file


@dataclass(frozen=True, slots=True)
class ImageJob:
    """One photo to prepare: `source` is its bytes, or a file path the worker
    reads itself (cheaper than sending the bytes across). `key` comes back
    with the result: the media path in the archive is a good one."""

    key: str
    source: bytes | str | os.PathLike
    targets: tuple[TargetLike, ...]


@dataclass(frozen=True, slots=True)
class ImageJobResult:
    """The prepared images, one per target in the job's order, or the
    MediaError that makes this photo unusable."""

    key: str
    images: tuple[PreparedImage, ...] = ()
    error: MediaError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def for_target(self, name: str) -> PreparedImage | None:
        return next((image for image in self.images if image.target == name), None)


def run_image_job(job: ImageJob) -> ImageJobResult:
    """Prepare one job in this process (what each worker runs)."""
    try:
        data = job.source if isinstance(job.source, bytes) else read_media_file(job.source, name=job.key)
        return ImageJobResult(job.key, tuple(prepare_image_for(data, job.targets, name=job.key)))
    except MediaError as error:
        return ImageJobResult(job.key, error=error)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def prepare_images_parallel(
    jobs: Iterable[ImageJob], *, workers: int | None = None, max_pending: int | None = None
) -> Iterator[ImageJobResult]:
    """Results of `jobs`, in completion order, prepared on `workers`
    processes (default: every core; 1 runs here, without a pool). At most
    `max_pending` jobs (default 4 per worker) are in flight at once."""
    workers = workers or default_workers()
    if workers <= 1:
        yield from map(run_image_job, jobs)
        return
    limit = max(workers, max_pending or workers * 4)
    # A spawned worker starts in English: it speaks the run's language, so that
    # the MediaError it sends back reads as every other message.
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=set_language,
        initargs=(current_language(),),
    )
    try:
        yield from _feed(pool, iter(jobs), limit)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _feed(pool: ProcessPoolExecutor, jobs: Iterator[ImageJob], limit: int) -> Iterator[ImageJobResult]:
    pending: set[Future] = set()
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < limit:
            job = next(jobs, None)
            if job is None:
                exhausted = True
            else:
                pending.add(pool.submit(run_image_job, job))
        if pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from map(_outcome, done)


def _outcome(future: Future) -> ImageJobResult:
    try:
        return future.result()
    except BrokenProcessPool:
        raise QuittexError(
            _("an image worker process died (out of memory?)"),
            hint=_("Run again with fewer worker processes."),
        ) from None
