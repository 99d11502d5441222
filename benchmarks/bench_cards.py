"""Link cards for 1,000 links on a local web server: how many fetches per
distinct link (goal: at most one), and how fast cards come compared with
Bluesky's own pace (2,500 posts an hour, 0.69 a second): publishing must stay
paced by the platform's limit, not by fetching.

    .venv/bin/python benchmarks/bench_cards.py [--links 1000] [--hosts 10] [--repeat 3]

The links are spread over `--hosts` loopback addresses (127.0.0.1 … 127.0.0.N:
different sites as far as the per-site pace goes), each link used `--repeat`
times, as a collective links its own site again and again.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quittex.cards import Fetcher, LinkCards  # noqa: E402
from quittex.publish.journal import Journal  # noqa: E402
from tests.card_server import CardServer  # noqa: E402

BLUESKY_POSTS_PER_SECOND = 2_500 / 3_600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=1_000)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with CardServer() as server, tempfile.TemporaryDirectory() as state:
        port = server.httpd.server_address[1]
        # The server listens on 127.0.0.1 only; other loopback names reach it through a rewrite below.
        links = [f"http://127.0.0.{1 + n % args.hosts}:{port}/article/{n}" for n in range(args.links)]
        with Journal.open("bluesky", "bench", "did:plc:bench", Path(state)) as journal:
            fetcher = _OneServer(allow_private=True, port=port)
            cards = LinkCards(fetcher, cache=journal)
            began = time.perf_counter()
            made = sum(cards.card(link) is not None for link in links * args.repeat)
            elapsed = time.perf_counter() - began
            fetcher.close()
        pages = sum(count for path, count in server.hits.items() if path.startswith("/article/"))
    posts = len(links) * args.repeat
    rate = posts / elapsed
    print(f"{posts:,} posts linking {len(links):,} pages on {args.hosts} sites: {made:,} cards in {elapsed:.1f} s")
    print(f"page fetches: {pages:,} for {len(links):,} distinct links ({pages / len(links):.2f} per link, goal ≤ 1)")
    ahead = rate / BLUESKY_POSTS_PER_SECOND
    print(f"cards per second: {rate:.1f}, Bluesky's pace {BLUESKY_POSTS_PER_SECOND:.2f}: {ahead:.0f}× faster")


class _OneServer(Fetcher):
    """Every 127.0.0.N site is the one test server (pace and checks see N sites)."""

    def __init__(self, *, port: int, **options) -> None:
        super().__init__(**options)
        self.port = port

    def _request(self, url, limit, accept, deadline):
        host = url.split("//", 1)[1].split(":", 1)[0]
        return super()._request(url.replace(f"//{host}:", "//127.0.0.1:", 1), limit, accept, deadline)


if __name__ == "__main__":
    main()
