"""robots.txt with the error handling of RFC 9309 (https://www.rfc-editor.org/rfc/rfc9309).

Scrapy's ``RobotsTxtMiddleware`` parses whatever body comes back for robots.txt, so a
server error page (a 503 during maintenance) reads as "no rules" and the whole site is
crawled. RFC 9309 section 2.3.1 says otherwise; this subclass follows it:

* 2xx: the file is parsed; only its first :data:`MAX_ROBOTS_BYTES` (500 KiB, the least a
  crawler must parse, section 2.5) are read, cut at a line end. An HTML page served as
  robots.txt has no valid records and so allows everything (as for any file without
  rules).
* 4xx ("unavailable", section 2.3.1.3): no rules, everything allowed, except 429 (Too Many
  Requests), which is treated like a server error.
* 5xx and 429 ("unreachable", section 2.3.1.4): complete disallow for this run.
* Network errors and timeouts (unreachable): complete disallow for this run.
* Redirects are followed by the redirect middleware (at most ``REDIRECT_MAX_TIMES``;
  the RFC asks for at least five).

Stats: ``newsarchive/robots/disallow_all/<reason>`` (reason ``http_<status>`` or the
exception class name) and ``newsarchive/robots/truncated``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from newsarchive.middlewares.crawldelay import crawl_delays

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

__all__ = ["DISALLOW_ALL", "MAX_ROBOTS_BYTES", "RobotsTxtMiddleware"]

logger = logging.getLogger(__name__)

#: Bytes of a robots.txt that are parsed (RFC 9309 section 2.5: at least 500 kibibytes).
MAX_ROBOTS_BYTES = 500 * 1024
#: The rules used when robots.txt is unreachable.
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def truncate_robots(body: bytes, limit: int = MAX_ROBOTS_BYTES) -> bytes:
    """The first ``limit`` bytes of ``body``, cut after the last complete line."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: cut + 1] if cut >= 0 else b""


class _OneLineRobotsErrors(logging.Filter):
    """Drop the traceback Scrapy's middleware logs with a robots.txt that could not be
    downloaded ("Error downloading …", ERROR with ``exc_info``): the exception is a
    network error, its traceback is Twisted's internals (about 40 lines per site, so an
    offline run of the bundled sources logged over 1,600), and
    :meth:`RobotsTxtMiddleware._robots_error` logs what it means in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith("Error downloading"):
            record.exc_info = None
            record.exc_text = None
        return True


_ONE_LINE = _OneLineRobotsErrors()


class RobotsTxtMiddleware(_ScrapyRobots):
    """Scrapy's robots.txt middleware with RFC 9309 status and error handling.

    Building it puts a filter on Scrapy's ``scrapy.downloadermiddlewares.robotstxt``
    logger that keeps its download errors to one line (no traceback).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        logging.getLogger(_ScrapyRobots.__module__).addFilter(_ONE_LINE)  # idempotent

    def _inc(self, key: str) -> None:
        self._stats.inc_value(f"newsarchive/robots/{key}")

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if status >= 500 or status == 429:
            self._inc(f"disallow_all/http_{status}")
            logger.warning("robots.txt of %s answered %d: nothing fetched from that site "
                           "this run (RFC 9309: unreachable means disallow all)",
                           netloc, status)
            body = DISALLOW_ALL
        elif 400 <= status < 500:
            body = b""
        else:
            body = truncate_robots(response.body)
            if len(body) < len(response.body):
                self._inc("truncated")
        await super()._parse_robots(response.replace(body=body), netloc, request)
        self._record_crawl_delay(netloc, request)

    def _record_crawl_delay(self, netloc: str, request: Request) -> None:
        """Put the site's ``Crawl-delay`` for our user agent into the crawl's table
        (:func:`~newsarchive.middlewares.crawldelay.crawl_delays`), capped."""
        parser = self._parsers.get(netloc)
        if parser is None or isinstance(parser, Deferred) or not hasattr(parser, "crawl_delay"):
            return
        agent = (
            self._robotstxt_useragent
            or request.headers.get(b"User-Agent")
            or self._default_useragent
        )
        try:
            delay = parser.crawl_delay(agent)
        except Exception:  # a parser's oddity must not stop the crawl
            return
        if delay and delay > 0:
            cap = self.crawler.settings.getfloat("NEWSARCHIVE_MAX_CRAWL_DELAY", 60.0)
            host = urlparse_cached(request).hostname or netloc
            crawl_delays(self.crawler)[host] = min(float(delay), cap)
            self._stats.set_value(f"newsarchive/crawl_delay/{host}", min(float(delay), cap))

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._inc(f"disallow_all/{type(exc).__name__}")
        logger.warning("robots.txt of %s unreachable (%s): nothing fetched from that site "
                       "this run (RFC 9309)", netloc, type(exc).__name__)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)


