"""Link cards against a local web server with full, partial, broken and
hostile pages: a card when the page allows, no card (never an error) when it
does not, and nothing fetched that must not be."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import Image

from quittex.cards import Fetcher, LinkCards, parse_page
from quittex.cards.fetch import CardFetchError, Fetched
from tests.card_server import CardServer
from tests.cli_helpers import run_cli

EXAMPLE = "examples/twitter-example.zip"


@pytest.fixture(scope="module")
def server():
    with CardServer() as running:
        yield running


@pytest.fixture
def cards():
    fetcher = Fetcher(allow_private=True)  # the test server is on loopback
    yield LinkCards(fetcher)
    fetcher.close()


def test_a_full_page_gives_a_card_with_its_picture_stripped(server, cards):
    card = cards.card(server.url("/full"))
    assert (card.title, card.description) == ("Atelier vélo du samedi", "Réparations, café, bonne humeur.")
    assert card.uri == server.url("/full") and len(card.thumb) <= 1_000_000
    picture = Image.open(io.BytesIO(card.thumb))
    assert not picture.getexif() and "exif" not in picture.info


@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/twitter-card", "Pétition", "Signez"),
        ("/partial", "Balade nocturne", "120 cyclistes"),
        ("/latin1", "Café de la gare", ""),
        ("/chain/4", "Atelier vélo du samedi", "Réparations, café, bonne humeur."),
    ],
)
def test_partial_metadata_still_makes_a_card(server, cards, path, title, description):
    card = cards.card(server.url(path))
    assert (card.title, card.description) == (title, description)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/broken", "no title"),
        ("/untitled", "no title"),
        ("/loop", "more than 5 redirects"),
        ("/chain/6", "more than 5 redirects"),
        ("/huge", "larger than the 2,000,000 bytes"),
        ("/slow", "within 5 seconds"),
        ("/missing", "answered 404"),
        ("/json", "application/json rather than a web page"),
    ],
)
def test_a_page_that_cannot_be_used_gives_no_card_and_says_why(server, cards, path, reason):
    assert cards.card(server.url(path)) is None
    assert reason in cards.failures[server.url(path)]


@pytest.mark.parametrize("path", ["/pic-is-html", "/file-image", "/private-image"])
def test_a_hostile_picture_leaves_the_card_without_one(server, path):
    fetcher = Fetcher(allow_private=False, resolve=lambda host, port: ["93.184.216.34"])
    card_fetcher = Fetcher(allow_private=True)

    class Guarded(Fetcher):
        """Pages from the loopback test server; pictures through the real defences."""

        def page(self, url):
            return card_fetcher.page(url)

        def picture(self, url):
            if "127.0.0.1" in url:
                return card_fetcher.picture(url)
            return fetcher.picture(url)

    cards = LinkCards(Guarded(allow_private=False))
    card = cards.card(server.url(path))
    assert card is not None and card.thumb is None
    assert server.hits["/latest/meta-data"] == 0


def test_private_and_loopback_addresses_are_refused_redirects_included(server):
    refusing = Fetcher()
    with pytest.raises(CardFetchError, match="private or local address"):
        refusing.page(server.url("/full"))
    with pytest.raises(CardFetchError, match="only http and https"):
        refusing.page("file:///etc/passwd")

    def transport(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/admin"})

    public = Fetcher(resolve=lambda host, port: ["10.0.0.1"] if host == "10.0.0.1" else ["93.184.216.34"],
                     transport=httpx.MockTransport(transport))  # fmt: skip
    with pytest.raises(CardFetchError, match=r"10\.0\.0\.1 is a private or local address"):
        public.page("https://public.example/article")
    assert public.requests == 1  # the redirect was followed no further


def test_one_fetch_per_url_and_a_cache_that_survives(server, tmp_path):
    from quittex.publish.journal import Journal

    with Journal.open("bluesky", "x", "did:plc:me", tmp_path) as journal:
        cards = LinkCards(Fetcher(allow_private=True), cache=journal)
        json_before = server.hits["/json"]
        first = cards.card(server.url("/full"))
        before = server.hits["/full"]
        assert cards.card(server.url("/full")) == first and server.hits["/full"] == before
        assert cards.card(server.url("/json")) is None
    with Journal.open("bluesky", "x", "did:plc:me", tmp_path) as journal:  # a resumed run
        again = LinkCards(Fetcher(allow_private=True), cache=journal)
        assert again.card(server.url("/full")) == first
        assert (
            again.card(server.url("/json")) is None and "rather than a web page" in again.failures[server.url("/json")]
        )
    assert server.hits["/full"] == before and server.hits["/json"] == json_before + 1


def test_the_per_host_pace_spaces_requests():
    clock, waits = [0.0], []
    fetcher = Fetcher(allow_private=True, clock=lambda: clock[0], sleep=waits.append)
    fetcher._pace("http://a.example/1")
    fetcher._pace("http://a.example/2")
    fetcher._pace("http://b.example/1")
    assert waits == [1.0]


def test_parse_page_keeps_words_and_absolute_images():
    page = Fetched(
        "https://site.example/a/b",
        "text/html",
        None,
        b"<html><head><meta property='og:title' content='  Un   titre '><meta property='og:image' content='../i.png'>"
        b"</head></html>",
    )
    card = parse_page(page)
    assert card.title == "Un titre" and card.image == "https://site.example/i.png"


def test_dry_run_link_cards_fetches_and_shows_them(server, monkeypatch, tmp_path):
    """The example's links point at velo-lumiere.example.org: served here instead."""
    import quittex.cards.fetch as fetch

    monkeypatch.setenv("QUITTEX_ALLOW_PRIVATE_LINKS", "1")
    real_get = fetch.Fetcher._get

    def local(self, url, limit, *, accept):
        return real_get(self, url.replace("https://velo-lumiere.example.org", server.url("")), limit, accept=accept)

    monkeypatch.setattr(fetch.Fetcher, "_get", local)
    offline = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "bluesky", "--json")
    assert all(
        p.get("link_card", {}).get("note") for p in map(json.loads, offline.stdout.splitlines()) if "link_card" in p
    )
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "bluesky", "--json", "--link-cards")
    assert result.exit_code == 0, result.stderr
    cards = {
        p["link_card"]["url"]: p["link_card"] for p in map(json.loads, result.stdout.splitlines()) if "link_card" in p
    }
    workshop = cards["https://velo-lumiere.example.org/ateliers/2019-03-09"]
    assert workshop["fetched"] and workshop["title"] == "Atelier vélo du samedi" and workshop["thumb"]["bytes"] > 0
    home = cards["https://velo-lumiere.example.org"]
    assert home["fetched"] is False and "answered 404" in home["reason"]  # this server has no home page
    page = tmp_path / "preview.html"
    shown = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "bluesky", "--link-cards", "--preview", page)
    assert shown.exit_code == 0 and "no card for" in shown.stdout and "🔗 card: Atelier vélo du samedi" in shown.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count('<div class="card"><img src="data:image/') == 2 and 'class="card none"' in html
