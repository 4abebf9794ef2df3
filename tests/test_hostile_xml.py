"""Hostile XML in sitemaps, RSS and Atom (issue 6, cases 1, 3 and 5): XXE, billion laughs,
external DTDs, entities inside URLs, gzip bombs, million-URL sitemaps, looping indexes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

from scrapy.http import Request, TextResponse

from newsarchive.discovery import (
    MAX_DECOMPRESSED_SIZE,
    MAX_SITEMAP_URLS,
    SitemapEntry,
    SitemapRef,
    parse_feed,
    parse_sitemap,
)
from newsarchive.spiders.news import NewsSpider
from tests.hostilesite import hostile_server, respond

ROOT = Path(__file__).resolve().parent.parent
SECRET = Path("/etc/passwd")

LAUGHS = (b'<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10)
                     for i in range(2, 10)))
DOCTYPE = (b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(SECRET).encode() + b'">'
           + b'<!ENTITY part "/elsewhere">' + LAUGHS + b"]>")


def _assert_no_secret(value: object) -> None:
    text = repr(value)
    assert "root:" not in text and "lollol" not in text and "/elsewhere" not in text


def test_sitemap_xxe_and_entities_in_urls() -> None:
    body = (b'<?xml version="1.0"?>' + DOCTYPE
            + b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://n.example/a/&xxe;</loc></url>"
            b"<url><loc>https://n.example/b&part;/tail</loc></url>"
            b"<url><loc>https://n.example/c&lol9;</loc></url>"
            b"<url><loc>https://n.example/d?x=1&y=2</loc></url>"
            b"<url><loc>https://n.example/e?x=1&amp;y=2</loc></url>"
            b"<url><loc>https://n.example/f&#47;g</loc></url>"
            b"</urlset>")
    started = time.monotonic()
    sitemap = parse_sitemap(body, "https://n.example/sitemap.xml")
    assert time.monotonic() - started < 2
    _assert_no_secret(sitemap)
    # URLs holding an entity reference are dropped, not shortened to "/a/" or "/b/tail";
    # bare and escaped ampersands and character references are kept.
    assert sitemap.entries == [SitemapEntry("https://n.example/d?x=1&y=2"),
                               SitemapEntry("https://n.example/e?x=1&y=2"),
                               SitemapEntry("https://n.example/f/g")]


def test_rss_and_atom_xxe_and_billion_laughs() -> None:
    rss = (b'<?xml version="1.0"?>' + DOCTYPE + b'<rss version="2.0"><channel>'
           b"<item><title>Leak &xxe; &lol9; end</title><link>https://n.example/1&xxe;</link>"
           b"<guid>https://n.example/guid-1</guid></item>"
           b"<item><title>Caf&eacute; &amp;amp; bar</title><link>https://n.example/2?a=1&b=2</link>"
           b"</item></channel></rss>")
    atom = (b'<?xml version="1.0"?>' + DOCTYPE + b'<feed xmlns="http://www.w3.org/2005/Atom">'
            b'<entry><title>&lol9;Atom</title><link href="https://n.example/3&xxe;"/>'
            b"<id>https://n.example/id-3</id></entry>"
            b'<entry><title>Plain</title><link href="https://n.example/4"/></entry></feed>')
    started = time.monotonic()
    entries = parse_feed(rss, "https://n.example/rss") + parse_feed(atom, "https://n.example/a")
    assert time.monotonic() - started < 2
    _assert_no_secret(entries)
    assert [(e.url, e.title) for e in entries] == [
        ("https://n.example/guid-1", "Leak end"),  # the link held an entity: the guid is used
        ("https://n.example/2?a=1&b=2", "Café & bar"),
        ("https://n.example/id-3", "Atom"),
        ("https://n.example/4", "Plain"),
    ]


def test_external_dtd_and_entities_never_fetched() -> None:
    with hostile_server({"/evil.dtd": lambda h: respond(h, 200, b'<!ENTITY e "x">')}) as srv:
        dtd = srv.url("/evil.dtd").encode()
        body = (b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "' + dtd + b'" [<!ENTITY % p '
                b'SYSTEM "' + dtd + b'"> %p; <!ENTITY ext SYSTEM "' + dtd + b'">]>'
                b"<urlset><url><loc>https://n.example/&ext;</loc></url>"
                b"<url><loc>https://n.example/ok</loc></url></urlset>")
        sitemap = parse_sitemap(body, "https://n.example/s.xml")
        feed = parse_feed(body.replace(b"urlset", b"rss").replace(b"<url><loc>", b"<item><link>")
                          .replace(b"</loc></url>", b"</link></item>"), "https://n.example/f")
        assert srv.log == []
    assert [e.url for e in sitemap.entries] == ["https://n.example/ok"]
    assert [e.url for e in feed] == ["https://n.example/ok"]


def test_utf16_sitemap_is_defused_too() -> None:
    text = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE u [<!ENTITY x "/y">]>'
            "<urlset><url><loc>https://n.example/é&x;</loc></url>"
            "<url><loc>https://n.example/ü?a=1&b=2</loc></url></urlset>")
    sitemap = parse_sitemap(text.encode("utf-16"), "https://n.example/s.xml")
    assert [e.url for e in sitemap.entries] == ["https://n.example/ü?a=1&b=2"]


def test_gzip_bomb_sitemap_is_refused() -> None:
    # 64 MiB of whitespace inside a valid sitemap: about 64 KiB compressed.
    body = gzip.compress(b"<urlset>" + b" " * (64 * 1024 * 1024) + b"</urlset>", 6)
    assert len(body) < 200_000
    sitemap = parse_sitemap(body, "https://n.example/s.xml.gz")
    assert sitemap.entries == []
    assert sitemap.error == f"decompressed size exceeds {MAX_DECOMPRESSED_SIZE} bytes"
    feed_errors: list[str] = []
    assert parse_feed(body, "https://n.example/rss.gz", errors=feed_errors) == []
    assert feed_errors == [sitemap.error]


_MEMORY = r"""
import json, resource, sys
from newsarchive.discovery import parse_sitemap
body = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sitemap = parse_sitemap(body, "https://n.example/sitemap.xml.gz")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"entries": len(sitemap.entries), "last": sitemap.entries[-1].url,
                  "growth_mib": (after - before) / 1024}))
"""


def test_million_url_sitemap_memory_bounded(tmp_path: Path) -> None:
    urls = b"".join(b"<url><loc>https://n.example/%d</loc></url>" % i for i in range(1_000_000))
    path = tmp_path / "sitemap.xml.gz"
    path.write_bytes(gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/'
                                   b'sitemap/0.9">' + urls + b"</urlset>", 1))
    result = subprocess.run([sys.executable, "-c", _MEMORY, str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert data["entries"] == MAX_SITEMAP_URLS
    assert data["last"] == f"https://n.example/{MAX_SITEMAP_URLS - 1}"
    # The decompressed document (~44 MB) is held as bytes, but no million-node tree is
    # built (that would take several hundred MiB).
    assert data["growth_mib"] < 200


def _sitemap_response(url: str, body: bytes, depth: int) -> TextResponse:
    request = Request(url, meta={"newsarchive_depth": depth, "newsarchive_source": "s"})
    return TextResponse(url=url, body=body, request=request)


def test_looping_sitemap_indexes_end() -> None:
    a, b = "https://n.example/a.xml", "https://n.example/b.xml"

    def index(*locs: str) -> bytes:
        return (b"<sitemapindex>" + b"".join(b"<sitemap><loc>%s</loc></sitemap>" % u.encode()
                                             for u in locs) + b"</sitemapindex>")
    spider = NewsSpider()
    start = list(spider._sitemap_requests([SitemapRef(a)], "s", depth=0))
    assert [r.url for r in start] == [a]
    from_a = list(spider.parse_sitemap(_sitemap_response(a, index(a, b), 0)))
    assert [r.url for r in from_a] == [b]  # a lists itself: not requested again
    from_b = list(spider.parse_sitemap(_sitemap_response(b, index(a, b), 1)))
    assert from_b == []  # b lists a and itself: both seen
    # A chain of ever new indexes ends at NEWSARCHIVE_SITEMAP_DEPTH (2).
    chain = list(spider.parse_sitemap(_sitemap_response(
        "https://n.example/c1.xml", index("https://n.example/c2.xml"), 2)))
    assert chain == []
