"""Headline choice (``choose_title``/``clean_title``) on small pages written here."""

from __future__ import annotations

from newsarchive.extract.metadata import (
    choose_title,
    clean_title,
    parse_html,
    read_metadata,
    site_name,
)

URL = "https://www.example.com/news/story-1"


def title_of(head: str, body: str) -> str | None:
    root = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert root is not None
    meta = read_metadata(root, URL)
    return choose_title(meta, site_name(meta), "example.com")


def test_h1_after_many_navigation_headings_corrects_the_title() -> None:
    nav = "".join(f"<h2>Section {i}</h2>" for i in range(10))
    head = ("<title>Council approves harbour bridge / Politics / Home - Example Online "
            "with news and pictures</title>")
    body = f"{nav}<h1>Council approves harbour bridge</h1><p>Text.</p>"
    assert title_of(head, body) == "Council approves harbour bridge"


def test_heading_with_typographic_quotes_and_dashes_is_taken_as_written() -> None:
    head = """<meta property="og:title" content="Mayor's plan - a bridge for 'everyone'">"""
    body = "<h1>Mayor’s plan – a bridge for ‘everyone’</h1>"
    assert title_of(head, body) == "Mayor’s plan – a bridge for ‘everyone’"


def test_heading_adding_quotation_marks_does_not_replace_the_metadata_title() -> None:
    head = '<meta property="og:title" content="Mayor: the bridge will be built">'
    body = "<h1>Mayor: “the bridge will be built”</h1>"
    assert title_of(head, body) == "Mayor: the bridge will be built"


def test_dangling_separator_after_an_empty_part_is_removed() -> None:
    assert clean_title("Cat blanket with name | | ✂ Example®", "Example", "example.com") == (
        "Cat blanket with name")
    assert clean_title("Story - | Example", None, "example.com") == "Story"


def test_leading_quotation_dash_is_kept() -> None:
    assert clean_title("- Angsten vil øke", "Dagbladet", "dagbladet.no") == "- Angsten vil øke"
