"""Tests of the discovery parsers (feeds, sitemaps, robots.txt), with exact values."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from newsarchive.discovery import (
    FeedEntry,
    SitemapEntry,
    SitemapRef,
    parse_date,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Example News</title>
  <link>https://news.example.com/</link>
  <atom:link href="https://news.example.com/rss.xml" rel="self"/>
  <item>
    <title>Storm hits  the coast</title>
    <link>https://news.example.com/2024/01/02/storm?utm_source=rss</link>
    <pubDate>Tue, 02 Jan 2024 10:30:00 +0100</pubDate>
  </item>
  <item>
    <title><![CDATA[Markets <b>rally</b> &amp; recover]]></title>
    <link>/2024/01/03/markets</link>
    <dc:date>2024-01-03T08:00:00Z</dc:date>
  </item>
  <item>
    <title>Only a guid</title>
    <guid>https://news.example.com/2024/01/04/guid</guid>
    <pubDate>Thu, 04 Jan 2024 12:00:00 GMT</pubDate>
  </item>
  <item><title>Not a permalink</title><guid isPermaLink="false">1234</guid></item>
  <item><title>Mail</title><link>mailto:desk@example.com</link></item>
  <item><title>Repeated</title><link>https://news.example.com/2024/01/02/storm?utm_source=rss</link></item>
  <item><title>No date</title><link>https://news.example.com/nodate</link></item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/world/">
  <title>World</title>
  <entry>
    <title type="html">Summit &lt;em&gt;ends&lt;/em&gt; without deal</title>
    <link rel="enclosure" href="https://cdn.example.org/a.mp3"/>
    <link rel="alternate" type="application/amp+html" href="amp/summit"/>
    <link rel="alternate" type="text/html" href="summit"/>
    <id>tag:example.org,2024:1</id>
    <published>2024-02-01T09:00:00+02:00</published>
    <updated>2024-02-01T12:00:00+02:00</updated>
  </entry>
  <entry>
    <title>Updated only</title>
    <link href="https://blog.example.org/world/updated-only"/>
    <updated>2024-02-02T00:00:00.5Z</updated>
  </entry>
  <entry>
    <title>No link but id</title>
    <id>https://blog.example.org/world/by-id</id>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.de/"><title>RDF</title></channel>
  <item rdf:about="https://rdf.example.de/a">
    <title>Erste Meldung</title><link>https://rdf.example.de/a</link>
    <dc:date>2024-03-01T10:00:00+01:00</dc:date>
  </item>
</rdf:RDF>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.example.com/business/article55.html</loc>
    <lastmod>2024-04-05T07:00:00+00:00</lastmod>
    <news:news>
      <news:publication><news:name>The Example Times</news:name>
        <news:language>en</news:language></news:publication>
      <news:publication_date>2024-04-05T06:30:00+02:00</news:publication_date>
      <news:title>Companies A, B in Merger Talks</news:title>
    </news:news>
  </url>
  <url><loc> https://www.example.com/plain </loc><lastmod>2024-04-01</lastmod></url>
  <url><loc>/relative/page</loc></url>
  <url><loc>ftp://www.example.com/file</loc></url>
  <url><loc>https://www.example.com/plain</loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.example.com/sitemap-news.xml</loc>
    <lastmod>2024-04-05T07:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://www.example.com/sitemap-2023.xml.gz</loc></sitemap>
</sitemapindex>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><item>
  <title>Secret: &xxe; laughs: &lol3;.</title>
  <link>https://evil.example/&xxe;</link>
</item></channel></rss>"""


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_rss2() -> None:
    assert parse_feed(RSS, "https://news.example.com/rss.xml") == [
        FeedEntry("https://news.example.com/2024/01/02/storm?utm_source=rss",
                  utc(2024, 1, 2, 9, 30), "Storm hits the coast"),
        FeedEntry("https://news.example.com/2024/01/03/markets", utc(2024, 1, 3, 8),
                  "Markets rally & recover"),
        FeedEntry("https://news.example.com/2024/01/04/guid", utc(2024, 1, 4, 12),
                  "Only a guid"),
        FeedEntry("https://news.example.com/nodate", None, "No date"),
    ]


def test_atom() -> None:
    assert parse_feed(ATOM, "https://feeds.example.org/world.atom") == [
        FeedEntry("https://blog.example.org/world/summit", utc(2024, 2, 1, 7),
                  "Summit ends without deal"),
        FeedEntry("https://blog.example.org/world/updated-only",
                  datetime(2024, 2, 2, 0, 0, 0, 500000, tzinfo=UTC), "Updated only"),
        FeedEntry("https://blog.example.org/world/by-id", None, "No link but id"),
    ]


def test_rss1_rdf() -> None:
    assert parse_feed(RDF, "https://rdf.example.de/feed") == [
        FeedEntry("https://rdf.example.de/a", utc(2024, 3, 1, 9), "Erste Meldung"),
    ]


def test_gzipped_feed() -> None:
    assert parse_feed(gzip.compress(RSS), "https://news.example.com/rss.xml")[0].title == (
        "Storm hits the coast")


def test_news_sitemap() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://www.example.com/sitemap-news.xml")
    assert sitemap.error is None
    assert not sitemap.is_index
    assert sitemap.sitemaps == []
    assert sitemap.entries == [
        SitemapEntry("https://www.example.com/business/article55.html",
                     lastmod=utc(2024, 4, 5, 7), published_at=utc(2024, 4, 5, 4, 30),
                     title="Companies A, B in Merger Talks"),
        SitemapEntry("https://www.example.com/plain", lastmod=utc(2024, 4, 1)),
        SitemapEntry("https://www.example.com/relative/page"),
    ]


def test_sitemap_index() -> None:
    sitemap = parse_sitemap(SITEMAP_INDEX, "https://www.example.com/sitemap.xml")
    assert sitemap.error is None
    assert sitemap.is_index
    assert sitemap.entries == []
    assert sitemap.sitemaps == [
        SitemapRef("https://www.example.com/sitemap-news.xml", utc(2024, 4, 5, 7)),
        SitemapRef("https://www.example.com/sitemap-2023.xml.gz", None),
    ]


def test_gzipped_sitemap() -> None:
    body = gzip.compress(NEWS_SITEMAP)
    sitemap = parse_sitemap(body, "https://www.example.com/sitemap-news.xml.gz")
    assert [entry.url for entry in sitemap.entries] == [
        "https://www.example.com/business/article55.html",
        "https://www.example.com/plain",
        "https://www.example.com/relative/page",
    ]


def test_gzip_size_cap_and_truncation() -> None:
    body = gzip.compress(NEWS_SITEMAP)
    too_big = parse_sitemap(body, "https://x.example/s.xml.gz", max_size=100)
    assert too_big.entries == [] and too_big.error == "decompressed size exceeds 100 bytes"
    truncated = parse_sitemap(body[: len(body) // 2], "https://x.example/s.xml.gz")
    assert truncated.entries == []
    assert truncated.error is not None and truncated.error.startswith("bad gzip data")


def test_sitemap_max_urls() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://www.example.com/s.xml", max_urls=1)
    assert [entry.url for entry in sitemap.entries] == [
        "https://www.example.com/business/article55.html"]


def test_robots_sitemap_lines() -> None:
    robots = (
        "User-agent: *\n"
        "Disallow: /private/\n"
        "Sitemap: https://www.example.com/sitemap.xml\n"
        "sitemap:https://www.example.com/news-sitemap.xml   # news\n"
        "SITEMAP: /relative-sitemap.xml\n"
        "Sitemap: https://www.example.com/sitemap.xml\n"
        "Sitemap: ftp://www.example.com/ftp.xml\n"
        "Sitemap:\n"
        "Allow: /sitemap.xml\n"
    )
    assert sitemaps_from_robots(robots, "https://www.example.com/robots.txt") == [
        "https://www.example.com/sitemap.xml",
        "https://www.example.com/news-sitemap.xml",
        "https://www.example.com/relative-sitemap.xml",
    ]
    assert sitemaps_from_robots("", "https://www.example.com/robots.txt") == []


def test_entities_are_never_resolved() -> None:
    # The only link holds an entity reference: its real URL is unknown, so the item is
    # dropped rather than fetched as "https://evil.example/" (see tests/test_hostile_xml.py).
    assert parse_feed(XXE, "https://evil.example/feed") == []
    body = XXE.replace(b"https://evil.example/&xxe;", b"https://evil.example/a?b=1&c=2")
    entries = parse_feed(body, "https://evil.example/feed")
    assert len(entries) == 1
    assert entries[0].title == "Secret: laughs: ."
    assert "root:" not in repr(entries) and "lol" not in repr(entries)
    assert entries[0].url == "https://evil.example/a?b=1&c=2"


def test_sitemap_entities_are_never_resolved() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            b"<urlset><url><loc>https://a.example/&x;</loc></url>"
            b"<url><loc>https://a.example/b</loc></url></urlset>")
    assert parse_sitemap(body, "https://a.example/s.xml").entries == [
        SitemapEntry("https://a.example/b")]


@pytest.mark.parametrize("body", [
    b"", b"   ", b"\x00\x01\x02garbage\xff", b"<html><body><p>Not a feed</p></body></html>",
    b"{\"json\": true}", b"<rss><channel><item><title>x</ti", b"\x1f\x8b\x08broken gzip",
])
def test_garbage_gives_empty_results_with_reason(body: bytes) -> None:
    errors: list[str] = []
    assert parse_feed(body, "https://x.example/feed", errors=errors) in ([],)
    sitemap = parse_sitemap(body, "https://x.example/sitemap.xml")
    assert sitemap.entries == [] and sitemap.sitemaps == []
    if body != b"<rss><channel><item><title>x</ti":  # recovered: a feed with no link
        assert errors and sitemap.error


def test_feed_is_not_a_sitemap() -> None:
    sitemap = parse_sitemap(RSS, "https://news.example.com/rss.xml")
    assert sitemap.error == "not a sitemap: root <rss>"


@pytest.mark.parametrize(("value", "expected"), [
    ("Tue, 02 Jan 2024 10:30:00 +0100", utc(2024, 1, 2, 9, 30)),
    ("Tue, 02 Jan 2024 10:30:00 GMT", utc(2024, 1, 2, 10, 30)),
    ("02 Jan 2024 10:30 EST", utc(2024, 1, 2, 15, 30)),
    ("Tue, 02 Jan 2024 10:30:00 CEST", utc(2024, 1, 2, 8, 30)),
    ("Tue, 02 Jan 2024 10:30:00 -0000", utc(2024, 1, 2, 10, 30)),
    ("2024-01-02T10:30:00Z", utc(2024, 1, 2, 10, 30)),
    ("2024-01-02T10:30:00.123+05:30", datetime(2024, 1, 2, 5, 0, 0, 123000, tzinfo=UTC)),
    ("2024-01-02T10:30+01:00", utc(2024, 1, 2, 9, 30)),
    ("2024-01-02T10:30:00", utc(2024, 1, 2, 10, 30)),
    ("2024-01-02", utc(2024, 1, 2)),
    ("2024-01", utc(2024, 1, 1)),
    ("  2024  ", utc(2024, 1, 1)),
    ("", None), (None, None), ("yesterday", None), ("2024-13-45", None),
])
def test_parse_date(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected
