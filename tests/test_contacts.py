"""`quittex contacts`, offline: the network read from built archives and the
example, the evidence and confidence of candidates, the sheet read back in
the dialects spreadsheets save, the look-up cache, the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quittex.contacts.exports import handle_map_csv, mastodon_following_csv
from quittex.contacts.extract import read_contacts
from quittex.contacts.find import LookupCache, find_contacts
from quittex.contacts.follow import follow_key
from quittex.contacts.match import STRONG, WEAK, Profile, bluesky_handles, evaluate, normalized_name
from quittex.contacts.sheet import Found, follow_targets, write_contacts_sheet
from quittex.errors import BadInputError
from quittex.publish.tid import TID_RE
from quittex.rewrite.handle_map import parse_handle_map
from tests.archive_builder import ArchiveSpec, make_tweet, user_id, write_archive
from tests.cli_helpers import run_cli

EXAMPLE = "examples/twitter-example.zip"


def _archive(tmp_path, tweets, *, following=None, followers=None, generation="2023"):
    spec = ArchiveSpec(generation=generation, account_id="77", username="collectif_t")
    for tweet in tweets:
        spec.add(tweet)
    spec.following, spec.followers = following, followers
    return write_archive(spec, tmp_path / f"archive-{generation}.zip")


# -- the network, from the archive -----------------------------------------------------------
def test_the_example_names_three_contacts_and_lists_the_others_as_links():
    contacts = read_contacts(EXAMPLE)
    assert [c.screen_name for c in contacts.named] == ["reseau_velo", "mairie_exemple", "voisine_engagee"]
    first = contacts.named[0]
    assert first.relation == "mutual" and (first.retweets, first.quotes) == (1, 1)
    assert [c.x_url for c in contacts.unnamed_following] == [
        "https://x.com/i/user/1212121212",
        "https://x.com/i/user/3434343434",
    ]
    assert contacts.following_count == 4 and contacts.follower_count == 3


@pytest.mark.parametrize("generation", ["2019", "2021", "2023"])
def test_each_kind_of_interaction_is_counted_once(tmp_path, generation):
    tweets = [
        make_tweet("1200000000000000001", "Bravo @ami_1 et @ami_2 !"),
        make_tweet(
            "1200000000000000002", "@ami_1 oui, samedi", reply_to=("1100000000000000000", user_id("ami_1"), "ami_1")
        ),
        make_tweet("1200000000000000003", "RT @ami_2: la pétition est en ligne"),
        make_tweet(
            "1200000000000000004",
            "À lire https://t.co/QUOTE001",
            urls={"https://t.co/QUOTE001": "https://twitter.com/ami_3/status/1190000000000000000"},
        ),
        make_tweet("1200000000000000005", "Pour @collectif_t lui-même, rien"),
        make_tweet(
            "1200000000000000006",
            "Et encore @ami_3 https://t.co/Q2",
            urls={"https://t.co/Q2": "https://x.com/ami_3/status/1"},
        ),
    ]
    contacts = read_contacts(
        _archive(tmp_path, tweets, following=[user_id("ami_1")], followers=[user_id("ami_1")], generation=generation)
    )
    by_name = {c.screen_name: c for c in contacts.named}
    assert set(by_name) == {"ami_1", "ami_2", "ami_3"}  # never the collective itself
    assert (by_name["ami_1"].mentions, by_name["ami_1"].replies, by_name["ami_1"].relation) == (1, 1, "mutual")
    assert (by_name["ami_2"].mentions, by_name["ami_2"].retweets) == (1, 1)
    # A quote names the account without its id; a later mention gives it: one contact.
    assert (by_name["ami_3"].quotes, by_name["ami_3"].mentions, by_name["ami_3"].account_id) == (2, 1, user_id("ami_3"))
    assert by_name["ami_3"].last_interaction.year >= 2019
    assert contacts.named[0].screen_name == "ami_3"  # the most interaction first


def test_an_archive_without_follow_files_says_so(tmp_path):
    contacts = read_contacts(_archive(tmp_path, [make_tweet("1200000000000000001", "Salut @ami_1")]))
    assert [c.screen_name for c in contacts.named] == ["ami_1"]
    assert any("no following.js" in note for note in contacts.notes)


def test_contacts_command_json_and_table():
    result = run_cli("contacts", EXAMPLE, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["named"] == 3 and data["following_without_name"] == 2
    assert data["contacts"][0]["interactions"] == {"mentions": 0, "replies": 0, "retweets": 1, "quotes": 1}
    table = run_cli("contacts", "list", EXAMPLE)
    assert table.exit_code == 0 and "@reseau_velo" in table.stdout and "https://x.com/i/user/1212121212" in table.stdout


def test_a_damaged_tweets_file_is_one_clear_message(tmp_path):
    spec = ArchiveSpec()
    spec.tweet("1200000000000000001", "Salut")
    spec.extra_files["data/tweets.js"] = b"window.YTD.tweets.part0 = [{"
    result = run_cli("contacts", write_archive(spec, tmp_path / "broken.zip"))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr and "Traceback" not in result.stderr


# -- evidence ----------------------------------------------------------------------------------
def _profile(platform="bluesky", address="ami-1.bsky.social", name="", description="", links=()):
    return Profile(
        platform,
        address,
        "did:plc:ami" if platform == "bluesky" else f"https://m.example/@{address}",
        name,
        description,
        list(links),
    )


@pytest.mark.parametrize(
    ("description", "named"),
    [
        ("Ancien compte : https://x.com/ami_1", True),
        ("twitter.com/Ami_1 (archivé)", True),
        ("X : @ami_1", True),
        ("X : @ami_10", False),
        ("mail ami_1@example.org", False),
        ("@ami_1.bsky.social", False),
        ("https://x.com/ami_12", False),
    ],
)
def test_a_bio_naming_the_x_account_is_strong_evidence(description, named):
    candidate = evaluate("ami_1", None, _profile(address="quelquun.bsky.social", description=description), [])
    assert (candidate is not None and candidate.confidence == STRONG) is named


def test_handle_and_name_alone_are_hints_and_cross_links_are_strong():
    same_handle = evaluate("ami_1", "Ami Un", _profile(address="ami-1.bsky.social"), [])
    assert same_handle.confidence == WEAK and same_handle.evidence == ["same handle"]
    both = evaluate("ami_1", "Amie Ün 🚲", _profile(address="ami-1.test", name="amie un"), [])
    assert both.evidence == ["same handle", "same name"] and both.confidence == "likely"
    mastodon = _profile("mastodon", "ami@m.example", description="Aussi sur https://bsky.app/profile/ami-1.bsky.social")
    linked = evaluate("ami_1", None, mastodon, [_profile(address="ami-1.bsky.social")])
    assert "links to" in linked.evidence and linked.confidence == STRONG
    assert evaluate("ami_1", "Ami", _profile(address="personne.bsky.social", name="Quelqu'un"), []) is None


def test_bluesky_handles_from_an_x_screen_name():
    assert bluesky_handles("Ami_1", ["bsky.social", "test"]) == [
        "ami-1.bsky.social",
        "ami-1.test",
        "ami1.bsky.social",
        "ami1.test",
    ]
    assert bluesky_handles("_", ["bsky.social"]) == []


@given(st.text(max_size=40))
def test_normalized_names_ignore_case_accents_and_emoji(name):
    assert normalized_name(name) == normalized_name(name.upper().lower())
    assert normalized_name("Réseau  Vélo 🚲") == normalized_name("reseau velo")


# -- the sheet -------------------------------------------------------------------------------
def _found_example():
    contacts = read_contacts(EXAMPLE)
    strong = evaluate(
        "reseau_velo", None, _profile(address="reseau-velo.bsky.social", description="x.com/reseau_velo"), []
    )
    likely = evaluate(
        "mairie_exemple", "Mairie_Exemple", _profile(address="mairie-exemple.bsky.social", name="Mairie Exemple"), []
    )
    return [
        Found(contacts.named[0], {"bluesky": [strong], "mastodon": []}),
        Found(contacts.named[1], {"bluesky": [likely], "mastodon": []}),
        Found(contacts.named[2], {"bluesky": [], "mastodon": []}),
    ]


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-16"), (";", "cp1252")]
)
def test_the_sheet_reads_back_in_every_dialect(tmp_path, delimiter, encoding):
    sheet = tmp_path / "contacts.csv"
    write_contacts_sheet(sheet, _found_example(), ["bluesky", "mastodon"])
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig")), delimiter=";"))
    saved = io.StringIO()
    csv.writer(saved, delimiter=delimiter).writerows(rows)  # as the spreadsheet saves it again
    sheet.write_bytes(saved.getvalue().encode(encoding))
    targets = follow_targets(sheet, ["bluesky", "mastodon"])
    assert [(t.platform, t.address, t.x_handle) for t in targets] == [
        ("bluesky", "reseau-velo.bsky.social", "reseau_velo")
    ]


def test_follow_values_a_person_types(tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "x_handle;bluesky;bluesky_id;mastodon;follow\n"
        "a;a.bsky.social;did:plc:a;a@m.example;oui\n"
        "b;b.bsky.social;did:plc:b;b@m.example;Bluesky\n"
        "c;c.bsky.social;did:plc:c;c@m.example;non\n"
        "d;d.bsky.social;did:plc:d;d@m.example;mastodon, bluesky\n"
        "e;;;e@m.example;ja\n",
        encoding="utf-8",
    )
    targets = [(t.x_handle, t.platform) for t in follow_targets(sheet, ["bluesky", "mastodon"])]
    assert targets == [
        ("a", "bluesky"), ("a", "mastodon"), ("b", "bluesky"), ("d", "mastodon"), ("d", "bluesky"), ("e", "mastodon"),
    ]  # fmt: skip
    assert [(t.x_handle, t.platform) for t in follow_targets(sheet, ["mastodon"])] == [
        ("a", "mastodon"),
        ("d", "mastodon"),
        ("e", "mastodon"),
    ]


def test_a_sheet_with_mistakes_lists_them_all(tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("x_handle;bluesky;follow\na;;bluesky\nb;b.test;peut-être\n", encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        follow_targets(sheet, ["bluesky"])
    assert "line 2" in caught.value.message and "line 3" in caught.value.message
    (tmp_path / "other.csv").write_text("media_path;alt_text\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="must name the columns x_handle and follow"):
        follow_targets(tmp_path / "other.csv", ["bluesky"])


def test_formulas_in_names_are_defused_and_read_back(tmp_path):
    found = _found_example()
    found[0].contact.display_name = '=HYPERLINK("http://evil")'
    sheet = tmp_path / "contacts.csv"
    write_contacts_sheet(sheet, found, ["bluesky"])
    assert "\"'=HYPERLINK" in sheet.read_text(encoding="utf-8-sig")


def test_exports_from_the_marked_rows(tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "x_handle;bluesky;mastodon;follow\nAmi_1;ami-1.bsky.social;@ami@m.example;yes\nb;b.test;;\n", encoding="utf-8"
    )
    targets = follow_targets(sheet, ["bluesky", "mastodon"])
    assert mastodon_following_csv(targets).splitlines() == [
        "Account address,Show boosts,Notify on new posts,Languages",
        "ami@m.example,true,false,",
    ]
    handle_map = parse_handle_map(handle_map_csv(targets))
    assert handle_map["ami_1"].mastodon == "ami@m.example" and handle_map["ami_1"].bluesky == "ami-1.bsky.social"
    assert "b" not in handle_map


def test_export_command_needs_an_output(tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("x_handle;follow\n", encoding="utf-8")
    assert run_cli("contacts", "export", sheet).exit_code == 2


# -- looking up, following ------------------------------------------------------------------
class _Finder:
    platform = "bluesky"
    asked: list[str] = []

    def __init__(self, publisher):
        pass

    def find(self, screen_name, display_name, known=None):
        _Finder.asked.append(screen_name)
        if screen_name == "reseau_velo":
            return [_profile(address="reseau-velo.bsky.social", description="https://x.com/reseau_velo")]
        return []


class _Publisher:
    account, label = "did:plc:me", "@me.test"


def test_lookups_are_cached_so_a_rerun_asks_only_whats_left(tmp_path, monkeypatch):
    from quittex.contacts import find

    monkeypatch.setitem(find.FINDERS, "bluesky", _Finder)
    contacts = read_contacts(EXAMPLE)
    _Finder.asked = []
    progress = []
    found = find_contacts(
        contacts, {"bluesky": _Publisher()}, state_dir=tmp_path, on_progress=lambda *a: progress.append(a)
    )
    assert _Finder.asked == ["reseau_velo", "mairie_exemple", "voisine_engagee"] and progress[-1] == (3, 3)
    assert found[0].candidates["bluesky"][0].confidence == STRONG and found[0].prefilled_follow() == "yes"
    cache = LookupCache("velo_lumiere", "bluesky", "did:plc:me", tmp_path)
    with cache.path.open("a", encoding="utf-8") as stream:
        stream.write('{"key": "torn')  # a crash in the middle of a line
    del cache.answers
    _Finder.asked = []
    find_contacts(contacts, {"bluesky": _Publisher()}, state_dir=tmp_path)
    assert _Finder.asked == []
    assert oct(cache.path.stat().st_mode & 0o777) == "0o600"


def test_follow_record_keys_are_valid_tids_one_per_did():
    key = follow_key("did:plc:abc")
    assert TID_RE.match(key) and key == follow_key("did:plc:abc") and key != follow_key("did:plc:abd")


def test_follow_dry_run_and_refusal_without_terminal(tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("x_handle;bluesky;bluesky_id;follow\na;a.test;did:plc:a;yes\n", encoding="utf-8")
    dry = run_cli("contacts", "follow", sheet, "--dry-run", "--to", "bluesky")
    assert dry.exit_code == 0 and "Bluesky: a.test" in dry.stdout and "Would follow 1 on Bluesky" in dry.stdout
    refused = run_cli("contacts", "follow", sheet, "--to", "bluesky")
    assert refused.exit_code == 2 and "--yes" in refused.stderr


def test_find_without_accounts_names_every_missing_login(tmp_path):
    result = run_cli("contacts", "find", EXAMPLE, "--out", tmp_path / "c.csv")
    assert result.exit_code == 3
    said = " ".join(result.stderr.split())
    assert "Mastodon" in said and "Bluesky" in said and not (tmp_path / "c.csv").exists()


class _FakeBlueskyPDS:
    """A Bluesky publisher's reads, answered from a table, for the finder."""

    account, label, did = "did:plc:me", "@me.test", "did:plc:me"

    def __init__(self, appview: bool) -> None:
        self.appview, self.asked = appview, []

    def query_json(self, nsid, params):
        from quittex.publish.base import RefusedError

        self.asked.append(nsid)
        if nsid == "com.atproto.server.describeServer":
            return {"availableUserDomains": [".test"]}
        if nsid == "com.atproto.identity.resolveHandle":
            if params["handle"] == "ami-1.test":
                return {"did": "did:plc:ami"}
            raise RefusedError("Unable to resolve handle", status=400)
        if nsid.startswith("app.bsky.actor."):
            if not self.appview:
                raise RefusedError("Bluesky refused it: No service configured for " + nsid, status=400)
            if nsid.endswith("getProfiles"):
                return {"profiles": [{"did": "did:plc:ami", "handle": "ami-1.test", "description": "x.com/ami_1"}]}
            return {"actors": [{"did": "did:plc:other", "handle": "autre.test", "displayName": "Ami Un"}]}
        if nsid == "com.atproto.repo.getRecord":
            return {"value": {"displayName": "Ami Un", "description": "https://x.com/ami_1"}}
        raise AssertionError(nsid)


@pytest.mark.parametrize("appview", [True, False])
def test_bluesky_finder_with_and_without_an_appview(appview):
    from quittex.contacts.lookup import BlueskyFinder

    pds = _FakeBlueskyPDS(appview)
    finder = BlueskyFinder(pds)
    assert finder.domains == ["bsky.social", "test"]
    found = finder.find("ami_1", "Ami Un")
    assert found[0].ref == "did:plc:ami" and "x.com/ami_1" in found[0].description
    if appview:
        assert [p.address for p in found] == ["ami-1.test", "autre.test", "autre.test"]  # and the searches
    else:
        assert [p.address for p in found] == ["ami-1.test"] and finder.appview is False
        found = finder.find("ami_2", None)  # no AppView: not asked again
        assert pds.asked.count("app.bsky.actor.getProfiles") == 1
