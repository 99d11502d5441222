"""The fault proxy itself: each fault does what the publishing tests rely on."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.fault_proxy import Fault, FaultProxy


@pytest.fixture
def upstream():
    received = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(body)
            answer = json.dumps({"echo": body.decode()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("RateLimit-Remaining", "42")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_faults(upstream):
    url, received = upstream
    with FaultProxy(url) as proxy:
        ok = httpx.post(proxy.url + "/xrpc/putRecord", content=b"one")
        assert ok.json() == {"echo": "one"} and ok.headers["RateLimit-Remaining"] == "42"
        proxy.add(Fault("drop_after_forward", path="putRecord"))
        with pytest.raises(httpx.TransportError):
            httpx.post(proxy.url + "/xrpc/putRecord", content=b"two")
        assert received == [b"one", b"two"]  # the server got it all the same
        proxy.add(Fault("drop_before_forward", path="putRecord"), Fault("status", path="putRecord", status=502))
        with pytest.raises(httpx.TransportError):
            httpx.post(proxy.url + "/xrpc/putRecord", content=b"three")
        assert httpx.post(proxy.url + "/xrpc/putRecord", content=b"four").status_code == 502
        assert received == [b"one", b"two"]
        proxy.add(Fault("rate_limit", path="putRecord", reset_in=30))
        limited = httpx.post(proxy.url + "/xrpc/putRecord", content=b"five")
        assert limited.status_code == 429 and int(limited.headers["RateLimit-Reset"]) > 0
        assert "X-RateLimit-Reset" in limited.headers
        assert httpx.post(proxy.url + "/xrpc/putRecord", content=b"six").status_code == 200
        assert proxy.outcomes("putRecord") == [200, "dropped after forward", "dropped before forward", 502, "429", 200]
