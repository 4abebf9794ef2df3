"""robots.txt ``Crawl-delay`` is honoured per site, even with AutoThrottle on."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _article(n: int) -> bytes:
    text = " ".join(f"Paragraph {n} sentence {i} about the harbour bridge vote." for i in range(40))
    return (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>").encode()


class _Site(BaseHTTPRequestHandler):
    hits: list[tuple[float, str]] = []
    port = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Site.hits.append((time.monotonic(), self.path))
        if self.path == "/robots.txt":
            body, ctype = b"User-agent: *\nCrawl-delay: 2\nDisallow: /private/\n", "text/plain"
        elif self.path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {n}</title>"
                f"<link>http://127.0.0.1:{_Site.port}/news/story-{n}.html</link></item>"
                for n in range(1, 4)
            )
            body = f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>".encode()
            ctype = "application/rss+xml"
        elif self.path.startswith("/news/story-"):
            body, ctype = _article(int(self.path.split("-")[1].split(".")[0])), "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_crawl_delay_is_the_floor_of_a_site_delay(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    _Site.port = server.server_address[1]
    _Site.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{_Site.port}"
    sources = tmp_path / "sources.csv"
    sources.write_text(f"name,homepage,feeds,sitemaps,language\nT,{base}/,{base}/feed.xml,,en\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sources={sources}",
             "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
             "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_DELAY_JITTER=0",
             "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",
             "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-3000:]
    articles = [t for t, path in _Site.hits if path.startswith("/news/")]
    assert len(articles) == 3
    gaps = [b - a for a, b in zip(articles, articles[1:], strict=False)]
    assert min(gaps) >= 1.9, gaps  # without the floor AutoThrottle goes down to 0
    assert "'newsarchive/crawl_delay/127.0.0.1': 2.0" in result.stderr
