"""Extraction pipeline: a fetched :class:`~newsarchive.items.RawPage` becomes an Article."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsarchive.extract import NotAnArticle, extract_page
from newsarchive.items import Article, RawPage

__all__ = ["ExtractPipeline"]

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Run :func:`newsarchive.extract.extract_page` on every :class:`RawPage`.

    Non-article pages (section fronts, listings, tag/search pages, forum topic lists, error
    pages) are dropped and counted in the stats as ``newsarchive/not_article/<reason>``.
    A page that makes the extractor fail is dropped and counted as
    ``newsarchive/extract_errors``; the crawl goes on. Items that are not RawPages pass
    through unchanged.

    A page whose URL is longer than Scrapy's ``URLLENGTH_LIMIT`` (2,083 characters, the
    limit a live crawl already applies to the requests it makes) is not extracted: it is
    dropped as ``not_article/url-too-long``. Such URLs come from WARC records and redirects,
    which no request limit sees, and the URL rules of extraction cost time quadratic in
    the length of a path segment (a 100,000-character URL took about ten minutes).

    Settings:
        NEWSARCHIVE_EXTRACT_ENABLED (bool, default True): off raises NotConfigured.
        URLLENGTH_LIMIT (int, characters, Scrapy's, default 2083; 0: no limit).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT", 2083)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_EXTRACT_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_EXTRACT_ENABLED is off")
        return cls(crawler)

    def _inc(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{key}")

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, RawPage):
            return item
        self._inc("pages_received")
        if 0 < self.max_url_length < len(item.final_url):
            self._inc("not_article/url-too-long")
            raise DropItem(f"not an article (url-too-long: {len(item.final_url)} characters): "
                           f"{item.final_url[:200]}...", log_level="DEBUG")
        try:
            article: Article = extract_page(
                item.body,
                item.final_url,
                headers=item.headers,
                crawled_at=item.crawled_at,
                hints=item.hints,
                status=item.status,
            )
        except NotAnArticle as exc:
            self._inc(f"not_article/{exc.reason}")
            raise DropItem(
                f"not an article ({exc.reason}): {item.final_url}", log_level="DEBUG"
            ) from None
        except Exception as exc:  # one hostile page must not stop the crawl
            self._inc("extract_errors")
            logger.warning("extraction failed for %s: %r", item.final_url, exc)
            raise DropItem(f"extraction failed: {item.final_url}", log_level="DEBUG") from None
        fetched = [item.url, *item.redirect_urls, item.final_url]
        article.fetched_urls = list(dict.fromkeys(u for u in fetched if u))
        return article
