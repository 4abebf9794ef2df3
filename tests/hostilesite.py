"""A hostile local web server and a one-shot crawl harness for the robustness tests.

:func:`hostile_server` serves a route table (path -> handler function) on 127.0.0.1 on a
free port in a daemon thread and logs every request (path, Host, headers).
:func:`probe` runs a crawl in a subprocess (as ``scrapy crawl`` would: project settings,
a fresh reactor) with a minimal spider that requests the given URLs and reports, per
request, the response (status, final URL, body size, redirects) or the error, plus the
crawl's stats.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["Handler", "HostileServer", "ProbeResult", "Route", "hostile_server", "probe", "respond"]

ROOT = Path(__file__).resolve().parent.parent
Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Dispatch GET requests to the server's routes (404 for unknown paths)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        server: Any = self.server
        path = self.path.split("?", 1)[0]
        if path.startswith(("http://", "https://")):  # proxy-style absolute request target
            path = "/" + path.split("/", 3)[-1] if path.count("/") >= 3 else "/"
        server.log.append({"path": self.path, "host": self.headers.get("Host", ""),
                           "headers": {k.lower(): v for k, v in self.headers.items()}})
        route = server.routes.get(path)
        try:
            if route is None:
                respond(self, 404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass


def respond(handler: BaseHTTPRequestHandler, status: int, body: bytes,
            content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> None:
    """Send a complete response with a correct ``Content-Length``."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@dataclass
class HostileServer:
    """A running server: ``base`` is ``http://127.0.0.1:<port>``; ``log`` the requests."""

    port: int
    routes: dict[str, Route]
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [entry["path"] for entry in self.log]


@contextlib.contextmanager
def hostile_server(routes: dict[str, Route]) -> Iterator[HostileServer]:
    """Serve ``routes`` on 127.0.0.1 (free port) until the block ends."""
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.routes = routes
    server.log = []
    thread = threading.Thread(target=server.serve_forever, name="hostile", daemon=True)
    thread.start()
    try:
        yield HostileServer(server.server_address[1], routes, server.log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_PROBE = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

spec = json.loads(sys.argv[1])
results = []

class Probe(scrapy.Spider):
    name = "probe"

    async def start(self):
        for i, r in enumerate(spec["requests"]):
            yield scrapy.Request(r["url"], headers=r.get("headers") or {},
                                 cookies=r.get("cookies") or {},
                                 meta={**(r.get("meta") or {}), "probe": i},
                                 callback=self.ok, errback=self.bad, dont_filter=True)

    def ok(self, response):
        results.append({"probe": response.meta["probe"], "status": response.status,
                        "url": response.url, "size": len(response.body),
                        "redirects": response.meta.get("redirect_urls", []),
                        "body": response.body[:200].decode("latin-1")})

    def bad(self, failure):
        request = getattr(failure, "request", None)
        results.append({"probe": request.meta.get("probe") if request else None,
                        "error": failure.type.__name__, "message": failure.getErrorMessage()})

settings = get_project_settings()
settings.setdict({"ITEM_PIPELINES": {}, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "LOG_LEVEL": "INFO", "RETRY_ENABLED": False, **spec["settings"]},
                 priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(Probe)
process.crawl(crawler)
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float))}
print(json.dumps({"results": sorted(results, key=lambda r: r["probe"] if r["probe"] is not None
                                    else -1), "stats": stats}))
"""


@dataclass
class ProbeResult:
    """What :func:`probe` saw: one result per request (in request order) and the stats."""

    results: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str

    def by_probe(self) -> dict[int, dict[str, Any]]:
        return {r["probe"]: r for r in self.results if r.get("probe") is not None}


def probe(requests: list[dict[str, Any] | str], settings: dict[str, Any] | None = None,
          *, allow_loopback: bool = True, timeout: float = 120) -> ProbeResult:
    """Crawl ``requests`` (URLs or dicts with ``url``, ``headers``, ``meta``) in a
    subprocess with the project settings plus ``settings``.

    ``allow_loopback`` sets ``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS`` to 127.0.0.1 and
    localhost, as every test crawling its own server must.
    """
    specs = [{"url": r} if isinstance(r, str) else r for r in requests]
    merged: dict[str, Any] = {}
    if allow_loopback:
        merged["NEWSARCHIVE_ALLOW_PRIVATE_HOSTS"] = ["127.0.0.1", "localhost"]
    merged.update(settings or {})
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsarchive.settings",
           "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
        merged.setdefault("NEWSARCHIVE_ARCHIVE", f"{tmp}/archive")
        merged.setdefault("NEWSARCHIVE_STATE", f"{tmp}/state")
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, json.dumps({"requests": specs, "settings": merged})],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-4000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return ProbeResult(data["results"], data["stats"], result.stderr)
