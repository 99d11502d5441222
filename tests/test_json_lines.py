"""`migrate --dry-run --json` rewritten by forked workers: the same bytes as one
process, errors brought back, nothing left running."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quittex.archive import load_archive
from quittex.errors import BadInputError
from quittex.migrate.plan import plan_migration, prepare_rewrite
from quittex.models import Thread
from quittex.output import json_lines
from quittex.output.json_lines import split_evenly, write_json_lines
from tests.cli_helpers import run_cli
from tests.integration.archives import migration_archive

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")
PLATFORMS = ["mastodon", "bluesky"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return migration_archive(tmp_path_factory.mktemp("archive") / "archive.zip", tweets=120)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(json_lines, "MIN_TWEETS_PER_WORKER", 10)


def plan_bytes(archive) -> bytes:
    with load_archive(archive) as opened:
        plan = plan_migration(opened, PLATFORMS)
    out = io.BytesIO()
    for platform_plan in plan.platforms.values():
        json_lines.encode_drafts(platform_plan.drafts, out)
    return out.getvalue()


@needs_fork
@pytest.mark.parametrize("workers", [2, 3, 5])
def test_workers_write_the_same_bytes_as_one_process(archive, small_chunks, workers):
    with load_archive(archive) as opened:
        selection, rewriter = prepare_rewrite(opened, PLATFORMS)
    out = io.BytesIO()
    posts = write_json_lines(selection.threads, rewriter, PLATFORMS, out, workers=workers)
    expected = plan_bytes(archive)
    assert out.getvalue() == expected and posts == expected.count(b"\n")
    assert len(split_evenly(selection.threads, workers)) == workers


@needs_fork
def test_the_cli_uses_them_and_prints_the_same_lines(archive, small_chunks):
    result = run_cli("migrate", str(archive), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.encode() == plan_bytes(archive)


def troubled_workers(archive, monkeypatch, trouble):
    """The selection, and a rewriter whose forked workers call `trouble()`."""
    with load_archive(archive) as opened:
        selection, rewriter = prepare_rewrite(opened, PLATFORMS)
    parent, real = os.getpid(), rewriter.rewrite_all

    def rewrite_all(threads, platforms, on_progress=None):
        if os.getpid() != parent:
            trouble()
        return real(threads, platforms, on_progress)

    monkeypatch.setattr(rewriter, "rewrite_all", rewrite_all)
    return selection, rewriter


@needs_fork
def test_an_error_in_a_worker_reaches_the_parent_and_no_worker_is_left(archive, small_chunks, monkeypatch):
    def fail():
        raise BadInputError("a worker could not rewrite", hint="see the tweet")

    selection, rewriter = troubled_workers(archive, monkeypatch, fail)
    forked: list[int] = []
    real_fork = json_lines._fork
    monkeypatch.setattr(json_lines, "_fork", lambda: forked.append(real_fork()) or forked[-1])
    with pytest.raises(BadInputError, match="a worker could not rewrite") as caught:
        write_json_lines(selection.threads, rewriter, PLATFORMS, io.BytesIO(), workers=2)
    assert caught.value.hint == "see the tweet"
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # every worker was reaped


@needs_fork
def test_a_worker_killed_by_a_signal_is_an_error_not_missing_posts(archive, small_chunks, monkeypatch):
    selection, rewriter = troubled_workers(archive, monkeypatch, lambda: os.kill(os.getpid(), 9))
    with pytest.raises(Exception, match="stopped unexpectedly"):
        write_json_lines(selection.threads, rewriter, PLATFORMS, io.BytesIO(), workers=2)


def test_a_small_selection_stays_in_one_process(archive):
    with load_archive(archive) as opened:
        selection, _ = prepare_rewrite(opened, PLATFORMS)
    assert len(split_evenly(selection.threads, 8)) == 1  # 120 tweets: not worth a fork


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=300), st.integers(min_value=1, max_value=8))
def test_chunks_keep_every_thread_once_in_order_and_balance_tweets(sizes, parts):
    threads = [Thread(tweets=[object()] * size) for size in sizes]  # type: ignore[list-item]
    original = json_lines.MIN_TWEETS_PER_WORKER
    json_lines.MIN_TWEETS_PER_WORKER = 10
    try:
        chunks = split_evenly(threads, parts)
    finally:
        json_lines.MIN_TWEETS_PER_WORKER = original
    assert [t for chunk in chunks for t in chunk] == threads
    assert all(chunks) and len(chunks) <= max(1, parts)
    total = sum(sizes)
    if len(chunks) > 1:
        largest = max(sum(len(t.tweets) for t in chunk) for chunk in chunks)
        assert largest <= total / len(chunks) + max(sizes)  # off by at most one thread


def test_rewriting_reports_its_progress_in_tweets(archive):
    with load_archive(archive) as opened:
        calls: list[tuple[int, int, str]] = []
        plan_migration(opened, PLATFORMS, on_progress=lambda *call: calls.append(call))
        selection, rewriter = prepare_rewrite(opened, PLATFORMS)
    total = sum(len(t.tweets) for t in selection.threads)
    assert calls[0][0] > 0 and calls[-1] == (total, total, "")
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


@needs_fork
def test_with_workers_the_parent_reports_for_all(archive, small_chunks):
    with load_archive(archive) as opened:
        selection, rewriter = prepare_rewrite(opened, PLATFORMS)
    calls: list[tuple[int, int, str]] = []
    write_json_lines(
        selection.threads, rewriter, PLATFORMS, io.BytesIO(), workers=3, on_progress=lambda *call: calls.append(call)
    )
    total = sum(len(t.tweets) for t in selection.threads)
    assert calls[-1] == (total, total, "")
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_the_progress_bar_follows_the_stages(monkeypatch):
    import io as text_io

    from rich.console import Console

    from quittex.cli import console, progress

    screen = Console(file=text_io.StringIO(), force_terminal=True, width=100)
    monkeypatch.setattr(console, "err", screen)
    with progress.archive_progress("Reading") as on_progress:
        assert on_progress is not None
        on_progress(3, 10, "tweets.js")
        assert on_progress.progress.tasks[0].description == "Reading tweets.js"
        rewriting = progress.next_stage(on_progress, "Rewriting")
        assert rewriting.progress.tasks[0].completed == 0
        rewriting(5, 20)
        task = rewriting.progress.tasks[0]
        assert (task.description, task.completed, task.total) == ("Rewriting", 5, 20)
    assert progress.next_stage(None, "Rewriting") is None


def test_a_text_stdout_takes_bytes_cut_inside_a_character():
    from quittex.cli.dry_run import _TextAsBinary

    text = io.StringIO()
    stream = _TextAsBinary(text)
    data = "Publié sur X 🚲\n".encode()
    for index in range(len(data)):
        stream.write(data[index : index + 1])
    stream.flush()
    assert text.getvalue() == "Publié sur X 🚲\n"


def test_bars_count_in_their_unit_show_the_time_left_and_leave_a_summary(monkeypatch):
    import io as text_io

    from rich.console import Console

    from quittex.cli import console, progress

    screen = Console(file=text_io.StringIO(), force_terminal=True, width=100)
    monkeypatch.setattr(console, "err", screen)
    with progress.archive_progress(progress.READING) as on_progress:
        on_progress(2, 4, "tweets.js")
        task = on_progress.progress.tasks[0]
        assert str(progress.CountColumn().render(task)) == "2/4 files"
        rewriting = progress.next_stage(on_progress, progress.REWRITING)
        (task,) = rewriting.progress.tasks
        assert str(progress.CountColumn().render(task)) == ""  # no stale "0/4" before the stage's total
        rewriting(15121, 49133)
        assert str(progress.CountColumn().render(task)) == "15,121/49,133 tweets"
        assert "elapsed" not in str(progress.TimeLeftColumn().render(task))
    summary = screen.file.getvalue().strip().splitlines()[-1]
    assert summary.startswith("Reading: 2 files · Rewriting: 15,121 tweets (")
