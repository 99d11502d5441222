"""`quittex init` takes what people type: dates as they write them, a website
without https://, a Mastodon address without its @ or as a profile page, the
article of the collective's name (guessed first), the fate of the X account in
plain words; and its texts' language follows the person's.

Each prompt is tried in English and in French (`--lang fr` before the command).
French messages have no translation yet: the tests say what they expect through
the English msgid, translated as quittex would."""

from __future__ import annotations

from datetime import date

import pytest

from quittex import i18n
from quittex.config import load_config
from quittex.errors import ExitCode
from tests.cli_helpers import run_cli

UI = ["en", "fr"]
# Every question answered by an option, so that a test answers only the one it is about.
OPTIONS = {
    "--name": "Collectif Vélo Lumière",
    "--lang": "fr",
    "--article": "le",
    "--description": "Des ateliers vélo.",
    "--mastodon": "@velo@mamot.fr",
    "--bluesky": "velo.bsky.social",
    "--website": "https://velo-lumiere.example.org",
    "--newsletter": "https://velo-lumiere.example.org/lettre",
    "--subscribe": "Écrivez-nous.",
    "--date": "2026-01-20",
    "--reason": "moderation",
    "--own-reason": "On en a assez.",
    "--x-account": "dormant",
}


def init(tmp_path, ui: str, answers: list[str], *, leave_out: tuple[str, ...] = (), extra: tuple[str, ...] = ()):
    """`quittex --lang <ui> init` with every option but those left out, answering `answers`."""
    path = tmp_path / "quittex.toml"
    options = [item for option, value in OPTIONS.items() if option not in leave_out for item in (option, value)]
    result = run_cli(
        "--lang", ui, "init", "--config", str(path), *options, *extra, input="\n".join(answers) + "\n"
    )  # fmt: skip
    return result, path


def said(ui: str, msgid: str, **values) -> str:
    """What quittex says in `ui` for `msgid`, its spaces as `flat` leaves them."""
    i18n.set_language(ui)
    try:
        return flat(i18n._(msgid).format(**values))
    finally:
        i18n.set_language("en")


def flat(text: str) -> str:
    """One space between words: Rich wraps long lines, French puts no-break spaces before colons."""
    return " ".join(text.split())


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", UI)
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("20/01/2026", date(2026, 1, 20)),
        ("20.01.2026", date(2026, 1, 20)),
        ("20/01/26", date(2026, 1, 20)),
        ("2026-01-20", date(2026, 1, 20)),
        ("2026/01/20", date(2026, 1, 20)),
        ("20 janvier 2026", date(2026, 1, 20)),
        ("20 janv. 2026", date(2026, 1, 20)),
        ("mardi 20 janvier 2026", date(2026, 1, 20)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("20 fevrier 2026", date(2026, 2, 20)),  # typed without its accent
        ("20. Januar 2026", date(2026, 1, 20)),
        ("20 de enero de 2026", date(2026, 1, 20)),
        ("20 gennaio 2026", date(2026, 1, 20)),
        ("January 20, 2026", date(2026, 1, 20)),
    ],
)
def test_a_date_is_read_as_people_write_it_and_said_back(tmp_path, ui, typed, day):
    result, path = init(tmp_path, ui, [typed], leave_out=("--date",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).leaving.date == day
    i18n.set_language(ui)
    shown = i18n.format_day(day)
    assert said(ui, "Leaving date understood: {date}.", date=shown) in flat(result.stderr)


@pytest.mark.parametrize("ui", UI)
def test_a_date_that_is_not_one_is_asked_again_with_examples(tmp_path, ui):
    result, path = init(
        tmp_path, ui, ["31/02/2026", "demain", "20 janvier", "20/01", "1er mars 2026"], leave_out=("--date",)
    )
    assert result.exit_code == 0, result.stderr
    assert load_config(path).leaving.date == date(2026, 3, 1)
    complaint = said(ui, "write the day, the month and the year, e.g. {examples}", examples="")
    assert flat(result.stderr).count(complaint.strip()) == 4
    assert "2026-01-20" in result.stderr and "20/01/2026" in result.stderr


@pytest.mark.parametrize("ui", UI)
def test_the_date_question_shows_an_example_in_the_persons_language(tmp_path, ui):
    result, _path = init(tmp_path, ui, [""], leave_out=("--date",))
    i18n.set_language(ui)
    example = i18n.format_day(date(2026, 1, 20))
    assert said(ui, "Leaving date (e.g. {example})", example=example) in flat(result.stderr)
    assert "YYYY-MM-DD" not in result.stderr


def test_a_date_option_takes_the_same_forms(tmp_path):
    path = tmp_path / "quittex.toml"
    result = run_cli("init", "--no-input", "--config", str(path), "--name", "Attac", "--date", "20 janvier 2026")
    assert result.exit_code == 0, result.stderr
    assert load_config(path).leaving.date == date(2026, 1, 20)
    bad = run_cli("init", "--no-input", "--config", str(tmp_path / "b.toml"), "--name", "Attac", "--date", "bientôt")
    assert bad.exit_code == ExitCode.BAD_INPUT and "leaving.date: must be a date" in bad.stderr


# --- websites -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", UI)
def test_a_bare_domain_becomes_a_web_address_once_it_looks_like_one(tmp_path, ui):
    answers = ["velo lumiere", "velo", "velo-lumiere.example.org", "www.velo-lumiere.example.org/lettre"]
    result, path = init(tmp_path, ui, answers, leave_out=("--website", "--newsletter"))
    assert result.exit_code == 0, result.stderr
    config = load_config(path)
    assert config.addresses.website == "https://velo-lumiere.example.org"
    assert config.addresses.newsletter == "https://www.velo-lumiere.example.org/lettre"
    assert said(ui, "Web address understood: {url}", url="https://velo-lumiere.example.org") in flat(result.stderr)
    for typed in ("velo lumiere", "velo"):
        complaint = "must be a web address starting with https://, for example https://collectif.org (got {value})"
        assert said(ui, complaint, value=repr(typed)) in flat(result.stderr)


def test_a_web_address_typed_in_full_is_not_said_back(tmp_path):
    result, _path = init(tmp_path, "en", ["https://velo-lumiere.example.org"], leave_out=("--website",))
    assert result.exit_code == 0 and "understood" not in result.stderr


def test_a_website_option_may_be_a_bare_domain_too(tmp_path):
    path = tmp_path / "quittex.toml"
    result = run_cli("init", "--no-input", "--config", str(path), "--name", "Attac", "--website", "attac.example.org")
    assert result.exit_code == 0, result.stderr
    assert load_config(path).addresses.website == "https://attac.example.org"


# --- Mastodon addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", UI)
@pytest.mark.parametrize(
    "typed",
    ["velo@mamot.fr", "https://mamot.fr/@velo", "mamot.fr/@velo", "https://mamot.fr/users/velo", "@Velo@Mamot.FR"],
)
def test_a_mastodon_address_is_understood_in_every_usual_form_and_said_back(tmp_path, ui, typed):
    result, path = init(tmp_path, ui, [typed], leave_out=("--mastodon",))
    assert result.exit_code == 0, result.stderr
    address = load_config(path).addresses.mastodon
    assert address.lower() == "@velo@mamot.fr"
    assert said(ui, "Mastodon address understood: {address}", address=address) in flat(result.stderr)


@pytest.mark.parametrize("ui", UI)
def test_a_mastodon_address_without_its_server_is_asked_again(tmp_path, ui):
    result, path = init(tmp_path, ui, ["velo", "@velo@mamot.fr"], leave_out=("--mastodon",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).addresses.mastodon == "@velo@mamot.fr"
    complaint = "must look like @user@instance, for example @collectif@mamot.fr (got {value})"
    assert said(ui, complaint, value="'velo'") in flat(result.stderr)
    # Typed as it is kept: nothing to say back.
    assert said(ui, "Mastodon address understood: {address}", address="@velo@mamot.fr") not in flat(result.stderr)


# --- the article ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", UI)
@pytest.mark.parametrize(
    ("name", "lang", "guess", "nominative", "of"),
    [
        ("Collectif Vélo Lumière", "fr", "le", "le Collectif Vélo Lumière", "du Collectif Vélo Lumière"),
        ("Association Vélo", "fr", "l'", "l'Association Vélo", "de l'Association Vélo"),
        ("Amis du Lavoir", "fr", "les", "les Amis du Lavoir", "des Amis du Lavoir"),
        ("Attac", "fr", "none", "Attac", "d'Attac"),
        ("Paris-luttes.info", "fr", "none", "Paris-luttes.info", "de Paris-luttes.info"),
        ("Colectivo Bici", "es", "el", "el Colectivo Bici", "del Colectivo Bici"),
        ("Spazio Sociale", "it", "lo", "lo Spazio Sociale", "dello Spazio Sociale"),
        ("Verein Radfreunde", "de", "der", "der Verein Radfreunde", "vom Verein Radfreunde"),
    ],
)
def test_the_article_question_comes_with_the_likely_answer(tmp_path, ui, name, lang, guess, nominative, of):
    extra = ("--name", name, "--lang", lang)
    result, path = init(tmp_path, ui, [""], leave_out=("--article", "--name", "--lang"), extra=extra)
    assert result.exit_code == 0, result.stderr
    assert load_config(path).collective.article == {lang: guess}
    assert f"[{guess}]:" in result.stderr
    assert said(ui, "The texts will say “{nominative}” and “{of}”.", nominative=nominative, of=of) in flat(
        result.stderr
    )


@pytest.mark.parametrize("ui", UI)
def test_another_article_can_be_typed_and_a_wrong_one_is_refused(tmp_path, ui):
    result, path = init(tmp_path, ui, ["el", "La"], leave_out=("--article",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).collective.article == {"fr": "la"}
    i18n.set_language(ui)
    from babel.lists import format_list

    choices = format_list(["le", "la", "l'", "les", "none"], style="or", locale=i18n.babel_locale())
    assert said(ui, "write one of {choices}", choices=choices) in flat(result.stderr)


def test_no_article_can_be_said_in_the_persons_words(tmp_path):
    result, path = init(tmp_path, "fr", ["aucun"], leave_out=("--article",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).collective.article == {"fr": "none"}


def test_the_article_option_is_checked_against_the_language(tmp_path):
    path = tmp_path / "quittex.toml"
    base = ("init", "--no-input", "--config", str(path), "--name", "Colectivo Bici")
    assert run_cli(*base, "--lang", "es", "--article", "el").exit_code == 0
    assert load_config(path).collective.article == {"es": "el"}
    wrong = run_cli(*base, "--lang", "fr", "--article", "el", "--force")
    assert wrong.exit_code == ExitCode.BAD_INPUT
    assert "collective.article: 'el' is not an article of the French texts" in flat(wrong.stderr)
    alone = run_cli(*base, "--article", "el", "--force")
    assert alone.exit_code == ExitCode.BAD_INPUT and "--lang" in alone.stderr


# --- the X account -------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", UI)
@pytest.mark.parametrize(("typed", "fate"), [("1", "closed"), ("2", "dormant"), ("", "dormant"), ("closed", "closed")])
def test_the_x_account_question_is_in_plain_words(tmp_path, ui, typed, fate):
    result, path = init(tmp_path, ui, [typed], leave_out=("--x-account",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).leaving.x_account == fate
    for sentence in (
        "What happens to your X account once you have left?",
        "We delete it.",
        "We keep it, silent, so that nobody else can take our name.",
    ):
        assert said(ui, sentence) in flat(result.stderr)
    assert "dormant (kept silent)" not in result.stderr


@pytest.mark.parametrize("ui", UI)
def test_an_answer_that_is_neither_choice_is_asked_again(tmp_path, ui):
    result, path = init(tmp_path, ui, ["peut-être", "1"], leave_out=("--x-account",))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).leaving.x_account == "closed"
    assert said(ui, "answer 1 or 2") in flat(result.stderr)


# --- the language of the texts -------------------------------------------------------------------


@pytest.mark.parametrize("ui", ["fr", "de", "en"])
def test_the_texts_language_follows_the_language_quittex_speaks(tmp_path, ui):
    result, path = init(tmp_path, ui, [""], leave_out=("--lang", "--article"), extra=("--article", "none"))
    assert result.exit_code == 0, result.stderr
    assert load_config(path).collective.language == ui


def test_the_texts_language_follows_the_system_locale(tmp_path, monkeypatch):
    monkeypatch.delenv("QUITTEX_LANG")
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "quittex.toml"
    options = [
        item for option, value in OPTIONS.items() if option not in ("--lang", "--article") for item in (option, value)
    ]
    result = run_cli("init", "--config", str(path), *options, input="\n\n")
    assert result.exit_code == 0, result.stderr
    config = load_config(path)
    assert config.collective.language == "es"
    assert config.collective.article == {"es": "el"}  # "Collectif": a masculine noun, in French
