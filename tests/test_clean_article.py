"""End-to-end tests of newsarchive.clean.clean_article on farm-copy shaped pages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.clean import clean_article, clean_body, word_count
from newsarchive.items import Article

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_fe0698e2d76874fc.txt"


def make_article(body: str, **kw: object) -> Article:
    art = Article(
        article_id="0" * 32,
        url="https://example.com/a",
        canonical_url="https://example.com/a",
        domain="example.com",
        crawled_at=datetime(2023, 3, 7, tzinfo=UTC),
        body=body,
    )
    return dataclasses.replace(art, **kw)  # type: ignore[arg-type]


def test_fixture_farm_copy() -> None:
    text = (FIXTURES / "farm_copy.txt").read_text(encoding="utf-8")
    art = make_article(text, removed_lines=["earlier"])
    out = clean_article(art)
    assert out is not art
    assert art.body == text  # input unchanged
    assert out.dateline == "SPRINGFIELD, Illinois (AP) –"
    assert out.wire_source == "AP"
    assert out.credits == (
        "This was reported by Jane Roe from Springfield. Associated Press writers John Smith "
        "in Chicago and Maria Lopez in Washington contributed to this report."
    )
    assert out.body.split("\n") == [
        "The city council voted 7-2 on Monday night to approve a new tram line linking the "
        "river district with the airport, ending a debate that had stretched over three "
        "budget cycles.",
        "Supporters said the line would cut commuting times and ease traffic on the old bridge.",
        "Opponents warned that the cost estimate of 410 million dollars was likely to grow, "
        "and asked for an independent review before any contract is signed.",
        "The council said that related work on the bridge would start in the spring. Readers "
        "can sign up for public hearings at city hall, officials said.",
        "Construction is expected to begin next year, the transit authority said. …",
    ]
    assert out.removed_lines == [
        "earlier",
        "Monday, March 6, 2023",
        "WATCH: Mayor unveils plan for riverside park amid budget fight",
        "Read Also:\u00a0 Local bakery wins regional bread award"
        if "\u00a0" in text
        else "Read Also:  Local bakery wins regional bread award",
        "Daily Planet Wire Desk",
        "Daily Planet Wire Desk",
        "Daily Planet Wire is the fastest growing news website covering politics, sports, "
        "technology and more.",
        "Latest news",
        "Related news",
        "- Advertisement -",
        "City council approves new tram line after long debate",
    ]
    assert out.word_count == word_count(out.body) == 109


def test_fixture_with_title_and_site_name() -> None:
    text = (FIXTURES / "farm_copy.txt").read_text(encoding="utf-8")
    art = make_article(
        text,
        title="City council approves new tram line after long debate",
        site_name="Daily Planet Wire",
        domain="dailyplanetwire.example",
    )
    out = clean_article(art)
    assert out.dateline == "SPRINGFIELD, Illinois (AP) –"
    assert out.body.startswith("The city council voted 7-2")
    assert out.body.endswith("the transit authority said. …")
    # the headline is now removed as a title echo, in body order
    assert out.removed_lines[:2] == [
        "Monday, March 6, 2023",
        "City council approves new tram line after long debate",
    ]


@pytest.mark.skipif(not SEED.exists(), reason="shared/ seed page not available")
def test_seed_page() -> None:
    text = SEED.read_text(encoding="utf-8")
    out = clean_article(make_article(text, domain="nationworldnews.com"))
    assert out.dateline == "WILMINGTON, Delaware (AP) –"
    assert out.wire_source == "AP"
    assert out.credits == (
        "This was announced by Vladimir Isachenkov from Moscow. Associated Press contributors "
        "Dasha Litvinova in Moscow, Robert Burns in Washington, and Juras Karmanov in Kiev, "
        "Ukraine contributed to this report."
    )
    assert out.body.startswith("Presidents Joe Biden and Vladimir Putin spoke for nearly an hour")
    assert out.body.endswith(
        "based on mutual respect and taking into account each other’s national interests,” "
        "Putin wrote. …"
    )
    assert "Read Also" not in out.body
    assert "WATCH:" not in out.body
    assert "Nation World News" not in out.body
    assert "Advertisement" not in out.body
    assert sum(ln.startswith("Read Also:") for ln in out.removed_lines) == 2
    assert sum(ln.startswith("WATCH:") for ln in out.removed_lines) == 1
    assert "Thursday, July 7, 2022" in out.removed_lines
    assert out.word_count == word_count(out.body)


def test_local_story_quoting_wire_is_not_tagged() -> None:
    body = (
        "The county board met on Tuesday to discuss the budget.\n"
        "Members agreed to delay the vote, the Associated Press reported.\n"
        "Reuters and AFP also covered the meeting."
    )
    out = clean_article(make_article(body))
    assert out.wire_source is None
    assert out.dateline is None
    assert out.credits is None
    assert out.body == body
    assert out.removed_lines == []


def test_reuters_story() -> None:
    body = (
        "WASHINGTON (Reuters) - The Senate passed the bill on Friday.\n"
        "The measure now goes to the House.\n"
        "(Reporting by Ann Example; Editing by Bob Sample)"
    )
    out = clean_article(make_article(body))
    assert out.dateline == "WASHINGTON (Reuters) -"
    assert out.wire_source == "Reuters"
    assert out.credits == "(Reporting by Ann Example; Editing by Bob Sample)"
    assert out.body == "The Senate passed the bill on Friday.\nThe measure now goes to the House."
    assert out.word_count == 14


def test_credit_only_sets_wire_and_separator_dropped() -> None:
    body = "A local paragraph of text here.\n___\nAssociated Press writer Pat Doe contributed."
    # "contributed." alone is not the credit shape; the AP line stays in the body
    assert clean_body(body).credits is None
    body = (
        "A local paragraph of text here.\n___\n"
        "Associated Press writer Pat Doe contributed to this report."
    )
    res = clean_body(body)
    assert res.credits == "Associated Press writer Pat Doe contributed to this report."
    assert res.wire_source == "AP"
    assert res.dateline is None
    assert res.body == "A local paragraph of text here."
    assert res.removed_lines == ["___"]


def test_copyright_footer_names_wire() -> None:
    body = (
        "Officials said the road would reopen on Monday.\n"
        "Copyright 2019 The Associated Press. All rights reserved."
    )
    res = clean_body(body)
    assert res.body == "Officials said the road would reopen on Monday."
    assert res.wire_source == "AP"
    assert res.removed_lines == ["Copyright 2019 The Associated Press. All rights reserved."]


def test_german_dpa_story() -> None:
    body = (
        "Berlin (dpa) - Die Bundesregierung hat am Mittwoch den Haushalt beschlossen.\n"
        "Anzeige\n"
        "Lesen Sie auch: Streit um Schuldenbremse geht weiter\n"
        "Der Bundestag soll im Herbst abstimmen.\n"
        "Mit Material von dpa"
    )
    res = clean_body(body)
    assert res.dateline == "Berlin (dpa) -"
    assert res.wire_source == "dpa"
    assert res.credits == "Mit Material von dpa"
    assert res.body == (
        "Die Bundesregierung hat am Mittwoch den Haushalt beschlossen.\n"
        "Der Bundestag soll im Herbst abstimmen."
    )
    assert res.removed_lines == ["Anzeige", "Lesen Sie auch: Streit um Schuldenbremse geht weiter"]


def test_hungarian_mti_tail() -> None:
    body = (
        "Budapest (MTI) - A kormány szerdán elfogadta a tervezetet.\n"
        "Hirdetés\n"
        "Kapcsolódó cikk: Újabb döntés született\n"
        "A parlament ősszel szavaz róla. (MTI)"
    )
    res = clean_body(body)
    assert res.dateline == "Budapest (MTI) -"
    assert res.wire_source == "MTI"
    assert res.credits == "(MTI)"
    assert res.body == "A kormány szerdán elfogadta a tervezetet.\nA parlament ősszel szavaz róla."
    assert res.removed_lines == ["Hirdetés", "Kapcsolódó cikk: Újabb döntés született"]


def test_replace_keeps_other_fields() -> None:
    art = make_article("LONDON — Rain fell.\nMore rain is due.", title="Rain", language="en")
    out = clean_article(art)
    assert out.dateline == "LONDON —"
    assert out.wire_source is None
    assert dataclasses.replace(out, body=art.body, dateline=None, word_count=0) == art


@pytest.mark.parametrize("text", ["", "\n\n", "   ", "(AP)", "—", "©", "\x00\ud800", "a" * 100000])
def test_never_raises(text: str) -> None:
    out = clean_article(make_article(text))
    assert isinstance(out.body, str)
    assert out.word_count == word_count(out.body)


def test_dateline_after_a_lead_paragraph() -> None:
    body = (
        "Lawmakers approved the budget after a night of talks, ending a month of deadlock.\n"
        "WASHINGTON (AP) — The Senate passed the bill on Friday.\n"
        "The measure now goes to the House."
    )
    out = clean_body(body)
    assert out.dateline == "WASHINGTON (AP) —"
    assert out.wire_source == "AP"
    assert out.body == (
        "Lawmakers approved the budget after a night of talks, ending a month of deadlock.\n"
        "The Senate passed the bill on Friday.\nThe measure now goes to the House."
    )
    # a dateline-like third line is text, not a dateline
    later = "First paragraph of the story.\nSecond paragraph.\nLONDON — Third paragraph."
    assert clean_body(later).dateline is None
