"""Items that travel through the pipelines.

A spider yields a :class:`RawPage` (what was fetched or read from a WARC record). The
extraction pipeline turns it into an :class:`Article`; the de-duplication pipeline either
lets the article through to be stored or replaces it with a :class:`Sighting` of an
already stored story. The Parquet writer stores articles under ``articles/`` and sightings
under ``duplicates/``.

All datetimes are timezone-aware; capture times are UTC, publication and modification
times keep the offset the page gives. The archive stores every one as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Article", "DiscoveryHints", "RawPage", "Sighting"]


@dataclass
class DiscoveryHints:
    """What the page's discovery source said about it before it was fetched.

    Attributes:
        published_at: ``<pubDate>`` / ``<published>`` of a feed entry, or
            ``<news:publication_date>`` / ``<lastmod>`` of a sitemap entry (UTC), if given.
        title: the feed entry's ``<title>`` or the sitemap's ``<news:title>``.
        source: ``"feed"`` or ``"sitemap"``; the value that ``date_source`` takes when
            ``published_at`` is used.
        source_url: URL of the feed or sitemap that listed the page.
    """

    published_at: datetime | None = None
    title: str | None = None
    source: str | None = None
    source_url: str | None = None


@dataclass
class RawPage:
    """A fetched page before extraction.

    Attributes:
        url: the URL that was requested (for WARC records, ``WARC-Target-URI``).
        final_url: the URL the body came from, after redirects (equal to ``url`` when none).
        status: HTTP status code.
        headers: HTTP response headers, names lower-cased, values decoded as latin-1.
        body: the response body as received (after content decoding), in bytes.
        crawled_at: capture time, UTC (for WARC records, ``WARC-Date``).
        hints: discovery hints from feeds and sitemaps.
        redirect_urls: every URL of the redirect chain before ``final_url``.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)  # logged items stay one line, not the whole page
    crawled_at: datetime
    hints: DiscoveryHints = field(default_factory=DiscoveryHints)
    redirect_urls: list[str] = field(default_factory=list)


@dataclass
class Article:
    """One news article, with the fields of the archive's ``articles`` dataset.

    Fields follow schema.org ``NewsArticle`` where one exists (``headline`` is ``title``,
    ``datePublished`` is ``published_at``, ``dateModified`` is ``modified_at``,
    ``articleBody`` is ``body``, ``inLanguage`` is ``language``).

    Attributes:
        article_id: stable id, hex SHA-256 prefix (16 bytes, 32 hex digits) of the
            normalized canonical URL (see :func:`newsarchive.dedup.urls.article_id`).
        url: the URL the page was fetched from (after redirects).
        canonical_url: normalized ``rel=canonical`` / ``og:url`` when on the same site,
            else the normalized ``url``.
        domain: host name of ``canonical_url``, lower-case, without ``www.``.
        site_name: publisher name (JSON-LD ``publisher.name``, ``og:site_name``), or None.
        title: headline.
        authors: byline names, in page order, no duplicates.
        published_at: publication time, timezone-aware, or None when unknown. It keeps
            the UTC offset the page states (the same instant; the archive stores it as
            UTC and partitions by its UTC date).
        date_source: where ``published_at`` came from: ``jsonld``, ``meta``, ``time``,
            ``feed``, ``sitemap``, ``url``, ``text``, ``script`` (the page's script
            data); None when unknown.
        modified_at: last modification time, timezone-aware like ``published_at``, or None.
        crawled_at: capture time, UTC.
        language: ISO 639-1 code, or None.
        description: summary from metadata (``description``, ``og:description``), or None.
        body: main text after cleaning; paragraphs separated by one newline.
        word_count: number of ``\\w+`` tokens in ``body``.
        wire_source: wire service named by the dateline or credits ("AP", "Reuters",
            "AFP", "UPI", "dpa", ...), or None.
        dateline: the dateline removed from the body's start (e.g.
            ``"WILMINGTON, Delaware (AP) –"``), or None.
        credits: contributor/credit lines removed from the body's end, newline-joined,
            or None.
        cluster_id: id of the story this copy belongs to; equal to the ``article_id`` of
            the story's stored copy. Set by de-duplication; None before.
        is_accessible_for_free: schema.org ``isAccessibleForFree``: True when the
            publisher marks the article free to read, False when paywalled, registration-
            walled or metered, None when the page does not say (see
            :mod:`newsarchive.extract.access`).
        removed_lines: boilerplate lines the cleaner removed (kept for inspection,
            not stored in the archive).
        fetched_urls: the requested URL and redirect chain the page came through (not
            stored; every one of them counts as "seen" for later runs).
    """

    article_id: str
    url: str
    canonical_url: str
    domain: str
    crawled_at: datetime
    body: str = field(repr=False)  # logged items stay readable
    site_name: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    date_source: str | None = None
    modified_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    word_count: int = 0
    wire_source: str | None = None
    dateline: str | None = None
    credits: str | None = None
    cluster_id: str | None = None
    is_accessible_for_free: bool | None = None
    removed_lines: list[str] = field(default_factory=list)
    fetched_urls: list[str] = field(default_factory=list)


@dataclass
class Sighting:
    """A further sighting of a story already in the archive (a row of ``duplicates``).

    Attributes:
        url: the URL the copy was fetched from.
        domain: host of the copy.
        title: the copy's headline.
        published_at: the copy's publication time, UTC, or None.
        crawled_at: capture time of the copy, UTC.
        duplicate_of: ``article_id`` of the stored copy.
        cluster_id: the story's id (same as the stored copy's ``cluster_id``).
        match: ``"url"`` (same normalized URL), ``"exact"`` (same normalized body) or
            ``"near"`` (near-duplicate body).
        similarity: 1.0 for ``url`` and ``exact``; for ``near``, the shingle containment
            of the shorter body in the longer one (0..1).
        article_id: id of the copy's own normalized canonical URL.
        word_count: number of ``\\w+`` tokens in the copy's cleaned body (None when not
            known); the most complete copy of a story is the one with the most words.
    """

    url: str
    domain: str
    crawled_at: datetime
    duplicate_of: str
    cluster_id: str
    match: str
    similarity: float
    article_id: str
    title: str | None = None
    published_at: datetime | None = None
    word_count: int | None = None
