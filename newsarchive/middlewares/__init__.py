"""Downloader middlewares that keep a crawl where it may go.

* :class:`HostFilterMiddleware`: refuses requests to non-http(s) schemes and to hosts that
  are, or resolve to, loopback, link-local, private or other non-global addresses (SSRF
  protection), unless ``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS`` lists them.
* :class:`RobotsTxtMiddleware`: Scrapy's robots.txt middleware with RFC 9309 error
  handling: a robots.txt answering 5xx (or 429) or not reachable at all means "disallow
  everything"; only the first 500 KiB of a robots.txt are parsed; its ``Crawl-delay``
  is recorded.
* :class:`CrawlDelayMiddleware` and :class:`PoliteAutoThrottle`: each site's download
  slot waits at least its robots.txt ``Crawl-delay`` between requests.
"""

from newsarchive.middlewares.crawldelay import (
    CrawlDelayMiddleware,
    PoliteAutoThrottle,
    crawl_delays,
)
from newsarchive.middlewares.hostfilter import HostFilterMiddleware, HostPolicy
from newsarchive.middlewares.robots import RobotsTxtMiddleware

__all__ = [
    "CrawlDelayMiddleware",
    "HostFilterMiddleware",
    "HostPolicy",
    "PoliteAutoThrottle",
    "RobotsTxtMiddleware",
    "crawl_delays",
]
