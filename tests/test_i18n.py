"""quittex in five languages: the catalogs are complete and fresh, the language
is chosen as documented, Typer's own words are translated, the formats follow
the language, and `quittex` alone shows the way out of X."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer
from babel.messages.catalog import Catalog
from typer.testing import CliRunner

from quittex import i18n
from quittex.cli import click_words, language
from quittex.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "twitter-example.zip"
runner = CliRunner()


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("quittex_i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _catalog_tool()


@pytest.fixture(scope="module")
def template() -> Catalog:
    return tool.source_template()


# -- the catalogs --------------------------------------------------------------------


def test_the_template_holds_every_text_of_the_code(template):
    committed = tool.read_catalog(tool.TEMPLATE)
    added = tool.ids(template) - tool.ids(committed)
    gone = tool.ids(committed) - tool.ids(template)
    assert not added and not gone, (
        f"run `python scripts/i18n.py`: {len(added)} new texts (e.g. {sorted(map(str, added))[:3]}), "
        f"{len(gone)} gone (e.g. {sorted(map(str, gone))[:3]})"
    )


def test_the_template_has_help_typer_words_and_page_labels(template):
    texts = tool.ids(template)
    assert "Show what an X archive holds: counts, dates, languages, media, threads, warnings." in texts
    assert click_words.USAGE in texts and "Missing argument '{name}'." in texts
    assert "Arguments" in texts and "Aborted!" in texts  # Typer's gettext calls


@pytest.mark.parametrize("lang", tool.TRANSLATED)
def test_every_text_is_translated_without_fuzzy_or_placeholder_slips(template, lang):
    catalog = tool.read_catalog(tool.po_path(lang), lang)
    problems = list(tool.problems(template, catalog))
    assert not problems, f"{len(problems)} problems in {lang}, first ones: {problems[:10]}"


@pytest.mark.parametrize("lang", tool.TRANSLATED)
def test_compiled_catalogs_match_their_sources(lang):
    path = tool.po_path(lang)
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"run `python scripts/i18n.py --compile` ({compiled} is missing)"
    assert compiled.read_bytes() == tool.compiled_bytes(tool.read_catalog(path, lang)), (
        f"{compiled.name} is older than {path.name}: run `python scripts/i18n.py --compile`"
    )


def test_no_translated_text_hides_inside_an_f_string():
    """Babel cannot see `_()` inside an f-string's braces (Python 3.11): such a
    text would never reach the catalog and stay English."""
    import tokenize

    hidden = []
    for path in sorted((ROOT / "quittex").rglob("*.py")):
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                if token.type == tokenize.STRING and re.match(r"^[rbRB]*[fF]", token.string):
                    if re.search(r"\{[^{}]*\b(_|N_|ngettext)\(", token.string):
                        hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not hidden, f"take the translated words out of these f-strings: {hidden}"


def _catalog(messages: dict[str, str], fuzzy: tuple[str, ...] = ()) -> Catalog:
    catalog = Catalog(locale="fr")
    for source, translation in messages.items():
        catalog.add(source, translation, flags=["fuzzy"] if source in fuzzy else [])
    return catalog


def test_the_check_finds_missing_fuzzy_and_wrong_placeholders():
    source = _catalog({"Read {count} files.": "", "Hello.": "", "[bold]Done[/bold]": "", "Gone.": ""})
    found = list(
        tool.problems(
            source,
            _catalog(
                {"Read {count} files.": "{nombre} fichiers lus.", "Hello.": "Bonjour.", "[bold]Done[/bold]": "Fini"},
                fuzzy=("Hello.",),
            ),
        )
    )
    assert any("placeholders differ" in problem and "Read" in problem for problem in found)
    assert any(problem.startswith("fuzzy") for problem in found)
    assert any("Done" in problem for problem in found)  # the markup was dropped
    assert any(problem.startswith("missing") and "Gone." in problem for problem in found)


def test_a_singular_may_leave_the_count_out_but_not_add_one():
    catalog = Catalog(locale="fr")
    catalog.add(("{count} tweet", "{count} tweets"), ("un tweet", "{count} tweets"))
    source = Catalog()
    source.add(("{count} tweet", "{count} tweets"))
    assert list(tool.problems(source, catalog)) == []
    catalog[("{count} tweet", "{count} tweets")].string = ("un tweet {other}", "{count} tweets")
    assert list(tool.problems(source, catalog))


# -- which language ------------------------------------------------------------------


def test_the_language_comes_from_the_option_then_the_project_then_the_system():
    assert i18n.resolve_language("de", "fr", {"LANG": "it_IT.UTF-8"}) == "de"
    assert i18n.resolve_language(None, "fr", {"LANG": "it_IT.UTF-8"}) == "fr"
    assert i18n.resolve_language(None, None, {"LANG": "it_IT.UTF-8"}) == "it"
    assert i18n.resolve_language(None, None, {"LC_MESSAGES": "es_ES", "LANG": "it_IT"}) == "es"
    assert i18n.resolve_language(None, None, {"LC_ALL": "de_DE.UTF-8", "LC_MESSAGES": "es_ES"}) == "de"
    assert i18n.resolve_language(None, None, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}) == "en"
    assert i18n.resolve_language(None, None, {"LANG": "pt_BR.UTF-8"}) == "en"
    assert i18n.resolve_language(None, None, {}) == "en"


def test_the_project_file_language_is_read_leniently(tmp_path):
    project = tmp_path / "quittex.toml"
    project.write_text('[collective]\nlanguage = "fr_BE"\n', encoding="utf-8")
    assert language.project_language(project) == "fr"
    project.write_text("[collective\nbroken", encoding="utf-8")
    assert language.project_language(project) is None
    assert language.project_language(tmp_path / "none.toml") is None


def _help(*args: str, env: dict | None = None, cwd: Path | None = None) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output


def test_lang_before_the_command_and_the_environment_choose_the_language(monkeypatch):
    monkeypatch.delenv("QUITTEX_LANG")
    usage_fr = i18n._load("fr").gettext(click_words.USAGE)
    assert usage_fr != click_words.USAGE
    assert usage_fr in _help("--lang", "fr", "inspect")
    assert usage_fr in _help("inspect", env={"LANG": "fr_FR.UTF-8"})
    assert usage_fr not in _help("--lang", "en", "inspect", env={"LANG": "fr_FR.UTF-8"})
    assert "Usage:" in _help("inspect", env={"LANG": "C.UTF-8"})


def test_the_project_file_language_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("QUITTEX_LANG")
    (tmp_path / "quittex.toml").write_text('[collective]\nlanguage = "de"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    usage_de = i18n._load("de").gettext(click_words.USAGE)
    assert usage_de in _help("inspect", env={"LANG": "fr_FR.UTF-8"})


def test_an_unknown_language_is_refused_in_one_sentence():
    result = runner.invoke(app, ["--lang", "pt", "inspect", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "quittex speaks fr, en, es, it, de." in " ".join(result.output.split())


# -- every help screen in French -------------------------------------------------------


def _commands(command, path=()):
    yield path
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, (*path, name))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _english_sentences(lang: str) -> list[str]:
    """The catalog's English sentences whose translation reads differently."""
    catalog = tool.read_catalog(tool.po_path(lang), lang)
    found = []
    for message in catalog:
        if isinstance(message.id, str) and message.string and message.string != message.id:
            sentence = _plain(message.id)
            if len(sentence.split()) >= 3 and "{" not in sentence and "%(" not in sentence:
                found.append(sentence)
    return found


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_no_help_screen_shows_an_english_sentence(monkeypatch, lang):
    monkeypatch.delenv("QUITTEX_LANG")
    english = _english_sentences(lang)
    assert len(english) > 100
    for path in _commands(typer.main.get_command(app)):
        shown = _plain(_help(*path, env={"LANG": f"{i18n.babel_locale(lang)}.UTF-8"}))
        left = [sentence for sentence in english if sentence in shown]
        assert not left, f"`quittex {' '.join(path)} --help` in {lang} still says {left[:3]}"


def test_english_help_is_the_source_text():
    shown = _plain(_help("inspect"))
    assert "Show what an X archive holds: counts, dates, languages, media, threads, warnings." in shown
    assert "Show this message and exit." in shown


# -- Typer's own words ---------------------------------------------------------------------

BAD_COMMAND_LINES = [
    (["migrate"], "Missing argument '{name}'."),
    (["migrate", str(EXAMPLE), "--nope"], "No such option: {name} (Possible options: {options})"),
    (["inspect", str(EXAMPLE), "--zzzzzzzz"], "No such option: {name}"),
    (["no-such-command"], "No such command '{name}'."),
    (["migrate", str(EXAMPLE), "--top", "abc"], "Invalid value for {name}: {problem}"),
    (["migrate", str(EXAMPLE), "--to"], "Option '{name}' requires an argument."),
    (["inspect", "a", "b"], "Got unexpected extra argument(s) ({arguments})"),
]


@pytest.mark.parametrize(("arguments", "template"), BAD_COMMAND_LINES)
def test_typer_says_what_the_templates_expect(arguments, template):
    """A newer Typer that words its errors differently fails here, not silently in French."""
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    message = _error_panel(result.output)
    matched = [t for pattern, t in click_words._patterns() if pattern.match(message)]
    assert matched and matched[0] == template, message


def _error_panel(output: str) -> str:
    lines = output.split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith("╭"))
    body = [line.strip("│ ").strip() for line in lines[start + 1 :] if line.startswith("│")]
    return " ".join(" ".join(body).split())


def test_typer_errors_are_translated_with_their_inner_problem(monkeypatch):
    result = runner.invoke(app, ["--lang", "fr", "migrate", str(EXAMPLE), "--top", "abc"])
    french = i18n._load("fr")
    panel = _error_panel(result.output)
    problem = french.gettext("Input should be a valid integer, unable to parse string as an integer")
    expected = french.gettext("Invalid value for {name}: {problem}").format(name="'--top'", problem=problem)
    assert panel == " ".join(expected.split())
    assert french.gettext("Error") in result.output


FRESH_PROCESS = """
import sys
from quittex.cli.app import main
sys.argv = ["quittex", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("rich_utils loaded" if "typer.rich_utils" in sys.modules else "rich_utils not loaded", file=sys.stderr)
"""


def _fresh_quittex(*arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "COLUMNS": "200", "QUITTEX_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, *arguments], capture_output=True, text=True, env=environment
    )


def test_typer_help_machinery_loads_only_for_help_and_errors_and_is_translated_then():
    """`typer.rich_utils` (Markdown, tracebacks: a third of a second) is patched
    when Typer imports it, so a command that runs never pays for it."""
    ran = _fresh_quittex("inspect", str(EXAMPLE), "--json")
    assert ran.returncode == 0 and "rich_utils not loaded" in ran.stderr
    french = i18n._load("fr")
    failed = _fresh_quittex("--lang", "fr", "migrate", str(EXAMPLE), "--top", "abc")
    assert "rich_utils loaded" in failed.stderr
    problem = french.gettext("Input should be a valid integer, unable to parse string as an integer")
    assert " ".join(problem.split()) in " ".join(_error_panel(failed.stderr).split())
    assert french.gettext("Error") in failed.stderr
    helped = _fresh_quittex("--lang", "de", "inspect", "--help")
    assert i18n._load("de").gettext("Options") in helped.stdout


def test_messages_not_from_typer_are_left_as_they_are():
    i18n.set_language("fr")
    assert click_words.translate_message("Une phrase à nous.") == "Une phrase à nous."


def test_the_help_option_and_panels_are_translated():
    shown = _plain(_help("--lang", "it", "inspect"))
    italian = i18n._load("it")
    assert italian.gettext(click_words.HELP_OPTION) in shown
    assert italian.gettext("Options") in shown


# -- formats and answers ---------------------------------------------------------------------


def test_numbers_dates_and_durations_follow_the_language():
    i18n.set_language("fr")
    assert i18n.format_number(1234567) == "1\u202f234\u202f567"
    assert i18n.format_day(date(2025, 1, 20)) == "20 janv. 2025"
    assert i18n.format_duration(3 * 3600) == "3\xa0heures"
    assert i18n.format_list(["Mastodon", "Bluesky"]) == "Mastodon et Bluesky"
    i18n.set_language("de")
    assert i18n.format_number(1234567) == "1.234.567"
    assert i18n.format_duration(120).replace("\xa0", " ") == "2 Minuten"
    i18n.set_language("en")
    assert i18n.format_number(1234567) == "1,234,567"
    assert i18n.format_day(date(2025, 1, 20)) == "20 Jan 2025"


@pytest.mark.parametrize(
    ("lang", "answer", "expected"),
    [("fr", "o", True), ("fr", "oui", True), ("fr", "non", False), ("de", "ja", True), ("es", "sí", True),
     ("it", "no", False), ("it", "si", True), ("fr", "yes", True), ("fr", "", False)],
)  # fmt: skip
def test_yes_no_questions_take_the_language_s_words(lang, answer, expected):
    from quittex.cli import console

    i18n.set_language(lang)
    command = typer.Typer()

    @command.command()
    def ask() -> None:
        typer.echo("YES" if console.confirm("?") else "NO")

    result = runner.invoke(command, [], input=f"{answer}\n")
    assert result.output.strip().endswith("YES" if expected else "NO"), result.output


def test_a_wrong_answer_is_asked_again():
    from quittex.cli import console

    i18n.set_language("fr")
    command = typer.Typer()

    @command.command()
    def ask() -> None:
        typer.echo("YES" if console.confirm("?") else "NO")

    result = runner.invoke(command, [], input="peut-être\no\n")
    assert i18n._("Please answer {yes} or {no}.").format(yes="o", no="n") in result.output
    assert result.output.strip().endswith("YES")


# -- the way out of X ------------------------------------------------------------------------


def test_alone_quittex_says_where_to_begin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "No X archive found in this folder." in text
    assert "Download an archive" in text


def test_alone_quittex_follows_the_project_folder(tmp_path, monkeypatch):
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    shutil.copy(EXAMPLE.parent / "quittex.toml", tmp_path / "quittex.toml")
    monkeypatch.chdir(tmp_path)
    text = " ".join(runner.invoke(app, []).output.split())
    assert "✓ 1. Archive twitter-example.zip read (@velo_lumiere)." in text
    assert "✓ 2. Project file quittex.toml ready." in text
    assert "· 3. Preview not reviewed yet." in text
    assert "quittex migrate twitter-example.zip --dry-run --preview preview.html" in text

    (tmp_path / "quittex-review.json").write_text("{}", encoding="utf-8")
    text = " ".join(runner.invoke(app, []).output.split())
    assert "✓ 3. Preview reviewed (quittex-review.json)." in text
    assert "Next: quittex login" in text


def test_alone_quittex_counts_what_the_journals_say(tmp_path, monkeypatch, isolated_home):
    from quittex.publish.journal import Journal, PlannedPost, Remote

    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    from quittex.journey import read_journey

    account_id = read_journey(tmp_path).steps[0]  # the archive step reads the account
    assert account_id.done
    from quittex.archive.profile import read_x_profile

    source = read_x_profile(tmp_path / EXAMPLE.name).account_id
    with Journal.open("bluesky", source, "collectif.example", isolated_home / "state") as journal:
        day = datetime(2020, 1, 1, tzinfo=UTC)
        journal.plan([PlannedPost("1", 0, day), PlannedPost("2", 0, day)])
        journal.mark_done("1", 0, Remote("at://x/app.bsky.feed.post/1", "https://bsky.app/1", "cid"))
    text = " ".join(runner.invoke(app, []).output.split())
    assert "Migration under way: Bluesky: 1 published, 1 left, 0 failed." in text


def test_alone_quittex_speaks_french(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--lang", "fr"])
    french = i18n._load("fr")
    assert french.gettext("No X archive found in this folder.") in " ".join(result.output.split())
    assert french.gettext("Leaving X with quittex, step by step") in result.output


# -- help for people -----------------------------------------------------------------------------


def test_help_has_no_type_markers_and_ends_with_an_example():
    for path in _commands(typer.main.get_command(app)):
        shown = _help(*path)
        for marker in ("<bool>", "<int", "<str>", "<path>", "<file>", "<list[", "x>=", "{ARCHIVE}", "{archive}"):
            assert marker not in shown, f"`quittex {' '.join(path)} --help` shows {marker}"
        if path:
            last = [line.strip() for line in shown.strip().splitlines() if line.strip()][-1]
            assert last.startswith("Example: quittex "), f"`quittex {' '.join(path)} --help` ends with {last!r}"


def test_commands_come_in_the_order_a_collective_uses_them():
    shown = _help()
    panels = [shown.index(title) for title in ("Prepare", "Publish", "After")]
    assert panels == sorted(panels)
    order = [shown.index(f"│ {name} ") for name in ("inspect", "init", "login", "migrate", "status", "profile")]
    assert order == sorted(order)
    assert shown.index("│ contacts ") < shown.index("│ farewell ")


# -- messages that say the truth and the next step -----------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_missing_archive_says_where_quittex_looked_and_how_to_get_one(tmp_path, monkeypatch, lang):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--lang", lang, "inspect", "twitter-absent.zip"])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    translations = i18n._load(lang)
    looked = translations.gettext("{path} does not exist (quittex looked in {folder}).")
    assert looked.format(path="twitter-absent.zip", folder=tmp_path) in said
    assert "https://x.com/settings/download_your_data" in said
    assert ("Settings → Your account" if lang == "en" else "Paramètres → Votre compte") in said


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_dry_run_gives_the_alt_text_command(lang):
    result = runner.invoke(app, ["--lang", lang, "migrate", str(EXAMPLE), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert f"quittex alt-text export {EXAMPLE} --to alt-text.csv" in said
    assert "--alt-text alt-text.csv" in said
    if lang == "fr":
        assert "n’ont pas de texte alternatif" in said


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_publishing_without_accounts_names_each_platform_login_first(lang):
    result = runner.invoke(app, ["--lang", lang, "migrate", str(EXAMPLE), "--to", "mastodon,bluesky", "--yes"])
    assert result.exit_code == 3
    said = " ".join(result.stderr.split())
    for platform in ("mastodon", "bluesky"):
        assert said.index(f"quittex login {platform}") < said.index(f"QUITTEX_{platform.upper()}_")


def test_alone_quittex_reads_past_a_broken_journal(tmp_path, monkeypatch, isolated_home):
    for folder in (isolated_home / "state", isolated_home / "state" / "farewell"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "broken.sqlite3").write_bytes(b"not a database")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "· 7. Farewell not posted yet." in " ".join(result.output.split())
