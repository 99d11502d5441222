"""The dry run's JSON Lines (`migrate --dry-run --json`), rewritten on every core.

Rewriting is pure Python work, so threads would not help. Where the system
can fork, the selected threads are cut into one contiguous chunk per core;
each forked worker rewrites its chunk for every platform and writes its lines
to temporary files, while the parent shows their progress; the parent then
joins the files in posting order (platform after platform, each in thread
order).
The output is byte for byte what one process writes. A small selection, or a
system without fork(), is done in one process.
"""

from __future__ import annotations

import os
import pickle
import selectors
import shutil
import signal
import tempfile
import warnings
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, BinaryIO

import msgspec

from quittex.archive.gcpause import paused_gc
from quittex.errors import QuittexError
from quittex.models import Thread
from quittex.rewrite.draft import Draft
from quittex.rewrite.options import Platform
from quittex.rewrite.pipeline import ProgressCallback, Rewriter

if TYPE_CHECKING:
    from quittex.migrate.plan import MigrationPlan

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
    `on_progress(done, total, "")` counts tweets (all workers together)."""
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


def write_plan(plan: MigrationPlan, out: IO[bytes]) -> None:
    """A plan's posts as JSON Lines, one object per post, platform after platform."""
    for platform_plan in plan.platforms.values():
        encode_drafts(platform_plan.drafts, out)


def encode_drafts(drafts: Sequence[Draft], out: IO[bytes]) -> None:
    encoder = msgspec.json.Encoder()
    for start in range(0, len(drafts), _BATCH):
        out.write(encoder.encode_lines([d.to_json() for d in drafts[start : start + _BATCH]]))


def _write_in_process(
    threads: Sequence[Thread],
    rewriter: Rewriter,
    platforms: Sequence[Platform],
    out: BinaryIO,
    on_progress: ProgressCallback | None,
) -> int:
    with paused_gc():
        results = rewriter.rewrite_all(threads, platforms, on_progress)
    for platform in platforms:
        encode_drafts(results[platform].drafts, out)
    return sum(len(r.drafts) for r in results.values())


class _Worker:
    """A forked process rewriting one chunk into one temporary file per
    platform. It reports on a pipe: "p <tweets done>" lines as it goes, then
    "ok <posts>", or "err" and the pickled exception that stopped it."""

    def __init__(self, chunk: Sequence[Thread], rewriter: Rewriter, platforms: Sequence[Platform]) -> None:
        self.files = {p: tempfile.TemporaryFile() for p in platforms}  # noqa: SIM115 - closed in close()
        self.report, write_end = os.pipe()
        self.said = b""
        self.done = 0  # tweets rewritten so far
        self.pid = _fork()
        if self.pid == 0:  # the child never returns
            os.close(self.report)
            _work(chunk, rewriter, platforms, self.files, write_end)
        os.close(write_end)

    def read(self) -> bool:
        """Take what the worker said; False once it has said everything."""
        data = os.read(self.report, 65536)
        self.said += data
        while self.said.startswith(b"p ") and b"\n" in self.said:
            line, self.said = self.said.split(b"\n", 1)
            self.done = int(line[2:])
        return bool(data)

    def finish(self) -> int:
        """The number of posts the worker wrote; raises what stopped it."""
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not self.said.startswith(b"ok "):
            raise _worker_error(self.said, status)
        return int(self.said[3:])

    def copy(self, platform: Platform, out: BinaryIO) -> None:
        source = self.files[platform]
        source.seek(0)
        shutil.copyfileobj(source, out, 1 << 20)

    def close(self) -> None:
        if self.pid:  # interrupted before finish(): do not leave it running
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.report)
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
            results = rewriter.rewrite_all(chunk, platforms, lambda done, total, name: _say(report, b"p %d\n" % done))
        for platform in platforms:
            encode_drafts(results[platform].drafts, files[platform])
            files[platform].flush()
        message = b"ok %d" % sum(len(r.drafts) for r in results.values())
    except BaseException as error:  # noqa: BLE001 - handed to the parent
        code = 1
        message = b"err\n" + _pickled(error)
    try:
        _say(report, message)
    finally:
        os._exit(code)


def _say(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pickled(error: BaseException) -> bytes:
    try:
        data = pickle.dumps(error)
        pickle.loads(data)  # an exception that cannot come back is sent as text
        return data
    except Exception:  # noqa: BLE001
        return pickle.dumps(QuittexError(f"rewriting failed: {type(error).__name__}: {error}"))


def _worker_error(said: bytes, status: int) -> BaseException:
    if said.startswith(b"err\n"):
        try:
            return pickle.loads(said[4:])  # noqa: S301 - our own child's bytes
        except Exception:  # noqa: BLE001
            pass
    return QuittexError(f"a rewriting process stopped unexpectedly (status {status}).")


def _write_in_workers(
    chunks: list[Sequence[Thread]],
    rewriter: Rewriter,
    platforms: Sequence[Platform],
    out: BinaryIO,
    on_progress: ProgressCallback | None,
) -> int:
    """One worker per chunk, the parent waiting and reporting their progress,
    then joining their files in order."""
    out.flush()  # nothing buffered may be written twice
    total = sum(len(t.tweets) for chunk in chunks for t in chunk)
    workers: list[_Worker] = []
    try:
        for chunk in chunks:
            workers.append(_Worker(chunk, rewriter, platforms))
        _follow(workers, total, on_progress)
        posts = sum(w.finish() for w in workers)
        for platform in platforms:
            for worker in workers:
                worker.copy(platform, out)
        return posts
    finally:
        for worker in workers:
            worker.close()


def _follow(workers: list[_Worker], total: int, on_progress: ProgressCallback | None) -> None:
    """Read what the workers say until every one has stopped talking."""
    with selectors.DefaultSelector() as selector:
        for worker in workers:
            selector.register(worker.report, selectors.EVENT_READ, worker)
        talking = len(workers)
        while talking:
            for key, _ in selector.select():
                if not key.data.read():
                    selector.unregister(key.fd)
                    talking -= 1
            if on_progress is not None:
                on_progress(sum(w.done for w in workers), total, "")
