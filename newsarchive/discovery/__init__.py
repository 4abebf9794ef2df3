"""Discovery parsers: feeds, sitemaps and robots.txt ``Sitemap:`` lines, without Scrapy.

All functions take the document as bytes (or text, for robots.txt) plus the URL it came
from, return plain dataclasses with absolute http(s) URLs and timezone-aware UTC datetimes,
and never raise on bad input. XML is parsed with lxml with entity resolution and network
access disabled (no XXE, no "billion laughs").
"""

from newsarchive.discovery._common import MAX_DECOMPRESSED_SIZE, parse_date
from newsarchive.discovery.feeds import FeedEntry, parse_feed
from newsarchive.discovery.sitemaps import (
    MAX_SITEMAP_URLS,
    Sitemap,
    SitemapEntry,
    SitemapRef,
    parse_sitemap,
    sitemaps_from_robots,
)

__all__ = [
    "MAX_DECOMPRESSED_SIZE",
    "MAX_SITEMAP_URLS",
    "FeedEntry",
    "Sitemap",
    "SitemapEntry",
    "SitemapRef",
    "parse_date",
    "parse_feed",
    "parse_sitemap",
    "sitemaps_from_robots",
]
