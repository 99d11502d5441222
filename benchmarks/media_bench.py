"""Benchmark: prepare archive-size photos for Bluesky and Mastodon.

Generates COUNT photos like an X archive's (about 1-2 MB each: grainy
2048 x 1536 JPEGs at high quality carrying GPS EXIF, and one in ten a
1024 x 768 PNG with transparency), then prepares every one for both
platforms with `prepare_images_parallel` on WORKERS processes, and prints
images per second and peak memory (resident set of this process plus its
worker processes, sampled every 50 ms from /proc).

    .venv/bin/python benchmarks/media_bench.py [--count 1000] [--workers 2]

The photos are written to a temporary folder (about 1.6 GB for 1000),
removed at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

from quittex.media import BlueskyLimits, ImageJob, MastodonLimits, prepare_images_parallel

PHOTO_SIZE = (2048, 1536)
PNG_SIZE = (1024, 768)
PNG_SHARE = 10  # one photo in ten is a PNG
_TEXTURE: Image.Image | None = None


def main() -> None:
    options = _arguments()
    folder = Path(options.folder or tempfile.mkdtemp(prefix="quittex-media-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs, load average at the start: {os.getloadavg()[0]:.1f}")
    try:
        paths = _generate(folder, options.count, options.workers)
        _report_inputs(paths)
        _benchmark(paths, options.workers)
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="number of photos (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--folder", help="where to write the photos (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated photos")
    return parser.parse_args()


# ----- generating archive-like photos ----------------------------------------


def _generate(folder: Path, count: int, workers: int) -> list[Path]:
    started = time.perf_counter()
    tasks = [(folder, index) for index in range(count)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        paths = list(pool.map(_make_photo, tasks, chunksize=8))
    print(f"generated {count} photos in {time.perf_counter() - started:.1f} s")
    return paths


def _texture() -> Image.Image:
    """A large grain texture made once per process; each photo is a
    different crop of it over a different gradient (effect_noise is too slow
    to call for every photo)."""
    global _TEXTURE
    if _TEXTURE is None:
        size = (PHOTO_SIZE[0] * 2, PHOTO_SIZE[1] * 2)
        _TEXTURE = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    return _TEXTURE


def _make_photo(task: tuple[Path, int]) -> Path:
    folder, index = task
    chance = random.Random(index)
    if index % PNG_SHARE == PNG_SHARE - 1:
        return _write_png(folder, index, chance)
    picture = _picture(PHOTO_SIZE, chance, amount=chance.uniform(0.22, 0.34))
    path = folder / f"{index:05d}-photo.jpg"
    picture.save(path, "JPEG", quality=chance.choice((90, 92, 94)), exif=_gps_exif())
    return path


def _write_png(folder: Path, index: int, chance: random.Random) -> Path:
    picture = _picture(PNG_SIZE, chance, amount=chance.uniform(0.05, 0.15)).convert("RGBA")
    picture.putalpha(Image.linear_gradient("L").rotate(chance.choice((0, 90, 180, 270))).resize(PNG_SIZE))
    path = folder / f"{index:05d}-image.png"
    picture.save(path, "PNG")
    return path


def _picture(size: tuple[int, int], chance: random.Random, amount: float) -> Image.Image:
    texture = _texture()
    left = chance.randrange(texture.width - size[0])
    top = chance.randrange(texture.height - size[1])
    grain = texture.crop((left, top, left + size[0], top + size[1]))
    tint = tuple(chance.randrange(256) for _ in range(3))
    gradient = Image.linear_gradient("L").resize(size).rotate(chance.choice((0, 180)))
    base = Image.merge("RGB", [gradient.point(lambda v, c=c: (v + c) // 2) for c in tint])
    return Image.blend(base, grain, amount)


def _gps_exif() -> Image.Exif:
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (IFDRational(48, 1), IFDRational(51, 1), IFDRational(3024, 100))
    gps[3], gps[4] = "E", (IFDRational(2, 1), IFDRational(17, 1), IFDRational(4020, 100))
    return exif


def _report_inputs(paths: list[Path]) -> None:
    sizes = [path.stat().st_size for path in paths]
    pngs = sum(1 for path in paths if path.suffix == ".png")
    print(
        f"inputs: {len(paths)} files ({pngs} PNG), {sum(sizes) / 1e6:,.0f} MB, "
        f"{min(sizes) / 1e6:.2f}-{max(sizes) / 1e6:.2f} MB each, mean {statistics.mean(sizes) / 1e6:.2f} MB"
    )


# ----- the measured part -----------------------------------------------------


def _benchmark(paths: list[Path], workers: int) -> None:
    targets = (BlueskyLimits(), MastodonLimits())
    jobs = [ImageJob(path.name, path, targets) for path in paths]
    sampler = _MemorySampler()
    sampler.start()
    tally = _Tally(targets)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    # Consumed one by one, as the publisher will: holding every result's
    # bytes would measure this script's list, not the pipeline.
    for result in prepare_images_parallel(jobs, workers=workers):
        tally.add(result)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before  # workers are reaped by now, so counted
    sampler.stop()
    tally.report(elapsed, workers, sampler)
    print(
        f"CPU time: {cpu:.1f} s in all, {cpu / tally.count * 1000:.0f} ms per photo (both platforms); "
        f"on {workers} idle cores that is {workers * tally.count / cpu:.1f} photos/s"
    )
    print(f"load average at the end (other work on this machine): {os.getloadavg()[0]:.1f}")


def _cpu_seconds() -> float:
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


class _Tally:
    """Running figures over the results, keeping none of their bytes."""

    def __init__(self, targets) -> None:
        self.targets = targets
        self.count = 0
        self.errors = 0
        self.reencoded = {limits.name: 0 for limits in targets}
        self.over = {limits.name: 0 for limits in targets}
        self.total_bytes = {limits.name: 0 for limits in targets}

    def add(self, result) -> None:
        self.count += 1
        if not result.ok:
            self.errors += 1
            return
        for limits in self.targets:
            image = result.for_target(limits.name)
            self.reencoded[limits.name] += image.reencoded
            self.over[limits.name] += image.size > limits.image_target.max_bytes
            self.total_bytes[limits.name] += image.size

    def report(self, elapsed: float, workers: int, sampler: _MemorySampler) -> None:
        done = self.count - self.errors
        print(
            f"prepared {self.count} photos for {len(self.targets)} platforms on {workers} processes in {elapsed:.1f} s"
        )
        print(f"  {self.count / elapsed:.1f} photos/s ({self.count * len(self.targets) / elapsed:.1f} outputs/s)")
        for name, reencoded in self.reencoded.items():
            mean = self.total_bytes[name] / done / 1e6 if done else 0
            print(
                f"  {name}: {reencoded} re-encoded, {done - reencoded} metadata-only, "
                f"mean {mean:.2f} MB, {self.over[name]} over the limit"
            )
        print(f"  errors: {self.errors}")
        print(f"peak memory (parent + workers, summed): {sampler.peak_total / 2**20:,.0f} MiB")
        print(
            f"  parent peak {sampler.peak_parent / 2**20:,.0f} MiB, "
            f"largest worker peak {sampler.peak_child / 2**20:,.0f} MiB"
        )


class _MemorySampler:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_total = 0
        self.peak_parent = 0
        self.peak_child = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            parent = _rss(me)
            children = [_rss(child) for child in _descendants(me)]
            total = parent + sum(children)
            self.peak_parent = max(self.peak_parent, parent)
            self.peak_child = max([self.peak_child, *children])
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(root: int) -> list[int]:
    """Child processes, read from each thread's `children` list (cheap,
    unlike scanning all of /proc, which would distort the measurement)."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        for child in _children(pid):
            found.append(child)
            stack.append(child)
    return found


def _children(pid: int) -> list[int]:
    pids = []
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{thread}/children") as stream:
                pids.extend(int(value) for value in stream.read().split())
    except (OSError, ValueError):
        pass
    return pids


if __name__ == "__main__":
    main()
