"""Main text with trafilatura 2.3.1.

Settings (measured on the AEB development split, 111 pages, mean per-page 4-gram F1; run
``benchmarks/score_extract.py``):

=========================================================  ======
trafilatura.extract defaults                               0.942
``fast=True`` (trafilatura's published setting)            0.954
``include_comments=False``                                  0.958
``favor_precision=True``                                    0.958
``include_comments=False, favor_precision=True`` (ours)     0.969
=========================================================  ======

Reader comments are not part of an article, and news templates surround the story with
teasers that the precision mode drops. The pass runs without trafilatura's comparison
with readability and jusText first, and again with it only when its text is short
(:data:`COMPARE_BELOW_CHARS`): the comparison rarely changes a long text and is 40 % of
trafilatura's time. What the precise pass loses is won back in these
ways, none of which runs a second trafilatura pass on an ordinary page:

* empty inline elements (icon fonts) are unwrapped first, because the precision mode
  deletes them together with the words after them (:func:`unwrap_empty_inline`), and
  ruby annotations become their plain-text fallback, because trafilatura breaks the
  line around them (:func:`flatten_ruby`);
* when the precise pass returns less than :data:`MIN_CHARS` characters, a recall pass is
  run and kept if it is longer; when it returns less than a share of the text the page
  marks as its article body (JSON-LD ``articleBody``, ``itemprop=articleBody``, the only
  ``<article>``; :func:`marked_body`), a wider pass is run and its lines are kept only
  when they lie inside that marked text;
* when the recall pass is short too, the story's HTML held in the page's script data
  (script-rendered sites) is extracted instead (:func:`script_text`);
* paragraphs and subheadings skipped between kept paragraphs are restored
  (:func:`fill_gaps`);
* the lead (standfirst) that templates show under the headline, which extractors drop
  with teaser boxes, is put first when it opens with the page's description
  (:func:`find_lead`) or sits in an element classed as a lead (:func:`find_marked_lead`).

Table rows keep trafilatura's ``| a | b |`` form without the separators of empty cells.
"""

from __future__ import annotations

import copy
import html
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.etree
import lxml.html

__all__ = ["MAX_PASS_ELEMENTS", "MAX_WIDEN_CHARS", "MAX_WIDEN_PARAGRAPHS", "MIN_CHARS",
           "element_count", "extract_text", "flatten_ruby", "paragraph_count",
           "unwrap_empty_inline"]

#: Below this many characters the precise pass is distrusted and a recall pass is tried.
MIN_CHARS = 250
#: trafilatura's own pass is run first without its comparison with readability and
#: jusText (``fast=True``); only a text shorter than this many characters is extracted
#: again with the comparison. The comparison replaces trafilatura's text only when it
#: finds much more text elsewhere or the text has no paragraphs, which is what a short
#: text suggests: on the trafilatura and fundus sets (833 pages) it changed 39 of the
#: 112 texts under 1,000 characters, 3 of 106 between 1,000 and 2,000, and 7 of the 615
#: longer ones (one by more than a fifth). It is 40 % of trafilatura's time.
COMPARE_BELOW_CHARS = 2000
#: Most elements of a page (or of the marked article element, for the wider pass) on
#: which trafilatura runs a second or third time: the comparison pass, the recall pass
#: and the wider pass are skipped beyond it and the first pass's text is kept. The
#: largest of the 1,606 pages of ``../shared/corpora`` has 10,106 elements, and the
#: largest the wider pass ran on 1,361; each pass over a page of 15,000 to 30,000
#: elements (:data:`newsarchive.extract.MAX_ELEMENTS` refuses more) costs 0.5 to 4 s
#: (measured: 14,000 headings, 4.3 s in the wider pass; 9,000 linked sentences, three
#: passes), so hostile pages get one pass.
MAX_PASS_ELEMENTS = 15_000
#: Longest marked text (characters) the wider pass runs on: the longest that it changed
#: on the corpora is 424,000 (a JSON-LD ``articleBody``); a long read is under 100,000.
#: Beyond it the pass costs seconds on one text node (a 1 MB ``<time>``: 1.5 s).
MAX_WIDEN_CHARS = 500_000
#: Most ``<p>`` elements the wider pass runs on. Its recall run falls back to jusText,
#: whose paragraph revision walks to the neighbours of each short paragraph, so the cost
#: grows with the square of a run of short paragraphs (measured: 7,480 dated one-line
#: paragraphs under 15,000 elements, 21 s in that walk). The wider pass ran on at most
#: 1,361 elements on the corpora.
MAX_WIDEN_PARAGRAPHS = 2_000

_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
# Separators of empty table cells: "| |", "| | |" (trafilatura writes rows as "| a | b |").
_EMPTY_CELLS = re.compile(r"\|(?:\s*\|)+")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


#: Inline elements that trafilatura's precision mode deletes when they are empty, and
#: with them the text that follows them (``trafilatura.htmlprocessing.prune_html`` drops
#: the tail of empty ``CUT_EMPTY_ELEMS`` when ``focus == "precision"``).
_EMPTY_INLINE = ("b", "em", "i", "q", "span", "strong")


def unwrap_empty_inline(root: Any) -> int:
    """Remove empty inline elements from an lxml tree in place, keeping the text after them.

    Icon fonts put an empty ``<span class="icon">`` or ``<i class="fa …">`` in front of
    link text (``<a><span class="icon"></span>dehne der Beton sich aus</a>``).
    trafilatura's precision mode deletes such empty elements together with their tail, so
    the words after the icon vanish from the middle of a sentence. Unwrapping them first
    keeps the words; the element had no text of its own to lose.

    Args:
        root: an ``lxml.html`` element (changed in place).

    Returns:
        The number of elements removed.
    """
    empty = [
        element for element in root.iter(*_EMPTY_INLINE)
        if element.text is None and len(element) == 0 and element.tail and element.tail.strip()
        and element.getparent() is not None
    ]
    for element in empty:
        element.drop_tag()
    return len(empty)


def flatten_ruby(root: Any) -> int:
    """Replace each ``<ruby>`` annotation of an lxml tree by its text, in place.

    Ruby (HTML standard, ``<ruby>``/``<rb>``/``<rt>``/``<rp>``) sets a reading above its
    base text, mostly in Japanese and Chinese news (``<ruby>尹錫悦<rp>（</rp><rt>ユンソンニョル
    </rt><rp>）</rp></ruby>``). trafilatura drops the ``<rt>`` reading and breaks the line
    before and after the base, cutting the sentence into three paragraphs. The element
    becomes the text a browser without ruby support shows, which keeps the sentence
    whole: base and reading in the standard's ``<rp>`` fallback parentheses
    (``尹錫悦（ユンソンニョル）``), or the base alone when the page gives no ``<rp>``
    (base and reading would run together).

    Args:
        root: an ``lxml.html`` element (changed in place).

    Returns:
        The number of ``<ruby>`` elements replaced.
    """
    done = 0
    parents: dict[int, Any] = {}
    for ruby in list(root.iter("ruby")):
        parent = ruby.getparent()
        if parent is None:  # inside a ruby replaced before
            continue
        parents[id(parent)] = parent
        if ruby.find("rp") is None:
            # no fallback given: such a browser shows base and reading run together
            # ("子こども"), so only the base is kept
            for reading in list(ruby.iter("rt")):
                reading.drop_tree()
        text = ruby.text_content()
        ruby.clear(keep_tail=True)
        ruby.text = text
        done += 1
    if done:
        # One pass in libxml2 instead of a drop_tag() each, which copied the parent's
        # growing text again every time (quadratic: 25,000 rubies in a paragraph, 6 s).
        lxml.etree.strip_tags(root, "ruby")
        for parent in parents.values():  # merge the text nodes left side by side
            parent.text = parent.text  # noqa: PLW0127 (the assignment merges them)
            for child in parent:
                child.tail = child.tail  # noqa: PLW0127
    return done


def _run(document: Any, url: str | None, **options: Any) -> str:
    import trafilatura

    if not isinstance(document, str):
        # trafilatura prunes the tree it is given: work on a copy, which is much cheaper
        # than parsing the page again.
        document = copy.deepcopy(document)
        unwrap_empty_inline(document)
        flatten_ruby(document)
    try:
        text = trafilatura.extract(
            document, url=url, include_comments=False, include_images=False,
            include_links=False, output_format="txt", with_metadata=False, **options,
        )
    except Exception:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup
        return ""
    return text or ""


def _table_row(line: str) -> str:
    """A table row as trafilatura writes it ("| a | | b |"), without its empty cells.

    Returns ``""`` for a row whose cells are all empty (layout rows, blank calendar days).
    """
    row = _EMPTY_CELLS.sub("|", line)
    return "" if row.strip("| ") == "" else row


def _tidy(text: str) -> str:
    """Spaces collapsed, blank lines and empty table cells removed."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    lines = (_table_row(line) if line.startswith("|") else line for line in lines)
    return "\n".join(line for line in lines if line)


#: A description shorter than this (characters) is too generic to identify a lead.
MIN_LEAD_CHARS = 40
#: How many leading characters of the description must open the lead element's text;
#: descriptions are often cut short ("…") by the CMS, so only a prefix is compared.
_LEAD_PROBE = 60
_DESCRIPTION = (
    "/html/head/meta[@property='og:description' or @name='og:description'"
    " or @name='description' or @name='twitter:description']/@content"
)
#: Block elements a lead paragraph is written in.
_LEAD_BLOCKS = frozenset(
    ("p", "div", "section", "header", "h2", "h3", "h4", "h5", "h6", "li", "td", "blockquote")
)
#: A lead inside one of these is a link or page chrome, not the article's standfirst.
_NOT_LEAD = frozenset(
    ("a", "nav", "footer", "aside", "form", "button", "script", "noscript", "style",
     "template", "title", "head", "select", "option", "textarea")
)
_CUT_MARK = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")


def _squash(text: str) -> str:
    return " ".join(text.split())


def find_lead(root: Any, body: str) -> str | None:
    """The article's lead (standfirst) paragraph when the page shows it and ``body`` lacks it.

    Extractors drop the lead that news and blog templates set between the headline and
    the text (``class="intro"``, ``"teaser"``, ``"article-lead"``, …), because the same
    classes mark teaser boxes of other stories. The page's own description
    (``og:description``, ``<meta name="description">``, ``twitter:description``) tells the
    two apart: publishers fill it with the lead, so a block of the page whose text opens
    with the description is this article's lead. It is only taken when it is short
    (at most ``2 × description + 400`` characters, i.e. a paragraph and not the whole
    article container) and does not sit inside a link, navigation, footer, aside or form.

    Args:
        root: the page's lxml tree (not changed).
        body: the text extracted so far, one paragraph per line (str).

    Returns:
        The lead as one whitespace-normalized line (str), or None when the page has no
        usable description, does not show it, or ``body`` already holds it (the whole
        description or the whole lead; a body that only opens with the lead's first
        sentence, as stories often repeat it, does not).
    """
    if not body:
        return None
    flat = body.replace("\n", " ")  # lines are already whitespace-normalized
    page_body = root.find("body")
    if page_body is None:
        return None
    # The longest of og:description, description and twitter:description: the others
    # are often shortened copies of it.
    description = max((_squash(d) for d in root.xpath(_DESCRIPTION)), key=len, default="")
    description = _CUT_MARK.sub("", description)
    if len(description) < MIN_LEAD_CHARS:
        return None
    probe = description[:_LEAD_PROBE]
    if description in flat:
        return None
    lead = _shown_lead(page_body, description, probe)
    return None if lead is None or lead in flat else lead


def _shown_lead(body: Any, description: str, probe: str) -> str | None:
    """The text of the block under ``body`` that opens with ``probe``; see :func:`find_lead`."""
    words = probe.split()
    # The first words usually sit in one text node; whole-tree text search would be slow.
    needle = " ".join(words[:3]) if len(words) > 3 else probe
    for node in body.xpath(".//text()[contains(., $w)]", w=needle):
        element = node.getparent()
        while element is not None and element.tag not in _LEAD_BLOCKS:
            element = element.getparent()
        if element is None or any(a.tag in _NOT_LEAD for a in element.iterancestors()):
            continue
        lead = _squash(element.text_content())
        if lead.startswith(probe) and len(lead) <= 2 * len(description) + 400:
            return lead
    return None


#: Class-name words that templates give the lead (standfirst) under the headline.
_LEAD_CLASS_WORDS = frozenset(
    ("lead", "intro", "teaser", "standfirst", "summary", "excerpt", "abstract", "dek",
     "subtitle", "subline", "chapo", "sapo", "entradilla", "bajada", "lede")
)
#: The lead is looked for among this many elements after the ``<h1>`` (document order):
#: templates put only the byline, date and share buttons between headline and lead.
_LEAD_WINDOW = 40
_CLASS_SPLIT = re.compile(r"[\s_-]+")
#: Longest text taken as a lead found by its class (characters).
MAX_MARKED_LEAD = 1000


def find_marked_lead(root: Any, body: str) -> str | None:
    """The lead shown under the headline in an element classed as one, when ``body`` lacks it.

    News and blog templates put the standfirst right after the ``<h1>`` in an element
    whose class names it (``article-lead``, ``a-lead``, ``intro``, ``teaser``,
    ``standfirst``, ``summary``, ``chapo`` in French, ``entradilla`` in Spanish, …);
    trafilatura drops it with teaser boxes. Only the first element after the page's
    first ``<h1>`` (within :data:`_LEAD_WINDOW` elements, and before the first ``<p>``
    of ``body``: a lead stands between headline and story, teasers come after the story)
    whose class has one of :data:`_LEAD_CLASS_WORDS` as a word counts, and only when
    its text is 40 to
    :data:`MAX_MARKED_LEAD` characters, ends like a sentence, is not inside a link,
    navigation, footer, aside or form, and is not in ``body`` already.

    Args:
        root: the page's lxml tree (not changed).
        body: the text extracted so far, one paragraph per line (str).

    Returns:
        The lead as one whitespace-normalized line (str), or None.
    """
    if not body:
        return None
    heading = next(root.iter("h1"), None)
    if heading is None:
        return None
    flat = body.replace("\n", " ")
    for element in heading.xpath("following::*[position() <= $n]", n=_LEAD_WINDOW):
        if element.tag == "p":
            text = _squash(element.text_content())
            if len(text) >= MIN_HELD_CHARS and text in flat:
                return None  # the story has begun: whatever follows is no lead
        words = set(_CLASS_SPLIT.split((element.get("class") or "").lower()))
        if not words & _LEAD_CLASS_WORDS:
            continue
        lead = _squash(element.text_content())
        if (
            not MIN_LEAD_CHARS <= len(lead) <= MAX_MARKED_LEAD
            or lead[-1] not in _PROSE_END
            or any(a.tag in _NOT_LEAD for a in element.iterancestors())
            or lead in flat
        ):
            return None
        return lead
    return None


#: The precise pass is re-checked when it returns less than this share of the text the
#: publisher marks as the article body (JSON-LD ``articleBody``, ``itemprop=articleBody``).
#: The precise pass keeps 0.8-1.0 of it on ordinary pages; below one half it has cut real
#: paragraphs (typically a block it took for a teaser or a link list).
MARKED_BODY_SHARE = 0.5
#: The same for a page's only ``<article>`` element, whose text also holds the headline,
#: bylines, share buttons and related links, so only a much shorter result is suspect
#: (development split: 13 of 944 pages fall between 0.2 and 0.3 of it, and widening them
#: gained one snippet; the wider pass costs as much as a page's first pass).
ARTICLE_SHARE = 0.2
_TAG = re.compile(r"<[^>]+>")


def _comparable(text: str) -> str:
    """Text reduced for containment tests: NFC, no soft hyphens, no whitespace at all.

    Markup removed from an HTML ``articleBody`` leaves spaces where the page has none
    ("Llosa</strong>." becomes "Llosa ."), so spacing is not compared.
    """
    return "".join(unicodedata.normalize("NFC", text).replace("\u00ad", "").split())


def _walk_json(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 8:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _walk_json(value, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _walk_json(value, depth + 1)


def jsonld_article_body(root: Any) -> str:
    """The longest JSON-LD ``articleBody`` of the page as plain text (``""`` when none).

    ``articleBody`` (schema.org) is the publisher's own statement of the article's text;
    some CMSs write it as HTML, so tags are removed and character references decoded.
    """
    best = ""
    for script in root.iter("script"):
        source = script.text or ""
        if "articleBody" not in source or "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(source, strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _walk_json(data):
            value = node.get("articleBody")
            if isinstance(value, str) and len(value) > len(best):
                best = value
    return _squash(html.unescape(_TAG.sub(" ", best))) if best else ""


def _text_length(element: Any) -> int:
    """Length of the element's whitespace-normalized text, computed by libxml2."""
    return int(element.xpath("string-length(normalize-space(.))"))


def _marked(root: Any) -> tuple[str, Any, float]:
    """What the page marks as its article body, strongest source first (see
    :func:`marked_body`).

    Returns:
        ``(text, None, share)`` for a JSON-LD ``articleBody``; ``("", element, share)``
        for a marked element, whose text is left for the caller to build (a length test
        can run in libxml2); ``("", None, 1.0)`` when the page marks nothing.
    """
    text = jsonld_article_body(root)
    if text:
        return text, None, MARKED_BODY_SHARE
    marked = root.xpath("//*[@itemprop='articleBody']")
    if marked:
        return "", max(marked, key=_text_length), MARKED_BODY_SHARE
    articles = root.xpath("//article")
    if len(articles) == 1:
        return "", articles[0], ARTICLE_SHARE
    return "", None, 1.0


def marked_body(root: Any) -> tuple[str, float]:
    """The text the page marks as its article body, and the share that makes a pass short.

    Sources, strongest first: JSON-LD ``articleBody``; the longest
    ``itemprop="articleBody"`` element (schema.org microdata); the page's ``<article>``
    element when there is exactly one (HTML: "a complete, self-contained composition").

    Returns:
        ``(text, share)``: whitespace-normalized text (``""`` when the page marks nothing)
        and :data:`MARKED_BODY_SHARE` or, for ``<article>``, :data:`ARTICLE_SHARE`.
    """
    text, element, share = _marked(root)
    return (text if element is None else _squash(element.text_content())), share


def _widen(document: Any, url: str | None, text: str) -> str:
    """``text``, or a wider pass inside the marked body when ``text`` is short of it.

    The pass is skipped (``text`` kept) when what it would run on is beyond its bounds:
    more than :data:`MAX_PASS_ELEMENTS` elements or :data:`MAX_WIDEN_PARAGRAPHS` ``<p>``
    (the marked element, or the page for a JSON-LD ``articleBody``) or more than
    :data:`MAX_WIDEN_CHARS` characters of marked text.
    """
    container, element, share = _marked(document)
    if element is None:
        if len(text) >= share * len(container):
            return text
        if (len(container) > MAX_WIDEN_CHARS or element_count(document) > MAX_PASS_ELEMENTS
                or paragraph_count(document) > MAX_WIDEN_PARAGRAPHS):
            return text
    else:
        # the length test runs in libxml2; the text is only built for the few short pages
        length = _text_length(element)
        if len(text) >= share * length:
            return text
        if (length > MAX_WIDEN_CHARS or element_count(element) > MAX_PASS_ELEMENTS
                or paragraph_count(element) > MAX_WIDEN_PARAGRAPHS):
            return text
        container = _squash(element.text_content())
        # Only the marked element is given to the wider pass: its lines lie inside by
        # construction, and trafilatura works on a fraction of the page.
        document = _alone(element)
    return _recall_within(document, url, text, container)


#: Elements of a tree (the element itself and its descendants), counted in libxml2.
_ELEMENT_COUNT = lxml.etree.XPath("count(descendant-or-self::*)")


def element_count(element: Any) -> int:
    """Number of elements in ``element``'s tree (itself included), counted in libxml2 (no
    Python object per element)."""
    return int(_ELEMENT_COUNT(element))


_PARAGRAPH_COUNT = lxml.etree.XPath("count(descendant-or-self::p)")


def paragraph_count(element: Any) -> int:
    """Number of ``<p>`` elements in ``element``'s tree (itself included), counted in
    libxml2 (no Python object per element)."""
    return int(_PARAGRAPH_COUNT(element))


def _alone(element: Any) -> Any:
    """A new ``<html><body>`` document holding a copy of ``element``."""
    page = lxml.html.Element("html")
    body = lxml.html.Element("body")
    page.append(body)
    body.append(copy.deepcopy(element))
    body[0].tail = None
    return page


def _recall_within(document: Any, url: str | None, text: str, container: str) -> str:
    """A recall pass, keeping its lines that are already in ``text`` or lie in ``container``."""
    wider = _tidy(_run(document, url))
    if len(wider) <= len(text):
        return text
    have = set(text.split("\n"))
    inside = _comparable(container)
    kept = [line for line in wider.split("\n") if line in have or _comparable(line) in inside]
    result = "\n".join(kept)
    return result if len(result) > len(text) else text


#: A paragraph restored between kept paragraphs needs at least this many words: shorter
#: ``<p>`` elements inside an article are labels, credits and button texts.
MIN_GAP_WORDS = 5
#: ... and at most this share of its characters inside links: a paragraph that is one
#: link is a teaser of another story ("Read more: …"), not prose that cites a source.
MAX_GAP_LINK_SHARE = 0.5
#: A ``<p>`` inside one of these is not part of the running text.
_NOT_PROSE = frozenset(
    ("a", "nav", "footer", "aside", "form", "button", "figure", "figcaption", "header",
     "noscript", "template", "select", "option", "textarea", "li", "table")
)


#: Characters that end a paragraph of prose (full stop, question and exclamation marks,
#: ellipsis, closing quotes; CJK full-width forms). Captions end in a credit, labels in
#: a word.
_PROSE_END = frozenset(".!?…\"”’»“。！？")
#: A paragraph counts as held by the text when its first and last this many characters are.
_HELD_PROBE = 40


#: A ``<p>`` shorter than this (characters) is no anchor: its text is found anywhere.
MIN_HELD_CHARS = 20


#: ``<div>`` elements that hold text and only phrasing elements (links, spans, emphasis,
#: line breaks), in page order: the paragraphs of templates that write no ``<p>``
#: (``<div><span>…</span><a>…</a></div>``). Evaluated in libxml2.
_DIV_PARAGRAPHS = lxml.etree.XPath(
    "//div[not(*[not(self::a or self::span or self::strong or self::em or self::b"
    " or self::i or self::u or self::br or self::sup or self::sub or self::mark"
    " or self::abbr or self::cite or self::q or self::small)])][normalize-space()]"
)


def _wrapper(element: Any) -> tuple[str, str]:
    """Tag and class of the element's parent: the wrapper a CMS renders a text block in."""
    parent = element.getparent()
    return ("", "") if parent is None else (str(parent.tag), parent.get("class") or "")


#: Levels of ancestors of a paragraph compared by :func:`_template`.
_TEMPLATE_LEVELS = 3


def _template(element: Any) -> tuple[tuple[str, str], ...] | None:
    """Tag and class of the element's first :data:`_TEMPLATE_LEVELS` ancestors, or None
    when none of them has a class (bare ``<div>`` nests are no template).

    Templates that part a long story into chunks (an ad or a teaser box between them)
    render each chunk in the same nest of classed containers, so a paragraph with the
    same nest as the story's last one continues it.
    """
    levels: list[tuple[str, str]] = []
    for ancestor in element.iterancestors():
        levels.append((str(ancestor.tag), ancestor.get("class") or ""))
        if len(levels) == _TEMPLATE_LEVELS:
            break
    return tuple(levels) if any(cls for _tag, cls in levels) else None


_LAST_HEADLINE = lxml.etree.XPath("preceding::h1[1]")


def _place(element: Any) -> tuple[Any, Any]:
    """The ``<article>`` holding the element and the last ``<h1>`` before it (each None
    when there is none): a chunk of the same story shares both, the next story of a page
    has a headline or an ``<article>`` of its own."""
    article = next(element.iterancestors("article"), None)
    headline = _LAST_HEADLINE(element)
    return article, headline[0] if headline else None


def _common_ancestor(first: Any, last: Any) -> Any:
    """The innermost element that contains both ``first`` and ``last`` (lxml elements)."""
    above = set(first.iterancestors())
    return next((a for a in last.iterancestors() if a in above), None)


def _link_text(element: Any) -> str:
    """The text of the links inside ``element``, whitespace-normalized, space-joined."""
    return " ".join(_squash(a.text_content()) for a in element.iter("a"))


#: Characters that end a teaser's label in front of its link ("Read more:", "Mehr |",
#: "Lire aussi »", "WATCH –").
_LABEL_END = frozenset(":|»›>–—-•")


def _link_inside(para: str, element: Any) -> bool:
    """True when the links of ``<p>`` ``element`` (text ``para``) stand inside its sentence.

    The paragraph opens with words of its own that are no label (they do not end in
    :data:`_LABEL_END`) and goes on after its last link ("It also <a>co-ordinates
    military plans</a>.", "According to Nato, <a>every country …</a>."). A teaser puts
    its link last, after a label ("Lesen Sie auch: <a>…</a>"), or is the link alone.
    """
    links = [text for text in (_squash(a.text_content()) for a in element.iter("a")) if text]
    if not links:
        return False
    before = para[:max(para.find(links[0]), 0)].rstrip()
    return (
        any(char.isalnum() for char in before)
        and before[-1] not in _LABEL_END
        and not para.endswith(links[-1])
    )


def _links_cite(para: str, element: Any) -> bool:
    """True when the links of ``<p>`` ``element`` (text ``para``) cite sources in prose.

    At most :data:`MAX_GAP_LINK_SHARE` of the characters are link text, or at least
    :data:`MIN_GAP_WORDS` words stand outside the links, or the links stand inside the
    sentence (:func:`_link_inside`): a teaser is a link with a short label ("Read
    more:", "Lesen Sie auch:", "À lire aussi :", at most four words) put in front of
    it, while a sentence that links part of itself keeps its own words around the link.
    """
    links = _link_text(element)
    return (
        len(links) <= MAX_GAP_LINK_SHARE * len(para)
        or len(para.split()) - len(links.split()) >= MIN_GAP_WORDS
        or _link_inside(para, element)
    )


def _prose(para: str, element: Any) -> bool:
    """True when ``<p>`` ``element`` (text ``para``) reads as a paragraph of running text."""
    return (
        len(para.split()) >= MIN_GAP_WORDS
        and para[-1] in _PROSE_END
        and _links_cite(para, element)
        and next(element.iter("script", "style"), None) is None
        and not any(a.tag in _NOT_PROSE for a in element.iterancestors())
    )


#: Subheading elements restored between kept paragraphs (``<h1>`` is the headline).
_SUBHEADINGS = ("h2", "h3", "h4")
#: A subheading has at most this many words; longer headings are teasers' titles.
MAX_SUBHEADING_WORDS = 15


def _subheading(text: str, element: Any) -> bool:
    """True when heading ``element`` (text ``text``) is a subheading of the running text.

    It has at most :data:`MAX_SUBHEADING_WORDS` words, no link (a linked heading is a
    teaser's title), is not inside page chrome (:data:`_NOT_PROSE`, which includes
    ``<header>``), and the element right after it is a ``<p>``: a subheading opens the
    paragraphs under it.
    """
    following = element.getnext()
    return (
        len(text.split()) <= MAX_SUBHEADING_WORDS
        and next(element.iter("a"), None) is None
        and following is not None
        and following.tag == "p"
        and not any(a.tag in _NOT_PROSE for a in element.iterancestors())
    )


def _blocks(
    elements: Iterable[Any], flat: str,
) -> tuple[list[tuple[str, bool, Any]], dict[str, int], list[int]]:
    """The text blocks of ``elements`` for :func:`fill_gaps`.

    Returns:
        ``(paragraphs, seen, held_at)``: ``(text, held, element)`` for each block with
        text, how often each text occurs, and the indexes of the blocks that ``flat`` (the
        extracted text on one line) holds.
    """
    paragraphs: list[tuple[str, bool, Any]] = []
    seen: dict[str, int] = {}
    held_at: list[int] = []
    after = 0  # where the last block found in ``flat`` ends
    for element in elements:
        para = _squash(element.text_content())
        if not para:
            continue
        seen[para] = seen.get(para, 0) + 1
        held = False
        if element.tag not in _SUBHEADINGS and len(para) >= MIN_HELD_CHARS:
            # the text keeps the page's order: the block is looked for after the last one
            # first (a search from the start each time was quadratic: 2.7 s of 6.4 for
            # 20,000 blocks), then in the text before that
            at = flat.find(para, after)
            if at < 0:
                at = flat.find(para, 0, after + len(para) - 1)
            if at >= 0:
                held, after = True, at + len(para)
            else:
                # trafilatura may drop a link's words from the middle: both ends are enough
                held = para[:_HELD_PROBE] in flat and para[-_HELD_PROBE:] in flat
        if held:
            held_at.append(len(paragraphs))
        paragraphs.append((para, held, element))
    return paragraphs, seen, held_at


def fill_gaps(root: Any, text: str) -> str:
    """``text`` with the ``<p>`` paragraphs it skipped inside the story it extracted.

    trafilatura's precision mode deletes a text block whose share of link text is high
    for its length (``delete_by_link_density``), which also hits ordinary paragraphs of
    the story that cite a source in a link ("… with the help of his <a>former
    girlfriend</a>"). A ``<p>`` that the extracted text lacks is restored, after the
    paragraph before it, when

    * it stands between two paragraphs the text holds (:data:`MIN_HELD_CHARS`; a
      paragraph is held when the text has it, or its first and its last
      :data:`_HELD_PROBE` characters, as trafilatura may drop a link's words);
    * it sits in the same kind of wrapper as one of them (parent with the same tag and
      class: CMSs render every text block of a story alike, and put captions, embeds,
      newsletter and paywall boxes in wrappers of their own);
    * it is prose: at least :data:`MIN_GAP_WORDS` words, ends like a sentence
      (:data:`_PROSE_END`), at most :data:`MAX_GAP_LINK_SHARE` of its characters in
      links unless :data:`MIN_GAP_WORDS` of its words are outside them
      (:func:`_links_cite`), no script inside, not inside a link, list, table, figure,
      aside, header, footer, navigation or form;
    * its text occurs once among the page's paragraphs (repeated blocks are chrome), and
      neither of its ends is in the text (then the text has it in another form).

    A subheading (``<h2>``–``<h4>``, :func:`_subheading`) between two kept paragraphs is
    restored under the same wrapper and once-on-the-page conditions: the precise pass
    drops some of them as short blocks.

    When the text holds no ``<p>`` at all, the page writes its paragraphs otherwise, and
    the ``<div>`` elements holding only phrasing content (:data:`_DIV_PARAGRAPHS`) take
    their place between kept paragraphs (not at the story's end, where such blocks are
    newsletter and follow prompts as often as prose); ``<div>`` blocks are never looked
    at on pages whose text holds a ``<p>`` (there they are boxes, buttons and labels
    beside the story).

    The same holds for the run of ``<p>`` in the last kept paragraph's wrapper that
    directly follows it inside the innermost element holding all kept paragraphs (the
    story's container): the last block of a story is cut the same way when it carries a
    link or sits beside a tag box. The run goes on outside that container through
    paragraphs whose nest of containers repeats the last kept paragraph's
    (:func:`_template`: templates that part a long story into chunks with an ad or a
    teaser box between them render each chunk alike; trafilatura keeps the first chunk
    only), up to the first heading that holds a link (the title of the next story on a
    page of several), and only in the same ``<article>`` under the same ``<h1>``
    (:func:`_place`).

    Args:
        root: the page's lxml tree (not changed).
        text: the extracted text, one whitespace-normalized paragraph per line (str).

    Returns:
        ``text`` with restored paragraphs inserted (str); ``text`` itself when none is.
    """
    if not text:
        return text
    flat = text.replace("\n", " ")
    paragraphs, seen, held_at = _blocks(root.iter("p", *_SUBHEADINGS), flat)
    divs = not held_at
    if divs:
        # the text holds no <p>: its paragraphs are <div>s of phrasing elements
        paragraphs, seen, held_at = _blocks(_DIV_PARAGRAPHS(root), flat)
    if not held_at:
        return text
    lines = text.split("\n")
    inserts: dict[int, list[str]] = {}

    def restore(before: int, runs: list[tuple[str, bool, Any]], wrappers: set[Any]) -> None:
        """Queue the restorable paragraphs of ``runs`` after the line of ``before``."""
        anchor = -1
        for para, _held, element in runs:
            heading = element.tag in _SUBHEADINGS
            if (
                _wrapper(element) not in wrappers
                or seen[para] > 1
                or not (_subheading(para, element) if heading else _prose(para, element))
                # one end in the text: kept in another form, restoring it would repeat it
                # (searched last: a scan of the whole text for each skipped block)
                or para[:_HELD_PROBE] in flat
                or para[-_HELD_PROBE:] in flat
            ):
                continue
            if anchor < 0:
                kept = paragraphs[before][0]
                head, tail = kept[:_HELD_PROBE], kept[-_HELD_PROBE:]
                # not found (cannot happen for a held paragraph): len(lines), never written
                anchor = next((i for i, line in enumerate(lines) if tail in line or head in line),
                              len(lines))
            inserts.setdefault(anchor, []).append(para)

    for before, after in zip(held_at, held_at[1:], strict=False):
        if after - before > 1:
            restore(before, paragraphs[before + 1:after],
                    {_wrapper(paragraphs[before][2]), _wrapper(paragraphs[after][2])})
    # The run of paragraphs in the last kept paragraph's wrapper that follows it inside
    # the element holding all kept paragraphs: the end of the story, cut with a
    # link-dense last block (a source link, a tag box beside it).
    last = held_at[-1]
    wrapper = _wrapper(paragraphs[last][2])
    story = _common_ancestor(paragraphs[held_at[0]][2], paragraphs[last][2])
    # (subheadings are no part of it: a heading after the story names the next box)
    # A block in a further copy of the last paragraph's nest of containers continues the
    # story (a body parted into chunks by an ad or a teaser box), up to the first linked
    # heading (the next post's title on a page of several stories).
    template = _template(paragraphs[last][2])
    story_place = _place(paragraphs[last][2]) if template is not None else None
    tail: list[tuple[str, bool, Any]] = []
    chunks: list[bool] = []
    for block in paragraphs[last + 1:]:
        if block[2].tag in _SUBHEADINGS:
            if template is not None and next(block[2].iter("a"), None) is not None:
                template = None
            continue
        tail.append(block)
        chunks.append(
            template is not None and _template(block[2]) == template
            and _place(block[2]) == story_place
        )
    end = 0
    while (
        end < len(tail)
        and _wrapper(tail[end][2]) == wrapper
        and (chunks[end] or any(a is story for a in tail[end][2].iterancestors()))
    ):
        end += 1
    if end and not divs:
        restore(last, tail[:end], {wrapper})
    if not inserts:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        out.extend(inserts.get(i, ()))
    return "\n".join(out)


#: A JSON string literal's shortest length in characters or escapes (shorter strings are
#: no article).
_MIN_LITERAL = 200
#: The body of a JSON string literal from its opening quote: characters other than quote
#: and backslash, and escapes. Possessive (``*+``): the body is read once, without the
#: backtracking stack a greedy repeat keeps (about 140 bytes per character in ``re``: a
#: 5 MB unterminated string took 700 MB).
_LITERAL_RUN = re.compile(r'"((?:[^"\\]|\\.)*+)')
_ESCAPE = re.compile(r"\\.")


def _json_strings(source: str) -> Iterator[str]:
    """The JSON string literals of ``source`` with at least :data:`_MIN_LITERAL`
    characters or escapes, raw (escapes not decoded), in order.

    The same literals as ``re.finditer(r'"((?:[^"\\\\]|\\\\.){200,})"', source)`` in linear
    time and constant extra memory. That search starts again at every quote after a
    failed one, escaped quotes inside the failed literal included, and each of those
    reads to the same end: quadratic time (40 KB of ``\\"`` took 10 s). The escaped quotes
    of a literal that fails cannot start a literal that succeeds (they read the same
    escapes to the same end, with fewer of them), so the scan goes on where the failed
    literal stopped.
    """
    end_of_source = len(source)
    position = source.find('"')
    while position >= 0:
        run = _LITERAL_RUN.match(source, position)
        assert run is not None  # the pattern matches at every quote
        literal, end = run.group(1), run.end()
        closed = end < end_of_source and source[end] == '"'
        # an escape is two characters: at least 2 × the minimum is always long enough
        if closed and len(literal) >= _MIN_LITERAL and (
            len(literal) >= 2 * _MIN_LITERAL
            or len(literal) - len(_ESCAPE.findall(literal)) >= _MIN_LITERAL
        ):
            yield literal
            end += 1
        position = source.find('"', end)


#: Script-rendered pages nest their data: a Next.js flight chunk is a JSON string that
#: holds JSON again, whose strings hold the article's HTML; deeper levels are not read.
_SCRIPT_LEVELS = 3
#: A decoded string that is JSON again: an object or array, or a Next.js flight row
#: (``5:{…}``, ``a:[…]``).
_JSON_TEXT = re.compile(r"\s*(?:\w{1,8}:)?[\[{]")
#: A line that is only a template placeholder (``$$ARTICLEAD$$``, ``{{ad}}``,
#: ``%%slot%%``): an ad slot that the page's script fills, left in the stored HTML.
_PLACEHOLDER = re.compile(r"^(?:\$\$\w+\$\$|\{\{[^{}]*\}\}|%%\w+%%)$")


def script_fragments(root: Any) -> list[str]:
    """HTML fragments with paragraphs held as JSON strings in the page's scripts.

    Script-rendered sites (Next.js ``__NEXT_DATA__`` and flight data
    ``self.__next_f.push``, React Query or Redux state, Nuxt payloads) send the story as
    data that the browser turns into markup, so the saved HTML's body may lack the text.
    The data holds it as a JSON string of HTML. Every string literal of at least 200
    characters that holds a ``<p`` tag (written as is or as ``\\u003cp``) is decoded;
    a decoded string that is itself JSON (:data:`_JSON_TEXT`) is searched again, up to
    :data:`_SCRIPT_LEVELS` levels, and one that is not is a fragment when it holds
    ``<p``. JSON-LD is skipped (its ``articleBody`` is plain text, read elsewhere).

    Args:
        root: the page's lxml tree (not changed).

    Returns:
        The decoded fragments (str, HTML markup) in page order, possibly repeated (the
        same story is often in two stores); ``[]`` when there are none.
    """
    found: list[str] = []
    todo = [
        source for script in root.iter("script")
        if (source := script.text or "") and ("u003cp" in source or "<p" in source)
        and "ld+json" not in (script.get("type") or "").lower()
    ]
    for _level in range(_SCRIPT_LEVELS):
        deeper: list[str] = []
        for source in todo:
            for literal in _json_strings(source):
                if "u003cp" not in literal and "<p" not in literal:
                    continue
                try:
                    value = json.loads(f'"{literal}"')
                except ValueError:
                    continue
                if _JSON_TEXT.match(value):
                    deeper.append(value)
                elif "<p" in value:
                    found.append(value)
        todo = deeper
    return found


def script_text(root: Any, url: str | None) -> str:
    """The article's text from the page's script data (see :func:`script_fragments`).

    The fragment with the most text after its tags are removed is taken (a page's state
    also holds teasers of other stories, shorter than the story itself) and extracted
    like a page of its own; lines that are only a template placeholder
    (:data:`_PLACEHOLDER`) are dropped.

    Args:
        root: the page's lxml tree (not changed).
        url: the page URL, passed to trafilatura.

    Returns:
        Paragraphs joined by ``"\\n"`` (str), or ``""`` when the scripts hold no
        fragment or it has no text.
    """
    fragments = script_fragments(root)
    if not fragments:
        return ""
    best = max(fragments, key=lambda fragment: len(_TAG.sub("", fragment)))
    try:
        page = lxml.html.document_fromstring(f"<html><body><article>{best}</article></body></html>")
    except (ValueError, lxml.etree.LxmlError):
        return ""
    text = _tidy(_run(page, url, favor_precision=True))
    return "\n".join(line for line in text.split("\n") if not _PLACEHOLDER.match(line))


def extract_text(document: str | Any, url: str | None = None) -> str:
    """Return the main text of a decoded HTML document.

    Args:
        document: the page as text (already decoded), or its lxml tree (from
            :func:`~newsarchive.extract.metadata.parse_html`; left unchanged) so that the
            page is parsed once.
        url: the page URL (trafilatura uses it for site-specific rules).

    Returns:
        Paragraphs joined by a single ``"\\n"``, blank lines and repeated spaces removed;
        ``""`` when nothing was found. Never raises.

    On a tree of more than :data:`MAX_PASS_ELEMENTS` elements the first pass (fast,
    precise) is not followed by the comparison and recall passes; the wider pass has
    its own bounds (:func:`_widen`).
    """
    text = _run(document, url, favor_precision=True, fast=True)
    # (MIN_CHARS < COMPARE_BELOW_CHARS: the recall pass follows a short first pass only)
    if len(text) < COMPARE_BELOW_CHARS and (
        isinstance(document, str) or element_count(document) <= MAX_PASS_ELEMENTS
    ):
        text = _run(document, url, favor_precision=True)
        if len(text) < MIN_CHARS:
            fallback = _run(document, url, favor_recall=True)
            if len(fallback) > len(text):
                text = fallback
    text = _tidy(text)
    if len(text) < MIN_CHARS and not isinstance(document, str):
        scripted = script_text(document, url)
        if len(scripted) > len(text):
            text = scripted
    if not isinstance(document, str):
        text = _widen(document, url, text)
        text = fill_gaps(document, text)
        lead = find_lead(document, text) or find_marked_lead(document, text)
        if lead:
            text = f"{lead}\n{text}"
    return text
