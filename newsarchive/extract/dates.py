"""Publication dates: parse, validate and choose by source precedence.

Precedence (first valid candidate wins):

1. page metadata — JSON-LD ``datePublished`` (``jsonld``), then meta tags such as
   ``article:published_time`` (``meta``), then ``<time datetime>`` inside the article or
   marked as the publication time (``time``; a ``<time>`` without ``datetime`` by its
   written text, :func:`_time_texts`); when the URL path spells a full date and
   the metadata's calendar day differs, the URL's date is taken instead (``url``): a
   permalink's date is fixed when the story is first published, while CMS metadata is
   reset by re-publishing and migrations and is often written in the wrong zone; when
   the kinds of declaration disagree on the day, or only ``<time>`` elements give one, the
   date printed under the headline settles it (:func:`_arbitrate`); microdata
   ``itemprop="datePublished"`` with a ``content`` attribute on a visible element counts
   as a meta tag when the page has none;
2. discovery hints — the feed's or sitemap's date (``feed`` / ``sitemap``);
3. the URL — ``/2021/12/30/``, ``/2021-12-30``, ``/20211230/``, ``/20211230-slug`` (``url``);
4. the text — the date written under the headline (:func:`headline_date`, ``text``), or
   else in the kicker or date line right above it (also ``text``), then a date given as
   a whole part of the ``<title>`` after the headline ("Headline | Site | 28.04.2023",
   :func:`title_date`, ``text``), then the publication keys of script-rendered pages'
   state (:func:`script_date`, ``script``), then htmldate 1.11 with
   ``original_date=True`` (``text``);
5. any other ``<time datetime>`` (``time``): outside the article and unmarked, such a
   value mostly dates a sidebar teaser, a related story or an embedded post, so it only
   serves when nothing above gives a date.

A candidate is valid when it lies in ``[1990-01-01, crawled_at + 1 day]`` (:data:`MIN_DATE`,
:data:`FUTURE_SLACK`); an invalid one is skipped and the next source is tried. A date found
only by the text search (and a ``<time>`` outside the article that is not marked as the
publication time) that falls within :data:`BANNER_WINDOW` of the capture time is rejected as
a "today" banner: many templates print the viewing day in the page header (see the project's
seed page, "Thursday, July 7, 2022"), and htmldate picks it up when nothing better exists. A
date under the headline followed by a clock time ("25.04.24, 14:07 Uhr") is kept: a banner
shows the day, a byline stamps the moment of publication; so is one under a heading that
states the page's own title (``og:title``/``<title>``/JSON-LD headline): the banner sits in
the page header, after a logo or section heading, the byline under the story's headline;
a line above the headline is kept on the capture day with a clock time, or as the kicker
in the own block (a preceding sibling) of the heading that states the title. Any of these
dates, and the text search's, is also kept when the page writes it on a short date line
inside the story's container (:func:`written_in_story`: ``<article>``, ``<main>``, an
hAtom entry or feed), where HTML puts no page chrome, or on a timed date line outside side
content.
All results are timezone-aware: in the offset the page states (the same instant as its UTC
value, which is what the archive stores), or UTC; naive values are taken as UTC.
"""

from __future__ import annotations

import html as html_module
import re
import warnings
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from dateutil import parser as dateutil_parser
from lxml import etree

from newsarchive.items import DiscoveryHints

from .metadata import PageMetadata, heading_text, time_trusted

__all__ = [
    "BANNER_WINDOW",
    "BYLINE_WINDOW",
    "DATE_LINE",
    "HEADLINE_TRIES",
    "HEADLINE_WINDOW",
    "FUTURE_SLACK",
    "MIN_DATE",
    "choose_modified",
    "choose_published",
    "date_from_url",
    "headline_date",
    "parse_datetime",
    "script_date",
    "title_date",
    "written_date",
    "written_in_story",
]

#: Earliest plausible publication time (the web news era; also htmldate's default floor).
MIN_DATE = datetime(1990, 1, 1, tzinfo=UTC)
#: How far past the capture time a date may lie (time-zone skew and scheduled posts).
FUTURE_SLACK = timedelta(days=1)
#: Text-only dates this close to the capture time are taken for a "today" banner.
BANNER_WINDOW = timedelta(days=1)

#: Meta names giving the publication time, most specific first (OpenGraph article
#: namespace, Dublin Core, Parse.ly, Sailthru, and common CMS names).
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
    "article.published", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dc.date.created", "date", "parsely-pub-date", "sailthru.date", "cxenseparse:recs:publishtime",
    "og:published_time", "article_date_original", "originalpublicationdate", "date_published",
)
#: Meta names giving the modification time.
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "last-modified", "lastmod", "article:modified",
)

_URL_DATE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})[/_.-](0?[1-9]|1[0-2])[/_.-](0?[1-9]|[12][0-9]|3[01])(?![0-9])"
)
_URL_COMPACT = re.compile(r"/((?:19|20)[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(?=[/_-])")
_DEFAULT = datetime(2000, 1, 1, tzinfo=UTC)
_DOTTED = re.compile(r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}(?!\d)")
_MICRODATA_PUBLISHED = etree.XPath(
    '//*[@itemprop="datePublished"][@content][not(self::meta)][position() <= 3]'
)


def parse_datetime(value: Any) -> datetime | None:
    """Parse a date string from metadata into an aware datetime.

    Accepts ISO 8601 (with or without time and offset) and the free forms dateutil reads
    ("Thu, 30 Dec 2021 22:15:00 GMT", "December 30, 2021"). Numbers separated by dots
    ("06.11.2023") are read day first, the only order written with dots (German, Russian,
    Nordic, … conventions); dateutil would read them month first. A stated UTC offset is kept
    (as a fixed-offset ``timezone``); naive results are taken as UTC. Returns None for
    anything unparseable, including bare years.
    """
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) < 8 or len(text) > 64 or not re.search(r"\d", text):
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # unknown tz names ("EST") → naive
                    parsed = dateutil_parser.parse(
                        text, default=_DEFAULT.replace(tzinfo=None),
                        dayfirst=_DOTTED.match(text) is not None,
                    )
            except (ValueError, OverflowError, TypeError, dateutil_parser.ParserError):
                return None
    else:
        return None
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return parsed.replace(tzinfo=UTC)
        parsed.astimezone(UTC)  # raises for instants out of range
        # The page's own offset is kept: the instant is the same (the archive stores it as
        # UTC), and the calendar day the page states stays readable for users and scoring.
        return parsed.replace(tzinfo=timezone(parsed.utcoffset() or timedelta(0)))
    except (ValueError, OverflowError):
        return None


def _valid(moment: datetime | None, crawled_at: datetime) -> bool:
    return moment is not None and MIN_DATE <= moment <= crawled_at + FUTURE_SLACK


def _near_capture(moment: datetime, crawled_at: datetime) -> bool:
    """Whether the calendar day (UTC) of ``moment`` is within BANNER_WINDOW of the capture day."""
    return abs(moment.date() - crawled_at.date()) <= BANNER_WINDOW


def date_from_url(url: str) -> datetime | None:
    """The date a URL path spells (``/2021/12/30/``, ``/2021-12-30-``, ``/20211230-``,
    ``/20211230/``), as
    midnight UTC, or None. Only the path is read, so query strings like ``?tol=2019-07-12``
    of search pages do not count."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("//", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    for pattern in (_URL_DATE, _URL_COMPACT):
        match = pattern.search(path)
        if match:
            try:
                year, month, day = (int(g) for g in match.groups())
                return datetime(year, month, day, tzinfo=UTC)
            except ValueError:
                continue
    return None


def _metadata_candidates(meta: PageMetadata) -> Iterable[tuple[Any, str, bool]]:
    """(value, source, banner-safe) in precedence order."""
    if meta.article is not None:
        yield meta.article.get("datePublished"), "jsonld", True
        yield meta.article.get("dateCreated"), "jsonld", True
    for node in meta.jsonld_nodes:
        if node is not meta.article and "datePublished" in node:
            yield node.get("datePublished"), "jsonld", True
    metas = meta.all(*PUBLISHED_META)
    for value in metas:
        yield value, "meta", True
    if not metas and meta.root is not None:
        # Microdata on a visible element ("<p itemprop=datePublished content=...>"):
        # the same declaration as the <meta> form (HTML microdata reads ``content``).
        for element in _MICRODATA_PUBLISHED(meta.root):
            yield element.get("content"), "meta", True
    for value, trusted in meta.time_values:
        yield value, "time", trusted
    if meta.root is not None:
        yield from _time_texts(meta.root)


_TIME_WITHOUT_DATETIME = etree.XPath("(//time[not(@datetime)])[position() <= 5]")
#: Characters of a ``<time>`` element's text read for its date: a written date with a
#: weekday and a clock time runs to about 60 ("Donnerstag, 29. April 2020, 12:01 Uhr");
#: reading a hostile 1 MB text cost 0.8 s.
_MAX_TIME_TEXT = 200


def _time_texts(root: Any) -> Iterable[tuple[date, str, bool]]:
    """``(day, "time", trusted)`` of ``<time>`` elements without a ``datetime`` attribute
    whose text is a written date (:func:`written_date`: "29.04.2020, 12:01 Uhr",
    "Jan. 28, 2020"), the first five in page order.

    HTML defines the machine-readable value of a ``<time>`` without ``datetime`` as its
    text content (HTML Living Standard, "The time element"); templates use the element so
    for the date they print, often in a national form the standard's syntax does not
    cover, so the text is read with the written forms. *Trusted* as for ``<time datetime>``
    (:func:`~.metadata.time_trusted`).
    """
    for element in _TIME_WITHOUT_DATETIME(root):
        day = written_date(_SPACES.sub(" ", element.text_content()[:_MAX_TIME_TEXT]))
        if day is None:
            continue
        yield day, "time", time_trusted(element)


def _text_date(html: str | Any, url: str, crawled_at: datetime) -> datetime | None:
    try:
        import htmldate

        found = htmldate.find_date(
            html, original_date=True, extensive_search=True, url=None, outputformat="%Y-%m-%d",
            min_date=MIN_DATE.replace(tzinfo=None),
            max_date=(crawled_at + FUTURE_SLACK).replace(tzinfo=None),
        )
    except Exception:  # noqa: BLE001 - htmldate is a best-effort fallback
        return None
    return parse_datetime(found) if found else None


def choose_published(
    meta: PageMetadata | None,
    url: str,
    crawled_at: datetime,
    hints: DiscoveryHints | None = None,
    html: str | Any = None,
    root: Any = None,
) -> tuple[datetime | None, str | None]:
    """Pick the publication time by the precedence in this module's docstring.

    Args:
        meta: the page metadata (None when the page did not parse).
        url: the page URL (its path may carry the date).
        crawled_at: capture time, aware UTC; bounds the future and defines "today".
        hints: discovery hints (feed/sitemap date).
        html: the decoded document for the htmldate text search (the text as served, so
            that htmldate parses it with its comments; an lxml tree is accepted too, but
            htmldate then spends the time saved on parsing in copying it: 4.5 s against
            4.4 s over the 833 pages of the speed sets); None skips it.
        root: the parsed page (lxml) for :func:`headline_date`; None skips it.

    Returns:
        ``(published_at, date_source)``, or ``(None, None)``.
    """
    in_url = date_from_url(url)
    if not _valid(in_url, crawled_at):
        in_url = None
    stray: tuple[datetime, str] | None = None
    first: tuple[datetime, str] | None = None
    # The first value of each kind of declaration (JSON-LD, meta tag, marked <time>).
    contenders: dict[str, datetime] = {}
    if meta is not None:
        for value, source, banner_safe in _metadata_candidates(meta):
            if first is not None and (not banner_safe or source in contenders):
                continue  # only the first value of each kind is compared
            moment = parse_datetime(_first_text(value))
            if not _valid(moment, crawled_at):
                continue
            assert moment is not None
            if not banner_safe:
                # A <time> outside the article and not marked as the publication time
                # (sidebar, related list, embedded post): a last resort.
                if stray is None and not _near_capture(moment, crawled_at):
                    stray = (moment, source)
                continue
            if first is None:
                first = (moment, source)
            contenders.setdefault(source, moment)
    if first is not None:
        moment, source = first
        if in_url is not None and moment.date() != in_url.date():
            return in_url, "url"
        # The date shown under the headline can only change the answer when the kinds
        # disagree or when only <time> elements speak.
        if root is not None and (
            len({other.date() for other in contenders.values()}) > 1
            or set(contenders) == {"time"}
        ):
            shown = headline_date(root, _titles(meta))
        else:
            shown = None
        if shown is not None and moment.date() != shown:
            return _arbitrate(moment, source, contenders, shown)
        return moment, source
    if hints is not None and hints.published_at is not None:
        moment = parse_datetime(hints.published_at)
        if _valid(moment, crawled_at):
            return moment, hints.source or "feed"
    if in_url is not None:
        return in_url, "url"
    if root is not None:
        stamp = _headline_stamp(root, _titles(meta), above=True)
        if stamp is not None:
            day, timed, titled = stamp
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            # A date with a clock time under the headline stamps the publication, and so
            # does the line under the heading that states the page's own title (a banner
            # of the viewing day sits in the page header, after a logo or section
            # heading); only other untimed dates near the capture are suspect.
            if _valid(moment, crawled_at) and (
                timed or titled or not _near_capture(moment, crawled_at)
                or written_in_story(root, day)
            ):
                return moment, "text"
    titled_day = title_date(meta)
    if titled_day is not None:
        moment = datetime(titled_day.year, titled_day.month, titled_day.day, tzinfo=UTC)
        if _valid(moment, crawled_at):
            return moment, "text"
    if root is not None:
        scripted = script_date(root, crawled_at)
        if scripted is not None:
            return scripted, "script"
    if html is not None:
        moment = _text_date(html, url, crawled_at)
        if moment is not None and _valid(moment, crawled_at) and (
            not _near_capture(moment, crawled_at)
            or (root is not None and written_in_story(root, moment.date()))
        ) and not (root is not None and _year_only(root, moment.date())):
            return moment, "text"
    return stray if stray is not None else (None, None)


#: Text nodes holding a given year, scripts and styles left out (libxml2 filters them).
_YEAR_TEXTS = etree.XPath(
    "//text()[contains(., $year)][not(parent::script or parent::style or parent::noscript)]"
)
#: Story containers: HTML's sectioning elements for a self-contained composition and for
#: the page's main content, and the hAtom / microformats2 entry and feed classes of blog
#: posts (a feed's date header, outside its entries, dates the entries under it).
_STORY_TAGS = frozenset(("article", "main"))
_STORY_CLASSES = frozenset(("hentry", "h-entry", "hfeed", "h-feed"))
#: Page chrome and side content: navigation and tangential content (related stories,
#: teasers), where a date is the viewing day or another story's.
_SIDE_TAGS = frozenset(("nav", "aside"))


def written_in_story(root: Any, day: date, limit: int = 40) -> bool:
    """Whether ``day`` is written on a date line of the page's story.

    A date line is a text node of at most :data:`DATE_LINE` characters whose first date
    (:func:`written_date`) is ``day``. It counts when it stands inside an ``<article>`` or
    ``<main>`` element or an element of the hAtom ``hentry``/``hfeed`` or microformats2
    ``h-entry``/``h-feed`` class, or when a clock time follows the date (:data:`_CLOCK`);
    never with a ``<nav>`` or ``<aside>`` above it, nor inside an ``<article>`` nested in
    another one.

    Tells an article's date line from a "today" banner: HTML places navigation and the
    page header outside ``<article>``/``<main>`` (HTML Living Standard: ``main`` excludes
    content repeated across pages such as site logos and navigation), and the banner of the
    viewing day is such repeated chrome, while the byline of a story published on the
    capture day stands inside the story's container. Teaser cards in ``<aside>``/``<nav>``
    and nested ``<article>`` elements (HTML: comments and related items of the outer one)
    date other content; a date inside running prose (a longer text node) is an event's. A
    clock time after the date marks a moment, as it does under the headline: a banner
    shows the viewing day, a post's date line stamps its publication ("Von Eva am
    07.07.2022, 11:51"), so such a line counts outside the containers too (templates
    without HTML5 sectioning).

    Args:
        root: the page's lxml tree (not changed).
        day: the calendar day looked for.
        limit: how many text nodes holding ``day``'s year are read, in page order (one
            libxml2 XPath selects them; bounds the work on pages full of dates).

    Returns:
        True when one such date line is found.
    """
    for node in _YEAR_TEXTS(root, year=str(day.year))[:limit]:
        line = _SPACES.sub(" ", node).strip()
        found = _written_match(line) if len(line) <= DATE_LINE else None
        if found is None or found[0] != day:
            continue
        timed = _CLOCK.match(line, found[1], found[1] + 24) is not None
        element = node.getparent()
        if element is not None and getattr(node, "is_tail", False):
            element = element.getparent()
        story = articles = 0
        while element is not None:
            tag = element.tag
            if tag in _SIDE_TAGS:
                break
            if tag == "article":
                articles += 1
            if tag in _STORY_TAGS or _STORY_CLASSES & set((element.get("class") or "").split()):
                story += 1
            element = element.getparent()
        else:
            if (story or timed) and articles <= 1:
                return True
    return False


def _year_only(root: Any, day: date, limit: int = 200) -> bool:
    """Whether ``day`` is a 1 January that the page never writes as a day: the text
    search's year-only reading of a bare number ("Room 2001 is closed" gives
    2001-01-01), which dates no article. Looks at the first ``limit`` text nodes holding
    the year for the day written out (:func:`written_date`) or in ISO or day-first
    numeric form."""
    if (day.month, day.day) != (1, 1):
        return False
    forms = (day.isoformat(), f"01.01.{day.year}", f"1.1.{day.year}", f"01/01/{day.year}")
    for node in _YEAR_TEXTS(root, year=str(day.year))[:limit]:
        text = _SPACES.sub(" ", str(node))
        if any(form in text for form in forms) or written_date(text[:_MAX_TIME_TEXT]) == day:
            return False
    return True


#: Longest text node read as a date line (characters, whitespace squashed): bylines and
#: date lines ("Von Eva am 07.07.2022, 11:51 | 2 Kommentare") are short, while a
#: date in a sentence of the story is an event's.
DATE_LINE = 80


#: Separators between the parts of a ``<title>`` ("Headline | Site | 28.04.2023").
_TITLE_PARTS = re.compile(r"\s+[|–—·•-]\s+|\s*[|｜]\s*")


def title_date(meta: PageMetadata | None) -> date | None:
    """A date that is a whole part of the page's ``<title>`` or ``og:title``, after the
    headline ("Headline | DW | 28.04.2023"), or None.

    Sites that print the publication day into the title give it as its own part, as they
    give the site name; a date inside the headline's words is the story's subject, not its
    publication, and is not read."""
    if meta is None:
        return None
    for title in (meta.html_title, meta.first("og:title")):
        if not title:
            continue
        for part in _TITLE_PARTS.split(title.strip())[1:]:
            part = part.strip()
            found = _written_match(part)
            if found is not None and found[1] == len(part) and _written_start(part):
                return found[0]
    return None


def _written_start(part: str) -> bool:
    """Whether ``part`` begins with its date (a digit, or a month name)."""
    return part[:1].isdigit() or part.split()[0].lower().strip(".") in _MONTHS


def _titles(meta: PageMetadata | None) -> tuple[str | None, ...]:
    """The page's own statements of its headline, for finding it on pages without
    ``<h1>``."""
    if meta is None:
        return ()
    return meta.first("og:title"), meta.html_title, meta.ld_text("headline")


def _arbitrate(
    moment: datetime, source: str, contenders: dict[str, datetime], shown: date,
) -> tuple[datetime, str]:
    """Settle a disagreement between the first declared date and the date printed under
    the headline (``shown``), which is what the reader sees as the publication day.

    * Another kind of declaration (JSON-LD vs meta tag vs marked ``<time>``) that gives the
      shown day wins: when a page's own declarations disagree, the one it displays is the
      one its editors see (CMS templates fill JSON-LD and meta tags from different fields,
      and a stale or re-imported one is common).
    * A date only from ``<time>`` elements yields to the shown day: ``<time>`` inside some
      ``<article>`` is often a teaser's or a comment's, not the story's.

    Otherwise the declared ``moment`` stands (a shown date may be an update date).
    """
    for kind, other in contenders.items():
        if kind != source and other.date() == shown:
            return other, kind
    if source == "time" and set(contenders) == {"time"}:
        return datetime(shown.year, shown.month, shown.day, tzinfo=UTC), "text"
    return moment, source


def choose_modified(meta: PageMetadata | None, crawled_at: datetime) -> datetime | None:
    """Modification time from JSON-LD ``dateModified`` or ``article:modified_time``-style
    meta tags, validated like publication times; None when absent."""
    if meta is None:
        return None
    values: list[Any] = []
    if meta.article is not None:
        values.append(meta.article.get("dateModified"))
    values.extend(meta.all(*MODIFIED_META))
    for value in values:
        moment = parse_datetime(_first_text(value))
        if _valid(moment, crawled_at):
            return moment
    return None


def _first_text(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, dict):
        return value.get("@value")
    return value


#: Month names (lower case, without the final dot of abbreviations) → month number, for
#: the languages of most of the web's news: English, German, French, Spanish, Italian,
#: Dutch, Portuguese.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    "january jan januar jänner janvier enero ene gennaio gen januari janeiro",
    "february feb februar février fevrier febrero febbraio februari fevereiro fev",
    "march mar märz maerz mars marzo maart março marco mär",
    "april apr avril abril aprile",
    "may mai mayo maggio mei maio",
    "june jun juni juin junio giugno junho",
    "july jul juli juillet julio luglio julho lug",
    "august aug août aout agosto augustus ago",
    "september sep sept septembre septiembre settembre setembro set",
    "october oct oktober octobre octubre ottobre oktober outubro okt ott out",
    "november nov novembre noviembre novembro",
    "december dec dez dezember décembre decembre diciembre dicembre dezembro dic",
), start=1):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"((?:19|20)\d\d)"
#: Written dates, each with the order of its groups (d = day, m = month number or name,
#: y = year): ISO, day-first with dots (the European numeric form), day-first with a
#: month name ("12. März 2019", "12 de marzo de 2019"), month name first ("March 12, 2019"),
#: numbers with slashes (order decided in :func:`written_date`), and the Chinese/Japanese
#: 年月日 and Korean 년월일 forms ("2020年07月12日", "2024년 4월 25일").
_WRITTEN = (
    (re.compile(r"(?<!\d)" + _YEAR + r"-(\d\d)-(\d\d)(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?" + _YEAR + r"(?!\d)"), "dmy"),
    (re.compile(r"(?<!\d)(\d{1,2})(?:\.|er|º)?\s+(?:de\s+)?(" + _MONTH_RE + r")\.?,?\s+(?:de\s+)?"
                + _YEAR + r"(?!\d)", re.IGNORECASE), "dmy"),
    (re.compile(r"\b(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR
                + r"(?!\d)", re.IGNORECASE), "mdy"),
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/" + _YEAR + r"(?![\d/])"), "xxy"),
    (re.compile(r"(?<!\d)" + _YEAR + r"\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"),
     "ymd"),
)
#: How much text after the headline is searched (characters).
HEADLINE_WINDOW = 200
#: How many ``<h1>`` elements (in page order) are tried for a date below them.
HEADLINE_TRIES = 3


def written_date(text: str) -> date | None:
    """The first calendar date written out in ``text`` (see ``_WRITTEN`` for the forms), or
    None. Slash forms are read only when unambiguous ("17/02/2022" day-first, "02/17/2022"
    month-first); "03/04/2020" is not read."""
    found = _written_match(text)
    return found[0] if found else None


def _written_match(text: str, two_digit_years: bool = False) -> tuple[date, int] | None:
    """The first written date in ``text`` and the offset where its match ends; with
    ``two_digit_years``, day-first dotted dates with a two-digit year ("25.04.24", read as
    2024) count too (see :func:`_two_digit_years`)."""
    best: tuple[int, date, int] | None = None
    patterns = _WRITTEN + (_DOTTED_SHORT,) if two_digit_years else _WRITTEN
    for pattern, order in patterns:
        match = pattern.search(text)
        if match is None or (best is not None and match.start() >= best[0]):
            continue
        if order == "xxy":
            # Slashes: day-first in most of the world, month-first in the US; read only
            # when one number is over 12 and so can only be the day.
            first, second = int(match.group(1)), int(match.group(2))
            if (first > 12) == (second > 12):
                continue
            order = "dmy" if first > 12 else "mdy"
        parts = dict(zip(order, match.groups(), strict=True))
        month_text = parts["m"].lower()
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
        year = int(parts["y"])
        if year < 100:
            year += 2000
        try:
            found = date(year, month or 0, int(parts["d"]))
        except ValueError:
            continue
        best = (match.start(), found, match.end())
    return (best[1], best[2]) if best else None


#: Day-first dotted dates with a two-digit year ("Do 25.04.24 | 14:07 Uhr"), read only on
#: pages whose language writes numeric dates day.month.year (:func:`_two_digit_years`).
_DOTTED_SHORT = (
    re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d\d)(?![\d.])"), "dmy",
)
#: Languages whose numeric dates are written day.month.year (CLDR short date patterns of
#: German, Dutch, the Nordic, Slavic, Baltic and Romance languages, Turkish, Greek); Korean,
#: Japanese, Chinese and Hungarian write year first ("24.04.25" = 2024-04-25) and US English
#: month first, so two-digit-year dotted dates are not read on their pages.
_DAY_FIRST_LANGS = frozenset((
    "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "fi", "fr", "hr", "is", "it",
    "lv", "mk", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "tr",
    "uk",
))
#: A clock time right after a date ("25.04.24, 14:07 Uhr", "Jan 29, 2026 6:40 PM",
#: "12. März 2019 um 10:30"): the date stamps a moment, a publication, not the viewing day.
_CLOCK = re.compile(
    r"[\s,|·•/–-]*(?:um|at|à|a las|alle|kl\.?)?\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d(?![\d.])",
    re.IGNORECASE,
)


def _two_digit_years(root: Any) -> bool:
    """Whether the page's declared language (``<html lang>``) writes numeric dates day
    first (:data:`_DAY_FIRST_LANGS`), so that "25.04.24" is unambiguous."""
    lang = (root.get("lang") or "") if hasattr(root, "get") else ""
    return lang.split("-")[0].split("_")[0].strip().lower() in _DAY_FIRST_LANGS


def headline_date(
    root: Any, titles: Iterable[str | None] = (), above: bool = False,
) -> date | None:
    """The date printed just below the page's headline: the first date that
    :func:`written_date` reads in the :data:`HEADLINE_WINDOW` characters of text that
    follow an ``<h1>`` (its own children included, scripts and styles skipped), trying the
    first :data:`HEADLINE_TRIES` ``<h1>`` elements in page order. News and blog templates
    print the publication date in the byline or dateline under the headline; several
    ``<h1>`` are common (a logo or section name marked up as ``<h1>`` before the story's),
    so one without a date nearby hands over to the next.

    A page without any ``<h1>`` marks its headline with a lower level; there the first
    ``<h2>``/``<h3>`` whose text holds one of ``titles`` (the page's ``og:title`` /
    ``<title>``; or is held by one, for a title with a site suffix) is the headline, compared
    on letters and digits only, casefolded, at least :data:`_MIN_TITLE_KEY` of them; only
    the first :data:`BYLINE_WINDOW` characters after it are searched.

    With ``above``, when no tried ``<h1>`` has a date below it, the date line right above
    one is read (:func:`_text_before`: kicker and date line set before the headline, a
    common layout). It is weaker evidence than the byline below (kickers also carry print
    issue dates, "Ausgabe vom 26.04.2024", and event dates), so :func:`choose_published`
    reads it only when the page declares no date, never to settle a disagreement.

    None when no headline has a date after it (or, with ``above``, before it)."""
    found = _headline_stamp(root, titles, above)
    return found[0] if found else None


def _headline_stamp(
    root: Any, titles: Iterable[str | None] = (), above: bool = False,
) -> tuple[date, bool, bool] | None:
    """:func:`headline_date` as ``(day, timed, titled)``: whether a clock time follows the
    date (:data:`_CLOCK`) and whether the heading states one of ``titles`` (the page's
    own headline rather than a logo or section name; see :func:`_states_title`).
    Day-first two-digit-year dates are read on pages of :data:`_DAY_FIRST_LANGS`."""
    if root is None or not hasattr(root, "iter"):
        return None
    short = _two_digit_years(root)
    keys = [key for key in (_title_key(title) for title in titles) if len(key) >= _MIN_TITLE_KEY]
    tried: list[Any] = []
    for heading in root.iter("h1"):
        if len(tried) >= HEADLINE_TRIES:
            break
        tried.append(heading)
        found = _stamp(_text_after(heading), short)
        if found is not None:
            return found + (_states_title(heading, keys),)
    for heading in tried if above else ():
        found = _stamp(_text_before(heading), short)
        if found is not None:
            # "Titled" only as the kicker of the page's own headline, a sibling in the
            # headline's block: a banner of the viewing day may stand right above the
            # headline's block (reached by climbing out of it), never inside it.
            kicker = next(
                (s for s in heading.itersiblings(preceding=True) if isinstance(s.tag, str)),
                None,
            ) is not None
            return found + (kicker and _states_title(heading, keys),)
    if tried or not keys:
        return None
    for heading in root.iter("h2", "h3"):
        if _states_title(heading, keys):
            # A heading of kicker and headline spans fills the window with its own text;
            # then the byline line is the one after the heading element.
            found = _stamp(_text_after(heading)[:BYLINE_WINDOW], short) or _stamp(
                _text_after(heading, inside=False)[:BYLINE_WINDOW], short,
            )
            return found + (True,) if found is not None else None
    return None


def _states_title(heading: Any, keys: list[str]) -> bool:
    """Whether ``heading``'s text holds one of the title ``keys`` (:func:`_title_key` of
    ``og:title``/``<title>``/JSON-LD headline) or is held by one (a title with a site
    suffix), with at least :data:`_MIN_TITLE_KEY` letters and digits."""
    key = _title_key(heading_text(heading))
    return len(key) >= _MIN_TITLE_KEY and any(k in key or key in k for k in keys)


def _stamp(text: str, two_digit_years: bool) -> tuple[date, bool] | None:
    found = _written_match(text, two_digit_years)
    if found is None:
        return None
    day, end = found
    return day, _CLOCK.match(text, end, end + 24) is not None


#: How much text after a lower heading taken for the headline is searched (characters):
#: only the byline line right below it ("News24 13 Jan 2020, 22:11"); further down, such
#: pages' first dates are as often an event's dates in the story or a teaser's.
BYLINE_WINDOW = 60
#: Fewest letters and digits a title must have to identify the headline element (shorter
#: headings are section names such as "Wetter" or "Verkehr").
_MIN_TITLE_KEY = 12
_NOT_WORD = re.compile(r"\W+")


def _title_key(text: str | None) -> str:
    """Letters and digits of ``text`` with character references resolved, casefolded."""
    if not text:
        return ""
    if "&" in text:
        text = html_module.unescape(text)
    return _NOT_WORD.sub("", text).replace("_", "").casefold()


def _text_after(heading: Any, inside: bool = True) -> str:
    """The first :data:`HEADLINE_WINDOW` characters (whitespace squashed) of the text inside
    ``heading`` after its own text (with ``inside``; else only its tail), then of the text
    that follows it in document order; scripts, styles and comments skipped. Walks only as
    far as the window needs, counting characters as shown: the indentation of templates
    (often more than the window itself between a headline and its byline) does not count."""
    pieces: list[str] = []
    limit = HEADLINE_WINDOW
    if inside:
        size = _collect(heading, pieces, 0, limit, skip_own_text=True)
    else:
        pieces.append(heading.tail or "")
        size = len(pieces[0].strip())
    node = heading
    while size <= limit:
        for sibling in node.itersiblings():
            size = _collect(sibling, pieces, size, limit)
            if size > limit:
                break
        node = node.getparent()
        if node is None or size > limit:
            break
        if node.tail:
            pieces.append(node.tail)
            size += len(node.tail.strip())
    return _SPACES.sub(" ", " ".join(pieces)).strip()[:HEADLINE_WINDOW]


def _text_before(heading: Any) -> str:
    """The last :data:`BYLINE_WINDOW` characters (whitespace squashed) of the text that
    precedes ``heading`` in its nearest preceding sibling element (or that of its closest
    ancestor having one), with that element's tail: the kicker or date line set above a
    headline ("Politik · 05.02.2020", "Wohnen 04. Februar 2022, 15:29 Uhr"); scripts,
    styles and comments skipped. The search stays inside the headline's ``<article>`` or
    ``<main>``: what stands before those is page chrome (navigation, the banner of the
    viewing day). Empty when nothing precedes the heading there."""
    node = heading
    while True:
        # The nearest preceding element (markup comments such as "<!-- HEADLINE -->" are
        # passed over).
        previous = next(
            (s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str)), None,
        )
        if previous is not None:
            break
        node = node.getparent()
        if node is None or node.tag in _STORY_BOUNDS:
            return ""
    pieces = [str(piece) for piece in _LAST_TEXTS(previous)]
    pieces.append(previous.tail or "")
    return _SPACES.sub(" ", " ".join(pieces)).strip()[-BYLINE_WINDOW:]


_STORY_BOUNDS = frozenset(("article", "main", "body", "html"))
#: The last text nodes of an element (libxml2 picks them; no walk of a large header in
#: Python), scripts and styles left out.
_LAST_TEXTS = etree.XPath(
    "(descendant::text()[not(parent::script or parent::style or parent::noscript"
    " or parent::template)])[position() > last() - 12]"
)


def _collect(
    top: Any, pieces: list[str], size: int, limit: int, skip_own_text: bool = False,
) -> int:
    """Append the texts of ``top``'s subtree and its tail to ``pieces`` in document order
    until more than ``limit`` characters are gathered (each piece counted without the
    whitespace at its ends); returns the new total."""
    for event, element in etree.iterwalk(top, events=("start", "end")):
        if event == "start":
            tag = element.tag
            if (
                not isinstance(tag, str) or tag in _SKIPPED
                or (skip_own_text and element is top)
            ):
                continue
            piece = element.text
        else:
            piece = element.tail
        if piece:
            pieces.append(piece)
            size += len(piece.strip())
            if size > limit:
                break
    return size


_SPACES = re.compile(r"\s+")
_SKIPPED = frozenset(("script", "style", "noscript", "template"))


#: JSON keys naming the publication time in script-rendered pages' state (Next.js
#: ``__NEXT_DATA__`` and flight data, Nuxt, Redux/React Query, Apollo caches): the
#: schema.org name and the spellings of common CMS and GraphQL schemas. Creation keys come
#: second: a draft's creation precedes publication. Modification keys are not read.
_PUBLISHED_KEYS = (
    "datePublished|publishedAt|published_at|publishDate|publish_date|publishedDate"
    "|published_date|publicationDate|publication_date|firstPublished|firstPublishedAt"
    "|first_published_at|pubDate"
)
_CREATED_KEYS = "dateCreated|createdAt|created_at"
#: ``"key":"ISO date"`` with the quotes optionally escaped (JSON inside a JS string, as in
#: flight data); the value must begin with a full ISO 8601 date.
_SCRIPT_DATE = re.compile(
    r'\\?"(' + _PUBLISHED_KEYS + "|" + _CREATED_KEYS + r')\\?"\s*:\s*\\?"('
    r"(?:19|20)\d\d-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:Z|[+-][0-2]\d:?[0-5]\d)?)?)"
)
_SCRIPT_KEY_HINT = re.compile(r"[Pp]ubli|[Cc]reated|pubDate")
_CREATED = frozenset(_CREATED_KEYS.split("|"))


def script_date(root: Any, crawled_at: datetime) -> datetime | None:
    """The publication time held only in the page's script data.

    Script-rendered pages send the story as data (Next.js, Nuxt, Redux/React Query,
    Apollo state), so their markup may carry no date. Every ISO 8601 value of a
    publication key (:data:`_PUBLISHED_KEYS`; creation keys only when there is none) in
    the non-JSON-LD ``<script>`` texts is read by one linear regex (no JSON parse); the
    state also holds teasers of other stories, each with its own date, while the page's
    own story is repeated (its data and its metadata), so the calendar day given most often
    wins and the first value of that day is returned; when several days are given equally
    often (a list of references or teasers, each dated once) there is no answer.

    Args:
        root: the page's lxml tree (not changed).
        crawled_at: the capture time (aware); values after it + :data:`FUTURE_SLACK` or
            before :data:`MIN_DATE` are skipped.

    Returns:
        An aware datetime (UTC when the value states no offset), or None.
    """
    published: list[datetime] = []
    created: list[datetime] = []
    for script in root.iter("script"):
        source = script.text
        if (
            not source or "ld+json" in (script.get("type") or "").lower()
            or not _SCRIPT_KEY_HINT.search(source)
        ):
            continue
        for match in _SCRIPT_DATE.finditer(source):
            moment = parse_datetime(match.group(2))
            if _valid(moment, crawled_at):
                assert moment is not None
                (created if match.group(1) in _CREATED else published).append(moment)
    values = published or created
    if not values:
        return None
    counts: dict[date, int] = {}
    for moment in values:
        counts[moment.date()] = counts.get(moment.date(), 0) + 1
    best = max(counts.values())
    if list(counts.values()).count(best) > 1:
        return None  # several days equally often: the story's cannot be told from teasers'
    return next(moment for moment in values if counts[moment.date()] == best)
