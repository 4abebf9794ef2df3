"""Cleaning pipeline: boilerplate lines out of the body; dateline, wire and credits split."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsarchive.clean import clean_article
from newsarchive.items import Article

__all__ = ["CleanPipeline"]

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Apply :func:`newsarchive.clean.clean_article` to every :class:`Article`.

    Counts ``newsarchive/boilerplate_lines_removed`` and ``newsarchive/wire/<service>``.
    An article whose body is empty after cleaning is dropped as
    ``newsarchive/not_article/empty``.

    Settings:
        NEWSARCHIVE_CLEAN_ENABLED (bool, default True): off raises NotConfigured.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_CLEAN_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_CLEAN_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Article):
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            cleaned = clean_article(item)
        except Exception as exc:  # keep the extracted body rather than lose the article
            stats.inc_value("newsarchive/clean_errors")
            logger.warning("cleaning failed for %s: %r", item.url, exc)
            return item
        if cleaned.removed_lines:
            stats.inc_value("newsarchive/boilerplate_lines_removed", len(cleaned.removed_lines))
        if cleaned.wire_source:
            stats.inc_value(f"newsarchive/wire/{cleaned.wire_source}")
        if not cleaned.body.strip():
            stats.inc_value("newsarchive/not_article/empty")
            raise DropItem(f"empty body after cleaning: {item.url}", log_level="DEBUG")
        return cleaned
