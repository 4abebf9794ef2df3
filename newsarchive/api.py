"""The public extraction API: a page's bytes in, a clean :class:`Article` out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from newsarchive.clean import clean_article
from newsarchive.extract import NotAnArticle, extract_page
from newsarchive.items import Article, DiscoveryHints

__all__ = ["NotAnArticle", "extract_article"]


def extract_article(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    crawled_at: datetime | None = None,
    hints: DiscoveryHints | None = None,
) -> Article:
    """Extract and clean one article page, exactly as the crawl's pipelines do.

    This is extraction (:func:`newsarchive.extract.extract_page`) followed by cleaning
    (:func:`newsarchive.clean.clean_article`), without de-duplication: ``cluster_id`` stays
    None.

    Args:
        html: the page, as received (bytes; the charset is taken from ``headers``, the
            byte-order mark or ``<meta charset>``, else detected) or already decoded.
        url: the URL the page was fetched from.
        headers: HTTP response headers, lower-case names (optional).
        crawled_at: capture time, timezone-aware (default: now, UTC). Publication dates
            later than this plus one day are rejected.
        hints: publication date and title given by a feed or sitemap (optional).

    Returns:
        The article. ``published_at`` keeps the UTC offset the page states (naive
        values are taken as UTC; the archive stores the same instant in UTC);
        ``crawled_at`` is UTC.

    Raises:
        NotAnArticle: the page is not a single article (a section front, listing, tag,
            search or forum-list page, an empty or non-HTML page); ``.reason`` says which.
    """
    article = extract_page(html, url, headers=headers, crawled_at=crawled_at, hints=hints)
    return clean_article(article)
