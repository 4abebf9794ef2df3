"""Unit tests of the page-type filter (newsarchive.extract.pagetype) on pages written here."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from newsarchive.extract import NotAnArticle, extract_page
from newsarchive.extract.metadata import read_metadata
from newsarchive.extract.pagetype import (
    MAX_HEADLINE_HEADINGS,
    _teasers,
    _text_and_link_chars,
    ambiguous_listing_url,
    own_addresses,
    page_signals,
    url_has_slug,
)

CRAWLED = datetime(2022, 7, 7, 15, 0, tzinfo=UTC)

STORY = " ".join(
    f"Sentence {i} of the report explains how the village hall was rebuilt after the flood, "
    f"who paid for the new roof and what the volunteers plan for the opening in spring."
    for i in range(1, 13)
)


def one_document(head: str = "", heading: str = "Rebuilding the village hall",
                 paragraphs: int = 3, extra: str = "") -> str:
    text = "".join(f"<p>{STORY}</p>" for _ in range(paragraphs))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{heading}</title>{head}</head><body><div id=\"page\">"
            f"<h1>{heading}</h1>{text}{extra}</div></body></html>")


def teaser_list(n: int) -> str:
    return "".join(f"<h3><a href=\"/story-{i}\">Story number {i} of the week</a></h3>"
                   for i in range(n))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org", True),
        ("https://example.org/", True),
        ("https://example.org/?kategoria=4", False),
        ("https://example.org/1927", True),
        ("https://example.org/blog/2019/", True),
        ("https://example.org/2019/07/06", False),
        ("https://example.org/archive/63076", True),
        ("https://example.org/archiv/how-the-hall-was-rebuilt-73813", True),
        ("https://example.org/archive/page/99644", False),
        ("https://example.org/archive/2019-01-15", False),
        ("https://example.org/archive/2019/01/15/", False),
        ("https://example.org/archive/index.html", False),
        ("https://example.org/archive?page=3", False),
        ("https://example.org/tag/village-hall-news/", False),
    ],
)
def test_ambiguous_listing_url(url: str, expected: bool) -> None:
    assert ambiguous_listing_url(url) is expected


def test_one_page_site_at_the_root_is_an_article() -> None:
    article = extract_page(one_document(), "https://village-hall.example/", crawled_at=CRAWLED)
    assert article.title == "Rebuilding the village hall"
    assert article.body.count("Sentence 1 of the report") == 3


def test_root_with_a_teaser_list_stays_a_listing() -> None:
    html = one_document(extra=teaser_list(12))
    with pytest.raises(NotAnArticle) as info:
        extract_page(html, "https://village-hall.example/", crawled_at=CRAWLED)
    assert info.value.reason == "section"


@pytest.mark.parametrize("url", ["https://news.example/archive/63076",
                                 "https://news.example/1927"])
def test_archived_document_is_an_article(url: str) -> None:
    article = extract_page(one_document(), url, crawled_at=CRAWLED)
    assert article.title == "Rebuilding the village hall"


def test_archive_page_url_stays_a_listing() -> None:
    with pytest.raises(NotAnArticle) as info:
        extract_page(one_document(), "https://news.example/archive/page/2", crawled_at=CRAWLED)
    assert info.value.reason == "archive"


def _menu(links: int) -> str:
    return "".join(f"<li><a href=\"/section-{i}\">Section number {i} of the site menu</a></li>"
                   for i in range(links))


def _menu_page(wrapper: str) -> str:
    menu = f"<{wrapper}><ul>{_menu(200)}</ul></{wrapper}>"
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Rebuilding the village hall</title>"
            f"<meta property=\"og:type\" content=\"website\"></head><body>{menu}"
            f"<main><h1>Rebuilding the village hall</h1><p>{STORY}</p></main></body></html>")


def test_links_in_the_navigation_do_not_make_a_listing() -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    article = extract_page(_menu_page("nav"), url, crawled_at=CRAWLED)
    assert article.title == "Rebuilding the village hall"


def test_the_same_links_in_the_content_make_a_listing() -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    with pytest.raises(NotAnArticle) as info:
        extract_page(_menu_page("div"), url, crawled_at=CRAWLED)
    assert info.value.reason == "listing"


def _mega_menu_page(ident: str) -> str:
    """A page whose menu heads its link lists with linked headings (a mega menu) inside a
    ``<div>`` with id ``ident``."""
    groups = "".join(f"<div><h4><a href=\"/topic-{g}\">Topic number {g} of the site</a></h4>"
                     f"<ul>{_menu(10)}</ul></div>" for g in range(30))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Rebuilding the village hall</title>"
            f"<meta property=\"og:type\" content=\"website\"></head><body>"
            f"<div id=\"{ident}\">{groups}</div><div id=\"content\">"
            f"<h1>Rebuilding the village hall</h1><p>{STORY}</p></div></body></html>")


@pytest.mark.parametrize("ident", ["header", "footer", "navigation", "mainMenu", "nav"])
def test_mega_menu_in_a_pre_html5_header_or_navigation_is_not_a_listing(ident: str) -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    article = extract_page(_mega_menu_page(ident), url, crawled_at=CRAWLED)
    assert article.title == "Rebuilding the village hall"


@pytest.mark.parametrize("ident", ["menu-teasers", "page", "header-stories"])
def test_mega_menu_under_another_id_makes_a_listing(ident: str) -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    with pytest.raises(NotAnArticle) as info:
        extract_page(_mega_menu_page(ident), url, crawled_at=CRAWLED)
    assert info.value.reason == "listing"


def _link_share(body: str) -> float:
    root = lxml.html.document_fromstring(f"<html><body>{body}</body></html>")
    return page_signals(root, None, "https://x.example/a-b-c", "").link_share


def test_link_share_is_measured_outside_the_chrome() -> None:
    content = "<p>" + "a" * 450 + "<a href=\"/x\">" + "b" * 150 + "</a></p>"
    chrome = "<div role=\"navigation\"><a href=\"/y\">" + "c" * 900 + "</a></div>"
    assert _link_share(content + chrome) == pytest.approx(150 / 600)
    # Too little text outside the chrome (under 500 characters): the whole page counts.
    small = "<p>" + "a" * 300 + "<a href=\"/x\">" + "b" * 100 + "</a></p>"
    assert _link_share(small + chrome) == pytest.approx(1000 / 1300)


def test_text_and_link_chars_counts_visible_text() -> None:
    page = lxml.html.document_fromstring(
        "<html><body><div id=\"m\"> abc <a href=\"/x\">de<b>f</b><script>var x;</script></a>"
        "gh <!-- note --> ij<style>p{}</style>kl</div>"
        "<div ROLE=\"Navigation\"><a href=\"/y\">mnop</a>q<svg><text>drawn</text></svg></div>"
        "<footer>rs<a href=\"/z\">t</a></footer></body></html>")
    # visible: abc de f gh ij kl (12, 3 linked) | mnop q (5, 4 linked; chrome by its role in
    # any case) | rs t (3, 1 linked; chrome); not the script, style, svg or comment
    assert _text_and_link_chars(page.find("body")) == (20, 8, 12, 3)
    # The measured element itself can be chrome; the chrome above it does not count.
    nav = page.xpath("//div[@role]")[0]
    assert _text_and_link_chars(nav) == (5, 4, 0, 0)
    assert _text_and_link_chars(page.xpath("//footer/a")[0]) == (1, 1, 1, 1)


def test_teasers_count_linked_headings_and_cards() -> None:
    page = lxml.html.document_fromstring(
        "<html><body><h2><a href=\"/a\">One</a></h2><a href=\"/b\"><h3>Two</h3></a>"
        "<h4>Plain heading</h4><h6><a href=\"/c\">Not a headline level</a></h6>"
        "<article><h3>Card</h3><p><a href=\"/d\">more</a></p></article>"
        "<article><h3><a href=\"/e\">Linked card</a></h3></article>"
        "<article><p><a href=\"/f\">no heading</a></p></article></body></html>")
    # One, Two, the card with an unlinked heading, and the linked heading of the last card
    assert _teasers(page) == 4


def test_teasers_leave_out_links_to_the_page_itself_and_the_navigation() -> None:
    url = "https://blog.example/2013/06/14/a-quiet-day/"
    page = lxml.html.document_fromstring(
        "<html><head><link rel=\"canonical\" href=\"https://blog.example/2013/06/14/"
        "a-quiet-day/\"></head><body>"
        # the post's title linked to its permalink, relative or absolute; the comment form
        "<h2><a href=\"/2013/06/14/a-quiet-day\" rel=\"bookmark\">A quiet day</a></h2>"
        "<h2><a href=\"http://www.blog.example/2013/06/14/a-quiet-day/\">Again</a></h2>"
        "<h3><a href=\"#respond\">Leave a reply</a></h3>"
        # a mega menu and a page footer's site map
        "<nav><h3><a href=\"/topics\">Topics</a></h3></nav>"
        "<div role=\"menu\"><h4><a href=\"/about\">About</a></h4></div>"
        "<footer><h4><a href=\"/contact\">Contact</a></h4></footer>"
        # counted: another post, a side bar's teaser, a teaser headed inside its <article>
        "<h2><a href=\"/2013/06/13/another-day/\">Another day</a></h2>"
        "<aside><h3><a href=\"/2013/06/12/most-read/\">Most read</a></h3></aside>"
        "<article><header><h2><a href=\"/2013/06/11/x/\">Teaser</a></h2></header></article>"
        "</body></html>")
    own = own_addresses(url, read_metadata(page, url))
    assert _teasers(page, url, own) == 3
    assert _teasers(page) == 6  # without the page's addresses only the navigation is left out


def _blog_post(title_link: str) -> str:
    post = "Nothing happened today and that was fine, the river ran on."
    return (f"<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">"
            f"<title>A quiet day by the river in the middle of June | Notes</title>"
            f"<meta property=\"og:type\" content=\"article\"></head><body>"
            f"<h1><a href=\"https://notes.example/\">Notes</a></h1><div class=\"post\">"
            f"<h2 class=\"entry-title\"><a href=\"{title_link}\" rel=\"bookmark\">"
            f"A quiet day by the river in the middle of June</a></h2><p>{post}</p></div>"
            f"<div class=\"widget\"><h2><a href=\"https://social.example/notes\">Social</a>"
            f"</h2></div></body></html>")


def test_post_title_linked_to_its_permalink_is_the_shown_headline() -> None:
    url = "https://notes.example/2013/06/14/a-quiet-day-by-the-river/"
    article = extract_page(_blog_post(url), url, crawled_at=CRAWLED)
    assert article.title == "A quiet day by the river in the middle of June"
    # The same title linked to another page is a teaser of that page.
    with pytest.raises(NotAnArticle) as info:
        extract_page(_blog_post("https://notes.example/2013/06/15/the-next-day/"), url,
                     crawled_at=CRAWLED)
    assert info.value.reason == "listing"


def test_headings_in_a_mega_menu_do_not_make_a_listing() -> None:
    url = "https://foundation.example/press/archive/young-researchers-present-new-ideas.html"
    menu = "".join(f"<li><h2><a href=\"/area-{i}\">Area {i}</a></h2></li>" for i in range(30))
    html = one_document(heading="Young researchers present new ideas")
    article = extract_page(html.replace("<body>", f"<body><nav><ul>{menu}</ul></nav>"), url,
                           crawled_at=CRAWLED)
    assert article.title == "Young researchers present new ideas"
    # The same headings in the content are a list of pages under an archive address.
    with pytest.raises(NotAnArticle) as info:
        extract_page(html.replace("<body>", f"<body><div><ul>{menu}</ul></div>"), url,
                     crawled_at=CRAWLED)
    assert info.value.reason == "archive"


def _signals(head: str, heading: str) -> tuple[bool, bool]:
    html = (f"<html><head>{head}</head><body><div><p>intro</p>{heading}<p>{STORY}</p></div>"
            f"</body></html>")
    root = lxml.html.document_fromstring(html)
    signals = page_signals(root, read_metadata(root, "https://x.example/a-b-c"),
                           "https://x.example/a-b-c", STORY)
    return signals.headline, signals.dated_headline


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        # the heading is the title, or a part of it
        ("Rebuilding the village hall", "<h1>Rebuilding the village hall</h1>", (True, False)),
        ("Rebuilding the village hall | Parish News", "<h1>Rebuilding the village hall</h1>",
         (True, False)),
        # the heading holds the headline part of the title and a kicker
        ("Rebuilding the village hall | Parish News",
         "<h1>After the flood - Rebuilding the village hall</h1>", (True, False)),
        # ... with its date in it, or beside it as the parent's only <time>
        ("Rebuilding the village hall - Parish News",
         "<h1><time datetime=\"2022-02-01\">1 February 2022</time> "
         "Rebuilding the village hall</h1>", (True, True)),
        ("Rebuilding the village hall", "<time>1 February 2022</time>"
         "<h2>Rebuilding the village hall</h2>", (True, True)),
        ("Rebuilding the village hall", "<time>1 February</time><time>2 February</time>"
         "<h2>Rebuilding the village hall</h2>", (True, False)),
        # a short part (a site or section name) does not make a heading the headline
        ("Parish News | Rebuilding the village hall", "<h1>Parish News of the month</h1>",
         (False, False)),
        # nor does a long heading around the title (a blurb quoting it)
        ("Rebuilding the village hall", "<h2>Everything you need to know about rebuilding "
         "the village hall, the roof, the volunteers and the spring opening</h2>",
         (False, False)),
        ("Rebuilding the village hall", "<h1><a href=\"/r\">Rebuilding the village hall</a></h1>",
         (False, False)),
        # ... unless the link leads to the page itself (a post's permalink)
        ("Rebuilding the village hall", "<h1><a href=\"/a-b-c\">Rebuilding the village hall</a>"
         "</h1>", (True, False)),
        # CSS written inside the heading (CSS-in-JS) is not its text
        ("Rebuilding the village hall", "<h1><style>.css-1a{font-size:16px;line-height:1.06;"
         "color:#707070;margin-bottom:12px;display:block}</style>Rebuilding the village hall"
         "</h1>", (True, False)),
    ],
)
def test_headline_shown(title: str, heading: str, expected: tuple[bool, bool]) -> None:
    assert _signals(f"<title>{title}</title>", heading) == expected


def test_headline_is_looked_for_in_the_first_headings_only() -> None:
    menu = "".join(f"<h3>Menu entry {i}</h3>" for i in range(MAX_HEADLINE_HEADINGS - 1))
    near = f"{menu}<h1>Rebuilding the village hall</h1>"
    assert _signals("<title>Rebuilding the village hall</title>", near) == (True, False)
    far = f"{menu}<h3>One more entry</h3><h1>Rebuilding the village hall</h1>"
    assert _signals("<title>Rebuilding the village hall</title>", far) == (False, False)


def _dated_menu_page(heading: str) -> str:
    menu = f"<div><ul>{_menu(200)}</ul></div>"
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Rebuilding the village hall - Parish News</title>"
            f"<meta property=\"og:type\" content=\"website\"></head><body>{menu}"
            f"<main>{heading}<p>{STORY}</p></main></body></html>")


def test_dated_headline_makes_the_links_navigation() -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    dated = ("<h1><time datetime=\"2022-02-01\">1 February 2022</time> "
             "Rebuilding the village hall</h1>")
    article = extract_page(_dated_menu_page(dated), url, crawled_at=CRAWLED)
    assert "Sentence 12 of the report" in article.body
    with pytest.raises(NotAnArticle) as info:
        extract_page(_dated_menu_page("<h1>Rebuilding the village hall</h1>"), url,
                     crawled_at=CRAWLED)
    assert info.value.reason == "listing"


def test_dated_headline_over_a_teaser_list_stays_a_listing() -> None:
    url = "https://news.example/club/news/rebuilding-the-village-hall"
    dated = ("<h1><time datetime=\"2022-02-01\">1 February 2022</time> "
             "Rebuilding the village hall</h1>" + teaser_list(12))
    with pytest.raises(NotAnArticle) as info:
        extract_page(_dated_menu_page(dated), url, crawled_at=CRAWLED)
    assert info.value.reason == "listing"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://news.example.com/politics/council-approves-harbour-bridge", True),
    ("https://news.example.com/story_of_the_day_here", True),
    ("https://news.example.com/a/1234567", True),
    ("https://news.example.com/2024/05/07/budget.html", True),
    ("https://news.example.com/politics/world-news", False),
    ("https://news.example.com/politics/", False),
    ("https://news.example.com/tags/über-straße-neu", True),
    # one 50,000-letter segment: answered by a linear scan (the former pattern backtracked
    # over the whole run at every position, about a minute for this URL)
    ("https://news.example.com/" + "a" * 50_000, False),
    ("https://news.example.com/" + "a" * 50_000 + "-b-c", True),
])
def test_url_has_slug(url: str, expected: bool) -> None:
    assert url_has_slug(url) is expected
