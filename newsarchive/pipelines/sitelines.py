"""Site-lines pipeline: body lines that recur across a site's stories leave the body."""

from __future__ import annotations

import dataclasses
import logging
import struct
from collections import OrderedDict
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsarchive.archive import ArchiveSession
from newsarchive.clean import word_count
from newsarchive.clean.sitelines import (
    MIN_PAGES,
    SAMPLE_PAGES,
    SiteLineCounts,
    pack_line_keys,
    page_line_keys,
    strip_site_lines,
    unpack_line_keys,
)
from newsarchive.config import site_lines_pages
from newsarchive.items import Article

__all__ = ["SiteLinesPipeline"]

logger = logging.getLogger(__name__)

#: Sites whose samples and line counts are held in memory (about 30 KB each at most).
CACHED_SITES = 2000


class SiteLinesPipeline:
    """Remove lines that the site repeats across its stories (its standing text).

    Runs after :class:`~newsarchive.pipelines.clean.CleanPipeline` and before
    de-duplication. For each :class:`~newsarchive.items.Article`, the distinct lines of
    its body (:func:`newsarchive.clean.sitelines.page_line_keys`) are looked up in the
    samples of its ``domain``: a line held by at least ``MIN_PAGES`` of the site's last
    ``PAGES`` stories (other than this page) is moved to ``removed_lines`` and
    ``word_count`` recounted (:func:`newsarchive.clean.sitelines.strip_site_lines`; a
    page that would lose more than half its text keeps it). The page then becomes the
    site's newest sample, with its lines as they were before this step. Samples live in
    the crawl state (pending until the archive's next publish, like every state record)
    and are keyed by ``article_id``, so a page seen again replaces its own sample.

    Counts ``newsarchive/site_lines_removed`` (lines) and
    ``newsarchive/site_lines_kept_mostly_standing`` (pages left alone by the share
    guard); a failure is counted as ``newsarchive/clean_errors`` and the article passes
    unchanged.

    Settings:
        NEWSARCHIVE_SITE_LINES_ENABLED (bool, default True): off raises NotConfigured.
        NEWSARCHIVE_SITE_LINES_PAGES (int ≥ 2, default 30): stories remembered per site.
        NEWSARCHIVE_SITE_LINES_MIN_PAGES (int ≥ 2, ≤ PAGES, default 5): stories that
            must hold a line for it to be standing text. Bad values are usage errors
            (:func:`newsarchive.config.site_lines_pages`).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pages, self.need = SAMPLE_PAGES, MIN_PAGES
        self._sites: OrderedDict[str, SiteLineCounts] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteLinesPipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_SITE_LINES_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_SITE_LINES_ENABLED is off")
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            self.pages, self.need = site_lines_pages(self.crawler.settings)
        except ValueError as exc:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsarchive/config_errors")
            logger.error("%s", exc)
            raise

    def _site(self, site: str, session: ArchiveSession) -> SiteLineCounts:
        samples = self._sites.get(site)
        if samples is None:
            rows = []
            for page, blob in session.state.site_line_samples(site):
                try:
                    rows.append((page, unpack_line_keys(blob)))
                except (ValueError, struct.error):
                    continue  # a damaged sample counts as none
            samples = self._sites[site] = SiteLineCounts(rows)
            if len(self._sites) > CACHED_SITES:
                self._sites.popitem(last=False)
        else:
            self._sites.move_to_end(site)
        return samples

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Article) or not item.body:
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            session = ArchiveSession.for_crawler(self.crawler)
            samples = self._site(item.domain, session)
            keys = page_line_keys(item.body)
            repeated = samples.repeated(item.article_id, keys, self.need)
            body, removed = strip_site_lines(item.body, repeated)
            if repeated and not removed:
                stats.inc_value("newsarchive/site_lines_kept_mostly_standing")
            session.state.add_site_line_sample(item.domain, item.article_id,
                                               pack_line_keys(keys), self.pages)
            samples.add(item.article_id, keys, self.pages)
        except Exception as exc:  # keep the article as cleaned so far rather than lose it
            stats.inc_value("newsarchive/clean_errors")
            logger.warning("site-lines step failed for %s: %r", item.url, exc)
            return item
        if not removed:
            return item
        stats.inc_value("newsarchive/site_lines_removed", len(removed))
        logger.debug("site lines out of %s: %r", item.url, removed)
        return dataclasses.replace(item, body=body, word_count=word_count(body),
                                   removed_lines=[*item.removed_lines, *removed])
