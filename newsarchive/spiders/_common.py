"""Helpers shared by the spiders: header conversion and the HTML content-type test."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["HTML_TYPES", "is_html_type"]

#: Media types treated as article pages (RFC 2854 text/html, W3C XHTML application/xhtml+xml).
HTML_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})


def is_html_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` value is HTML-ish; a missing or empty value counts as HTML
    (many servers omit it; extraction decides later whether the body is an article)."""
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return not media_type or media_type in HTML_TYPES


def headers_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Build the ``RawPage.headers`` mapping: names lower-cased, first value of a repeated
    header kept."""
    result: dict[str, str] = {}
    for name, value in pairs:
        result.setdefault(name.strip().lower(), value.strip())
    return result
