"""URL normalization and article identity.

Normalization is w3lib's :func:`~w3lib.url.canonicalize_url` (sorted query, percent-encoding
normalized, fragment dropped) plus the news-specific steps w3lib leaves to its users:
tracking parameters removed, the scheme unified to ``https``, the host lower-cased without
``www.``, and ``index.html``-style default documents and trailing slashes treated alike.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

__all__ = [
    "PAGINATION_PARAMETERS",
    "TRACKING_PARAMETERS",
    "article_id",
    "domain_of",
    "is_later_page",
    "normalize_url",
    "same_site",
]

#: Query parameters that identify a campaign or a click, not a document. Sources: Google
#: Analytics campaign parameters (utm_*), Facebook (fbclid), Google Ads (gclid, dclid,
#: gbraid, wbraid), Microsoft Ads (msclkid), Mailchimp (mc_cid, mc_eid), Instagram (igshid),
#: Twitter/X (twclid), Yandex (yclid), HubSpot (_hsenc, _hsmi), Marketo (mkt_tok), and the
#: feed/share markers news sites add (ocid, cmpid, ito, smid, ref, share).
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
        "igshid", "twclid", "yclid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "ito",
        "smid", "ref", "share", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
        "ns_fee", "rss", "outputtype",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_")

#: Query parameters that number the pages of a multi-page article: WordPress (``paged``),
#: common CMSs (``page``, ``p``, ``pg``, ``pIdx``), Hungarian (``oldal``), Spanish/Italian
#: (``pagina``), German (``seite``).
PAGINATION_PARAMETERS: frozenset[str] = frozenset(
    {"page", "p", "pg", "paged", "pidx", "oldal", "pagina", "seite"}
)
_PAGE_SUFFIX = re.compile(r"^/(?:page/)?\d{1,3}/?$")
_DEFAULT_DOCUMENT = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Return the normalized form of ``url`` used for identity and "seen" checks.

    Args:
        url: an absolute http(s) URL.

    Returns:
        ``https://host/path?query`` with the host lower-cased and without ``www.``, no
        fragment, no tracking parameters, the query sorted, a trailing ``/`` and a
        default document (``index.html``) removed from the path.

    Raises:
        ValueError: if ``url`` is not an absolute http(s) URL.
    """
    return _normalize(url)


@functools.lru_cache(maxsize=4096)
def _normalize(url: str) -> str:
    # Cached: a page's URL is normalized for its article_id, then for the "seen" and
    # canonical checks, then when it is recorded (an exception is never cached).
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    query = parts.query
    if query:
        names = {pair.split("=", 1)[0] for pair in query.split("&") if pair}
        tracking = [name for name in names if _is_tracking(name)]
        if tracking:
            query = urlsplit(url_query_cleaner(url, tracking, remove=True)).query
    canonical = urlsplit(canonicalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path,
                                                      query, ""))))
    host = (canonical.hostname or "").lower()
    if not host:
        # The host was only characters that canonicalization drops or reads as a path
        # ("HTTP://\\x1b", "HTTP://\\\\/0"): no site to name, so no identity either.
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if host.startswith("www."):
        host = host[4:]
    if canonical.port and canonical.port not in (80, 443):
        host = f"{host}:{canonical.port}"
    path = _DEFAULT_DOCUMENT.sub("/", canonical.path)
    if path.endswith("/") and path != "/":
        path = path.rstrip("/")
    if not path:
        path = "/"
    return urlunsplit(("https", host, path, canonical.query, ""))


def article_id(url: str) -> str:
    """Return the stable article id of ``url``: 32 hex digits of SHA-256 of its normalized form.

    Raises:
        ValueError: if ``url`` is not an absolute http(s) URL.
    """
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:32]


def domain_of(url: str) -> str:
    """Return the lower-case host of ``url`` without a leading ``www.`` ("" if none)."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url_a: str, url_b: str) -> bool:
    """Whether two URLs are on the same site: equal hosts after ``www.``, or one a
    subdomain of the other (``edition.cnn.com`` and ``cnn.com``)."""
    a, b = domain_of(url_a), domain_of(url_b)
    if not a or not b:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def is_later_page(url: str, canonical: str) -> bool:
    """Whether ``url`` is a numbered page of the multi-page document ``canonical`` names.

    True when ``url`` equals ``canonical`` plus a pagination query parameter (see
    :data:`PAGINATION_PARAMETERS`) whose value is a number above 0 (Drupal counts from 0,
    so ``?page=1`` is its second page; for sites counting from 1 the first page is then
    stored on its own and the plain URL becomes an exact duplicate: nothing is lost), or plus a
    trailing page-number path segment (``/2``, ``/page/3``). Such pages often point their
    ``rel=canonical`` at the first page although their text differs; Google's guidance on
    paginated content is that each page should be its own canonical. Returns False for
    invalid URLs.
    """
    try:
        page, base = urlsplit(normalize_url(url)), urlsplit(normalize_url(canonical))
    except ValueError:
        return False
    if page.netloc != base.netloc:
        return False
    if page.path == base.path and page.query != base.query:
        pairs = [pair.split("=", 1) for pair in page.query.split("&") if pair]
        numbered = [
            p for p in pairs
            if p[0].lower() in PAGINATION_PARAMETERS and len(p) == 2 and p[1].isdigit()
        ]
        rest = "&".join("=".join(p) for p in pairs if p not in numbered)
        return bool(numbered) and rest == base.query and any(int(p[1]) > 0 for p in numbered)
    base_path = base.path.rstrip("/")
    return (
        page.query == base.query
        and page.path.startswith(base_path + "/")
        and bool(_PAGE_SUFFIX.match(page.path[len(base_path):]))
    )
