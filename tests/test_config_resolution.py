"""One resolution for every command: the project file < QUITTEX_<SECTION>_<KEY>
variables < the command line, where `--no-…` turns a file's true off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quittex.config import config_from_data, load_config
from quittex.errors import ConfigError
from tests.cli_helpers import run_cli

EXAMPLE = Path(__file__).parents[1] / "examples" / "twitter-example.zip"
FILE = config_from_data(
    {"migrate": {"include_replies": True, "mentions": "link", "to": "bluesky"}, "farewell": {"mastodon_limit": 700}}
)


def test_a_bool_true_in_the_file_is_turned_off_by_the_environment_and_the_command_line():
    assert FILE.merged({}, environ={}).migrate.include_replies is True
    assert FILE.merged({}, environ={"QUITTEX_MIGRATE_INCLUDE_REPLIES": "false"}).migrate.include_replies is False
    assert FILE.merged({"migrate": {"include_replies": False}}, environ={}).migrate.include_replies is False
    on = FILE.merged({"migrate": {"include_replies": True}}, environ={"QUITTEX_MIGRATE_INCLUDE_REPLIES": "off"})
    assert on.migrate.include_replies is True  # the command line wins over the environment


def test_a_choice_is_laid_over_layer_by_layer():
    assert FILE.merged({}, environ={}).migrate.mentions == "link"
    assert FILE.merged({}, environ={"QUITTEX_MIGRATE_MENTIONS": "drop"}).migrate.mentions == "drop"
    given = FILE.merged({"migrate": {"mentions": "plain"}}, environ={"QUITTEX_MIGRATE_MENTIONS": "drop"})
    assert given.migrate.mentions == "plain"


def test_a_number_comes_from_text_in_the_environment():
    assert FILE.merged({}, environ={"QUITTEX_FAREWELL_MASTODON_LIMIT": "1000"}).farewell.mastodon_limit == 1000
    assert FILE.merged({"farewell": {"mastodon_limit": 600}}, environ={}).farewell.mastodon_limit == 600


def test_a_platform_list_is_checked_and_normalised():
    assert FILE.merged({}, environ={"QUITTEX_MIGRATE_TO": "Mastodon, bluesky"}).migrate.to == "mastodon,bluesky"
    with pytest.raises(ConfigError, match="QUITTEX_MIGRATE_TO"):
        FILE.merged({}, environ={"QUITTEX_MIGRATE_TO": "facebook"})


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError) as caught:
        FILE.merged({}, environ={"QUITTEX_MIGRATE_INCLUDE_RETWEETS": "maybe"})
    assert "QUITTEX_MIGRATE_INCLUDE_RETWEETS" in caught.value.message
    assert "migrate.include_retweets" in caught.value.message


def test_a_path_in_the_file_is_relative_to_it_on_the_command_line_to_where_quittex_runs(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    (project / "quittex.toml").write_text('[migrate]\nhandle_map = "people.csv"\n', encoding="utf-8")
    config = load_config(project / "quittex.toml")
    resolved = config.merged({}, environ={})
    assert resolved.migrate.path(resolved.migrate.handle_map, config.source) == project / "people.csv"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # quittex migrate makes a command-line path absolute before laying it over the file
    given = config.merged({"migrate": {"handle_map": str(Path("mine.csv").absolute())}}, environ={})
    assert given.migrate.path(given.migrate.handle_map, config.source) == elsewhere / "mine.csv"


def dry_run(*extra, cwd_config: Path | None = None) -> list[dict]:
    args = ["migrate", EXAMPLE, "--dry-run", "--json", "--to", "mastodon,bluesky", *extra]
    if cwd_config is not None:
        args += ["--config", cwd_config]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_no_include_replies_turns_off_the_project_files_true(tmp_path):
    project = tmp_path / "quittex.toml"
    project.write_text("[migrate]\ninclude_replies = true\n", encoding="utf-8")
    plain = dry_run()
    with_replies = dry_run(cwd_config=project)
    assert len(with_replies) > len(plain)  # the example has replies to other people
    assert dry_run("--no-include-replies", cwd_config=project) == plain


def test_the_environment_reaches_the_command(monkeypatch):
    plain = dry_run()
    monkeypatch.setenv("QUITTEX_MIGRATE_INCLUDE_REPLIES", "yes")
    assert len(dry_run()) > len(plain)
    monkeypatch.setenv("QUITTEX_MIGRATE_INCLUDE_REPLIES", "perhaps")
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--json")
    assert result.exit_code == 2 and "QUITTEX_MIGRATE_INCLUDE_REPLIES" in result.stderr


def test_a_bad_value_is_reported_under_the_option_or_the_variable_that_gave_it(monkeypatch):
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--json", "--locale", "xx")
    assert result.exit_code == 2 and "--locale: input should be" in result.stderr
    result = run_cli("farewell", "--format", "intro", "--mastodon-limit", "5")
    assert result.exit_code == 2 and "--mastodon-limit: input should be" in result.stderr
    monkeypatch.setenv("QUITTEX_FAREWELL_MASTODON_LIMIT", "lots")
    result = run_cli("farewell", "--format", "intro")
    assert result.exit_code == 2 and "QUITTEX_FAREWELL_MASTODON_LIMIT (farewell.mastodon_limit):" in result.stderr


def test_a_date_note_template_does_not_turn_on_a_files_date_note_false(tmp_path):
    project = tmp_path / "quittex.toml"
    project.write_text("[migrate]\ndate_note = false\n", encoding="utf-8")
    assert dry_run("--date-note", "Posted on X {date}", cwd_config=project) == dry_run("--no-date-note")
