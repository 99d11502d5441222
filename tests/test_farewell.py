"""The farewell kit: every format in every language, within every limit, with every
address; custom templates; missing settings; Bluesky facets; thread cutting;
snapshots of the texts; and the `quittex farewell` command.

Snapshots live in tests/snapshots/farewell/<lang>/<format>.txt. After a wanted
change of wording, regenerate them with:

    QUITTEX_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_farewell.py

and review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyperclip
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from mastodon import Mastodon
from twitter_text import parse_tweet

from quittex.config import ProjectConfig, config_from_data, load_config
from quittex.errors import BadInputError, ConfigError, ExitCode, QuittexError
from quittex.farewell import FORMATS, CustomTemplate, TextTooLongError, render_farewell, template_variables
from quittex.farewell.context import CONTEXT_VARIABLES, farewell_context
from quittex.farewell.facets import bluesky_rich_text, display_url
from quittex.farewell.limits import (
    BLUESKY_POST,
    X_POST,
    Limit,
    grapheme_count,
    mastodon_length,
    x_weighted_length,
)
from quittex.farewell.presets import reason_presets
from quittex.farewell.split import split_thread
from quittex.vocabulary import LANGUAGES, REASON_KEYS
from tests.cli_helpers import run_cli

EXAMPLE = Path(__file__).parents[1] / "examples" / "quittex.toml"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "farewell"
UPDATE_SNAPSHOTS = os.environ.get("QUITTEX_UPDATE_SNAPSHOTS") == "1"
# "Find us here:" with nothing under it, or "🌐 Website:" with nothing after it.
DANGLING_LABEL = re.compile(r":[ ]*(\n\n(?!- )|\n?\Z)|^(🐘|🦋|🌐|✉️)[^\n]*:\s*$", re.MULTILINE)
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\bNone\b|\bUndefined\b")
_GRAPHEME = regex.compile(r"\X")


@pytest.fixture(scope="module")
def example() -> ProjectConfig:
    return load_config(EXAMPLE)


def minimal_config(**addresses: str) -> ProjectConfig:
    return config_from_data({"collective": {"name": "Les Amis du Lavoir", "language": "fr"}, "addresses": addresses})


# --- every format, every language, from the example ----------------------------------------


def independent_limit_check(platform: str, fmt: str, text: str) -> None:
    """Counted again here with the platforms' libraries, not through quittex's Limit."""
    if fmt in ("long", "letter"):
        return
    if fmt == "bio":
        assert len(text) <= 160
    elif platform == "x":
        parsed = parse_tweet(text)
        assert parsed.valid and parsed.weightedLength <= 280
    elif platform == "mastodon":
        assert Mastodon.get_status_length(text) <= 500
    elif platform == "bluesky":
        assert len(_GRAPHEME.findall(text)) <= 300 and len(text.encode("utf-8")) <= 3000


def expected_addresses(config: ProjectConfig, platform: str) -> dict[str, tuple[str, ...]]:
    """Each address given, in the forms a text may show it (a URL with or without scheme).
    An intro post need not name the account it is posted from."""
    given = config.addresses
    forms = {
        "mastodon": (given.mastodon,) if given.mastodon and platform != "mastodon" else (),
        "bluesky": (f"@{given.bluesky}",) if given.bluesky and platform != "bluesky" else (),
        "website": (given.website, display_url(given.website)) if given.website else (),
        "newsletter": (given.newsletter, display_url(given.newsletter)) if given.newsletter else (),
    }
    return {name: shown for name, shown in forms.items() if shown}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_in_every_language_fits_and_names_every_address(example, lang, fmt):
    kit = render_farewell(example, formats=[fmt], lang=lang)
    assert kit.texts and not kit.skipped
    for text in kit.texts:
        assert text.lang == lang and text.fits
        whole = "\n".join(post.text for post in text.posts)
        assert not LEFTOVER.search(whole), LEFTOVER.search(whole)
        for post in text.posts:
            assert post.text.strip()
            independent_limit_check(text.platform, fmt, post.text)
        for name, shown in expected_addresses(example, text.platform).items():
            assert any(form in whole for form in shown), f"{name} missing from {fmt}/{text.platform}"


SPARSE = {
    "website only": {"website": "https://lavoir.example.org"},
    "mastodon only": {"mastodon": "@lavoir@piaille.example.org"},
    "bluesky and a way to subscribe": {"bluesky": "lavoir.bsky.social", "newsletter_subscribe": "Écrivez-nous."},
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("addresses", SPARSE.values(), ids=SPARSE.keys())
def test_a_sparse_project_file_renders_cleanly_too(lang, addresses):
    """No date, no reasons, one address: every optional part must vanish without a trace."""
    config = config_from_data(
        {
            "collective": {"name": "Les Amis du Lavoir"},
            "addresses": addresses,
            "leaving": {"x_account": "closed", "republish_archive": False},
        }
    )
    for text in render_farewell(config, lang=lang).texts:
        whole = "\n".join(post.text for post in text.posts)
        assert text.fits and not LEFTOVER.search(whole)
        body = whole.split("\n", 1)[-1]  # a letter's greeting may end with a colon (in Spanish)
        assert not DANGLING_LABEL.search(body), whole
        for name, shown in expected_addresses(config, text.platform).items():
            assert any(form in whole for form in shown), f"{name} missing from {text.format}/{text.platform}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_intro_comes_for_both_new_accounts(example, lang):
    kit = render_farewell(example, formats=["intro"], lang=lang)
    assert [text.platform for text in kit.texts] == ["mastodon", "bluesky"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_thread_opens_with_its_mark_and_numbers_every_post(example, lang):
    (thread,) = render_farewell(example, formats=["thread"], lang=lang).texts
    total = len(thread.posts)
    assert total > 1 and thread.posts[0].text.startswith("🧵")
    for number, post in enumerate(thread.posts, start=1):
        assert post.text.endswith(f"\n\n{number}/{total}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_own_texts_come_in_the_language_asked(example, lang):
    kit = render_farewell(example, formats=["long"], lang=lang)
    assert example.reasons.own[lang] in kit.texts[0].text
    assert (
        example.farewell.letter_greeting[lang] in render_farewell(example, formats=["letter"], lang=lang).texts[0].text
    )


def test_the_language_defaults_to_the_collectives(example):
    assert render_farewell(example, formats=["x"]).lang == "fr"


def test_the_leaving_date_is_written_in_each_language(example):
    dates = {
        "fr": "20 janvier 2026",
        "en": "20 January 2026",
        "es": "20 de enero de 2026",
        "it": "20 gennaio 2026",
        "de": "20. Januar 2026",
    }
    for lang, written in dates.items():
        assert written in render_farewell(example, formats=["x"], lang=lang).texts[0].text


def test_without_a_date_the_texts_still_read_well(example):
    undated = example.merged({"leaving": {}})
    undated = config_from_data({**undated.to_data(), "leaving": {"x_account": "closed"}})
    text = render_farewell(undated, formats=["x"], lang="fr").texts[0].text
    assert text.startswith("Nous quittons X.")
    assert "Ce compte sera fermé" in render_farewell(undated, formats=["thread"], lang="fr").texts[0].text


# --- length rules ------------------------------------------------------------------------


def test_x_counts_links_as_23_and_wide_characters_as_2():
    assert x_weighted_length("https://example.org/" + "a" * 200) == 23
    assert x_weighted_length("日本") == 4
    assert x_weighted_length("é") == 1
    assert x_weighted_length("👩🏽‍🌾") == 2


def test_x_refuses_characters_it_does_not_accept_even_in_a_short_post():
    assert not X_POST.fits("bonjour \ufffe")


def test_bluesky_counts_graphemes_and_bytes():
    assert grapheme_count("👩🏽‍🌾") == 1
    assert grapheme_count("e\u0301") == 1
    farmers = "👩🏽‍🌾" * 300
    assert grapheme_count(farmers) == 300 and not BLUESKY_POST.fits(farmers)  # 4,500 bytes


def test_mastodon_counts_links_as_23_and_remote_handles_by_their_user_part():
    assert mastodon_length("https://example.org/" + "a" * 200) == 23
    assert mastodon_length("@velobrume@mastodon.example.org") == len("@velobrume")


def test_without_mastodon_pys_grapheme_extra_the_message_says_what_to_install(monkeypatch):
    def missing(text: str) -> int:
        raise NotImplementedError("please install the grapheme Python module")

    monkeypatch.setattr(Mastodon, "get_status_length", staticmethod(missing))
    with pytest.raises(QuittexError) as caught:
        mastodon_length("Bonjour")
    assert "Mastodon.py[grapheme]" in caught.value.hint


def test_the_mastodon_limit_of_the_instance_is_used(example):
    roomy = example.merged({"farewell": {"mastodon_limit": 1000}})
    (mastodon, _) = render_farewell(roomy, formats=["intro"], lang="fr").texts
    assert mastodon.detail == "full" and mastodon.posts[0].measure.limit == 1000
    with pytest.raises(TextTooLongError, match="intro text for mastodon"):
        render_farewell(example.merged({"farewell": {"mastodon_limit": 100}}), formats=["intro"], lang="fr")


def test_a_post_too_long_in_full_falls_back_to_a_shorter_form(example):
    (x_post,) = render_farewell(example, formats=["x"], lang="fr").texts
    assert x_post.detail == "short"
    full = render_farewell(minimal_config(mastodon="@lavoir@piaille.example.org"), formats=["x"], lang="fr").texts[0]
    assert full.detail == "full"


def test_a_post_that_cannot_fit_is_an_error_never_a_text_over_the_limit():
    long_path = "https://lavoir.example.org/" + "tres-long-chemin/" * 8
    config = config_from_data(
        {"collective": {"name": "N" * 80}, "addresses": {"website": long_path, "newsletter": long_path + "x"}}
    )
    with pytest.raises(TextTooLongError) as caught:
        render_farewell(config, formats=["bio"], lang="fr")
    assert "bio" in caught.value.message and "/160" in caught.value.message
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    # On X itself links count 23, so the post still fits.
    assert render_farewell(config, formats=["x"], lang="fr").texts[0].fits


# --- thread cutting ----------------------------------------------------------------------

# Latin letters and signs, plus the cases that count differently on X: links (23),
# wide characters (2 each), emoji sequences (2), handles.
_letters = st.characters(codec="latin-1", categories=["L", "N", "P", "S"])
_word = st.one_of(
    st.text(_letters, min_size=1, max_size=14),
    st.sampled_from(
        [
            "https://example.org/a/very/long/path/indeed",
            "example.org",
            "日本語の単語",
            "👩🏽‍🌾",
            "@user@mastodon.social",
            "e\u0301",
        ]
    ),
    st.text(_letters, min_size=110, max_size=320).map(lambda w: w.replace(" ", "")).filter(bool),  # longer than a post
)
# Farewell-sized messages: X's counting is pure Python and slow on long texts.
_sentence = st.lists(_word, min_size=1, max_size=10).map(" ".join).map(lambda s: s + ".")
_paragraph = st.lists(_sentence, min_size=1, max_size=3).map(" ".join)
_message = st.lists(_paragraph, min_size=1, max_size=3).map("\n\n".join)


def _without_number(post: str, total: int) -> str:
    return re.sub(rf"\n\n\d+/{total}$", "", post) if total > 1 else post


def check_thread(message: str, limit: Limit) -> None:
    posts = split_thread(message, limit)
    total = len(posts)
    assert all(limit.fits(post) for post in posts)
    if total > 1:
        assert [post.rsplit("\n\n", 1)[-1] for post in posts] == [f"{n}/{total}" for n in range(1, total + 1)]
    kept = "".join(_without_number(post, total) for post in posts)
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", message)


# The cutting does not depend on how a platform counts: most examples run against a
# fast counter (graphemes), a few against X's own, which is slow pure Python.
_GRAPHEMES_100 = Limit("test", 100, "graphemes", grapheme_count)


@settings(max_examples=80, deadline=None)
@given(_message)
def test_a_thread_fits_every_post_numbers_them_and_loses_nothing(message):
    check_thread(message, _GRAPHEMES_100)


@settings(max_examples=5, deadline=None)
@given(_message)
def test_a_thread_cut_for_x_fits_xs_own_count(message):
    check_thread(message, X_POST)


def test_a_short_message_is_one_post_without_a_number():
    assert split_thread("Au revoir X.", X_POST) == ["Au revoir X."]


def test_a_thread_is_cut_between_paragraphs_before_sentences():
    # Each paragraph fills more than half a post, so no two can share one.
    paragraphs = ["Premier paragraphe. " * 8, "Deuxième paragraphe. " * 8, "Troisième. " * 15]
    posts = split_thread("\n\n".join(p.strip() for p in paragraphs), X_POST)
    assert [post.split("\n\n")[0] for post in posts] == [p.strip() for p in paragraphs]


# --- Bluesky facets ----------------------------------------------------------------------


def test_bluesky_links_are_shown_short_and_faceted_at_their_utf8_bytes():
    text = "Été 👩🏽‍🌾 : https://velobrume.example.org/lettre, et @velobrume@mastodon.example.org !"
    rich = bluesky_rich_text(text, "@velobrume@mastodon.example.org")
    assert rich.text == "Été 👩🏽‍🌾 : velobrume.example.org/lettre, et @velobrume@mastodon.example.org !"
    encoded = rich.text.encode("utf-8")
    spans = [(encoded[f.index.byte_start : f.index.byte_end].decode(), f.features[0].uri) for f in rich.facets]
    assert spans == [
        ("velobrume.example.org/lettre", "https://velobrume.example.org/lettre"),
        ("@velobrume@mastodon.example.org", "https://mastodon.example.org/@velobrume"),
    ]


def test_long_links_are_shortened_for_display_only():
    url = "https://velobrume.example.org/" + "chemin/" * 10
    rich = bluesky_rich_text(f"Lire {url}")
    assert rich.text.endswith("…") and grapheme_count(rich.text) < len(url)
    assert rich.facets[0].features[0].uri == url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_bluesky_intro_carries_a_facet_for_every_link_it_shows(example, lang):
    (_, bluesky) = render_farewell(example, formats=["intro"], lang=lang).texts
    post = bluesky.posts[0]
    encoded = post.text.encode("utf-8")
    uris = {facet.features[0].uri for facet in post.facets}
    assert uris == {example.addresses.website, example.addresses.newsletter, "https://mastodon.example.org/@velobrume"}
    for facet in post.facets:
        shown = encoded[facet.index.byte_start : facet.index.byte_end].decode("utf-8")
        assert shown in (display_url(facet.features[0].uri), example.addresses.mastodon)


# --- presets and variables ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_preset_is_written_in_every_language(lang):
    presets = reason_presets(lang)
    assert list(presets) == list(REASON_KEYS)
    for reason in presets.values():
        assert reason.title and reason.short and reason.long
        assert len(reason.title) <= 50, "a title must stay short enough for an X post"
    if lang != "en":
        english = reason_presets("en")
        assert all(presets[key].short != english[key].short for key in REASON_KEYS)


def test_the_documented_variables_are_the_ones_templates_receive(example):
    assert set(farewell_context(example, "fr")) == set(CONTEXT_VARIABLES)
    assert {"detail", "platform"} <= set(template_variables())


# --- missing settings ----------------------------------------------------------------------


def test_an_empty_configuration_says_everything_it_misses():
    with pytest.raises(ConfigError) as caught:
        render_farewell(ProjectConfig())
    message = caught.value.message
    assert "collective.name: missing" in message and "addresses: none given" in message
    assert "quittex init" in caught.value.hint


def test_all_formats_skip_the_intro_when_there_is_no_new_account():
    kit = render_farewell(minimal_config(website="https://lavoir.example.org"))
    assert "intro" not in {text.format for text in kit.texts}
    assert kit.skipped and kit.skipped[0].startswith("intro")


def test_asking_for_the_intro_without_a_new_account_is_an_error():
    with pytest.raises(ConfigError, match="addresses.mastodon or addresses.bluesky"):
        render_farewell(minimal_config(website="https://lavoir.example.org"), formats=["intro"])


def test_only_the_accounts_given_are_introduced():
    kit = render_farewell(minimal_config(bluesky="lavoir.bsky.social"), formats=["intro"])
    assert [text.platform for text in kit.texts] == ["bluesky"]


# --- custom templates ----------------------------------------------------------------------


def test_a_custom_template_gets_the_same_variables_and_checks(example):
    template = CustomTemplate("mine.j2", "{{ name }} part. {{ mastodon.handle }} {{ bluesky.handle }} ({{ detail }})")
    (text,) = render_farewell(example, formats=["x"], lang="fr", template=template).texts
    assert (
        text.posts[0].text
        == "Collectif Vélo du Val-de-Brume part. @velobrume@mastodon.example.org @velobrume.bsky.social (full)"
    )
    assert text.posts[0].measure.limit == 280


def test_a_custom_template_can_offer_shorter_forms(example):
    source = "{% if detail == 'full' %}{{ 'Très long. ' * 40 }}{% endif %}On part : {{ website }}"
    (text,) = render_farewell(example, formats=["x"], template=CustomTemplate("mine.j2", source)).texts
    assert text.detail == "short" and text.posts[0].text == "On part : https://velobrume.example.org"


def test_a_custom_template_too_long_in_every_form_is_an_error(example):
    with pytest.raises(TextTooLongError):
        render_farewell(example, formats=["bio"], template=CustomTemplate("mine.j2", "{{ 'x' * 200 }}"))


def test_a_custom_thread_template_is_cut_like_the_shipped_one(example):
    (thread,) = render_farewell(
        example, formats=["thread"], template=CustomTemplate("t.j2", "{{ 'Une phrase. ' * 80 }}")
    ).texts
    assert len(thread.posts) > 1 and all(X_POST.fits(post.text) for post in thread.posts)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Bonjour {{ nope }}", "'nope' is undefined"),
        ("{% if name %}never closed", "mine.j2, line 1"),
        ("{{ name.__class__.__mro__ }}", "mine.j2"),
        ("{{ 'x' * 1000000000 }}", "not allowed"),
        ("{{ 10 ** 10 ** 10 }}", "not allowed"),
    ],
)
def test_a_broken_template_gives_one_clear_message(example, source, expected):
    with pytest.raises(BadInputError) as caught:
        render_farewell(example, formats=["x"], template=CustomTemplate("mine.j2", source))
    assert expected in caught.value.message


def test_an_unknown_variable_lists_the_ones_there_are(example):
    with pytest.raises(BadInputError) as caught:
        render_farewell(example, formats=["x"], template=CustomTemplate("mine.j2", "{{ nope }}"))
    assert "mastodon" in caught.value.hint and "detail" in caught.value.hint


def test_unknown_formats_and_languages_are_refused_by_the_library_too(example):
    with pytest.raises(BadInputError, match="Unknown format 'toot'"):
        render_farewell(example, formats=["toot"])
    with pytest.raises(BadInputError, match="'pt'"):
        render_farewell(example, lang="pt")


def test_a_custom_template_is_for_one_format(example):
    with pytest.raises(BadInputError, match="one format"):
        render_farewell(example, template=CustomTemplate("mine.j2", "{{ name }}"))


# --- snapshots -----------------------------------------------------------------------------


def snapshot_of(kit) -> str:
    """Every post with how it measures, and Bluesky's facets, as a reviewable text."""
    blocks = []
    for text in kit.texts:
        for number, post in enumerate(text.posts, start=1):
            header = (
                f"== {text.format} · {text.platform} · {text.detail} · post {number}/{len(text.posts)}"
                f" · {post.measure.describe()}"
            )
            facets = "".join(
                f"\n-- facet {f.index.byte_start}:{f.index.byte_end} -> {f.features[0].uri}" for f in post.facets
            )
            blocks.append(f"{header}{facets}\n{post.text}\n")
    return "\n".join(blocks)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_texts_match_their_snapshots(example, lang, fmt):
    actual = snapshot_of(render_farewell(example, formats=[fmt], lang=lang))
    path = SNAPSHOTS / lang / f"{fmt}.txt"
    if UPDATE_SNAPSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot at {path}: run with QUITTEX_UPDATE_SNAPSHOTS=1 and review the new file"
    assert actual == path.read_text(encoding="utf-8"), f"{path} changed: if the new wording is wanted, regenerate"


# --- the command ---------------------------------------------------------------------------


def farewell(*args: str):
    return run_cli("farewell", "--config", str(EXAMPLE), *args)


def test_plain_output_is_the_text_alone(example):
    result = farewell("--format", "x", "--plain")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == render_farewell(example, formats=["x"]).texts[0].text + "\n"


def test_plain_output_of_every_format_marks_where_each_text_starts():
    result = farewell("--plain", "--lang", "de")
    assert result.exit_code == 0, result.stderr
    for header in (
        "===== x · x",
        "===== thread · x",
        "===== long · web",
        "===== intro · mastodon",
        "===== intro · bluesky",
        "===== bio · x",
        "===== letter · letter",
    ):
        assert header in result.stdout
    assert "Am 20. Januar 2026" in result.stdout


def test_json_output_gives_every_text_its_measure_and_bluesky_its_facets():
    result = farewell("--json", "--lang", "it")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lang"] == "it" and data["skipped"] == []
    assert [(t["format"], t["platform"]) for t in data["texts"]] == [
        ("x", "x"),
        ("thread", "x"),
        ("long", "web"),
        ("intro", "mastodon"),
        ("intro", "bluesky"),
        ("bio", "x"),
        ("letter", "letter"),
    ]
    assert all(post["fits"] for text in data["texts"] for post in text["posts"])
    bluesky = data["texts"][4]["posts"][0]
    assert {facet["features"][0]["uri"] for facet in bluesky["facets"]} >= {"https://velobrume.example.org"}
    assert all("byteStart" in facet["index"] for facet in bluesky["facets"])
    assert "facets" not in data["texts"][0]["posts"][0]


def test_panels_show_each_text_against_its_limit():
    result = farewell("--format", "thread")
    assert result.exit_code == 0, result.stderr
    assert "thread · X · 1/7" in result.stdout and "/280 X weighted characters ✓" in result.stdout
    bio = farewell("--format", "bio")
    assert "127/160 characters ✓" in bio.stdout and "short form, to fit" in bio.stdout


def test_plain_and_json_together_are_refused():
    result = farewell("--plain", "--json")
    assert result.exit_code == ExitCode.BAD_INPUT and "choose one" in result.stderr


def test_copy_puts_the_plain_text_on_the_clipboard(monkeypatch, example):
    copied = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    result = farewell("--format", "bio", "--copy")
    assert result.exit_code == 0, result.stderr
    assert copied == [render_farewell(example, formats=["bio"]).texts[0].text]


def test_copy_without_a_clipboard_is_not_an_error(monkeypatch):
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    result = farewell("--format", "x", "--plain", "--copy")
    assert result.exit_code == 0
    assert "No clipboard" in result.stderr and result.stdout.startswith("Le 20 janvier 2026")


def test_a_custom_template_file_is_used(tmp_path):
    template = tmp_path / "bio.j2"
    template.write_text("{{ name }} → {{ mastodon.handle }}", encoding="utf-8")
    result = farewell("--format", "bio", "--template", str(template), "--plain")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Collectif Vélo du Val-de-Brume → @velobrume@mastodon.example.org\n"


def test_a_missing_template_file_is_one_clear_error(tmp_path):
    result = farewell("--format", "bio", "--template", str(tmp_path / "none.j2"))
    assert result.exit_code == ExitCode.BAD_INPUT and "No template file" in result.stderr


def test_the_mastodon_limit_option_wins_over_the_file():
    result = farewell("--format", "intro", "--json", "--mastodon-limit", "1000")
    assert json.loads(result.stdout)["texts"][0]["posts"][0]["limit"] == 1000


def test_without_a_project_file_the_command_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("farewell")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "collective.name: missing" in result.stderr and "quittex init" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_sections_are_warned_about_but_do_not_stop_anything(tmp_path):
    config = tmp_path / "quittex.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n[someday]\nsetting = 1\n", encoding="utf-8")
    result = run_cli("farewell", "--config", str(config), "--format", "x", "--plain")
    assert result.exit_code == 0 and "[someday]" in result.stderr


@pytest.mark.parametrize("lang", LANGUAGES)
def test_init_then_farewell_gives_the_whole_kit(tmp_path, lang):
    config = tmp_path / "quittex.toml"
    created = run_cli(
        "init",
        "--no-input",
        "--config",
        str(config),
        "--name",
        "Les Amis du Lavoir",
        "--lang",
        lang,
        "--mastodon",
        "@lavoir@piaille.example.org",
        "--bluesky",
        "lavoir.bsky.social",
        "--website",
        "https://lavoir.example.org",
        "--newsletter",
        "https://lavoir.example.org/lettre",
        "--date",
        "2026-03-01",
        "--reason",
        "ownership",
        "--reason",
        "disinformation",
    )
    assert created.exit_code == 0, created.stderr
    result = run_cli("farewell", "--config", str(config), "--format", "all", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lang"] == lang and len(data["texts"]) == 7
    assert all(text["fits"] for text in data["texts"])
