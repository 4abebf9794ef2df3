"""Tests of URL normalization and article identity."""

from __future__ import annotations

import pytest

from newsarchive.dedup.urls import article_id, domain_of, is_later_page, normalize_url, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.Example.com/a/b/?utm_source=rss&b=2&a=1#rssom",
            "https://example.com/a/b?a=1&b=2",
        ),
        ("http://example.com/a/b/index.html?fbclid=IwAR0x", "https://example.com/a/b"),
        ("https://example.com/a/b?gclid=1&utm_medium=x&id=7", "https://example.com/a/b?id=7"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://example.com/story?page=2", "https://example.com/story?page=2"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["", "ftp://example.com/x", "/relative/path", "mailto:a@b.c",
                                 "HTTP://\x1b", "HTTP://\\/0"])
def test_normalize_url_refuses_non_http(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(url)


def test_article_id_is_stable_across_url_variants() -> None:
    assert article_id("https://example.com/a/b") == "ed1d4137647b6cd085dda5d4a5b637b5"
    assert article_id("http://www.example.com/a/b/?utm_campaign=x#top") == article_id(
        "https://example.com/a/b"
    )
    assert article_id("https://example.com/a/c") != article_id("https://example.com/a/b")


def test_domains() -> None:
    assert domain_of("https://WWW.BBC.co.uk/news/1") == "bbc.co.uk"
    assert domain_of("not a url") == ""
    assert same_site("https://edition.cnn.com/x", "https://www.cnn.com/y")
    assert not same_site("https://cnn.com.evil.example/x", "https://cnn.com/y")
    assert not same_site("https://example.com/x", "https://other.org/y")


@pytest.mark.parametrize(
    ("url", "canonical", "expected"),
    [
        ("https://444.hu/2014/03/23/elo?page=7", "https://444.hu/2014/03/23/elo", True),
        ("https://alfahir.hu/cikk?page=1", "https://alfahir.hu/cikk", True),
        ("https://x.hu/cikk?page=0", "https://x.hu/cikk", False),
        ("https://x.hu/cikk?oldal=2&utm_source=fb", "https://x.hu/cikk", True),
        ("https://24.hu/kultura/2016/02/29/o/3/", "https://24.hu/kultura/2016/02/29/o/", True),
        ("https://x.com/story/page/2", "https://x.com/story", True),
        ("https://x.com/story?loadall=1", "https://x.com/story", False),
        ("https://x.com/story?page=2&id=5", "https://x.com/story", False),
        ("https://x.com/story/2024", "https://x.com/story", False),
        ("https://x.com/story?page=2", "https://y.com/story", False),
        ("https://x.com/story", "https://x.com/story", False),
        ("not a url", "https://x.com/story", False),
    ],
)
def test_is_later_page(url: str, canonical: str, expected: bool) -> None:
    assert is_later_page(url, canonical) is expected
