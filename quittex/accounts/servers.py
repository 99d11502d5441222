"""Server addresses as users type them, checked and put in one form.

`mamot.fr`, `https://mamot.fr/`, `https://mamot.fr/@collectif` and
`@collectif@mamot.fr` all mean `https://mamot.fr`. Credentials only travel
over https; plain http is accepted for loopback servers alone (a local test
PDS or Mastodon imitation).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from quittex.errors import BadInputError
from quittex.i18n import _

_ADDRESS = re.compile(r"@?[A-Za-z0-9_.-]+@(?P<host>[^@\s/]+)")
_HOSTNAME = re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]+")
LOOPBACK_NAMES = {"localhost"}


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_url(value: str, *, what: str) -> str:
    """`scheme://host[:port]` for a server the user named; `what` names it in
    messages ("Mastodon instance", "Bluesky PDS", already translated)."""
    text = value.strip()
    if address := _ADDRESS.fullmatch(text):
        text = address["host"]
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _bad(value, what) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise _bad(value, what)
    if not _valid_host(host):
        raise _bad(value, what)
    url = f"{parts.scheme}://{_bracketed(host)}{f':{port}' if port else ''}"
    if parts.scheme == "http" and not is_loopback(url):
        raise BadInputError(
            # Translators: {what} is "Mastodon instance" or "Bluesky PDS"; {value} is the address typed, quoted.
            _("{what} {value} uses http://: quittex only sends credentials over https://.").format(
                what=what, value=repr(value)
            ),
            hint=_("Use https://{host}.").format(host=host),
        )
    return url


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.fullmatch(host))


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _bad(value: str, what: str) -> BadInputError:
    return BadInputError(
        # Translators: {what} is "Mastodon instance" or "Bluesky PDS"; {value} is the address typed, quoted.
        _("{value} is not a {what} address.").format(value=repr(value), what=what),
        hint=_("Give a server name like mamot.fr or https://mamot.fr."),
    )
