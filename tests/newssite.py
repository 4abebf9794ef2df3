"""A small local news site for end-to-end tests of ``scrapy crawl news``.

:func:`news_site` writes two sites below a directory and serves them with
``http.server`` on 127.0.0.1, on a free port, in a daemon thread. The two sites are told
apart by the ``Host`` header: ``127.0.0.1:<port>`` is **The Daily Example** ("site A",
``site.base_a``) and ``localhost:<port>`` is **Wire Digest** ("site B", ``site.base_b``),
an aggregator that republishes wire copy. It also writes the sources file for the
crawl (``sources.csv``, two rows, one per site).

Site A, ``http://127.0.0.1:<port>``:

================================================  ====================================
``/robots.txt``                                   ``Disallow: /private/``;
                                                  ``Sitemap: /sitemap_index.xml``
``/sitemap_index.xml``                            index -> news-sitemap.xml,
                                                  sections-sitemap.xml
``/news-sitemap.xml``                             Google News sitemap: AP_STORY,
                                                  COUNCIL, PRIVATE (with
                                                  ``news:publication_date``,
                                                  ``news:title``)
``/sections-sitemap.xml``                         plain sitemap: ``/`` (home),
                                                  ``/world/`` (section front),
                                                  ``/files/annual-report.pdf``
``/rss.xml``                                      RSS 2.0: COUNCIL, AP_STORY, FESTIVAL
``/atom.xml``                                     Atom: ``/go/telescope`` (301 ->
                                                  TELESCOPE), AP_STORY
``/`` and ``/world/``                             section fronts: teaser lists, no
                                                  article (extraction drops them)
``/world/2024/05/06/bridge-collapse.html``        AP_STORY: AP wire story, dateline
                                                  ``WILMINGTON, Del. (AP) —``, credits
                                                  line at the end, JSON-LD NewsArticle
``/politics/2024/05/06/council-budget.html``      COUNCIL: staff story
``/culture/2024/05/05/jazz-festival.html``        FESTIVAL: staff story, feed only
``/science/2024/05/04/telescope-images.html``     TELESCOPE: staff story, reached via
                                                  a redirect from the Atom feed
``/private/embargoed-story.html``                 PRIVATE: disallowed by robots.txt,
                                                  never fetched
``/files/annual-report.pdf``                      ``application/pdf``: not a page
================================================  ====================================

Site B, ``http://localhost:<port>``:

================================================  ====================================
``/robots.txt``                                   no rules; ``Sitemap: /sitemap-news.xml``
``/feed.xml``                                     RSS 2.0: WIRE_COPY
``/sitemap-news.xml``                             Google News sitemap: WIRE_COPY
``/news/bridge-collapse-rescue-efforts.html``     WIRE_COPY: trimmed copy of AP_STORY
                                                  (first six paragraphs), new headline,
                                                  "Read also: ..." lines between
                                                  paragraphs, same dateline, no credits
================================================  ====================================

What a crawl should produce (``EXPECTED_*`` below hold the exact values):

* Requests for article pages: the six pages of :data:`EXPECTED_ARTICLE_PAGES` plus the
  two section fronts and the PDF (nine), each once, though AP_STORY is listed three
  times (news sitemap, RSS, Atom). PRIVATE is never fetched (``robotstxt/forbidden``).
* RawPages (spider output): eight; every HTML page above except PRIVATE. TELESCOPE's
  RawPage has ``url`` = ``/go/telescope``, ``final_url`` = the article,
  ``redirect_urls`` = [``/go/telescope``]. The PDF is dropped (``skipped_non_html``).
* Archive, ``articles``: AP_STORY, COUNCIL, FESTIVAL, TELESCOPE (four rows), with the
  titles, dates and authors of :data:`EXPECTED_ARTICLE_PAGES`; AP_STORY with
  ``wire_source`` "AP", ``dateline`` "WILMINGTON, Del. (AP) —" and ``credits`` the
  "Associated Press writers ..." line. The section fronts are not articles.
* Archive, ``duplicates``: one sighting, WIRE_COPY, ``duplicate_of`` = AP_STORY's
  ``article_id``, ``match`` "near" (its body is contained in AP_STORY's once the
  "Read also" lines are removed).
* A second crawl with the same archive requests none of the article URLs again
  (``newsarchive/skipped_seen``), but re-reads every feed and sitemap.

Order: WIRE_COPY is answered only once AP_STORY has been served (and 0.3 s more; at most
5 s of waiting), so that a crawl always meets the original first and stores it, whatever
the scheduling of the two hosts' requests.

Conditional requests: every ``.xml`` file (feeds, sitemaps) is served with an ``ETag`` (a
hash of its content) and ``Last-Modified`` (its mtime); a request whose ``If-None-Match``
names the current ETag, or (without ``If-None-Match``) whose ``If-Modified-Since`` is not
older than the mtime, gets ``304 Not Modified`` with no body. A test changes a feed by
rewriting its file below ``site.root``. ``site.responses`` logs ``(path, status)`` of every
response, paths written as in ``site.requests``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["EXPECTED_ARTICLE_PAGES", "NewsSite", "news_site", "write_news_warc"]

HOST_A = "127.0.0.1"
HOST_B = "localhost"

AP_STORY = "/world/2024/05/06/bridge-collapse.html"
COUNCIL = "/politics/2024/05/06/council-budget.html"
FESTIVAL = "/culture/2024/05/05/jazz-festival.html"
TELESCOPE = "/science/2024/05/04/telescope-images.html"
PRIVATE = "/private/embargoed-story.html"
WIRE_COPY = "/news/bridge-collapse-rescue-efforts.html"
REDIRECTS = {(HOST_A, "/go/telescope"): TELESCOPE}

AP_DATELINE = "WILMINGTON, Del. (AP) —"
AP_CREDITS = ("Associated Press writers Maria Lopez in Dover, Delaware, and Tom Becker in "
              "Washington contributed to this report.")
AP_PARAGRAPHS = [
    f"{AP_DATELINE} A four-lane highway bridge over the Christina River partially collapsed "
    "early Monday after a cargo barge struck one of its support piers, sending two cars "
    "into the water and closing a main commuter route into the city, officials said.",
    "Rescue crews pulled three people from the river within an hour of the collision, "
    "which happened shortly before 5 a.m., according to Wilmington Fire Chief Daniel "
    "Reyes. All three were taken to a hospital with injuries that were not considered "
    "life-threatening.",
    "\"We were very fortunate with the timing,\" Reyes told reporters at the scene. "
    "\"An hour later, this bridge would have been full of people driving to work.\"",
    "The barge, which was carrying gravel, had lost power while being pushed upstream "
    "by a tugboat, the U.S. Coast Guard said in a statement. Investigators from the "
    "National Transportation Safety Board were expected to arrive by the afternoon.",
    "Delaware Gov. Karen Mills declared a state of emergency for New Castle County and "
    "said state engineers would inspect the remaining spans before any decision on "
    "reopening the crossing, which carries about 60,000 vehicles a day.",
    "Divers continued to search the river through the morning to make sure no other "
    "vehicles had gone into the water. By midday, officials said they believed everyone "
    "had been accounted for.",
    "The bridge, built in 1964, was rated in fair condition in its most recent federal "
    "inspection last year. State transportation officials said a repair project had been "
    "scheduled to begin in the fall.",
    "Commuters were told to expect heavy delays for weeks. The state's transit agency "
    "said it would add buses on two routes and extend service on the regional rail line "
    "starting Tuesday.",
    AP_CREDITS,
]
WIRE_COPY_PARAGRAPHS = [
    AP_PARAGRAPHS[0],
    AP_PARAGRAPHS[1],
    "Read also: Barge traffic on the Delaware River reaches a ten-year high",
    AP_PARAGRAPHS[2],
    AP_PARAGRAPHS[3],
    "Read also: How safe are America's bridges? What the inspections show",
    AP_PARAGRAPHS[4],
    AP_PARAGRAPHS[5],
]

COUNCIL_PARAGRAPHS = [
    "The city council approved a $412 million budget for the coming year on Monday night "
    "after a four-hour session in which residents pressed members over library hours, "
    "road repairs and the cost of a new fire station on the east side.",
    "The budget passed 7 to 2. It raises property taxes by 1.8 percent, the first "
    "increase in three years, and adds 14 positions, most of them in the public works "
    "department that maintains streets and parks.",
    "Council President Linda Okafor said the increase was unavoidable after two years in "
    "which the city drew on its reserves to cover rising health care and energy costs. "
    "\"We cannot keep paying this year's bills with last year's savings,\" she said.",
    "The two members who voted against the plan, Greg Hollis and Nadia Petrova, said the "
    "city should have delayed the fire station until a federal grant decision expected "
    "in the autumn.",
    "Library branches will return to Sunday opening in September, one of several changes "
    "made after residents filled the council chamber at a hearing last month.",
]
FESTIVAL_PARAGRAPHS = [
    "The riverside jazz festival returned on Sunday for its 30th edition, drawing what "
    "organizers estimated was the largest crowd in its history to three stages along the "
    "waterfront park.",
    "Headliner Camille Duarte closed the evening with a set that mixed standards from "
    "the 1950s with songs from her new album, recorded last winter with a string quartet "
    "from the city's conservatory.",
    "Organizers said food vendors sold out before sunset and the free shuttle from the "
    "train station ran every ten minutes, twice as often as last year, to ease parking "
    "problems that drew complaints in the past.",
    "The festival's director, Aaron Whitfield, said next year's edition would add a "
    "fourth stage for student bands from local high schools and colleges.",
]
TELESCOPE_PARAGRAPHS = [
    "Astronomers at the university observatory released the first images from their "
    "upgraded telescope on Saturday, showing a distant spiral galaxy in more detail than "
    "the instrument had ever captured.",
    "The upgrade, which took eighteen months, replaced the telescope's camera and added "
    "an adaptive optics system that corrects for the blurring caused by turbulence in "
    "the atmosphere.",
    "\"It is like putting on glasses for the first time,\" said Professor Helen Marsh, "
    "who leads the observatory. She said the sharper images would let students study "
    "star-forming regions that were previously out of reach.",
    "The observatory will hold public viewing nights on the first Friday of each month "
    "starting in June, weather permitting.",
]
PRIVATE_PARAGRAPHS = [
    "This story is under embargo and must not be crawled; robots.txt disallows it.",
    "If this text appears in the archive, the crawler ignored robots.txt.",
]


@dataclass(frozen=True)
class _Page:
    host: str
    path: str
    headline: str
    author: str | None
    published: str  # ISO 8601 with offset
    description: str
    paragraphs: list[str]
    section: str
    site_name: str


_PAGES = [
    _Page(HOST_A, AP_STORY, "Bridge partially collapses after barge strike in Delaware",
          "Sarah Whitman", "2024-05-06T11:42:00-04:00",
          "A barge struck a support pier of a highway bridge in Wilmington, sending two cars "
          "into the river.", AP_PARAGRAPHS, "World", "The Daily Example"),
    _Page(HOST_A, COUNCIL, "Council approves $412 million budget with first tax rise in three "
          "years", "Peter Landry", "2024-05-06T22:15:00-04:00",
          "The city council passed next year's budget 7 to 2.", COUNCIL_PARAGRAPHS,
          "Politics", "The Daily Example"),
    _Page(HOST_A, FESTIVAL, "Riverside jazz festival draws record crowd for 30th edition",
          "Julia Brandt", "2024-05-05T20:30:00-04:00",
          "Three stages, sold-out food stalls and a headliner with strings.",
          FESTIVAL_PARAGRAPHS, "Culture", "The Daily Example"),
    _Page(HOST_A, TELESCOPE, "Upgraded telescope delivers its first sharp images",
          "Omar Haddad", "2024-05-04T09:00:00-04:00",
          "New camera and adaptive optics at the university observatory.",
          TELESCOPE_PARAGRAPHS, "Science", "The Daily Example"),
    _Page(HOST_A, PRIVATE, "Embargoed: not for crawling", "Staff", "2024-05-06T12:00:00-04:00",
          "Embargoed.", PRIVATE_PARAGRAPHS, "World", "The Daily Example"),
    _Page(HOST_B, WIRE_COPY, "Rescuers pull three from river as Delaware bridge gives way",
          None, "2024-05-06T13:05:00-04:00",
          "Three people were rescued after a barge hit a bridge pier in Wilmington.",
          WIRE_COPY_PARAGRAPHS, "News", "Wire Digest"),
]

#: The article pages a crawl fetches, keyed by ``(host, path)``: what extraction should find.
#: ``published_at`` is UTC (ISO 8601); ``authors`` is [] for the unsigned wire copy.
EXPECTED_ARTICLE_PAGES: dict[tuple[str, str], dict[str, Any]] = {
    (HOST_A, AP_STORY): {"title": _PAGES[0].headline, "published_at": "2024-05-06T15:42:00Z",
                         "authors": ["Sarah Whitman"], "wire_source": "AP",
                         "dateline": AP_DATELINE, "credits": AP_CREDITS, "stored": True},
    (HOST_A, COUNCIL): {"title": _PAGES[1].headline, "published_at": "2024-05-07T02:15:00Z",
                        "authors": ["Peter Landry"], "wire_source": None, "stored": True},
    (HOST_A, FESTIVAL): {"title": _PAGES[2].headline, "published_at": "2024-05-06T00:30:00Z",
                         "authors": ["Julia Brandt"], "wire_source": None, "stored": True},
    (HOST_A, TELESCOPE): {"title": _PAGES[3].headline, "published_at": "2024-05-04T13:00:00Z",
                          "authors": ["Omar Haddad"], "wire_source": None, "stored": True},
    (HOST_B, WIRE_COPY): {"title": _PAGES[5].headline, "published_at": "2024-05-06T17:05:00Z",
                          "authors": [], "wire_source": "AP", "stored": False,
                          "duplicate_of": (HOST_A, AP_STORY), "match": "near"},
}
#: Non-article HTML pages that are fetched (listed by the sections sitemap).
EXPECTED_NON_ARTICLE_PAGES: list[tuple[str, str]] = [(HOST_A, "/"), (HOST_A, "/world/")]
#: Pages that must never be fetched.
EXPECTED_NEVER_FETCHED: list[tuple[str, str]] = [(HOST_A, PRIVATE)]


def _article_html(page: _Page, base: str) -> str:
    url = base + page.path
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": page.headline,
        "description": page.description,
        "datePublished": page.published,
        "dateModified": page.published,
        "inLanguage": "en",
        "articleSection": page.section,
        "publisher": {"@type": "Organization", "name": page.site_name},
    }
    if page.author:
        data["author"] = [{"@type": "Person", "name": page.author}]
    byline = ""
    if page.author:
        slug = page.author.lower().replace(" ", "-")
        byline = (f'<p class="byline">By <a rel="author" href="/authors/{slug}">'
                  f"{html.escape(page.author)}</a></p>")
    paragraphs = "\n".join(
        (f'<p class="read-also"><a href="/related">{html.escape(p)}</a></p>'
         if p.startswith("Read also:") else f"<p>{html.escape(p)}</p>")
        for p in page.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(page.headline)} | {html.escape(page.site_name)}</title>
<meta name="description" content="{html.escape(page.description)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{html.escape(page.headline)}">
<meta property="og:site_name" content="{html.escape(page.site_name)}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{page.published}">
<link rel="canonical" href="{url}">
<script type="application/ld+json">{json.dumps(data, indent=1)}</script>
</head>
<body>
<header><a href="/">{html.escape(page.site_name)}</a>
<nav><a href="/world/">World</a> <a href="/politics/">Politics</a>
<a href="/culture/">Culture</a> <a href="/science/">Science</a></nav></header>
<main>
<article>
<h1>{html.escape(page.headline)}</h1>
{byline}
<time datetime="{page.published}">{page.published[:10]}</time>
<div class="article-body">
{paragraphs}
</div>
</article>
<aside><h2>Most read</h2><ul><li><a href="/more/1">Weather: a warm week ahead</a></li>
<li><a href="/more/2">Five places to eat by the river</a></li></ul></aside>
</main>
<footer><p>© 2024 {html.escape(page.site_name)}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> · <a href="/contact">Contact us</a></p></footer>
</body>
</html>
"""


def _section_html(title: str, teasers: list[_Page], base: str) -> str:
    items = "\n".join(
        f'<li class="teaser"><a href="{base}{p.path}"><h3>{html.escape(p.headline)}</h3></a>'
        f"<p>{html.escape(p.description)}</p></li>" for p in teasers)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Example</title>
<meta property="og:type" content="website"></head>
<body><header><a href="/">The Daily Example</a></header>
<main><h1>{title}</h1><ul class="teasers">
{items}
</ul></main><footer><p>© 2024 The Daily Example</p></footer></body></html>
"""


def _rss(title: str, link: str, items: list[tuple[str, str, str]]) -> str:
    body = "\n".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<guid isPermaLink=\"true\">{html.escape(u)}</guid><pubDate>{d}</pubDate></item>"
        for t, u, d in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{html.escape(title)}</title><link>{link}</link>
<description>Latest news</description><language>en</language>
{body}
</channel></rss>
"""


def _news_sitemap(name: str, items: list[tuple[str, str, str]]) -> str:
    body = "\n".join(
        f"<url><loc>{html.escape(u)}</loc><news:news><news:publication>"
        f"<news:name>{html.escape(name)}</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{d}</news:publication_date>"
        f"<news:title>{html.escape(t)}</news:title></news:news></url>"
        for t, u, d in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
"""


_VOCABULARY = (
    "harbor council river budget school market storm railway museum bridge election court "
    "farmers library stadium airport factory energy forest ocean mayor police hospital "
    "teachers union highway tunnel festival orchestra theater garden village county "
    "senator governor minister parliament inquiry report survey prices wages housing rent "
    "drought flood wildfire earthquake vaccine clinic doctors nurses students campus "
    "research telescope satellite rocket launch engineers startup investors shares bank "
    "loans inflation exports imports harvest fishermen ferry port cargo trucks drivers "
    "strike talks agreement treaty border refugees volunteers charity donors auction "
    "painting gallery novel author poet singer band album concert tour league champions "
    "coach players season injury transfer referee verdict jury judge lawyers appeal"
)
_WORDS = _VOCABULARY.split()


def write_news_warc(path: Path, count: int, *, seed: int = 0, extra_records: bool = True,
                    compress: bool = True) -> list[str]:
    """Write a WARC of ``count`` distinct news articles (different bodies, three sites
    ``news0.example``..``news2.example``) and return their URLs in file order.

    With ``extra_records``, a section front (not an article) and a 404 response follow
    the articles (neither is stored). Bodies are random words from a fixed vocabulary
    (seeded), so no two articles are near-duplicates.
    """
    import io
    import random

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    urls: list[str] = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)

        def response(url: str, status: str, body: bytes, when: str) -> None:
            http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": when}))

        for i in range(count):
            host = f"news{i % 3}.example"
            day = 1 + i % 28
            url = f"https://{host}/2024/05/{day:02d}/story-{seed}-{i}.html"
            paragraphs = [" ".join(rng.choice(_WORDS) for _ in range(45)).capitalize() + "."
                          for _ in range(5)]
            page = _Page(host, url, f"Story {i}: {' '.join(rng.choice(_WORDS) for _ in range(6))}",
                         f"Reporter {i % 7}", f"2024-05-{day:02d}T10:00:00+00:00",
                         f"Summary of story {i}.", paragraphs, "News", f"News {i % 3}")
            html_text = _article_html(page, "")  # page.path is the whole URL
            response(url, "200 OK", html_text.encode(), f"2024-05-{day:02d}T12:00:00Z")
            urls.append(url)
        if extra_records:
            front = _section_html("Front page", [], "https://news0.example")
            response("https://news0.example/", "200 OK", front.encode(), "2024-05-28T12:00:00Z")
            response("https://news1.example/missing", "404 Not Found", b"<html>gone</html>",
                     "2024-05-28T12:00:01Z")
    return urls


def write_site(root: Path, port: int) -> None:
    """Write both sites' files below ``root/<host>/`` for a server on ``port``."""
    base_a, base_b = f"http://{HOST_A}:{port}", f"http://{HOST_B}:{port}"
    ap, council, festival, telescope, private, wire = _PAGES
    files: dict[tuple[str, str], str | bytes] = {}
    for page in _PAGES:
        base = base_a if page.host == HOST_A else base_b
        files[(page.host, page.path)] = _article_html(page, base)
    files[(HOST_A, "/robots.txt")] = (
        "# The Daily Example\nUser-agent: *\nDisallow: /private/\n\n"
        f"Sitemap: {base_a}/sitemap_index.xml\n")
    files[(HOST_A, "/sitemap_index.xml")] = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base_a}/news-sitemap.xml</loc><lastmod>2024-05-07T02:20:00Z</lastmod></sitemap>
<sitemap><loc>{base_a}/sections-sitemap.xml</loc><lastmod>2024-05-01T00:00:00Z</lastmod></sitemap>
</sitemapindex>
"""
    files[(HOST_A, "/news-sitemap.xml")] = _news_sitemap("The Daily Example", [
        (ap.headline, base_a + ap.path, ap.published),
        (council.headline, base_a + council.path, council.published),
        (private.headline, base_a + private.path, private.published),
    ])
    files[(HOST_A, "/sections-sitemap.xml")] = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base_a}/</loc><lastmod>2024-05-07</lastmod></url>
<url><loc>{base_a}/world/</loc><lastmod>2024-05-07</lastmod></url>
<url><loc>{base_a}/files/annual-report.pdf</loc><lastmod>2024-03-01</lastmod></url>
</urlset>
"""
    files[(HOST_A, "/rss.xml")] = _rss("The Daily Example", base_a + "/", [
        (council.headline, base_a + council.path, "Tue, 07 May 2024 02:15:00 GMT"),
        (ap.headline, base_a + ap.path, "Mon, 06 May 2024 11:42:00 -0400"),
        (festival.headline, base_a + festival.path, "Sun, 05 May 2024 20:30:00 -0400"),
    ])
    files[(HOST_A, "/atom.xml")] = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>The Daily Example: Science and World</title><id>{base_a}/atom.xml</id>
<updated>2024-05-06T15:42:00Z</updated>
<link rel="self" href="{base_a}/atom.xml"/>
<entry><title type="html">{html.escape(html.escape(telescope.headline))}</title>
<link rel="alternate" type="text/html" href="/go/telescope"/><id>urn:example:telescope</id>
<published>{telescope.published}</published><updated>2024-05-04T10:00:00-04:00</updated>
<author><name>{telescope.author}</name></author></entry>
<entry><title>{html.escape(ap.headline)}</title>
<link href="{base_a}{ap.path}"/><id>urn:example:bridge</id>
<updated>{ap.published}</updated></entry>
</feed>
"""
    files[(HOST_A, "/")] = _section_html("Front page", [ap, council, festival, telescope], base_a)
    files[(HOST_A, "/world/")] = _section_html("World", [ap], base_a)
    files[(HOST_A, "/files/annual-report.pdf")] = b"%PDF-1.4\n% not really a PDF\n%%EOF\n"
    files[(HOST_B, "/robots.txt")] = (
        f"User-agent: *\nAllow: /\nSitemap: {base_b}/sitemap-news.xml\n")
    files[(HOST_B, "/feed.xml")] = _rss("Wire Digest", base_b + "/", [
        (wire.headline, base_b + wire.path, "Mon, 06 May 2024 13:05:00 -0400")])
    files[(HOST_B, "/sitemap-news.xml")] = _news_sitemap("Wire Digest", [
        (wire.headline, base_b + wire.path, wire.published)])
    for (host, path), content in files.items():
        target = root / host / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)


def write_sources(path: Path, port: int) -> Path:
    """Write the crawl's sources CSV (one row per site) to ``path``; return ``path``."""
    base_a, base_b = f"http://{HOST_A}:{port}", f"http://{HOST_B}:{port}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "name,homepage,feeds,sitemaps,language\n"
        f"The Daily Example,{base_a}/,{base_a}/rss.xml {base_a}/atom.xml,"
        f"{base_a}/sitemap_index.xml,en\n"
        f"Wire Digest,{base_b}/,{base_b}/feed.xml,,en\n",
        encoding="utf-8")
    return path


class _Handler(SimpleHTTPRequestHandler):
    """Serve ``<directory>/<host>/<path>``, chosen by the ``Host`` header; 301 for
    :data:`REDIRECTS`; XML as ``application/xml``."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
                      ".html": "text/html; charset=utf-8", ".pdf": "application/pdf"}

    def _host(self) -> str:
        return (self.headers.get("Host") or HOST_A).rsplit(":", 1)[0]

    def translate_path(self, path: str) -> str:
        translated = super().translate_path(path)
        relative = Path(translated).relative_to(Path(self.directory).resolve())
        return str(Path(self.directory) / self._host() / relative)

    _etag: str | None = None

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        target = REDIRECTS.get((self._host(), self.path.split("?", 1)[0]))
        if target is not None:
            self.send_response(301)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if (self._host(), self.path.split("?", 1)[0]) == (HOST_B, WIRE_COPY):
            served = self.server.ap_served  # type: ignore[attr-defined]
            if served.wait(timeout=5):
                time.sleep(0.3)
        file = Path(self.translate_path(self.path))
        if file.suffix == ".xml" and file.is_file():
            self._etag = '"' + hashlib.sha256(file.read_bytes()).hexdigest()[:20] + '"'
            asked = self.headers.get("If-None-Match")
            if asked is not None and self._etag in {tag.strip() for tag in asked.split(",")}:
                self.send_response(304)
                self.end_headers()
                return
        # SimpleHTTPRequestHandler sends Last-Modified and answers If-Modified-Since (when
        # no If-None-Match is given) with 304 itself.
        super().do_GET()

    def send_head(self) -> Any:
        result = super().send_head()
        if (self._host(), self.path.split("?", 1)[0]) == (HOST_A, AP_STORY):
            self.server.ap_served.set()  # type: ignore[attr-defined]
        return result

    def end_headers(self) -> None:
        if self._etag is not None:
            self.send_header("ETag", self._etag)
            self._etag = None
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path if self._host() == HOST_A else f"//{self._host()}{self.path}"
        self.server.responses.append((path, int(code)))  # type: ignore[attr-defined]
        super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        self.server.requests.append(self.path if self._host() == HOST_A  # type: ignore[attr-defined]
                                    else f"//{self._host()}{self.path}")


@dataclass
class NewsSite:
    """A running local news site.

    Attributes:
        root: directory with the files (``root/127.0.0.1/``, ``root/localhost/``).
        port: TCP port on 127.0.0.1.
        base_a: ``http://127.0.0.1:<port>`` (The Daily Example).
        base_b: ``http://localhost:<port>`` (Wire Digest).
        sources_csv: the sources file of the crawl.
        requests: request log: paths on site A, ``//localhost/path`` on site B.
        responses: ``(path, status)`` of every response, paths as in ``requests``.
    """

    root: Path
    port: int
    base_a: str
    base_b: str
    sources_csv: Path
    requests: list[str]
    responses: list[tuple[str, int]]

    def url(self, host: str, path: str) -> str:
        """Absolute URL of ``path`` on ``host`` (:data:`HOST_A` or :data:`HOST_B`)."""
        return f"http://{host}:{self.port}{path}"


@contextlib.contextmanager
def news_site(root: Path, sources_csv: Path | None = None) -> Iterator[NewsSite]:
    """Write the sites below ``root``, serve them on 127.0.0.1 (free port) in a thread.

    Args:
        root: an empty directory for the site files.
        sources_csv: where to write the sources file (default ``root/sources.csv``); the
            end-to-end test may pass ``tests/fixtures/newssite/sources.csv``-like paths.

    Yields:
        The running :class:`NewsSite`; the server is shut down on exit.
    """
    root.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Handler, directory=str(root))
    server = ThreadingHTTPServer((HOST_A, 0), handler)
    server.requests = []  # type: ignore[attr-defined]
    server.responses = []  # type: ignore[attr-defined]
    server.ap_served = threading.Event()  # type: ignore[attr-defined]
    port = server.server_address[1]
    write_site(root, port)
    csv_path = write_sources(sources_csv or root / "sources.csv", port)
    thread = threading.Thread(target=server.serve_forever, name="newssite", daemon=True)
    thread.start()
    try:
        yield NewsSite(root, port, f"http://{HOST_A}:{port}", f"http://{HOST_B}:{port}",
                       csv_path, server.requests, server.responses)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
