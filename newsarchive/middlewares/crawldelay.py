"""Per-site crawl delay: robots.txt ``Crawl-delay`` honoured for every download slot.

Scrapy parses ``Crawl-delay`` (Protego) but never applies it, and AutoThrottle lowers a
slot's delay down to ``DOWNLOAD_DELAY`` whenever a site answers fast. Here:

* :class:`~newsarchive.middlewares.robots.RobotsTxtMiddleware` records each site's
  ``Crawl-delay`` for our user agent (capped at ``NEWSARCHIVE_MAX_CRAWL_DELAY``, default
  60 seconds, so a hostile "Crawl-delay: 86400" cannot stall a run) in the crawl's
  :func:`crawl_delays` table, keyed by host name (Scrapy's download-slot key);
* :class:`CrawlDelayMiddleware` raises the delay of a site's download slot to that floor
  before each request;
* :class:`PoliteAutoThrottle` is AutoThrottle that never goes below the floor.

``Crawl-delay`` is not part of RFC 9309, but Bing, Yandex and many news sites use it; it
is the delay in seconds between two requests.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response

__all__ = ["CrawlDelayMiddleware", "PoliteAutoThrottle", "crawl_delays"]

_ATTR = "_newsarchive_crawl_delays"


def crawl_delays(crawler: Crawler) -> dict[str, float]:
    """The crawl's table of per-site delays in seconds, keyed by host name (created empty)."""
    table: dict[str, float] | None = getattr(crawler, _ATTR, None)
    if table is None:
        table = {}
        setattr(crawler, _ATTR, table)
    return table


def _floor(crawler: Crawler, key: str) -> float:
    return crawl_delays(crawler).get(key, 0.0)


class CrawlDelayMiddleware:
    """Raise each site's download-slot delay to its robots.txt ``Crawl-delay``.

    Settings: ``NEWSARCHIVE_CRAWL_DELAY_ENABLED`` (default True; off: NotConfigured).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_CRAWL_DELAY_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_CRAWL_DELAY_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        key = downloader.get_slot_key(request)
        floor = _floor(self.crawler, key)
        if floor:
            slot = downloader.slots.get(key)
            if slot is not None and slot.delay < floor:
                slot.delay = floor


class PoliteAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, never faster than a site's robots.txt ``Crawl-delay``."""

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        engine = self.crawler.engine
        if engine is None:
            return
        for key, candidate in engine.downloader.slots.items():
            if candidate is slot:
                slot.delay = max(slot.delay, _floor(self.crawler, key))
                break
