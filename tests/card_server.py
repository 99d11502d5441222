"""A web server on loopback with pages for link cards: full, partial, broken
and hostile metadata. It counts the requests each path gets.

    with CardServer() as server:
        server.url("/full")            # http://127.0.0.1:PORT/full
        server.hits["/full"]           # how many times it was asked for
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

SLOW_SECONDS = 7.0


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 630), "#2a6f97")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


PICTURE = _jpeg_with_gps()


def _page(head: str, body: str = "<p>Bonjour</p>") -> bytes:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/full": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        _page(
            '<meta property="og:title" content="Atelier vélo du samedi">'
            '<meta property="og:description" content="Réparations, café, bonne humeur.">'
            '<meta property="og:image" content="/pic.jpg"><title>ignored</title>'
        ),
    ),
    "/twitter-card": (
        200,
        {"Content-Type": "text/html"},
        _page('<meta name="twitter:title" content="Pétition"><meta name="twitter:description" content="Signez">'),
    ),
    "/partial": (
        200,
        {"Content-Type": "text/html"},
        _page('<title>  Balade   nocturne </title><meta name="description" content="120 cyclistes">'),
    ),
    "/broken": (200, {"Content-Type": "text/html"}, b"<html><head><meta property=og:title content=<<<</head"),
    "/untitled": (200, {"Content-Type": "text/html"}, _page("<title>Untitled</title>")),
    "/pic-is-html": (
        200,
        {"Content-Type": "text/html"},
        _page('<meta property="og:title" content="Image piégée"><meta property="og:image" content="/html-pic.jpg">'),
    ),
    "/html-pic.jpg": (200, {"Content-Type": "image/jpeg"}, b"<!doctype html><html>not a picture</html>"),
    "/file-image": (
        200,
        {"Content-Type": "text/html"},
        _page('<meta property="og:title" content="Fichier"><meta property="og:image" content="file:///etc/passwd">'),
    ),
    "/private-image": (
        200,
        {"Content-Type": "text/html"},
        _page(
            '<meta property="og:title" content="Métadonnées">'
            '<meta property="og:image" content="http://169.254.169.254/latest/meta-data">'
        ),
    ),
    "/latin1": (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        "<html><head><title>Café de la gare</title></head></html>".encode("latin-1"),
    ),
    "/json": (200, {"Content-Type": "application/json"}, b'{"title": "not a page"}'),
    "/pic.jpg": (200, {"Content-Type": "image/jpeg"}, PICTURE),
}


class CardServer:
    def __init__(self, *, article_delay: float = 0.0) -> None:
        self.hits: Counter[str] = Counter()
        self.article_delay = article_delay
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet tests
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                path = self.path.split("?")[0]
                server.hits[path] += 1
                server.route(self, path)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def route(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        if path in ("/ateliers/2019-03-09", "/parcours"):  # the example archive's links
            path = "/full"
        if path in PAGES:
            status, headers, body = PAGES[path]
            return _send(handler, status, headers, body)
        if path == "/loop":
            return _send(handler, 302, {"Location": "/loop"}, b"")
        if path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[-1])
            return _send(handler, 302, {"Location": f"/chain/{left - 1}" if left else "/full"}, b"")
        if path == "/to-private":
            return _send(handler, 302, {"Location": "http://10.0.0.1/admin"}, b"")
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return _send(handler, 200, {"Content-Type": "text/html"}, _page("<title>Lent</title>"))
        if path == "/huge":  # 50 MB of HTML, sent without a length
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            try:
                handler.wfile.write(b"<html><head><title>Enorme</title></head><body>")
                for _ in range(50 * 16):
                    handler.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path.startswith("/article/"):  # many pages, each a moment to serve, with a picture
            time.sleep(self.article_delay)
            title = f"Article {path.rsplit('/', 1)[-1]}"
            head = f'<meta property="og:title" content="{title}"><meta property="og:image" content="/pic.jpg">'
            return _send(handler, 200, {"Content-Type": "text/html"}, _page(head))
        return _send(handler, 404, {"Content-Type": "text/html"}, _page("<title>404</title>"))

    def __enter__(self) -> CardServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
