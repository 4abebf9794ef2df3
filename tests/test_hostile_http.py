"""Hostile HTTP (issue 6, cases 1, 2 and 8): decompression bombs, oversized, trickling and
truncated responses, and robots.txt that fails, hangs, is huge or is an HTML page.

Each test serves the case from a local server on 127.0.0.1 and crawls it in a subprocess
with the project's settings (:func:`tests.hostilesite.probe`).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import time
import zlib
from typing import Any

import brotli
import pytest

from tests.hostilesite import Handler, Route, hostile_server, probe, respond

MiB = 1024 * 1024
PAGE = (b"<html><head><title>Ordinary page</title></head><body>"
        + b"<p>Some perfectly ordinary paragraph of news text.</p>" * 20 + b"</body></html>")
NO_ROBOTS: Route = functools.partial(respond, status=404, body=b"", content_type="text/plain")


@functools.cache
def _zeros_compressed(encoding: str, size: int = 16 * MiB) -> bytes:
    data = b"\0" * size
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6)
    if encoding == "deflate":
        return zlib.compress(data, 6)
    if encoding == "br":
        return bytes(brotli.compress(data, quality=4))
    if encoding == "zstd":
        try:
            from compression import zstd  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            from backports import zstd  # type: ignore[no-redef,unused-ignore]
        return bytes(zstd.compress(data))
    raise ValueError(encoding)


def _encoded(encoding: str, body: bytes) -> Route:
    def route(h: Handler) -> None:
        respond(h, 200, body, headers={"Content-Encoding": encoding})
    return route


def _ok(h: Handler) -> None:
    respond(h, 200, PAGE)


ENCODINGS = ["gzip", "deflate", "br", "zstd"]


def test_decompression_bombs_are_refused_at_download_maxsize() -> None:
    routes: dict[str, Route] = {"/robots.txt": NO_ROBOTS}
    for encoding in ENCODINGS:
        routes[f"/bomb/{encoding}"] = _encoded(encoding, _zeros_compressed(encoding))
    routes["/small/gzip"] = _encoded("gzip", gzip.compress(PAGE))
    routes["/small/br"] = _encoded("br", brotli.compress(PAGE))
    with hostile_server(routes) as server:
        urls = [server.url(f"/bomb/{e}") for e in ENCODINGS]
        result = probe([*urls, server.url("/small/gzip"), server.url("/small/br")])
    by = result.by_probe()
    for i, encoding in enumerate(ENCODINGS):
        assert by[i]["error"] == "IgnoreRequest", encoding
        assert "exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression" in by[i]["message"]
    # Compressed pages under the limit are decoded as usual.
    assert by[4]["status"] == by[5]["status"] == 200
    assert by[4]["size"] == by[5]["size"] == len(PAGE)


def _stream(h: Handler, total: int, declared: int | None) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    if declared is not None:
        h.send_header("Content-Length", str(declared))
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    sent = 0
    while sent < total:
        h.wfile.write(chunk)
        sent += len(chunk)


def _trickle(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.05)
    h.close_connection = True


def _silent(h: Handler) -> None:
    time.sleep(6)  # never answers within the test's timeout
    h.close_connection = True


def _short(h: Handler) -> None:
    """Promises 5000 bytes, sends 100, hangs up."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(b"<html>" + b"x" * 94)
    h.wfile.flush()
    h.close_connection = True


def _long(h: Handler) -> None:
    """Promises 20 bytes, sends more."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "20")
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(b"<html><p>abcdefghijklmnop</p></html>")
    h.close_connection = True


def test_oversized_trickling_and_lying_responses_fail_cleanly() -> None:
    routes: dict[str, Route] = {
        "/robots.txt": NO_ROBOTS,
        "/declared-huge": lambda h: _stream(h, 11 * MiB, 20 * MiB),
        "/undeclared-huge": lambda h: _stream(h, 11 * MiB, None),
        "/trickle": _trickle,
        "/silent": _silent,
        "/short": _short,
        "/long": _long,
        "/ok": _ok,
    }
    with hostile_server(routes) as server:
        started = time.monotonic()
        result = probe([server.url(p) for p in routes if p != "/robots.txt"],
                       {"DOWNLOAD_TIMEOUT": 3})
        elapsed = time.monotonic() - started
    by = result.by_probe()
    # Over DOWNLOAD_MAXSIZE, announced or not: cancelled.
    assert by[0]["error"] == by[1]["error"] == "DownloadCancelledError"
    # A body that trickles forever, and a server that never answers: DOWNLOAD_TIMEOUT.
    assert by[2]["error"] == by[3]["error"] == "DownloadTimeoutError"
    # Fewer bytes than Content-Length: data loss is an error, not a truncated page.
    assert by[4]["error"] == "ResponseDataLossError"
    # More bytes than Content-Length: only the announced bytes are read.
    assert by[5]["status"] == 200 and by[5]["size"] == 20
    assert by[6]["status"] == 200 and by[6]["size"] == len(PAGE)
    assert elapsed < 60


def _robots(status: int, body: bytes, content_type: str = "text/plain") -> Route:
    return functools.partial(respond, status=status, body=body, content_type=content_type)


def _hang(h: Handler) -> None:
    time.sleep(6)
    h.close_connection = True


def test_robots_txt_errors_follow_rfc_9309() -> None:
    """One site per robots.txt case (each its own server, so its own robots.txt), all
    crawled at once: ``/page`` and ``/private/x`` requested on each."""
    filler = b"".join(b"Allow: /section-%d/\n" % i for i in range(300_000))  # ~6 MiB
    huge = b"User-agent: *\nDisallow: /private/\n" + filler + b"Disallow: /\n"
    html = b"<!doctype html><html><head><title>Welcome</title></head><body>Hi</body></html>"
    cases: dict[str, Route] = {
        "500": _robots(500, b"User-agent: *\nAllow: /\n"),
        "503": _robots(503, b""),
        "429": _robots(429, b""),
        "404": _robots(404, b"User-agent: *\nDisallow: /\n"),
        "timeout": _hang,
        "huge": _robots(200, huge),
        "html": _robots(200, html, "text/html"),
    }
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(hostile_server(
            {"/robots.txt": route, "/page": _ok, "/private/x": _ok}))
            for name, route in cases.items()}
        urls: list[dict[str, Any] | str] = [server.url(path) for server in servers.values()
                for path in ("/page", "/private/x")]
        result = probe(urls, {"DOWNLOAD_TIMEOUT": 2})
        fetched = {name: sorted(server.paths()) for name, server in servers.items()}
    by = result.by_probe()
    outcome = {name: (by[2 * i].get("status") or by[2 * i]["message"],
                      by[2 * i + 1].get("status") or by[2 * i + 1]["message"])
               for i, name in enumerate(cases)}
    forbidden = "Forbidden by robots.txt"
    assert outcome == {
        # 5xx and 429: unreachable, complete disallow (even if the error body allows all).
        "500": (forbidden, forbidden), "503": (forbidden, forbidden),
        "429": (forbidden, forbidden),
        # 4xx: unavailable, no rules (even if the error body disallows all).
        "404": (200, 200),
        # Timeout: unreachable, complete disallow.
        "timeout": (forbidden, forbidden),
        # Huge: the first 500 KiB are rules; the final "Disallow: /" is beyond them.
        "huge": (200, forbidden),
        # An HTML page has no records: no rules.
        "html": (200, 200),
    }
    for name in ("500", "503", "429", "timeout"):
        assert fetched[name] == ["/robots.txt"], name
    stats = result.stats
    assert stats["newsarchive/robots/disallow_all/http_500"] == 1
    assert stats["newsarchive/robots/disallow_all/http_503"] == 1
    assert stats["newsarchive/robots/disallow_all/http_429"] == 1
    assert stats["newsarchive/robots/disallow_all/DownloadTimeoutError"] == 1
    assert stats["newsarchive/robots/truncated"] == 1


def test_a_robots_txt_download_error_is_logged_without_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from scrapy.utils.test import get_crawler

    from newsarchive.middlewares.robots import RobotsTxtMiddleware

    scrapys = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    RobotsTxtMiddleware(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}))
    try:
        raise ConnectionRefusedError("no route")
    except ConnectionRefusedError:
        scrapys.error("Error downloading %(request)s: %(f_exception)s",
                      {"request": "<GET https://a.example/>", "f_exception": "no route"},
                      exc_info=True)
        scrapys.error("something else", exc_info=True)  # other records keep theirs
    [download, other] = [r for r in caplog.records if r.name == scrapys.name]
    assert download.getMessage() == "Error downloading <GET https://a.example/>: no route"
    assert download.exc_info is None and "Traceback" not in caplog.text.split("something")[0]
    assert other.exc_info is not None
