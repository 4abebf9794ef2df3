"""A byline line at the body's start: newsarchive.clean.byline and its use."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsarchive import extract_article
from newsarchive.clean import clean_body
from newsarchive.clean.byline import (
    MAX_BYLINE_CHARS,
    byline_names,
    is_byline_line,
    split_byline,
)

STORY = ("The council voted on Tuesday to approve the harbour bridge, which now goes to the "
         "regional board for a final decision later this month.")
MORE = ("Work on the bridge could begin next spring if the board agrees, and the town expects "
        "the first cars to cross it three years later.")


@pytest.mark.parametrize(("line", "names"), [
    ("By Jane Doe", "Jane Doe"),
    ("by Jane Doe", "Jane Doe"),
    ("BY JANE DOE AND JOHN ROE", "JANE DOE, JOHN ROE"),
    ("By Jane Doe and John Roe", "Jane Doe, John Roe"),
    ("By Jane Doe, John Roe & Mary Major", "Jane Doe, John Roe, Mary Major"),
    ("By Jane Doe, Staff Writer", "Jane Doe, Staff Writer"),
    ("By Jane Doe | March 3, 2021, 10:00 a.m. EST", "Jane Doe"),
    ("By Jane Doe on May 5, 2021", "Jane Doe"),
    ("Written by: Jane Q. Public", "Jane Q. Public"),
    ("Von Hans Meier, 12.03.2021, 14:00 Uhr", "Hans Meier"),
    ("Von Ursula von der Leyen", "Ursula von der Leyen"),
    ("Par Jean Dupont – 3 mars 2021 à 10h00", "Jean Dupont"),
    ("Par AFP", "AFP"),
    ("Por Juan Pérez y María López", "Juan Pérez, María López"),
    ("Di Mario Rossi", "Mario Rossi"),
    ("Door Jan de Vries", "Jan de Vries"),
    ("Av Ola Nordmann", "Ola Nordmann"),
    ("By Reuters", "Reuters"),
    ("By The Associated Press", "The Associated Press"),
])
def test_byline_lines(line: str, names: str) -> None:
    assert is_byline_line(line)
    assert byline_names(line) == names


@pytest.mark.parametrize("line", [
    # prose that opens with a lead-in word: a lower-case word that is no name particle
    "By the time the rescue arrived, the water had risen.",
    "By the time the rescue arrived",
    "Von Berlin aus fuhr der Zug weiter nach Hamburg",
    "Par la suite, il a démissionné",
    "Por el contrario",
    # a one-word "name" that is neither a wire nor an acronym, then a sentence
    "By Monday, it was over",
    "Di Maio",
    # capitalised words, then a sentence after the separator
    "By Sunday Morning, it was over",
    # a heading in title case: a name does not open with an article or determiner
    "By The Numbers",
    "By Any Means Necessary",
    "Von Der Leine gelassen",
    # a sentence end after a word
    "By Jane Doe.",
    # the name runs on into the sentence without a separator
    "By Jane Doe said the bridge",
    # not a byline word at all, or no name after it
    "Jane Doe",
    "By",
    "Bye Jane Doe",
    "By " + "Jane Doe and " * 20 + "John Roe",
])
def test_not_byline_lines(line: str) -> None:
    assert not is_byline_line(line)
    assert byline_names(line) is None


def test_long_lines_are_never_bylines() -> None:
    line = "By Jane Doe | " + "Staff " * 40
    assert len(line) > MAX_BYLINE_CHARS
    assert not is_byline_line(line)


def test_split_byline_first_or_second_line_only() -> None:
    assert split_byline(f"By Jane Doe\n{STORY}") == ("By Jane Doe", STORY)
    # after a lead (standfirst) paragraph or a kicker
    assert split_byline(f"Lead.\nBy Jane Doe\n{STORY}") == ("By Jane Doe", f"Lead.\n{STORY}")
    # the third line is story text, not the byline under the headline
    body = f"Lead.\n{STORY}\nBy Jane Doe\n{STORY}"
    assert split_byline(body) == (None, body)
    # a body that is only the byline keeps it
    assert split_byline("By Jane Doe") == (None, "By Jane Doe")
    assert split_byline("") == (None, "")


def test_clean_body_moves_the_byline_before_the_dateline() -> None:
    out = clean_body(f"By Jane Doe\nWASHINGTON (AP) — {STORY}\n{STORY}")
    assert out.byline == "By Jane Doe"
    assert out.dateline == "WASHINGTON (AP) —"
    assert out.wire_source == "AP"
    assert out.body == f"{STORY}\n{STORY}"
    plain = clean_body(f"By the time the rescue arrived, the water had risen.\n{STORY}")
    assert plain.byline is None
    assert plain.body.startswith("By the time the rescue arrived")


def _page(byline: str, head: str = "") -> str:
    return (f"<html lang='en'><head><title>Harbour bridge vote</title>{head}</head><body>"
            f"<article><h1>Harbour bridge vote</h1><p>{byline}</p><p>{STORY}</p>"
            f"<p>{MORE}</p></article></body></html>")


def test_extract_article_moves_a_byline_out_of_the_body() -> None:
    crawled = datetime(2022, 1, 1, tzinfo=UTC)
    article = extract_article(_page("By Jane Doe"), "https://example.com/news/bridge",
                              crawled_at=crawled)
    assert article.body == f"{STORY}\n{MORE}"
    assert article.authors == ["Jane Doe"]
    assert "By Jane Doe" in article.removed_lines
    assert article.word_count == 49  # the story's words, not the byline's three


def test_byline_names_fill_empty_authors_through_author_normalization() -> None:
    # A place on the byline's next line ("<br>in Kiel") makes the paragraph no byline
    # for the author sources; the body's first line is one.
    page = ("<html lang='de'><head><title>Harbour bridge vote</title>"
            "<meta property='og:site_name' content='Harbour News'></head><body><article>"
            "<h1>Harbour bridge vote</h1>"
            "<p>Von <strong>Hans Meier</strong> und Harbour News\n<br>\nin Kiel</p>"
            f"<p>{STORY}</p><p>{MORE}</p></article></body></html>")
    article = extract_article(page, "https://harbournews.example/news/bridge",
                              crawled_at=datetime(2022, 1, 1, tzinfo=UTC))
    assert article.body == f"in Kiel\n{STORY}\n{MORE}"
    # the publisher named in the byline is no author (clean_authors' publisher rule)
    assert article.authors == ["Hans Meier"]
    # a sentence is no byline: nothing fills the authors
    page = page.replace("Von <strong>Hans Meier</strong> und Harbour News",
                        "Von Kiel aus fährt die Fähre")
    article = extract_article(page, "https://harbournews.example/news/bridge",
                              crawled_at=datetime(2022, 1, 1, tzinfo=UTC))
    assert article.authors == []
    assert article.body.startswith("Von Kiel aus fährt die Fähre\n")
