"""Time and peak memory of quittex on a 100,000-tweet archive in 4 parts,
against a bare inflate + json.loads of the same tweets files.

    .venv/bin/python benchmarks/bench_archive.py [--tweets 100000] [--parts 4] [--runs 3]

Prints one line per command: median wall time, peak RSS, and the ratio to the
bare parse (goals: inspect ≤ 1.25×, ≤ 4 s, < 1.5 GB; migrate dry run ≤ 2×).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
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


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024


def median_of(command: list[str], runs: int) -> tuple[float, int]:
    results = [measure(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
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
    }
    if _has_migrate():
        commands["quittex migrate --dry-run --json"] = [
            python, "-m", "quittex", "migrate", str(archive), "--to", "mastodon,bluesky", "--dry-run", "--json",
        ]  # fmt: skip
    print(f"{args.tweets:,} tweets in {args.parts} parts, {os.cpu_count()} cores, median of {args.runs} runs")
    bare = None
    for label, command in commands.items():
        seconds, peak = median_of(command, args.runs)
        bare = bare or seconds
        print(f"{label:34} {seconds:6.2f} s  peak {peak / 2**20:7.0f} MiB  {seconds / bare:5.2f}× bare")


def _has_migrate() -> bool:
    probe = subprocess.run([sys.executable, "-m", "quittex", "migrate", "--help"], capture_output=True)
    return probe.returncode == 0


if __name__ == "__main__":
    main()
