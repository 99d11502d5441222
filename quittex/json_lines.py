"""The dry run's JSON Lines (`migrate --dry-run --json`), rewritten on every core.

Rewriting is pure Python work, so threads would not help. Where the system
can fork, the selected threads are cut into one contiguous chunk per core;
each forked worker rewrites its chunk for every platform and writes its lines
to temporary files, while the parent does the first chunk; the parent then
joins them in posting order (platform after platform, each in thread order).
The output is byte for byte what one process writes. A small selection, or a
system without fork(), is done in one process.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import tempfile
import warnings
from collections.abc import Sequence
from typing import IO, BinaryIO

import msgspec

from quittex.archive.gcpause import paused_gc
from quittex.errors import QuittexError
from quittex.models import Thread
from quittex.rewrite.draft import Draft
from quittex.rewrite.options import Platform
from quittex.rewrite.pipeline import ProgressCallback, Rewriter

# Below this many tweets per core, a worker costs more than it saves.
MIN_TWEETS_PER_WORKER = 4_000
_BATCH = 1000  # drafts encoded at once: fewer calls, bounded memory


def write_json_lines(
    threads: Sequence[Thread],
    rewriter: Rewriter,
    platforms: Sequence[Platform],
    out: BinaryIO,
    *,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Rewrite `threads` and write one JSON object per post to `out`, every
    post of the first platform first. Returns the number of posts.
    `on_progress(done, total, "")` counts tweets (the parent's share, scaled:
    the workers go at the same pace)."""
    chunks = split_evenly(threads, workers or usable_cores())
    if len(chunks) < 2 or not hasattr(os, "fork"):
        return _write_in_process(threads, rewriter, platforms, out, on_progress)
    return _write_in_workers(chunks, rewriter, platforms, out, on_progress)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def split_evenly(threads: Sequence[Thread], parts: int) -> list[Sequence[Thread]]:
    """Contiguous chunks of about the same number of tweets, at most `parts`,
    each of at least MIN_TWEETS_PER_WORKER tweets."""
    total = sum(len(t.tweets) for t in threads)
    parts = max(1, min(parts, total // MIN_TWEETS_PER_WORKER))
    chunks: list[Sequence[Thread]] = []
    start, seen = 0, 0
    for index, thread in enumerate(threads):
        seen += len(thread.tweets)
        if len(chunks) < parts - 1 and seen * parts >= total * (len(chunks) + 1):
            chunks.append(threads[start : index + 1])
            start = index + 1
    chunks.append(threads[start:])
    return [c for c in chunks if c]


def encode_drafts(drafts: Sequence[Draft], out: IO[bytes]) -> None:
    encoder = msgspec.json.Encoder()
    for start in range(0, len(drafts), _BATCH):
        out.write(encoder.encode_lines([d.to_json() for d in drafts[start : start + _BATCH]]))


def _write_in_process(
    threads: Sequence[Thread], rewriter: Rewriter, platforms: Sequence[Platform], out: BinaryIO, on_progress: ProgressCallback | None
) -> int:
    with paused_gc():
        results = rewriter.rewrite_all(threads, platforms, on_progress)
    for platform in platforms:
        encode_drafts(results[platform].drafts, out)
    return sum(len(r.drafts) for r in results.values())


class _Worker:
    """A forked process rewriting one chunk into one temporary file per platform."""

    def __init__(self, chunk: Sequence[Thread], rewriter: Rewriter, platforms: Sequence[Platform]) -> None:
        self.files = {p: tempfile.TemporaryFile() for p in platforms}  # noqa: SIM115 - closed in close()
        self.errors, write_end = os.pipe()
        self.pid = _fork()
        if self.pid == 0:  # the child never returns
            os.close(self.errors)
            _work(chunk, rewriter, platforms, self.files, write_end)
        os.close(write_end)

    def wait(self) -> int:
        """The number of posts the worker wrote; raises what stopped it."""
        with os.fdopen(self.errors, "rb") as errors:
            message = errors.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not message.startswith(b"ok "):
            raise _worker_error(message, status)
        return int(message[3:])

    def copy(self, platform: Platform, out: BinaryIO) -> None:
        source = self.files[platform]
        source.seek(0)
        shutil.copyfileobj(source, out, 1 << 20)

    def close(self) -> None:
        if self.pid:  # interrupted before wait(): do not leave it running
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.errors)
        for file in self.files.values():
            file.close()


def _fork() -> int:
    """os.fork(). The only other thread that may be running is the progress
    bar's refresher, which the child never uses: Python 3.12's warning about
    forking a threaded process does not apply, and is not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning)
        return os.fork()


def _work(chunk, rewriter: Rewriter, platforms, files, report: int) -> None:
    """In the child: rewrite, write, say how it went, and leave at once (no
    cleanup: the parent's buffers and files are not the child's to flush)."""
    code = 0
    try:
        with paused_gc():
            results = rewriter.rewrite_all(chunk, platforms)
        for platform in platforms:
            encode_drafts(results[platform].drafts, files[platform])
            files[platform].flush()
        message = b"ok %d" % sum(len(r.drafts) for r in results.values())
    except BaseException as error:  # noqa: BLE001 - handed to the parent
        code = 1
        message = _pickled(error)
    try:
        os.write(report, message)
    finally:
        os._exit(code)


def _pickled(error: BaseException) -> bytes:
    try:
        data = pickle.dumps(error)
        pickle.loads(data)  # an exception that cannot come back is sent as text
        return data
    except Exception:  # noqa: BLE001
        return pickle.dumps(QuittexError(f"rewriting failed: {type(error).__name__}: {error}"))


def _worker_error(message: bytes, status: int) -> BaseException:
    if message and not message.startswith(b"ok "):
        try:
            return pickle.loads(message)  # noqa: S301 - our own child's bytes
        except Exception:  # noqa: BLE001
            pass
    return QuittexError(f"a rewriting process stopped unexpectedly (status {status}).")


def _write_in_workers(
    chunks: list[Sequence[Thread]], rewriter: Rewriter, platforms: Sequence[Platform], out: BinaryIO, on_progress: ProgressCallback | None
) -> int:
    out.flush()  # nothing buffered may be written twice
    workers: list[_Worker] = []
    try:
        for chunk in chunks[1:]:
            workers.append(_Worker(chunk, rewriter, platforms))
        with paused_gc():
            first = rewriter.rewrite_all(chunks[0], platforms, _scaled(on_progress, len(chunks)))
        posts = sum(len(r.drafts) for r in first.values()) + sum(w.wait() for w in workers)
        for platform in platforms:
            encode_drafts(first[platform].drafts, out)
            for worker in workers:
                worker.copy(platform, out)
        return posts
    finally:
        for worker in workers:
            worker.close()


def _scaled(on_progress: ProgressCallback | None, factor: int) -> ProgressCallback | None:
    if on_progress is None:
        return None
    return lambda done, total, name: on_progress(done * factor, total * factor, name)
