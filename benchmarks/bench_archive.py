"""Time and peak memory of quittex on a 100,000-tweet archive in 4 parts,
against a bare inflate + json.loads of the same tweets files.

    .venv/bin/python benchmarks/bench_archive.py [--tweets 100000] [--parts 4] [--runs 3]

Prints one line per command: median wall time, peak RSS, and the ratio to the
bare parse (goals: inspect ≤ 0.9×, < 1.5 GB; migrate dry run ≤ 1.6×; the offline
`contacts` within 1.2× of inspect),
then the median CPU seconds (user + sys) of each command and their ratio: on a
shared machine CPU time is steadier than wall time (but it does not show what
running on two cores at once gains), and the fastest run of each: on a machine
whose speed wanders (a shared virtual machine), the least disturbed run is the
fairest comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

BARE_PARSE = """
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    for name in archive.namelist():
        base = name.rsplit("/", 1)[-1]
        if base.startswith("tweets") and base.endswith(".js"):
            data = archive.read(name)
            tweets = json.loads(data[data.index(b"=") + 1 :])
            del data, tweets
"""


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + sys seconds
    peak: int  # peak RSS, bytes
    fastest: float = 0.0  # wall seconds of the fastest run (medians only)


def measure(command: list[str]) -> Run:
    """Wall and CPU seconds and peak RSS of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def medians_of(commands: dict[str, list[str]], runs: int) -> dict[str, Run]:
    """Median wall and CPU time and highest peak of each command. Runs take
    turns (a, b, a, b…) so that a burst of load elsewhere hits all of them."""
    results: dict[str, list[Run]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            results[label].append(measure(command))
    return {label: _median(runs) for label, runs in results.items()}


def _median(results: list[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in results),
        statistics.median(r.cpu for r in results),
        max(r.peak for r in results),
        min(r.wall for r in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-migrate", action="store_true", help="Time only the bare parse and inspect.")
    args = parser.parse_args()
    archive = HERE / "out" / f"archive-{args.tweets}-{args.parts}.zip"
    archive.parent.mkdir(exist_ok=True)
    if not archive.exists():
        print(f"generating {archive.name} …", file=sys.stderr)
        synthetic.write(archive, args.tweets, args.parts)
    python = sys.executable
    commands = {
        "bare inflate + json.loads": [python, "-c", BARE_PARSE, str(archive)],
        "quittex inspect --json": [python, "-m", "quittex", "inspect", str(archive), "--json"],
        "quittex contacts --json": [python, "-m", "quittex", "contacts", str(archive), "--json"],
    }
    if not args.no_migrate and _has_migrate():
        commands["quittex migrate --dry-run --json"] = [
            python,
            "-m",
            "quittex",
            "migrate",
            str(archive),
            "--to",
            "mastodon,bluesky",
            "--dry-run",
            "--json",
        ]
    print(f"{args.tweets:,} tweets in {args.parts} parts, {os.cpu_count()} cores, median of {args.runs} runs")
    results = medians_of(commands, args.runs)
    bare = next(iter(results.values()))
    for label, run in results.items():
        print(f"{label:34} {run.wall:6.2f} s  peak {run.peak / 2**20:7.0f} MiB  {run.wall / bare.wall:5.2f}× bare")
    for label, run in results.items():
        print(f"{label:34} {run.cpu:6.2f} s CPU (user+sys)  {run.cpu / bare.cpu:5.2f}× bare CPU")
    for label, run in results.items():
        print(f"{label:34} {run.fastest:6.2f} s fastest run  {run.fastest / bare.fastest:5.2f}× the fastest bare")
    inspect, contacts = results["quittex inspect --json"], results["quittex contacts --json"]
    wall, cpu = contacts.wall / inspect.wall, contacts.cpu / inspect.cpu
    print(f"contacts / inspect: {wall:.2f}× wall, {cpu:.2f}× CPU (goal ≤ 1.2×)")


def _has_migrate() -> bool:
    probe = subprocess.run([sys.executable, "-m", "quittex", "migrate", "--help"], capture_output=True)
    return probe.returncode == 0


if __name__ == "__main__":
    main()
