"""Crawler traps (issue 6, case 5): endless calendars and pagination, sitemap indexes that
never end, redirect loops and meta-refresh loops. One ``scrapy crawl news`` against a
local trap site, plus redirect and refresh loops through the probe harness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.hostilesite import Handler, Route, hostile_server, probe, respond

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = ("<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
           + "<p>Paragraph about the river, the bridge and the council number {n}.</p>" * 8
           + '<a href="/calendar?day={next}">next day</a> <a href="/list?page={next}">more</a>'
           "</article></body></html>")


def _query(h: Handler, name: str) -> int:
    values = parse_qs(urlsplit(h.path).query).get(name, ["0"])
    try:
        return int(values[0])
    except ValueError:
        return 0


def _index(h: Handler) -> None:
    """A sitemap index whose every page lists the next page: never ends by itself."""
    n = _query(h, "page")
    body = (f'<sitemapindex><sitemap><loc>/sitemap-index?page={n + 1}</loc></sitemap>'
            f'<sitemap><loc>/urls?page={n}</loc></sitemap></sitemapindex>').encode()
    respond(h, 200, body, "application/xml")


def _urls(h: Handler) -> None:
    n = _query(h, "page")
    body = (f"<urlset><url><loc>/story?n={n}</loc></url>"
            "<url><loc>/loop-a</loc></url><url><loc>/refresh-a</loc></url></urlset>").encode()
    respond(h, 200, body, "application/xml")


def _story(h: Handler) -> None:
    n = _query(h, "n")
    respond(h, 200, ARTICLE.format(n=n, next=n + 1).encode())


def _redirect(location: str) -> Route:
    return lambda h: respond(h, 302, b"", headers={"Location": location})


def _refresh(location: str) -> Route:
    body = f'<html><head><meta http-equiv="refresh" content="0; url={location}"></head></html>'
    return lambda h: respond(h, 200, body.encode())


TRAPS: dict[str, Route] = {
    "/robots.txt": lambda h: respond(h, 200, b"User-agent: *\nAllow: /\n", "text/plain"),
    "/sitemap-index": _index,
    "/urls": _urls,
    "/story": _story,
    "/calendar": _story,
    "/list": _story,
    "/loop-a": _redirect("/loop-b"),
    "/loop-b": _redirect("/loop-a"),
    "/refresh-a": _refresh("/refresh-b"),
    "/refresh-b": _refresh("/refresh-a"),
}


def test_news_crawl_escapes_every_trap(tmp_path: Path) -> None:
    with hostile_server(TRAPS) as server:
        sources = tmp_path / "sources.csv"
        sources.write_text("name,homepage,feeds,sitemaps,language\n"
                           f"Traps,{server.base}/,,{server.base}/sitemap-index?page=0,en\n",
                           encoding="utf-8")
        command = [
            sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sources={sources}",
            "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
            "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1", "-s", "LOG_LEVEL=INFO",
            "-s", "STATS_DUMP=True",
        ]  # fmt: skip
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True, timeout=300)
        paths = server.paths()
    assert result.returncode == 0, result.stderr[-4000:]
    # Links inside pages are never followed: no calendar, no pagination.
    assert not [p for p in paths if p.startswith(("/calendar", "/list"))]
    # The endless index is followed to NEWSARCHIVE_SITEMAP_DEPTH (2) levels below it.
    assert sorted(p for p in paths if p.startswith("/sitemap-index")) == [
        "/sitemap-index?page=0", "/sitemap-index?page=1", "/sitemap-index?page=2"]
    # (page 2's own url list would be a third level: not read.)
    assert sorted(p for p in paths if p.startswith("/story")) == ["/story?n=0", "/story?n=1"]
    # The redirect loop is cut (each URL fetched once, then the duplicate filter and
    # REDIRECT_MAX_TIMES end it); so is the meta-refresh loop.
    assert paths.count("/loop-a") <= 6 and paths.count("/loop-b") <= 6
    assert paths.count("/refresh-a") <= 6 and paths.count("/refresh-b") <= 6
    assert len(paths) < 40
    assert "newsarchive/sitemaps_too_deep" in result.stderr


def test_redirect_and_refresh_loops_end_at_redirect_max_times() -> None:
    with hostile_server(TRAPS) as server:
        # dont_filter (as the probe sends) defeats the duplicate filter: only the hop
        # limit ends the loop.
        result = probe([server.url("/loop-a"), server.url("/refresh-a")])
        paths = server.paths()
    by = result.by_probe()
    assert by[0]["error"] == by[1]["error"] == "IgnoreRequest"
    assert by[0]["message"] == by[1]["message"] == "max redirections reached"
    assert paths.count("/loop-a") + paths.count("/loop-b") == 6  # 1 + REDIRECT_MAX_TIMES
    assert paths.count("/refresh-a") + paths.count("/refresh-b") == 6
    assert json.dumps(result.stats)  # stats are plain numbers
