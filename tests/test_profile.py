"""`quittex profile`, offline: each field built from the right source, within
each platform's limits, in the five languages; images cropped and stripped;
what a run would change; hostile archives refused before anything is sent."""

from __future__ import annotations

import io
import json
import os
import re
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from quittex.archive.profile import read_x_profile
from quittex.config import config_from_data, load_config
from quittex.media.profile_images import BLUESKY_AVATAR, BLUESKY_BANNER, MASTODON_HEADER, prepare_profile_image
from quittex.profile.bluesky import RULES as BLUESKY
from quittex.profile.build import ProfileOverrides, build_profiles
from quittex.profile.mastodon import RULES as MASTODON
from quittex.profile.remote import CurrentProfile, RemoteImage, changes, merged_fields
from quittex.profile.state import ProfileState
from quittex.publish.journal import Remote
from quittex.rewrite.measure import mastodon_length
from quittex.text import grapheme_count, utf8_len
from tests.archive_builder import ArchiveSpec, make_tweet, write_archive
from tests.cli_helpers import run_cli

EXAMPLE = "examples/twitter-example.zip"
CONFIG = "examples/quittex.toml"
LANGS = ("fr", "en", "es", "it", "de")
ALSO_ON = {
    "fr": "Aussi sur Mastodon\u00a0: @velobrume@mastodon.example.org",
    "en": "Also on Mastodon: @velobrume@mastodon.example.org",
    "es": "También en Mastodon: @velobrume@mastodon.example.org",
    "it": "Anche su Mastodon: @velobrume@mastodon.example.org",
    "de": "Auch auf Mastodon: @velobrume@mastodon.example.org",
}
WEBSITE_LABEL = {"fr": "Site web", "en": "Website", "es": "Sitio web", "it": "Sito web", "de": "Website"}


def _jpeg(size, color="#336699", exif: bool = True) -> bytes:
    image = Image.new("RGB", size, color)
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"
        data[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}
        extra["exif"] = data
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **extra)
    return buffer.getvalue()


def _archive(tmp_path, *, profile=None, no_profile=False, media=None, tweets=(), name="a.zip"):
    spec = ArchiveSpec(account_id="42", username="collectif_x", display_name="Collectif X")
    if profile is not None or no_profile:
        spec.profile = profile
    spec.profile_media = media or {}
    for tweet in tweets:
        spec.add(tweet)
    if not spec.tweets:
        spec.tweet("1100000000000000000", "Bonjour")
    return write_archive(spec, tmp_path / name)


def _project(**sections):
    return config_from_data(sections)


@pytest.fixture
def example():
    return read_x_profile(EXAMPLE), load_config(CONFIG)


# -- the archive's profile ---------------------------------------------------------------
def test_example_profile_is_read_with_its_images_and_links(example):
    x_profile, _ = example
    assert x_profile.display_name == "Vélo Lumière 🚲" and x_profile.username == "velo_lumiere"
    assert x_profile.avatar.path.endswith("1180000000000000001-VeLoAv01.jpg")
    assert x_profile.banner.path.endswith("1180000000000000001-1700000000.jpg")
    # The bio's t.co link is led where the note tweet that used it says.
    assert x_profile.links == {"https://t.co/SITE0001": "https://velo-lumiere.example.org"}
    assert x_profile.notes == [] and x_profile.problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_both_platforms_built_in_each_language(example, lang):
    x_profile, project = example
    mastodon, bluesky = build_profiles(x_profile, project, ["mastodon", "bluesky"], lang=lang)
    assert bluesky.display_name.value == mastodon.display_name.value == "Vélo Lumière 🚲"
    description = bluesky.description.value
    assert description.startswith("Atelier vélo participatif à Lyon")
    assert "＠reseau_velo" in description and "@reseau_velo" not in description  # never a mention
    assert "https://velo-lumiere.example.org" in description and "t.co" not in description
    assert description.endswith(f"{ALSO_ON[lang]}\nhttps://velobrume.example.org")
    assert grapheme_count(description) <= 256
    assert mastodon.fields[0] == (WEBSITE_LABEL[lang], "https://velobrume.example.org")
    assert mastodon.fields[1] == ("Bluesky", "https://bsky.app/profile/velobrume.bsky.social")
    assert mastodon.fields[2][1] == "https://x.com/velo_lumiere"
    assert "X" in mastodon.fields[2][0] and len(mastodon.fields) == 4
    assert mastodon.description.value == description.split("\n\n")[0]  # the links are fields there
    assert bluesky.fields is None and bluesky.bot is None


def test_sources_in_order_options_then_project_file_then_archive(example, tmp_path):
    x_profile, project = example
    own = project.merged(
        {"profile": {"display_name": "Vélo du Val", "bio": {"fr": "Notre bio à nous.", "en": "Our own bio."}}}
    )
    [draft] = build_profiles(x_profile, own, ["bluesky"], lang="en")
    assert draft.display_name.value == "Vélo du Val" and "[profile]" in draft.display_name.source
    assert draft.description.value.startswith("Our own bio.\n\n")
    [draft] = build_profiles(x_profile, own, ["bluesky"], overrides=ProfileOverrides(display_name="Par option"))
    assert draft.display_name.value == "Par option" and "--name" in draft.display_name.source
    [nothing] = build_profiles(None, _project(), ["mastodon"])
    assert nothing.display_name.value is None and nothing.description.value is None and nothing.avatar is None


def test_an_archive_without_profile_js_or_images_still_works(tmp_path):
    archive = _archive(tmp_path, no_profile=True)
    spec_profile = read_x_profile(archive)
    assert any("no profile.js" in note for note in spec_profile.notes)
    project = _project(
        collective={"name": "Collectif Y", "description": {"fr": "Qui nous sommes."}},
        addresses={"mastodon": "@y@mastodon.example.org"},
    )
    [draft] = build_profiles(spec_profile, project, ["bluesky"], lang="fr")
    assert draft.display_name.value == "Collectif X"  # account.js still names the account
    assert draft.description.value.startswith("Qui nous sommes.")
    assert draft.avatar is None and draft.banner is None

    missing = _archive(
        tmp_path, name="b.zip", profile={"avatarMediaUrl": "https://pbs.twimg.com/profile_images/42/abc.jpg"}
    )
    x_profile = read_x_profile(missing)
    assert x_profile.avatar is None
    assert any("(abc) is not in profile_media/" in note for note in x_profile.notes)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("plain", "avec ＠amie_1 !"), ("link", "avec https://x.com/amie_1 !"), ("drop", "avec amie_1 !")],
)
def test_bio_mentions_are_made_harmless_as_in_posts(tmp_path, mode, expected):
    archive = _archive(tmp_path, profile={"description": {"bio": "avec @amie_1 !"}})
    [draft] = build_profiles(read_x_profile(archive), _project(migrate={"mentions": mode}), ["mastodon"])
    assert draft.description.value == expected


def test_bio_links_no_tweet_explains_are_left_out_and_the_website_one_becomes_the_site(tmp_path):
    tweet = make_tweet(
        "1100000000000000001", "Lisez https://t.co/KNOWN001", urls={"https://t.co/KNOWN001": "https://a.example.org/x"}
    )
    profile = {
        "description": {
            "bio": "Voir https://t.co/KNOWN001 et https://t.co/NOWHERE1 ou https://t.co/SITE0002",
            "website": "https://t.co/SITE0002",
        }
    }
    archive = _archive(tmp_path, profile=profile, tweets=[tweet])
    project = _project(addresses={"website": "https://site.example.org"})
    [draft] = build_profiles(read_x_profile(archive), project, ["mastodon"])
    assert draft.description.value == "Voir https://a.example.org/x et ou https://site.example.org"
    assert any("https://t.co/NOWHERE1" in note for note in draft.notes)


# -- limits --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_a_long_bio_is_shortened_and_the_addresses_are_kept(example, lang):
    x_profile, project = example
    words = {"fr": "vélo ", "en": "bike ", "es": "bici ", "it": "bici ", "de": "Fahrrad "}[lang] * 200
    project = project.merged({"profile": {"bio": words.strip()}})
    mastodon, bluesky = build_profiles(x_profile, project, ["mastodon", "bluesky"], lang=lang)
    assert bluesky.description.shortened_from == grapheme_count(words.strip())
    assert grapheme_count(bluesky.description.value) <= 256 and utf8_len(bluesky.description.value) <= 2560
    assert bluesky.description.value.endswith(f"…\n\n{ALSO_ON[lang]}\nhttps://velobrume.example.org")
    assert mastodon_length(mastodon.description.value) <= 500 and mastodon.description.value.endswith("…")
    assert any("shortened" in note for note in bluesky.notes)


def test_display_names_cut_between_graphemes_to_each_platform(example):
    x_profile, project = example
    name = "Collectif 👩‍👩‍👧‍👦 " * 10
    mastodon, bluesky = build_profiles(
        x_profile, project, ["mastodon", "bluesky"], overrides=ProfileOverrides(display_name=name)
    )
    assert len(mastodon.display_name.value) <= 30 and mastodon.display_name.value.endswith("…")
    assert grapheme_count(bluesky.display_name.value) <= 64 and utf8_len(bluesky.display_name.value) <= 640
    assert "\u200d…" not in mastodon.display_name.value  # never inside a family emoji
    assert mastodon.display_name.shortened_from


@settings(max_examples=60, deadline=None)
@given(bio=st.text(min_size=1, max_size=900).filter(lambda t: t.strip()))
def test_any_bio_fits_both_platforms_with_its_addresses(bio):
    project = _project(
        profile={"bio": bio.replace("\x00", "")[:2000] or "x"},
        addresses={"mastodon": "@velo@mastodon.example.org", "website": "https://velo.example.org"},
    )
    mastodon, bluesky = build_profiles(None, project, ["mastodon", "bluesky"], lang="fr")
    assert BLUESKY.description.fits(bluesky.description.value)
    assert bluesky.description.value.endswith("\nhttps://velo.example.org")
    assert MASTODON.description.fits(mastodon.description.value)


# -- images --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "source", "expected"),
    [
        (BLUESKY_AVATAR, (1200, 800), (800, 800)),
        (BLUESKY_BANNER, (2000, 2000), (2000, 667)),
        (MASTODON_HEADER, (3000, 500), (1500, 500)),
    ],
)
def test_profile_images_cropped_to_shape_and_stripped(shape, source, expected):
    picture = prepare_profile_image(_jpeg(source), shape)
    image = Image.open(io.BytesIO(picture.image.data))
    assert image.size == expected and picture.cropped
    assert not image.getexif() and "exif" not in image.info
    assert picture.image.size <= shape.max_bytes


def test_a_noisy_big_banner_fits_bluesky_million_bytes():
    noise = Image.effect_noise((3000, 1000), 120).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    picture = prepare_profile_image(buffer.getvalue(), BLUESKY_BANNER)
    assert picture.image.size <= 1_000_000 and picture.image.width / picture.image.height == pytest.approx(3, rel=0.01)


# -- what a run changes --------------------------------------------------------------------
def test_changes_compares_texts_and_images_by_what_was_sent(example):
    x_profile, project = example
    [draft] = build_profiles(x_profile, project, ["bluesky"])
    current = CurrentProfile(display_name="Autre", avatar=RemoteImage("bafyold"))
    first = changes(draft, current, {}, Remote("at://did:plc:a/app.bsky.feed.post/1", cid="c"))
    assert first.names() == ["display_name", "description", "avatar", "banner", "pinned post"]
    sent = {
        "avatar": {"digest": draft.avatar.picture.digest, "key": "bafynew"},
        "banner": {"digest": draft.banner.picture.digest, "key": "bafyban"},
    }
    now = CurrentProfile(
        display_name=draft.display_name.value,
        description=draft.description.value,
        avatar=RemoteImage("bafynew"),
        banner=RemoteImage("bafyban"),
        pinned=["at://did:plc:a/app.bsky.feed.post/1"],
    )
    assert not changes(draft, now, sent, Remote("at://did:plc:a/app.bsky.feed.post/1", cid="c"))
    now.avatar = RemoteImage("bafyedited-in-the-app")
    assert changes(draft, now, sent, None).names() == ["avatar"]


def test_our_fields_first_then_the_accounts_own_while_there_is_room():
    ours = [("Site web", "https://a.example.org"), ("Bluesky", "https://bsky.app/profile/a.bsky.social")]
    theirs = [("Pronoms", "iel"), ("site web", "https://old.example.org"), ("Blog", "https://a.example.org")]
    assert merged_fields(ours, theirs, 4) == [*ours, ("Pronoms", "iel")]
    assert merged_fields(ours + ours, [], 2) == ours


def test_the_profile_before_is_saved_once_and_private(tmp_path):
    state = ProfileState("mastodon", "velo@mastodon.example.org", tmp_path)
    assert state.save_before({"display_name": "Avant"}, {"avatar": b"\xff\xd8old"})
    assert not state.save_before({"display_name": "Plus tard"}, {})
    profile, images = state.saved()
    assert profile == {"display_name": "Avant"} and images == {"avatar": b"\xff\xd8old"}
    for path in state.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    state.begin("apply", ["display_name"])
    assert state.interrupted()["changes"] == ["display_name"]
    state.done({"avatar": {"digest": "d", "key": "k"}})
    assert state.interrupted() is None and state.images_sent() == {"avatar": {"digest": "d", "key": "k"}}


# -- the command ---------------------------------------------------------------------------
def test_dry_run_offline_json(tmp_path):
    result = run_cli("profile", EXAMPLE, "--config", CONFIG, "--dry-run", "--offline", "--json", "--lang", "de")
    assert result.exit_code == 0, result.stderr
    profiles = json.loads(result.stdout)["profiles"]
    assert [p["platform"] for p in profiles] == ["mastodon", "bluesky"]
    bluesky = profiles[1]
    assert bluesky["avatar"]["width"] == bluesky["avatar"]["height"]
    assert bluesky["banner"]["width"] == 3 * bluesky["banner"]["height"]
    assert "Auch auf Mastodon" in bluesky["description"]["value"]
    assert bluesky["now"] is None


def test_dry_run_without_account_says_so_and_shows_the_profile(tmp_path):
    result = run_cli("profile", EXAMPLE, "--config", CONFIG, "--dry-run", "--to", "bluesky")
    assert result.exit_code == 0, result.stderr
    assert "not logged in" in result.stderr and "Vélo Lumière" in result.stdout


def _never_connect(monkeypatch):
    from quittex.platforms.base import PlatformSpec

    def refuse(self, account=None):
        raise AssertionError("a hostile archive must be refused before any account is reached")

    monkeypatch.setattr(PlatformSpec, "connect", refuse)


def _hostile_png(size) -> bytes:
    """A PNG header announcing `size` pixels, without the memory to hold them."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size[0], size[1], 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("profile", "media", "message"),
    [
        (
            {"avatarMediaUrl": "https://pbs.twimg.com/profile_images/42/big.png"},
            {"42-big.png": _hostile_png((20_000, 20_000))},
            "too many pixels",
        ),
        ({"description": {"bio": "x" * 100_000}}, {}, "100,000 characters"),
        (
            {"avatarMediaUrl": "https://pbs.twimg.com/profile_images/42/page.jpg"},
            {"42-page.jpg": b"<!doctype html><html>hello</html>"},
            "HTML page",
        ),
    ],
)
def test_hostile_profiles_are_refused_before_anything_is_sent(tmp_path, monkeypatch, profile, media, message):
    archive = _archive(tmp_path, profile=profile, media=media)
    _never_connect(monkeypatch)
    for extra in (["--dry-run"], ["--yes"]):
        result = run_cli("profile", archive, "--config", CONFIG, *extra)
        assert result.exit_code == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr


def test_a_hostile_bio_can_be_replaced_by_ones_own(tmp_path, monkeypatch):
    archive = _archive(tmp_path, profile={"description": {"bio": "x" * 100_000}})
    result = run_cli("profile", archive, "--config", CONFIG, "--dry-run", "--offline", "--json", "--bio", "Notre bio.")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["profiles"][0]["description"]["value"] == "Notre bio."


def test_a_missing_image_is_a_note_not_an_error(tmp_path, monkeypatch):
    archive = _archive(tmp_path, profile={"headerMediaUrl": "https://pbs.twimg.com/profile_banners/42/123"})
    result = run_cli("profile", archive, "--config", CONFIG, "--dry-run", "--offline")
    assert result.exit_code == 0, result.stderr
    assert "(123) is not in profile_media/" in result.stderr


def test_restore_without_a_saved_profile_is_a_clear_refusal(monkeypatch):
    class Publisher:
        account, label = "did:plc:abc", "@a.test"

        def close(self):
            pass

    from quittex.platforms.base import PlatformSpec

    monkeypatch.setattr(PlatformSpec, "connect", lambda self, account=None: Publisher())
    result = run_cli("profile", "--restore", "--to", "bluesky", "--yes", "--config", CONFIG)
    assert result.exit_code == 2 and "nothing to put back" in " ".join(result.stderr.split())


def test_credentials_folder_untouched_and_state_private(tmp_path):
    state = ProfileState("bluesky", "did:plc:abc", tmp_path)
    assert stat.S_IMODE(os.stat(state.folder).st_mode) == 0o700


# -- the preview page ----------------------------------------------------------------------
def test_profile_page_shows_both_profiles_with_their_images(tmp_path):
    from tests.browser import rendered_dom

    page = tmp_path / "profile.html"
    result = run_cli("profile", EXAMPLE, "--config", CONFIG, "--dry-run", "--offline", "--html", page, "--lang", "it")
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "external resource"
    dom = rendered_dom(page)
    assert dom.count('class="profile ') == 2
    assert dom.count('class="banner" src="data:image/') == 2 and dom.count('class="avatar" src="data:image/') == 2
    assert "Anche su Mastodon" in dom and "Vecchio account X (archiviato)" in dom
    assert "the X bio (profile.js)" in dom


def test_migration_preview_has_the_profiles_on_top(tmp_path):
    page = tmp_path / "preview.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--preview", page, "--config", CONFIG)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.index('class="profiles"') < html.index('class="row')
    assert 'id="profile-bluesky"' in html and 'id="profile-mastodon"' in html


def test_fields_within_the_servers_own_limit(example):
    from dataclasses import replace

    x_profile, project = example
    [draft] = build_profiles(x_profile, project, ["mastodon"], rules={"mastodon": replace(MASTODON, max_fields=2)})
    assert [name for name, _ in draft.fields] == ["Site web", "Bluesky"]
    assert sum("2 profile fields" in note for note in draft.notes) == 2
