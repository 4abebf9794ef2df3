"""Shared helpers of the discovery parsers: safe XML parsing, dates, URLs, gzip.

Nothing here raises on bad input: callers get ``None`` (or an empty value) and a reason.
"""

from __future__ import annotations

import gzip
import html
import io
import logging
import re
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

logger = logging.getLogger("newsarchive.discovery")

#: Bytes. Largest decompressed sitemap accepted: the sitemaps.org protocol limits a sitemap
#: to 50 MB (52,428,800 bytes) uncompressed (https://www.sitemaps.org/protocol.html).
MAX_DECOMPRESSED_SIZE = 52_428_800

GZIP_MAGIC = b"\x1f\x8b"

_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime) and the ISO 8601 forms seen in feeds.
_ISO = re.compile(
    r"""^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})
        (?:[Tt\ ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?
        \s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?$""",
    re.VERBOSE,
)


# Zone abbreviations seen in European feeds that email.utils does not know (it knows the
# RFC 822 US zones: UT, GMT, EST, EDT, CST, CDT, MST, MDT, PST, PDT). Unknown ones mean UTC.
_ZONES = {
    "CET": "+0100", "MEZ": "+0100", "CEST": "+0200", "MESZ": "+0200", "BST": "+0100",
    "WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "UTC": "+0000",
    "Z": "+0000",
}
_ZONE_SUFFIX = re.compile(r"\s([A-Za-z]{1,4})\s*$")


class DiscoveryError(Exception):
    """Internal: why a document could not be parsed (never escapes the public parsers)."""


def safe_parser() -> etree.XMLParser:
    """Return an lxml parser that never resolves entities, never touches the network and
    refuses huge trees (XXE and "billion laughs" protection; see the lxml FAQ on
    untrusted input). ``recover=True`` tolerates the sloppy XML many publishers emit
    (e.g. an unescaped ``&`` in a URL)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        recover=True,
    )


# A DOCTYPE with or without an internal subset (entity declarations live there).
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.DOTALL | re.IGNORECASE)
# An ampersand that does not start one of the five predefined entities or a character
# reference: either a bare "&" (sloppy query strings) or a reference to an entity that would
# have to be declared in a DTD.
_LOOSE_AMP = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
#: A reference to a named entity the document never got to define (kept as text by
#: :func:`defuse_xml`): ``&name;``.
UNRESOLVED_ENTITY = re.compile(r"&[A-Za-z_:][\w.:-]*;")


def defuse_xml(body: bytes) -> bytes:
    """Make an XML document entity-free before it is parsed.

    The DOCTYPE is removed (sitemaps and feeds need none; it is where external entities
    and "billion laughs" expansions are declared), and every ``&`` that does not start a
    predefined entity (``&amp;`` ...) or a character reference is escaped, so that

    * a bare ``&`` in a URL (``?a=1&b=2``, common in sitemaps) stays in the URL, and
    * a reference to a custom entity (``&xxe;``) stays as literal text, which callers can
      see and reject (:data:`UNRESOLVED_ENTITY`), instead of vanishing from the middle of
      a URL or a title.

    UTF-16 documents (recognised by their byte-order mark or NUL bytes at the start) are
    re-encoded as UTF-8 first.
    """
    head = body[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        text = body.decode(encoding, errors="replace").lstrip("\ufeff")
        body = _XML_DECL.sub("", text, count=1).encode("utf-8")
    body = _DOCTYPE.sub(b"", body, count=1)
    return _LOOSE_AMP.sub(b"&amp;", body)


def parse_xml(body: bytes, base_url: str) -> etree._Element:
    """Parse ``body`` (bytes, the XML declaration decides the encoding) into its root,
    after :func:`defuse_xml`.

    Raises:
        DiscoveryError: empty body, not XML, or no root element.
    """
    if not body or not body.strip():
        raise DiscoveryError("empty body")
    data = defuse_xml(body.lstrip(b" \t\r\n"))
    try:
        root = etree.fromstring(data, safe_parser(), base_url=base_url or None)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None or not isinstance(root.tag, str):
        raise DiscoveryError("not XML: no root element")
    # Unresolved entity references stay in the tree as nodes; drop them (keeping the text
    # that follows them) so their names never leak into titles or URLs.
    etree.strip_elements(root, etree.Entity, with_tail=False)
    return root


def maybe_gunzip(body: bytes, max_size: int = MAX_DECOMPRESSED_SIZE) -> bytes:
    """Return ``body`` decompressed if it starts with the gzip magic bytes, else unchanged.

    Args:
        body: raw bytes, possibly gzip-compressed (one or more members).
        max_size: bytes; the largest decompressed size accepted.

    Raises:
        DiscoveryError: corrupt or truncated gzip data, or more than ``max_size`` bytes.
    """
    if not body.startswith(GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            data = fh.read(max_size + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError(f"bad gzip data: {exc}") from exc
    if len(data) > max_size:
        raise DiscoveryError(f"decompressed size exceeds {max_size} bytes")
    return data


def localname(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace ("" for comments and entities)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct child elements of ``element`` whose local name is ``name`` (any namespace)."""
    return [child for child in element if localname(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first direct child of ``element`` with local name ``name``, or None."""
    for candidate in element:
        if localname(candidate) == name:
            return candidate
    return None


def text_of(element: etree._Element | None, *, markup: bool = False) -> str | None:
    """The whitespace-collapsed text of ``element`` (None when absent or empty).

    Entity references left unresolved by the safe parser contribute nothing.

    Args:
        element: the element, or None.
        markup: the text is escaped HTML (Atom ``type="html"``, HTML in RSS titles): tags
            are stripped and character references decoded.
    """
    if element is None:
        return None
    text = "".join(element.itertext())
    if markup or "<" in text:
        text = html.unescape(_TAG.sub(" ", text))
    text = _WHITESPACE.sub(" ", text).strip()
    return text or None


def child_text(element: etree._Element, name: str) -> str | None:
    """:func:`text_of` of the first child named ``name``."""
    return text_of(child(element, name))


def title_of(element: etree._Element | None, *, markup: bool = False) -> str | None:
    """:func:`text_of` for human-readable text (titles): HTML character references are
    decoded (feeds often double-escape them, ``&amp;nbsp;``) and references to entities
    the document never defined (``&xxe;``) are removed."""
    text = text_of(element, markup=markup)
    if text is None or "&" not in text:
        return text
    text = UNRESOLVED_ENTITY.sub(" ", html.unescape(text))
    return _WHITESPACE.sub(" ", text).strip() or None


def absolute_http_url(link: str | None, base_url: str) -> str | None:
    """Resolve ``link`` against ``base_url``; return it if it is http(s) with a host.

    Surrounding whitespace is removed and the fragment kept (normalization is left to
    :func:`newsarchive.dedup.urls.normalize_url`).
    """
    if not link:
        return None
    link = link.strip()
    if not link:
        return None
    if "&" in link and UNRESOLVED_ENTITY.search(link):
        # Part of this URL was an entity the document did not (or may not) define: the
        # real URL is unknown, and guessing it (dropping the reference) would fetch a
        # different page.
        logger.info("URL %r ignored: it contains an unresolved entity reference", link)
        return None
    try:
        absolute = link[:8].lower().startswith(("http://", "https://"))
        url = urljoin(base_url, link) if base_url and not absolute else link
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822/2822 or ISO 8601 / W3C Datetime date into an aware UTC datetime.

    RFC 822 dates are what RSS 2.0 ``<pubDate>`` uses; ISO 8601 (W3C Datetime profile)
    is used by Atom (RFC 4287 section 3.3), ``dc:date``, sitemaps ``<lastmod>`` and
    ``<news:publication_date>``. A date without a time is midnight; a value without a
    zone (or RFC 822 ``-0000``) is taken as UTC.

    Returns:
        The instant in UTC, or None when ``value`` is empty or not a date.
    """
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = _parse_iso(value)
    if parsed is None:
        zone = _ZONE_SUFFIX.search(value)
        if zone and zone.group(1).upper() in _ZONES:
            value = value[: zone.start(1)] + _ZONES[zone.group(1).upper()]
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _parse_iso(value: str) -> datetime | None:
    match = _ISO.match(value)
    if not match:
        return None
    parts = match.groupdict()
    text = f"{parts['y']}-{parts['m'] or '01'}-{parts['d'] or '01'}"
    if parts["H"]:
        text += f"T{parts['H']}:{parts['M']}:{parts['S'] or '00'}"
        if parts["f"]:
            text += "." + (parts["f"] + "000000")[:6]
        tz = parts["tz"]
        if tz:
            if tz in ("Z", "z"):
                text += "+00:00"
            else:
                digits = tz[1:].replace(":", "")
                text += f"{tz[0]}{digits[:2]}:{(digits[2:] or '00')}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
