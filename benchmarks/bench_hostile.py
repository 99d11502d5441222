"""Peak memory of quittex on hostile archives: each must stay under 1.5 GB
and end with a clear refusal or a clean run.

    .venv/bin/python benchmarks/bench_hostile.py [--size-mb 1500]

Prints one line per case: the exit code, the peak RSS of `quittex inspect`
(a subprocess) and the first line it printed on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.archive_builder import ArchiveSpec, make_tweet, snowflake, write_archive  # noqa: E402

LIMIT = 1.5e9


def base_archive(path: Path) -> Path:
    spec = ArchiveSpec()
    spec.add(make_tweet(snowflake(__import__("datetime").datetime(2021, 1, 1)), "Bonjour"))
    return write_archive(spec, path)


def with_entry(path: Path, name: str, size: int) -> None:
    """Add `name`: `size` bytes of JSON whitespace, compressed (a bomb of honest size)."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w", force_zip64=True) as out:
        out.write(b"window.YTD.tweets.part9 = [")
        block = b" " * (16 << 20)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(b"]")


def lying(path: Path, name: str, declared: int) -> None:
    """Make the headers of `name` declare `declared` bytes, whatever it inflates to."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    central = raw.find(b"PK\x01\x02")
    encoded = name.encode()
    while raw[central + 46 : central + 46 + len(encoded)] != encoded:
        central = raw.find(b"PK\x01\x02", central + 4)
    if raw[central + 24 : central + 28] != b"\xff\xff\xff\xff":
        raw[central + 24 : central + 28] = declared.to_bytes(4, "little")
    else:  # the size is in the zip64 extra field: its first 8 bytes
        extra = central + 46 + len(encoded)
        end = extra + int.from_bytes(raw[central + 30 : central + 32], "little")
        while extra < end:
            tag, length = (
                int.from_bytes(raw[extra : extra + 2], "little"),
                int.from_bytes(raw[extra + 2 : extra + 4], "little"),
            )
            if tag == 1:
                raw[extra + 4 : extra + 12] = declared.to_bytes(8, "little")
                break
            extra += 4 + length
    path.write_bytes(bytes(raw))
    del info


def cases(folder: Path, size: int) -> dict[str, Path]:
    made = {}
    honest = base_archive(folder / "honest-bomb.zip")
    with_entry(honest, "data/tweets-part1.js", size)
    made[f"a tweets part of {size / 1e6:,.0f} MB (declared honestly)"] = honest
    liar = base_archive(folder / "lying-bomb.zip")
    with_entry(liar, "data/tweets-part1.js", size)
    lying(liar, "data/tweets-part1.js", 1000)
    made[f"a tweets part declaring 1,000 bytes, inflating to {size / 1e6:,.0f} MB"] = liar
    parts = base_archive(folder / "many-parts.zip")
    for number in range(1, 4):
        with_entry(parts, f"data/tweets-part{number}.js", 300 << 20)
    made["three tweets parts of 315 MB each"] = parts
    largest = base_archive(folder / "largest-accepted.zip")
    for number in range(1, 6):
        with_tweets(largest, f"data/tweets-part{number}.js", 120 << 20, first_id=number << 40)
    made["five parts of 126 MB of short tweets (the costliest per byte)"] = largest
    return made


def with_tweets(path: Path, name: str, size: int, first_id: int) -> None:
    """Add `name`: short, distinct tweets (the most models per megabyte) up to `size` bytes."""
    rng = random.Random(first_id)
    written, number = 0, first_id
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w", force_zip64=True) as out:
        out.write(b"window.YTD.tweets.part1 = [")
        while written < size:
            batch = []
            for _ in range(5000):
                number += 1
                text = "".join(rng.choices(string.ascii_letters + " ", k=100))
                batch.append({"tweet": {"id_str": str(number << 22), "full_text": text, "created_at": DATE}})
            chunk = json.dumps(batch)[1:-1].encode() + b","
            out.write(chunk)
            written += len(chunk)
        out.write(b'{"tweet": {"id_str": "1"}}]')


DATE = "Wed Mar 04 10:00:00 +0000 2020"


def peak_of(archive: Path) -> tuple[int, int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "quittex", "inspect", str(archive)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    first = (process.stderr.read().decode(errors="replace").strip().splitlines() or [""])[0]
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1500, help="How much the bombs inflate to.")
    args = parser.parse_args()
    folder = HERE / "out" / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    worst = 0
    for label, archive in cases(folder, args.size_mb * 1_000_000).items():
        code, peak, said = peak_of(archive)
        worst = max(worst, peak)
        print(f"{label:60} exit {code}  peak {peak / 2**20:7.0f} MiB  {said[:90]}")
    print(f"worst peak {worst / 2**20:,.0f} MiB: {'under' if worst < LIMIT else 'OVER'} 1.5 GB")


if __name__ == "__main__":
    main()
