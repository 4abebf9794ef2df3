"""The extraction pipeline: counted skips, never a stalled crawl."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newsarchive.items import DiscoveryHints, RawPage
from newsarchive.pipelines.extract import ExtractPipeline

PAGE = ("<html><head><title>Storm hits the coast</title></head><body><article>"
        "<h1>Storm hits the coast</h1>" + "<p>The storm came in the night and the town "
        "was dark for hours after it passed over the hills.</p>" * 8
        + "</article></body></html>").encode()


def page(url: str) -> RawPage:
    return RawPage(url=url, final_url=url, status=200,
                   headers={"content-type": "text/html; charset=utf-8"}, body=PAGE,
                   crawled_at=datetime(2024, 5, 6, tzinfo=UTC), hints=DiscoveryHints(),
                   redirect_urls=[])


def test_url_longer_than_the_request_limit_is_a_counted_skip_at_once() -> None:
    crawler = get_crawler(settings_dict={"URLLENGTH_LIMIT": 2083})
    crawler.stats = MemoryStatsCollector(crawler)
    pipeline = ExtractPipeline.from_crawler(crawler)
    long_url = "https://news.example/" + "a" * 20_000  # ~20 s in the URL rules (quadratic)
    started = time.process_time()
    with pytest.raises(DropItem, match=r"url-too-long: 20021 characters"):
        pipeline.process_item(page(long_url))
    assert time.process_time() - started < 1.0
    assert crawler.stats.get_value("newsarchive/not_article/url-too-long") == 1
    # At the limit the page is extracted as usual.
    limit_url = "https://news.example/2024/05/06/" + "storm-" * 341 + "story"
    assert len(limit_url) == 2083
    article = pipeline.process_item(page(limit_url))
    assert article.title == "Storm hits the coast"
    assert crawler.stats.get_value("newsarchive/pages_received") == 2
