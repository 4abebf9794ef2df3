"""A labelled syndication test set, generated: stories republished the way wire copy is.

:func:`generate` takes stories (:class:`Story`: headline and paragraphs) and writes HTML
pages (:class:`Page`) with labels. Every story gets an original on its home site and
several copies inside other sites' page templates, each with a random mix of the edits
syndicated copy shows in the wild:

* the tail trimmed, down to a third of the paragraphs;
* promo lines inserted between paragraphs ("Read also: …", "WATCH: …", "Advertisement",
  newsletter and follow prompts), labelled in :attr:`Page.promo`;
* sentences machine-reworded (word-for-word synonym spinning, as on content farms);
* a new headline; the dateline and the credit lines kept, dropped or added;
* a later publication date.

Hard cases in the same set:

* every site template carries a "Most read" box and "More from <site>" teasers with the
  headlines and first sentences of *other* stories (shared template text);
* a second write-up of the same event by another writer (same names, places and numbers,
  other sentences): a different story;
* a live blog updated during the day: the later version holds the earlier one's entries
  (the same story), and the entries summarise other stories in one sentence each;
* a corrected version of a story on its home site (the same story, a correction note
  added and one fact changed);
* local stories that quote a wire service mid-text ("…, the Associated Press
  reported.") or credit a wire photo: ``wire`` must stay None.

:func:`compose_stories` writes English news-like stories from sentence frames, so the set
does not depend on outside data; the tests add the real bodies of
``../shared/corpora/aeb/ground-truth.json`` when that file is present.

Everything is deterministic for a given seed.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["WIRES", "Page", "Site", "Story", "compose_stories", "crawl_order", "generate",
           "spin"]


@dataclass
class Story:
    """One story to republish.

    Attributes:
        key: unique label.
        title: headline.
        paragraphs: body paragraphs, without dateline or credits.
        wire: canonical wire name (a key of :data:`WIRES`) when it is wire copy.
        place: dateline place ("BERLIN").
        language: ``en``, ``de``, ``fr`` or ``es`` (chooses dateline and credit styles).
        event: key shared by stories about the same event by different writers.
    """

    key: str
    title: str
    paragraphs: list[str]
    wire: str | None = None
    place: str = "WASHINGTON"
    language: str = "en"
    event: str | None = None


@dataclass
class Page:
    """A generated page and its labels.

    Attributes:
        url: the page's URL.
        html: the page.
        story: story label; two pages are the same story exactly when equal.
        role: ``original``, ``copy``, ``other`` (a site's own story), ``event`` (another
            write-up of an event), ``liveblog``, ``correction`` or ``quoting`` (a local
            story quoting a wire).
        promo: promo lines inserted into the body (must not survive cleaning).
        wire: the wire service the page's dateline or credits name, else None.
        dateline: the dateline as written at the body's start, else None.
        credits: the credit lines at the body's end (newline-joined), else None.
        published: publication time.
        paragraphs: body paragraphs as placed in the page (with promo lines, dateline
            and credits).
    """

    url: str
    html: bytes
    story: str
    role: str
    promo: list[str] = field(default_factory=list)
    wire: str | None = None
    dateline: str | None = None
    credits: str | None = None
    published: datetime = datetime(2024, 5, 1, tzinfo=UTC)
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    """A publisher and its page template."""

    domain: str
    name: str
    layout: int
    section: str


SITES: tuple[Site, ...] = (
    Site("riverside-courier.example", "Riverside Courier", 0, "news"),
    Site("the-daily-lantern.example", "The Daily Lantern", 1, "world"),
    Site("metro-wire-digest.example", "Metro Wire Digest", 2, "national"),
    Site("harbourtimes.example", "Harbour Times", 3, "politics"),
    Site("newsfeed-now.example", "NewsFeed Now", 4, "trending"),
    Site("valley-observer.example", "Valley Observer", 0, "region"),
    Site("global-bulletin.example", "Global Bulletin", 1, "international"),
    Site("quickreads.example", "QuickReads", 2, "latest"),
    Site("northern-gazette.example", "Northern Gazette", 3, "news"),
    Site("top-stories-hub.example", "Top Stories Hub", 4, "stories"),
)

#: Wire service -> (dateline label, English credit lines, credit lines by language).
WIRES: dict[str, dict[str, list[str]]] = {
    "AP": {
        "label": ["AP"],
        "en": ["Associated Press writer {name} contributed to this report.",
               "Associated Press writers {name} and {name2} contributed to this report."],
        "de": ["Mit Material von AP"],
        "fr": ["Avec AP"],
        "es": ["Con información de AP"],
    },
    "Reuters": {
        "label": ["Reuters"],
        "en": ["Reporting by {name}; Editing by {name2}",
               "(Reporting by {name} in {place}; Editing by {name2})"],
        "de": ["Mit Material von Reuters"],
        "fr": ["Avec Reuters"],
        "es": ["Con información de Reuters"],
    },
    "AFP": {
        "label": ["AFP"],
        "en": ["(AFP)", "-- AFP"],
        "de": ["Mit Material von AFP"],
        "fr": ["Avec AFP", "(AFP)"],
        "es": ["Con información de AFP"],
    },
    "UPI": {
        "label": ["UPI"],
        "en": ["-- UPI"],
        "de": ["Mit Material von UPI"],
        "fr": ["Avec UPI"],
        "es": ["Con información de UPI"],
    },
    "dpa": {
        "label": ["dpa"],
        "en": ["-- dpa"],
        "de": ["Mit Material von dpa", "-- dpa"],
        "fr": ["Avec dpa"],
        "es": ["Con información de dpa"],
    },
    "PA": {
        "label": ["PA"],
        "en": ["-- PA", "(PA)"],
        "de": ["Mit Material von PA"],
        "fr": ["Avec PA"],
        "es": ["Con información de PA"],
    },
}

_DASHES = ("—", "–", "-", "--")
_MONTHS = {
    "en": ["Jan", "Feb", "March", "April", "May", "June"],
    "fr": ["janv", "févr", "mars", "avril", "mai", "juin"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun"],
    "de": ["Jan", "Feb", "März", "April", "Mai", "Juni"],
}

def _w(text: str) -> list[str]:
    return text.split()


FIRST = _w("Helen Ortiz Maria Jensen Tom Albright Priya Nair Samuel Okafor Lena Fischer "
         "Jorge Castillo Amira Haddad Paul Lindqvist Grace Kim Victor Mendes Ruth Coleman "
         "Daniel Weber Aisha Bello Marco Rossi Irene Novak Felix Brandt Nora Quinn Omar "
         "Khalil Sofia Marin Hugo Lambert Clara Dupont Ivan Petrov Emma Lowe Yusuf Demir "
         "Chloe Martin Anton Kraus Julia Santos Peter Hall Maya Cohen Leo Varga Ines Moreau "
         "Karl Berger Zoe Turner Diego Ramos Hanna Berg")
PEOPLE = [f"{FIRST[i]} {FIRST[i + 1]}" for i in range(0, len(FIRST) - 1, 2)]
PLACES = ["Springfield", "Riverton", "Lakeview", "Ashford", "Millbrook", "Cedar Falls",
          "Port Allen", "Greenhill", "Oakridge", "Stonebridge", "Fairhaven", "Brookside",
          "Westfield", "Kingsport", "Elmwood", "Clearwater", "Maplewood", "Northgate"]
ORGS = ["the city council", "the state health department", "the regional transport office",
        "the national weather service", "the county school board", "the energy regulator",
        "the port authority", "the central bank", "the agriculture ministry",
        "the fire department", "the university hospital", "the housing association",
        "the chamber of commerce", "the environmental agency", "the police department",
        "the water utility", "the labour union", "the football club"]
TOPICS = ["bridge", "hospital", "school", "railway line", "power plant", "harbour",
          "airport", "stadium", "water supply", "housing project", "museum", "library",
          "wind farm", "motorway", "market hall", "ferry service", "tram network", "dam"]
NOUNS = _w("budget plan report study contract inquiry proposal schedule audit survey deal "
         "project programme lawsuit petition strike protest vote review permit grant "
         "loan tax fee fine repair closure expansion merger ban rule law policy "
         "investigation complaint shortage delay outage flood fire storm drought heatwave "
         "accident collision evacuation rescue recall warning alert deadline hearing "
         "trial verdict appeal ruling settlement agreement treaty summit election poll "
         "campaign debate speech interview statement leak scandal resignation "
         "appointment promotion dismissal hiring layoff bonus salary pension subsidy "
         "tariff quota licence inspection certificate upgrade renovation construction "
         "demolition relocation donation fundraiser festival parade concert exhibition "
         "competition tournament season transfer injury recovery diagnosis vaccine "
         "treatment outbreak screening ambulance shelter refuge convoy patrol "
         "checkpoint barrier tunnel crossing junction roundabout pavement cycle lane "
         "timetable fare ticket")
ADJS = _w("new old major minor serious urgent long short early late public private local "
        "regional national final first second temporary permanent costly cheap rare "
        "common sudden gradual detailed brief official informal formal controversial "
        "popular unpopular modest ambitious delayed revised expanded reduced "
        "emergency annual weekly")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

#: Sentence frames of two writing styles (0 and 1). Slots: {p} {p2} person, {o} org,
#: {t} topic, {pl} place, {n} {n2} noun, {a} {a2} adjective, {d} day, {k} {k2} number.
FRAMES: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "{P} said on {d} that {o} would present a {a} {n} for the {t} in {pl} before the "
        "end of the year.",
        "The {n} follows a {a} {n2} that found {k} problems with the {t}, according to "
        "documents seen by reporters.",
        "Officials in {pl} have warned for months that the {t} needs a {a2} {n} and at "
        "least {k} million dollars of public money.",
        "{O} confirmed the {n} in a short statement and said more details would follow "
        "after a meeting with {p2}.",
        "Critics argue that the {a} {n} comes too late, pointing to the {n2} that hit "
        "residents of {pl} last winter.",
        "About {k} people attended a meeting about the {t} on {d}, many of them worried "
        "about the {n} and the {n2}.",
        "{P} told the meeting that the {t} had been neglected for {k2} years and that the "
        "{n} could not wait any longer.",
        "According to figures from {o}, the {t} serves roughly {k} thousand residents every "
        "week.",
        "The {a} {n} is expected to cost about {k} million dollars and to take {k2} months, "
        "{p2} estimated.",
        "Local business owners said a {n} of the {t} could cut their trade by a {a} margin "
        "during the {n2}.",
        "{P2} declined to say whether the {n} would affect the {n2} planned for the spring.",
        "Engineers from {o} will inspect the {t} again next {d} and report to {p} within "
        "{k2} weeks.",
    ),
    (
        "In {pl}, {o} has put forward a {a} {n} concerning the {t}, {P} announced on {d}.",
        "A {a2} {n2} had earlier listed {k} faults at the {t}, people familiar with the "
        "findings said.",
        "For {pl}, the question is who pays: {k} million dollars is the figure most often "
        "quoted for the {t}.",
        "{P2} welcomed the decision but called the {n} overdue, noting that the {n2} had "
        "been flagged by {o} years ago.",
        "Residents interviewed outside the {t} were split, with some backing the {n} and "
        "others fearing a {a} {n2}.",
        "On {d}, roughly {k} residents crowded into a hall to hear {p} defend the {n}.",
        "Records kept by {o} show the {t} has had no {a} {n2} since at least {k2} years ago.",
        "Shopkeepers near the {t} fear the {n} will keep customers away through the {n2}.",
        "Asked about the timetable, {p2} said the {n} would run for {k2} months at a cost "
        "near {k} million dollars.",
        "{O} did not respond to a request for comment on the {n2} by the time of writing.",
        "The next step is a {a} {n} by {o}, due within {k2} weeks, {p} said.",
        "Opposition members in {pl} have demanded a {a2} {n2} before any money is spent on "
        "the {t}.",
    ),
)


def _fill(frame: str, cast: dict[str, str], rng: random.Random) -> str:
    values = dict(cast)
    values.update(n=rng.choice(NOUNS), n2=rng.choice(NOUNS), a=rng.choice(ADJS),
                  a2=rng.choice(ADJS), d=rng.choice(DAYS), k=str(rng.randint(3, 950)),
                  k2=str(rng.randint(2, 40)))
    values["P"] = values["p"]
    values["P2"] = values["p2"]
    values["O"] = values["o"][0].upper() + values["o"][1:]
    return frame.format(**values)


def _paragraphs(cast: dict[str, str], style: int, rng: random.Random, count: int) -> list[str]:
    # Each writer words the frames a little differently (as real reporters do), so that
    # different stories do not share long runs of frame text.
    frames = [spin(f, rng, 0.5) for f in FRAMES[style]]
    out = []
    for _ in range(count):
        picked = rng.sample(frames, rng.randint(2, 3))
        out.append(" ".join(_fill(f, cast, rng) for f in picked))
    return out


def compose_stories(count: int, seed: int = 0, *, events: int = 0) -> list[Story]:
    """Write ``count`` English stories from :data:`FRAMES`, deterministic for ``seed``.

    Each story has its own cast (two people, an organisation, a place, a topic) and 5-9
    paragraphs. For the first ``events`` stories a second write-up of the same event by
    another writer (same cast, the other frame style) is added, with ``event`` set on both.
    """
    rng = random.Random(seed)
    stories: list[Story] = []
    wires = list(WIRES)
    for i in range(count):
        p, p2 = rng.sample(PEOPLE, 2)
        cast = {"p": p, "p2": p2, "o": rng.choice(ORGS), "t": rng.choice(TOPICS),
                "pl": rng.choice(PLACES)}
        style = rng.randint(0, 1)
        paragraphs = _paragraphs(cast, style, rng, rng.randint(5, 9))
        title = (f"{cast['pl']} {cast['t']}: {rng.choice(ADJS)} {rng.choice(NOUNS)} "
                 f"announced by {cast['o'].removeprefix('the ')}")
        wire = wires[i % len(wires)] if i % 4 != 3 else None
        event = f"event-{seed}-{i}" if i < events else None
        stories.append(Story(f"s{seed}-{i}", title, paragraphs, wire,
                             cast["pl"].upper(), "en", event))
        if event is not None:
            other = _paragraphs(cast, 1 - style, rng, rng.randint(5, 8))
            stories.append(Story(f"s{seed}-{i}-b", f"What the {cast['t']} decision means for "
                                 f"{cast['pl']}", other, None, cast["pl"].upper(), "en", event))
    return stories


# --- spinning ------------------------------------------------------------------------------
#: Word-for-word replacements of a content-farm "spinner" (the seed page's rewording).
SYNONYMS = {
    "said": "stated", "told": "informed", "people": "individuals", "about": "roughly",
    "residents": "locals", "officials": "authorities", "warned": "cautioned",
    "meeting": "gathering", "statement": "declaration", "expected": "anticipated",
    "cost": "price", "months": "months'", "years": "yrs", "critics": "detractors",
    "argue": "contend", "decision": "choice", "public": "community", "money": "funds",
    "week": "week's", "report": "account", "details": "particulars", "worried": "anxious",
    "local": "native", "business": "enterprise", "owners": "proprietors",
    "during": "throughout", "declined": "refused", "planned": "scheduled", "inspect": "examine",
    "problems": "issues", "found": "discovered", "documents": "records", "least": "minimum",
    "needs": "requires", "confirmed": "verified", "follow": "ensue", "comes": "arrives",
    "late": "belated", "attended": "went to", "many": "numerous", "every": "each",
    "take": "require", "could": "may", "cut": "reduce", "trade": "commerce",
    "whether": "if", "affect": "influence", "again": "once more", "within": "inside",
    "earlier": "previously", "question": "query", "pays": "foots the bill", "figure": "number",
    "often": "frequently", "welcomed": "greeted", "called": "termed", "noting": "observing",
    "flagged": "highlighted", "interviewed": "questioned", "split": "divided",
    "fearing": "dreading", "crowded": "packed", "hear": "listen to", "defend": "justify",
    "records": "files", "show": "reveal", "since": "because", "fear": "dread",
    "customers": "clients", "asked": "questioned", "would": "will", "near": "close to",
    "respond": "reply", "request": "demand", "comment": "remark", "next": "following",
    "step": "stage", "due": "owed", "demanded": "insisted on", "spent": "used",
    "government": "administration", "police": "law enforcement", "city": "metropolis",
    "new": "recent", "big": "large", "important": "crucial", "help": "assist",
    "start": "begin", "began": "commenced", "show's": "program's", "children": "youngsters",
    "company": "firm", "also": "additionally", "because": "since", "however": "nonetheless",
}
_TOKEN_RE = re.compile(r"\w+|\W+")


def spin(sentence: str, rng: random.Random, rate: float = 0.35) -> str:
    """Replace words that have a :data:`SYNONYMS` entry, each with probability ``rate``."""
    out = []
    for tok in _TOKEN_RE.findall(sentence):
        low = tok.lower()
        if low in SYNONYMS and rng.random() < rate:
            rep = SYNONYMS[low]
            out.append(rep[0].upper() + rep[1:] if tok[0].isupper() else rep)
        else:
            out.append(tok)
    return "".join(out)


_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")


def _spin_paragraph(par: str, rng: random.Random, share: float) -> str:
    sentences = _SENTENCE_RE.split(par)
    return " ".join(spin(s, rng) if rng.random() < share else s for s in sentences)


# --- promo lines ---------------------------------------------------------------------------
_PROMO = (
    "Read also: {title}",
    "READ MORE: {title}",
    "WATCH: {title}",
    "Also read | {title}",
    "Related: {title}",
    "See also: {title}",
    "Advertisement",
    "- Advertisement -",
    "Story continues below advertisement",
    "Sign up for our daily newsletter to get the top stories delivered to your inbox.",
    "Click here to follow us on Google News",
    "Subscribe now for unlimited access.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Don't miss: {title}",
    "Recommended: {title}",
)


def _promo_line(rng: random.Random, titles: Sequence[str]) -> str:
    return rng.choice(_PROMO).format(title=rng.choice(titles))


# --- datelines and credits ------------------------------------------------------------------
_CREDIT_NAMES = ["Jane Doyle", "Mark Ellison", "Tariq Aziz", "Lisa Brenner", "Kevin Moss",
                 "Anna Schulz", "Pierre Lemaire", "Carmen Ortega", "Ben Carter", "Ivy Long"]


def _dateline(story: Story, when: datetime, rng: random.Random) -> str:
    assert story.wire is not None
    label = WIRES[story.wire]["label"][0]
    dash = rng.choice(_DASHES)
    place = story.place
    if story.language == "en":
        if rng.random() < 0.5:
            return f"{place} ({label}) {dash}"
        return f"{place.title()}, {when.strftime('%B')} {when.day} ({label}) {dash}"
    month = _MONTHS[story.language][when.month - 1]
    if story.language == "de" and rng.random() < 0.5:
        return f"{place.title()} ({label}) {dash}"
    return f"{place.title()}, {when.day} {month} ({label}) {dash}"


def _credit(story: Story, rng: random.Random) -> str:
    assert story.wire is not None
    forms = WIRES[story.wire][story.language]
    name, name2 = rng.sample(_CREDIT_NAMES, 2)
    return rng.choice(forms).format(name=name, name2=name2, place=story.place.title())


# --- HTML ------------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def render(site: Site, url: str, title: str, paragraphs: Sequence[str], published: datetime,
           teasers: Sequence[tuple[str, str]], author: str | None = None,
           language: str = "en") -> bytes:
    """Write an article page in ``site``'s template.

    ``teasers`` are (headline, first sentence) of other stories, shown in a "Most read"
    box and a "More from <site>" list, as site templates do.
    """
    body = "\n".join(
        f"<p>{_esc(p)}</p>" if not p.startswith("<") else p for p in paragraphs)
    iso = published.isoformat()
    most_read = "\n".join(
        f'<li><a href="https://{site.domain}/{site.section}/{_slug(h)}">{_esc(h)}</a></li>'
        for h, _ in teasers)
    more = "\n".join(
        f'<div class="teaser"><h3><a href="https://{site.domain}/x/{_slug(h)}">{_esc(h)}</a>'
        f"</h3><p>{_esc(s)}</p></div>" for h, s in teasers[:3])
    byline = f'<span class="byline">By {_esc(author)}</span>' if author else ""
    ld = (f'{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{_esc(title)}",'
          f'"datePublished":"{iso}","publisher":{{"@type":"Organization",'
          f'"name":"{_esc(site.name)}"}}}}')
    head = (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{_esc(title)} | {_esc(site.name)}</title>"
            f'<link rel="canonical" href="{url}">'
            f'<meta property="og:title" content="{_esc(title)}">'
            f'<meta property="og:site_name" content="{_esc(site.name)}">'
            f'<meta property="article:published_time" content="{iso}">'
            f'<script type="application/ld+json">{ld}</script></head><body>')
    nav = (f'<header><a href="https://{site.domain}/">{_esc(site.name)}</a><nav>'
           f'<a href="/news">News</a> <a href="/sport">Sport</a> <a href="/business">Business'
           f'</a> <a href="/opinion">Opinion</a></nav></header>')
    footer = (f"<footer><p>© 2024 {_esc(site.name)}. All rights reserved.</p>"
              f'<p><a href="/about">About us</a> <a href="/privacy">Privacy</a></p></footer>')
    aside = (f'<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>')
    related = f'<section class="more"><h2>More from {_esc(site.name)}</h2>{more}</section>'
    time_el = f'<time datetime="{iso}">{published.strftime("%B %d, %Y")}</time>'
    if site.layout == 0:
        main = (f"<main><article><h1>{_esc(title)}</h1>{byline}{time_el}"
                f'<div class="article-body">{body}</div></article>{related}</main>{aside}')
    elif site.layout == 1:
        main = (f'<div id="page"><div class="content"><h1 class="headline">{_esc(title)}</h1>'
                f'<div class="meta">{byline} {time_el}</div>'
                f'<div class="entry-content">{body}</div></div>'
                f'<div class="sidebar">{aside}</div></div>{related}')
    elif site.layout == 2:
        main = (f'<main><article class="story"><header><h1>{_esc(title)}</h1>{time_el}</header>'
                f'<section class="story-text">{body}</section></article></main>{aside}{related}')
    elif site.layout == 3:
        main = (f'<div class="wrap"><article itemprop="articleBody"><h1>{_esc(title)}</h1>'
                f'{byline}{time_el}<div class="text">{body}</div>'
                f'<div class="share">Share this article</div></article>{aside}</div>{related}')
    else:
        main = (f'<div class="container"><div class="post"><h1 class="post-title">'
                f'{_esc(title)}</h1>{time_el}<div class="post-content">{body}</div></div>'
                f'{related}</div>{aside}')
    return (head + nav + main + footer + "</body></html>").encode("utf-8")


# --- the generator ---------------------------------------------------------------------------
def _first_sentence(par: str) -> str:
    return _SENTENCE_RE.split(par)[0]


def generate(stories: Sequence[Story], seed: int = 0, *, copies: tuple[int, int] = (3, 5),
             liveblogs: int = 2, corrections: int = 4, quoting: int = 6,
             others_per_site: int = 6) -> list[Page]:
    """Republish ``stories`` and add hard cases; return the pages in publication order.

    Args:
        stories: the stories; those with ``event`` set are published once each (other
            write-ups of an event), the others get an original and ``copies`` copies
            (inclusive range).
        seed: random seed.
        copies: fewest and most copies per story.
        liveblogs: live blogs, each in an early and a later (longer) version.
        corrections: stories that also get a corrected version on their home site.
        quoting: local stories (from the stories without wire) that quote a wire.
        others_per_site: each site's own stories (from ``stories``' event write-ups and
            fresh ones), published once.
    """
    rng = random.Random(seed)
    start = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    titles = [s.title for s in stories]
    lead = {s.key: (s.title, _first_sentence(s.paragraphs[0])) for s in stories}
    pages: list[Page] = []

    def teasers_for(exclude: str) -> list[tuple[str, str]]:
        keys = [k for k in rng.sample(list(lead), min(6, len(lead))) if k != exclude]
        return [lead[k] for k in keys[:5]]

    used: set[str] = set()

    def url_for(site: Site, title: str, when: datetime, suffix: str = "") -> str:
        stem = f"https://{site.domain}/{site.section}/{when:%Y/%m/%d}/{_slug(title)}{suffix}"
        url, n = f"{stem}.html", 1
        while url in used:
            n += 1
            url = f"{stem}-{n}.html"
        used.add(url)
        return url

    singles = [s for s in stories if s.event is not None]
    repub = [s for s in stories if s.event is None]
    for i, story in enumerate(repub):
        home = SITES[i % len(SITES)]
        when = start + timedelta(minutes=7 * i)
        paragraphs = list(story.paragraphs)
        dateline = credits = None
        if story.wire:
            dateline = _dateline(story, when, rng)
            credits = _credit(story, rng)
        body = list(paragraphs)
        if dateline:
            body[0] = f"{dateline} {body[0]}"
        if credits:
            body.append(credits)
        url = url_for(home, story.title, when)
        pages.append(Page(url, render(home, url, story.title, body, when,
                                      teasers_for(story.key), rng.choice(_CREDIT_NAMES),
                                      story.language),
                          story.key, "original", [], story.wire, dateline, credits, when,
                          body))
        if i < corrections:
            fixed = list(body)
            fixed[-1 if not credits else -2] = re.sub(
                r"\d+", lambda m: str(int(m.group(0)) + 1), fixed[-1 if not credits else -2],
                count=1)
            fixed.append("Correction: An earlier version of this story gave a wrong figure "
                         "in its final paragraph.")
            later = when + timedelta(hours=3)
            curl = url_for(home, story.title, later, "-corrected")
            pages.append(Page(curl, render(home, curl, story.title, fixed, later,
                                           teasers_for(story.key), None, story.language),
                              story.key, "correction", [], story.wire, dateline, None, later,
                              fixed))
        n_copies = rng.randint(*copies)
        hosts = rng.sample([s for s in SITES if s != home], n_copies)
        for j, host in enumerate(hosts):
            later = when + timedelta(hours=rng.randint(1, 72), minutes=rng.randint(0, 59))
            body, promo, wire, c_dateline, c_credits = _edit_copy(
                story, paragraphs, dateline, credits, later, rng, titles)
            title = story.title if rng.random() < 0.4 else _new_headline(story, rng)
            curl = url_for(host, title, later, f"-{j}" if rng.random() < 0.3 else "")
            pages.append(Page(curl, render(host, curl, title, body, later,
                                           teasers_for(story.key), None, story.language),
                              story.key, "copy", promo, wire, c_dateline, c_credits, later,
                              body))
    for k, story in enumerate(singles):
        site = SITES[(k * 3 + 1) % len(SITES)]
        when = start + timedelta(hours=2, minutes=11 * k)
        url = url_for(site, story.title, when)
        pages.append(Page(url, render(site, url, story.title, story.paragraphs, when,
                                      teasers_for(story.key), rng.choice(_CREDIT_NAMES)),
                          story.key, "event", [], None, None, None, when,
                          list(story.paragraphs)))
    pages.extend(_liveblogs(repub, liveblogs, start, rng))
    pages.extend(_quoting(seed, quoting, start, rng, teasers_for))
    fresh = compose_stories(others_per_site * len(SITES), seed=seed + 1000)
    for k, story in enumerate(fresh):
        site = SITES[k % len(SITES)]
        when = start + timedelta(hours=5, minutes=13 * k)
        url = url_for(site, story.title, when)
        pages.append(Page(url, render(site, url, story.title, story.paragraphs, when,
                                      teasers_for(story.key), rng.choice(_CREDIT_NAMES)),
                          f"own-{seed}-{k}", "other", [], None, None, None, when,
                          list(story.paragraphs)))
    pages.sort(key=lambda p: p.published)
    return pages


def crawl_order(pages: Sequence[Page], late_share: float = 0.2, seed: int = 0) -> list[Page]:
    """The order a crawler meets ``pages`` in: publication order, except that the
    originals of a ``late_share`` of the stories arrive last (after their copies), as when
    the wire's own page is crawled after the sites that republished it."""
    rng = random.Random(seed)
    late = {p.story for p in pages if p.role == "original" and rng.random() < late_share}
    early = [p for p in pages if not (p.role == "original" and p.story in late)]
    return early + [p for p in pages if p.role == "original" and p.story in late]


def _new_headline(story: Story, rng: random.Random) -> str:
    words = story.title.split()
    forms = (
        "{first}: what we know so far",
        "{t} — {first}",
        "Breaking: {t}",
        "{t} ({when})",
    )
    return rng.choice(forms).format(first=" ".join(words[:4]), t=story.title,
                                    when=rng.choice(DAYS))


def _edit_copy(story: Story, paragraphs: list[str], dateline: str | None,
               credits: str | None, when: datetime, rng: random.Random,
               titles: Sequence[str]) -> tuple[list[str], list[str], str | None,
                                               str | None, str | None]:
    """One republished copy: trim, spin, promo lines, dateline/credits kept or dropped."""
    n = len(paragraphs)
    keep = n if rng.random() < 0.4 else rng.randint(max(2, -(-n // 3)), n)
    body = list(paragraphs[:keep])
    if rng.random() < 0.5:
        share = rng.choice((0.3, 0.5))
        body = [_spin_paragraph(p, rng, share) for p in body]
    c_dateline = dateline if dateline and rng.random() < 0.7 else None
    c_credits = credits if credits and keep == n and rng.random() < 0.7 else None
    if story.wire and c_dateline is None and rng.random() < 0.3:
        c_dateline = _dateline(story, when, rng)  # a copy that adds its own dateline
    if c_dateline:
        body[0] = f"{c_dateline} {body[0]}"
    promo: list[str] = []
    for _ in range(rng.choice((0, 1, 2, 3))):
        line = _promo_line(rng, [t for t in titles if t != story.title])
        body.insert(rng.randint(1, len(body)), line)
        promo.append(line)
    if c_credits:
        body.append(c_credits)
    wire = story.wire if (c_dateline or c_credits) else None
    return body, promo, wire, c_dateline, c_credits


def _liveblogs(stories: Sequence[Story], count: int, start: datetime,
               rng: random.Random) -> list[Page]:
    """Live blogs: entries summarise other stories in one sentence; a later version adds
    entries. Both versions are one story."""
    pages = []
    for b in range(count):
        site = SITES[(b * 7 + 2) % len(SITES)]
        picked = rng.sample(list(stories), min(12, len(stories)))
        entries = [f"{9 + e}:{rng.randint(10, 59)} — {_first_sentence(s.paragraphs[0])} "
                   f"We will bring you more on this as it develops, our live team said."
                   for e, s in enumerate(picked)]
        title = f"Live: the day's news from around the region, part {b + 1}"
        for version, upto in enumerate((6, 12)):
            when = start + timedelta(hours=3 + 5 * version, minutes=b)
            url = (f"https://{site.domain}/live/2024/05/01/regional-updates-{b}"
                   f"{'-update' if version else ''}.html")
            paragraphs = list(reversed(entries[:upto]))
            pages.append(Page(url, render(site, url, title, paragraphs, when, []),
                              f"liveblog-{b}", "liveblog", [], None, None, None, when,
                              paragraphs))
    return pages


_QUOTES = (
    "The closure was first reported by the Associated Press on {d}.",
    "Officials confirmed the figures to Reuters, according to a report published on {d}.",
    "As AFP reported earlier, talks between the two sides broke down on {d}.",
    "A spokesman told the German news agency dpa that no decision had been taken.",
    "The PA news agency said the hearing had been moved to {d}.",
    "UPI reported on {d} that the agency had opened an inquiry.",
)


def _quoting(seed: int, count: int, start: datetime, rng: random.Random,
             teasers_for: object) -> list[Page]:
    """Local stories that quote a wire mid-text and credit a wire photo: no wire."""
    pages = []
    for k, story in enumerate(compose_stories(count, seed=seed + 2000)):
        site = SITES[(k * 5 + 3) % len(SITES)]
        when = start + timedelta(hours=4, minutes=17 * k)
        body = list(story.paragraphs)
        quote = rng.choice(_QUOTES).format(d=rng.choice(DAYS))
        body.insert(rng.randint(1, len(body) - 1), quote)
        body[-1] = body[-1] + " " + rng.choice(_QUOTES).format(d=rng.choice(DAYS))
        url = f"https://{site.domain}/{site.section}/{when:%Y/%m/%d}/{_slug(story.title)}.html"
        pages.append(Page(url, render(site, url, story.title, body, when, [],
                                      rng.choice(_CREDIT_NAMES)),
                          f"quoting-{seed}-{k}", "quoting", [], None, None, None, when, body))
    return pages
