"""Scrapy's core stats without a traceback for a spider that never opened."""

from __future__ import annotations

from datetime import datetime

import pytest
from scrapy import Spider
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from newsarchive.extensions.corestats import CoreStats


def _stats() -> tuple[CoreStats, Spider, StatsCollector]:
    crawler = get_crawler(Spider)
    assert crawler.stats is not None
    return CoreStats(crawler.stats), Spider("t"), crawler.stats


def test_spider_closed_without_being_opened_records_the_reason() -> None:
    ext, spider, stats = _stats()
    ext.spider_closed(spider, "shutdown")  # Scrapy's own asserts start_time here
    assert stats.get_value("finish_reason") == "shutdown"
    assert stats.get_value("elapsed_time_seconds") == 0.0
    assert isinstance(stats.get_value("finish_time"), datetime)
    assert stats.get_value("start_time") is None


def test_an_opened_spider_is_timed_as_by_scrapy() -> None:
    ext, spider, stats = _stats()
    ext.spider_opened(spider)
    ext.spider_closed(spider, "finished")
    assert stats.get_value("finish_reason") == "finished"
    assert stats.get_value("start_time") <= stats.get_value("finish_time")
    assert stats.get_value("elapsed_time_seconds") >= 0.0


def test_it_replaces_scrapys_in_the_project_settings() -> None:
    from scrapy.utils.project import get_project_settings

    extensions = get_project_settings().getdict("EXTENSIONS")
    assert extensions["scrapy.extensions.corestats.CoreStats"] is None
    assert "newsarchive.extensions.corestats.CoreStats" in extensions
    # Why: Scrapy's own asserts on the first case (when this fails, Scrapy has mended it
    # and this module can go).
    with pytest.raises(AssertionError):
        from scrapy.extensions.corestats import CoreStats as Scrapys

        crawler = get_crawler(Spider)
        assert crawler.stats is not None
        Scrapys(crawler.stats).spider_closed(Spider("t"), "shutdown")
