"""The project file: reading, validation messages, merging options, writing, and
`quittex init` that writes it."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quittex.config import (
    ProjectConfig,
    config_from_data,
    default_language,
    load_config,
    parse_bluesky_handle,
    parse_mastodon_address,
    parse_web_url,
    pick_language,
    save_config,
)
from quittex.errors import ConfigError, ExitCode
from tests.cli_helpers import run_cli

EXAMPLE = Path(__file__).parents[1] / "examples" / "quittex.toml"


def write(tmp_path: Path, text: str, name: str = "quittex.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(data: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from_data(data)
    return caught.value.message


# --- reading ---------------------------------------------------------------------------


def test_the_example_loads_with_every_section_filled():
    config = load_config(EXAMPLE)
    assert config.collective.name == "Collectif Vélo du Val-de-Brume"
    assert config.collective.language == "fr"
    assert config.addresses.mastodon == "@velobrume@mastodon.example.org"
    assert config.addresses.bluesky == "velobrume.bsky.social"
    assert config.leaving.date == date(2026, 1, 20)
    assert config.reasons.presets == ["ownership", "moderation", "surveillance", "independence"]
    assert set(config.reasons.own) == {"fr", "en", "es", "it", "de"}
    assert config.source == EXAMPLE


def test_without_a_path_the_file_in_the_current_folder_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == ProjectConfig()
    write(tmp_path, '[collective]\nname = "Ici"\n')
    assert load_config(None).collective.name == "Ici"


def test_a_missing_file_given_by_path_is_an_error_with_a_way_out(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert "No project file" in caught.value.message
    assert "quittex init" in caught.value.hint


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'[collective]\nname = "unterminated\n', "not valid TOML"),
        (b"\xff\xfe not text", "not a UTF-8 text file"),
        (b"collective = 3\n", "collective: must be a [section] of settings"),
    ],
)
def test_unreadable_files_give_one_clear_message(tmp_path, content, expected):
    path = tmp_path / "quittex.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in caught.value.message


def test_a_folder_is_not_a_project_file(tmp_path):
    with pytest.raises(ConfigError, match="Cannot read"):
        load_config(tmp_path)


def test_every_invalid_field_is_reported_on_its_own_line():
    message = config_error(
        {
            "collective": {"language": "pt", "colour": "red"},
            "addresses": {"mastodon": "collectif", "bluesky": "not a handle", "website": "ftp://x.org"},
            "leaving": {"date": "soon", "x_account": "gone"},
            "reasons": {"presets": ["ownership", "boredom"]},
            "farewell": {"mastodon_limit": 5},
        }
    )
    lines = message.splitlines()
    assert lines[0] == "Problems in quittex.toml:"
    expected = [
        "collective.language: input should be 'fr', 'en', 'es', 'it' or 'de' (got 'pt')",
        "collective.colour: unknown setting",
        "addresses.mastodon: must look like @user@instance",
        "addresses.bluesky: must be a Bluesky handle",
        "addresses.website: must be a web address starting with https://",
        "leaving.date: must be a date like 2026-01-20 (got 'soon')",
        "leaving.x_account: input should be 'closed' or 'dormant' (got 'gone')",
        "reasons.presets[1]: input should be 'ownership'",
        "farewell.mastodon_limit: input should be greater than or equal to 100",
    ]
    assert len(lines) == 1 + len(expected)
    for line, start in zip(lines[1:], expected, strict=True):
        assert line.strip().startswith(start), line


def test_the_hint_points_to_the_example_and_to_init():
    with pytest.raises(ConfigError) as caught:
        config_from_data({"collective": {"language": "xx"}})
    assert "examples/quittex.toml" in caught.value.hint and "quittex init" in caught.value.hint


def test_empty_strings_mean_unset_rather_than_invalid():
    config = config_from_data({"addresses": {"mastodon": "", "website": "  "}, "leaving": {"date": ""}})
    assert config.addresses.mastodon is None and config.addresses.website is None and config.leaving.date is None


def test_repeated_reasons_are_kept_once_in_order():
    config = config_from_data({"reasons": {"presets": ["surveillance", "ownership", "surveillance"]}})
    assert config.reasons.presets == ["surveillance", "ownership"]


# --- addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "@collectif@mamot.fr",
        "collectif@mamot.fr",
        "  @collectif@Mamot.FR ",
        "https://mamot.fr/@collectif",
        "https://mamot.fr/@collectif/",
    ],
)
def test_mastodon_addresses_are_read_in_every_usual_form(written):
    assert parse_mastodon_address(written) == "@collectif@mamot.fr"


@pytest.mark.parametrize(
    "written", ["collectif", "@collectif", "@col lectif@mamot.fr", "@a@b@c.fr", "@x@mamot", "@x@-bad-.fr"]
)
def test_mastodon_addresses_that_are_not_one_are_refused(written):
    with pytest.raises(ValueError, match="@user@instance|server name"):
        parse_mastodon_address(written)


_label = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)
_user = st.from_regex(r"[A-Za-z0-9_]{1,20}", fullmatch=True)


@given(user=_user, host=st.lists(_label, min_size=2, max_size=4).map(".".join))
def test_every_form_of_a_mastodon_address_gives_the_same_canonical_address(user, host):
    forms = [f"@{user}@{host}", f"{user}@{host}", f"https://{host}/@{user}"]
    assert {parse_mastodon_address(form) for form in forms} == {f"@{user}@{host}"}


@pytest.mark.parametrize(
    ("written", "handle"),
    [
        ("collectif.bsky.social", "collectif.bsky.social"),
        ("@Collectif.bsky.social", "collectif.bsky.social"),
        ("collectif.org", "collectif.org"),
        ("https://bsky.app/profile/collectif.bsky.social", "collectif.bsky.social"),
    ],
)
def test_bluesky_handles_are_read_in_every_usual_form(written, handle):
    assert parse_bluesky_handle(written) == handle


@pytest.mark.parametrize(
    "written", ["collectif", "col lectif.bsky.social", "collectif.example", "café.bsky.social", "a..b"]
)
def test_bluesky_handles_that_are_not_one_are_refused(written):
    with pytest.raises(ValueError):
        parse_bluesky_handle(written)


def test_urls_are_kept_as_written():
    assert parse_web_url("https://collectif.org") == "https://collectif.org"
    assert parse_web_url(" http://collectif.org/lettre?x=1 ") == "http://collectif.org/lettre?x=1"


@pytest.mark.parametrize(
    "written", ["collectif.org", "ftp://collectif.org", "https://", "https://collectif", "https://a b.org"]
)
def test_urls_that_are_not_web_addresses_are_refused(written):
    with pytest.raises(ValueError):
        parse_web_url(written)


# --- languages and own texts ---------------------------------------------------------------


@pytest.mark.parametrize(("written", "code"), [("FR", "fr"), ("fr_FR", "fr"), ("de-AT", "de"), (" it ", "it")])
def test_languages_are_read_as_people_write_them(written, code):
    assert config_from_data({"collective": {"language": written}}).collective.language == code


def test_own_texts_may_be_given_per_language():
    config = config_from_data({"reasons": {"own": {"FR": "Parce que.", "en": "Because."}}})
    assert config.reasons.own == {"fr": "Parce que.", "en": "Because."}
    assert "languages must be among" in config_error({"reasons": {"own": {"pt": "Porque."}}})
    assert "must be a text" in config_error({"reasons": {"own": 3}})
    assert "keep it under" in config_error({"reasons": {"own": "x" * 2001}})


def test_a_text_is_picked_in_the_asked_language_then_the_collectives_then_any():
    texts = {"fr": "Bonjour", "de": "Hallo"}
    assert pick_language(texts, "de", "fr") == "Hallo"
    assert pick_language(texts, "es", "fr") == "Bonjour"
    assert pick_language({"de": "Hallo"}, "es", "fr") == "Hallo"
    assert pick_language("Salut", "en", "fr") == "Salut"
    assert pick_language(None, "en", "fr") is None


@pytest.mark.parametrize(
    ("locale", "expected"), [("de_DE.UTF-8", "de"), ("es_ES", "es"), ("pt_BR.UTF-8", "en"), ("C", "en")]
)
def test_the_default_language_follows_the_system_when_quittex_speaks_it(monkeypatch, locale, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", locale)
    assert default_language() == expected


# --- merging options over the file -------------------------------------------------------------


def test_command_line_options_win_and_unset_options_leave_the_file_alone():
    config = load_config(EXAMPLE)
    merged = config.merged({"collective": {"language": "de", "name": None}, "farewell": {"mastodon_limit": 1000}})
    assert merged.collective.language == "de"
    assert merged.collective.name == config.collective.name
    assert merged.farewell.mastodon_limit == 1000
    assert merged.addresses == config.addresses
    assert merged.source == EXAMPLE
    assert config.collective.language == "fr"  # the original is untouched


def test_a_bad_option_is_reported_as_coming_from_the_command_line():
    with pytest.raises(ConfigError) as caught:
        ProjectConfig().merged({"addresses": {"mastodon": "nope"}})
    assert caught.value.message.startswith("Problems in the command-line options:")
    assert "addresses.mastodon" in caught.value.message


# --- sections added later, and writing -------------------------------------------------------


def test_unknown_sections_are_kept_and_written_back(tmp_path):
    source = write(tmp_path, '[collective]\nname = "Ici"\n\n[experimental]\nlocale = "fr"\nmentions = "link"\n')
    config = load_config(source)
    assert config.unknown_sections() == ["experimental"]
    target = save_config(config, tmp_path / "copy.toml")
    assert tomllib.loads(target.read_text(encoding="utf-8"))["experimental"] == {"locale": "fr", "mentions": "link"}


def test_a_new_section_can_be_added_by_subclassing_without_breaking_old_files():
    from quittex.config import Section

    class MigrateSection(Section):
        locale: str = "fr"

    class LaterConfig(ProjectConfig):
        migrate: MigrateSection = MigrateSection()

    old_file = {"collective": {"name": "Ici"}}
    assert LaterConfig.model_validate(old_file).migrate.locale == "fr"
    assert LaterConfig.model_validate({**old_file, "migrate": {"locale": "de"}}).migrate.locale == "de"


def test_saving_round_trips_and_leaves_no_temporary_file(tmp_path):
    config = load_config(EXAMPLE)
    path = save_config(config, tmp_path / "quittex.toml")
    again = load_config(path)
    assert again.model_dump() == config.model_dump()
    assert path.read_text(encoding="utf-8").startswith("# quittex project file")
    assert [p.name for p in tmp_path.iterdir()] == ["quittex.toml"]


def test_saving_never_overwrites_unless_asked(tmp_path):
    path = write(tmp_path, "# mine\n")
    with pytest.raises(ConfigError, match="already exists"):
        save_config(ProjectConfig(), path)
    assert path.read_text(encoding="utf-8") == "# mine\n"
    save_config(ProjectConfig(), path, overwrite=True)
    assert path.read_text(encoding="utf-8") != "# mine\n"


# --- quittex init ------------------------------------------------------------------------


def init_options(path: Path) -> list[str]:
    return [
        "init",
        "--no-input",
        "--config",
        str(path),
        "--name",
        "Les Amis du Lavoir",
        "--lang",
        "fr",
        "--mastodon",
        "lavoir@piaille.example.org",
        "--bluesky",
        "@lavoir.bsky.social",
        "--website",
        "https://lavoir.example.org",
        "--date",
        "2026-02-01",
        "--reason",
        "moderation",
        "--reason",
        "surveillance",
        "--x-account",
        "closed",
    ]


def test_init_without_questions_writes_the_options(tmp_path):
    path = tmp_path / "quittex.toml"
    result = run_cli(*init_options(path))
    assert result.exit_code == 0, result.stderr
    config = load_config(path)
    assert config.collective.name == "Les Amis du Lavoir"
    assert config.addresses.mastodon == "@lavoir@piaille.example.org"
    assert config.addresses.bluesky == "lavoir.bsky.social"
    assert config.leaving.date == date(2026, 2, 1)
    assert config.leaving.x_account == "closed"
    assert config.reasons.presets == ["moderation", "surveillance"]
    assert str(path) in result.stdout


def test_init_refuses_to_overwrite_without_force(tmp_path):
    path = write(tmp_path, "# ours\n")
    result = run_cli(*init_options(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert path.read_text(encoding="utf-8") == "# ours\n"
    assert run_cli(*init_options(path), "--force").exit_code == 0
    assert load_config(path).collective.name == "Les Amis du Lavoir"


def test_init_reports_bad_options_one_line_each_and_writes_nothing(tmp_path):
    path = tmp_path / "quittex.toml"
    result = run_cli(
        "init", "--no-input", "--config", str(path), "--name", "X", "--mastodon", "nope", "--website", "web"
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "addresses.mastodon: must look like @user@instance" in result.stderr
    assert "addresses.website: must be a web address" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not path.exists()


def test_init_without_questions_needs_a_name(tmp_path):
    result = run_cli("init", "--no-input", "--config", str(tmp_path / "q.toml"))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "name" in result.stderr


def test_init_asks_again_until_each_answer_is_usable(tmp_path):
    path = tmp_path / "quittex.toml"
    answers = [
        "",
        "Les Amis du Lavoir",  # the name cannot be skipped
        "pt",
        "fr",  # a language quittex does not write is refused
        "el",
        "",  # not a French article; then the one guessed from the name, "les"
        "Un lavoir, des voisines et des voisins.",
        "lavoir",
        "@lavoir@piaille.example.org",
        "",  # no Bluesky
        "lavoir",
        "lavoir.example.org",  # a bare domain is a website, once it looks like one
        "",
        "",  # no newsletter
        "20/13/2026",
        "20/01/2026",
        "9",
        "2 3 2",
        "On préfère se parler en vrai.",
        "peut-être",
        "",  # dormant, the default
    ]
    result = run_cli("init", "--config", str(path), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    config = load_config(path)
    assert config.collective.name == "Les Amis du Lavoir"
    assert config.collective.language == "fr"
    assert config.collective.article == {"fr": "les"}
    assert config.addresses.mastodon == "@lavoir@piaille.example.org"
    assert config.addresses.bluesky is None
    assert config.addresses.website == "https://lavoir.example.org"
    assert config.leaving.date == date(2026, 1, 20)
    assert config.reasons.presets == ["moderation", "surveillance"]
    assert config.reasons.own == "On préfère se parler en vrai."
    assert config.leaving.x_account == "dormant"
    for complaint in (
        "choose one of fr",
        "write one of le, la, l', les or none",
        "must look like @user@instance",
        "must be a web address",
        "write the day, the month and the year",
        "between 1 and 5",
        "answer 1 or 2",
    ):
        assert complaint in result.stderr + result.stdout
    # The reason list is shown in the chosen language.
    assert "le harcèlement sans modération" in result.stderr


def test_init_asks_only_what_the_options_did_not_say(tmp_path):
    path = tmp_path / "quittex.toml"
    options = init_options(path)
    options.remove("--no-input")
    answers = ["", "Qui nous sommes.", "https://lavoir.example.org/lettre", "Écrivez-nous.", "On en a assez."]
    result = run_cli(*options, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    config = load_config(path)
    assert config.collective.article == {"fr": "les"}  # the guess, accepted with Enter
    assert config.collective.description == "Qui nous sommes."
    assert config.addresses.newsletter == "https://lavoir.example.org/lettre"
    assert config.reasons.own == "On en a assez."
    assert "Name of the collective" not in result.stderr
