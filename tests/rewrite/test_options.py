"""Options, the handle-map file, and length measurement."""

from __future__ import annotations

import pytest
from mastodon import Mastodon
from pydantic import ValidationError

from quittex.errors import BadInputError
from quittex.rewrite import (
    HandleEntry,
    MastodonOptions,
    RewriteOptions,
    bluesky_size,
    grapheme_count,
    load_handle_map,
    mastodon_length,
    parse_handle_map,
)


def test_defaults_are_the_safe_ones():
    options = RewriteOptions()
    assert options.mentions == "plain" and options.mastodon.visibility == "unlisted"
    assert (options.mastodon.max_characters, options.mastodon.characters_reserved_per_url) == (500, 23)
    assert (options.bluesky.max_graphemes, options.bluesky.max_bytes, options.bluesky.max_images) == (300, 3000, 4)


@pytest.mark.parametrize(
    "bad",
    [
        {"mentions": "shout"},
        {"locale": "pt"},
        {"timezone": "Mars/Olympus"},
        {"mastodon": {"visibility": "everyone"}},
        {"mastodon": {"max_characters": 0}},
        {"bluesky": {"max_images": 5}},
        {"bluesky": {"sensitive_label": "spoiler"}},
        {"handle_map": {"not a handle!": {}}},
        {"unknown_option": True},
    ],
)
def test_bad_options_are_refused(bad):
    with pytest.raises(ValidationError):
        RewriteOptions(**bad)


def test_limits_are_read_from_the_instance():
    instance = {
        "configuration": {
            "statuses": {"max_characters": 5000, "characters_reserved_per_url": 23, "max_media_attachments": 8},
            "media_attachments": {"description_limit": 1000},
        }
    }
    options = MastodonOptions(visibility="public").with_instance(instance)
    assert (options.max_characters, options.max_media_attachments, options.description_limit) == (5000, 8, 1000)
    assert options.visibility == "public"
    assert (
        MastodonOptions().with_instance({"configuration": {"statuses": {"max_characters": "lots"}}}).max_characters
        == 500
    )


def test_handle_map_csv():
    text = (
        "\ufeffx_handle,mastodon,bluesky\n@LaQuadrature,@LaQuadrature@mamot.fr,laquadrature.net\n"
        "bob,,Bob.bsky.social\n\n# comment\nalice,alice@eldritch.cafe\n"
    )
    entries = parse_handle_map(text)
    assert entries == {
        "laquadrature": HandleEntry(mastodon="LaQuadrature@mamot.fr", bluesky="laquadrature.net"),
        "bob": HandleEntry(bluesky="bob.bsky.social"),
        "alice": HandleEntry(mastodon="alice@eldritch.cafe"),
    }


def test_handle_map_from_a_french_spreadsheet(tmp_path):
    path = tmp_path / "handles.csv"
    path.write_bytes("x_handle;mastodon;bluesky\r\nbob;bob@mamot.fr;bob.bsky.social\r\n".encode("utf-8-sig"))
    assert load_handle_map(path) == {"bob": HandleEntry(mastodon="bob@mamot.fr", bluesky="bob.bsky.social")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bob,bob,\n", "line 1: 'bob' is not a Mastodon address"),
        ("x_handle,mastodon,bluesky\nbob,,not a handle\n", "line 2: 'not a handle' is not a Bluesky handle"),
        ("bob,a@b.fr,\nBOB,c@d.fr,\n", "line 2: @bob is listed twice"),
        ("bob,a@b.fr,b.bsky.social,extra\n", "line 1: 4 columns"),
        ("b o b,a@b.fr,\n", "line 1: 'b o b' is not an X handle"),
    ],
)
def test_bad_handle_map_lines_are_reported_by_number(text, message):
    with pytest.raises(BadInputError, match=message):
        parse_handle_map(text)


def test_handle_map_file_problems(tmp_path):
    with pytest.raises(BadInputError, match="not found"):
        load_handle_map(tmp_path / "missing.csv")
    with pytest.raises(BadInputError, match="folder"):
        load_handle_map(tmp_path)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("bob,b@é.fr,\n".encode("latin-1"))
    with pytest.raises(BadInputError, match="not UTF-8"):
        load_handle_map(latin1)


@pytest.mark.parametrize(
    "text",
    [
        "hello world",
        "Voir https://www.laquadrature.net/2019/03/04/un-tres-long-chemin-de-plus-de-23-caracteres et @bob@mamot.fr",
        "émoji 👩‍👩‍👧‍👦 🇫🇷 et accents e\u0301",
        "deux liens https://a.example/x https://b.example/y/z?q=1#f",
    ],
)
def test_mastodon_length_agrees_with_mastodon_py(text):
    assert mastodon_length(text, "CW") == Mastodon.get_status_length(text, "CW")


def test_mastodon_length_uses_the_instance_url_weight():
    assert mastodon_length("https://example.org", url_weight=40) == 40


def test_indic_conjuncts_count_as_older_servers_count_them():
    # One cluster under Unicode 15.1, two before: never come out under a server.
    assert grapheme_count("क्ष") == 2
    assert bluesky_size("क्ष") == (2, 9)


def test_ascii_and_crlf():
    assert grapheme_count("a\r\nb") == 3
