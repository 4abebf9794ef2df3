"""XML sitemaps, sitemap indexes, Google News sitemaps and robots.txt ``Sitemap:`` lines.

Rules followed:

* Sitemaps protocol 0.9 (https://www.sitemaps.org/protocol.html): ``urlset/url`` with
  ``loc`` and ``lastmod`` (W3C Datetime); ``sitemapindex/sitemap`` with ``loc`` and
  ``lastmod``; at most 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed per file;
  a sitemap may be gzip-compressed.
* Google News sitemaps (https://www.google.com/schemas/sitemap-news/0.9, documented at
  https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap):
  ``url/news:news`` with ``news:publication_date`` (W3C Datetime) and ``news:title``.
* robots.txt (RFC 9309 section 2.4 leaves other records to implementers; the
  ``Sitemap:`` record is defined by sitemaps.org): ``Sitemap: <absolute URL>`` lines,
  anywhere in the file, field name case-insensitive.

Elements are matched by local name, so sitemaps with a missing or wrong namespace still
parse.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from newsarchive.discovery._common import (
    MAX_DECOMPRESSED_SIZE,
    DiscoveryError,
    absolute_http_url,
    child,
    child_text,
    defuse_xml,
    localname,
    logger,
    maybe_gunzip,
    parse_date,
    title_of,
)

__all__ = [
    "MAX_SITEMAP_URLS",
    "Sitemap",
    "SitemapEntry",
    "SitemapRef",
    "parse_sitemap",
    "sitemaps_from_robots",
]

#: Most ``<url>`` (or ``<sitemap>``) entries read from one file (sitemaps.org limit).
MAX_SITEMAP_URLS = 50_000


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of a sitemap.

    Attributes:
        url: absolute http(s) URL of the page (``<loc>``).
        lastmod: ``<lastmod>`` in UTC, or None.
        published_at: ``<news:publication_date>`` in UTC, or None.
        title: ``<news:title>``, or None.
    """

    url: str
    lastmod: datetime | None = None
    published_at: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class SitemapRef:
    """One ``<sitemap>`` of a sitemap index: a child sitemap's URL and ``<lastmod>`` (UTC)."""

    url: str
    lastmod: datetime | None = None


@dataclass
class Sitemap:
    """A parsed sitemap: either page entries (``urlset``) or child sitemaps (an index).

    Attributes:
        entries: the pages of a ``urlset``, in document order, without repeats.
        sitemaps: the child sitemaps of a ``sitemapindex``, in document order.
        error: why the document could not be used, or None.
    """

    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[SitemapRef] = field(default_factory=list)
    error: str | None = None

    @property
    def is_index(self) -> bool:
        """Whether this is a sitemap index (it lists child sitemaps)."""
        return bool(self.sitemaps)


def parse_sitemap(body: bytes, base_url: str, *,
                  max_size: int = MAX_DECOMPRESSED_SIZE,
                  max_urls: int = MAX_SITEMAP_URLS) -> Sitemap:
    """Parse a sitemap or sitemap index (plain or gzip-compressed XML).

    Args:
        body: the document as bytes; a body starting with the gzip magic bytes is
            decompressed (at most ``max_size`` bytes).
        base_url: the sitemap's URL; relative ``<loc>`` values resolve against it
            (the protocol demands absolute URLs; resolving is lenient). Only http(s)
            URLs are kept.
        max_size: bytes; the largest decompressed document accepted.
        max_urls: the most entries read; the rest are ignored (logged).

    Returns:
        A :class:`Sitemap`; on bad input (not XML, not a sitemap, broken gzip, too large)
        an empty one whose ``error`` says why (also logged at WARNING). Never raises on
        bad input.
    """
    try:
        return _stream_sitemap(maybe_gunzip(body, max_size), base_url, max_urls)
    except DiscoveryError as exc:
        logger.warning("Sitemap %s ignored: %s", base_url, exc)
        return Sitemap(error=str(exc))


def _stream_sitemap(body: bytes, base_url: str, max_urls: int) -> Sitemap:
    """Read a sitemap element by element (``iterparse``), dropping each ``<url>`` once it
    is read, and stop after ``max_urls`` entries: memory stays proportional to the entries
    kept, not to the document (a million-URL sitemap is not built as a tree)."""
    if not body or not body.strip():
        raise DiscoveryError("empty body")
    data = defuse_xml(body.lstrip(b" \t\r\n"))
    events = etree.iterparse(
        io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True, recover=True)
    sitemap = Sitemap()
    root: etree._Element | None = None
    kind = ""
    seen: set[str] = set()
    try:
        for event, element in events:
            if root is None:
                root, kind = element, localname(element)
                if kind not in ("urlset", "sitemapindex"):
                    raise DiscoveryError(f"not a sitemap: root <{kind}>")
                continue
            if event != "end" or element.getparent() is not root:
                continue
            name = localname(element)
            if name in ("url", "sitemap"):
                count = len(sitemap.entries) + len(sitemap.sitemaps)
                if count >= max_urls:
                    logger.warning("Sitemap %s: more than %d entries, rest ignored",
                                   base_url, max_urls)
                    break
                if kind == "urlset" and name == "url":
                    entry = _url_entry(element, base_url)
                    if entry is not None and entry.url not in seen:
                        seen.add(entry.url)
                        sitemap.entries.append(entry)
                elif kind == "sitemapindex" and name == "sitemap":
                    ref = _sitemap_ref(element, base_url)
                    if ref is not None and ref.url not in seen:
                        seen.add(ref.url)
                        sitemap.sitemaps.append(ref)
            element.clear()
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        if root is None:
            raise DiscoveryError(f"not XML: {exc}") from exc
        logger.info("Sitemap %s: XML error after %d entries: %s", base_url,
                    len(sitemap.entries) + len(sitemap.sitemaps), exc)
    if root is None:
        raise DiscoveryError("not XML: no root element")
    return sitemap


def _url_entry(element: etree._Element, base_url: str) -> SitemapEntry | None:
    url = absolute_http_url(child_text(element, "loc"), base_url)
    if url is None:
        return None
    news = child(element, "news")
    published = title = None
    if news is not None:
        published = parse_date(child_text(news, "publication_date"))
        title = title_of(child(news, "title"))
    return SitemapEntry(url=url, lastmod=parse_date(child_text(element, "lastmod")),
                        published_at=published, title=title)


def _sitemap_ref(element: etree._Element, base_url: str) -> SitemapRef | None:
    url = absolute_http_url(child_text(element, "loc"), base_url)
    if url is None:
        return None
    return SitemapRef(url=url, lastmod=parse_date(child_text(element, "lastmod")))


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """Return the URLs of the ``Sitemap:`` lines of a robots.txt, in order, without repeats.

    Args:
        robots_txt: the file's text.
        base_url: the robots.txt URL; relative values are resolved against it (the
            protocol asks for absolute URLs). Only http(s) URLs are kept.

    Returns:
        The sitemap URLs (empty when there are none). Never raises.
    """
    urls: list[str] = []
    for line in robots_txt.splitlines():
        line = line.split("#", 1)[0].strip()
        name, sep, value = line.partition(":")
        if not sep or name.strip().lower() != "sitemap":
            continue
        url = absolute_http_url(value.strip(), base_url)
        if url and url not in urls:
            urls.append(url)
    return urls
