"""RSS 2.0, RSS 1.0 (RDF) and Atom feed parsing, without Scrapy.

Rules followed:

* RSS 2.0 (https://www.rssboard.org/rss-specification): ``channel/item`` with ``link``
  (else a ``guid`` that is a permalink), ``title`` and ``pubDate`` (RFC 822); Dublin Core
  ``dc:date`` (ISO 8601) when there is no ``pubDate``.
* RSS 1.0 (https://web.resource.org/rss/1.0/spec): ``rdf:RDF/item`` with ``link`` (else
  ``rdf:about``), ``title`` and ``dc:date``.
* Atom (RFC 4287): ``entry`` with ``link rel="alternate"`` (``rel`` absent means alternate,
  section 4.2.7.2; an HTML ``type`` preferred), ``title`` (``type="html"`` unescaped),
  ``published`` then ``updated``; relative links resolved against ``xml:base`` and the feed
  URL (section 4.2.7.1 / RFC 3986).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from newsarchive.discovery._common import (
    DiscoveryError,
    absolute_http_url,
    child,
    child_text,
    children,
    localname,
    logger,
    maybe_gunzip,
    parse_date,
    parse_xml,
    text_of,
    title_of,
)

__all__ = ["FeedEntry", "parse_feed"]

_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_HTML_TYPES = ("", "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed.

    Attributes:
        url: absolute http(s) URL of the article.
        published_at: publication time in UTC (``pubDate``, ``published``, ``updated`` or
            ``dc:date``), or None.
        title: the entry's title as plain text, or None.
    """

    url: str
    published_at: datetime | None
    title: str | None


def parse_feed(body: bytes, base_url: str, *, errors: list[str] | None = None) -> list[FeedEntry]:
    """Parse an RSS 2.0, RSS 1.0 or Atom document into its entries, in document order.

    Entries without a usable http(s) link are dropped; an entry whose URL was already
    listed earlier in the same feed is dropped too.

    Args:
        body: the document as bytes (gzip-compressed bodies are decompressed, up to
            :data:`~newsarchive.discovery._common.MAX_DECOMPRESSED_SIZE` bytes).
        base_url: the URL the feed was fetched from; relative links resolve against it.
        errors: if given, the reason a document could not be parsed is appended to it
            (e.g. ``"not XML: ..."``, ``"not a feed: root <html>"``).

    Returns:
        The entries; an empty list for bad input (the reason is logged at WARNING and
        appended to ``errors``). Never raises on bad input.
    """
    try:
        root = parse_xml(maybe_gunzip(body), base_url)
        kind = localname(root)
        if kind == "feed":
            entries = [_atom_entry(entry, base_url) for entry in root.iter()
                       if localname(entry) == "entry"]
        elif kind in ("rss", "RDF"):
            entries = [_rss_item(item, base_url) for item in root.iter()
                       if localname(item) == "item"]
        else:
            raise DiscoveryError(f"not a feed: root <{kind}>")
    except DiscoveryError as exc:
        logger.warning("Feed %s ignored: %s", base_url, exc)
        if errors is not None:
            errors.append(str(exc))
        return []
    seen: set[str] = set()
    result: list[FeedEntry] = []
    for entry in entries:
        if entry is None or entry.url in seen:
            continue
        seen.add(entry.url)
        result.append(entry)
    return result


def _base_of(element: etree._Element, base_url: str) -> str:
    base = element.base
    return base if isinstance(base, str) and base else base_url


def _rss_item(item: etree._Element, base_url: str) -> FeedEntry | None:
    base = _base_of(item, base_url)
    url = None
    for link in children(item, "link"):
        if link.get("href"):  # an atom:link inside an RSS item
            if link.get("rel", "alternate") == "alternate":
                url = url or absolute_http_url(link.get("href"), base)
            continue
        url = absolute_http_url(text_of(link), base)
        if url:
            break
    if url is None:
        guid = child(item, "guid")
        if guid is not None and guid.get("isPermaLink", "true").strip().lower() == "true":
            url = absolute_http_url(text_of(guid), base)
    if url is None:
        url = absolute_http_url(item.get(f"{{{_RDF_NS}}}about"), base)
    if url is None:
        return None
    published = None
    for name in ("pubDate", "date", "published", "updated", "issued"):
        published = parse_date(child_text(item, name))
        if published is not None:
            break
    return FeedEntry(url=url, published_at=published, title=title_of(child(item, "title")))


def _atom_entry(entry: etree._Element, base_url: str) -> FeedEntry | None:
    best: tuple[int, str] | None = None
    for link in children(entry, "link"):
        rel = (link.get("rel") or "alternate").strip()
        if rel != "alternate":
            continue
        url = absolute_http_url(link.get("href"), _base_of(link, base_url))
        if url is None:
            continue
        rank = 0 if (link.get("type") or "").strip().lower() in _HTML_TYPES else 1
        if best is None or rank < best[0]:
            best = (rank, url)
    url = best[1] if best else absolute_http_url(child_text(entry, "id"), base_url)
    if url is None:
        return None
    published = None
    for name in ("published", "updated", "issued", "modified", "date"):
        published = parse_date(child_text(entry, name))
        if published is not None:
            break
    title_el = child(entry, "title")
    markup = title_el is not None and (title_el.get("type") or "").strip().lower() == "html"
    return FeedEntry(url=url, published_at=published, title=title_of(title_el, markup=markup))
