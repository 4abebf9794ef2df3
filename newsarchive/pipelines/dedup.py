"""De-duplication pipeline: store a new story, record a sighting, or drop a known page."""

from __future__ import annotations

import sqlite3
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsarchive.archive import ArchiveSession
from newsarchive.extensions.outcome import stop_run
from newsarchive.items import Article, Sighting

__all__ = ["DedupPipeline"]


class DedupPipeline:
    """Match each :class:`Article` against the archive's state.

    - already archived (its URL, canonical URL or a URL of its redirect chain is known):
      dropped, counted as ``newsarchive/skipped_seen``;
    - a new story: passed on with ``cluster_id`` set to its own ``article_id``;
    - a further copy (same canonical URL, same normalized body, or near-duplicate body):
      replaced by a :class:`Sighting` of the stored copy.

    Decisions are recorded in the state's open transaction at once, so later pages of the
    same run see them; they become durable when the writer publishes the rows.

    Settings:
        NEWSARCHIVE_DEDUP_ENABLED (bool, default True): off raises NotConfigured.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_DEDUP_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_DEDUP_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Article):
            return item
        session = ArchiveSession.for_crawler(self.crawler)
        if session.failed:  # the state could not be committed: the run is stopping
            raise DropItem(f"not stored, the run is stopping: {item.url}", log_level="DEBUG")
        fetched = list(item.fetched_urls)
        decision = session.dedup.decide(item, fetched_urls=fetched)
        stats = self.crawler.stats
        assert stats is not None
        if decision.kind == "seen":
            stats.inc_value("newsarchive/skipped_seen")
            raise DropItem(f"already archived: {item.url}", log_level="DEBUG")
        if decision.kind == "new":
            item.cluster_id = decision.cluster_id or item.article_id
            self._store(session.add_article, item, decision, fetched)
            return item
        assert decision.duplicate_of is not None and decision.cluster_id is not None
        sighting = Sighting(
            url=item.url,
            domain=item.domain,
            crawled_at=item.crawled_at,
            duplicate_of=decision.duplicate_of,
            cluster_id=decision.cluster_id,
            match=decision.kind,
            similarity=float(decision.similarity),
            article_id=item.article_id,
            title=item.title,
            published_at=item.published_at,
            word_count=item.word_count,
        )
        self._store(session.add_sighting, item, sighting, decision, fetched)
        return sighting

    def _store(self, add: Any, *args: Any) -> None:
        """``add(*args)``; when the state cannot be committed (the session has logged and
        counted it as a write error), stop the run: every later decision would be made
        against a state that lost its last ones."""
        try:
            add(*args)
        except sqlite3.Error:
            stop_run(self.crawler, "write_error")
            raise
