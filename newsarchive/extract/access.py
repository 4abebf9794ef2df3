"""Whether the publisher marks an article as free to read: schema.org ``isAccessibleForFree``.

Publishers with a paywall or a metered wall say so in the page's structured data, because
search engines ask them to (Google Search Central, "Subscription and paywalled content":
the ``NewsArticle`` gets ``"isAccessibleForFree": false`` and a ``hasPart``
``WebPageElement`` with ``isAccessibleForFree: false`` and the ``cssSelector`` of the
walled part). Older and simpler markups say the same with microdata
(``<meta itemprop="isAccessibleForFree" content="false">``) or with the Open Graph article
extension ``<meta property="article:content_tier" content="free|locked|metered">``
(Facebook Instant Articles / Open Graph reference).

Nothing is guessed from the text: a page that states nothing gives ``None``.
"""

from __future__ import annotations

from typing import Any

from newsarchive.extract.metadata import ARTICLE_TYPES, PageMetadata, _types_of

__all__ = ["is_accessible_for_free", "parse_free_flag"]

#: ``article:content_tier`` values. A metered article is readable only up to the meter's
#: limit; Google's guidance marks metered content ``isAccessibleForFree: false`` too.
_CONTENT_TIERS = {"free": True, "locked": False, "metered": False}

#: JSON-LD node types besides the article types that carry the flag for the page
#: (some publishers put it on the ``WebPage`` whose ``mainEntity`` is the article).
_PAGE_TYPES = frozenset({"webpage", "itempage"})


def parse_free_flag(value: Any) -> bool | None:
    """A schema.org Boolean as given in JSON-LD or microdata, or None when it is none.

    Accepts ``True``/``False``, the strings ``"true"``/``"false"`` in any case, and the
    schema.org enumeration URLs ``https://schema.org/True``/``False`` (``http`` too); a
    one-element list is read as its element. Anything else (``""``, ``"yes"``, numbers)
    is None: the flag is not guessed.
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    for prefix in ("https://schema.org/", "http://schema.org/"):
        text = text.removeprefix(prefix)
    return {"true": True, "false": False}.get(text)


def _part_flags(node: dict[str, Any]) -> list[bool | None]:
    """The ``isAccessibleForFree`` of each of ``node``'s ``hasPart`` elements."""
    parts = node.get("hasPart")
    if isinstance(parts, dict):
        parts = [parts]
    if not isinstance(parts, list):
        return []
    return [parse_free_flag(part.get("isAccessibleForFree")) for part in parts
            if isinstance(part, dict)]


def _node_flag(node: dict[str, Any]) -> bool | None:
    parts = _part_flags(node)
    if False in parts:
        return False  # a walled part: the article cannot be read in full for free
    flag = parse_free_flag(node.get("isAccessibleForFree"))
    if flag is None and parts and all(parts):
        return True  # only parts marked free
    return flag


def is_accessible_for_free(meta: PageMetadata) -> bool | None:
    """Whether the page says its article can be read in full without paying.

    Args:
        meta: the page's metadata from :func:`newsarchive.extract.metadata.read_metadata`.

    Returns:
        ``True`` when the publisher marks the article free, ``False`` when it marks it
        paywalled, registration-walled or metered (or marks a part of it so), ``None`` when
        the page says nothing usable.

    Sources, first that answers: the JSON-LD article node (its ``isAccessibleForFree``,
    overridden by a ``hasPart`` element marked not free); another JSON-LD article or
    ``WebPage`` node of the page; microdata ``itemprop=isAccessibleForFree``;
    ``article:content_tier``.
    """
    nodes = [meta.article] if meta.article is not None else []
    nodes += [node for node in meta.jsonld_nodes if node is not meta.article]
    for node in nodes:
        if node is not meta.article and not _types_of(node) & (ARTICLE_TYPES | _PAGE_TYPES):
            continue
        flag = _node_flag(node)
        if flag is not None:
            return flag
    for value in meta.all("isaccessibleforfree"):
        flag = parse_free_flag(value)
        if flag is not None:
            return flag
    tier = (meta.first("article:content_tier") or "").strip().lower()
    return _CONTENT_TIERS.get(tier)

