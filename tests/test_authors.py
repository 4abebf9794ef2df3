"""Unit tests of the author rules in newsarchive.extract.metadata, on pages written here."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsarchive.extract import extract_page
from newsarchive.extract.metadata import clean_authors, parse_html, publisher_keys, read_metadata

CRAWLED = datetime(2022, 7, 7, 15, 0, tzinfo=UTC)
URL = "https://www.example.com/news/2021/12/30/council-approves-harbour-bridge"
PARAGRAPHS = "\n".join(
    f"<p>Paragraph {i} of the story tells how the council voted on the new harbour bridge, "
    f"what the mayor said about its cost, and why residents of the old town worry about "
    f"traffic during the three years of building work that start next spring.</p>"
    for i in range(1, 7)
)


def page(head: str = "", top: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<link rel=\"canonical\" href=\"{URL}\"><title>Bridge vote</title>{head}</head><body>"
        "<header><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav></header>"
        f"<main><article>{top}<h1>Council approves harbour bridge</h1>"
        f"{PARAGRAPHS}</article></main><footer><p>Example Media</p></footer></body></html>"
    )


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


#: A sentence that shows the test authors' names on the page without being a byline:
#: names given only to machines are not read (``_on_page``).
SHOWN = "<p>Jane Roe and Ann Lee contributed reporting.</p>"


def authors(head: str = "", top: str = "") -> list[str]:
    return extract_page(page(head, top), URL, crawled_at=CRAWLED).authors


# --- the publisher is not an author ----------------------------------------------------------
def test_publisher_keys_cover_names_initials_and_host() -> None:
    root = parse_html('<html><head><meta property="og:site_name" content="Legal Tribune '
                      'Online"><link rel="canonical" href="https://www.lto.de/a/b"></head>'
                      '<body><p>Text</p></body></html>')
    assert root is not None
    meta = read_metadata(root, URL)
    assert publisher_keys(meta, "Legal Tribune Online") == {
        "legaltribuneonline", "lto", "ltode"}


def test_publisher_keys_empty_for_a_personal_site() -> None:
    head = ld({"@type": "BlogPosting", "publisher": {"@type": "Person", "name": "Jane Roe"}})
    root = parse_html(page(head))
    assert root is not None
    assert publisher_keys(read_metadata(root, URL), "Jane Roe") == set()


def test_author_equal_to_a_personal_sites_publisher_is_kept() -> None:
    head = ld({"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Roe"},
               "publisher": {"@type": "Person", "name": "Jane Roe"}})
    head += '<meta property="og:site_name" content="Jane Roe">'
    assert authors(head, SHOWN) == ["Jane Roe"]


def test_author_equal_to_host_label_falls_through_to_markup() -> None:
    head = '<meta name="author" content="EXAMPLE">'
    assert authors(head, '<span class="author">Jane Roe</span>') == ["Jane Roe"]


def test_site_acronym_is_not_an_author() -> None:
    assert clean_authors(["LTO"], "Legal Tribune Online", {"lto"}) == []
    assert clean_authors(["Lto Mann"], "Legal Tribune Online", {"lto"}) == ["Lto Mann"]


def test_publisher_with_own_host_in_parentheses() -> None:
    assert clean_authors(["Deutsche Welle (www.dw.com)"], "DW.COM", {"dw", "dwcom"}) == []
    assert clean_authors(["Jane Roe (www.other.org)"], "DW.COM", {"dw", "dwcom"}) == [
        "Jane Roe"]


def test_place_after_the_publisher_is_dropped() -> None:
    assert clean_authors(["Example News, Frankfurt, Germany"], "Example News") == []
    assert clean_authors(["Jane Roe, Example News, New York"], "Example News") == ["Jane Roe"]
    # "and" joins a second author, not a place
    assert clean_authors(["Example News and AFP"], "Example News") == ["AFP"]


def test_possessive_site_name_keeps_its_person() -> None:
    assert clean_authors(["Daniel Roe"], "Daniel Roe's blog") == ["Daniel Roe"]
    assert clean_authors(["Daniel Roe"], "Daniel Roe Media") == []


def test_organization_author_with_the_publishers_id_falls_through() -> None:
    head = ld({"@type": "NewsArticle",
               "author": {"@type": "Organization", "@id": "https://www.example.com/",
                          "name": "Example Broadcasting"},
               "publisher": {"@id": "https://www.example.com/"}})
    head += '<meta name="author" content="Jane Roe">'
    assert authors(head, SHOWN) == ["Jane Roe"]


def test_person_author_on_the_sites_url_is_kept() -> None:
    head = ld({"@type": "NewsArticle",
               "author": {"@type": "Person", "name": "Jane Roe", "url": "https://www.example.com"},
               "publisher": {"@type": "Organization", "url": "https://www.example.com",
                             "name": "Example News"}})
    assert authors(head, SHOWN) == ["Jane Roe"]


def test_organization_author_home_page_is_the_site() -> None:
    head = ld({"@type": "NewsArticle",
               "author": {"@type": "Organization", "url": "https://example.com/",
                          "name": "Example Broadcasting"}})
    assert authors(head) == []


@pytest.mark.parametrize("raw", [
    "Example Petcare GmbH", "Hanns-Muster-Stiftung e.V.", "Acme Inc", "Muster & Co. KG",
    "Muster & Co.",
    "Roe Holdings Ltd", "© 2021 Example Media", "All rights reserved", "publisher",
])
def test_companies_and_copyright_lines_are_not_authors(raw: str) -> None:
    assert clean_authors([raw], None) == []


def test_legal_form_word_only_counts_after_the_first_word() -> None:
    assert clean_authors(["Ag Jones", "Jane Roe"], None) == ["Ag Jones", "Jane Roe"]


# --- bylines running into a date -------------------------------------------------------------
@pytest.mark.parametrize(("markup", "expected"), [
    ('<div class="byline">Jane Roe Feb 21, 2020</div>', ["Jane Roe"]),
    ('<div class="byline">Jane Roe22. Februar 2020</div>', ["Jane Roe"]),
    ('<div class="byline">Jane Roe 21.02.2020</div>', ["Jane Roe"]),
    ('<div class="byline">Jane Roe 2020-02-21</div>', ["Jane Roe"]),
    ('<p class="text__byline">Veröffentlicht am 27.04.24 um 07:39 Uhr</p>', []),
    ('<div class="byline">Theresa May</div>', ["Theresa May"]),
])
def test_byline_date_tails(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


# --- written-out bylines -----------------------------------------------------------------------
@pytest.mark.parametrize(("markup", "expected"), [
    ('<p>Auteur\u00a0: Jean Dupont</p>', ["Jean Dupont"]),
    ('<p><strong>Autorin: Uta Roe, Projektleiterin der Stiftung in Tunis.</strong></p>',
     ["Uta Roe"]),
    ('<p><i>von Daniela Roe</i></p>', ["Daniela Roe"]),
    ('<h5>By Jane Roe, Paris correspondent</h5>', ["Jane Roe"]),
    ('<p><b>Von Hans Meier, Eva Lang und Ola Nordmann</b></p>',
     ["Hans Meier", "Eva Lang", "Ola Nordmann"]),
    ('<p><i>by the way, this is not a byline</i></p>', []),
])
def test_written_out_bylines(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


def test_times_and_dates_are_not_names() -> None:
    assert clean_authors(["03:07 Min", "8. November 2021", "Jane Roe"], None) == ["Jane Roe"]


# --- meta tags ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cxenseparse:author", "shareaholic:article_author_name",
                                  "dc:creator", "citation_author", "og:article:author"])
def test_more_author_meta_names(name: str) -> None:
    assert authors(f'<meta name="{name}" content="Jane Roe">', SHOWN) == ["Jane Roe"]


@pytest.mark.parametrize(("label", "expected"), [
    ("Written by", ["Jane Roe"]), ("Verfasst von", ["Jane Roe"]),
    ("Est. reading time", []),
])
def test_twitter_card_written_by(label: str, expected: list[str]) -> None:
    head = (f'<meta name="twitter:label1" content="{label}">'
            '<meta name="twitter:data1" content="Jane Roe">')
    assert authors(head, SHOWN) == expected


def test_meta_tags_come_after_jsonld() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Ann Lee"}})
    head += '<meta name="citation_author" content="Jane Roe">'
    assert authors(head, SHOWN) == ["Ann Lee"]


def test_bare_label_element_does_not_hide_the_name() -> None:
    markup = ('<div class="author"><span class="by">By</span> '
              '<a class="author-name" href="/a/jr">Jane Roe</a></div>')
    assert authors(top=markup) == ["Jane Roe"]


@pytest.mark.parametrize(("markup", "expected"), [
    ("<ul><li><strong>Autorin/Autor</strong> Jane Roe</li></ul>", ["Jane Roe"]),
    ("<p><b>Autor*in:</b> Jane Roe</p>", ["Jane Roe"]),
    ("<p><b>Autor:in</b> Jane Roe</p>", ["Jane Roe"]),
])
def test_label_in_its_own_element(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


@pytest.mark.parametrize(("markup", "expected"), [
    ('<span class="byline">Walter von Aachen</span>', ["Walter von Aachen"]),
    ('<span class="byline">Ursula von der Leyen</span>', ["Ursula von der Leyen"]),
    ('<span class="byline">Pressemitteilung von Jane Roe</span>', ["Jane Roe"]),
    ('<span class="byline">View all posts by Jane Roe</span>', ["Jane Roe"]),
])
def test_particle_is_not_a_lead_in(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


# --- lists, phrases and placeholders -------------------------------------------------------------
def test_publisher_address_in_a_byline_is_dropped_whole() -> None:
    # "und" would otherwise split the publisher's own name
    assert clean_authors(["Kirche und Leben, Münster, Germany"], None, {"kircheundleben"}) == []
    assert clean_authors(["Le Monde et AFP"], "Le Monde") == ["AFP"]


@pytest.mark.parametrize(("raw", "expected"), [
    (["Vanille-Porridge mit Leinsamen und Apfel"], []),
    (["Bayerische Landesanstalt für Wald und Forstwirtschaft"], []),
    (["selbst ist der Mann"], []),
    (["Jane Roe, correspondent in Paris"], ["Jane Roe"]),
    (["Ursula von der Leyen und Jose de la Cruz"],
     ["Ursula von der Leyen", "Jose de la Cruz"]),
    (["J. I. da Silva", "uriebe"], ["J. I. da Silva", "uriebe"]),
])
def test_phrases_are_not_names(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, None) == expected


@pytest.mark.parametrize("raw", ["anónimo", "Anonyme", "zvg"])
def test_placeholders_are_not_names(raw: str) -> None:
    assert clean_authors([raw, "Jane Roe"], None) == ["Jane Roe"]


def test_itemprop_meta_of_a_cited_work_is_not_the_pages_author() -> None:
    head = '<meta name="citation_author" content="Jane Roe">'
    top = ('<ol class="references"><li itemscope itemtype="https://schema.org/ScholarlyArticle">'
           '<meta itemprop="author" content="Ann Cited">A cited paper</li></ol>')
    assert authors(head, SHOWN + top) == ["Jane Roe"]


@pytest.mark.parametrize(("raw", "keys", "expected"), [
    (["Example Kitchens"], {"example", "examplecom"}, []),
    (["Exam Kitchens"], {"exam", "examcom"}, ["Exam Kitchens"]),  # key under six letters
    (["Deutsches Rotes Kreuz"], {"drk", "drkde"}, []),
    (["Dora Kranz"], {"dk", "dkde"}, ["Dora Kranz"]),  # two words: initials of a person
    (["Jane Example"], {"example", "examplecom"}, ["Jane Example"]),
])
def test_publisher_prefix_and_initials(raw: list[str], keys: set[str],
                                       expected: list[str]) -> None:
    assert clean_authors(raw, None, keys) == expected


def test_date_label_in_an_author_class_does_not_hide_the_name() -> None:
    markup = ('<div class="entry-meta"><span class="meta-prep-author">Publiziert am</span> '
              '<span class="date">3. Mai 2021</span> von '
              '<span class="author vcard"><a href="/a/ur">uriebe</a></span></div>')
    assert authors(top=markup) == ["uriebe"]


def test_only_the_first_byline_block_counts() -> None:
    top = ('<p class="byline"><span><a rel="author" href="/a/jr">Jane Roe</a></span> and '
           '<span><a rel="author" href="/a/jd">John Doe</a></span></p>')
    teasers = ('<ul class="more">' + "".join(
        f'<li><h3>Story {i}</h3><div><a rel="author" href="/a/{i}">Writer {i}</a></div></li>'
        for i in range(3)) + "</ul>")
    assert authors(top=top + teasers) == ["Jane Roe", "John Doe"]


# --- markup sources, desks, personal sites, scripts without capitals ---------------------------
def test_rel_author_naming_the_site_does_not_hide_the_vcard_name() -> None:
    top = ('<p><a rel="author" href="/">Example</a></p>'
           '<h4 class="vcard author">Posted by <span class="fn">Jane Roe</span></h4>')
    assert authors(top=top) == ["Jane Roe"]


@pytest.mark.parametrize(("raw", "expected"), [
    (["Multimedia Redaktion", "Jane Roe"], ["Jane Roe"]),
    (["Redacción LR"], []),
    (["Example.de-Redaktion"], []),
    (["Sportredaktion"], []),
    (["CNN Staff", "Web Desk", "News Desk", "Staff Writer", "HLNF Staff Report"], []),
    (["Jane Staffordshire"], ["Jane Staffordshire"]),
    (["Jörg Staff"], ["Jörg Staff"]),
    (["Desko Roe"], ["Desko Roe"]),
])
def test_desk_words_inside_names(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, None) == expected


def test_person_named_like_the_site_is_kept_on_a_personal_site() -> None:
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "author": {"@id": "https://www.example.com/#/person/1"},
         "publisher": {"@id": "https://www.example.com/#/person/"}},
        {"@type": "Person", "@id": "https://www.example.com/#/person/1", "name": "Jane Roe"}]})
    head += '<meta property="og:site_name" content="Jane Roe">'
    assert authors(head, SHOWN) == ["Jane Roe"]


def test_person_named_like_the_publisher_organization_is_not_kept() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Example News"},
               "publisher": {"@type": "Organization", "name": "Example News"}})
    head += '<meta property="og:site_name" content="Example News">'
    assert authors(head) == []


def test_host_spelling_of_accented_publisher_names() -> None:
    assert clean_authors(["SPÖ"], None, {"spoe", "spoeat"}) == []
    assert clean_authors(["Habertürk"], None, {"haberturk"}) == []
    assert clean_authors(["Jürgen Roe"], None, {"haberturk"}) == ["Jürgen Roe"]


@pytest.mark.parametrize(("raw", "expected"), [
    (["신현주 기자"], ["신현주"]),
    (["松岡大地 記者"], ["松岡大地"]),
    (["牛镛、岳弘彬"], ["牛镛", "岳弘彬"]),
])
def test_korean_and_japanese_roles_and_enumeration_comma(raw: list[str],
                                                        expected: list[str]) -> None:
    assert clean_authors(raw, None) == expected


@pytest.mark.parametrize(("markup", "expected"), [
    ('<div class="node-block--authors"><span class="block__label--authors">Auteur:</span> '
     '<a href="/a/jd">Jean Dupont</a></div>', ["Jean Dupont"]),
    ('<div><span class="authorname-txt"><span>Jane Roe</span></span></div>', ["Jane Roe"]),
    ('<div class="c-byline"><a class="byline__name-link" href="/a/jr">Jane Roe</a></div>',
     ["Jane Roe"]),
    ('<div><span class="author-bio">Jane Roe writes about bridges.</span></div>', []),
])
def test_author_class_spellings(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


def test_bem_author_element_of_a_teaser_block_is_the_byline() -> None:
    top = ('<header><span class="byline"><ul class="teaser__author--list">'
           '<li class="teaser__author--item"><a class="author vcard" href="/a/jr">Jane Roe</a>'
           '</li></ul></span></header>')
    assert authors(top=top) == ["Jane Roe"]
    boxed = ('<div class="teaser"><span class="teaser__author">Ann Lee</span></div>')
    assert authors(top=boxed) == []


def test_soft_hyphens_are_removed_from_names() -> None:
    assert clean_authors(["Mat\u00adthi\u00adas Roe"], None) == ["Matthias Roe"]


def test_site_name_in_another_word_order_is_the_publisher() -> None:
    site = "Fraktion Bündnis Example"
    assert clean_authors(["Bündnis Example Fraktion"], site) == []
    assert clean_authors(["Jane Roe"], site) == ["Jane Roe"]


@pytest.mark.parametrize(("markup", "expected"), [
    ('<p class="byline">By <a class="author__name" href="/a/jr">Jane Roe'
     '<span class="screen-reader-text">Jane Roe</span></a></p>', ["Jane Roe"]),
    ('<p class="byline"><a class="author__name" href="/a/jr">Jane Roe '
     '<span class="sr-only">Jane Roe</span></a></p>', ["Jane Roe"]),
])
def test_screen_reader_copy_of_the_name(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


@pytest.mark.parametrize(("markup", "expected"), [
    ("<p><b>Von Ines Roe, Washington</b></p>", ["Ines Roe"]),
    ("<p><b>By Jane Roe, Reuters</b></p>", ["Jane Roe", "Reuters"]),
    ("<p><b>By Jane Roe, AFP</b></p>", ["Jane Roe", "AFP"]),
    ("<p><b>Von Hans Meier, Eva Lang</b></p>", ["Hans Meier", "Eva Lang"]),
])
def test_place_after_a_written_out_byline(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


# --- bylines the page does not show ----------------------------------------------------------
@pytest.mark.parametrize(("markup", "expected"), [
    # a theme's hidden author box (kept for microformats) names no one on the page
    ('<div class="author vcard" style="display: none"><span class="fn">'
     '<a href="/author/jroe/">jroe</a></span></div>', []),
    ('<div hidden><span class="byline">Jane Roe</span></div>', []),
    ('<div class="author vcard" style="display:none"><span class="fn">jroe</span></div>'
     '<p class="byline">By Ann Lee</p>', ["Ann Lee"]),
    # microdata whose name is only a <meta> content
    ('<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
     '<meta itemprop="name" content="jroe"></span>', []),
    ('<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
     '<span itemprop="name">Jane Roe</span></span>', ["Jane Roe"]),
])
def test_hidden_bylines_are_not_read(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


@pytest.mark.parametrize(("markup", "expected"), [
    ('<div class="box__top">About the Author - <span>Jane Roe</span></div>', ["Jane Roe"]),
    ("<div><strong>Ein Artikel von Ines Roe | 27.01.2022 - 12:45</strong></div>", ["Ines Roe"]),
    ("<p><small>Verfasst von: Hans Meier | 31. Dezember 2008</small></p>", ["Hans Meier"]),
    ('<li class="submitted">Author: <a href="/u/jr">Jane Roe</a>, Datum: 03.03.19</li>',
     ["Jane Roe"]),
    # a sentence is no byline
    ("<p>Ein Artikel von gestern hat gezeigt, dass der Rat tagt.</p>", []),
])
def test_more_written_out_lead_ins(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


@pytest.mark.parametrize(("handle", "shown", "expected"), [
    ("gabor_munier", "Gàbor Muniér", ["Gàbor Muniér"]),
    ("janeroe", "Jane Roe", ["Jane Roe"]),
    ("christian.stadtfeld", "Christian P. Stadtfeld", ["Christian P. Stadtfeld"]),
    # another person's name shown: the handle, shown nowhere, gives way to that byline
    ("janeroe", "Ann Lee", ["Ann Lee"]),
])
def test_login_handle_gives_way_to_the_shown_name(handle: str, shown: str,
                                                   expected: list[str]) -> None:
    head = f'<meta name="author" content="{handle}">'
    assert authors(head, f'<p class="byline">By {shown}</p>') == expected


@pytest.mark.parametrize(("top", "expected"), [
    # the shown byline names the metadata's author and a co-author
    ('<div class="meta-item author"><span class="vcard author"><span class="fn">'
     "von Jane Roe, Ann Lee</span></span></div>", ["Jane Roe", "Ann Lee"]),
    ("<p><span>By </span><a href=\"/a/jr\">Jane Roe</a> and <a href=\"/a/al\">Ann Lee</a></p>",
     ["Jane Roe", "Ann Lee"]),
    # a caption naming the author beside someone else is no byline
    ("<p>Jane Roe, Ann Lee</p>", ["Jane Roe"]),
    # the shown byline without the metadata's name is another story's
    ('<span class="byline">By Ann Lee, Bob Stone</span><span class="x">Jane Roe</span>',
     ["Jane Roe"]),
])
def test_coauthors_of_the_shown_byline(top: str, expected: list[str]) -> None:
    head = '<meta name="author" content="Jane Roe">'
    assert authors(head, top) == expected


@pytest.mark.parametrize(("markup", "expected"), [
    ('<section><h4 class="meta-title">Autor</h4><p class="meta-text"><a href="/p/jr">'
     "Jane Roe</a><b>, </b></p></section>", ["Jane Roe"]),
    ("<dl><dt>Author:</dt><dd>Jane Roe</dd></dl>", []),  # <dt> is not a byline element
    ("<div><span>Author:</span><span>Jane Roe, Ann Lee</span></div>", ["Jane Roe", "Ann Lee"]),
    # a label word opening a sentence is no label
    ("<div><span>Author of three books</span><span>Jane Roe</span></div>", []),
])
def test_author_label_before_the_names_element(markup: str, expected: list[str]) -> None:
    assert authors(top=markup) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Ja\x00ne Roe", ["Jane Roe"]),
    ("Jane\ud800 Roe", ["Jane Roe"]),
    ("Jane Roe\x1b\x85", ["Jane Roe"]),
    ("\x00\udfff", []),
])
def test_control_characters_and_lone_surrogates_leave_names(raw: str,
                                                           expected: list[str]) -> None:
    names = clean_authors([raw], None)
    assert names == expected
    assert all(name.encode("utf-8") for name in names)


def test_lone_surrogate_in_jsonld_author_is_dropped() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
            '{"@type": "Person", "name": "Jane\\ud800 R\\u0000oe"}}</script>')
    assert authors(head, "<p class=\"byline\">By Jane Roe</p>") == ["Jane Roe"]


def custom_page(article: str) -> str:
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<link rel=\"canonical\" href=\"{URL}\"><title>Bridge vote</title></head><body>"
        f"<main>{article}</main><footer><p>Example Media</p></footer></body></html>"
    )


@pytest.mark.parametrize(("article", "expected"), [
    # a layout class naming the sidebar on the column that holds the headline
    ("<div class=\"post-wrap sidebar-on sidebar-right\"><article><h1>Council approves "
     f"harbour bridge</h1><p>Eine Kolumne von Jane Roe</p>{PARAGRAPHS}</article></div>",
     ["Jane Roe"]),
    ("<article><div id=\"sidebar\"><h1>Council approves harbour bridge</h1>"
     f"<span class=\"author vcard\"><a class=\"fn\">Jane Roe</a></span>{PARAGRAPHS}</div>"
     "</article>", ["Jane Roe"]),
    # the article's own header block classed as a teaser, right after the headline
    (f"<article><h1>Council approves harbour bridge</h1><div class=\"teaser-small__meta\">"
     f"<p class=\"byline__author\">VON <a>JANE ROE</a> am 21. April 2020</p></div>"
     f"{PARAGRAPHS}</article>", ["JANE ROE"]),
    # a real sidebar or teaser box holds no headline
    (f"<article><h1>Council approves harbour bridge</h1>{PARAGRAPHS}</article>"
     "<div class=\"sidebar\"><p class=\"byline\">By John Doe</p></div>", []),
    (f"<article><h1>Council approves harbour bridge</h1>{PARAGRAPHS}<div class=\"teaser\">"
     "<h2>Other story</h2><p class=\"byline\">By John Doe</p></div></article>", []),
])
def test_sidebar_or_teaser_area_holding_the_headline(article: str,
                                                    expected: list[str]) -> None:
    assert extract_page(custom_page(article), URL, crawled_at=CRAWLED).authors == expected


@pytest.mark.parametrize(("top", "expected"), [
    ("<div class=\"meta\"><span class=\"label\">Datum:</span> 19.11.2021<br>"
     "<span class=\"label\">Autor:</span> Jane Roe<br></div>", ["Jane Roe"]),
    ("<div class=\"meta\"><span>By</span><span><a href=\"/team/jane-roe\">Jane Roe</a>"
     "</span><span>Thursday, November 9, 2023</span></div>", ["Jane Roe"]),
    ("<div class=\"meta\"><span class=\"sr-only\">| By </span> <span>Jane Roe</span> | "
     "<time>April 13, 2020</time></div>", ["Jane Roe"]),
    # a theme's "By <site>" ranks after a written-out byline
    ("<div class=\"meta\"><time>May 5</time> <span>By</span> <a href=\"/\">Example Media</a>"
     "</div>"
     "<p><em>Written by: <a href=\"https://other.org/a\">Jane Roe</a></em></p>", ["Jane Roe"]),
    ("<div class=\"meta\"><span>By</span><span>the way of the river</span></div>", []),
    # line breaks between the label and the names
    ("<p><a href=\"/kontakt\"><b>Von:</b><br> <br> Jane Roe</a></p>", ["Jane Roe"]),
    ("<div class=\"info\"><b>Autor</b><br><span>Jane Roe</span></div>", ["Jane Roe"]),
    ("<div class=\"info\"><b>Von:</b><br><br></div>", []),
])
def test_label_element_followed_by_the_names(top: str, expected: list[str]) -> None:
    assert authors(top=top) == expected


@pytest.mark.parametrize(("top", "expected"), [
    ("<p>Von <strong>Hans Meier</strong><br>Kiel</p>", ["Hans Meier"]),
    ("<p class=\"byline\">By Jane Roe<br>Harbour City</p>", ["Jane Roe"]),
    ("<div class=\"author\">Jane Roe<br>Staff Writer</div>", ["Jane Roe"]),
    ("<span class=\"byline\">By<br>Jane Roe</span>", ["Jane Roe"]),
    ("<p>Von:<br><br>Jane Roe<br>Kiel</p>", ["Jane Roe"]),
])
def test_the_line_after_a_bylines_line_break_is_not_the_name(top: str,
                                                             expected: list[str]) -> None:
    # text_content() joins "Hans Meier<br>Kiel" into "Hans MeierKiel"
    assert authors(top=top) == expected


@pytest.mark.parametrize(("top", "expected"), [
    ("<ul class=\"metaInfoAuthorList\"><li class=\"metaInfoAuthorList-item\">"
     "<a href=\"/author/jroe/\">Jane Roe</a></li></ul>", ["Jane Roe"]),
    ("<div class=\"articleAuthorName\">Jane Roe</div>", ["Jane Roe"]),
    ("<div class=\"postAuthor\"><span class=\"postAuthorName\">Jane Roe</span></div>",
     ["Jane Roe"]),
    # camelCase words that only contain the letters
    ("<div class=\"coauthoring\">Jane Roe</div>", []),
    ("<div class=\"AuthorDateBlock\">Jane Roe</div>", []),
])
def test_camel_case_author_classes(top: str, expected: list[str]) -> None:
    assert authors(top=top) == expected


@pytest.mark.parametrize(("given", "top", "expected"), [
    ("Jane", "<p><strong>Eine Kolumne von Jane Roe</strong></p>", ["Jane Roe"]),
    ("Jane", "<p class=\"byline\">By John Doe</p><p>Jane Doe took the pictures.</p>",
     ["Jane"]),
    ("Jane", "<p class=\"byline\">By Jane Roe Anne Marie Doe Smith</p>", ["Jane"]),
])
def test_first_name_gives_way_to_the_shown_full_name(given: str, top: str,
                                                     expected: list[str]) -> None:
    assert authors(f'<meta name="author" content="{given}">', top) == expected


@pytest.mark.parametrize(("head", "top", "expected"), [
    # a site-wide meta author the page never shows; the byline shown wins
    ('<meta name="author" content="Web Design Roe">', "", []),
    ('<meta name="author" content="Web Design Roe">', '<p class="byline">By Ann Lee</p>',
     ["Ann Lee"]),
    (ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Roe"}}), "", []),
    # shown in capitals, by surname, or in the data the page's scripts render from
    ('<meta name="author" content="Jane Roe">', "<p>VON JANE ROE</p>", ["Jane Roe"]),
    ('<meta name="author" content="Jane Q. Roe">', "<p>Text: J. Roe</p>", ["Jane Q. Roe"]),
    ('<meta name="author" content="Jane Roe">',
     '<script>window.__STATE__ = {"byline": "Jane Roe"}</script>', ["Jane Roe"]),
    # JSON-LD in the body is still metadata
    ('<meta name="author" content="Jane Roe">',
     ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Roe"}}), []),
])
def test_metadata_names_the_page_never_shows_are_not_bylines(head: str, top: str,
                                                             expected: list[str]) -> None:
    assert authors(head, top) == expected


@pytest.mark.parametrize(("top", "expected"), [
    ("<p>Blog Beitrag von Jane Roe</p>", ["Jane Roe"]),
    ("<p><strong>Ein Gastkommentar von Jane Roe</strong></p>", ["Jane Roe"]),
    ("<p>Blog-Beitrag von Jane Roe und Ann Lee</p>", ["Jane Roe", "Ann Lee"]),
    ("<p>Dieser Beitrag von Jane Roe zeigt, wie der Rat abgestimmt hat.</p>", []),
])
def test_compound_article_word_before_von(top: str, expected: list[str]) -> None:
    assert authors(top=top) == expected


@pytest.mark.parametrize(("top", "expected"), [
    # the interviewer is the writer; the one interviewed follows "mit"
    ("<p><em>Ein Interview von <strong>Jane Roe</strong> mit <strong>Ann Lee</strong>.</em>"
     "</p>", ["Jane Roe"]),
    ("<p>Ein Gespräch von Jane Roe und John Doe mit Ann Lee</p>", ["Jane Roe", "John Doe"]),
    ("<p>Interview von Jane Roe</p>", ["Jane Roe"]),
    # "mit" is cut only after an interviewer's credit
    ("<p>Ein Bericht von Jane Roe mit Ann Lee</p>", []),
])
def test_interviewer_credit(top: str, expected: list[str]) -> None:
    assert authors(top=top) == expected


@pytest.mark.parametrize(("handle", "top", "expected"), [
    ("christian.stadtfeld", "<p class=\"img-text\">Chefredakteur Christian P. Stadtfeld "
     "bewertet den Wahlausgang.</p>", ["Christian P. Stadtfeld"]),
    ("jane_roe", "<figcaption>Jane Roe at the council meeting.</figcaption>", ["Jane Roe"]),
    # the parts in another order, or only one of them, are no written-out name
    ("jane_roe", "<figcaption>Roe, Jane at the council meeting.</figcaption>", []),
    ("jane_roe", "<figcaption>Ann Roe at the council meeting.</figcaption>", []),
])
def test_login_handle_gives_way_to_the_name_the_text_writes(handle: str, top: str,
                                                             expected: list[str]) -> None:
    assert authors(ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": handle}}),
                   top) == expected


@pytest.mark.parametrize(("top", "expected"), [
    ("<div class=\"edit\">(责编：王小明、李华)</div>", ["王小明", "李华"]),
    ("<span>【纠错】</span> 责任编辑： 张伟 </span>", ["张伟"]),
    ("<p>責任編輯：陳大文</p>", ["陳大文"]),
    # a byline comes first; the word without a colon credits no one
    ("<p class=\"byline\">By Jane Roe</p><div>(责编：王小明)</div>", ["Jane Roe"]),
    ("<p>本报责编工作会议召开</p>", []),
])
def test_chinese_editor_credit(top: str, expected: list[str]) -> None:
    assert authors(top=top) == expected
