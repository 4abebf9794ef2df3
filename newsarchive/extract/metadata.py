"""Page metadata: JSON-LD, OpenGraph, ``<meta>`` tags, ``<time>``, canonical link, title.

Everything here reads an lxml tree that :func:`parse_html` built. Nothing raises on odd
markup: malformed JSON-LD blocks are skipped, missing values are None.

Sources of the vocabularies: schema.org (``NewsArticle`` and subtypes, ``@graph``),
the Open Graph protocol (https://ogp.me: ``og:title``, ``og:site_name``, ``og:url``,
``og:locale``, ``article:published_time``, ``article:modified_time``, ``article:author``),
and the de-facto meta names of news CMSs (``author``, ``byl``, ``parsely-*``,
``sailthru.*``, ``dc.*``, ``pubdate``, ``publish-date``).
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newsarchive.clean.byline import NAME_PARTICLES
from newsarchive.clean.wire import WIRE_ALIASES

__all__ = [
    "ARTICLE_TYPES",
    "LISTING_TYPES",
    "PageMetadata",
    "choose_authors",
    "choose_title",
    "clean_authors",
    "clean_title",
    "heading_text",
    "parse_html",
    "read_metadata",
    "time_trusted",
]

#: schema.org types that mark one article (schema.org/Article and its news subtypes, plus
#: the posting types that news sites use for blogs, live blogs and discussion threads).
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "blogposting", "liveblogposting", "socialmediaposting", "discussionforumposting",
    "techarticle", "report", "scholarlyarticle", "satiricalarticle", "advertisercontentarticle",
    "review",
})
#: schema.org types that mark a list of items rather than one article.
LISTING_TYPES = frozenset({
    "collectionpage", "itemlist", "searchresultspage", "profilepage", "blog", "mediagallery",
})

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
#: A run of non-space characters, and in one the last full stop followed by a word character.
_RUN = re.compile(r"\S+")
_LAST_DOT = re.compile(r".*\.(?=\w)", re.DOTALL)
_WORD_RUN = re.compile(r"\w*")


def _without_emails(value: str) -> str:
    """``_EMAIL.sub(" ", value)`` in linear time: each e-mail address replaced by a space.

    :data:`_EMAIL` backtracks over a whole run of non-space characters from each of its
    positions (a hostile 50,000-character author name cost 4 s, a name of 320-character
    runs of ``"@."`` 5 s). An address never spans a space, so each run is read alone: it
    holds a match when an ``@`` after its first character comes at least two characters
    before its last full stop followed by a word character; the match runs from the run's
    start to the end of the word characters after that full stop, and the run's rest (no
    match can follow) is kept.
    """
    if "@" not in value:
        return value

    def run(match: re.Match[str]) -> str:
        text = match.group()
        dot = _LAST_DOT.match(text)
        if "@" not in text or dot is None:
            return text
        last = dot.end() - 1
        if last < 3 or text.find("@", 1, last - 1) < 0:
            return text
        end = _WORD_RUN.match(text, last + 1)
        return " " + text[end.end() if end else last + 1:]

    return _RUN.sub(run, value)


_URLISH = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net|hu|de|uk)(?:/|$)", re.IGNORECASE)
_BY = re.compile(r"^(?:(?:posted|written|published|text|story|reported)\s+by|by|von|text|"
                 r"texte|par|por|di|door|av|af|autor|autorin|auteur|írta|szerző)\s*:?\s+",
                 re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:,|;|、|\s&\s|\s\|\s|\s(?:and|und|és|et|y|og|och|en|e|ve|i|и)\s)\s*", re.IGNORECASE)
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|»|«|/|:)\s+")


def _norm(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _unescaped(text: str | None) -> str:
    """Whitespace-normalized text with HTML character references resolved: CMSs often
    escape twice, so ``&#8216;`` or ``&quot;`` reach JSON-LD and meta contents literally."""
    text = _norm(text)
    if "&" in text:
        text = _norm(html.unescape(text))
    if _MOJIBAKE.search(text):
        # UTF-8 read as Latin-1/cp1252 ("sanciÃ³n"): undo when the bytes decode cleanly.
        for codec in ("cp1252", "latin-1"):
            try:
                return text.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
    return text


#: What :func:`_key` drops: ``\w`` is exactly ``str.isalnum`` plus the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Compare key: lower-case letters and digits only (``"The Verge"`` → ``"theverge"``)."""
    return _NOT_ALNUM.sub("", text.lower())


#: Every element is a plain :class:`lxml.html.HtmlElement`, chosen in C. lxml.html's own
#: lookup is a Python method called for each element object lxml creates (millions per
#: crawl, as trafilatura walks the tree several times) only to give form controls classes
#: of their own (``FormElement``, ``InputElement``, ...), whose form API nothing here uses.
#: The parser also skips libxml2's table of ``id`` attributes (``collect_ids=False``, as
#: trafilatura parses): nothing looks elements up by id through it (XPath ``id()``).
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse decoded HTML with lxml; None when there is no document to speak of.

    An XML declaration is dropped first, since lxml refuses ``str`` input that carries one.
    Elements are :class:`lxml.html.HtmlElement` (:data:`_ELEMENT_CLASSES`), form controls
    included.
    """
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
        parser.set_element_class_lookup(_ELEMENT_CLASSES)
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root if isinstance(root, lxml.html.HtmlElement) else None


@dataclass
class PageMetadata:
    """What the page says about itself (all strings whitespace-normalized).

    Attributes:
        jsonld_types: lower-cased ``@type`` values of every JSON-LD node on the page.
        article: the first JSON-LD node of an :data:`ARTICLE_TYPES` type, or None.
        meta: ``<meta>`` contents by lower-cased ``property``/``name``/``itemprop``/
            ``http-equiv``, in page order.
        canonical: absolute ``rel=canonical`` href, or None.
        og_url: absolute ``og:url``, or None.
        og_type: ``og:type`` lower-cased, or None.
        html_lang: ``<html lang>`` / ``xml:lang``, or None.
        h1: text of the first ``<h1>``, or None.
        headings: texts of the first few ``<h1>``–``<h3>`` elements, in page order.
        bylines: byline texts from the markup (``itemprop=author``, ``rel=author``, elements
            whose class names an author or byline), outside comment sections, in page order;
            None until :func:`choose_authors` needs them (read from ``root``).
        root: the parsed document the metadata was read from.
        html_title: text of ``<title>``, or None.
        time_values: ``(datetime attribute, trusted)`` of ``<time>`` elements in page order;
            *trusted* when the element is marked as the publication time (``itemprop`` /
            ``pubdate`` / a class naming publication) or sits inside ``<article>``.
    """

    jsonld_types: set[str] = field(default_factory=set)
    article: dict[str, Any] | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    og_url: str | None = None
    og_type: str | None = None
    html_lang: str | None = None
    h1: str | None = None
    headings: list[str] = field(default_factory=list)
    html_title: str | None = None
    time_values: list[tuple[str, bool]] = field(default_factory=list)
    bylines: list[str] | None = None
    root: Any = field(default=None, repr=False)
    jsonld_nodes: list[dict[str, Any]] = field(default_factory=list)

    def first(self, *names: str) -> str | None:
        """The first non-empty ``<meta>`` content among ``names`` (tried in order)."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None

    def all(self, *names: str) -> list[str]:
        """Every non-empty ``<meta>`` content among ``names``, in the order of ``names``."""
        return [value for name in names for value in self.meta.get(name, ()) if value]

    # --- JSON-LD accessors -------------------------------------------------------------
    def ld(self, key: str) -> Any:
        """A property of the JSON-LD article node (None when there is no such node)."""
        return self.article.get(key) if self.article else None

    def ld_text(self, key: str) -> str | None:
        """A JSON-LD article property as text (first element of a list, ``@value``/name)."""
        return _as_text(self.ld(key))


def _as_text(value: Any) -> str | None:
    if isinstance(value, list):
        for item in value:
            text = _as_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _as_text(value.get("@value") or value.get("name"))
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON-LD NaN/Infinity (Python's json accepts them)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = _norm(str(value))
        return text or None
    return None


def _types_of(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    out = set()
    for value in values:
        if isinstance(value, str):
            out.add(value.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower())
    return out


def _walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Yield every JSON-LD node: top-level objects, array items and ``@graph`` members."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _walk(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main, depth + 1)


def _load_json(text: str) -> Any:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:]
    if text.endswith("-->"):
        text = text[:-3]
    text = text.strip().removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return json.loads(text, strict=False)
    except RecursionError:  # hostile nesting: ignore the block, keep the page
        return None
    except ValueError:
        # Common breakage: trailing commas, raw newlines already allowed by strict=False.
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)
        except (ValueError, RecursionError):
            return None


def _jsonld_nodes(root: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.text or "")
        if data is not None:
            nodes.extend(_walk(data))
    return nodes


def read_metadata(root: lxml.html.HtmlElement, base_url: str) -> PageMetadata:
    """Collect the metadata of a parsed page.

    Args:
        root: the document element from :func:`parse_html`.
        base_url: URL used to resolve relative canonical/og:url links.
    """
    meta = PageMetadata()
    meta.jsonld_nodes = _jsonld_nodes(root)
    for node in meta.jsonld_nodes:
        types = _types_of(node)
        meta.jsonld_types |= types
        if meta.article is None and types & ARTICLE_TYPES:
            meta.article = node
    head_meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        content = _norm(content)
        for attr in ("property", "name", "itemprop", "http-equiv"):
            name = element.get(attr)
            if name:
                head_meta.setdefault(name.strip().lower(), []).append(content)
    meta.meta = head_meta
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href and meta.canonical is None:
            meta.canonical = _absolute(base_url, href)
    og_url = meta.first("og:url")
    meta.og_url = _absolute(base_url, og_url) if og_url else None
    og_type = meta.first("og:type")
    meta.og_type = og_type.lower() if og_type else None
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta.html_lang = _norm(lang) or None
    meta.h1 = next((t for t in (_norm(heading_text(h)) for h in root.iter("h1")) if t), None)
    for heading in root.iter("h1", "h2", "h3"):
        text = _norm(heading_text(heading))
        if text:
            meta.headings.append(text)
        if len(meta.headings) >= 8:
            break
    meta.root = root
    title = root.find(".//title")
    meta.html_title = _norm(title.text_content()) or None if title is not None else None
    for element in root.iter("time"):
        value = element.get("datetime")
        if not value:
            continue
        meta.time_values.append((value.strip(), time_trusted(element)))
    return meta


def time_trusted(element: lxml.html.HtmlElement) -> bool:
    """Whether a ``<time>`` element dates the page's story: marked as the publication time
    (the ``pubdate`` attribute, an ``itemprop``/class/id naming publication such as
    ``datePublished``) or inside an ``<article>``. Others date teasers, comments and
    embedded posts."""
    marker = " ".join(element.get(a) or "" for a in ("itemprop", "class", "id")).lower()
    return (
        element.get("pubdate") is not None
        or "publish" in marker
        or any(a.tag == "article" for a in element.iterancestors())
    )


def _absolute(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


# --- site name, title, authors -------------------------------------------------------------
def site_name(meta: PageMetadata) -> str | None:
    """Publisher name: JSON-LD ``publisher.name``, ``og:site_name``, ``application-name``."""
    publisher = meta.ld("publisher")
    name = _as_text(publisher) if isinstance(publisher, dict | list) else None
    return name or meta.first("og:site_name", "application-name", "twitter:site:name")


def clean_title(title: str | None, site: str | None, domain: str) -> str | None:
    """Strip a site-name prefix or suffix from a headline.

    ``"Title | Site"``, ``"Site - Title"``, ``"Title – Site Name"``: a part at either end,
    cut at a spaced separator (``| - – — :: · » « / :``), is removed when its letters equal
    the site name's, are contained in it or contain it, or equal the domain's first label
    (``"nytimes"`` for nytimes.com). Soft hyphens and other invisible characters
    (:data:`_INVISIBLE`) are dropped first. The longest remaining text is kept whole; a
    title that would become empty is returned unchanged; a separator left dangling at the
    end (``"Story | | Site"``) is dropped. A site name joined by a bar without spaces
    (``"Site|Story"``, ``"Story｜Site"``) is cut when it is exactly the name
    (:func:`_without_joined_name`).
    A part of more than :data:`_MAX_NAME_PART_WORDS` words that
    contains a name is a sentence about the publisher and stays.
    """
    title = _visible(title)
    if not title:
        return None
    names = {_key(site)} if site else set()
    label = domain.split(".")[0] if domain else ""
    if label and label not in {"m", "amp", "news"}:
        names.add(_key(label))
    names.discard("")
    if not names:
        return title
    for _ in range(2):
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            break
        seps = _TITLE_SEPARATORS.findall(title)
        first, last = _key(parts[0]), _key(parts[-1])
        if _matches(last, names) and _name_like(parts[-1], last, names):
            title = title[: title.rfind(seps[-1])].strip()
        elif _matches(first, names) and _name_like(parts[0], first, names):
            title = title[title.find(seps[0]) + len(seps[0]):].strip()
        else:
            break
    return _DANGLING.sub("", _without_joined_name(title, names)) or None


#: Characters that only hint at line breaks or word joins and show nothing: the soft
#: hyphen (U+00AD, German CMSs write it into long words of headings), the zero-width space,
#: the word joiner and a stray byte-order mark. Zero-width (non-)joiners are kept: they
#: change how Persian, Indic and emoji text is drawn.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def _visible(text: str | None) -> str:
    """``text`` whitespace-normalised without :data:`_INVISIBLE` characters."""
    return _norm(_INVISIBLE.sub("", text or ""))


#: A separator left alone at the end once an empty part ("Story | | Site") is cut (not at
#: the start: Scandinavian headlines open a quotation with a dash, "- Angsten vil øke").
_DANGLING = re.compile(r"(?:\s+[|·/–—-])+$")
#: Bars that join a site name to a headline without spaces: ``|``, the full-width ``｜`` of
#: Chinese and Japanese typesetting (whose titles put no spaces around punctuation), and
#: the Hangul letter ``ㅣ`` that Korean sites type for a bar.
_UNSPACED_BARS = re.compile(r"(?<=\S)[|｜ㅣ](?=\S)")


def _without_joined_name(title: str, names: set[str]) -> str:
    """``title`` without a site name (its letters equal one of ``names``) joined to its
    start or end by a bar without spaces (:data:`_UNSPACED_BARS`: ``"NEWS WEB
    EASY|子ども…"``, ``"…の一枚｜BIGLOBEニュース"``). Only an exact name is cut: such bars
    also sit inside names and headlines (``"Osthessen|News"``)."""
    bars = list(_UNSPACED_BARS.finditer(title))
    if not bars:
        return title
    first, last = bars[0], bars[-1]
    if _key(title[last.end():]) in names and title[: last.start()].strip():
        return title[: last.start()].strip()
    if _key(title[: first.start()]) in names and title[first.end():].strip():
        return title[first.end():].strip()
    return title


#: Most words of a title part that is taken for a site name because it contains one
#: ("Tageszeitung junge Welt", "Spektrum der Wissenschaft"); a longer part is a sentence
#: that mentions the publisher ("DRK: Immer mehr Menschen auf Hilfe angewiesen").
_MAX_NAME_PART_WORDS = 4


def _name_like(part: str, key: str, names: set[str]) -> bool:
    """True when title ``part`` (compare key ``key``) can be a site name: it equals one of
    ``names`` or is contained in one, or it has at most :data:`_MAX_NAME_PART_WORDS`
    words."""
    return any(key == n or key in n for n in names) or len(
        part.split()) <= _MAX_NAME_PART_WORDS


def _matches(part: str, names: set[str]) -> bool:
    if not part:
        return False
    return any(part == n or (len(part) >= 3 and (part in n or n in part)) for n in names)


def _author_names(value: Any) -> Iterable[str]:
    if isinstance(value, list):
        for item in value:
            yield from _author_names(item)
    elif isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            yield name
        elif isinstance(name, list):
            yield from _author_names(name)
        else:
            given, family = value.get("givenName"), value.get("familyName")
            if isinstance(given, str) and isinstance(family, str):
                yield f"{given} {family}"
    elif isinstance(value, str):
        yield value


def clean_authors(raw: Iterable[str], site: str | None,
                  publishers: Iterable[str] = ()) -> list[str]:
    """Normalize byline names.

    Args:
        raw: byline texts in page order (JSON-LD names, meta contents, markup bylines).
        site: the site's name; names equal to, inside or containing it are dropped.
        publishers: further names of the publisher (compared exactly, by letters and
            digits: other site names, the host and its registrable label, ``"dw"`` and
            ``"dwcom"`` for ``www.dw.com``), see :func:`publisher_keys`.

    Returns:
        Names in page order, without duplicates (case-insensitive, first spelling kept).

    Resolves HTML character references and removes soft hyphens, control characters and
    lone surrogates (:data:`_UNPRINTABLE`); drops e-mail addresses,
    URLs, parenthesised additions (``"Jane Roe (jr)"``), names equal to, inside or
    containing the site name, desk names (:data:`_NOT_A_NAME`: "Staff", "Redaktion", ...)
    and names with a desk word (:func:`_desk_name`: "Multimedia Redaktion", "Redacción
    LR", "CNN Staff"), company names (a legal form after the first word: "GmbH", "e.V.",
    "Inc", ...; a company is a publisher, not a person writing), copyright lines and texts
    of more than :data:`_MAX_NAME_WORDS` words (job titles, sentences); removes a leading
    "By"/"Von"/"Par"/"Posted by" and a Korean/Japanese role after the name; splits
    ``"A and B"``, ``"A, B"``, ``"A & B"`` (also German ``und``, Hungarian ``és``, French
    ``et``, Spanish ``y``, Nordic ``og``/``och``, Dutch ``en``, Italian and Portuguese
    ``e``, Turkish ``ve``, Polish ``i``, Russian ``и``) and at the CJK list comma ``、``.

    A byline naming the publisher drops everything after it too, since CMSs write
    "Publisher, City, Country" and "Jane Roe, Publisher, City" (the entries between
    commas are compared whole, so "Kirche und Leben" is not split at "und"); a byline that
    names the site's own host in a URL ("Deutsche Welle (www.dw.com)") is the publisher.
    A name of several words with a lower-case word that is neither a particle ("von",
    "de la") nor an initial is a phrase, not a name; a phrase joined to others by
    "and"/"und" drops the whole entry ("Landesanstalt für Wald und Forstwirtschaft").
    """
    site_key = _key(site) if site else ""
    others = {k for k in publishers if k}
    if site_key:
        others.add(site_key)
    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        if _names_own_host(value, others):
            continue
        value = _HANDLE.sub("", _PARENS.sub("", _unescaped(_without_emails(value))))
        # soft hyphens from hyphenated markup; control characters and lone surrogates
        # (JSON-LD "\u0000", "\ud800") are no part of a name and cannot be encoded
        value = _UNPRINTABLE.sub("", value.replace("\u00ad", ""))
        if not value or _URLISH.search(value) or _COPYRIGHT.search(value):
            continue
        value = _BY.sub("", value)
        parts: list[str] = []
        for chunk in _LIST_SPLIT.split(value):
            if _key(_name_part(chunk)) in others:
                break  # "Publisher, City" / "Jane Roe, Publisher, City": place or desk
            names = _AUTHOR_SPLIT.split(chunk)
            if len(names) > 1 and any(_lower_word(_name_part(n)) for n in names):
                continue  # a phrase split at "und"/"and" ("Porridge mit Leinsamen und Apfel")
            parts += names
        for part in parts:
            name = _name_part(part)
            key = _key(name)
            if _is_publisher(name, site, others):
                continue  # "Publisher and AFP"
            if not key or key in seen or len(name) > 80:
                continue
            if key in _NOT_A_NAME or len(name.split()) > _MAX_NAME_WORDS:
                continue
            if _desk_name(name):
                continue  # "Multimedia Redaktion", "Redacción LR", "CNN Staff"
            if len(name.split()) > 1 and name.split()[-1] in _DATE_LEAD_WORDS:
                continue
            if any(w.lower().rstrip(",") in _LEGAL_FORMS for w in name.split()[1:]):
                continue
            if _lower_word(name):
                continue  # "Porridge mit Apfel", "selbst ist der Mann": a phrase
            if not name[0].isalpha() and name[0] not in "'‘(":
                continue  # "03:07 Min", "8. November": times and dates
            if not any(ch.isalpha() for ch in name) or _URLISH.search(name):
                continue
            seen.add(key)
            out.append(name)
    return out


#: C0/C1 control characters (tab, line feed and carriage return are spaces by then) and
#: UTF-16 surrogates, which stand alone in a Python string only when the source was
#: broken (a JSON ``"\ud800"``): no name contains them and UTF-8 cannot encode them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Legal forms of companies and associations (German, English, French, Spanish, Dutch,
#: Nordic): a byline carrying one names an organisation, not a person.
_LEGAL_FORMS = frozenset({
    "gmbh", "ggmbh", "mbh", "ag", "kg", "kgaa", "ohg", "e.v.", "e.v", "ev", "ug", "inc",
    "inc.", "ltd", "ltd.", "llc", "plc", "corp", "corp.", "co.", "s.a.", "sa", "sarl",
    "s.l.", "b.v.", "bv", "n.v.", "gbr", "mbh.", "ab", "asa", "oy", "a/s",
})
#: Copyright lines and "Name & Co." firm names.
_COPYRIGHT = re.compile(r"©|\(c\)|rights reserved|alle rechte|\s&\s*co\b", re.IGNORECASE)
#: A host in parentheses after a name: "Deutsche Welle (www.dw.com)".
_HOST = re.compile(r"\(\s*(?:https?://)?((?:[\w-]+\.)+[a-z]{2,})/?\s*\)", re.IGNORECASE)


def _lower_word(name: str) -> bool:
    """Whether a name of several words has a lower-case word that is neither a name
    particle nor an initial: names are capitalised, phrases are not."""
    words = name.split()
    return len(words) > 1 and any(
        w[:1].islower() and w not in NAME_PARTICLES and not w.endswith(".") for w in words)


#: What separates the entries of a byline list (before "and"/"und" split the names).
_LIST_SPLIT = re.compile(r"\s*[,;]\s*")


def _is_publisher(name: str, site: str | None, others: set[str]) -> bool:
    """Whether a byline name is the publisher: one of the ``others`` keys, their
    initials, (four letters or more) inside or around the site name unless the site
    is named after the person ("Jane Roe's blog"), a name beginning with a publisher key
    of :data:`_MIN_PREFIX_KEY` letters or more ("Example Kitchens" on example.com), the
    site name's words in another order ("Die Partei Fraktion" for "Fraktion Die Partei"),
    or three or more words whose initials are a publisher key ("Deutsches Rotes Kreuz" on
    drk.de; two-word initials would also match people). Non-ASCII letters are also
    compared as hosts spell them (:func:`_ascii_keys`)."""
    key = _key(name)
    if not key:
        return False
    site_key = _key(site) if site else ""
    if key in others or not others.isdisjoint(_ascii_keys(key)) or _acronym_of(name, others) or (
            bool(site_key) and len(key) >= 4 and not _possessive(name, site)
            and (key in site_key or site_key in key)):
        return True
    if any(len(k) >= _MIN_PREFIX_KEY and key.startswith(k) for k in others):
        return True
    if site and " " in name and sorted(_key(w) for w in name.split()) == sorted(
            _key(w) for w in site.split()):
        return True  # the site's words in another order ("Fraktion X" / "X Fraktion")
    words = [w for w in re.split(r"[\s\-/]+", name) if w[:1].isalpha()]
    return len(words) >= 3 and "".join(w[0] for w in words).lower() in others


#: How host names spell letters they cannot carry: German umlauts as two letters
#: ("SPÖ" on spoe.at), other accented letters without the accent ("Habertürk" on
#: haberturk.com).
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _ascii_keys(key: str) -> set[str]:
    """The ways a host writes a compare key with non-ASCII letters (empty when ASCII)."""
    if key.isascii():
        return set()
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", key)
                    if not unicodedata.combining(ch))
    return {key.translate(_UMLAUTS), plain}


#: A publisher key this long at the start of a byline makes it the publisher's.
_MIN_PREFIX_KEY = 6


def _names_own_host(value: str, others: set[str]) -> bool:
    """Whether ``value`` names one of the publisher's hosts in parentheses."""
    return any(_key(m.group(1).removeprefix("www.")) in others
               for m in _HOST.finditer(value.lower()))


def _possessive(name: str, site: str | None) -> bool:
    """Whether the site is named after the person: ``"Jane Roe's blog"``."""
    return bool(site) and re.search(re.escape(name) + r"[’']s?\b", site or "",
                                    re.IGNORECASE) is not None


def _acronym_of(name: str, others: set[str]) -> bool:
    """Whether a one-word capitalised name is the initials of a publisher name
    (``"LTO"`` for "Legal Tribune Online")."""
    return name.isupper() and " " not in name and name.lower() in others


def publisher_keys(meta: PageMetadata, site: str | None,
                   by_id: dict[str, dict[str, Any]] | None = None) -> set[str]:
    """Compare keys (:func:`_key`) of every name the page gives its publisher.

    Returns the keys of JSON-LD ``publisher`` names, ``og:site_name``,
    ``application-name``, ``site`` and the initials of those of several words, and of the
    canonical host (``"dwcom"``) and its label before the public suffix (``"dw"``). Empty
    when the JSON-LD publisher is a Person (``by_id`` resolves an ``@id`` reference): a
    personal site's name is its author's.
    """
    publisher = _resolve(meta.ld("publisher"), by_id or {})
    nodes = publisher if isinstance(publisher, list) else [publisher]
    if any(isinstance(n, dict) and "person" in _types_of(n) for n in nodes):
        return set()
    names = [site or "", *meta.all("og:site_name", "application-name")]
    names += [n for n in _author_names(publisher) if isinstance(n, str)]
    keys = {_key(n) for n in names}
    for name in names:
        words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalpha()]
        if len(words) >= 2:
            keys.add("".join(w[0] for w in words).lower())
    host = (urlsplit(meta.canonical or meta.og_url or "").hostname or "").removeprefix("www.")
    if host:
        keys.add(_key(host))
        labels = host.split(".")
        # the registrable label: "bbc" in bbc.co.uk, "dw" in dw.com
        label = labels[-3] if len(labels) >= 3 and len(labels[-2]) <= 3 else labels[-2] \
            if len(labels) >= 2 else labels[0]
        keys.add(_key(label))
    keys.discard("")
    return keys


def raw_authors(meta: PageMetadata) -> list[str]:
    """Byline candidates in order of trust: JSON-LD ``author``, then meta tags.

    Meta tags are used only when JSON-LD gives no author: :data:`AUTHOR_META` in that
    order, then the Yoast-style Twitter card pair (:func:`_twitter_card_author`).
    """
    from_ld = list(_author_names(meta.ld("author")))
    if from_ld:
        return from_ld
    return _meta_authors(meta)


#: ``<meta>`` names that carry the byline: Open Graph ``article:author``, the de-facto
#: names of news CMSs and analytics tags (``byl``, Parse.ly, Sailthru, Cxense,
#: Shareaholic), Dublin Core (``dc.creator``/``dc:creator``/``dcterms.creator``) and the
#: Highwire Press ``citation_author`` of scholarly pages.
AUTHOR_META = ("author", "article:author", "og:article:author", "byl", "parsely-author",
               "sailthru.author", "cxenseparse:author", "shareaholic:article_author_name",
               "dc.creator", "dc:creator", "dcterms.creator", "citation_author")
_AUTHOR_META_SET = frozenset(AUTHOR_META)
#: Twitter card labels that announce the author in ``twitter:data1`` (Yoast SEO writes
#: the label in the site's language).
_WRITTEN_BY = re.compile(r"^(?:written by|verfasst von|geschrieben von|escrito por|"
                         r"écrit par|scritto da|geschreven door|skrevet af|skrivet av|"
                         r"napisane przez|autor|author|auteur)$", re.IGNORECASE)


def _meta_authors(meta: PageMetadata) -> list[str]:
    """:data:`AUTHOR_META` contents of the ``<head>`` (``name``/``property`` attributes),
    then the Twitter card pair. ``itemprop=author`` ``<meta>`` in the body belong to
    whatever item holds them (cited works, teasers) and are left to the markup pass."""
    head = meta.root.find("head") if meta.root is not None else None
    if head is None:
        values = meta.all(*AUTHOR_META)
    else:
        found: dict[str, list[str]] = {}
        for element in head.iter("meta"):
            name = (element.get("name") or element.get("property") or "").strip().lower()
            content = _norm(element.get("content"))
            if name in _AUTHOR_META_SET and content:
                found.setdefault(name, []).append(content)
        values = [value for name in AUTHOR_META for value in found.get(name, ())]
    return values + _twitter_card_author(meta)


def _twitter_card_author(meta: PageMetadata) -> list[str]:
    """``twitter:dataN`` when its ``twitter:labelN`` is "Written by" (N = 1, 2)."""
    for index in ("1", "2"):
        label = meta.first(f"twitter:label{index}")
        if label and _WRITTEN_BY.match(label.strip()):
            return meta.all(f"twitter:data{index}")
    return []


# --- headline choice -----------------------------------------------------------------------
#: A heading agrees with a metadata headline when its letters make up this many of them.
_MIN_HEADING_KEY = 8
#: What follows a headline in a longer metadata title: a spaced separator.
_SEPARATED = re.compile(r"^\s+(?:[|/:·»«,–—-]|::)\s")
#: What ends a kicker ("Topic: ", "Topic - ") in front of a headline.
_KICKER = re.compile(r"(?:\S:|\s[-–—|»›/:])\s+$")


def choose_title(meta: PageMetadata, site: str | None, domain: str,
                 hint: str | None = None) -> str | None:
    """The headline, from JSON-LD ``headline``, ``og:title``/``twitter:title``, ``<title>``,
    the page's ``<h1>``–``<h3>`` headings and the feed's title (``hint``).

    Every candidate has HTML character references resolved and a site-name prefix or suffix
    removed (:func:`clean_title`; metadata titles also lose the text of an ``<h1>`` that
    links home, :func:`_without_banner`). The first metadata headline (JSON-LD, OpenGraph,
    Twitter, else ``<title>``) is the headline, with corrections from the headings shown on the
    page (every ``<h1>`` first, then the first ``<h1>``–``<h3>``, each in page order, so a
    logo ``<h1>`` does not block the story's ``<h2>`` and navigation ``<h2>`` blocks do
    not hide the story's ``<h1>``):

    * a heading that differs from it only in letter case or in typographic quotes, dashes
      and ellipses (``’`` for ``'``, ``–`` for ``-``, ``…`` for ``...``) is taken as
      written (the spelling readers see);
    * a heading whose letters begin the metadata headline replaces it when it makes up at
      least half of it or is followed there by a spaced separator: the rest is a site,
      section or date suffix :func:`clean_title` could not recognise (``"Story | Politics
      | 28.04.2023"`` vs ``<h1>Story</h1>``);
    * a heading that ends the metadata headline, makes up at least half of it, and is
      preceded there by a kicker (``"Topic: "``, ``"Topic - "``) replaces it;
    * the first heading that holds the whole metadata headline replaces it when it begins
      with it and adds at most half as many letters again, not after a spaced pipe nor
      with a date (:func:`_continues`): the metadata copy was shortened for search
      results or cut at a quotation mark inside an attribute (``"… calls Biden "`` for
      ``<h2>… calls Biden "unfit"</h2>``);
    * before these, an ``<h1>`` that opens with a kicker element (:func:`_kicker_split`)
      gives its headline alone when the metadata headline is that kicker, a spaced
      dash, pipe, slash, middle dot or ``»`` (or the separator the ``<h1>`` writes for
      screen readers only, a colon too), and that headline (:func:`_kicker_dropped`);
    * on a page that declares no news article (no JSON-LD node of a ``NewsArticle``
      type: ``NewsArticle``, ``ReportageNewsArticle``, …), the page's only ``<h1>`` (not
      a link to the home page, nor a site name: :func:`_name_like`) replaces a metadata
      headline unrelated to it (neither contains the other's letters), or one that holds
      the ``<h1>`` at its start or end or between separators (:func:`_cut_part`):
      outside news articles ``og:title`` and ``<title>`` are often an SEO or menu title
      (``"About Us"``), or the shown headline with a kicker, subtitle, section or
      search words around it (``"Recipe for Sesame Cookies"``, ``"Title: Subtitle:
      Journal, Vol 7"``), while the ``<h1>`` is what the page shows as its
      headline (``og:type`` ``article`` does not count as a declaration: SEO plugins
      write it on every post and page); an ``<h1>`` holding the whole metadata headline
      and more (a kicker or date written into it) does not replace it;
    * a metadata headline that is only the site's name (blogs whose ``<title>`` names the
      blog; also a longer form of the name, ``"National Rail Enquiries"`` on
      nationalrail.co.uk: :func:`_site_only`) gives way to the first heading that is not.
    """
    names = {_key(n) for n in (site, domain.split(".")[0] if domain else None) if n}
    names.discard("")
    banner = _banner(meta)
    metadata = [clean_title(_without_banner(_unescaped(c), banner), site, domain) for c in (
        meta.ld_text("headline"), meta.first("og:title"), meta.first("twitter:title"),
        meta.ld_text("name") if meta.article is not None else None, meta.html_title)]
    primary = next((m for m in metadata if m), None)
    texts, kicked = _h1_first(meta)
    headings = [h for h in (clean_title(_unescaped(x), site, domain) for x in texts) if h]
    if primary:
        dropped = _kicker_dropped(primary, kicked)
        if dropped:
            return dropped
        key = _key(primary)
        extend = len(key) >= _MIN_HEADING_KEY
        for heading in headings:
            head = _key(heading)
            if head == key:
                return heading if _typographic(heading) == _typographic(primary) else primary
            if extend and key in head:
                extend = False  # only the first heading that holds the headline counts
                if head.startswith(key) and 2 * (len(head) - len(key)) <= len(key) and (
                        _continues(heading, primary)):
                    return heading
            if len(head) < _MIN_HEADING_KEY:
                continue
            if key.startswith(head) and (2 * len(head) >= len(key) or _SEPARATED.match(
                primary[len(heading):] if primary.lower().startswith(heading.lower()) else ""
            )):
                return heading
            if key.endswith(head) and 2 * len(head) >= len(key) and _KICKER.search(
                primary[: len(primary) - len(heading)] if primary.lower().endswith(
                    heading.lower()) else ""
            ):
                return heading
        # News articles (a schema.org NewsArticle-family node) set their metadata headline
        # editorially; elsewhere it is often an SEO or menu title unlike the page's one
        # <h1>. og:type "article" is no sign: SEO plugins set it on every post and page.
        declared = any("newsarticle" in t for t in meta.jsonld_types)
        shown = None if declared else _sole_h1(meta, site, domain)
        if shown:
            head = _key(shown)
            if len(head) >= 3 and key not in head and (
                    head not in key or _cut_part(shown, primary)) and not (
                    _matches(head, names) and _name_like(shown, head, names)):
                return shown
        if not _site_only(key, names):
            return primary
    for heading in headings:
        if not _site_only(_key(heading), names) and len(_key(heading)) >= 3:
            return heading
    return primary or clean_title(_unescaped(hint), site, domain)


def _cut_part(heading: str, headline: str) -> bool:
    """True when ``heading`` of at least :data:`_MIN_HEADING_KEY` letters is a part of
    ``headline`` that the rest can be cut from: it begins or ends the headline's letters
    (``"Recipe for Sesame cookies"``, ``"Title: Subtitle"``), or it stands between a
    kicker and a spaced separator (``"New - Mini SUV on the rise - Review"``). A heading in
    the middle of a phrase (``"News: Council approves bridge plan for the town"`` for
    ``"Council approves bridge"``) is a fragment of it."""
    head, key = _key(heading), _key(headline)
    if len(head) < _MIN_HEADING_KEY:
        return False
    if key.startswith(head) or key.endswith(head):
        return True
    start = headline.lower().find(heading.lower(), 1)
    return start > 0 and bool(_KICKER.search(headline[:start])) and bool(
        _SEPARATED.match(headline[start + len(heading):]))


def _site_only(key: str, names: set[str]) -> bool:
    """True when a title with compare key ``key`` names only the site: it is one of
    ``names``, or part of one, or one of them with at most as many letters again
    (``"National Rail Enquiries"`` on nationalrail.co.uk, ``"Example Online"``), unlike
    a headline that mentions the site."""
    return any(key == n or (len(key) >= 3 and key in n) or (
        n in key and len(key) <= 2 * len(n)) for n in names)


#: A date written in digits (``26.01.2022``, ``1/26/2022``, ``2022-01-26``).
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


def _continues(heading: str, headline: str) -> bool:
    """True unless what ``heading`` adds after the letters of ``headline`` opens with a
    spaced pipe (``"Story | Site"``) or holds a date written in digits (``"Story : Date:
    26.01.2022 Press release 6/2022"``, a ``<time>`` inside the ``<h1>``): a pipe
    separates a site or section name and a date is the page's, neither is the rest of a
    shortened headline."""
    count, target = 0, len(_key(headline))
    for index, char in enumerate(heading):
        if count == target:
            return not re.match(r"\W*\s\|\s", heading[index:]) and not _NUMERIC_DATE.search(
                heading[index:])
        count += char.isalnum()
    return True


def _sole_h1(meta: PageMetadata, site: str | None, domain: str) -> str | None:
    """The text of the page's only non-empty ``<h1>`` (cleaned as a title), or None when
    there is none, more than one, or it is a link to the site's home page (a logo or
    site-name banner)."""
    if meta.root is None:
        return None
    found: list[lxml.html.HtmlElement] = []
    for element in meta.root.iter("h1"):
        if _norm(heading_text(element)):
            found.append(element)
            if len(found) > 1:
                return None
    if not found or _links_home(found[0]):
        return None
    return clean_title(_unescaped(heading_text(found[0])), site, domain)


def _links_home(element: lxml.html.HtmlElement) -> bool:
    """True when ``element`` holds a link to the site's home page (``/``, ``https://host/``;
    not an anchor without ``href`` or a ``#fragment`` link, which stay on the page)."""
    for link in element.iter("a"):
        href = (link.get("href") or "").strip()
        if href and not href.startswith("#") and (
                urlsplit(href).path.strip("/") == "" or _HOME_LINK.search(href)):
            return True
    return False


#: Elements whose content is code or a fallback, never shown as the text around them: CSS
#: (``<style>``, which CSS-in-JS libraries such as Emotion write next to the element they
#: style, also inside a heading), ``<script>``, ``<noscript>`` (shown only without
#: scripts) and ``<template>`` (inert per the HTML standard).
_NOT_SHOWN_TAGS = ("style", "script", "noscript", "template")


def heading_text(element: lxml.html.HtmlElement) -> str:
    """The text ``element`` shows: like ``text_content()`` (every descendant text node, in
    order, not normalised) but without the content of :data:`_NOT_SHOWN_TAGS` elements
    and comments (their tails are kept). ``<h1><style>.c{color:red}</style>News</h1>``
    → ``"News"``."""
    if next(element.iter(*_NOT_SHOWN_TAGS), None) is None:
        return str(element.text_content())
    return _shown(element)


def _shown(element: lxml.html.HtmlElement) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_SHOWN_TAGS:
            parts.append(_shown(child))
        parts.append(child.tail or "")
    return "".join(parts)


#: ``<h1>`` elements read for the headline (page order): a page shows one headline, blog
#: themes a few more (the blog's name, widget titles); the most on the corpora's 1,606
#: pages was 42 (146 on a feed listing). Reading all of them made a hostile page of
#: 20,000 ``<h1>`` cost 0.4 s in the headline choice alone.
MAX_H1 = 50


def _banner(meta: PageMetadata) -> str:
    """Text of the first ``<h1>`` (of :data:`MAX_H1`) that links to the home page (the
    site's banner or logo heading, the site's name as the page shows it), or ``""``."""
    if meta.root is None:
        return ""
    for element in itertools.islice(meta.root.iter("h1"), MAX_H1):
        if _links_home(element):
            return _norm(heading_text(element))
    return ""


def _without_banner(title: str | None, banner: str) -> str | None:
    """``title`` without the banner text (:func:`_banner`) at its end or start when a
    spaced separator parts them (``"Recipe | Love goes through the stomach"``): blogs
    repeat their banner in every ``<title>``, often under a name that is neither
    ``og:site_name`` nor the host's."""
    if not title or len(_key(banner)) < 3 or len(banner) >= len(title):
        return title
    if title.endswith(banner):
        rest = title[: -len(banner)]
        if _SEPARATOR_END.search(rest):
            return _SEPARATOR_END.sub("", rest) or title
    if title.startswith(banner) and _SEPARATED.match(title[len(banner):]):
        return _SEPARATED.sub("", title[len(banner):], count=1) or title
    return title


#: A spaced separator at the end of a title's remaining part.
_SEPARATOR_END = re.compile(r"\s+(?:[|/:·»«–—-]|::)\s*$")
#: A link to a site's home page inside an archived copy ("/web/2017…/http://site.com/").
_HOME_LINK = re.compile(r"https?://[^/]+/?$")


#: Typographic quotes, apostrophes, dashes and the ellipsis and their plain ASCII forms.
_TYPOGRAPHIC = str.maketrans({**dict.fromkeys("‘’‚‛′`´", "'"),
                              **dict.fromkeys("“”„‟″«»", '"'),
                              **dict.fromkeys("‐‑‒–—―−", "-"), "…": "..."})


def _typographic(text: str) -> str:
    """``text`` lower-cased with typographic quotes, dashes and ellipses as their ASCII forms:
    metadata fields are often typed or stored in plain ASCII (``'`` for ``’``, ``-`` for
    ``–``, ``...`` for ``…``)
    while the heading shows the typeset form, so two spellings equal here are the same
    headline and the heading's is the one readers see."""
    return text.translate(_TYPOGRAPHIC).lower()


def _h1_first(meta: PageMetadata) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Heading texts to compare with the metadata headline: every ``<h1>`` (the page's main
    heading by HTML convention; the first :data:`MAX_H1`), then the first ``<h1>``–``<h3>``
    headings, in page order,
    without repeats. Navigation ``<h2>``/``<h3>`` blocks often come before the story's
    ``<h1>`` and would otherwise fill :attr:`PageMetadata.headings`.

    Also returns ``(kicker, headline, separator)`` for each ``<h1>`` that opens with a kicker
    element
    (:func:`_kicker_split`), in page order."""
    h1s: list[str] = []
    kicked: list[tuple[str, str, str]] = []
    for element in itertools.islice(meta.root.iter("h1"), MAX_H1) if meta.root is not None else ():
        text = _visible(heading_text(element))
        h1s.append(text)
        split = _kicker_split(element, text)
        if split:
            kicked.append(split)
    return list(dict.fromkeys(t for t in (*h1s, *meta.headings) if t)), kicked


def _kicker_split(element: lxml.html.HtmlElement,
                  text: str) -> tuple[str, str, str] | None:
    """``(kicker, headline, separator)`` of an ``<h1>`` (``element``, whole text ``text``)
    that opens with a kicker: a first child element with no text before it (a ``<style>``
    or ``<script>`` before it does not count, :data:`_NOT_SHOWN_TAGS`), whose text
    begins the heading (``<h1><span class="topline">Olympics</span> Drinks by boat</h1>``),
    followed by a headline of at least :data:`_MIN_HEADING_KEY` letters that opens with a
    letter or digit; None otherwise. Overlines, rooflines and toplines (German
    *Dachzeile*) are written this way: a separate element the page styles apart from the
    headline.

    ``separator`` is ``""``, or the punctuation (``":"``, ``"–"``) of a second child
    element between kicker and headline that is hidden from sight (:func:`_sr_only`):
    pages that show the kicker as a line of its own write the joining punctuation only for
    screen readers (``<span class="visually-hidden">: </span>``)."""
    if len(element) == 0 or (element.text or "").strip():
        return None
    children = [child for child in element if not (
        child.tag in _NOT_SHOWN_TAGS and not (child.tail or "").strip())]
    if not children or not isinstance(children[0].tag, str):
        return None
    first = children[0]
    kicker = _norm(heading_text(first))
    if not kicker or not text.startswith(kicker):
        return None
    rest = text[len(kicker):].strip()
    separator = ""
    if not rest[:1].isalnum() and len(children) > 1 and not (first.tail or "").strip():
        second = children[1]
        mark = _norm(heading_text(second)) if isinstance(second.tag, str) else ""
        if mark and _SEPARATOR_MARK.fullmatch(mark) and _sr_only(second) and (
                rest.startswith(mark)):
            separator, rest = mark, rest[len(mark):].strip()
    if not rest[:1].isalnum() or len(_key(rest)) < _MIN_HEADING_KEY:
        return None
    return kicker, rest, separator


#: Punctuation that joins a kicker to its headline when written out.
_SEPARATOR_MARK = re.compile(r"[:|/·»–—-]")
#: Class words of content kept for screen readers only ("visually-hidden", "sr-only",
#: "screen-reader-text", "hiddendash"): the common CSS-framework names.
_SR_ONLY_CLASS = re.compile(r"hidden|sr-only|screen-reader|visually", re.IGNORECASE)


def _sr_only(element: lxml.html.HtmlElement) -> bool:
    """Whether ``element`` is marked as not shown to sighted readers: ``aria-hidden="true"``,
    the ``hidden`` attribute or a screen-reader-only class (:data:`_SR_ONLY_CLASS`)."""
    return (element.get("aria-hidden") == "true" or element.get("hidden") is not None
            or _SR_ONLY_CLASS.search(element.get("class") or "") is not None)


#: A spaced separator that parts a kicker from the headline in a metadata title; not a
#: colon, which joins a topic to its headline as part of it ("Kenya: Nairobi from below").
_KICKER_SEPARATOR = r"\s+[-–—|/·»]\s+"


def _kicker_dropped(primary: str, kicked: list[tuple[str, str, str]]) -> str | None:
    """The headline of the first ``<h1>`` whose kicker element the metadata headline
    ``primary`` repeats in front of it with a spaced separator (``"Olympics - Drinks by
    boat"`` for ``<h1><span>Olympics</span> Drinks by boat</h1>``), or with the separator
    the ``<h1>`` keeps for screen readers only (any of :data:`_SEPARATOR_MARK`, a colon
    too: ``"Climate: Drilling on"`` for ``<h1><span>Climate</span><span
    class="visually-hidden">: </span><span>Drilling on</span></h1>``), else None: the page
    sets the kicker apart from its headline, the metadata title joins both into one line."""
    for kicker, rest, separator in kicked:
        joint = r"\s*" + re.escape(separator) + r"\s*" if separator else _KICKER_SEPARATOR
        if re.fullmatch(re.escape(kicker) + joint + re.escape(rest), primary, re.IGNORECASE):
            return rest
    return None


# --- bylines in the markup ---------------------------------------------------------------
#: Class names of a byline's element: "author", "post-author", "byline", "vcard fn", also
#: the name or link element inside the box in BEM and other common spellings
#: ("author__name", "byline__name-link", "authorname-txt", "author-link").
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:author|authors|byline|autor|auteur|autore|writer)"
                           r"(?:[-_]{0,2}name)?(?:[-_]{1,2}(?:link|txt|text))?$|^(?:by|fn)$",
                           re.IGNORECASE)
#: The same names written in camelCase after another word ("metaInfoAuthorList-item",
#: "articleAuthorName", "postByline"): the capital marks the word's start.
_CAMEL_AUTHOR_CLASS = re.compile(r"[a-z0-9](?:Authors?|Autor|Byline|Writer)(?:List|Names?|Link)?"
                                 r"(?:[-_]{1,2}(?:item|name|link|txt|text))?$")


def _author_class(token: str) -> bool:
    """Whether one class token names a byline element (:data:`_AUTHOR_CLASS`,
    :data:`_CAMEL_AUTHOR_CLASS`)."""
    return _AUTHOR_CLASS.search(token) is not None or \
        _CAMEL_AUTHOR_CLASS.search(token) is not None


#: Class/id names of areas whose names are not the article's byline (comments, sidebars,
#: related-story boxes, the page footer); matched at the start of a class token.
_NOT_BYLINE_AREA = re.compile(r"(?:sidebar|related|teaser|reply|respond|(?:site-|page-)?footer$)")
_MAX_NAME_WORDS = 6


#: Words every class that :data:`_AUTHOR_CLASS` accepts contains: a cheap test of the
#: whole class attribute before its names are tested one by one.
_CLASS_HINT = re.compile(r"author|autor|auteur|byline|writer|\b(?:by|fn)\b", re.IGNORECASE)


def _outside_comments(element: lxml.html.HtmlElement) -> bool:
    """Whether a byline candidate is shown as the article's: not inside comments,
    sidebars, related-story boxes or page footers (:data:`_NOT_BYLINE_AREA`), nor inside
    an element the page hides (:func:`_hidden`: a byline the reader never sees, such as a
    theme's ``display: none`` author box kept for microformats, names no one on the
    page)."""
    in_article = any(a.tag == "article" for a in element.iterancestors())
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html"):
            break
        if _hidden(node):
            return False
        if node.tag in ("footer", "aside") and not in_article:
            return False
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        if any("comment" in t for t in tokens):
            return False
        # a BEM element named after the author ("teaser__author--item") is the byline
        # itself; whether its block is another story's is left to the ancestors
        if any(_NOT_BYLINE_AREA.match(t) and "author" not in t for t in tokens) \
                and not _holds_headline(node):
            return False
    return True


def _holds_headline(node: lxml.html.HtmlElement) -> bool:
    """Whether an area whose class or id names a sidebar or teaser holds the page's
    headline: an ``<h1>`` inside it or right before it. Themes name the content column
    "sidebar" when the layout has one ("sidebar-on", ``id=sidebar`` on the main column)
    and the article's own header block "teaser"; a real sidebar or teaser box holds no
    ``<h1>`` and does not follow it."""
    previous = node.getprevious()
    return (previous is not None and previous.tag == "h1") or next(
        node.iter("h1"), None) is not None


#: An inline style that hides an element (CSS ``display: none``, ``visibility: hidden``).
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(node: lxml.html.HtmlElement) -> bool:
    """Whether an element is hidden from readers by its own markup: the HTML ``hidden``
    attribute or an inline style in :data:`_HIDDEN_STYLE` (stylesheets are not read)."""
    style = node.get("style")
    return node.get("hidden") is not None or (
        style is not None and _HIDDEN_STYLE.search(style) is not None)


#: A byline written out: "Posted by Jane Roe", "Von Hans Meier", "Par Jean Dupont", also
#: the German "Verfasst von", "Ein Artikel/Beitrag/Bericht von" and its compounds ("Ein
#: Gastbeitrag von", "Blog-Beitrag von", "Gastkommentar von"), the interviewer's credit
#: "Ein Interview/Gespräch von Jane Roe mit ..." (the one asked follows "mit": see
#: :data:`_BYLINE_TAIL`), English "Author:" and the heading of an about-the-author box
#: ("About the Author - Jane Roe").
_TEXT_BYLINE = re.compile(
    r"^(?i:posted\s+by|written\s+by|geschrieben\s+von|veröffentlicht\s+von|verfasst\s+von|"
    r"(?:ein(?:e)?\s+)?(?:\w+[-\s]?)?(?:artikel|beitrag|bericht|reportage|kolumne|kommentar|"
    r"interview|gespräch)\s+von|ein(?:e)?\s+text\s+von|about\s+the\s+author\s*[-–—:]?|"
    r"by|von|par|por|av|af|door|text|texte|autorin/autor|"
    r"autor(?:in|/in|\*in|:in|_in|innen)?|author|auteur|írta)\s*:?\s+(?=[A-ZÀ-ÞĀ-ž])"
)
_TEXT_BYLINE_LEAD = re.compile(
    r"(?i:posted|written|geschrieben|veröffentlicht|verfasst|eine?|about|by|von|par|por|av|"
    r"af|door|text|texte|autor|autorin|author|auteur|írta|"
    r"(?:\w+[-\s]?)?(?:artikel|beitrag|bericht|reportage|kolumne|kommentar|interview|gespräch))\b"
)
#: An element holding only an author label ("Autor", "Author:", "By", "| Von"): meta
#: boxes and script-built bylines put the names after it, as the element's tail text or
#: in the next element.
_LABEL_ONLY = re.compile(r"^[\s|·•/–—-]*(?i:autor(?:in)?|author|auteur|by|von|par|por|door)"
                         r"\s*:?\s*$")
#: The lead-ins of :data:`_LABEL_ONLY` that themes also put before the site's name
#: ("By <a>Example News</a>"): such a byline ranks after the written-out ones.
_BY_LABEL = re.compile(r"(?i:by|von|par|por|door)\s*:?\s*$")
#: Separators a byline line opens with ("| By", "· Von").
_LEAD_SEPARATORS = " \t\n\r|·•/–—-"
#: Where a byline text runs on into a date ("on May 5", "Feb 21, 2020", "22. Februar
#: 2020", "21.02.2020", "2020-02-21"), a separator or a link arrow.
_BYLINE_TAIL = re.compile(
    r"\s+(?:[»|→·•]|[-–—]\s|(?:on|am|le|el|il|um|at)\s+.{0,30}\d).*$"
    r"|\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b.*$"
    r"|\s*\d{1,2}\.\s*(?i:januar|februar|märz|april|mai|juni|juli|august|september|"
    r"oktober|november|dezember)\s+\d{4}.*$"
    r"|\s*\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b.*$|\s+\d{4}-\d{2}-\d{2}.*$")
#: A lead-in before the name: "View all posts by", "Zeige alle Beiträge von", "Beitragvon".
_BYLINE_LEAD = re.compile(r"^(?:\S+\s+){0,6}?(?:by|von|par|por|door|beitragvon)\s*:?\s+",
                          re.IGNORECASE)


def _names_only(text: str) -> bool:
    """Whether a written-out byline is only names: at most four words per name, each
    capitalised or a name particle, so that a sentence beginning "Von Berlin aus ..." is
    not taken for a byline."""
    for name in _AUTHOR_SPLIT.split(text):
        words = name.split()
        if not words or len(words) > 4:
            return False
        if any(not (w[0].isupper() or w in NAME_PARTICLES) for w in words):
            return False
    return True


def _same_block(first: lxml.html.HtmlElement, other: lxml.html.HtmlElement) -> bool:
    """Whether ``other`` sits in the byline block of ``first``: their parents or
    grandparents are one element."""
    a, b = first.getparent(), other.getparent()
    if a is None or b is None:
        return False
    if a is b:
        return True
    a, b = a.getparent(), b.getparent()
    return a is not None and a is b


def _first_line(element: lxml.html.HtmlElement) -> str:
    """``element``'s text up to its first ``<br>`` that follows more than a bare label
    (:func:`_bare_label`), else its whole ``text_content()``.

    A byline element sets the name on its first line and the writer's place or role on
    the next ("Von <b>Hans Meier</b><br>Kiel", "By Jane Roe<br>Staff Writer");
    ``text_content()`` joins them without a space ("Hans MeierKiel"). A label on a line of
    its own ("By<br>Jane Roe") runs on to the next line."""
    if next(element.iter("br"), None) is None:
        return str(element.text_content())
    text = ""
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "br":
                if _norm(text) and not _bare_label(_norm(text)):
                    return text
                text += " "
            elif isinstance(node.tag, str) and node.text:
                text += node.text
        elif node is not element and node.tail:
            text += node.tail
    return text


def _bare_label(text: str) -> bool:
    """Whether a byline candidate is only its label: "By", "Author", "Publiziert am"."""
    words = text.split()
    return (not _BY.sub("", text + " ").strip() or _key(text) in _NOT_A_NAME
            or (len(words) <= 2 and words[-1].lower() in _DATE_LEAD_WORDS))


def _names_prefix(text: str) -> str:
    """The names at the start of a written-out byline: the text up to the first
    comma-separated part that is not only names, so that a role or place after the name
    goes ("Jane Roe, correspondent in Paris"); ``""`` when the first part is not a name.
    """
    parts = text.split(",")
    for count in range(len(parts), 0, -1):
        head = ",".join(parts[:count]).strip()
        if head and _names_only(head):
            if count > 1 and _place_after_name(parts[0], parts[count - 1]):
                head = ",".join(parts[:count - 1]).strip()
            return head.rstrip(".")
    return ""


def _place_after_name(first: str, last: str) -> bool:
    """Whether the last entry of a written-out byline is the writer's place, as German
    and English bylines write it ("Von Ines Roe, Washington", "By Jane Roe, Paris"):
    one capitalised word (not an acronym, not a wire service such as "Reuters") after a
    name of two words or more."""
    word = last.strip().rstrip(".")
    return (len(first.split()) >= 2 and " " not in word and word[:1].isupper()
            and not word.isupper() and word not in _WIRE_NAMES)


#: Wire services written as one word after a byline's comma ("Jane Roe, Reuters").
_WIRE_NAMES = frozenset(alias for aliases in WIRE_ALIASES.values() for alias in aliases
                        if " " not in alias)
#: Elements whose own text may be a written-out byline.
_TEXT_BYLINE_TAGS = frozenset({"p", "span", "div", "small", "address", "li", "em", "strong",
                               "i", "b", "h4", "h5", "h6"})


def _byline_text(text: str) -> str:
    text = _undoubled(text)
    lead = _BYLINE_LEAD.match(text)
    if lead is not None and not _particle_in_name(lead.group(0), text[lead.end():]):
        text = text[lead.end():]
    return _BYLINE_TAIL.sub("", text)


#: The lead-in of an interviewer's credit ("Ein Interview von", "Gespräch von").
_INTERVIEW_LEAD = re.compile(r"(?i:interview|gespräch)\s+von\s*:?\s+$")
#: Whom the interviewer spoke to: " mit Ann Lee." after the interviewer's name.
_INTERVIEWED = re.compile(r"\s+mit\s+(?=[A-ZÀ-Þ]).*$")


def _after_lead_in(text: str) -> str:
    """A written-out byline without its lead-in (:data:`_TEXT_BYLINE`). After an
    interviewer's credit, "Ein Interview von Jane Roe mit Ann Lee" (German magazines credit
    the interviewer so, and name the one interviewed after "mit"), only the interviewer
    is the writer: the text from "mit" on is cut. ``"Jane Roe"`` for that example."""
    lead = _TEXT_BYLINE.match(text)
    if lead is None:
        return text
    rest = text[lead.end():]
    if _INTERVIEW_LEAD.search(lead.group(0)):
        rest = _INTERVIEWED.sub("", rest)
    return rest


def _undoubled(text: str) -> str:
    """A text written twice in a row once: the visible name and its copy for screen
    readers (``<a>Jane Roe<span class="screen-reader-text">Jane Roe</span></a>``)."""
    half = len(text) // 2
    if len(text) > 3 and text[:half] == text[half:]:
        return text[:half]
    words = text.split()
    half = len(words) // 2
    if len(words) > 1 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _particle_in_name(lead: str, rest: str) -> bool:
    """Whether a matched lead-in is a name with its particle ("Walter von " before
    "Aachen", "Ursula von " before "der Leyen"): capitalised words before a lower-case
    particle, and after it name particles and one capitalised word."""
    words, after = lead.split(), rest.split()
    return (len(words) > 1 and words[-1] in NAME_PARTICLES
            and all(w[:1].isupper() for w in words[:-1])
            and bool(after) and after[-1][:1].isupper()
            and all(w in NAME_PARTICLES for w in after[:-1]))


def _markup_byline_sources(root: lxml.html.HtmlElement) -> list[list[str]]:
    """Byline texts of the markup, one list per kind of evidence in order of trust:
    ``itemprop=author`` (shown names only: a microdata name given only in a ``<meta>`` is
    not a byline the page shows), ``rel=author`` links, elements whose class names an
    author/byline (``author``, ``post-author``, ``byline``, ``vcard fn``), short elements
    whose text is a written-out byline ("Posted by ...", "Von ...", "Par ..."; also an
    "Autor" label element followed by the names, as its tail or the next element), and
    last a lone "By"/"Von" element followed by the names' element; outside comments,
    sidebars, related-story boxes, page footers and hidden elements
    (:func:`_outside_comments`). Of several ``itemprop``/``rel`` matches only
    those in the first one's block (same parent or grandparent) count: later ones are
    bylines of teasers and related links; of class and text matches only the first. The
    caller takes the first list that still names someone after cleaning: a ``rel=author``
    link to the site's own name does not hide the ``vcard`` name next to it."""
    buckets: list[list[str]] = [[], [], [], [], []]
    firsts: list[Any] = [None, None, None, None, None]
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in ("script", "style", "meta"):
            continue
        prop = element.get("itemprop")
        cls = element.get("class")
        if prop and ("author" in (words := prop.lower().split()) or "creator" in words):
            names = [n for n in element.iter() if (n.get("itemprop") or "") == "name"]
            target = names[0] if names else element
            if target.tag == "meta":
                continue  # a name given only to machines: the page shows no byline
            value, index = _first_line(target), 0
        elif tag == "a" and "author" in (element.get("rel") or "").lower().split():
            value, index = _first_line(element), 1
        elif cls and (
            # Every _CLASS_HINT match holds "aut", "by", "wr" or "fn": these substring tests
            # of the lower-cased class are several times faster than that case-blind
            # alternation, which ran on every classed element. Exact: no character but
            # ASCII letters matches those letters case-blind, and none but ASCII capitals
            # lower-case to them.
            "aut" in (lower := cls.lower()) or "by" in lower or "wr" in lower or "fn" in lower
        ) and _CLASS_HINT.search(cls) and any(_author_class(c) for c in cls.split()):
            if any(isinstance(d.tag, str)
                   and any(_author_class(c) for c in (d.get("class") or "").split())
                   and not _bare_label(_norm(d.text_content()))
                   for d in element.iterdescendants()):
                continue  # a wrapper ("byline") around the name's own element
            # (not around a mere label: "<span class=label--authors>Auteur:</span> Jane Roe")
            value, index = _first_line(element), 2
        elif tag in _TEXT_BYLINE_TAGS:
            own = (element.text or "").lstrip(_LEAD_SEPARATORS)
            if not own and len(element) and element[0].tag in ("strong", "b", "em", "span"):
                own = (element[0].text or "").lstrip()  # "<b>Author:</b> Jane Roe"
            # The lead-in word is the element's own text; only then is its whole text built.
            if not own or len(own) > 120 or not _TEXT_BYLINE_LEAD.match(own):
                continue
            value = _first_line(element)
            if not len(element) and _LABEL_ONLY.match(value):
                # a label element before the names: "<h4>Autor</h4><p>Jane Roe</p>",
                # "<span>Autor:</span> Jane Roe<br>", "<span>By</span><span>Jane Roe</span>"
                following = _norm(element.tail)
                if not following:
                    # line breaks between label and names ("<b>Von:</b><br><br>Jane Roe")
                    after = element.getnext()
                    while after is not None and after.tag == "br" and not _norm(after.tail):
                        after = after.getnext()
                    if after is None or not isinstance(after.tag, str):
                        continue
                    following = _norm(after.tail) if after.tag == "br" \
                        else after.text_content()
                index = 4 if _BY_LABEL.search(value) else 3
                value = f"{value.strip(_LEAD_SEPARATORS).rstrip(':')}: {following}"
            else:
                index = 3
            if len(value) > 120 or not _TEXT_BYLINE.match(_norm(value)):
                continue
        else:
            continue
        text = _unescaped(value)
        if text and len(text) <= 120 and _outside_comments(element):
            if index >= 3:  # the lead-in first: "About the Author - Jane Roe"
                text = _names_prefix(_BYLINE_TAIL.sub("", _undoubled(
                    _after_lead_in(_norm(text)))))
            else:
                text = _byline_text(text)
            # a bare label ("By", "Author") does not hide the name in the next element
            if text and len(text) <= 80 and not _bare_label(text):
                if firsts[index] is None:
                    firsts[index] = element
                elif not _same_block(firsts[index], element):
                    continue  # another story's byline (teasers, related links)
                buckets[index].append(text)
    # Class and text matches beyond the first are mostly teaser and box bylines.
    return [bucket[:8] if index < 2 else bucket[:1] for index, bucket in enumerate(buckets)]


#: Words standing for no person: desk and role names.
_NOT_A_NAME = frozenset({
    "staff", "redaktion", "redaction", "rédaction", "editor", "editors", "admin",
    "administrator", "superuser", "unknown", "anonymous", "guest", "newsdesk", "desk",
    "editorialstaff", "staffreporter", "staffwriter", "webredaktion", "onlineredaktion",
    "redazione", "redacción", "redaccion", "szerkesztőség", "author", "authors", "autor",
    "autorin", "auteur", "autore", "writer", "posted", "postedby", "collectif", "noauthor",
    "phd", "md", "msc", "mba", "rd", "dr", "prof", "publisher",
    # "published" lead-ins left when a byline runs into its date
    "published", "veröffentlicht", "publiziert", "publié", "publicado", "pubblicato",
    # "anonymous" in other languages; Swiss "zvg" (zur Verfügung gestellt) credits a
    # picture supplied by others
    "anónimo", "anonimo", "anonyme", "anonym", "zvg",
})
#: A desk word anywhere in a byline name ("Multimedia Redaktion", "Redacción LR",
#: "Online-Redaktion", "Web Desk"): newsroom desks in German, Spanish, French, Italian,
#: Hungarian and English, also as the end of a German compound.
_DESK_WORD = re.compile(r"(?:^|[\s\-/.])(?:\w*redaktion|redacci[oó]n|r[ée]daction|redazione|"
                        r"szerkesztőség|news\s?room|desk)(?=$|[\s\-/.,])", re.IGNORECASE)


def _desk_name(name: str) -> bool:
    """Whether a byline name is a newsroom desk rather than a person: a
    :data:`_DESK_WORD`, or "Staff" placed as desks place it; "Staff" is also a surname
    ("Jörg Staff"), so it counts only when it opens the name ("Staff Writer"), is
    followed by another word ("HLNF Staff Report") or follows only acronyms
    ("CNN Staff")."""
    if _DESK_WORD.search(name):
        return True
    words = name.split()
    return len(words) > 1 and any(
        word.lower() == "staff" and (index == 0 or index < len(words) - 1
                                     or all(w.isupper() for w in words[:index]))
        for index, word in enumerate(words))
#: Social-media handles after a name ("Jane Roe @janeroe").
_HANDLE = re.compile(r"\s*@\w+")
#: Labels in front of a name; credits for pictures are not bylines.
_PICTURE_LABEL = re.compile(r"^(?:foto|fotos|photo|photos|bild|bilder|image|images|grafik|"
                            r"illustration|quelle|source)\b", re.IGNORECASE)
_LABEL = re.compile(r"^[^:]{1,25}:\s+")
#: The role Korean and Japanese bylines write after the name: "신현주 기자" (reporter),
#: "특파원" (correspondent), "記者", "特派員", "編集委員" (senior staff writer).
_ROLE_AFTER = re.compile(r"\s*(?:기자|특파원|記者|特派員|編集委員)$")


def _name_part(part: str) -> str:
    """One name of a split byline: label ("Interview: ", "Author: ") and "By" removed,
    trailing punctuation trimmed (a final period kept after an initial or "Jr."), a
    Korean/Japanese role after the name (:data:`_ROLE_AFTER`) cut; ``""`` for picture
    credits ("Foto: ...")."""
    part = part.strip(" :-|·,")
    if _PICTURE_LABEL.match(part):
        return ""
    part = _LABEL.sub("", part, count=1)
    part = _BY.sub("", part).split("·")[0].strip(" :-|·,")
    part = _ROLE_AFTER.sub("", part)
    if part.endswith(".") and len(part.rsplit(None, 1)[-1]) > 3:
        part = part.rstrip(".")
    return part


#: A trailing word that announces a date, not a name part ("Publiziert am").
_DATE_LEAD_WORDS = frozenset({"am", "on", "le", "el", "il", "um", "at", "de"})
_PARENS = re.compile(r"\s*[(\[][^)\]]{0,40}[)\]]")


def choose_authors(meta: PageMetadata, site: str | None) -> list[str]:
    """Byline names from the first source that yields any after cleaning: JSON-LD
    ``author`` (``@id`` references resolved in the page's ``@graph``), then meta tags
    (:data:`AUTHOR_META`, the Twitter card "Written by" pair), then the markup
    (:func:`_markup_byline_sources`, the first kind that names someone; kept in
    :attr:`PageMetadata.bylines`).
    Authors that are the publisher (any of :func:`publisher_keys`, or a JSON-LD author
    node with the publisher's ``@id``/``url``) fall through to the next source, except on
    a personal site: one whose JSON-LD publisher is a Person, or whose name is that of
    its JSON-LD author typed only ``Person`` (:func:`_site_of_person`). A login handle
    from the metadata gives way to the display name the markup byline shows for it
    (:func:`_shown_names`); a visible byline that names the metadata's authors and more
    gives the co-authors (:func:`_with_coauthors`)."""
    by_id = {node["@id"]: node for node in meta.jsonld_nodes
             if isinstance(node.get("@id"), str)}
    ld_authors = _resolve(meta.ld("author"), by_id)
    personal = _site_of_person(ld_authors, _resolve(meta.ld("publisher"), by_id), site)
    publishers = set() if personal else publisher_keys(meta, site, by_id)
    if not publishers:
        site = None  # a personal site: its name is the author's
    if publishers:
        ld_authors = [a for a in (ld_authors if isinstance(ld_authors, list) else [ld_authors])
                      if not _is_publisher_node(a, meta.ld("publisher"), publishers)]
    from_ld = list(_author_names(ld_authors))
    for raw in (from_ld, _meta_authors(meta)):
        names = clean_authors(raw, site, publishers)
        if names:
            if meta.root is not None and any(
                    _HANDLE_NAME.match(name) or _GIVEN_NAME.match(name) for name in names):
                names = _shown_names(names, meta.root, site, publishers)
            elif meta.root is not None:
                names = _with_coauthors(names, meta.root, site, publishers)
            # names given only to machines (checked on the first three, which bounds
            # the lookups on pages listing hundreds) give way to the next source
            if meta.root is None or any(_on_page(name, meta.root) for name in names[:3]):
                return names
    for source in _page_byline_sources(meta.root) if meta.root is not None else ():
        names = clean_authors(source, site, publishers)
        if names:
            meta.bylines = source
            return names
    meta.bylines = []
    return []


def _page_byline_sources(root: lxml.html.HtmlElement) -> Iterator[list[str]]:
    """The markup's byline texts (:func:`_markup_byline_sources`), then a Chinese editor
    credit (:func:`_editor_credit`), looked up only when the caller asks for it: when no
    byline named anyone."""
    yield from _markup_byline_sources(root)
    yield _editor_credit(root)


#: Text nodes of the body holding a Chinese editor credit (:data:`_EDITOR_CREDIT`).
_EDITOR_CREDIT_TEXTS = etree.XPath(
    "/html/body//text()[contains(., '责任编辑') or contains(., '责编') or "
    "contains(., '責任編輯') or contains(., '責編')][not(ancestor::script)]")
#: The page's ``<body>`` elements, whose text :func:`_editor_credit` checks first.
_BODIES = etree.XPath("/html/body")
#: The editor credit that Chinese news pages close the story with, "责任编辑：焦鹏" or
#: "（责编：牛镛、岳弘彬）" (simplified; "責任編輯", "責編" traditional): the names after the
#: colon, up to a bracket or space.
_EDITOR_CREDIT = re.compile(r"(?:责任编辑|责编|責任編輯|責編)\s*[：:]\s*([^\s()（）\[\]【】]+)")


def _editor_credit(root: lxml.html.HtmlElement) -> list[str]:
    """The names of a Chinese editor credit (:data:`_EDITOR_CREDIT`), ``[]`` when the page
    has none; only the first credit counts. Chinese news sites credit the editor in charge
    of every story so (xinhuanet.com, people.com.cn, sohu.com), often as the only name
    the page gives, and labels take it for the byline. Looked up by libxml2 in one XPath
    (the first three text nodes that hold the word), and only on a page whose body text
    holds "编" or "編", which every form of the word has: one string per page instead of four
    string tests per text node (on the 833 trafilatura and fundus pages, 1.7 → 0.2 ms a
    page)."""
    if not any("编" in (text := body.xpath("string()")) or "編" in text
               for body in _BODIES(root)):
        return []
    for node in _EDITOR_CREDIT_TEXTS(root)[:3]:
        match = _EDITOR_CREDIT.search(str(node))
        if match:
            return [match.group(1)]
    return []


#: A login handle rather than a name: one ASCII word without capitals ("gabor_munier",
#: "christian.stadtfeld", "janeroe"), as CMSs write their user names into metadata.
_HANDLE_NAME = re.compile(r"^(?=[^a-z]*[a-z])[\x21-\x40\x5b-\x7e]+$")
_HANDLE_PARTS = re.compile(r"[._\-]+")
#: A display name of one capitalised word ("Nils"): the first name a CMS account shows
#: when its user filled in no surname.
_GIVEN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+$")


def _shown_names(names: list[str], root: lxml.html.HtmlElement, site: str | None,
                 publishers: set[str]) -> list[str]:
    """``names`` with each login handle (:data:`_HANDLE_NAME`) replaced by the display
    name the page's markup byline shows for it (:func:`_markup_byline_sources`), when one
    spells the same person: the same letters without accents and spaces ("gabor_munier"
    for "Gàbor Muniér", "janeroe" for "Jane Roe"), or every part of the handle between
    dots, underscores and hyphens is a word of the name ("christian.stadtfeld" for
    "Christian P. Stadtfeld"); when no byline shows it, the name the page's text writes
    for it (:func:`_handle_in_text`). A one-word first name (:data:`_GIVEN_NAME`) gives way to
    a shown name of two to four words that begins with it ("Nils" for "Nils Pickert").
    Labels and readers follow the shown name."""
    shown = [name for source in _markup_byline_sources(root)
             for name in clean_authors(source, site, publishers)]
    out: list[str] = []
    for name in names:
        if _GIVEN_NAME.match(name):
            name = next((display for display in shown if 2 <= len(display.split()) <= 4
                         and display.split()[0] == name), name)
        elif _HANDLE_NAME.match(name):
            handle = _folded(name)
            parts = [_folded(p) for p in _HANDLE_PARTS.split(name) if p]
            for display in shown:
                words = [_folded(w) for w in display.split()]
                if " " in display and (handle == "".join(words) or (
                        len(parts) > 1 and all(p in words for p in parts))):
                    name = display
                    break
            else:
                name = _handle_in_text(name, root) or name
        if name not in out:
            out.append(name)
    return out


#: Most text nodes searched for a handle's written-out name.
_MAX_HANDLE_NODES = 20


def _handle_in_text(handle: str, root: lxml.html.HtmlElement) -> str | None:
    """The name a login handle of two or three parts stands for, as the page's text writes
    it: the parts capitalised, in the handle's order, with middle initials allowed between
    them ("christian.stadtfeld" for "Christian P. Stadtfeld" in a caption), outside
    JSON-LD; ``None`` when the text has no such name. A handle of one part could match
    any word, so it is not looked up."""
    parts = [p for p in _HANDLE_PARTS.split(handle) if p]
    if not 2 <= len(parts) <= 3 or not all(p.isalpha() for p in parts):
        return None
    pattern = re.compile(r"\b" + r"(?:\s+[A-Z]\.)*\s+".join(
        re.escape(p.capitalize()) for p in parts) + r"\b")
    try:
        nodes = _SHOWN_TEXTS_WITH(root, name=parts[-1].capitalize())[:_MAX_HANDLE_NODES]
    except (UnicodeEncodeError, ValueError):
        return None
    for node in nodes:
        match = pattern.search(str(node))
        if match:
            return _norm(match.group(0))
    return None


#: Text nodes of the body that contain ``$name``.
_TEXT_WITH = etree.XPath("/html/body//text()[contains(., $name)]")
#: The same outside JSON-LD blocks.
_SHOWN_TEXTS_WITH = etree.XPath(
    "/html/body//text()[contains(., $name)][not(parent::script[contains(@type, 'ld+json')])]")
#: The first of :data:`_SHOWN_TEXTS_WITH`, if any.
_SHOWN_TEXT_WITH = etree.XPath(
    "(/html/body//text()[contains(., $name)]"
    "[not(parent::script[contains(@type, 'ld+json')])])[1]")


def _on_page(name: str, root: lxml.html.HtmlElement) -> bool:
    """Whether a byline name from JSON-LD or meta tags occurs in the page's body outside
    JSON-LD: in its text, or in the data its scripts render the byline from. Checked as
    written, in capitals (CSS ``text-transform`` bylines are often capitalised in the
    HTML) and as its last word (a byline may add a middle initial).

    A name that occurs nowhere else is given to machines only: the ``<meta
    name="author">`` that a theme or site owner fills in for every page (the web designer,
    the site's owner), or the CMS account that published a story the page credits to no
    one. Readers see no byline, and labels made from the page give none. Pages without a
    ``<body>`` keep the name."""
    if root.find("body") is None:
        return True
    words = name.split()
    # the name as written holds its last word, so the last word alone is looked up
    for text in dict.fromkeys((words[-1] if words else name, name.upper())):
        try:
            if _SHOWN_TEXT_WITH(root, name=text):
                return True
        except (UnicodeEncodeError, ValueError):
            return True  # a name libxml2 cannot take: no evidence either way
    return False


#: Ancestors of a name's text node searched for its byline element.
_BYLINE_LEVELS = 3


def _with_coauthors(names: list[str], root: lxml.html.HtmlElement, site: str | None,
                    publishers: set[str]) -> list[str]:
    """``names`` from the metadata, or the visible byline that names them and more.

    CMSs often put only the first of several writers into JSON-LD and meta tags, while the
    byline shown names all ("von Jane Roe, John Doe"). The first name's text node in the
    body is looked up by libxml2 (one XPath, no Python walk); its element or one of
    :data:`_BYLINE_LEVELS` ancestors of at most 120 characters that is a byline (an
    author/byline class or ``itemprop=author`` on it or above it, or a written-out lead-in
    such as "By"/"Von") and reads as a list of names wins when, after
    :func:`clean_authors`, it holds every metadata name and more."""
    keys = {_key(name) for name in names}
    try:
        nodes = _TEXT_WITH(root, name=names[0])[:3]
    except (UnicodeEncodeError, ValueError):
        return names  # a name libxml2 cannot take (lone surrogates, NUL)
    for node in nodes:
        element = node.getparent()
        if element is not None and getattr(node, "is_tail", False):
            element = element.getparent()
        for _ in range(_BYLINE_LEVELS):
            if element is None or element.tag in ("body", "html"):
                break
            value = _norm(element.text_content())
            if len(value) > 120:
                break
            text = _byline_text(_TEXT_BYLINE.sub("", value, count=1))
            shown = clean_authors([_names_prefix(text)], site, publishers)
            if len(shown) > len(names) and keys <= {_key(n) for n in shown} and (
                    _marked_byline(element) or _TEXT_BYLINE.match(value)) \
                    and _outside_comments(element):
                return shown
            element = element.getparent()
    return names


def _marked_byline(element: lxml.html.HtmlElement) -> bool:
    """Whether an element or one of its two parents is marked as a byline: an
    author/byline class (:data:`_AUTHOR_CLASS`) or ``itemprop=author``."""
    for node in (element, *itertools.islice(element.iterancestors(), 2)):
        if "author" in (node.get("itemprop") or "").lower().split() or any(
                _author_class(c) for c in (node.get("class") or "").split()):
            return True
    return False


def _folded(text: str) -> str:
    """Lower-case letters and digits of ``text`` without accents (``"Muniér"`` →
    ``"munier"``)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(ch))
    return _key(plain)


def _site_of_person(ld_authors: Any, publisher: Any, site: str | None) -> bool:
    """Whether the site is named after its JSON-LD author: a node typed only ``Person``
    whose name is the site name ("Wolfgang Schmale" on wolfgangschmale.eu; Yoast SEO
    writes such a Person for a blogger's own site), while no JSON-LD ``publisher`` node
    carries that name (news sites that type their own name as the author's Person,
    "Euronews" with publisher Organization "Euronews", are publishers). A Yoast node
    typed Person and Organization is handled by :func:`publisher_keys` when it is also
    the publisher."""
    site_key = _key(site) if site else ""
    if not site_key or any(_key(name) == site_key for name in _author_names(publisher)):
        return False
    nodes = ld_authors if isinstance(ld_authors, list) else [ld_authors]
    return any(
        isinstance(node, dict) and _types_of(node) == {"person"}
        and any(_key(name) == site_key for name in _author_names(node)) for node in nodes)


def _is_publisher_node(node: Any, publisher: Any, keys: set[str]) -> bool:
    """Whether a JSON-LD author node that is not a Person is the publisher: the same
    ``@id`` or ``url`` as the ``publisher`` node, or an ``@id``/``url`` that is the
    site's home page (its own host, no path, query or fragment)."""
    if not isinstance(node, dict) or "person" in _types_of(node):
        return False
    refs = {node.get("@id"), node.get("url")} - {None, ""}
    pubs = publisher if isinstance(publisher, list) else [publisher]
    for pub in pubs:
        if isinstance(pub, dict) and refs & ({pub.get("@id"), pub.get("url")} - {None, ""}):
            return True
    for ref in refs:
        if isinstance(ref, str):
            parts = urlsplit(ref)
            host = (parts.hostname or "").removeprefix("www.")
            if host and _key(host) in keys and not (parts.path.strip("/") or parts.query
                                                    or parts.fragment):
                return True
    return False


def _resolve(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> Any:
    """Replace ``{"@id": ...}`` references (without a name) by the node they point at."""
    if depth > 3:
        return value
    if isinstance(value, list):
        return [_resolve(v, by_id, depth + 1) for v in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value
