"""Incremental runs: conditional feed/sitemap requests (304s), redirects remembered as seen,
entries older than NEWSARCHIVE_MAX_AGE_DAYS skipped."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
from scrapy.http import Request, TextResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings

from newsarchive.archive import ArchiveSession
from newsarchive.spiders.news import NewsSpider
from newsarchive.state import SQLiteState
from tests.newssite import AP_STORY, COUNCIL, FESTIVAL, HOST_A, HOST_B, TELESCOPE, news_site

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _crawl(sources: Path, archive: Path, state: Path) -> str:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sources={sources}",
               "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
               "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",
               "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost"]
    result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stderr


def _urls(archive: Path, dataset: str) -> list[str]:
    rows = duckdb.execute(
        f"select url from read_parquet('{archive}/{dataset}/**/*.parquet') order by url"
    ).fetchall()
    return [r[0] for r in rows]


def _last_run(archive: Path) -> dict[str, Any]:
    rel = duckdb.execute(
        f"select * from read_parquet('{archive}/runs/**/*.parquet') "
        "order by started_at desc limit 1")
    names = [d[0] for d in rel.description]
    row = rel.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def test_conditional_requests_and_redirects(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with news_site(tmp_path / "site") as site:
        a, b = site.base_a, site.base_b
        festival_file = site.root / HOST_A / FESTIVAL.lstrip("/")
        festival_html = festival_file.read_bytes()
        festival_file.unlink()  # the feed-only story fails (404) in the first run

        # Run 1: everything is read in full; FESTIVAL's 404 keeps rss.xml unconditional.
        _crawl(site.sources_csv, archive, state)
        with SQLiteState(state) as st:
            validators = {url: st.get_validators(url) for url in (
                a + "/rss.xml", a + "/atom.xml", a + "/sitemap_index.xml",
                a + "/news-sitemap.xml", a + "/sections-sitemap.xml", b + "/feed.xml",
                b + "/sitemap-news.xml")}
            # Redirects: the requested URL and the final URL are both seen.
            assert st.is_seen(a + "/go/telescope") and st.is_seen(a + TELESCOPE)
        assert validators[a + "/rss.xml"] == (None, None)  # an article of it failed
        assert validators[a + "/sitemap_index.xml"] == (None, None)  # indexes: never
        for url in (a + "/atom.xml", a + "/news-sitemap.xml", a + "/sections-sitemap.xml",
                    b + "/feed.xml", b + "/sitemap-news.xml"):
            etag, last_modified = validators[url]
            assert etag is not None and etag.startswith('"'), url
            assert last_modified is not None and last_modified.endswith(" GMT"), url
        assert _urls(archive, "articles") == [a + COUNCIL, a + TELESCOPE, a + AP_STORY]
        first = _last_run(archive)
        assert (first["not_modified"], first["articles_stored"]) == (0, 3)

        # Run 2: the story is back. Unchanged listings answer 304; rss.xml is read again
        # (no validators) and its missing story is fetched; nothing else is.
        festival_file.write_bytes(festival_html)
        before = len(site.responses)
        _crawl(site.sources_csv, archive, state)
        second = site.responses[before:]
        assert sorted(p for p, status in second if status == 304) == sorted([
            "/atom.xml", "/news-sitemap.xml", "/sections-sitemap.xml",
            f"//{HOST_B}/feed.xml", f"//{HOST_B}/sitemap-news.xml"])
        assert ("/rss.xml", 200) in second and ("/sitemap_index.xml", 200) in second
        assert [p for p, _ in second if not p.endswith((".xml", ".txt"))] == [FESTIVAL]
        run = _last_run(archive)
        assert {k: run[k] for k in ("status", "not_modified", "articles_stored",
                                    "pages_fetched", "skipped_seen")} == {
            "status": "ok", "not_modified": 5, "articles_stored": 1, "pages_fetched": 1,
            "skipped_seen": 2}  # rss.xml's COUNCIL and AP_STORY

        # Run 3: the Atom feed changes; its redirecting entry (/go/telescope) is known.
        atom = site.root / HOST_A / "atom.xml"
        atom.write_text(atom.read_text(encoding="utf-8") + "<!-- updated -->\n",
                        encoding="utf-8")
        before = len(site.responses)
        _crawl(site.sources_csv, archive, state)
        third = site.responses[before:]
        assert ("/atom.xml", 200) in third and ("/rss.xml", 304) in third
        assert [p for p, _ in third if not p.endswith((".xml", ".txt"))] == []
        run = _last_run(archive)
        assert (run["not_modified"], run["articles_stored"], run["skipped_seen"]) == (5, 0, 2)
    assert _urls(archive, "articles") == [a + FESTIVAL, a + COUNCIL, a + TELESCOPE,
                                          a + AP_STORY]
    assert len(_urls(archive, "duplicates")) == 1


def test_live_crawls_skip_old_entries_by_default(tmp_path: Path) -> None:
    settings = get_project_settings()
    assert settings.getint("NEWSARCHIVE_MAX_AGE_DAYS") == 7
    settings.set("NEWSARCHIVE_ARCHIVE", str(tmp_path / "archive"))
    settings.set("NEWSARCHIVE_STATE", str(tmp_path / "state"))
    crawler: Any = SimpleNamespace(settings=settings)
    crawler.stats = MemoryStatsCollector(crawler)
    spider = NewsSpider()
    spider.crawler, spider.settings = crawler, settings
    now = datetime.now(UTC)
    items = [("https://news.example/fresh", now - timedelta(days=2)),
             ("https://news.example/week", now - timedelta(days=6, hours=23)),
             ("https://news.example/old", now - timedelta(days=8)),
             ("https://news.example/undated", None)]
    body = "".join(
        f"<item><title>t</title><link>{url}</link>"
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "") + "</item>"
        for url, when in items)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'
    request = Request("https://news.example/rss.xml",
                      meta={"newsarchive_list_url": "https://news.example/rss.xml"})
    response = TextResponse(request.url, body=feed.encode(), request=request,
                            headers={"Content-Type": "application/rss+xml"})
    urls = [r.url for r in spider.parse_feed(response)]
    assert urls == ["https://news.example/fresh", "https://news.example/week",
                    "https://news.example/undated"]
    assert crawler.stats.get_value("newsarchive/entries_too_old") == 1
    settings.set("NEWSARCHIVE_MAX_AGE_DAYS", 0)
    spider._articles_seen.clear()
    assert len(list(spider.parse_feed(response))) == 4
    ArchiveSession.for_crawler(crawler).close()


def test_state_validators_are_pending_until_commit(tmp_path: Path) -> None:
    url = "https://news.example/rss.xml"
    with SQLiteState(tmp_path) as st:
        assert st.get_validators(url) == (None, None)
        st.set_validators(url, '"abc"', "Tue, 07 May 2024 02:15:00 GMT")
        assert st.get_validators(url) == ('"abc"', "Tue, 07 May 2024 02:15:00 GMT")
        st.rollback()
        assert st.get_validators(url) == (None, None)
        st.set_validators(url, '"abc"', None)
        st.commit()
    with SQLiteState(tmp_path) as st:
        assert st.get_validators(url) == ('"abc"', None)
        st.set_validators(url, None, None)  # forget
        st.commit()
        assert st.get_validators(url) == (None, None)
    # A state made before validators existed gets the table when opened.
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute("DROP TABLE validators")
    with SQLiteState(tmp_path) as st:
        st.set_validators(url, None, "Mon, 06 May 2024 11:42:00 GMT")
        st.commit()
        assert st.get_validators(url) == (None, "Mon, 06 May 2024 11:42:00 GMT")
