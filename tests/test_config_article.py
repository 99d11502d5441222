"""The project file's `[collective] article`, and the addresses read as people
type them (a Mastodon profile page in any of its forms, a website without https://)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quittex.config import (
    complete_web_url,
    config_from_data,
    load_config,
    parse_mastodon_address,
    parse_web_url,
    save_config,
)
from quittex.errors import ConfigError
from quittex.vocabulary import LANGUAGES

EXAMPLE = Path(__file__).parents[1] / "examples" / "quittex.toml"


def problems(collective: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from_data({"collective": collective})
    return " ".join(caught.value.message.split())


def test_the_article_is_kept_per_language():
    config = config_from_data({"collective": {"article": {"fr": "l’", "IT": "Gli", "de": "die plural", "en": "none"}}})
    assert config.collective.article == {"fr": "l'", "it": "gli", "de": "die (plural)", "en": "none"}
    assert config.collective.article_for("it") == "gli" and config.collective.article_for("es") is None


def test_a_single_article_is_for_the_collectives_language():
    assert config_from_data({"collective": {"language": "fr", "article": "Le"}}).collective.article == {"fr": "le"}
    assert 'say which language the article is for, like {fr = "le"}' in problems({"article": "le"})


@pytest.mark.parametrize(
    ("article", "complaint"),
    [
        ({"fr": "el"}, "collective.article: 'el' is not an article of the French texts: write one of \"le\", \"la\","),
        ({"de": "le"}, "'le' is not an article of the German texts"),
        ({"pt": "o"}, "languages must be among fr, en, es, it, de (got pt)"),
        (3, 'must be the article by language, like {fr = "le", es = "el"}'),
    ],
)  # fmt: skip
def test_an_article_that_is_not_one_of_the_language_is_refused(article, complaint):
    assert complaint in problems({"language": "fr", "article": article})


def test_an_empty_article_means_unset():
    assert config_from_data({"collective": {"article": ""}}).collective.article is None


def test_the_article_survives_saving_and_the_environment(tmp_path):
    path = tmp_path / "quittex.toml"
    save_config(config_from_data({"collective": {"language": "fr", "article": {"fr": "l'"}}}), path)
    config = load_config(path)
    assert config.collective.article == {"fr": "l'"}
    merged = config.merged({}, {"QUITTEX_COLLECTIVE_ARTICLE": "la"})
    assert merged.collective.article == {"fr": "la"}


def test_the_example_sets_the_article_of_every_language():
    article = load_config(EXAMPLE).collective.article
    assert set(article) == set(LANGUAGES) and article["fr"] == "le"
    assert "article = " in EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("mamot.fr/@velo", "@velo@mamot.fr"),
        ("https://mamot.fr/users/velo", "@velo@mamot.fr"),
        ("https://mamot.fr/@velo/113304560112345678", "@velo@mamot.fr"),  # a post's page
        ("https://mamot.fr/@velo@piaille.example.org", "@velo@piaille.example.org"),  # seen from another server
        ("@velo@mamot.fr/", "@velo@mamot.fr"),
    ],
)
def test_a_mastodon_address_is_read_from_a_profile_page_in_every_form(written, address):
    assert parse_mastodon_address(written) == address


@pytest.mark.parametrize(
    ("written", "url"),
    [
        ("velo-lumiere.example.org", "https://velo-lumiere.example.org"),
        (" www.velo.example.org/lettre?x=1 ", "https://www.velo.example.org/lettre?x=1"),
        ("http://velo.example.org", "http://velo.example.org"),
    ],
)
def test_a_bare_domain_becomes_a_web_address(written, url):
    assert complete_web_url(written) == url


@pytest.mark.parametrize("written", ["velo", "velo lumiere.org", "velo.", "ftp://velo.example.org", "-velo.org"])
def test_what_does_not_look_like_a_domain_stays_refused(written):
    with pytest.raises(ValueError, match="must be a web address|server name"):
        complete_web_url(written)


def test_the_project_file_still_wants_a_full_address():
    with pytest.raises(ValueError):
        parse_web_url("velo-lumiere.example.org")
