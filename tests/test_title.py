"""Headline choice (``choose_title``/``clean_title``) on small pages written here."""

from __future__ import annotations

from newsarchive.extract.metadata import (
    MAX_H1,
    _banner,
    _h1_first,
    choose_title,
    clean_title,
    parse_html,
    read_metadata,
    site_name,
)

URL = "https://www.example.com/news/story-1"


def title_of(head: str, body: str) -> str | None:
    root = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert root is not None
    meta = read_metadata(root, URL)
    return choose_title(meta, site_name(meta), "example.com")


def test_h1_after_many_navigation_headings_corrects_the_title() -> None:
    nav = "".join(f"<h2>Section {i}</h2>" for i in range(10))
    head = ("<title>Council approves harbour bridge / Politics / Home - Example Online "
            "with news and pictures</title>")
    body = f"{nav}<h1>Council approves harbour bridge</h1><p>Text.</p>"
    assert title_of(head, body) == "Council approves harbour bridge"


def test_heading_with_typographic_quotes_and_dashes_is_taken_as_written() -> None:
    head = """<meta property="og:title" content="Mayor's plan - a bridge for 'everyone'">"""
    body = "<h1>Mayor’s plan – a bridge for ‘everyone’</h1>"
    assert title_of(head, body) == "Mayor’s plan – a bridge for ‘everyone’"


def test_heading_adding_quotation_marks_does_not_replace_the_metadata_title() -> None:
    head = '<meta property="og:title" content="Mayor: the bridge will be built">'
    body = "<h1>Mayor: “the bridge will be built”</h1>"
    assert title_of(head, body) == "Mayor: the bridge will be built"


def test_dangling_separator_after_an_empty_part_is_removed() -> None:
    assert clean_title("Cat blanket with name | | ✂ Example®", "Example", "example.com") == (
        "Cat blanket with name")
    assert clean_title("Story - | Example", None, "example.com") == "Story"


def test_leading_quotation_dash_is_kept() -> None:
    assert clean_title("- Angsten vil øke", "Dagbladet", "dagbladet.no") == "- Angsten vil øke"


def test_sole_h1_replaces_an_unrelated_metadata_title_outside_news_articles() -> None:
    head = '<title>About Us - Example</title><meta property="og:title" content="About Us">'
    body = "<h1>The strategic think tank</h1><h2>Where we come from</h2>"
    assert title_of(head, body) == "The strategic think tank"


def test_sole_h1_does_not_replace_the_headline_of_a_declared_news_article() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
            '<meta property="og:title" content="Council approves harbour bridge">')
    body = "<h1>Vote tonight: what the bridge means</h1>"
    assert title_of(head, body) == "Council approves harbour bridge"


def test_og_type_article_alone_does_not_keep_an_seo_title_over_the_sole_h1() -> None:
    head = ('<meta property="og:type" content="article">'
            '<meta property="og:title" content="Loan interest: how to work out your costs">')
    body = "<h1>How high is the interest on a personal loan?</h1>"
    assert title_of(head, body) == "How high is the interest on a personal loan?"


def _ld(headline: str) -> str:
    return ('<script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "{headline}"}}</script>')


def test_jsonld_headline_first_when_it_and_og_title_differ() -> None:
    head = (_ld("Council approves harbour bridge")
            + '<meta property="og:title" content="Harbour bridge: council vote explained">'
            + "<title>Example news</title>")
    assert title_of(head, "") == "Council approves harbour bridge"


def test_sole_h1_linking_home_is_a_banner_not_the_headline() -> None:
    head = "<title>Office 365 and schools, part three - Example</title>"
    body = ('<h1><a href="https://www.example.com/">Notes of a teacher</a></h1>'
            "<h2>Office 365 and schools, part three</h2>")
    assert title_of(head, body) == "Office 365 and schools, part three"


def test_sole_h1_with_a_kicker_in_front_keeps_the_metadata_title() -> None:
    head = "<title>Big tasks for the new government | Example</title>"
    body = "<h1><span>Tunisia</span> Big tasks for the new government</h1>"
    assert title_of(head, body) == "Big tasks for the new government"


def test_two_h1_headings_leave_the_metadata_title() -> None:
    head = "<title>Council approves harbour bridge | Example</title>"
    body = "<h1>Local news</h1><h1>Weather today</h1>"
    assert title_of(head, body) == "Council approves harbour bridge"


def test_long_part_mentioning_the_site_name_is_not_cut_as_a_site_name() -> None:
    assert clean_title("Climate summit - DRK: More people than ever need help after floods",
                       "DRK e.V.", "drk.de") == (
        "Climate summit - DRK: More people than ever need help after floods")
    assert clean_title("Climate summit - Tageszeitung DRK Online", "DRK e.V.", "drk.de") == (
        "Climate summit")


def test_heading_completing_a_shortened_metadata_headline_replaces_it() -> None:
    head = ('<meta property="og:title" content="Council approves harbour bridge">'
            "<title>Council approves harbour bridge - Example</title>")
    body = "<h1>Council approves harbour bridge in Kiel</h1>"
    assert title_of(head, body) == "Council approves harbour bridge in Kiel"


def test_heading_adding_a_site_name_after_a_pipe_does_not_replace_the_headline() -> None:
    head = '<meta property="og:title" content="Council approves harbour bridge">'
    body = "<h1>Council approves harbour bridge | Kiel Daily</h1>"
    assert title_of(head, body) == "Council approves harbour bridge"


def test_heading_doubling_the_metadata_headline_does_not_replace_it() -> None:
    head = '<meta property="og:title" content="Council approves bridge">'
    body = "<h1>Council approves bridge, says the mayor after a long night of debate</h1>"
    assert title_of(head, body) == "Council approves bridge"


def test_banner_heading_linking_home_is_cut_from_the_title() -> None:
    head = "<title>Liver with apple and onion | Love goes through the stomach</title>"
    body = ('<h1><a href="https://www.example.com">Love goes through the stomach</a></h1>'
            "<h2>Recipes</h2>")
    assert title_of(head, body) == "Liver with apple and onion"


def test_heading_with_an_anchor_without_href_is_not_a_banner() -> None:
    head = "<title>Park news | Example</title>"
    body = '<h1><a id="top"></a>Bears: a record year</h1>'
    assert title_of(head, body) == "Bears: a record year"


def test_sole_h1_mentioning_the_site_name_in_a_sentence_is_not_a_banner() -> None:
    head = ('<meta property="og:site_name" content="Loans">'
            '<meta property="og:title" content="Loan rates: what it costs | Loans">')
    body = "<h1>How high are the interest rates for personal loans?</h1>"
    assert title_of(head, body) == "How high are the interest rates for personal loans?"


def test_title_naming_only_the_site_in_a_longer_form_gives_way_to_the_heading() -> None:
    head = ('<meta property="og:site_name" content="NR Boards">'
            "<title>Example Rail Enquiries -</title>")
    body = "<h2>Rail replacement services travel advice</h2>"
    root = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert root is not None
    meta = read_metadata(root, "https://www.examplerail.co.uk/service/disruptions.aspx")
    assert choose_title(meta, site_name(meta), "examplerail.co.uk") == (
        "Rail replacement services travel advice")
    # a headline that only mentions the site is longer than twice its name
    assert choose_title(meta, site_name(meta), "example.co.uk") == "Example Rail Enquiries"


def test_sole_h1_inside_a_longer_metadata_title_replaces_it_outside_news_articles() -> None:
    head = "<title>Recipe for sesame cookies with dark chocolate</title>"
    body = "<h1>Sesame cookies with dark chocolate</h1><p>Text.</p>"
    assert title_of(head, body) == "Sesame cookies with dark chocolate"
    head = ("<title>Flu shots for the elderly: An observational study: Annals of Example, "
            "Vol 7</title>")
    body = "<h1>Flu shots for the elderly</h1>"
    assert title_of(head, body) == "Flu shots for the elderly"
    head = "<title>New - Japanese mini SUV on the rise - Review</title>"
    assert title_of(head, "<h1>Japanese mini SUV on the rise</h1>") == (
        "Japanese mini SUV on the rise")
    # in the middle of a phrase the heading is a fragment of the headline
    head = "<title>New: Japanese mini SUV on the rise in Europe</title>"
    assert title_of(head, "<h1>Japanese mini SUV on the rise</h1>") == (
        "New: Japanese mini SUV on the rise in Europe")


def test_short_sole_h1_inside_the_metadata_title_or_on_a_news_article_does_not() -> None:
    head = "<title>Professional web design for small firms</title>"
    assert title_of(head, "<h1>Design</h1>") == "Professional web design for small firms"
    head = (_ld("Recipe for sesame cookies with dark chocolate")
            + "<title>Recipe for sesame cookies with dark chocolate</title>")
    body = "<h1>Sesame cookies with dark chocolate</h1>"
    assert title_of(head, body) == "Recipe for sesame cookies with dark chocolate"


def test_kicker_element_of_the_h1_is_dropped_when_the_metadata_joins_it_with_a_dash() -> None:
    head = (_ld("Olympic Games in Paris - Drinks by boat to the city centre")
            + "<title>Olympic Games in Paris - Drinks by boat to the city centre</title>")
    body = ('<h1><span class="topline">Olympic Games in Paris</span> Drinks by boat to the '
            "city centre</h1>")
    assert title_of(head, body) == "Drinks by boat to the city centre"


def test_kicker_element_joined_by_a_colon_stays_in_the_headline() -> None:
    head = _ld("Flood inquiry: Two resignations and many open questions")
    body = ('<h1><span class="topline">Flood inquiry</span> Two resignations and many open '
            "questions</h1>")
    assert title_of(head, body) == "Flood inquiry: Two resignations and many open questions"


def test_kicker_element_with_a_separator_for_screen_readers_only_is_dropped() -> None:
    body = ('<h1><span class="kicker">Climate</span><span class="visually-hidden">: </span>'
            '<span class="title">Drilling until it gets hot</span></h1>')
    assert title_of(_ld("Climate: Drilling until it gets hot"), body) == (
        "Drilling until it gets hot")
    body = ('<h1><span>Viruses and other zoonoses</span><span aria-hidden="true"> – </span>'
            "<span>How habitat loss favours new epidemics</span></h1>")
    assert title_of(_ld("Viruses and other zoonoses – How habitat loss favours new epidemics"),
                    body) == "How habitat loss favours new epidemics"
    # the same colon shown on the page joins kicker and headline into one line
    body = ('<h1><span class="kicker">Climate</span><span>: </span>'
            '<span class="title">Drilling until it gets hot</span></h1>')
    assert title_of(_ld("Climate: Drilling until it gets hot"), body) == (
        "Climate: Drilling until it gets hot")


def test_heading_with_a_typeset_ellipsis_is_taken_as_written() -> None:
    head = '<meta property="og:title" content="Everything has its time...">'
    body = "<h1>Everything has its time…</h1>"
    assert title_of(head, body) == "Everything has its time…"


def test_heading_adding_a_date_does_not_complete_the_metadata_headline() -> None:
    headline = "Minister lays the groundwork for certifying the data privacy of school software"
    head = f'<meta property="og:title" content="{headline}">'
    body = f"<h1>{headline} : Date: <time>26.01.2022</time> Press release: 6/2022</h1>"
    assert title_of(head, body) == headline
    body = f"<h1>{headline} and apps</h1>"  # a completion without a date still counts
    assert title_of(head, body) == f"{headline} and apps"


def test_site_name_joined_by_a_bar_without_spaces_is_cut() -> None:
    assert clean_title("EXAMPLE NEWS|子どもの体罰を禁止する法律", "Example News",
                       "example.jp") == "子どもの体罰を禁止する法律"
    assert clean_title("新しい駅が開業した｜Example News", "Example News", "example.jp") == (
        "新しい駅が開業した")
    assert clean_title("시장이 새 다리를 발표했다ㅣ예시일보", "예시일보", "example.kr") == (
        "시장이 새 다리를 발표했다")
    # only the exact name: a bar inside a name or a headline stays
    assert clean_title("Example|News extends its bridge coverage", "Example News",
                       "examplenews.de") == "Example|News extends its bridge coverage"
    assert clean_title("Mayor opens the bridge|Kiel", "Example News", "example.de") == (
        "Mayor opens the bridge|Kiel")


def test_only_the_first_h1_headings_are_read() -> None:
    root = parse_html("<html><head><title>Story</title></head><body>"
                      + "".join(f"<h1>Heading {i}</h1>" for i in range(MAX_H1 + 10))
                      + '<h1><a href="https://www.example.com/">Example</a></h1></body></html>')
    assert root is not None
    meta = read_metadata(root, URL)
    texts, _kicked = _h1_first(meta)
    assert texts == [f"Heading {i}" for i in range(MAX_H1)]
    assert _banner(meta) == ""  # the home link comes after the first MAX_H1


def test_css_inside_a_heading_is_not_heading_text() -> None:
    # CSS-in-JS libraries write a <style> element next to the element they style, also
    # inside the <h1>; its rules are not part of the headline
    head = "<title>Council approves the harbour bridge | Politics | 28.04.2023</title>"
    body = ("<h1><style>.css-1a{font-size:16px;color:#707070}</style>Council approves the "
            "harbour bridge<script>window.x = 1;</script></h1>")
    assert title_of(head, body) == "Council approves the harbour bridge"
    root = parse_html(f"<html><body>{body}</body></html>")
    assert root is not None
    assert read_metadata(root, URL).h1 == "Council approves the harbour bridge"


def test_kicker_element_after_a_style_element_is_dropped() -> None:
    body = ('<h1><style>.k{display:block}</style><span class="kicker">Climate</span>'
            '<span class="visually-hidden">: </span><span>Drilling until it gets hot</span></h1>')
    assert title_of(_ld("Climate: Drilling until it gets hot"), body) == (
        "Drilling until it gets hot")


def test_soft_hyphens_and_zero_width_characters_are_removed() -> None:
    assert clean_title("Ver\u00adfassungs\u00adbeschwerde ein\u00adgelegt | Example", "Example",
                       "example.com") == "Verfassungsbeschwerde eingelegt"
    assert clean_title("Word\u2060joiner and zero\u200bwidth\ufeff", None, "example.com") == (
        "Wordjoiner and zerowidth")
    body = "<h1>Ver&shy;fassungs&shy;beschwerde gegen Waffen&shy;lieferungen eingelegt</h1>"
    assert title_of("", body) == "Verfassungsbeschwerde gegen Waffenlieferungen eingelegt"
