"""``scrapy crawl news``: crawl news sites through their feeds, sitemaps and robots.txt.

For every source of the sources file (``-a sources=PATH``, else the setting
``NEWSARCHIVE_SOURCES``, else the bundled list) the spider requests

* each feed (RSS/Atom) and each sitemap of the source, always (``dont_filter``: they change);
* the homepage host's ``robots.txt``, for its ``Sitemap:`` lines (Scrapy's
  ``RobotsTxtMiddleware`` still enforces its rules on every request);

follows sitemap indexes up to ``NEWSARCHIVE_SITEMAP_DEPTH`` levels (each sitemap URL read
once per run), and requests every article URL once per run, unless the archive has it
already (``newsarchive.archive.ArchiveSession.is_seen``). Article responses with an HTML
content type become :class:`~newsarchive.items.RawPage` items carrying the
:class:`~newsarchive.items.DiscoveryHints` of the feed or sitemap that listed them.

Settings (all optional):

* ``NEWSARCHIVE_SOURCES``: sources CSV path (default: bundled list).
* ``NEWSARCHIVE_SITEMAP_DEPTH``: how many sitemap-index levels are followed (default 2).
* ``NEWSARCHIVE_SITEMAP_MAX_CHILDREN``: most child sitemaps followed per index, newest
  ``<lastmod>`` first (default 50; 0 = no limit).
* ``NEWSARCHIVE_MAX_AGE_DAYS``: skip sitemap/feed entries and child sitemaps whose date is
  older than this many days (0 = no limit; undated entries are kept). The project's
  settings make it 7 for live crawls; tests of old pages pass 0.

Incremental runs. Feeds and sitemaps are read with conditional requests: the ``ETag`` and
``Last-Modified`` of each feed and leaf sitemap (by the URL requested) are kept in the state
(``get_validators`` / ``set_validators``) and sent back as ``If-None-Match`` /
``If-Modified-Since``; a ``304 Not Modified`` ends there (counted as ``not_modified``).
Validators are recorded only once every article request the listing made has been handled
without error (its page stored, recognised or skipped), in the state's open transaction, so
they become durable with, never before, the articles they vouch for: a run killed half-way
leaves the old validators and the next run reads the listing in full again. Sitemap indexes
are never conditional (their children may change while they do not). Article URLs the
archive has (the requested URL, every URL of a redirect chain and the final URL are all
remembered as seen) are not requested again.

JOBDIR. ``scrapy crawl news -s JOBDIR=...`` persists the request queue: everything a request
needs travels in its ``meta`` (picklable: strings, numbers, :class:`DiscoveryHints`) and its
callbacks are spider methods. The spider's own bookkeeping (URLs requested in this run,
listings waiting for their articles) lives in memory only; after a resume a listing's
validators are simply not recorded, so the next run re-reads that listing.

Stats (prefix ``newsarchive/``): ``feeds_parsed``, ``feeds_invalid``, ``feed_entries``,
``sitemaps_parsed``, ``sitemaps_invalid``, ``sitemap_indexes``, ``sitemap_entries``,
``sitemaps_repeated``, ``sitemaps_too_deep``, ``sitemaps_over_limit``, ``robots_parsed``,
``robots_sitemaps``, ``entries_too_old``, ``article_requests``, ``articles_repeated``,
``skipped_seen``, ``skipped_non_html``, ``pages``, ``errors`` and
``errors/<kind>/<reason>`` (kind: feed, sitemap, robots, article; reason: ``http_<status>``,
``ignored`` (e.g. forbidden by robots.txt) or the exception class name), ``not_modified``,
``conditional_requests``, ``validators_saved``, ``sources``, ``sources_reached``,
``fetch_failures`` (failed without a response) and ``site_errors/<site>``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.dedup.urls import normalize_url
from newsarchive.discovery import (
    SitemapRef,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from newsarchive.items import DiscoveryHints, RawPage
from newsarchive.sources import Source, load_sources
from newsarchive.spiders._common import headers_dict, is_html_type

__all__ = ["NewsSpider"]

_PREFIX = "newsarchive/"
_DISCOVERY_PRIORITY = 10  # feeds and sitemaps before articles: finds everything early
_FEED_ROOTS = ("root <rss>", "root <feed>", "root <RDF>")
_UNSET: Any = object()
_LISTS = "newsarchive_lists"  # meta: the feeds/sitemaps (as requested) an article came from


class _Listing:
    """A feed or sitemap whose validators wait for its article requests to be handled."""

    __slots__ = ("etag", "failed", "last_modified", "outstanding", "parsing")

    def __init__(self, etag: str | None, last_modified: str | None) -> None:
        self.etag = etag
        self.last_modified = last_modified
        self.outstanding = 0
        self.failed = False
        self.parsing = True


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() or None if value else None


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class NewsSpider(scrapy.Spider):
    """Discover articles through feeds, sitemaps and robots.txt; yield :class:`RawPage` items.

    Arguments (``-a``):
        sources: path of a sources CSV (see :mod:`newsarchive.sources`).

    Raises:
        newsarchive.sources.SourcesError: the sources file (``-a sources`` or
            ``NEWSARCHIVE_SOURCES``) is invalid, when the spider is made: a usage error.
    """

    name = "news"
    #: A run of the archive: run lock, run record and exit status (newsarchive.extensions).
    archive_run = True

    def __init__(self, sources: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources_path = sources
        if sources is not None:
            load_sources(sources)  # a bad file is a usage error before anything starts
        self._sitemaps_seen: set[str] = set()
        self._articles_seen: set[str] = set()
        self._archive: Any = _UNSET
        self._listings: dict[str, _Listing] = {}
        self._sources_reached: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        if spider.sources_path is None and crawler.settings.get("NEWSARCHIVE_SOURCES"):
            # A bad file named by the setting is a usage error too, as with -a sources.
            load_sources(crawler.settings.get("NEWSARCHIVE_SOURCES"))
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        return spider

    # --- helpers -------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(_PREFIX + key, count)

    def _setting_int(self, name: str, default: int) -> int:
        settings = getattr(self, "settings", None)
        return settings.getint(name, default) if settings is not None else default

    def _oldest_allowed(self) -> datetime | None:
        days = self._setting_int("NEWSARCHIVE_MAX_AGE_DAYS", 0)
        return datetime.now(UTC) - timedelta(days=days) if days > 0 else None

    def _session(self) -> Any:
        """The crawl's ``ArchiveSession``, or None for a spider not bound to a crawler (unit
        tests) or while the archive module does not exist (ImportError)."""
        crawler = getattr(self, "crawler", None)
        if crawler is None:
            return None
        if self._archive is _UNSET:
            try:
                module = importlib.import_module("newsarchive.archive")
            except ImportError:
                self.logger.info("newsarchive.archive not available: no seen-URL check")
                self._archive = None
            else:
                self._archive = module.ArchiveSession.for_crawler(crawler)
        return self._archive

    def is_seen(self, url: str) -> bool:
        """Whether the archive already holds ``url`` (``ArchiveSession.is_seen``); without
        a session (see :meth:`_session`) every URL is unseen."""
        session = self._session()
        return bool(session is not None and session.is_seen(url))

    def _state(self) -> Any:
        """The archive session's state, or None."""
        session = self._session()
        return session.state if session is not None else None

    # --- conditional requests --------------------------------------------------------

    def _listing_request(self, url: str, callback: Any, meta: dict[str, Any]) -> Request:
        """A feed/sitemap request, conditional when validators are known."""
        headers: dict[str, str] = {}
        state = self._state()
        if state is not None:
            etag, last_modified = state.get_validators(url)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            if headers:
                self._inc("conditional_requests")
        meta = {**meta, "newsarchive_list_url": url, "handle_httpstatus_list": [304]}
        return Request(url, callback=callback, errback=self.on_error, dont_filter=True,
                       priority=_DISCOVERY_PRIORITY, headers=headers or None, meta=meta)

    def _reached(self, response: Response) -> bool:
        """Count the source as reached; True when ``response`` is a 304 (nothing to read)."""
        source = response.meta.get("newsarchive_source", "")
        if source not in self._sources_reached:
            self._sources_reached.add(source)
            crawler = getattr(self, "crawler", None)
            if crawler is not None and crawler.stats is not None:
                crawler.stats.set_value(_PREFIX + "sources_reached", len(self._sources_reached))
        if response.status == 304:
            self._inc("not_modified")
            return True
        return False

    def _open_listing(self, response: Response) -> _Listing | None:
        list_url = response.meta.get("newsarchive_list_url")
        if not list_url:
            return None
        listing = _Listing(_header(response, "ETag"), _header(response, "Last-Modified"))
        self._listings[list_url] = listing
        return listing

    def _close_listing(self, response: Response, listing: _Listing | None) -> None:
        """All article requests of a listing are made: record now if none is pending."""
        list_url = response.meta.get("newsarchive_list_url")
        if listing is None or not list_url:
            return
        listing.parsing = False
        if listing.outstanding <= 0:
            self._finish_listing(list_url, listing)

    def _finish_listing(self, list_url: str, listing: _Listing) -> None:
        self._listings.pop(list_url, None)
        if listing.failed or not (listing.etag or listing.last_modified):
            return
        state = self._state()
        if state is not None:
            state.set_validators(list_url, listing.etag, listing.last_modified)
            self._inc("validators_saved")

    def _article_done(self, meta: dict[str, Any], failed: bool = False) -> None:
        """One article request of the listings in ``meta`` is handled."""
        for list_url in meta.get(_LISTS) or ():
            listing = self._listings.get(list_url)
            if listing is None:  # resumed from JOBDIR, or already recorded
                continue
            listing.failed |= failed
            listing.outstanding -= 1
            if listing.outstanding <= 0 and not listing.parsing:
                self._finish_listing(list_url, listing)

    def _item_done(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        """Signal handler (item scraped/dropped/error): the article's page went through the
        pipelines, so its row (if any) is recorded before its listing's validators."""
        if response is not None and response.meta.get("newsarchive_kind") == "article":
            self._article_done(response.meta, failed="failure" in kwargs)

    def load_sources(self) -> list[Source]:
        """The sources to crawl: ``-a sources``, else ``NEWSARCHIVE_SOURCES``, else bundled."""
        path = self.sources_path
        if path is None and getattr(self, "settings", None) is not None:
            path = self.settings.get("NEWSARCHIVE_SOURCES") or None
        return load_sources(path)

    # --- start ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """Yield, per source, the requests for robots.txt, its feeds and its sitemaps."""
        sources = self.load_sources()
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.set_value(_PREFIX + "sources", len(sources))
            crawler.stats.set_value(_PREFIX + "sources_reached", 0)
        for source in sources:
            for request in self.source_requests(source):
                yield request

    def source_requests(self, source: Source) -> Iterator[Request]:
        """The discovery requests of one source: robots.txt, feeds, sitemaps (depth 0)."""
        yield Request(source.robots_url, callback=self.parse_robots, errback=self.on_error,
                      dont_filter=True, priority=_DISCOVERY_PRIORITY,
                      meta={"newsarchive_kind": "robots", "newsarchive_source": source.name})
        for feed in source.feeds:
            yield self._listing_request(
                feed, self.parse_feed,
                {"newsarchive_kind": "feed", "newsarchive_source": source.name})
        yield from self._sitemap_requests(
            (SitemapRef(url) for url in source.sitemaps), source.name, depth=0)

    def _sitemap_requests(self, refs: Iterable[SitemapRef], source: str,
                          depth: int) -> Iterator[Request]:
        if depth > self._setting_int("NEWSARCHIVE_SITEMAP_DEPTH", 2):
            for ref in refs:
                self._inc("sitemaps_too_deep")
                self.logger.info("Sitemap %s not followed: deeper than %d", ref.url, depth - 1)
            return
        for ref in refs:
            try:
                key = normalize_url(ref.url)
            except ValueError:
                continue
            if key in self._sitemaps_seen:
                self._inc("sitemaps_repeated")
                continue
            self._sitemaps_seen.add(key)
            yield self._listing_request(
                ref.url, self.parse_sitemap,
                {"newsarchive_kind": "sitemap", "newsarchive_source": source,
                 "newsarchive_depth": depth})

    # --- discovery callbacks -------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """robots.txt: request the sitemaps of its ``Sitemap:`` lines (depth 0)."""
        self._reached(response)
        self._inc("robots_parsed")
        text = response.body.decode("utf-8", errors="replace")
        urls = sitemaps_from_robots(text, response.url)
        self._inc("robots_sitemaps", len(urls))
        source = response.meta.get("newsarchive_source", "")
        yield from self._sitemap_requests((SitemapRef(url) for url in urls), source, depth=0)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """An RSS/Atom feed: request its entries' articles with feed hints (nothing on a
        304 Not Modified)."""
        if self._reached(response):
            return
        errors: list[str] = []
        entries = parse_feed(response.body, response.url, errors=errors)
        if errors:
            self._inc("feeds_invalid")
            return
        self._inc("feeds_parsed")
        self._inc("feed_entries", len(entries))
        oldest = self._oldest_allowed()
        listing = self._open_listing(response)
        for entry in entries:
            if oldest and entry.published_at and entry.published_at < oldest:
                self._inc("entries_too_old")
                continue
            hints = DiscoveryHints(published_at=entry.published_at, title=entry.title,
                                   source="feed", source_url=response.url)
            yield from self._article_request(entry.url, hints, response, listing)
        self._close_listing(response, listing)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap (articles with sitemap hints) or an index (child sitemaps, one level
        deeper). Feeds given as sitemaps (allowed by sitemaps.org) are read as feeds.
        Nothing on a 304 Not Modified."""
        if self._reached(response):
            return
        sitemap = parse_sitemap(response.body, response.url)
        if sitemap.error:
            if sitemap.error.endswith(_FEED_ROOTS):
                yield from self.parse_feed(response)
                return
            self._inc("sitemaps_invalid")
            return
        self._inc("sitemaps_parsed")
        oldest = self._oldest_allowed()
        source = response.meta.get("newsarchive_source", "")
        if sitemap.is_index:
            self._inc("sitemap_indexes")
            list_url = response.meta.get("newsarchive_list_url")
            state = self._state()
            if list_url and state is not None and any(state.get_validators(list_url)):
                state.set_validators(list_url, None, None)  # indexes are never conditional
            refs = [ref for ref in sitemap.sitemaps
                    if not (oldest and ref.lastmod and ref.lastmod < oldest)]
            if len(refs) < len(sitemap.sitemaps):
                self._inc("entries_too_old", len(sitemap.sitemaps) - len(refs))
            limit = self._setting_int("NEWSARCHIVE_SITEMAP_MAX_CHILDREN", 50)
            if limit > 0 and len(refs) > limit:
                # Newest first (undated last), so the limit keeps the current sitemaps.
                refs.sort(key=lambda ref: ref.lastmod or datetime.min.replace(tzinfo=UTC),
                          reverse=True)
                self._inc("sitemaps_over_limit", len(refs) - limit)
                refs = refs[:limit]
            depth = int(response.meta.get("newsarchive_depth", 0)) + 1
            yield from self._sitemap_requests(refs, source, depth)
            return
        self._inc("sitemap_entries", len(sitemap.entries))
        listing = self._open_listing(response)
        for entry in sitemap.entries:
            published = entry.published_at or entry.lastmod
            if oldest and published and published < oldest:
                self._inc("entries_too_old")
                continue
            hints = DiscoveryHints(published_at=published, title=entry.title,
                                   source="sitemap", source_url=response.url)
            yield from self._article_request(entry.url, hints, response, listing)
        self._close_listing(response, listing)

    def _article_request(self, url: str, hints: DiscoveryHints, response: Response,
                         listing: _Listing | None = None) -> Iterator[Request]:
        try:
            key = normalize_url(url)
        except ValueError:
            return
        if key in self._articles_seen:
            self._inc("articles_repeated")
            return
        self._articles_seen.add(key)
        if self.is_seen(url):
            self._inc("skipped_seen")
            return
        self._inc("article_requests")
        lists: list[str] = []
        list_url = response.meta.get("newsarchive_list_url")
        if listing is not None and list_url:
            listing.outstanding += 1
            lists.append(list_url)
        yield Request(url, callback=self.parse_article, errback=self.on_error,
                      meta={"hints": hints, "newsarchive_kind": "article",
                            "newsarchive_url": url, _LISTS: lists,
                            "newsarchive_source": response.meta.get("newsarchive_source", "")})

    # --- articles and errors -------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[RawPage]:
        """An article response: a :class:`RawPage` if its content type is HTML-ish."""
        content_type = response.headers.get("Content-Type")
        if not is_html_type(content_type.decode("latin-1") if content_type else None):
            self._inc("skipped_non_html")
            self._article_done(response.meta)
            return
        redirects = list(response.meta.get("redirect_urls", []))
        requested = response.meta.get("newsarchive_url") or (redirects[0] if redirects
                                                             else response.url)
        headers = headers_dict(
            (name.decode("latin-1"), values[0].decode("latin-1"))
            for name, values in response.headers.items() if values
        )
        self._inc("pages")
        yield RawPage(
            url=requested,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            crawled_at=datetime.now(UTC),
            hints=response.meta.get("hints") or DiscoveryHints(),
            redirect_urls=redirects,
        )

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: count and log; other requests go on."""
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        kind = meta.get("newsarchive_kind", "other")
        if isinstance(failure.value, HttpError):
            reason = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            reason = "ignored"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        self._inc("errors")
        self._inc(f"errors/{kind}/{reason}")
        if reason != "ignored":
            if not isinstance(failure.value, HttpError):
                self._inc("fetch_failures")
            if request is not None:
                self._inc(f"site_errors/{_site(request.url)}")
        if kind == "article":
            self._article_done(meta, failed=reason != "ignored")
        level = logging.DEBUG if kind == "robots" or reason == "ignored" else logging.WARNING
        self.logger.log(level, "%s %s failed (%s, source %r): %s", kind,
                        request.url if request is not None else "?", reason,
                        meta.get("newsarchive_source"), failure.getErrorMessage())
