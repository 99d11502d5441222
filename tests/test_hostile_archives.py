"""Hostile or odd archives: each gives one clear message (exit 2 when the
archive cannot be used, 0 with warnings when it can), never a traceback, and
never puts private media in a public post."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quittex.archive import load_archive
from quittex.archive import reader as archive_reader
from quittex.errors import ArchiveError, UnsafeArchiveError
from tests.archive_builder import ArchiveSpec, MediaSpec, make_tweet, snowflake, write_archive
from tests.cli_helpers import run_cli

BASE = datetime(2021, 3, 4, 10, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def at(minutes: int) -> str:
    return snowflake(BASE.replace(minute=minutes))


def small_spec(**options) -> ArchiveSpec:
    spec = ArchiveSpec(**options)
    spec.tweet(at(1), "Premier tweet #Vélo")
    spec.tweet(at(2), "Avec une photo", media=[MediaSpec("photo", "PHOTO0001.jpg")])
    return spec


def assert_clean_refusal(result, *words: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "error:" in result.stderr
    for word in words:
        assert word in result.stderr


def mark_encrypted(path: Path, name: str) -> None:
    """Set the "encrypted" bit of one entry, in its local header and in the
    central directory, as `zip -P` does: zipfile then asks for a password."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    raw[info.header_offset + 6] |= 0x1
    raw[_central_entry(raw, info) + 8] |= 0x1
    path.write_bytes(bytes(raw))


# --- 1, 2, 3: zips that zipfile cannot read as they are --------------------------------


def test_an_encrypted_zip_is_refused_with_a_message(tmp_path):
    path = write_archive(small_spec(), tmp_path / "a.zip")
    mark_encrypted(path, "data/tweets.js")
    for command in (("inspect", path), ("migrate", path, "--dry-run"), ("migrate", path, "--dry-run", "--json")):
        assert_clean_refusal(run_cli(*command), "password")


def test_an_encrypted_photo_leaves_the_photo_out_and_the_rest_goes(tmp_path):
    path = write_archive(small_spec(), tmp_path / "a.zip")
    photo = next(n for n in zipfile.ZipFile(path).namelist() if n.endswith("PHOTO0001.jpg"))
    mark_encrypted(path, photo)
    assert run_cli("inspect", path).exit_code == 0
    preview = run_cli("migrate", path, "--dry-run", "--preview", tmp_path / "p.html")
    assert preview.exit_code == 0, preview.stderr
    assert "PHOTO0001.jpg is missing" in (tmp_path / "p.html").read_text(encoding="utf-8")


def test_a_damaged_zip_inside_the_zip_is_refused(tmp_path):
    inner = write_archive(small_spec(), tmp_path / "twitter-2024.zip")
    data = bytearray(inner.read_bytes())
    truncated = tmp_path / "truncated.zip"
    with zipfile.ZipFile(truncated, "w") as outer:
        outer.writestr("twitter-2024.zip", bytes(data[: len(data) // 2]))
    assert_clean_refusal(run_cli("inspect", truncated), "damaged")

    with zipfile.ZipFile(inner) as archive:
        info = archive.getinfo("data/tweets.js")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # a byte of the compressed tweets: inflating fails or the CRC does not match
    corrupt = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(corrupt, "w") as outer:
        outer.writestr("twitter-2024.zip", bytes(data))
    assert_clean_refusal(run_cli("inspect", corrupt), "damaged")


def test_an_entry_name_that_is_not_utf8_but_says_it_is_is_refused(tmp_path):
    spec = small_spec()
    spec.extra_files["data/é.txt"] = b"x"
    path = write_archive(spec, tmp_path / "a.zip")
    raw = path.read_bytes()
    assert raw.count("é".encode()) == 2  # the local header and the central directory
    path.write_bytes(raw.replace("é".encode(), b"\xc3\x28"))  # invalid UTF-8, with the UTF-8 flag still set
    assert_clean_refusal(run_cli("inspect", path), "not valid text")


# --- 4, 5: folders that cannot be read as they are ----------------------------------------


def run_unprivileged(*args: str) -> subprocess.CompletedProcess:
    """quittex as a user without root's power to read anything (as `nobody` when the tests run as root)."""

    command = [sys.executable, "-m", "quittex", *args]
    if os.geteuid() == 0:  # root without the capabilities that let it read any file
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's power to read anything")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", "--", *command]
    env = {**os.environ, "QUITTEX_WIDTH": "200"}
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)


@pytest.fixture
def shared_folder():
    """An archive folder `nobody` can reach (pytest's own temporary folders are root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="quittex-hostile-"))
    os.chmod(base, 0o755)
    folder = write_archive(small_spec(), base / "archive", form="folder")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755)
    shutil.rmtree(base)


def test_an_unreadable_tweets_file_is_named(shared_folder):
    (shared_folder / "data" / "tweets.js").chmod(0)
    result = run_unprivileged("inspect", str(shared_folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "Cannot read data/tweets.js" in result.stderr and "ermission" in result.stderr


def test_an_unreadable_data_folder_says_it_cannot_be_read(shared_folder):
    (shared_folder / "data").chmod(0)
    result = run_unprivileged("inspect", str(shared_folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "Cannot read the folder data" in result.stderr and "not an X data archive" not in result.stderr


@pytest.mark.parametrize("kind", ["symlink loop", "fifo"])
def test_a_tweets_file_that_is_not_a_file_is_refused(tmp_path, kind):
    folder = write_archive(small_spec(), tmp_path / "archive", form="folder")
    tweets = folder / "data" / "tweets.js"
    tweets.unlink()
    if kind == "fifo":
        os.mkfifo(tweets)
    else:
        tweets.symlink_to(tweets)
    assert_clean_refusal(run_cli("inspect", folder), "data/tweets.js")


def test_a_media_file_whose_name_is_not_utf8_is_ignored_everywhere(tmp_path):
    folder = write_archive(small_spec(), tmp_path / "archive", form="folder")
    media = os.path.join(os.fsencode(folder), b"data", b"tweets_media")
    [photo] = os.listdir(media)
    # Renamed so that only the tweet id is left of its name: quittex would find it by that prefix.
    os.rename(os.path.join(media, photo), os.path.join(media, photo.split(b"-")[0] + b"-caf\xe9.jpg"))
    for command in (("inspect", folder), ("migrate", folder, "--dry-run", "--json")):
        result = run_cli(*command)
        assert result.exit_code == 0, result.stderr
    preview = run_cli("migrate", folder, "--dry-run", "--preview", tmp_path / "p.html")
    assert preview.exit_code == 0, preview.stderr


# --- 6: pictures that claim too many pixels ------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds (almost) nothing."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + len(ihdr).to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")


@pytest.mark.parametrize("side", [30_000, 12_000])
def test_a_photo_of_too_many_pixels_is_reported_in_the_preview_without_a_warning(tmp_path, side):
    spec = ArchiveSpec()
    spec.tweet(at(1), "Énorme", media=[MediaSpec("photo", "HUGE0001.png", content=png_header(side, side))])
    path = write_archive(spec, tmp_path / "a.zip")
    result = run_cli("migrate", path, "--dry-run", "--preview", tmp_path / "p.html")
    assert result.exit_code == 0 and "Warning" not in result.stderr, result.stderr
    assert "HUGE0001.png cannot be shown: " in (tmp_path / "p.html").read_text(encoding="utf-8")


# --- 7: archive text is never markup nor terminal control -------------------------------------


def test_archive_text_is_printed_escaped_and_without_terminal_controls(tmp_path):
    spec = ArchiveSpec(display_name="Collectif \x1b[2J\x1b]0;pwned\x07 [bold]gras[/bold]")
    spec.add(make_tweet(at(1), "Texte \x1b[31mrouge #Tag\x1b[0m", lang="[/x]"))
    spec.add(make_tweet(at(2), "Encore [link=file:///etc/passwd]ici[/link]", lang="fr"))
    path = write_archive(spec, tmp_path / "a.zip")
    for command in (("inspect", path), ("migrate", path, "--dry-run")):
        result = run_cli(*command)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    shown = run_cli("migrate", path, "--dry-run").stdout
    assert "[link=file:///etc/passwd]" in shown  # shown as text, not taken as a link
    assert "[/x]" in run_cli("inspect", path).stdout and "[bold]gras[/bold]" in run_cli("inspect", path).stdout


# --- 8, 9: memory stays bounded ---------------------------------------------------------------


def test_an_entry_that_inflates_beyond_its_declared_size_stops_early(tmp_path):
    path = write_archive(small_spec(), tmp_path / "a.zip")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets-part1.js", b"window.YTD.tweets.part1 = [" + b" " * (50 << 20) + b"]")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("data/tweets-part1.js")
    declared = (50 << 20) + 28
    small = (1000).to_bytes(4, "little")
    for offset in (info.header_offset + 22, _central_entry(raw, info) + 24):  # uncompressed size fields
        assert int.from_bytes(raw[offset : offset + 4], "little") == declared
        raw[offset : offset + 4] = small
    path.write_bytes(bytes(raw))
    assert_clean_refusal(run_cli("inspect", path), "tweets-part1.js")


def _central_entry(raw: bytearray, info: zipfile.ZipInfo) -> int:
    """Where the central directory describes `info`."""
    name = info.filename.encode()
    position = raw.find(b"PK\x01\x02")
    while raw[position + 46 : position + 46 + len(name)] != name or raw[position + 28 : position + 30] != len(
        name
    ).to_bytes(2, "little"):
        position = raw.find(b"PK\x01\x02", position + 4)
        assert position != -1, f"{info.filename} is not in the central directory"
    return position


def test_tweets_files_too_large_to_hold_are_refused_before_reading(tmp_path, monkeypatch):
    path = write_archive(small_spec(parts=2), tmp_path / "a.zip")
    monkeypatch.setattr(archive_reader, "MAX_TWEETS_BYTES", 100)
    with pytest.raises(UnsafeArchiveError, match="more than quittex can hold"):
        load_archive(path)


def test_a_part_foreseen_to_take_memory_past_the_budget_is_refused_before_parsing(tmp_path, monkeypatch):
    path = write_archive(small_spec(parts=3), tmp_path / "a.zip")
    monkeypatch.setattr(archive_reader, "MEMORY_BUDGET_BYTES", archive_reader.resident_bytes() + 1000)
    with pytest.raises(UnsafeArchiveError, match="more tweets than quittex can read within 1.5 GB"):
        load_archive(path)


def test_a_data_file_over_the_cap_is_refused(tmp_path, monkeypatch):
    from quittex.archive import source

    path = write_archive(small_spec(), tmp_path / "a.zip")
    monkeypatch.setattr(source.ArchiveSource.read_bytes, "__defaults__", (100,))
    with pytest.raises(ArchiveError, match="more than quittex reads at once"):
        load_archive(path)


# --- 10, 11: private media and Circle tweets stay private ---------------------------------------


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_a_manifest_pointing_at_direct_message_media_never_attaches_them(tmp_path, form):
    spec = ArchiveSpec()
    tweet = spec.tweet(at(1), "Une photo", media=[MediaSpec("photo", "PRIVATE01.jpg", content=None)])
    spec.extra_files[f"data/direct_messages_media/{tweet['id_str']}-PRIVATE01.jpg"] = b"\xff\xd8\xff\xe0DM photo"
    files_manifest = {"mediaDirectory": "data/direct_messages_media"}
    path = write_archive(spec, tmp_path / ("a.zip" if form == "zip" else "a"), form=form)
    _patch_manifest(path, form, files_manifest)
    with load_archive(path) as archive:
        assert archive.layout.media_dir == "data/tweets_media"
        [media] = archive.tweet(tweet["id_str"]).media
        assert media.path is None or "direct_messages" not in media.path
        with pytest.raises(ArchiveError):
            archive.read_media(f"data/direct_messages_media/{tweet['id_str']}-PRIVATE01.jpg")
    posts = [json.loads(line) for line in run_cli("migrate", path, "--dry-run", "--json").stdout.splitlines()]
    assert all(not post["media"] for post in posts)


def _patch_manifest(path: Path, form: str, tweets_fields: dict) -> None:
    def patched(data: bytes) -> bytes:
        prefix, _, body = data.decode().partition("=")
        manifest = json.loads(body)
        manifest["dataTypes"].setdefault("tweets", {}).update(tweets_fields)
        return (prefix + "= " + json.dumps(manifest)).encode()

    if form == "folder":
        target = path / "data" / "manifest.js"
        target.write_bytes(patched(target.read_bytes()))
        return
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            target.writestr(info, patched(data) if info.filename == "data/manifest.js" else data)


def test_every_version_of_an_edited_circle_tweet_is_left_out(tmp_path):
    spec = small_spec()
    original, edited = at(10), at(11)
    first = make_tweet(original, "Pour le cercle", edit_chain=[original, edited])
    spec.circle_tweets.append(first)
    spec.add(make_tweet(edited, "Pour le cercle (corrigé)", edit_of=original))
    path = write_archive(spec, tmp_path / "a.zip")
    with load_archive(path) as archive:
        assert archive.tweet(edited) is None and archive.tweet(original) is None
    posts = run_cli("migrate", path, "--dry-run", "--json").stdout
    assert "cercle" not in posts


# --- 12: what was dropped is said ---------------------------------------------------------------


def test_a_tweet_without_text_and_a_missing_part_are_said(tmp_path):
    spec = small_spec(parts=2)
    silent = make_tweet(at(20), "sans texte")
    del silent["full_text"]
    spec.add(silent)
    path = write_archive(spec, tmp_path / "a.zip")
    _patch_manifest(path, "zip", {})
    rewrite = zipfile.ZipFile(path)
    names = rewrite.namelist()
    rewrite.close()
    _drop_entry(path, next(n for n in names if n.endswith("tweets-part1.js")))
    inspect = run_cli("inspect", path)
    assert inspect.exit_code == 0, inspect.stderr
    said = " ".join(inspect.stderr.split())
    assert "the archive lacks: its tweets are missing" in said and "no text in the archive" in said
    dry_run = run_cli("migrate", path, "--dry-run")
    assert dry_run.exit_code == 0
    assert "the archive lacks: its tweets are missing" in " ".join(dry_run.stderr.split())


def _drop_entry(path: Path, name: str) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist() if info.filename != name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            target.writestr(info, data)


@pytest.mark.parametrize("form", ["zip", "folder"])
@pytest.mark.parametrize(("content", "what"), [(b"<!DOCTYPE html><html>", "an HTML page"), (b"", "an empty file")])
def test_a_photo_that_is_no_image_is_warned_about_in_every_dry_run(tmp_path, form, content, what):
    spec = ArchiveSpec()
    spec.tweet(at(1), "Une fausse photo", media=[MediaSpec("photo", "FAKE0001.jpg", content=content)])
    path = write_archive(spec, tmp_path / ("a.zip" if form == "zip" else "a"), form=form)
    posts = [json.loads(line) for line in run_cli("migrate", path, "--dry-run", "--json").stdout.splitlines()]
    assert all(any(what in w["message"] for w in post["warnings"]) for post in posts)
    terminal = run_cli("migrate", path, "--dry-run")
    assert terminal.exit_code == 0 and what in " ".join(terminal.stdout.split())


def test_a_truncated_photo_is_warned_about_where_its_end_can_be_read(tmp_path):
    spec = ArchiveSpec()
    whole = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
    spec.tweet(at(1), "Coupée", media=[MediaSpec("photo", "CUT00001.jpg", content=whole[:40])])
    spec.tweet(at(2), "Entière", media=[MediaSpec("photo", "WHOLE001.jpg", content=whole)])
    folder = write_archive(spec, tmp_path / "a", form="folder")
    posts = [json.loads(line) for line in run_cli("migrate", folder, "--dry-run", "--json").stdout.splitlines()]
    warned = {p["tweet_id"] for p in posts if any("truncated" in w["message"] for w in p["warnings"])}
    assert warned == {at(1)}
