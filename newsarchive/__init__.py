"""newsarchive: a Scrapy-based news crawler and Parquet news archive.

Public API:

- :func:`extract_article` — a page's bytes and URL in, a clean :class:`Article` out;
- :class:`NotAnArticle` — raised by it for section fronts, listings and other non-articles;
- :class:`Article`, :class:`Sighting`, :class:`RawPage`, :class:`DiscoveryHints` — the items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsarchive.items import Article, DiscoveryHints, RawPage, Sighting

if TYPE_CHECKING:
    from newsarchive.api import NotAnArticle, extract_article

__all__ = ["Article", "DiscoveryHints", "NotAnArticle", "RawPage", "Sighting", "extract_article"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The extraction stack (trafilatura, lxml, extruct) loads on first use, so that
    # `scrapy` reading newsarchive.settings stays fast.
    if name in ("extract_article", "NotAnArticle"):
        from newsarchive import api

        return getattr(api, name)
    raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")
