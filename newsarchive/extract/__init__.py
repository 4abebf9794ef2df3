"""HTML page → :class:`~newsarchive.items.Article` (before cleaning).

:func:`extract_page` decodes the bytes (:mod:`.encoding`), parses the page and reads its
metadata (:mod:`.metadata`), extracts the main text (:mod:`.text`), decides whether the page
is one article (:mod:`.pagetype`), picks the dates (:mod:`.dates`) and reads the publisher's
paywall flag (:mod:`.access`). It is a pure function
of its arguments (apart from the default ``crawled_at``), usable without Scrapy.

The fields ``wire_source``, ``dateline``, ``credits`` and ``cluster_id`` are left None: the
cleaning and de-duplication steps fill them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from newsarchive.clean.byline import byline_names, split_byline
from newsarchive.dedup.urls import article_id, domain_of, is_later_page, normalize_url, same_site
from newsarchive.items import Article, DiscoveryHints

from .access import is_accessible_for_free
from .dates import choose_modified, choose_published
from .encoding import decode_html, repair_hungarian
from .metadata import (
    PageMetadata,
    choose_authors,
    choose_title,
    clean_authors,
    parse_html,
    publisher_keys,
    read_metadata,
    site_name,
)
from .pagetype import NotAnArticle, classify, page_signals
from .text import element_count, extract_text, paragraph_count

__all__ = ["MAX_AUTHORS", "MAX_ELEMENTS", "MAX_PARAGRAPHS", "MAX_TAG_CHARS", "MAX_TITLE_CHARS",
           "NotAnArticle", "detect_language", "extract_page", "shrink_giant_tags"]

_WORD = re.compile(r"\w+")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml",
               "text/plain", "application/octet-stream", "")
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: A start tag longer than this (characters) is reduced to its bare name. Real pages stay
#: far below (the longest tags are inline SVG paths and data: URIs of a few KB); libxml2's
#: HTML parser checks attributes for duplicates in quadratic time, so one tag with 100,000
#: attributes would otherwise hold a page for minutes.
MAX_TAG_CHARS = 65536
_TAG_NAME = re.compile(r"<([a-zA-Z][\w:-]{0,30})")
#: A ``<`` followed by more than :data:`MAX_TAG_CHARS` characters without ``<`` or ``>``:
#: the one case :func:`shrink_giant_tags` changes. Scanned in linear time (each run stops
#: at the next ``<``), unlike splitting the page into pieces.
_GIANT_TAG = re.compile(f"<[^<>]{{{MAX_TAG_CHARS}}}")


#: Most byline names kept: a page naming more lists contributors, not a byline (the
#: longest bylines of the benchmark sets have 12 names).
MAX_AUTHORS = 50
#: Most ``<p>`` elements of a page taken for one article. Long reads have a few hundred;
#: a page of tens of thousands is a dump or a trap, and the text extractor's time grows
#: faster than its size (measured: 8.7 s for 50,000 paragraphs, 31 s for 110,000).
MAX_PARAGRAPHS = 10_000
#: Most elements of a page taken for one article. The largest of the 1,606 pages of
#: ``../shared/corpora`` has 10,106 (Lighthouse already calls more than 1,400 an
#: excessive DOM); the text extractor's time grows with the element count whatever the
#: tags (measured: 2.8 s for 10,000 ``<div>`` blocks, 11.8 s for 40,000, minutes for
#: 100,000), so a page of more is a dump or a trap.
MAX_ELEMENTS = 30_000
#: Longest headline kept, characters; a longer "title" is page text, cut at a word.
MAX_TITLE_CHARS = 1000


def _capped_title(title: str | None) -> str | None:
    if title is None or len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[:MAX_TITLE_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip()


def shrink_giant_tags(text: str) -> str:
    """Replace every start tag longer than :data:`MAX_TAG_CHARS` by ``<name>``.

    One pass over the text (split at ``>``), so hostile input cannot make it slow.
    """
    if len(text) <= MAX_TAG_CHARS:
        return text
    pieces = text.split(">")
    # a giant tag lies inside one piece: most pages have none that long, and this length
    # test is about half the cost of the pattern search it spares
    if max(map(len, pieces)) <= MAX_TAG_CHARS or not _GIANT_TAG.search(text):
        return text
    changed = False
    for index, piece in enumerate(pieces):
        if len(piece) <= MAX_TAG_CHARS:
            continue
        opening = piece.rfind("<")
        if opening < 0 or len(piece) - opening <= MAX_TAG_CHARS:
            continue
        name = _TAG_NAME.match(piece, opening)
        if name:
            pieces[index] = piece[:opening] + "<" + name.group(1)
            changed = True
    return ">".join(pieces) if changed else text


_LOOKS_HTML = re.compile(rb"<(?:!doctype|html|head|body|p|div|article|title)\b", re.IGNORECASE)


def _as_utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _language_code(value: str | None) -> str | None:
    """ISO 639-1 from a tag like ``en-US``, ``hu_HU``, ``de``; None if it is not one."""
    if not value:
        return None
    match = _LANG.match(value.strip())
    if not match:
        return None
    code = match.group(1).lower()
    if len(code) == 2:
        return code
    three = {"eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "hun": "hu",
             "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "rus": "ru", "pol": "pl"}
    return three.get(code)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` by py3langid; None for fewer than 20 words."""
    if len(_WORD.findall(text)) < 20:
        return None
    try:
        import py3langid

        code, _score = py3langid.classify(text[:20000])
    except Exception:  # noqa: BLE001 - detection is best-effort
        return None
    return _language_code(str(code))


def _language(meta: PageMetadata | None, headers: Mapping[str, str], body: str) -> str | None:
    """``<html lang>``, then ``Content-Language`` (meta or header), ``og:locale``, JSON-LD
    ``inLanguage``, then detection on the body."""
    candidates: list[str | None] = []
    if meta is not None:
        candidates += [meta.html_lang, meta.first("content-language", "language", "dc.language")]
    candidates.append(headers.get("content-language", "").split(",")[0])
    if meta is not None:
        candidates += [meta.first("og:locale"), meta.ld_text("inLanguage")]
    for value in candidates:
        code = _language_code(value)
        if code:
            return code
    return detect_language(body)


def _byline_authors(body: str, meta: PageMetadata, site: str | None) -> list[str]:
    """The names of a byline line at the body's start (:func:`split_byline`: "By Jane
    Doe", "Von Hans Meier, 12.03.2021"), normalized by :func:`clean_authors` against the
    publisher's names (:func:`publisher_keys`); ``[]`` when the body opens with none.

    For pages whose markup gives no author: the extracted text shows the byline the
    author sources missed (the cleaning step then moves the line out of the body).
    """
    byline = split_byline(body)[0]
    names = byline_names(byline) if byline else None
    if not names:
        return []
    return clean_authors([names], site, publisher_keys(meta, site))[:MAX_AUTHORS]


def _canonical(meta: PageMetadata | None, url: str) -> str:
    """``rel=canonical``, else ``og:url``, when on the same site as ``url`` and a valid URL
    and ``url`` is not a later page of it (:func:`is_later_page`: page 2 of an article is
    not page 1); else ``url``; normalized by :func:`normalize_url`."""
    if meta is not None:
        for candidate in (meta.canonical, meta.og_url):
            if candidate and same_site(candidate, url) and not is_later_page(url, candidate):
                try:
                    return normalize_url(candidate)
                except ValueError:
                    continue
    return normalize_url(url)


def extract_page(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    crawled_at: datetime | None = None,
    hints: DiscoveryHints | None = None,
    status: int | None = None,
) -> Article:
    """Turn a fetched HTML page into an :class:`Article`.

    Args:
        html: the response body (bytes, decoded here) or already decoded text.
        url: the URL the page came from (after redirects); absolute http(s).
        headers: HTTP response headers with lower-cased names; ``content-type`` gives the
            charset and media type, ``content-language`` a language fallback.
        crawled_at: capture time (default: now, UTC); naive values are taken as UTC.
        hints: the feed's/sitemap's date and title for the page.
        status: HTTP status, when known; outside 2xx the page is rejected.

    Returns:
        The article, with ``body`` paragraphs joined by ``"\\n"``. ``crawled_at`` is UTC;
        ``published_at``/``modified_at`` keep the UTC offset the page states (the same
        instant; the archive stores it as UTC), else UTC.

    Raises:
        NotAnArticle: for listings, error pages, non-HTML content, empty pages, and URLs
            that are not absolute http(s) (reason ``error-status`` is also used for
            those, as nothing sensible can be stored).
    """
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    crawled = _as_utc(crawled_at)
    try:
        return _extract(html, url, headers, crawled, hints, status)
    except NotAnArticle:
        raise
    except Exception as error:  # noqa: BLE001 - the boundary: nothing else may escape
        raise NotAnArticle("empty", f"extraction failed: {type(error).__name__}") from error


def _extract(
    html: bytes | str,
    url: str,
    headers: Mapping[str, str],
    crawled: datetime,
    hints: DiscoveryHints | None,
    status: int | None,
) -> Article:
    if status is not None and not 200 <= status < 300:
        raise NotAnArticle("error-status", str(status))
    try:
        normalize_url(url)
    except ValueError as error:
        raise NotAnArticle("bad-url", "not an absolute http(s) URL") from error
    content_type = headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media not in _HTML_TYPES and not media.endswith("+xml"):
        raise NotAnArticle("not-html", media)
    if isinstance(html, bytes | bytearray):
        data = bytes(html)
        if (
            media not in ("text/html", "application/xhtml+xml")
            and not _LOOKS_HTML.search(data[:65536])
            and not data.startswith(_UTF16_BOMS)
        ):
            raise NotAnArticle("not-html", media or "no markup")
    else:
        data = html  # type: ignore[assignment]
    text, _codec = decode_html(data, content_type)
    text = shrink_giant_tags(text)
    root = parse_html(text)
    if root is None:
        raise NotAnArticle("empty", "no document")
    paragraphs = paragraph_count(root)
    if paragraphs > MAX_PARAGRAPHS:
        raise NotAnArticle("oversized", f"{paragraphs} paragraphs")
    elements = element_count(root)
    if elements > MAX_ELEMENTS:
        raise NotAnArticle("oversized", f"{elements} elements")
    meta = read_metadata(root, url)
    body = extract_text(root, url)
    reason = classify(page_signals(root, meta, url, body))
    if reason is not None:
        raise NotAnArticle(reason)

    canonical = _canonical(meta, url)
    domain = domain_of(canonical)
    site = site_name(meta)
    title = _capped_title(choose_title(meta, site, domain, hints.title if hints else None))
    authors = choose_authors(meta, site)[:MAX_AUTHORS] or _byline_authors(body, meta, site)
    published, source = choose_published(meta, url, crawled, hints, html=text, root=root)
    description = meta.first("description", "og:description", "twitter:description") or (
        meta.ld_text("description")
    )
    language = _language(meta, headers, body)
    if language == "hu":
        body = repair_hungarian(body) or ""
        title, description = repair_hungarian(title), repair_hungarian(description)
        authors = [repair_hungarian(a) or a for a in authors]
    return Article(
        article_id=article_id(canonical),
        url=url,
        canonical_url=canonical,
        domain=domain,
        crawled_at=crawled,
        body=body,
        site_name=site,
        title=title,
        authors=authors,
        published_at=published,
        date_source=source,
        modified_at=choose_modified(meta, crawled),
        language=language,
        description=description,
        word_count=len(_WORD.findall(body)),
        is_accessible_for_free=is_accessible_for_free(meta),
    )
