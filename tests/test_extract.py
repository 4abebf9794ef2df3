"""Unit tests of newsarchive.extract with small pages written here."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsarchive.dedup.urls import article_id
from newsarchive.extract import NotAnArticle, extract_page
from newsarchive.extract.dates import date_from_url, parse_datetime
from newsarchive.extract.encoding import decode_html, normalize_label, repair_hungarian
from newsarchive.extract.metadata import clean_authors, clean_title
from newsarchive.extract.pagetype import listing_url_reason
from newsarchive.items import DiscoveryHints

CRAWLED = datetime(2022, 7, 7, 15, 0, tzinfo=UTC)

PARAGRAPHS = "\n".join(
    f"<p>Paragraph {i} of the story tells how the council voted on the new harbour bridge, "
    f"what the mayor said about its cost, and why residents of the old town worry about "
    f"traffic during the three years of building work that start next spring.</p>"
    for i in range(1, 7)
)


def page(head: str = "", body_top: str = "", *, lang: str = "en", title: str = "Bridge vote",
         paragraphs: str = PARAGRAPHS) -> str:
    return (
        f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title>{head}</head><body>"
        f"<header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav></header>"
        f"<main><article>{body_top}<h1>Council approves harbour bridge</h1>"
        f"{paragraphs}</article></main><footer><p>(c) Example Media</p></footer></body></html>"
    )


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


URL = "https://www.example.com/news/2021/12/30/council-approves-harbour-bridge"
#: Shows the metadata's author names on the page (names given only to machines are not
#: read) without being a byline.
SHOWN = "<aside class=\"contributors\">Jane Roe, Ann Lee</aside>"


# --- whole pages ---------------------------------------------------------------------------
def test_jsonld_article_fields() -> None:
    head = ld({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Council approves harbour bridge",
        "datePublished": "2021-12-30T22:15:00-05:00", "dateModified": "2021-12-31T08:00:00Z",
        "author": [{"@type": "Person", "name": "Jane Roe"},
                   {"@type": "Person", "name": "John Doe"}],
        "publisher": {"@type": "Organization", "name": "Example News"},
    }) + '<link rel="canonical" href="https://example.com/news/harbour-bridge?utm_source=x">'
    article = extract_page(page(head, SHOWN), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"
    assert article.authors == ["Jane Roe", "John Doe"]
    assert article.published_at == datetime(2021, 12, 31, 3, 15, tzinfo=UTC)
    assert article.date_source == "jsonld"
    assert article.modified_at == datetime(2021, 12, 31, 8, 0, tzinfo=UTC)
    assert article.site_name == "Example News"
    assert article.canonical_url == "https://example.com/news/harbour-bridge"
    assert article.article_id == article_id("https://example.com/news/harbour-bridge")
    assert article.domain == "example.com"
    assert article.url == URL
    assert article.language == "en"
    assert article.crawled_at == CRAWLED
    lines = article.body.split("\n")
    assert lines[0] == "Council approves harbour bridge"  # trafilatura keeps the heading
    assert lines[1].startswith("Paragraph 1 of the story") and len(lines) == 7
    assert "Home" not in article.body and "Example Media" not in article.body
    assert article.word_count == len(re.findall(r"\w+", article.body))
    assert article.wire_source is None and article.dateline is None
    assert article.credits is None and article.cluster_id is None


def test_jsonld_graph_and_type_array() -> None:
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example"},
        {"@type": ["ReportageNewsArticle", "Article"], "headline": "Graph headline",
         "datePublished": "2021-12-30", "author": "Ann Lee and Bo Chan"},
    ]})
    article = extract_page(page(head, SHOWN), URL, crawled_at=CRAWLED)
    assert article.title == "Graph headline"
    assert article.authors == ["Ann Lee", "Bo Chan"]
    assert article.published_at == datetime(2021, 12, 30, tzinfo=UTC)
    assert article.date_source == "jsonld"


def test_meta_tags_and_title_suffix() -> None:
    head = (
        '<meta property="og:site_name" content="The Daily Example">'
        '<meta property="og:type" content="article">'
        '<meta property="og:title" content="Council approves bridge | The Daily Example">'
        '<meta property="article:published_time" content="2021-12-30T10:00:00+01:00">'
        '<meta property="article:modified_time" content="2021-12-30T12:00:00+01:00">'
        '<meta name="author" content="Jane Roe, John Doe">'
        '<meta property="article:author" content="https://www.facebook.com/janeroe">'
        '<meta property="og:url" content="https://other-site.org/copied">'
    )
    # Without a heading: the page's only <h1> would replace an unrelated og:title.
    html = page(head, SHOWN).replace("<h1>Council approves harbour bridge</h1>", "")
    article = extract_page(html, URL, crawled_at=CRAWLED)
    assert article.title == "Council approves bridge"
    assert article.site_name == "The Daily Example"
    assert article.authors == ["Jane Roe", "John Doe"]
    assert article.published_at == datetime(2021, 12, 30, 9, 0, tzinfo=UTC)
    assert article.date_source == "meta"
    assert article.modified_at == datetime(2021, 12, 30, 11, 0, tzinfo=UTC)
    # og:url on another site is ignored
    assert article.canonical_url == "https://example.com/news/2021/12/30/council-approves-harbour-bridge"


def test_title_from_html_title_with_site_prefix() -> None:
    html = page(title="Example News - Council approves bridge",
                head='<meta property="og:site_name" content="Example News">')
    html = html.replace("<h1>Council approves harbour bridge</h1>", "")
    article = extract_page(html, URL, crawled_at=CRAWLED)
    assert article.title == "Council approves bridge"


def test_time_element_date() -> None:
    top = '<time datetime="2021-12-30T18:30:00Z">Dec 30</time>'
    article = extract_page(page(body_top=top), "https://example.com/news/harbour-bridge-vote",
                           crawled_at=CRAWLED)
    assert article.published_at == datetime(2021, 12, 30, 18, 30, tzinfo=UTC)
    assert article.date_source == "time"


def test_hint_then_url_then_nothing() -> None:
    plain_url = "https://example.com/news/harbour-bridge-vote"
    hints = DiscoveryHints(published_at=datetime(2021, 12, 29, 6, 0, tzinfo=UTC),
                           source="sitemap", title="Bridge")
    article = extract_page(page(), URL, crawled_at=CRAWLED, hints=hints)
    assert (article.published_at, article.date_source) == (
        datetime(2021, 12, 29, 6, 0, tzinfo=UTC), "sitemap")
    article = extract_page(page(), URL, crawled_at=CRAWLED)
    assert (article.published_at, article.date_source) == (
        datetime(2021, 12, 30, tzinfo=UTC), "url")
    article = extract_page(page(), plain_url, crawled_at=CRAWLED)
    assert (article.published_at, article.date_source) == (None, None)


def test_future_and_ancient_dates_are_skipped() -> None:
    head = (
        '<meta property="article:published_time" content="2030-01-01T00:00:00Z">'
        '<meta name="date" content="1970-01-01">'
    )
    article = extract_page(page(head), URL, crawled_at=CRAWLED)
    assert (article.published_at, article.date_source) == (
        datetime(2021, 12, 30, tzinfo=UTC), "url")


def test_today_banner_is_not_a_publication_date() -> None:
    banner = "<div class=\"topbar\">Thursday, July 7, 2022</div>"
    html = page().replace("<header>", "<header>" + banner)
    article = extract_page(html, "https://example.com/news/harbour-bridge-vote",
                           crawled_at=CRAWLED)
    assert article.published_at is None
    assert article.date_source is None


def test_text_date_when_far_from_capture() -> None:
    top = "<p class=\"date\">Published: 2021-12-30</p>"
    article = extract_page(page(body_top=top), "https://example.com/news/harbour-bridge-vote",
                           crawled_at=CRAWLED)
    assert article.published_at == datetime(2021, 12, 30, tzinfo=UTC)
    assert article.date_source == "text"


def test_windows_1250_bytes_decoded() -> None:
    text = ("Árvíztűrő tükörfúrógép: a főváros közgyűlése szerdán döntött az új hídról, "
            "és a lakók örülnek, mert a forgalom csökkenni fog a belvárosban. ")
    paragraphs = "\n".join(f"<p>{text * 2}</p>" for _ in range(4))
    html = page(lang="hu", paragraphs=paragraphs).replace('<meta charset="utf-8">', "")
    data = html.encode("cp1250")
    article = extract_page(data, URL, headers={"content-type": "text/html; charset=windows-1250"},
                           crawled_at=CRAWLED)
    assert "Árvíztűrő tükörfúrógép" in article.body
    assert "õ" not in article.body and "\ufffd" not in article.body
    assert article.language == "hu"
    # the same bytes labelled only in <meta>
    meta_html = html.replace("<head>", '<head><meta http-equiv="Content-Type" '
                                       'content="text/html; charset=iso-8859-2">')
    article = extract_page(meta_html.encode("iso-8859-2"), URL, crawled_at=CRAWLED)
    assert "Árvíztűrő" in article.body


def test_latin1_stand_ins_repaired_in_hungarian_only() -> None:
    text = ("A fõvárosi közgyûlés szerdán döntött az új hídról, és a lakók örülnek, mert "
            "a forgalom csökkenni fog a belvárosban, írta a helyi önkormányzat. ")
    paragraphs = "\n".join(f"<p>{text * 2}</p>" for _ in range(4))
    article = extract_page(page(lang="hu", paragraphs=paragraphs), URL, crawled_at=CRAWLED)
    assert "A fővárosi közgyűlés szerdán" in article.body
    assert "õ" not in article.body and "û" not in article.body
    assert repair_hungarian("Õ mondta: tûz!") == "Ő mondta: tűz!"
    assert repair_hungarian(None) is None
    french = ("Le côté sûr du pôle: où êtes-vous allé hier soir avec les enfants du quartier "
              "pour voir le feu d'artifice sur le port? ")
    paragraphs = "\n".join(f"<p>{french * 2}</p>" for _ in range(4))
    article = extract_page(page(lang="fr", paragraphs=paragraphs), URL, crawled_at=CRAWLED)
    assert "Le côté sûr du pôle" in article.body


def test_decode_order() -> None:
    assert decode_html("\ufeffx".encode(), "text/html; charset=latin-1") == ("x", "utf-8")
    assert decode_html(b"caf\xe9", "text/html; charset=ISO-8859-1") == ("café", "cp1252")
    assert decode_html(b"\x93q\x94", "text/html; charset=iso-8859-1")[0] == "\u201cq\u201d"
    assert decode_html(b"<meta charset=windows-1250>\xf5", None)[0].endswith("ő")
    assert decode_html("ő".encode(), "text/html; charset=utf-8") == ("ő", "utf-8")
    # a false utf-8 label falls through to detection instead of producing U+FFFD
    text, _ = decode_html(("Árvíztűrő tükörfúrógép " * 30).encode("cp1250"),
                          "text/html; charset=utf-8")
    assert "\ufffd" not in text
    assert normalize_label("latin1") == "cp1252"
    assert normalize_label("no-such-charset") is None


def test_language_fallbacks() -> None:
    html = page(head='<meta property="og:locale" content="de_DE">').replace(' lang="en"', "")
    assert extract_page(html, URL, crawled_at=CRAWLED).language == "de"
    html = page().replace(' lang="en"', "")
    assert extract_page(html, URL, crawled_at=CRAWLED).language == "en"


# --- rejections ----------------------------------------------------------------------------
def listing_page() -> str:
    items = "\n".join(
        f'<article class="teaser"><h2><a href="/news/story-number-{i}-about-things">Story '
        f"number {i} about things</a></h2><p>Short teaser {i}.</p></article>"
        for i in range(30)
    )
    return (f"<html lang=\"en\"><head><title>News | Example</title>"
            f"<meta property=\"og:type\" content=\"website\"></head><body>{items}</body></html>")


def test_listing_page_rejected() -> None:
    with pytest.raises(NotAnArticle) as info:
        extract_page(listing_page(), "https://example.com/news", crawled_at=CRAWLED)
    assert info.value.reason == "listing"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://example.com/tag/politics/", "tag"),
        ("https://example.com/author/jane-roe/page/3/", "author"),
        ("https://example.com/?s=bridge", "search"),
        ("https://example.com/2019/07/06", "archive"),
    ],
)
def test_listing_urls_rejected(url: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as info:
        extract_page(listing_page(), url, crawled_at=CRAWLED)
    assert info.value.reason == reason


def test_collection_page_rejected_even_with_text() -> None:
    head = ld({"@context": "https://schema.org", "@type": "CollectionPage", "name": "News"})
    html = page(head).replace("<h1>Council approves harbour bridge</h1>", "")
    with pytest.raises(NotAnArticle):
        extract_page(html, "https://example.com/news", crawled_at=CRAWLED)


@pytest.mark.parametrize(
    ("html", "headers", "status", "reason"),
    [
        ("", None, None, "empty"),
        ("<html><body><p>Hi</p></body></html>", None, None, "empty"),
        ('{"a": 1}', {"content-type": "application/json"}, None, "not-html"),
        (page(), None, 404, "error-status"),
    ],
)
def test_rejections(html: str, headers: dict[str, str] | None, status: int | None,
                    reason: str) -> None:
    with pytest.raises(NotAnArticle) as info:
        extract_page(html, URL, headers=headers, crawled_at=CRAWLED, status=status)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\xff\xfe\x00garbage", bytes(range(256)) * 20, b"<html><body>" * 500,
     b"<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
     "<html>\ud800</html>".encode("utf-8", "surrogatepass")],
)
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(NotAnArticle):
        extract_page(data, URL, crawled_at=CRAWLED)


def test_bad_url_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        extract_page(page(), "not a url", crawled_at=CRAWLED)


# --- helpers -------------------------------------------------------------------------------
def test_clean_title() -> None:
    assert clean_title("Big story | Example News", "Example News", "example.com") == "Big story"
    assert clean_title("Big story - Example", None, "example.com") == "Big story"
    assert clean_title("Example News — Big story", "Example News", "x.org") == "Big story"
    assert clean_title("Big story: what next", "Example News", "x.org") == "Big story: what next"
    assert clean_title("Example News", "Example News", "example.com") == "Example News"


def test_clean_authors() -> None:
    raw = ["By Jane Roe and John Doe", "jane@example.com", "https://example.com/jane",
           "Example News", "Jane Roe", "Ann Lee, Bo Chan"]
    assert clean_authors(raw, "Example News") == ["Jane Roe", "John Doe", "Ann Lee", "Bo Chan"]


def test_date_helpers() -> None:
    assert date_from_url("https://x.com/a/2021/12/30/slug") == datetime(2021, 12, 30, tzinfo=UTC)
    assert date_from_url("https://x.com/auto/20190823-bmw-teszt.html") == datetime(
        2019, 8, 23, tzinfo=UTC)
    assert date_from_url("https://x.com/search?from=2019-07-12") is None
    assert parse_datetime("2021-12-30T10:00:00") == datetime(2021, 12, 30, 10, tzinfo=UTC)
    assert parse_datetime("Thu, 30 Dec 2021 22:15:00 GMT") == datetime(
        2021, 12, 30, 22, 15, tzinfo=UTC)
    assert parse_datetime("2021") is None
    assert parse_datetime("nonsense words") is None


def test_listing_url_reason() -> None:
    assert listing_url_reason("https://hvg.hu/kultura/1050?page=2") == "listing"
    assert listing_url_reason("https://x.hu/cikk/egy-hosszu-cikk-cime?page=3") is None
    assert listing_url_reason("https://forum.example.hu/Topic/showTopicList?t=9") == "forum-list"
    assert listing_url_reason("https://x.hu/archivum/page/2/") == "archive"
    assert listing_url_reason("https://x.com/news/2021/12/30/slug") is None


# --- headline, bylines, time zones (issue 3) -------------------------------------------------
def _simple(head: str = "", top: str = "", title: str = "Bridge vote") -> str:
    return page(head, top, title=title)


def test_heading_replaces_metadata_headline_with_unknown_suffix() -> None:
    head = ('<meta property="og:title" '
            'content="Council approves harbour bridge | Politics | 28.04.2023">')
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"


def test_heading_inside_the_headline_does_not_replace_it() -> None:
    head = ('<meta property="og:title" content="Harbour news: Council approves harbour bridge '
            'plan for the old town">')
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Harbour news: Council approves harbour bridge plan for the old town"


def test_kicker_in_front_of_the_heading_is_dropped() -> None:
    head = '<meta property="og:title" content="Harbour: Council approves harbour bridge">'
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"


def test_heading_in_capitals_is_taken_as_written() -> None:
    head = '<meta property="og:title" content="COUNCIL APPROVES HARBOUR BRIDGE">'
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"


def test_title_naming_only_the_site_gives_way_to_the_heading() -> None:
    head = '<meta property="og:site_name" content="Harbour Diary">'
    article = extract_page(_simple(head, title="Harbour Diary"), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"


def test_title_character_references_and_mojibake_resolved() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Mayor&#39;s &quot;yes&quot; to the sanciÃ³n"})
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Mayor's \"yes\" to the sanción"
    head = (ld({"@type": "NewsArticle"})
            + '<meta property="og:title" content="Council&#8217;s harbour bridge">')
    assert extract_page(_simple(head), URL, crawled_at=CRAWLED).title == (
        "Council\u2019s harbour bridge")


def test_jsonld_author_reference_in_graph() -> None:
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Council approves harbour bridge",
         "author": {"@id": "https://www.example.com/#/person/1"}},
        {"@type": "Person", "@id": "https://www.example.com/#/person/1", "name": "Jane Roe"},
    ]})
    assert extract_page(_simple(head, SHOWN), URL, crawled_at=CRAWLED).authors == ["Jane Roe"]


def test_site_organization_author_falls_through_to_meta() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Example News"},
               "publisher": {"@type": "Organization", "name": "Example News"}})
    head += '<meta name="author" content="Jane Roe">'
    assert extract_page(_simple(head, SHOWN), URL, crawled_at=CRAWLED).authors == ["Jane Roe"]


@pytest.mark.parametrize(("markup", "expected"), [
    ('<span class="author vcard"><a class="url fn n" href="/u/jr">Jane Roe</a></span>',
     ["Jane Roe"]),
    ('<p class="meta">Posted by Konstantin</p>', ["Konstantin"]),
    ('<div>Von Hans Meier und Eva Lang</div>', ["Hans Meier", "Eva Lang"]),
    ('<a rel="author" href="/a">View all posts by Daniel Roe</a>', ["Daniel Roe"]),
    ('<span itemprop="author" itemscope><span itemprop="name">Ola Nordmann</span></span>',
     ["Ola Nordmann"]),
    ('<div class="comments"><span class="comment-author">Troll</span></div>', []),
    ('<p>Von Berlin aus fuhr der Zug nach Hamburg weiter.</p>', []),
    ('<p>Von Ursula von der Leyen und Jose de la Cruz</p>',
     ["Ursula von der Leyen", "Jose de la Cruz"]),
    ('<div class="entry-meta"><span class="byline">by <span class="author vcard">'
     '<a class="url fn n" href="/a/x" title="View all posts by Ann Lee">Ann Lee</a>'
     '</span></span></div>', ["Ann Lee"]),
    ('<div class="page-meta--author">Posted on September 21, 2020 by Adi Tzlil</div>',
     ["Adi Tzlil"]),
    ('<div class="post-footer"><span class="post-author">Eingestellt von '
     '<span class="fn">der Michel</span></span></div>', ["der Michel"]),
])
def test_bylines_in_markup(markup: str, expected: list[str]) -> None:
    article = extract_page(_simple(top=markup), URL, crawled_at=CRAWLED)
    assert article.authors == expected


def test_author_cleaning_rules() -> None:
    assert clean_authors(["Trine Jørgensen og Tôrtia Reimer"], None) == [
        "Trine Jørgensen", "Tôrtia Reimer"]
    assert clean_authors(["Elena Oberholzer (obe)", "Staff", "Redaktion"], None) == [
        "Elena Oberholzer"]
    assert clean_authors(["Deutsche Welle (www.dw.com)"], "Deutsche Welle") == []
    assert clean_authors(["Professor at the Faculty of Social Studies of the University"],
                         None) == []
    assert clean_authors(["Publiziert am"], None) == []
    assert clean_authors(["Joe S.", "Perry Bacon Jr.", "Rodolfo Costa.", "Author: Bo2man",
                          "Foto: Ingo Schneider", "Williams Perdomo @wperdomod",
                          "Grant Tinsley, PhD", "No Author"], None) == [
        "Joe S.", "Perry Bacon Jr.", "Rodolfo Costa", "Bo2man", "Williams Perdomo",
        "Grant Tinsley"]


def test_published_keeps_the_pages_offset() -> None:
    head = ld({"@type": "NewsArticle", "datePublished": "2023-11-08T21:30:00-05:00"})
    article = extract_page(_simple(head), URL.replace("2021/12/30/", ""),
                           crawled_at=CRAWLED.replace(year=2024))
    assert article.published_at == datetime(2023, 11, 9, 2, 30, tzinfo=UTC)
    assert article.published_at is not None
    assert article.published_at.date().isoformat() == "2023-11-08"
    parsed = parse_datetime("2023-11-08T21:30:00+01:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=1)


def test_chinese_and_japanese_text_counts_words_without_spaces() -> None:
    from newsarchive.extract.pagetype import count_words

    assert count_words("two words") == 2
    assert count_words("子どもへの体罰を禁止する法律ができる") == 9
    assert count_words("한국 뉴스 기사입니다") == 3


def test_blog_prefix_before_the_heading_is_dropped() -> None:
    head = '<meta property="og:title" content="Blog Archive » Council approves harbour bridge">'
    article = extract_page(_simple(head), URL, crawled_at=CRAWLED)
    assert article.title == "Council approves harbour bridge"


def test_shrink_giant_tags_only_changes_a_giant_start_tag() -> None:
    from newsarchive.extract import MAX_TAG_CHARS, shrink_giant_tags

    text = "x" * (MAX_TAG_CHARS + 1)
    # a long run of text after a tag that closed, or after a "<" that a later "<" follows,
    # is not a start tag: the page is returned as it is
    for page in (f"<p>{text}</p>", f"<p>a < {text}<b>bold</b></p>"):
        assert shrink_giant_tags(page) is page
    page = "<div>" * 100 + f"<p title=\"{text}\">kept</p>"
    assert shrink_giant_tags(page) == "<div>" * 100 + "<p>kept</p>"
