"""Many photos on several processes."""

from __future__ import annotations

import pickle

from quittex.media import (
    BlueskyLimits,
    ImageJob,
    ImageJobResult,
    MastodonLimits,
    prepare_image_for,
    prepare_images_parallel,
)
from quittex.media.batch import default_workers, run_image_job
from tests.media.checks import assert_clean_and_within
from tests.media.factories import exif_with, jpeg_bytes, noisy, png_bytes

TARGETS = (BlueskyLimits(), MastodonLimits())


def jobs(tmp_path, count: int) -> list[ImageJob]:
    made = []
    for index in range(count):
        picture = noisy((300 + index * 10, 200))
        if index % 3 == 0:
            path = tmp_path / f"{index}.png"
            path.write_bytes(png_bytes(picture))
            made.append(ImageJob(f"data/tweets_media/{index}.png", path, TARGETS))
        else:
            data = jpeg_bytes(picture, exif=exif_with(gps=True))
            made.append(ImageJob(f"data/tweets_media/{index}.jpg", data, TARGETS))
    made.append(ImageJob("data/tweets_media/broken.jpg", b"%PDF-1.4 not a photo", TARGETS))
    made.append(ImageJob("data/tweets_media/gone.jpg", tmp_path / "gone.jpg", TARGETS))
    return made


def check(results: list[ImageJobResult], expected: list[ImageJob]) -> None:
    by_key = {result.key: result for result in results}
    assert sorted(by_key) == sorted(job.key for job in expected)
    assert by_key["data/tweets_media/broken.jpg"].error.problem == "not_an_image"
    assert by_key["data/tweets_media/gone.jpg"].error.problem == "missing"
    for job in expected:
        result = by_key[job.key]
        if result.ok:
            assert [image.target for image in result.images] == ["bluesky", "mastodon"]
            for limits in TARGETS:
                assert_clean_and_within(result.for_target(limits.name), limits.image_target)


def test_two_worker_processes(tmp_path):
    expected = jobs(tmp_path, 8)
    results = list(prepare_images_parallel(expected, workers=2, max_pending=3))
    check(results, expected)


def test_one_worker_runs_in_this_process(tmp_path, monkeypatch):
    from quittex.media import batch

    monkeypatch.setattr(batch, "ProcessPoolExecutor", None)  # would fail if used
    expected = jobs(tmp_path, 3)
    check(list(prepare_images_parallel(expected, workers=1)), expected)


def test_parallel_results_equal_serial_ones(tmp_path):
    expected = jobs(tmp_path, 4)
    parallel = {result.key: result for result in prepare_images_parallel(expected, workers=2)}
    for job in expected[:4]:
        data = job.source if isinstance(job.source, bytes) else job.source.read_bytes()
        serial = prepare_image_for(data, job.targets, name=job.key)
        assert [image.data for image in parallel[job.key].images] == [image.data for image in serial]


def test_stopping_early_does_not_hang(tmp_path):
    many = (ImageJob(str(index), jpeg_bytes(noisy((400, 300))), TARGETS) for index in range(50))
    results = prepare_images_parallel(many, workers=2)
    first = next(results)
    results.close()
    assert first.ok


def test_results_and_errors_pickle(tmp_path):
    for job in jobs(tmp_path, 1):
        result = run_image_job(job)
        copy = pickle.loads(pickle.dumps(result))
        assert copy.key == result.key and (copy.error is None) == (result.error is None)


def test_default_workers_is_at_least_one():
    assert default_workers() >= 1


def test_missing_target_name():
    assert ImageJobResult("k").for_target("bluesky") is None
