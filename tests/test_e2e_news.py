"""End to end: ``scrapy crawl news`` against a local news site, archive checked with DuckDB.

The site (``tests/newssite.py``) has robots.txt with Sitemap lines and a Disallow rule, an
RSS 2.0 feed, an Atom feed, Google News sitemaps, a sitemap index, article pages with
JSON-LD, an AP wire story, a trimmed copy of it with "Read also" lines on a second host, a
redirect, section fronts and a PDF.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newsarchive.dedup.urls import article_id
from tests.newssite import (
    AP_CREDITS,
    AP_DATELINE,
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

ROOT = Path(__file__).resolve().parent.parent


def crawl(sources: Path, archive: Path, state: Path) -> str:
    """Run ``scrapy crawl news`` in a subprocess as a user would; return its log."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news",
        "-a", f"sources={sources}",
        "-s", f"NEWSARCHIVE_ARCHIVE={archive}",
        "-s", f"NEWSARCHIVE_STATE={state}",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
        "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",  # the site's stories are from 2024
        # The local test site is on loopback, which live crawls refuse by default.
        "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stderr


def rows(archive: Path, dataset: str, columns: str) -> list[tuple[object, ...]]:
    pattern = f"{archive}/{dataset}/**/*.parquet"
    return duckdb.execute(
        f"select {columns} from read_parquet('{pattern}', hive_partitioning=true) order by url"
    ).fetchall()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_crawl_news_site_twice(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with news_site(tmp_path / "site") as site:
        log = crawl(site.sources_csv, archive, state)
        a = site.url

        articles = rows(
            archive,
            "articles",
            "url, domain, title, authors, published_at, date_source, published_date::varchar, "
            "wire_source, dateline, credits, cluster_id = article_id, article_id",
        )
        assert [r[:11] for r in articles] == [
            (a(HOST_A, FESTIVAL), "127.0.0.1",
             "Riverside jazz festival draws record crowd for 30th edition",
             ["Julia Brandt"], utc("2024-05-06T00:30:00+00:00"), "jsonld", "2024-05-06",
             None, None, None, True),
            (a(HOST_A, COUNCIL), "127.0.0.1",
             "Council approves $412 million budget with first tax rise in three years",
             ["Peter Landry"], utc("2024-05-07T02:15:00+00:00"), "jsonld", "2024-05-07",
             None, None, None, True),
            (a(HOST_A, TELESCOPE), "127.0.0.1",
             "Upgraded telescope delivers its first sharp images",
             ["Omar Haddad"], utc("2024-05-04T13:00:00+00:00"), "jsonld", "2024-05-04",
             None, None, None, True),
            (a(HOST_A, AP_STORY), "127.0.0.1",
             "Bridge partially collapses after barge strike in Delaware",
             ["Sarah Whitman"], utc("2024-05-06T15:42:00+00:00"), "jsonld", "2024-05-06",
             "AP", AP_DATELINE, AP_CREDITS, True),
        ]  # fmt: skip
        [ap_body] = duckdb.execute(
            f"select body from read_parquet('{archive}/articles/**/*.parquet') "
            f"where url = '{a(HOST_A, AP_STORY)}'"
        ).fetchall()
        assert ap_body[0].startswith("A four-lane highway bridge over the Christina River")
        assert ap_body[0].endswith("extend service on the regional rail line starting Tuesday.")

        duplicates = rows(
            archive,
            "duplicates",
            "url, domain, title, duplicate_of, cluster_id, match, published_date::varchar",
        )
        ap_id = article_id(a(HOST_A, AP_STORY))
        assert duplicates == [
            (a(HOST_B, WIRE_COPY), "localhost",
             "Rescuers pull three from river as Delaware bridge gives way",
             ap_id, ap_id, "near", "2024-05-06"),
        ]  # fmt: skip
        [(similarity,)] = duckdb.execute(
            f"select similarity from read_parquet('{archive}/duplicates/**/*.parquet')"
        ).fetchall()
        assert 0.9 <= similarity <= 1.0

        # robots.txt obeyed; the section fronts were fetched but not archived.
        fetched = list(site.requests)  # paths on site A, //localhost/path on site B
        assert PRIVATE not in fetched
        assert "newsarchive/not_article/" in log
        # Nothing hidden or half-written is left where readers look.
        assert [p for p in archive.rglob(".*")] == []

        # Second run: feeds and sitemaps are re-read, no article is fetched or stored again.
        before = len(site.requests)
        crawl(site.sources_csv, archive, state)
        second = site.requests[before:]
        assert "/rss.xml" in second and "/news-sitemap.xml" in second
        article_paths = {AP_STORY, COUNCIL, FESTIVAL, TELESCOPE, f"//{HOST_B}{WIRE_COPY}"}
        assert article_paths.isdisjoint(second)
        assert len(rows(archive, "articles", "url")) == 4
        assert len(rows(archive, "duplicates", "url")) == 1


def test_deleted_state_is_rebuilt_from_the_archive(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with news_site(tmp_path / "site") as site:
        crawl(site.sources_csv, archive, state)
        for path in sorted(state.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        log = crawl(site.sources_csv, archive, state)
    assert "reconciled 5 archive row(s)" in log
    assert len(rows(archive, "articles", "url")) == 4
    assert len(rows(archive, "duplicates", "url")) == 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
