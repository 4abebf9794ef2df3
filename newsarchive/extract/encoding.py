"""Bytes → text: decide the character encoding of an HTML page and decode it.

The order follows the HTML Living Standard's "determine the character encoding" algorithm
(https://html.spec.whatwg.org/multipage/parsing.html#determining-the-character-encoding):

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. the ``charset`` parameter of the HTTP ``Content-Type`` header;
3. a ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` in the first
   :data:`PRESCAN_BYTES` bytes;
   (a UTF-16 label on bytes without the NUL bytes of UTF-16 markup is ignored);
4. detection (charset-normalizer).

Labels are mapped as browsers map them (WHATWG Encoding Standard,
https://encoding.spec.whatwg.org/#names-and-labels): ``iso-8859-1``, ``latin1`` and
``us-ascii`` mean windows-1252, ``iso-8859-9`` means windows-1254, ``tis-620`` means
windows-874. Unlike a browser, a declared encoding that does not decode the bytes
strictly (e.g. a page that says UTF-8 but is windows-1250) is skipped in favour of the next
step, because an archive prefers the right text over strict conformance.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["PRESCAN_BYTES", "decode_html", "normalize_label", "repair_hungarian"]

#: How many bytes are searched for a ``<meta charset>``. The standard's prescan reads 1024
#: bytes; real pages put long ``<script>``/``<link>`` blocks first, so we read more.
PRESCAN_BYTES = 16384

# WHATWG label → Python codec, for labels whose browser meaning differs from Python's codec
# of the same name (or that Python does not know).
_WHATWG_ALIASES: dict[str, str] = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "latin1": "cp1252",
    "latin-1": "cp1252", "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252", "cp819": "cp1252", "ibm819": "cp1252", "iso-ir-100": "cp1252",
    "iso-8859-9": "cp1254", "iso8859-9": "cp1254", "latin5": "cp1254",
    "tis-620": "cp874", "iso-8859-11": "cp874",
    "x-cp1250": "cp1250", "x-cp1251": "cp1251", "win-1250": "cp1250",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "x-unicode20utf8": "utf-8",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "x-sjis": "shift_jis", "ks_c_5601-1987": "euc-kr",
}

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalize_label(label: str, *, in_meta: bool = True) -> str | None:
    """Return the Python codec name for an encoding label as a browser reads it.

    Args:
        label: an encoding label as written in a header or ``<meta>`` (any case).
        in_meta: the label comes from ``<meta>`` (default) rather than the HTTP header.

    Returns:
        A codec name accepted by :func:`codecs.lookup`, or None for an unknown label.
        UTF-16 labels in ``<meta>`` are treated as UTF-8, as the standard says (a
        document that can be prescanned for ASCII ``<meta>`` is not UTF-16); in the HTTP
        header they stand.
    """
    name = label.strip().strip("\"'").lower()
    if not name:
        return None
    name = _WHATWG_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith("utf-32") or (in_meta and codec.startswith("utf-16")):
        return "utf-8"
    return codec


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
    if not match:
        return None
    return normalize_label(match.group(1).decode("ascii", "replace"), in_meta=False)


def _meta_charset(data: bytes) -> str | None:
    for tag in _META.finditer(data[:PRESCAN_BYTES]):
        match = _CHARSET_PARAM.search(tag.group(0))
        if match:
            codec = normalize_label(match.group(1).decode("ascii", "replace"))
            if codec:
                return codec
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - detection is best-effort
        return None
    return normalize_label(best.encoding) if best is not None else None


#: A UTF-8 lead byte followed by continuation bytes (a non-ASCII character in UTF-8).
_MULTIBYTE_UTF8 = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _ascii_compatible(codec: str) -> bool:
    """Whether ``codec`` is a single-byte, ASCII-compatible charset (Latin-x, cp125x,
    KOI8), whose text is never also valid UTF-8 with non-ASCII letters by accident."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return False
    return name.startswith(("iso8859", "cp125", "latin", "koi8", "mac-")) or name in (
        "cp437", "cp850", "ascii")


def _utf16_like(data: bytes) -> bool:
    """Whether ``data`` (without a BOM) can be UTF-16 HTML: markup is ASCII, which UTF-16
    writes with a NUL byte beside every character, so at least a quarter of the first
    4 KiB are NUL bytes (a page of CJK text with little markup still has its tags' NULs);
    bytes with next to no NULs are an 8-bit encoding under a wrong label."""
    head = data[:4096]
    return bool(head) and head.count(0) * 4 >= len(head)


def decode_html(data: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML document.

    Args:
        data: the response body; a ``str`` is returned unchanged.
        content_type: the HTTP ``Content-Type`` header value, if any.

    Returns:
        ``(text, encoding)``: the decoded document without a BOM, and the Python codec name
        used (``"str"`` when ``data`` was already text). Never raises on bad bytes: the last
        resort is UTF-8 with U+FFFD replacement characters.
    """
    if isinstance(data, str):
        return data.lstrip("\ufeff"), "str"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), codec
    for declared in (_http_charset(content_type), _meta_charset(data)):
        if declared and declared.startswith("utf-16") and not _utf16_like(data):
            declared = None  # a false UTF-16 label would turn ASCII markup into CJK text
        if declared:
            if declared != "utf-8" and _MULTIBYTE_UTF8.search(data) and _ascii_compatible(
                declared
            ):
                # A single-byte declaration on bytes that hold UTF-8 sequences and decode
                # strictly as UTF-8: the declaration is stale (templates copied between
                # sites); reading them as Latin-1/cp1252 would give "CrÃ³nica".
                text = _strict(data, "utf-8")
                if text is not None:
                    return text, "utf-8"
            decoded = _strict(data, declared)
            if decoded is not None:
                return decoded, declared
    # No usable declaration: UTF-8 if it decodes strictly (ASCII included), else detection.
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    detected = _detect(data)
    if detected:
        text = _strict(data, detected)
        if text is not None:
            return text, detected
    return data.decode("utf-8", "replace"), "utf-8"


#: Hungarian's long double-acute vowels are missing from ISO-8859-1, so text typed or
#: stored through Latin-1 tools carries the nearest Latin-1 letters instead (ő → õ,
#: ű → û, also ô/ũ for ő/ű). Hungarian has no õ, û, ô or ũ of its own, so in Hungarian
#: text the substitution is always safe to undo.
_HUNGARIAN_LATIN1 = str.maketrans({"õ": "ő", "Õ": "Ő", "û": "ű", "Û": "Ű", "ô": "ő",
                                   "Ô": "Ő", "ũ": "ű", "Ũ": "Ű"})


def repair_hungarian(text: str | None) -> str | None:
    """Undo the Latin-1 stand-ins for ő and ű in Hungarian ``text`` (None stays None).

    Only for text known to be Hungarian (the page's language is ``hu``): in other
    languages õ, û and ô are real letters.
    """
    return text.translate(_HUNGARIAN_LATIN1) if text else text
