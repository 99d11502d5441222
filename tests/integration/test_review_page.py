"""The review page driven in a real headless Chromium through Selenium: keep
or leave out, alt texts, an edit with its posts counted live, filters and
counts, saving the review, opening it (and merging two) on a fresh page, then
the dry run with that file gives the plan the page promised.

Screenshots at desktop and phone widths go to .cache/screenshots/ for a
person to look at."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import FLAGS as BROWSER_FLAGS
from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "twitter-example.zip"
SCREENSHOTS = ROOT / ".cache" / "screenshots"
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The machine notes' flags (tests/browser.py), in the headless mode that downloads files.
FLAGS = ["--headless=new", *(flag for flag in BROWSER_FLAGS if flag != "--headless"), "--disable-dev-shm-usage"]

WORKSHOP = "1102637329413046272"  # "Atelier de réparation…", no media
VIDEO = "1146123873285046272"  # "La vélorution en 20 secondes", a video
BALADE = "1113508965381046272"  # two photos, first of a thread
ASSEMBLY = "1283834886091702272"  # "Assemblée générale…", the one edited
PHOTO = "data/tweets_media/1113508965381046272-D1aBcDeXkAAaaa1.jpg"
LOGO = "data/tweets_media/1124380601349046272-D2LogoPngAAb.png"
ARCHIVE = {"account_id": "1180000000000000001", "username": "velo_lumiere"}
ALT = "Des cyclistes éclairés la nuit, place Bellecour"
SHORT_EDIT = "Assemblée générale le 22 juin à 18h30 avec @mairie_exemple : https://velo-lumiere.example.org/ag"
LONG_TAIL = (
    " Ordre du jour : bilan de l'année, budget, ateliers de l'automne et balades nocturnes. Venez nombreuses"
    " et nombreux, il y aura du café et des gâteaux. Pour celles et ceux qui ne peuvent pas venir, le compte"
    " rendu sera publié sur notre site la semaine suivante, avec les photos de la soirée et le nouveau calendrier."
)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_and_driver_or_skip() -> str:
    chromium = shutil.which("chromium")
    problem = None
    if chromium is None:
        problem = "chromium is not installed"
    elif not CHROMEDRIVER.exists():
        problem = "chromedriver is not installed (/usr/bin/chromedriver)"
    if problem:
        if running_in_ci():
            pytest.fail(f"{problem}; scripts/test.sh installs it and CI must run the review page test", pytrace=False)
        pytest.skip(f"{problem} (bash scripts/test.sh installs it)")
    return chromium  # type: ignore[return-value]


@pytest.fixture
def downloads(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(tmp_path, downloads) -> Iterator:
    chromium = chromium_and_driver_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path / "profile"
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,1000")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
        },
    )
    # The driver given by path: Selenium Manager is never asked to download one.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(condition: Callable[[], object], what: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - the page may be in between
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Page:
    """The review page as a person uses it."""

    def __init__(self, driver) -> None:
        from selenium.webdriver.common.by import By

        self.driver, self.by = driver, By

    def find(self, css: str):
        return self.driver.find_element(self.by.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(self.by.CSS_SELECTOR, css)

    def row(self, tweet_id: str):
        return self.find(f"#tweet-{tweet_id}")

    def counts(self) -> str:
        return self.find("#counts").text

    def wait_counts(self, *parts: str) -> str:
        return wait_for(lambda: all(p in self.counts() for p in parts) and self.counts(), f"counts {parts}")

    def keep_box(self, tweet_id: str):
        return self.row(tweet_id).find_element(self.by.CSS_SELECTOR, ".keep-box")

    def text_box(self, tweet_id: str):
        return self.row(tweet_id).find_element(self.by.CSS_SELECTOR, ".text-box")

    def alt_box(self, path: str):
        return self.find(f'.alt-box[data-media="{path}"]')

    def live_parts(self, tweet_id: str, platform: str) -> list[str]:
        column = self.row(tweet_id).find_element(self.by.CSS_SELECTOR, f'.col[data-platform="{platform}"] .live')
        if not column.is_displayed():
            return []
        return [part.text for part in column.find_elements(self.by.CSS_SELECTOR, ".live-part")]

    def live_texts(self, tweet_id: str, platform: str) -> list[str]:
        """The texts of the posts the page counted, as the script wrote them."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent)",
            f'#tweet-{tweet_id} .col[data-platform="{platform}"] .live-part .text',
        )

    def unsaved(self) -> bool:
        return self.driver.execute_script("return document.documentElement.dataset.unsaved === '1'")

    def reload(self, *, unsaved: bool) -> None:
        """Reload as a person would, saying yes when the browser asks about unsaved choices."""
        assert self.unsaved() is unsaved
        self.driver.execute_script("window.onbeforeunload = null")
        self.driver.refresh()

    def choose(self, select_id: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(f"#{select_id}")).select_by_value(value)

    def visible_rows(self) -> list[str]:
        return [row.get_attribute("data-tweet-id") for row in self.find_all(".row") if row.is_displayed()]

    def screenshot(self, name: str, width: int, height: int, *, mobile: bool, scroll_to: str | None = None) -> Path:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        if scroll_to:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", self.find(scroll_to))
        else:
            self.driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / name
        assert self.driver.save_screenshot(str(target))
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return target


def make_page(tmp_path) -> Path:
    page = tmp_path / "review.html"
    result = run_cli("migrate", EXAMPLE, "--dry-run", "--to", "mastodon,bluesky", "--preview", page)
    assert result.exit_code == 0, result.stderr
    return page


def test_a_review_made_on_the_page_is_the_plan_the_dry_run_gives(browser, tmp_path, downloads):
    page_file = make_page(tmp_path)
    browser.get(page_file.as_uri())
    page = Page(browser)
    page.wait_counts("Shown: 12 of 12", "Kept: 12", "Alt texts written: 0 of 6")
    assert browser.execute_script("return document.documentElement.lang") == "en"

    # Two tweets left out, by keyboard and by mouse.
    page.keep_box(WORKSHOP).send_keys(" ")
    page.row(VIDEO).find_element(page.by.CSS_SELECTOR, "label.keep").click()
    page.wait_counts("Kept: 10", "Left out: 2")
    assert "left-out" in page.row(WORKSHOP).get_attribute("class")
    assert page.row(WORKSHOP).find_element(page.by.CSS_SELECTOR, ".left-out-note").is_displayed()

    # An alt text under a photo.
    page.alt_box(PHOTO).send_keys(ALT)
    page.wait_counts("Alt texts written: 1 of 6")

    # An edit: the new posts are counted as one types.
    row = page.row(ASSEMBLY)
    row.find_element(page.by.CSS_SELECTOR, "details.edit summary").click()
    box = page.text_box(ASSEMBLY)
    box.clear()
    box.send_keys(SHORT_EDIT)
    wait_for(lambda: len(page.live_parts(ASSEMBLY, "bluesky")) == 1, "one Bluesky post for the short edit")
    [masto] = page.live_parts(ASSEMBLY, "mastodon")
    assert "＠mairie_exemple" in masto and "https://velo-lumiere.example.org/ag" in masto
    assert "Publié sur X le 16 juillet 2020" in masto and "/500" in masto
    [sky] = page.live_parts(ASSEMBLY, "bluesky")
    assert "velo-lumiere.example.org/ag" in sky and "https://" not in sky.split("\n")[0]
    assert not row.find_element(page.by.CSS_SELECTOR, '.col[data-platform="bluesky"] .planned').is_displayed()
    first_length = int(sky.rsplit("·", 1)[1].split("/")[0].strip())
    box.send_keys(LONG_TAIL)
    sky_parts = wait_for(
        lambda: len(page.live_parts(ASSEMBLY, "bluesky")) == 2 and page.live_parts(ASSEMBLY, "bluesky"), "a split"
    )
    assert all("/300" in part for part in sky_parts) and "over" not in " ".join(sky_parts)
    assert "Post 1 of 2" in sky_parts[0] and "1/2" in sky_parts[0] and "Publié sur X" in sky_parts[0]
    assert len(page.live_parts(ASSEMBLY, "mastodon")) == 1  # 500 characters, links counted 23
    assert int(sky_parts[0].rsplit("·", 1)[1].split("/")[0].strip()) > first_length
    page.wait_counts("Edited: 1")
    assert "New text" in row.find_element(page.by.CSS_SELECTOR, ".live-summary").text

    # Filters, and the counts they leave.
    page.choose("filter-kind", "leftout")
    page.wait_counts("Shown: 2 of 12")
    assert sorted(page.visible_rows()) == sorted([WORKSHOP, VIDEO])
    page.choose("filter-kind", "edited")
    page.wait_counts("Shown: 1 of 12")
    assert page.visible_rows() == [ASSEMBLY]
    page.choose("filter-kind", "split")
    assert ASSEMBLY in page.visible_rows()  # too long now, by the live count
    page.choose("filter-kind", "noalt")
    page.wait_counts("Shown: 5 of 12")  # five tweets with media, one photo of them described
    page.choose("filter-kind", "")
    page.choose("filter-year", "2020")
    page.wait_counts("Shown: 2 of 12")
    page.choose("filter-year", "")
    page.wait_counts("Shown: 12 of 12")

    page.screenshot("review-desktop-top.png", 1280, 1000, mobile=False)
    page.screenshot("review-desktop-edit.png", 1280, 1000, mobile=False, scroll_to=f"#tweet-{ASSEMBLY}")
    page.screenshot("review-phone-top.png", 390, 844, mobile=True)
    page.screenshot("review-phone-edit.png", 390, 844, mobile=True, scroll_to=f"#tweet-{ASSEMBLY}")

    # Save: the browser downloads the review.
    assert page.unsaved()  # until then the browser asks before the page is closed
    page.find("#save-review").click()
    saved_file = wait_for(
        lambda: (downloads / "quittex-review.json").is_file() and downloads / "quittex-review.json", "the download"
    )
    saved = wait_for(lambda: json.loads(saved_file.read_text(encoding="utf-8")), "a complete file")
    assert saved["quittex_review"] == 1 and saved["archive"]["username"] == "velo_lumiere"
    assert saved["tweets"][WORKSHOP] == {"keep": False} and saved["tweets"][VIDEO] == {"keep": False}
    assert saved["tweets"][ASSEMBLY]["text"] == SHORT_EDIT + LONG_TAIL
    assert saved["tweets"][BALADE]["alt"] == {PHOTO: ALT}
    assert "Saved quittex-review.json" in page.find("#file-status").text
    review = tmp_path / "saved.json"
    shutil.copy(saved_file, review)

    # A fresh page knows nothing; opening the file restores every choice.
    page.reload(unsaved=False)
    page.wait_counts("Kept: 12", "Edited: 0", "Alt texts written: 0 of 6")
    page.find("#open-review").send_keys(str(review))
    wait_for(lambda: "restored" in page.find("#file-status").text, "the file opened")
    page.wait_counts("Kept: 10", "Left out: 2", "Edited: 1", "Alt texts written: 1 of 6")
    assert not page.keep_box(WORKSHOP).is_selected() and not page.keep_box(VIDEO).is_selected()
    assert page.text_box(ASSEMBLY).get_attribute("value") == SHORT_EDIT + LONG_TAIL
    assert page.alt_box(PHOTO).get_attribute("value") == ALT
    assert len(page.live_parts(ASSEMBLY, "bluesky")) == 2
    counted = {platform: page.live_texts(ASSEMBLY, platform) for platform in ("mastodon", "bluesky")}

    # Two reviews merged, the later winning: someone else keeps the video and describes the logo.
    other = tmp_path / "zz-other.json"
    other.write_text(
        json.dumps(
            {
                "quittex_review": 1,
                "archive": saved["archive"],
                "tweets": {VIDEO: {"keep": True}, "1124380601349046272": {"alt": {LOGO: "Le logo"}}, "42": {}},
            }
        ),
        encoding="utf-8",
    )
    page.reload(unsaved=True)
    page.wait_counts("Kept: 12")
    page.find("#open-review").send_keys(f"{review}\n{other}")
    wait_for(lambda: "2 reviews" in page.find("#file-status").text, "two files opened")
    page.wait_counts("Kept: 11", "Left out: 1", "Edited: 1", "Alt texts written: 2 of 6")
    assert "1 tweet is not on this page" in page.find("#file-status").text
    assert page.keep_box(VIDEO).is_selected() and not page.keep_box(WORKSHOP).is_selected()

    # Files that are not this archive's review change nothing and say why.
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"quittex_review": 1, "archive": {"username": "someone"}, "tweets": {}}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"quittex_review": 1, "tweets": {')
    hostile = tmp_path / "hostile.json"
    hostile.write_text(
        json.dumps(
            {
                "quittex_review": 1,
                "archive": saved["archive"],
                "tweets": {"__proto__": {"keep": False}, WORKSHOP: {"keep": "yes", "text": 3}},
            }
        )
    )
    before = page.counts()
    page.find("#open-review").send_keys(f"{foreign}\n{broken}\n{hostile}")
    problems = wait_for(lambda: page.find_all("#file-status .problem"), "the problems said")
    said = page.find("#file-status").text
    assert "foreign.json is a review of another archive (@someone), not of @velo_lumiere's." in said
    assert "broken.json is not a review file: it is not valid JSON." in said
    assert f"hostile.json: tweet {WORKSHOP} has a field this page cannot read (keep)" in said
    assert len(problems) == 4 and page.counts() == before
    assert not page.keep_box(WORKSHOP).is_selected()

    # The dry run with the saved review gives the plan the page showed.
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--review", review, "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    posts = [json.loads(line) for line in result.stdout.splitlines()]
    ids = {p["tweet_id"] for p in posts}
    assert WORKSHOP not in ids and VIDEO not in ids
    edited = {name: [p for p in posts if p["tweet_id"] == ASSEMBLY and p["platform"] == name] for name in counted}
    for name, texts in counted.items():  # what the page counted is what the dry run gives, here exactly
        assert [p["text"] for p in edited[name]] == texts, name
    assert (
        "＠mairie_exemple" in edited["mastodon"][0]["text"] and "@mairie_exemple" not in edited["mastodon"][0]["text"]
    )
    link = [f for f in edited["bluesky"][0]["facets"] if f["features"][0].get("uri")]
    assert link and link[0]["features"][0]["uri"] == "https://velo-lumiere.example.org/ag"
    alts = [m["alt"] for p in posts for m in p["media"] if m["path"] == PHOTO]
    assert alts == [ALT, ALT]
    assert "1 tweet edited" in result.stderr


def test_the_page_counts_every_edited_tweet_as_the_dry_run_writes_it(browser, tmp_path):
    """Each tweet's text, edited a little: the posts the page shows are those of the dry run."""
    browser.get(make_page(tmp_path).as_uri())
    page = Page(browser)
    page.wait_counts("Kept: 12")
    texts = browser.execute_script(
        """
        var out = {};
        document.querySelectorAll('.text-box').forEach(function (box) {
          box.value = box.value + ' !';
          box.dispatchEvent(new Event('input', {bubbles: true}));
          out[box.closest('.row').dataset.tweetId] = box.value;
        });
        return out;"""
    )
    assert len(texts) == 12
    page.wait_counts("Edited: 12")
    counted = {
        tweet_id: {platform: page.live_texts(tweet_id, platform) for platform in ("mastodon", "bluesky")}
        for tweet_id in texts
    }
    review = tmp_path / "all.json"
    tweets = {tweet_id: {"text": text} for tweet_id, text in texts.items()}
    review.write_text(json.dumps({"quittex_review": 1, "archive": ARCHIVE, "tweets": tweets}), encoding="utf-8")
    result = run_cli("migrate", EXAMPLE, "--to", "mastodon,bluesky", "--review", review, "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    posts = [json.loads(line) for line in result.stdout.splitlines()]
    for tweet_id, platforms in counted.items():
        for platform, shown in platforms.items():
            written = [p["text"] for p in posts if p["tweet_id"] == tweet_id and p["platform"] == platform]
            assert shown == written, (tweet_id, platform)
