"""Tests of the ``news`` spider: callbacks on built responses, and a crawl of the local
news site (:mod:`newssite`) with the pipelines disabled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from newsarchive.items import DiscoveryHints, RawPage
from newsarchive.sources import SourcesError, load_sources
from newsarchive.spiders.news import NewsSpider
from tests.newssite import (
    AP_STORY,
    COUNCIL,
    FESTIVAL,
    HOST_A,
    HOST_B,
    PRIVATE,
    TELESCOPE,
    WIRE_COPY,
    news_site,
)

ROOT = Path(__file__).resolve().parents[1]

RSS = b"""<rss version="2.0"><channel>
<item><title>One</title><link>https://n.example/one</link>
<pubDate>Mon, 06 May 2024 11:42:00 -0400</pubDate></item>
<item><title>One again</title><link>https://n.example/one?utm_source=rss</link></item>
<item><title>Two</title><link>/two</link></item></channel></rss>"""


def _response(url: str, body: bytes, meta: dict[str, object] | None = None,
              cls: type[Response] = TextResponse, **kwargs: object) -> Response:
    request = Request(url, meta=meta or {})
    return cls(url=url, body=body, request=request, **kwargs)  # type: ignore[arg-type]


def test_feed_callback_requests_each_article_once() -> None:
    spider = NewsSpider()
    requests = list(spider.parse_feed(_response("https://n.example/rss", RSS)))
    assert [r.url for r in requests] == ["https://n.example/one", "https://n.example/two"]
    assert requests[0].meta["hints"] == DiscoveryHints(
        published_at=datetime(2024, 5, 6, 15, 42, tzinfo=UTC), title="One", source="feed",
        source_url="https://n.example/rss")
    assert requests[0].callback == spider.parse_article
    assert not requests[0].dont_filter
    assert list(spider.parse_feed(_response("https://n.example/rss2", RSS))) == []


def test_sitemap_index_followed_once_and_depth_limited() -> None:
    spider = NewsSpider()
    index = (b'<sitemapindex><sitemap><loc>https://n.example/a.xml</loc></sitemap>'
             b'<sitemap><loc>https://n.example/a.xml</loc></sitemap>'
             b'<sitemap><loc>https://n.example/b.xml</loc></sitemap></sitemapindex>')
    children = list(spider.parse_sitemap(_response("https://n.example/index.xml", index)))
    assert [(r.url, r.dont_filter, r.meta["newsarchive_depth"]) for r in children] == [
        ("https://n.example/a.xml", True, 1), ("https://n.example/b.xml", True, 1)]
    again = list(spider.parse_sitemap(_response("https://n.example/index.xml", index)))
    assert again == []
    deep = _response("https://n.example/deep.xml", index.replace(b"/a.xml", b"/c.xml"),
                     meta={"newsarchive_depth": 2})
    assert list(spider.parse_sitemap(deep)) == []  # depth 3 > NEWSARCHIVE_SITEMAP_DEPTH (2)


def test_sitemap_that_is_a_feed_is_read_as_feed() -> None:
    requests = list(NewsSpider().parse_sitemap(_response("https://n.example/s.xml", RSS)))
    assert [r.url for r in requests] == ["https://n.example/one", "https://n.example/two"]


def test_parse_article_builds_raw_page() -> None:
    hints = DiscoveryHints(title="T", source="sitemap", source_url="https://n.example/s.xml")
    request = Request("https://n.example/new", meta={
        "hints": hints, "newsarchive_url": "https://n.example/old",
        "redirect_urls": ["https://n.example/old"]})
    response = HtmlResponse(url="https://n.example/new", status=200, body=b"<html>x</html>",
                            headers={"Content-Type": "text/html; charset=utf-8",
                                     "Set-Cookie": ["a=1", "b=2"], "X-Name": b"caf\xe9"},
                            request=request)
    before = datetime.now(UTC)
    [page] = list(NewsSpider().parse_article(response))
    assert isinstance(page, RawPage)
    assert before <= page.crawled_at <= datetime.now(UTC)
    assert (page.url, page.final_url, page.status, page.body, page.hints, page.redirect_urls) == (
        "https://n.example/old", "https://n.example/new", 200, b"<html>x</html>", hints,
        ["https://n.example/old"])
    assert page.headers == {"content-type": "text/html; charset=utf-8", "set-cookie": "a=1",
                            "x-name": "café"}
    pdf = Response(url="https://n.example/r.pdf", body=b"%PDF",
                   headers={"Content-Type": "application/pdf"}, request=Request("https://n.example/r.pdf"))
    assert list(NewsSpider().parse_article(pdf)) == []


def test_seen_urls_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeSession:
        @classmethod
        def for_crawler(cls, crawler: object) -> FakeSession:
            return cls()

        def is_seen(self, url: str) -> bool:
            return url.endswith("/one")

    module = types.ModuleType("newsarchive.archive")
    module.ArchiveSession = FakeSession  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsarchive.archive", module)
    spider = NewsSpider()
    spider.crawler = types.SimpleNamespace(stats=None)  # type: ignore[assignment]
    requests = list(spider.parse_feed(_response("https://n.example/rss", RSS)))
    assert [r.url for r in requests] == ["https://n.example/two"]


def test_load_sources_errors(tmp_path: Path) -> None:
    bundled = load_sources(None)
    assert len(bundled) >= 20
    assert {s.language for s in bundled} >= {"en", "de", "fr", "es", "it", "hu"}
    bad = tmp_path / "s.csv"
    bad.write_text("# comment\nname,homepage,feeds,sitemaps,language\n"
                   "A,https://a.example/,https://a.example/rss,,en\n"
                   "B,https://b.example/,,,en\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"s\.csv:4: source 'B' has neither feeds nor sitemaps"):
        load_sources(bad)
    bad.write_text("name,homepage,feeds\nA,https://a.example/,x\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r":1: header lacks column\(s\) sitemaps, language"):
        load_sources(bad)
    bad.write_text("name,homepage,feeds,sitemaps,language\nA,https://a.example/,ftp://x/,,en\n")
    with pytest.raises(SourcesError, match=r":2: 'ftp://x/' is not an absolute http\(s\) URL"):
        load_sources(bad)
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.csv")


CRAWL = r"""
import json, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
settings.setdict({"ITEM_PIPELINES": {}, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "LOG_LEVEL": "WARNING", "RETRY_ENABLED": False,
                  "NEWSARCHIVE_MAX_AGE_DAYS": 0,
                  "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS": ["127.0.0.1", "localhost"],
                  "NEWSARCHIVE_ARCHIVE": sys.argv[2], "NEWSARCHIVE_STATE": sys.argv[3]},
                 priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler("news")
items = []
def collect(item, **kwargs):
    items.append(item)
crawler.signals.connect(collect, signal=signals.item_scraped)  # weak ref: keep a name
process.crawl(crawler, sources=sys.argv[1])
process.start()
out = [{"url": i.url, "final_url": i.final_url, "status": i.status,
        "content_type": i.headers.get("content-type"), "redirect_urls": i.redirect_urls,
        "hints": [i.hints.published_at and i.hints.published_at.isoformat(), i.hints.title,
                  i.hints.source, i.hints.source_url]} for i in items]
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int)}
print(json.dumps({"items": out, "stats": stats}))
"""


def test_crawl_local_news_site(tmp_path: Path) -> None:
    with news_site(tmp_path / "site") as site:
        # Scrapy >= 2.13 ignores SCRAPY_<SETTING> environment overrides: pass paths as args.
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsarchive.settings"}
        result = subprocess.run([sys.executable, "-c", CRAWL, str(site.sources_csv),
                                 str(tmp_path / "archive"), str(tmp_path / "state")], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=120)
        requests = list(site.requests)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    pages = {item["url"]: item for item in data["items"]}
    a, b = site.base_a, site.base_b
    assert sorted(pages) == sorted([a + "/", a + "/world/", a + AP_STORY, a + COUNCIL,
                                    a + FESTIVAL, a + "/go/telescope", b + WIRE_COPY])
    telescope = pages[a + "/go/telescope"]
    assert telescope["final_url"] == a + TELESCOPE
    assert telescope["redirect_urls"] == [a + "/go/telescope"]
    assert telescope["hints"] == ["2024-05-04T13:00:00+00:00",
                                  "Upgraded telescope delivers its first sharp images",
                                  "feed", a + "/atom.xml"]
    assert pages[b + WIRE_COPY]["hints"][0] == "2024-05-06T17:05:00+00:00"
    ap_hints = pages[a + AP_STORY]["hints"]
    assert ap_hints[0] == "2024-05-06T15:42:00+00:00"
    assert ap_hints[1] == "Bridge partially collapses after barge strike in Delaware"
    assert all(item["status"] == 200 for item in data["items"])
    assert PRIVATE not in requests
    assert requests.count(AP_STORY) == 1
    assert f"//{HOST_B}{WIRE_COPY}" in requests and HOST_A not in requests
    stats = data["stats"]
    assert stats["newsarchive/feeds_parsed"] == 3
    assert stats["newsarchive/sitemaps_parsed"] == 4  # A: index, news, sections; B: news
    assert stats["newsarchive/sitemaps_repeated"] == 1  # A's index via robots.txt and csv
    assert stats["newsarchive/article_requests"] == 9
    assert stats["newsarchive/skipped_non_html"] == 1
    assert stats["newsarchive/pages"] == 7
    assert stats["robotstxt/forbidden"] == 1
    assert stats["newsarchive/errors/article/ignored"] == 1
