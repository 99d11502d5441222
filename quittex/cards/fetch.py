"""Fetch a web page or a picture for a link card, treating the web as hostile.

- http and https only; at most 5 redirects, each one checked like the first;
- every address a host name resolves to must be public: no private, loopback,
  link-local, multicast or reserved address (a link in a tweet must not make
  quittex knock on the user's router or a cloud metadata service), unless
  `QUITTEX_ALLOW_PRIVATE_LINKS=1` or the project file allows it (tests, intranets);
- 5 seconds for the whole answer, 2 MB for a page, 5 MB for a picture, read
  as a stream and cut off beyond;
- one polite User-Agent, and at most one request a second to the same host.

Every failure is a `CardFetchError` with a reason a person can read: the
caller publishes the post without a card, never fails it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from quittex import __version__
from quittex.i18n import _, format_number

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 5.0
MAX_PAGE_BYTES = 2_000_000
MAX_PICTURE_BYTES = 5_000_000
HOST_INTERVAL_SECONDS = 1.0
USER_AGENT = f"quittex/{__version__} (link preview for a migrated post; +https://pypi.org/project/quittex/)"
ALLOW_PRIVATE_VARIABLE = "QUITTEX_ALLOW_PRIVATE_LINKS"
HTML_TYPES = ("text/html", "application/xhtml+xml")


class CardFetchError(Exception):
    """This page or picture cannot be used for a card; `reason` says why (for people, translated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # without parameters, lower case
    charset: str | None
    data: bytes


def private_links_allowed(configured: bool = False) -> bool:
    return configured or os.environ.get(ALLOW_PRIVATE_VARIABLE, "").strip().lower() in ("1", "true", "yes")


class Fetcher:
    """One per run: its HTTP client and the per-host pace are shared."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolve: Callable[[str, int], list[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.allow_private = allow_private
        self._resolve = resolve or _resolve
        self._clock, self._sleep = clock, sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests = 0  # pages and pictures asked for, redirects included
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(TIMEOUT_SECONDS),
            headers={"User-Agent": USER_AGENT, "Accept-Language": "*"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def page(self, url: str) -> Fetched:
        fetched = self._get(url, MAX_PAGE_BYTES, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
        if fetched.content_type not in HTML_TYPES:
            if fetched.content_type:
                reason = _("the link leads to {content_type} rather than a web page").format(
                    content_type=fetched.content_type
                )
            else:
                reason = _("the link leads to something rather than a web page")
            raise CardFetchError(reason)
        return fetched

    def picture(self, url: str) -> Fetched:
        return self._get(url, MAX_PICTURE_BYTES, accept="image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8")

    def _get(self, url: str, limit: int, *, accept: str) -> Fetched:
        self._check(url)
        self._pace(url)  # between fetches from one host; a fetch's redirects follow at once
        deadline = self._clock() + TIMEOUT_SECONDS
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if hop:
                self._check(current)
            answer = self._request(current, limit, accept, deadline)
            if isinstance(answer, Fetched):
                return answer
            current = answer  # a redirect, checked like the first address
        raise CardFetchError(_("more than {count} redirects").format(count=MAX_REDIRECTS))

    def _request(self, url: str, limit: int, accept: str, deadline: float) -> Fetched | str:
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers={"Accept": accept}) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise CardFetchError(
                            _("a redirect ({status}) without a destination").format(status=response.status_code)
                        )
                    return urljoin(url, location)
                if response.status_code != 200:
                    raise CardFetchError(_("the server answered {status}").format(status=response.status_code))
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise CardFetchError(
                        _("{size} bytes, more than the {limit} a card may read").format(
                            size=format_number(int(declared)), limit=format_number(limit)
                        )
                    )
                data = self._body(response, limit, deadline)
                content_type, charset = _media_type(response.headers.get("content-type", ""))
                return Fetched(str(response.url), content_type, charset, data)
        except httpx.TimeoutException:
            raise CardFetchError(
                _("no answer within {seconds} seconds").format(seconds=format_number(TIMEOUT_SECONDS))
            ) from None
        except httpx.HTTPError as error:
            raise CardFetchError(
                _("the page could not be fetched ({reason})").format(reason=type(error).__name__)
            ) from None

    def _body(self, response: httpx.Response, limit: int, deadline: float) -> bytes:
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > limit:
                reason = _("larger than the {limit} bytes a card may read")
                raise CardFetchError(reason.format(limit=format_number(limit)))
            if self._clock() > deadline:
                raise CardFetchError(
                    _("not sent within {seconds} seconds").format(seconds=format_number(TIMEOUT_SECONDS))
                )
        return bytes(data)

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            if parts.scheme:
                reason = _("{scheme}: links are not fetched, only http and https").format(scheme=parts.scheme)
            else:
                reason = _("a link without http:// or https:// is not fetched")
            raise CardFetchError(reason)
        host = parts.hostname
        if not host:
            raise CardFetchError(_("the link names no host"))
        if self.allow_private:
            return
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self._resolve(host, port)
        except OSError:
            raise CardFetchError(_("{host} does not resolve").format(host=host)) from None
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                reason = _("{host} is a private or local address ({address}): not fetched")
                raise CardFetchError(reason.format(host=host, address=address))

    def _pace(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            wait = self._last.get(host, -HOST_INTERVAL_SECONDS) + HOST_INTERVAL_SECONDS - self._clock()
            self._last[host] = self._clock() + max(wait, 0.0)
        if wait > 0:
            self._sleep(wait)


def _resolve(host: str, port: int) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


def _media_type(header: str) -> tuple[str, str | None]:
    kind, _semicolon, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _equals, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return kind.strip().lower(), charset
