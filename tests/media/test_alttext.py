"""The alt-text spreadsheet: export, fill, load back."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quittex.alttext import (
    COLUMNS,
    clip_alt_text,
    export_alt_text_csv,
    grapheme_count,
    load_alt_text_csv,
    media_missing_alt_text,
    text_excerpt,
)
from quittex.errors import BadInputError
from quittex.models import Media, Tweet

PHOTO = "data/tweets_media/1092177336852774917-DygxfPAWkAAEDfL.jpg"
GIF = "data/tweets_media/1092177336852774917-gif.mp4"
VIDEO = "data/tweets_media/1100000000000000000-v.mp4"
HEADER = ";".join(COLUMNS)


def tweets() -> list[Tweet]:
    return [
        Tweet(
            id="1092177336852774917",
            created_at=datetime(2019, 2, 3, 14, 5, tzinfo=UTC),
            text="Manif ce samedi à 14 h,\nplace de la République ✊🏽",
            media=[
                Media("photo", "1", PHOTO, "https://pbs.twimg.com/media/DygxfPAWkAAEDfL.jpg"),
                Media("animated_gif", "2", GIF, "https://video.twimg.com/tweet_video/gif.mp4"),
                Media("photo", "3", None, "https://pbs.twimg.com/media/missing.jpg"),
            ],
        ),
        Tweet(id="1", created_at=datetime(2019, 2, 4, tzinfo=UTC), text="no media"),
        Tweet(
            id="1100000000000000000",
            created_at=datetime(2019, 2, 25, 8, 0, tzinfo=UTC),
            text="=1+1 @someone -not a formula",
            media=[Media("video", "4", VIDEO, "https://video.twimg.com/v.mp4")],
        ),
    ]


def read_rows(path, delimiter=";") -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=delimiter))


def write(path, text: str, encoding: str = "utf-8-sig") -> None:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))


# ----- export ---------------------------------------------------------------


def test_export_writes_one_row_per_media_with_a_file(tmp_path):
    path = tmp_path / "alt.csv"
    summary = export_alt_text_csv(tweets(), "collectif", path)
    assert (summary.rows, summary.media_without_file, summary.prefilled) == (3, 1, 0)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf" + HEADER.encode())
    header, first, second, third = read_rows(path)
    assert header == list(COLUMNS)
    assert first == [
        "1092177336852774917",
        "2019-02-03 14:05",
        "https://x.com/collectif/status/1092177336852774917",
        "Manif ce samedi à 14 h, place de la République ✊🏽",
        PHOTO,
        "photo",
        "",
    ]
    assert second[4:6] == [GIF, "animated_gif"]
    assert third[4:6] == [VIDEO, "video"]


def test_formulas_are_defused_and_restored(tmp_path):
    path = tmp_path / "alt.csv"
    export_alt_text_csv(tweets(), "c", path, existing={VIDEO: "=a graph going up"})
    row = read_rows(path)[3]
    assert row[3].startswith("'=1+1") and row[6] == "'=a graph going up"
    assert load_alt_text_csv(path) == {VIDEO: "=a graph going up"}


def test_existing_alt_text_is_kept_when_exporting_again(tmp_path):
    path = tmp_path / "alt.csv"
    summary = export_alt_text_csv(tweets(), "c", path, existing={PHOTO: "Une foule place de la République"})
    assert summary.prefilled == 1
    assert load_alt_text_csv(path) == {PHOTO: "Une foule place de la République"}


def test_an_existing_file_is_not_overwritten(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_text("hours of work")
    with pytest.raises(BadInputError) as caught:
        export_alt_text_csv(tweets(), "c", path)
    assert "already exists" in caught.value.message and path.read_text() == "hours of work"
    export_alt_text_csv(tweets(), "c", path, overwrite=True)
    assert len(read_rows(path)) == 4


def test_comma_delimiter_for_english_excel(tmp_path):
    path = tmp_path / "alt.csv"
    export_alt_text_csv(tweets(), "c", path, delimiter=",")
    assert read_rows(path, ",")[0] == list(COLUMNS)
    assert load_alt_text_csv(path) == {}


def test_unwritable_folder_is_a_clear_error(tmp_path):
    with pytest.raises(BadInputError):
        export_alt_text_csv(tweets(), "c", tmp_path / "no" / "such" / "alt.csv")


# ----- load -----------------------------------------------------------------


def test_round_trip_with_accents_emoji_and_newlines(tmp_path):
    path = tmp_path / "alt.csv"
    export_alt_text_csv(tweets(), "c", path)
    rows = read_rows(path)
    rows[1][6] = "Une foule\r\nsous la pluie 🌧️, pancartes « Non ! »"
    rows[2][6] = "  Un chat qui saute  "
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, delimiter=";").writerows(rows)
    assert load_alt_text_csv(path) == {
        PHOTO: "Une foule\nsous la pluie 🌧️, pancartes « Non ! »",
        GIF: "Un chat qui saute",
    }


def test_what_excel_saves_in_france_is_read(tmp_path):
    """Plain "CSV" from a French Excel: Windows-1252, semicolons, no BOM, the
    tweet id mangled into scientific notation, trailing empty cells."""
    path = tmp_path / "alt.csv"
    write(path, f"{HEADER};;\n1,09218E+18;03/02/2019 14:05;url;texte;{PHOTO};photo;Élève à vélo;;\n", "cp1252")
    assert load_alt_text_csv(path) == {PHOTO: "Élève à vélo"}


def test_unicode_text_from_excel_is_read(tmp_path):
    path = tmp_path / "alt.txt"
    write(path, "\t".join(COLUMNS) + f"\n1\t\t\t\t{PHOTO}\tphoto\tUn arbre 🌳\n", "utf-16")
    assert load_alt_text_csv(path) == {PHOTO: "Un arbre 🌳"}


def test_columns_may_be_reordered_or_removed(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"alt_text,media_path\nUn arbre,{PHOTO}\n,{GIF}\n")
    assert load_alt_text_csv(path) == {PHOTO: "Un arbre"}


def test_identical_duplicates_are_harmless(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text\n{PHOTO};Un arbre\n{PHOTO};Un arbre\n{PHOTO};\n")
    assert load_alt_text_csv(path) == {PHOTO: "Un arbre"}


def problems(path, **options) -> str:
    with pytest.raises(BadInputError) as caught:
        load_alt_text_csv(path, **options)
    assert caught.value.hint
    return caught.value.message


def test_unknown_and_repeated_columns(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text;notes;alt_text\n{PHOTO};a;b;c\n")
    message = problems(path)
    assert "line 1: unknown column(s) notes" in message
    assert "alt_text appear more than once" in message


def test_header_without_the_needed_columns(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"chemin;texte\n{PHOTO};a\n")
    assert "line 1" in problems(path) and "media_path" in problems(path)


def test_conflicting_duplicates_name_both_lines(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text\n{PHOTO};Un arbre\n{GIF};Un chat\n{PHOTO};Une forêt\n")
    message = problems(path)
    assert f"line 4: {PHOTO} already has a different alt text on line 2" in message


def test_too_long_for_each_platform(tmp_path):
    path = tmp_path / "alt.csv"
    long_for_mastodon = "a" * 1501
    long_for_both = "é" * 2001
    write(path, f"media_path;alt_text\n{PHOTO};{long_for_mastodon}\n{GIF};{long_for_both}\n")
    message = problems(path)
    assert "line 2: the alt text has 1,501 characters; Mastodon accepts 1,500" in message
    assert "line 3: the alt text has 2,001 characters; Mastodon accepts 1,500" in message
    assert "line 3: the alt text has 2,001 characters; Bluesky accepts 2,000" in message
    assert load_alt_text_csv(path, mastodon_limit=None, bluesky_limit=None)[GIF] == long_for_both
    assert PHOTO in load_alt_text_csv(path, mastodon_limit=3000, bluesky_limit=None)


def test_bluesky_counts_graphemes(tmp_path):
    path = tmp_path / "alt.csv"
    family = "👨‍👩‍👧"  # 5 code points, one grapheme
    write(path, f"media_path;alt_text\n{PHOTO};{family * 2000}\n")
    assert load_alt_text_csv(path, mastodon_limit=None)[PHOTO] == family * 2000


def test_line_numbers_count_multi_line_cells(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f'media_path;alt_text\n{PHOTO};"line one\nline two\nline three"\n;orphan alt text\n')
    assert "line 5: alt text without a media_path" in problems(path)


def test_rows_with_too_many_cells(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text\n{PHOTO};a;surprise\n")
    assert "line 2: 3 cells, but the header has 2 columns" in problems(path)


def test_unknown_media_when_the_archive_is_known(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text\n{PHOTO};a\ndata/tweets_media/other.jpg;b\n")
    message = problems(path, known_paths={PHOTO})
    assert "line 3: data/tweets_media/other.jpg is not a media file of this archive" in message


def test_malformed_csv_quotes(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f'media_path;alt_text\n{PHOTO};"unterminated\n{GIF};"a"b\n')
    assert "malformed" in problems(path)


def test_empty_missing_and_binary_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in problems(empty)
    assert "cannot read" in problems(tmp_path / "nope.csv")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x81\x8d\x8f\x90\x9d" * 10)
    assert "encoding" in problems(binary)


def test_many_problems_are_summarised(tmp_path):
    path = tmp_path / "alt.csv"
    rows = "".join(f"\n;orphan {index}" for index in range(30))
    write(path, "media_path;alt_text" + rows + "\n")
    message = problems(path)
    assert "30 problems" in message and "... and 10 more" in message


def test_control_characters_are_removed(tmp_path):
    path = tmp_path / "alt.csv"
    write(path, f"media_path;alt_text\n{PHOTO};un\x07 chat\tnoir\x1b\n")
    assert load_alt_text_csv(path) == {PHOTO: "un chat noir"}


# ----- excerpts, clipping, coverage ------------------------------------------


def test_excerpt_examples():
    assert text_excerpt("  a\n\nb  ") == "a b"
    assert text_excerpt("abcdef", 4) == "abc…"
    assert text_excerpt("ab cdef", 4) == "ab…"


@given(st.text(), st.integers(2, 120))
def test_excerpt_is_one_line_within_limit_and_a_prefix(text, limit):
    excerpt = text_excerpt(text, limit)
    flat = " ".join(text.split())
    assert "\n" not in excerpt and "\r" not in excerpt
    assert grapheme_count(excerpt) <= limit
    if excerpt.endswith("…") and excerpt != flat:
        assert flat.startswith(excerpt[:-1])
    else:
        assert excerpt == flat


@given(
    st.lists(st.sampled_from(["a", "é", "e\u0301", "👨‍👩‍👧", "🇫🇷", " ", "ß"]), max_size=60).map("".join),
    st.one_of(st.none(), st.integers(1, 40)),
    st.one_of(st.none(), st.integers(1, 40)),
)
def test_clipped_alt_text_fits_and_never_splits_a_grapheme(text, max_characters, max_graphemes):
    clipped = clip_alt_text(text, max_characters=max_characters, max_graphemes=max_graphemes)
    if max_characters is not None:
        assert len(clipped) <= max_characters
    if max_graphemes is not None:
        assert grapheme_count(clipped) <= max_graphemes
    body = clipped[:-1] if clipped.endswith("…") and clipped != text else clipped
    assert text.startswith(body)
    if body:
        # the cut falls between graphemes of the original
        assert grapheme_count(text[: len(body)]) + grapheme_count(text[len(body) :]) == grapheme_count(text)


def test_clip_leaves_fitting_text_alone():
    assert clip_alt_text("court", max_characters=1500, max_graphemes=2000) == "court"


def test_media_missing_alt_text():
    missing = media_missing_alt_text(tweets(), {PHOTO: "Une foule", GIF: "   "})
    assert [media.path for _, media in missing] == [GIF, VIDEO]
