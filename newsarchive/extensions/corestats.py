"""Scrapy's core stats (start and finish time, items, responses) for crawls that may fail
to open.

Scrapy's engine sends ``spider_opened`` only after every item pipeline's ``open_spider``
has succeeded, but sends ``spider_closed`` in any case. Its ``CoreStats`` sets its start
time on the first signal and asserts it on the second, so a run whose archive session
fails to open (an unusable archive or state directory, a damaged state, a bad setting:
already reported in one line by :class:`~newsarchive.pipelines.write.ParquetWriterPipeline`)
also printed an ``AssertionError`` traceback from ``CoreStats.spider_closed``.
:class:`CoreStats` replaces it in ``EXTENSIONS``; it behaves the same, except that a spider
closed without having been opened gets its ``finish_time`` and ``finish_reason`` and an
``elapsed_time_seconds`` of 0 instead of a traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Spider
from scrapy.extensions.corestats import CoreStats as ScrapyCoreStats

__all__ = ["CoreStats"]


class CoreStats(ScrapyCoreStats):
    """Scrapy's ``CoreStats`` that also closes a spider that never opened."""

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Record ``finish_time`` (UTC datetime), ``finish_reason`` and
        ``elapsed_time_seconds`` (float, seconds since ``spider_opened``; 0.0 when the
        spider never opened)."""
        if self.start_time is None or self._start_time_mono is None:
            self.stats.set_value("elapsed_time_seconds", 0.0)
            self.stats.set_value("finish_time", datetime.now(tz=UTC))
            self.stats.set_value("finish_reason", reason)
            return
        super().spider_closed(spider, reason)
