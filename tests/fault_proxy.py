"""A loopback HTTP proxy that injects the faults real servers produce.

Put it between quittex and a test server (the local PDS, mastodon-mock):

    with FaultProxy(upstream=pds.url) as proxy:
        proxy.add(Fault("drop_after_forward", path="putRecord", times=1))
        client = Client(base_url=proxy.url)

Faults, each matched on a substring of the request path, for `times` requests:
- drop_after_forward: the upstream server receives and handles the request,
  then the client's connection is closed without an answer (the post exists,
  the client cannot know);
- drop_before_forward: the connection is closed before anything is forwarded;
- status: answer `status` (500, 502, 503…) without forwarding;
- rate_limit: answer 429 with RateLimit-* / X-RateLimit-* headers and a reset
  `reset_in` seconds away, without forwarding;
- delay: wait `seconds`, then forward (a slow answer).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "host"}


@dataclass
class Fault:
    kind: str
    path: str = ""
    times: int = 1
    status: int = 503
    seconds: float = 0.0
    reset_in: float = 2.0
    method: str | None = None
    hits: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        return self.hits < self.times and self.path in path and (self.method is None or self.method == method)


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, int | str]] = []  # method, path, outcome
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def outcomes(self, path: str) -> list[int | str]:
        return [outcome for _, p, outcome in self.requests if path in p]

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def do_PUT(self) -> None:
                self._serve()

            def do_DELETE(self) -> None:
                self._serve()

            def do_PATCH(self) -> None:
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = proxy._take(self.command, self.path)
                if fault is None:
                    self._forward(body)
                    return
                if fault.kind == "delay":
                    time.sleep(fault.seconds)
                    self._forward(body, outcome="slow")
                elif fault.kind == "drop_after_forward":
                    self._upstream(body)
                    self._drop("dropped after forward")
                elif fault.kind == "drop_before_forward":
                    self._drop("dropped before forward")
                elif fault.kind == "rate_limit":
                    self._rate_limited(fault.reset_in)
                else:
                    self._answer(
                        fault.status,
                        {"content-type": "application/json"},
                        b'{"error":"InternalServerError","message":"injected"}',
                    )

            def _upstream(self, body: bytes) -> httpx.Response:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                with httpx.Client(timeout=120) as client:
                    return client.request(self.command, proxy.upstream + self.path, headers=headers, content=body)

            def _forward(self, body: bytes, outcome: str | None = None) -> None:
                response = self._upstream(body)
                headers = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
                self._answer(response.status_code, headers, response.content, outcome)

            def _answer(self, status: int, headers: dict, content: bytes, outcome: str | None = None) -> None:
                proxy.requests.append((self.command, self.path, outcome or status))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def _drop(self, outcome: str) -> None:
                proxy.requests.append((self.command, self.path, outcome))
                self.close_connection = True
                self.connection.shutdown(2)

            def _rate_limited(self, reset_in: float) -> None:
                reset = time.time() + reset_in
                iso = (datetime.now(UTC) + timedelta(seconds=reset_in)).isoformat()
                headers = {
                    "content-type": "application/json",
                    "RateLimit-Limit": "5000",
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(int(reset) + 1),
                    "RateLimit-Policy": "5000;w=3600",
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": iso,
                }
                self._answer(429, headers, b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}', "429")

        return Handler
