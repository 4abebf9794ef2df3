"""schema.org isAccessibleForFree: the publisher's paywall flag (pages written here)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsarchive import extract_article
from newsarchive.extract.access import is_accessible_for_free, parse_free_flag
from newsarchive.extract.metadata import parse_html, read_metadata

STORY = " ".join(f"Paragraph sentence {i} says what the council decided about the tram line."
                 for i in range(14))


def _page(ld: dict[str, Any] | list[Any] | None = None, head: str = "") -> str:
    script = (f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
              if ld is not None else "")
    return (f"<html lang='en'><head><title>Tram line vote</title>{script}{head}</head>"
            f"<body><article><h1>Tram line vote</h1><p>{STORY}</p></article></body></html>")


def _flag(html: str) -> bool | None:
    root = parse_html(html)
    assert root is not None
    return is_accessible_for_free(read_metadata(root, "https://news.example.com/tram"))


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (False, False), ("True", True), ("false", False), (" FALSE ", False),
    ("https://schema.org/False", False), ("http://schema.org/True", True), (["false"], False),
    ("", None), ("yes", None), (0, None), (None, None), (["true", "false"], None),
])
def test_parse_free_flag(value: Any, expected: bool | None) -> None:
    assert parse_free_flag(value) is expected


def test_article_node_flag() -> None:
    assert _flag(_page({"@type": "NewsArticle", "isAccessibleForFree": "False"})) is False
    assert _flag(_page({"@type": "NewsArticle", "isAccessibleForFree": True})) is True
    assert _flag(_page({"@type": "NewsArticle", "headline": "Tram line vote"})) is None
    assert _flag(_page()) is None


def test_walled_part_overrides_a_free_article() -> None:
    ld = {"@type": "NewsArticle", "isAccessibleForFree": True,
          "hasPart": [{"@type": "WebPageElement", "isAccessibleForFree": True,
                       "cssSelector": ".teaser"},
                      {"@type": "WebPageElement", "isAccessibleForFree": "False",
                       "cssSelector": ".paywall"}]}
    assert _flag(_page(ld)) is False
    only_free_parts = {"@type": "NewsArticle",
                       "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "true",
                                   "cssSelector": ".article"}}
    assert _flag(_page(only_free_parts)) is True


def test_graph_webpage_node_and_unrelated_nodes() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Example News", "isAccessibleForFree": False},
        {"@type": "WebPage", "@id": "https://news.example.com/tram",
         "isAccessibleForFree": "True"},
    ]}
    assert _flag(_page(graph)) is True
    # an Organization's flag says nothing about the article
    assert _flag(_page({"@type": "Organization", "isAccessibleForFree": False})) is None


def test_microdata_and_content_tier() -> None:
    assert _flag(_page(head="<meta itemprop='isAccessibleForFree' content='false'>")) is False
    assert _flag(_page(head="<meta property='article:content_tier' content='locked'>")) is False
    assert _flag(_page(head="<meta property='article:content_tier' content='metered'>")) is False
    assert _flag(_page(head="<meta property='article:content_tier' content='Free'>")) is True
    assert _flag(_page(head="<meta property='article:content_tier' content='archive'>")) is None
    # JSON-LD, the publisher's explicit statement, wins over the Open Graph tier
    both = _page({"@type": "NewsArticle", "isAccessibleForFree": True},
                 head="<meta property='article:content_tier' content='metered'>")
    assert _flag(both) is True


def test_extract_article_fills_the_field() -> None:
    html = _page({"@type": "NewsArticle", "headline": "Tram line vote",
                  "isAccessibleForFree": "False"})
    article = extract_article(html.encode(), "https://news.example.com/2024/03/05/tram")
    assert article.is_accessible_for_free is False
    plain = extract_article(_page().encode(), "https://news.example.com/2024/03/05/tram")
    assert plain.is_accessible_for_free is None
