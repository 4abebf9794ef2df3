"""Is this page one article? Signals and the decision.

Listing pages (section fronts, archives, tag/author/search results, forum topic lists,
paginated lists) are linked from everywhere on a news site and would flood the archive with
teaser soup, so they are dropped with :class:`NotAnArticle`.

Signals (all computed by :func:`page_signals`):

* **HTTP** — a status outside 2xx (``error-status``); a content type that is not HTML
  (``not-html``).
* **Declared type** — JSON-LD ``@type`` of an article kind (NewsArticle, BlogPosting,
  LiveBlogPosting, DiscussionForumPosting, ...) or of a list kind (CollectionPage, ItemList,
  SearchResultsPage, ProfilePage, Blog); ``og:type`` ``article`` or ``website``.
* **URL shape** — ``/tag/``, ``/author/``, ``/search``, ``?s=``, ``/archive``,
  ``/category/``, ``/page/N``, a path ending in a bare date (``/2019/07/06``), forum topic
  lists. See :data:`LISTING_URL_PATTERNS`.
* **Layout** — the number of headline links (``<h1>``–``<h5>`` that hold a link, and
  ``<article>`` blocks with a heading; not those in the navigation — ``<nav>``, menu
  roles, a page-level ``<header>``/``<footer>``, and the same parts marked by pre-HTML5
  ids (``id="header"``, ``"footer"``, ``"nav"``, ``"menu"``) — nor a heading linked only
  to the page itself, as blogs link a post's title to its permalink), the share of visible text that
  sits inside links (measured outside the site chrome — HTML5
  ``nav``/``header``/``footer``/``aside``, the WAI-ARIA landmark roles navigation,
  banner, contentinfo, complementary, and the pre-HTML5 ids of header, footer and
  navigation — when at least :data:`MIN_CONTENT_CHARS`
  characters lie outside it: a mega menu is navigation, not a list of stories), and the
  length of the extracted main text.

Decision (:func:`classify`):

1. error status / not HTML / no document → reject with that reason (done by the caller);
2. a main text shorter than :data:`MIN_BODY_WORDS` words → ``empty``;
3. otherwise a score is summed, and the page is an article when it reaches 1:

   ==============================================================  =====
   JSON-LD article type                                            +2
   JSON-LD list type (and no article type)                         −2
   ``og:type=article`` (no JSON-LD list type) / ``og:type=website``  +0.5 / −0.5
   own headline shown as a heading linked nowhere else (the title,
   a part of it, or a heading holding a headline-long part of it)  +1
   article-like URL (slug, numeric id, ``.html``)                  +1
   clean layout: < :data:`MANY_TEASERS` headline links, link text
   share < :data:`MAX_LINK_SHARE`, linked lines < 0.3               +1
   long main text (≥ :data:`LONG_BODY_WORDS`) in a clean layout     +0.5
   listing URL shape (tag, author, search, archive, /page/N, ...)  −4
   (not counted for an *ambiguous* shape — site root, lone year-like
   number, archived document, see :func:`ambiguous_listing_url` —
   on a one-document layout: < :data:`SOME_TEASERS` headline links,
   link share < :data:`MAX_LINK_SHARE`, linked lines < 0.3, main text
   ≥ :data:`SHORT_BODY_WORDS` words)
   link text share ≥ :data:`MAX_LINK_SHARE` (not counted for pages  −1
   with article markup or a dated headline — a ``<time>`` in or
   beside the shown headline —, < :data:`SOME_TEASERS` headline
   links and a main text of ≥ :data:`SHORT_BODY_WORDS` words:
   links = navigation)
   ≥ 30 % of the main text is verbatim link text                   −1
   no article markup (JSON-LD or ``og:type=article``), ≥
   :data:`SOME_TEASERS` headline links, main text < :data:`SHORT_BODY_WORDS`  −1.5
   ==============================================================  =====

   A rejected page gets the URL's listing reason when there is one, else ``listing``.

Why a score: each signal alone fails somewhere — section fronts that keep
``og:type=article`` (hvg.hu), articles with 30+ related-story links (live blogs), pages
with no metadata at all (small sites) — while two independent signals rarely fail together.

The thresholds were set on the hu-news WARCs (listing vs. article pages of ~40 sites), then
checked on the AEB, trafilatura and fundus article sets; ``benchmarks/score_extract.py``
prints the confusion counts.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from lxml import etree

from .metadata import ARTICLE_TYPES, LISTING_TYPES, PageMetadata, heading_text

__all__ = [
    "LISTING_URL_PATTERNS",
    "LONG_BODY_WORDS",
    "MIN_CONTENT_CHARS",
    "ACCEPT_SCORE",
    "MANY_TEASERS",
    "MAX_LINK_SHARE",
    "MIN_BODY_WORDS",
    "SHORT_BODY_WORDS",
    "SOME_TEASERS",
    "NotAnArticle",
    "PageSignals",
    "ambiguous_listing_url",
    "classify",
    "listing_url_reason",
    "page_signals",
]


class NotAnArticle(ValueError):
    """Raised for pages that are not a single article.

    Attributes:
        reason: a short slug: ``listing``, ``section``, ``search``, ``tag``, ``author``,
            ``archive``, ``forum-list``, ``empty``, ``not-html``, ``error-status``,
            ``bad-url``, ``oversized`` (more than ``MAX_PARAGRAPHS`` paragraphs or
            ``MAX_ELEMENTS`` elements).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


#: Main text shorter than this (``\\w+`` tokens) is not an article.
MIN_BODY_WORDS = 20
#: From this many headline links on, a page's layout is not "clean".
MANY_TEASERS = 25
#: From this share of visible text inside links on, the layout is link-dominated.
MAX_LINK_SHARE = 0.7
#: A main text this long (in a clean layout) counts for the page being an article.
LONG_BODY_WORDS = 350
#: A page with no article markup, at least this many headline links and a main text
#: shorter than :data:`SHORT_BODY_WORDS` is a thin section front (teaser blurbs).
SOME_TEASERS = 10
SHORT_BODY_WORDS = 150
#: Score from which a page is taken for an article (see the table above).
ACCEPT_SCORE = 1.0

#: ``(reason, regex over the lower-cased path + "?" + query)``; first match wins.
LISTING_URL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("search", re.compile(r"(?:^|/)(?:search|kereses|kereso|suche|recherche|buscar)(?:/|\?|$)"
                          r"|[?&](?:s|q|search|query|search_txt|kereses)=")),
    ("forum-list", re.compile(r"showtopiclist|/forum(?:display)?(?:\.php)?\?|"
                              r"/(?:latest|categories|forums?)(?:\?|$)")),
    ("tag", re.compile(r"/(?:tags?|cimkek?|címke|topics?|temak?|schlagwort|stichwort)/")),
    ("author", re.compile(r"/(?:authors?|szerzok?|szerző|autor|autoren|auteur|profil)/")),
    ("archive", re.compile(r"/(?:archiv(?:e|um|es)?|hir-archivum|arsip|archivio)(?:/|\?|$|\.)")),
    ("section", re.compile(r"/(?:category|categories|kategoria|rovat|rubrik|section|sections)/")),
    ("listing", re.compile(r"/(?:page|oldal|seite|pagina)/\d+/?(?:\?|$)")),
    ("archive", re.compile(r"^/(?:[\w-]+/)*(?:19|20)\d\d(?:/\d\d?){0,2}/?(?:page/\d+/?)?(?:\?|$)")),
)


def listing_url_reason(url: str) -> str | None:
    """The listing kind a URL's shape suggests (``"tag"``, ``"search"``, ...), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    target = parts.path.lower() + "?" + parts.query.lower()
    for reason, pattern in LISTING_URL_PATTERNS:
        if pattern.search(target):
            return reason
    query_names = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    paged = query_names & {"page", "oldal", "pg", "paged", "seite", "pagenum", "start", "offset"}
    if parts.path not in ("", "/"):
        paged |= query_names & {"p"}
    if paged and not url_has_slug(url):
        return "listing"
    if parts.path in ("", "/") and not any(
        k.lower() in ("p", "id", "article", "story") for k, _ in parse_qsl(parts.query)
    ):
        return "section"
    return None


_LONE_YEAR = re.compile(r"/(?:19|20)\d\d/?$")
_ARCHIVED_DOCUMENT = re.compile(
    r"/(?:archiv(?:e|um|es)?|arsip|archivio)/(?:[^/]+/)*?(?:([^/]+)/)?([^/]+?)/?$")
_PAGE_WORDS = {"page", "oldal", "seite", "pagina"}
_WORDS_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+){2,}")


def ambiguous_listing_url(url: str) -> bool:
    """Whether a listing reason of :func:`listing_url_reason` rests on a URL shape that
    single documents share often enough that the page's layout should decide.

    Three shapes: the bare root of a site (a one-page site or a blog whose home shows one
    post, as often as a news front); a path that ends in a lone four-digit number (a year
    archive, or a post id such as ``/1927``); an archive folder whose last segment names a
    document (a slug of 3+ words or a 5+ digit id, not after ``page/``), as CMSs file old
    articles under ``/archive/<id>``. Explicit listing words (tag, search, author, page N,
    a full ``/YYYY/MM/DD`` date) are not ambiguous.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    path = parts.path.lower()
    if path in ("", "/"):
        return not parts.query
    if _LONE_YEAR.search(path) and not parts.query:
        return True
    match = _ARCHIVED_DOCUMENT.search(path)
    if match is None or (match.group(1) or "") in _PAGE_WORDS:
        return False
    last = re.sub(r"\.\w+$", "", match.group(2))
    return bool(re.fullmatch(r"[0-9]{5,}", last)) or bool(
        _WORDS_SLUG.fullmatch(last) and re.search(r"[^\W\d_]", last))


@dataclass
class PageSignals:
    """Measurements that :func:`classify` combines (see the module docstring).

    Attributes:
        ld_article: a JSON-LD node of an article type exists.
        ld_listing: a JSON-LD node of a list type exists.
        og_type: ``og:type`` (lower-case) or None.
        url_reason: what :func:`listing_url_reason` says about the URL.
        teasers: headline links (``h1``–``h5`` holding an ``<a href>`` to another page,
            outside the navigation) plus ``<article>`` elements that contain a heading and
            a link (:func:`_teasers`).
        link_share: share of the visible body text inside ``<a>`` (0..1), outside the site
            chrome when at least :data:`MIN_CONTENT_CHARS` characters lie outside it.
        body_words: words in the extracted main text (:func:`count_words`).
        linked_lines: share of the main text's characters in lines that are, verbatim, the
            text of a link to another page (headline teasers that the extractor kept).
        headline: the page's own headline is shown as a heading (``h1``–``h3`` linked
            nowhere or only to the page itself, whose text is, or is contained in,
            ``og:title``/``<title>``/JSON-LD headline, or holds a part of one of them of
            :data:`MIN_HEADLINE_CHARS`+ characters and is at most twice as long).
        dated_headline: that headline has a ``<time>`` element in it or beside it (the
            only one in the heading's parent).
        url_slug: the URL path has an article-like segment: a slug of 3+ words joined by
            ``-``/``_``, a numeric id of 5+ digits, a ``.html`` document, or a name
            after a ``/YYYY/MM/DD/`` date.
        url_ambiguous: the URL's listing reason rests on a shape that single documents
            share (:func:`ambiguous_listing_url`).
    """

    ld_article: bool
    ld_listing: bool
    og_type: str | None
    url_reason: str | None
    teasers: int
    link_share: float
    body_words: int
    linked_lines: float = 0.0
    headline: bool = False
    dated_headline: bool = False
    url_slug: bool = False
    url_ambiguous: bool = False

    @property
    def declares_article(self) -> bool:
        """JSON-LD article type, or ``og:type=article`` without a JSON-LD list type."""
        return self.ld_article or (self.og_type == "article" and not self.ld_listing)


_WORD = re.compile(r"\w+")
#: Chinese and Japanese characters: these scripts put no spaces between words.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """``\\w+`` tokens, where a run of CJK characters counts one word per two characters
    (the average length of a Chinese or Japanese word), so that thresholds in words hold
    for text without spaces."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // 2
_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head"}


#: Site chrome: HTML5 sectioning elements and WAI-ARIA landmark roles that mark a page's
#: navigation, banner, footer and side bars rather than its content.
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "menu", "menubar"}
#: The same parts in pre-HTML5 layouts (:func:`_chrome_id`): ``<div id="header">``,
#: ``id="footer"``, ``id="nav"``/``"navigation"``/``"menu"``. HTML5 named its ``header``,
#: ``footer`` and ``nav`` elements after these most common ids and class names of the time
#: (Google's "Web Authoring Statistics", 2005), and government and CMS templates still
#: write them.
#: Only whole ids: a class or an id that merely contains the word (``article-header``,
#: ``footer-teasers``) says nothing about the page level.
_PAGE_LEVEL_IDS = re.compile(r"(?:site-?|page-?)?(?:header|footer)", re.IGNORECASE)
_NAV_IDS = re.compile(r"(?:main-?)?(?:nav|navigation|menu)", re.IGNORECASE)


def _chrome_id(ident: str | None) -> bool:
    """Whether element id ``ident`` names the page's header, footer or navigation
    (:data:`_PAGE_LEVEL_IDS`, :data:`_NAV_IDS`)."""
    return bool(ident) and bool(_PAGE_LEVEL_IDS.fullmatch(ident or "") or _NAV_IDS.fullmatch(
        ident or ""))


#: Visible characters outside the chrome from which the link share is measured there only.
MIN_CONTENT_CHARS = 500


def _text_and_link_chars(body: lxml.html.HtmlElement) -> tuple[int, int, int, int]:
    """Visible characters and those inside ``<a>``: ``(total, linked, total outside the
    chrome, linked outside the chrome)``; chrome is :data:`_CHROME_TAGS`, elements whose
    ``role`` is one of :data:`_CHROME_ROLES` and those with a chrome id (:func:`_chrome_id`)."""
    total = linked = content = content_linked = 0
    stack: list[tuple[lxml.html.HtmlElement, bool, bool]] = [(body, False, False)]
    pop, push = stack.pop, stack.append
    while stack:
        element, in_link, in_chrome = pop()
        tag = element.tag
        if not isinstance(tag, str):
            tag = ""  # a comment or processing instruction: only its tail counts
        elif tag in _INVISIBLE:
            continue
        here = in_link or tag == "a"
        chrome = in_chrome
        if not chrome and tag:
            if tag in _CHROME_TAGS:
                chrome = True
            else:
                role = element.get("role")
                if role and role.lower() in _CHROME_ROLES:
                    chrome = True
                else:
                    ident = element.get("id")
                    chrome = bool(ident) and _chrome_id(ident)
        # The element's own characters (its text and its children's tails) are summed
        # first and added to the four counts once.
        text = element.text if tag else None
        n = len(text.strip()) if text else 0
        for child in element:
            push((child, here, chrome))
            tail = child.tail
            if tail:
                n += len(tail.strip())
        if n:
            total += n
            if here:
                linked += n
            if not chrome:
                content += n
                if here:
                    content_linked += n
    return total, linked, content, content_linked


def _teasers(root: lxml.html.HtmlElement, url: str = "",
             own: frozenset[str] = frozenset()) -> int:
    """Headline links: headings that hold a link or sit inside one, plus ``<article>``
    blocks whose heading is not itself linked but that contain a link (card layouts).

    Not counted: a heading whose links all lead to the page itself (``own``: the page's
    addresses as :func:`_address` keys, ``url`` resolving relative links; blogs link a
    post's title to its permalink, hAtom's ``rel=bookmark``), and headings or cards in the
    site's navigation (:func:`_in_navigation`: mega menus and footer site maps head their
    links with headings; they list sections, not stories)."""
    count = 0
    for heading in root.iter("h1", "h2", "h3", "h4", "h5"):
        links = _links_of(heading)
        if links and not _all_own(links, url, own) and not _in_navigation(heading):
            count += 1
    for article in root.iter("article"):
        headings = list(article.iter("h1", "h2", "h3", "h4", "h5"))
        if headings and article.find(".//a[@href]") is not None and all(
            h.find(".//a[@href]") is None for h in headings
        ) and not _in_navigation(article):
            count += 1
    return count


def _address(href: str | None, base: str) -> str:
    """A compare key of the address ``href`` leads to from page ``base``: host without
    ``www.`` and path without a trailing slash, with the query, without scheme and
    fragment; ``""`` when it cannot be read."""
    try:
        parts = urlsplit(urljoin(base, (href or "").strip()))
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}" if host else ""


def own_addresses(url: str, meta: PageMetadata | None) -> frozenset[str]:
    """:func:`_address` keys of the page: the URL it was fetched from, its canonical URL
    and ``og:url``."""
    found = {url} | ({meta.canonical, meta.og_url} - {None} if meta is not None else set())
    return frozenset(key for key in (_address(u, url) for u in found if u) if key)


def _all_own(links: list[lxml.html.HtmlElement], url: str, own: frozenset[str]) -> bool:
    """True when ``links`` lead only to the page itself (one of ``own``)."""
    return bool(own) and all(_address(link.get("href"), url) in own for link in links)


def _links_of(heading: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The ``<a href>`` in ``heading``, or the link it sits in directly; ``[]`` if none."""
    links = heading.findall(".//a[@href]")
    parent = heading.getparent()
    if not links and parent is not None and parent.tag == "a":
        links = [parent]
    return links


#: Navigation for headline links: ``<nav>`` and the WAI-ARIA navigation, menu, banner and
#: footer roles anywhere, and a ``<header>``/``<footer>`` that no ``<article>``/``<main>``
#: encloses (an article's own header holds its headline; listings wrap each teaser in
#: one). Side bars (``<aside>``, role ``complementary``) are not: their "most read" and
#: related boxes are teasers of stories, and section fronts hold many of them.
_MENU_TAGS = frozenset({"nav"})
_MENU_ROLES = frozenset({"navigation", "menu", "menubar", "banner", "contentinfo"})
_PAGE_LEVEL_TAGS = frozenset({"header", "footer"})
_CONTENT_TAGS = frozenset({"article", "main"})


def _in_navigation(element: lxml.html.HtmlElement) -> bool:
    """True when ``element`` sits in the site's navigation (:data:`_MENU_TAGS`,
    :data:`_MENU_ROLES`, an element with a navigation id, :data:`_NAV_IDS`, or a page-level
    ``<header>``/``<footer>`` or element with a header or footer id,
    :data:`_PAGE_LEVEL_IDS`)."""
    page_level: bool | None = None  # a header/footer was passed; its enclosers decide
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag in _MENU_TAGS or (ancestor.get("role") or "").lower() in _MENU_ROLES:
            return True
        ident = ancestor.get("id")
        if ident and _NAV_IDS.fullmatch(ident):
            return True
        if tag in _CONTENT_TAGS:
            if page_level:
                page_level = False
        elif page_level is None and (tag in _PAGE_LEVEL_TAGS or (
                ident and _PAGE_LEVEL_IDS.fullmatch(ident))):
            page_level = True
    return bool(page_level)


#: A slug of three or more words, a numeric id, or an .html name. Word runs are matched
#: from their first letter and possessively: ``[^\W_]+`` tried at every position of one long
#: run backtracks over the rest of it, quadratic in the segment's length (a 20,000-letter
#: segment took 8 s).
_SLUG = re.compile(
    r"(?<![^\W_])[^\W_]++(?:[-_][^\W_]++){2,}|(?<![0-9])[0-9]{5,}(?![0-9])|\.s?html?$")


_DATED_DOCUMENT = re.compile(r"/(?:19|20)\d\d/\d\d?/\d\d?/[^/]*[^\W\d][^/]*")


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def url_has_slug(url: str) -> bool:
    """Whether the URL path (or an id parameter) looks like one document's address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    segments = [seg for seg in parts.path.split("/") if seg]
    if any(_SLUG.search(seg) for seg in segments):
        return True
    if _DATED_DOCUMENT.search(parts.path):
        return True
    return any(re.fullmatch(r"[0-9]{5,}", v) for _, v in parse_qsl(parts.query))


#: Links whose text can normalize to 20+ characters (``str.lower`` at most doubles a length).
_LONG_ANCHORS = etree.XPath("descendant-or-self::a[string-length(.) >= 10]")


def _linked_lines(root: lxml.html.HtmlElement, body: str, url: str = "",
                  own: frozenset[str] = frozenset()) -> float:
    """Share (0..1) of the characters of ``body``'s non-blank lines in lines whose
    normalized text (:func:`_norm`, 20+ characters) is that of a link on the page to
    another page (not to one of ``own``, the page's addresses, resolved from ``url``: a
    post's title linked to its permalink is not a teaser). Only the links long enough to
    match are read, and only when a line could match."""
    lines = [line for line in body.split("\n") if line.strip()]
    total = sum(len(line) for line in lines)
    wanted = {norm for norm in map(_norm, lines) if len(norm) >= 20}
    if not total or not wanted:
        return 0.0
    anchors = {norm for norm, a in ((_norm(a.text_content()), a) for a in _LONG_ANCHORS(root))
               if norm in wanted and not _all_own([a], url, own)}
    return sum(len(line) for line in lines if _norm(line) in anchors) / total


#: Separators between a headline and the site's name in ``<title>`` and ``og:title``
#: ("Headline | Site", "Site - Headline"; a colon is not one: it often sits in the headline).
_TITLE_SEPARATORS = re.compile(r"\s+[|\-\u2013\u2014\u00b7/]{1,2}\s+")
#: A title part this long (characters) is a headline, not a section or site name.
MIN_HEADLINE_CHARS = 20


def _title_parts(titles: list[str]) -> set[str]:
    parts = set(titles)
    for title in titles:
        parts.update(_TITLE_SEPARATORS.split(title))
    return {part for part in parts if len(part) >= MIN_HEADLINE_CHARS}


def _shows_title(text: str, titles: list[str], parts: set[str]) -> bool:
    """The heading is the title (or a part of it), or holds a headline-long part of it
    together with at most as much again (a kicker or a date printed in the heading)."""
    if any(text == t or text in t for t in titles):
        return True
    return any(part in text and len(text) <= 2 * len(part) for part in parts)


#: ``<h1>``–``<h3>`` read, in page order, for the shown headline: on the corpora's 1,606
#: pages it was at most the 63rd (menus and teaser boxes first); reading every heading made
#: a hostile page of thousands of headings slow.
MAX_HEADLINE_HEADINGS = 200


def _headline(
    root: lxml.html.HtmlElement, meta: PageMetadata | None, url: str = "",
    own: frozenset[str] = frozenset(),
) -> lxml.html.HtmlElement | None:
    """The first ``h1``–``h3`` (of :data:`MAX_HEADLINE_HEADINGS`) of at least 10
    characters that shows the page's title
    (JSON-LD headline, ``og:title`` or ``<title>``) and links nowhere but to the page
    itself (``own``, resolved from ``url``: the permalink blogs put on a post's title),
    or None."""
    titles = []
    if meta is not None:
        titles = [_norm(t) for t in (meta.ld_text("headline"), meta.first("og:title"),
                                      meta.html_title) if t]
    if not titles:
        return None
    parts = _title_parts(titles)
    for heading in itertools.islice(root.iter("h1", "h2", "h3"), MAX_HEADLINE_HEADINGS):
        text = _norm(heading_text(heading))
        if len(text) < 10 or not _shows_title(text, titles, parts):
            continue
        links = heading.findall(".//a[@href]") + [
            a for a in heading.iterancestors("a")]
        if not links or _all_own(links, url, own):
            return heading
    return None


def _dated(heading: lxml.html.HtmlElement) -> bool:
    """A ``<time>`` element (HTML's mark for a date) sits in the heading or next to it:
    in the heading's parent, which holds no other ``<time>``. Articles print their date
    beside the headline; a list of stories has one date per teaser."""
    if heading.find(".//time") is not None:
        return True
    parent = heading.getparent()
    return parent is not None and len(parent.findall(".//time")) == 1


def page_signals(
    root: lxml.html.HtmlElement | None, meta: PageMetadata | None, url: str, body: str
) -> PageSignals:
    """Measure the signals of a parsed page (``root``/``meta`` may be None)."""
    teasers, link_share, linked_lines, headline, dated = 0, 0.0, 0.0, False, False
    if root is not None:
        own = own_addresses(url, meta)
        teasers = _teasers(root, url, own)
        body_el = root.find("body")
        total, linked, content, content_linked = _text_and_link_chars(
            body_el if body_el is not None else root)
        if content >= MIN_CONTENT_CHARS:
            link_share = content_linked / content
        else:
            link_share = linked / total if total else 0.0
        linked_lines = _linked_lines(root, body, url, own)
        shown = _headline(root, meta, url, own)
        headline = shown is not None
        dated = shown is not None and _dated(shown)
    types = meta.jsonld_types if meta is not None else set()
    return PageSignals(
        ld_article=bool(types & ARTICLE_TYPES),
        ld_listing=bool(types & LISTING_TYPES),
        og_type=meta.og_type if meta is not None else None,
        url_reason=listing_url_reason(url),
        teasers=teasers,
        link_share=link_share,
        body_words=count_words(body),
        linked_lines=linked_lines,
        headline=headline,
        dated_headline=dated,
        url_slug=url_has_slug(url),
        url_ambiguous=ambiguous_listing_url(url),
    )


def article_score(signals: PageSignals) -> float:
    """The score of the module docstring's table (higher: more like one article)."""
    s = signals
    score = 0.0
    if s.ld_article:
        score += 2
    elif s.ld_listing:
        score -= 2
    if s.og_type == "article" and not s.ld_listing:
        score += 0.5
    elif s.og_type == "website":
        score -= 0.5
    if s.headline:
        score += 1
    if s.url_slug:
        score += 1
    # Article markup, few headline links and a substantial main text: the links are the
    # site's navigation (mega menus, footers full of links), not a list of stories.
    # A shown headline with its date beside it declares one dated document as well.
    menu_links = (s.ld_article or s.og_type == "article" or s.dated_headline) and (
        s.teasers < SOME_TEASERS and s.body_words >= SHORT_BODY_WORDS)
    link_heavy = s.link_share >= MAX_LINK_SHARE and not menu_links
    clean = s.teasers < MANY_TEASERS and not link_heavy and s.linked_lines < 0.3
    if clean:
        score += 1
        if s.body_words >= LONG_BODY_WORDS:
            score += 0.5
    # One text block with few links and no teaser list: an ambiguous URL shape (site root,
    # lone number, archived document) is then not evidence of a listing.
    one_document = (s.teasers < SOME_TEASERS and s.link_share < MAX_LINK_SHARE
                    and s.linked_lines < 0.3 and s.body_words >= SHORT_BODY_WORDS)
    if s.url_reason is not None and not (s.url_ambiguous and one_document):
        score -= 4
    if link_heavy:
        score -= 1
    if s.linked_lines >= 0.3:
        score -= 1
    if (
        not s.ld_article
        and s.og_type != "article"
        and s.teasers >= SOME_TEASERS
        and s.body_words < SHORT_BODY_WORDS
    ):
        score -= 1.5
    return score


def classify(signals: PageSignals) -> str | None:
    """Apply the decision in the module docstring.

    Returns:
        None for an article, else the :class:`NotAnArticle` reason slug.
    """
    if signals.body_words < MIN_BODY_WORDS:
        return "empty"
    if article_score(signals) >= ACCEPT_SCORE:
        return None
    return signals.url_reason or "listing"
