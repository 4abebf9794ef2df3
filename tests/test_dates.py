"""Unit tests of the publication-date rules (newsarchive.extract.dates) on pages written here."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsarchive.extract import extract_page
from newsarchive.extract.dates import (
    BYLINE_WINDOW,
    DATE_LINE,
    HEADLINE_WINDOW,
    choose_published,
    date_from_url,
    headline_date,
    parse_datetime,
    script_date,
    title_date,
    written_date,
    written_in_story,
)
from newsarchive.extract.metadata import parse_html, read_metadata
from tests.test_extract import CRAWLED, PARAGRAPHS

STORY = PARAGRAPHS  # six paragraphs of one story (shared with test_extract)


def story_page(head: str = "", aside: str = "", article_top: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Bridge vote</title>{head}</head><body>"
        f"<main><article>{article_top}<h1>Council approves harbour bridge</h1>{STORY}"
        f"</article><aside>{aside}</aside></main></body></html>"
    )


def test_compact_date_as_a_whole_path_segment() -> None:
    assert date_from_url("https://x.com/news/20200413/suspect-arrested") == datetime(
        2020, 4, 13, tzinfo=UTC)
    assert date_from_url("https://x.com/news/2020041312/suspect") is None


def test_url_date_wins_over_a_metadata_date_on_another_day() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Council approves harbour bridge", '
            '"datePublished": "2019-06-17T18:28:00+02:00"}</script>')
    article = extract_page(story_page(head), "https://blog.example.com/home/2017/7/12/bridge",
                           crawled_at=CRAWLED)
    assert article.published_at == datetime(2017, 7, 12, tzinfo=UTC)
    assert article.date_source == "url"


def test_metadata_time_kept_when_the_url_gives_the_same_day() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Council approves harbour bridge", '
            '"datePublished": "2017-07-12T18:28:00+02:00"}</script>')
    article = extract_page(story_page(head), "https://blog.example.com/2017/07/12/bridge",
                           crawled_at=CRAWLED)
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2017-07-12T18:28:00+02:00"
    assert article.date_source == "jsonld"


def test_unmarked_time_outside_the_article_yields_to_the_text_date() -> None:
    aside = ('<h3>Related</h3><p><a href="/other">Old story</a> '
             '<time datetime="2018-03-12T19:30:12+00:00">Mar 12, 2018</time></p>')
    top = '<p class="meta">Published on 29 January 2019</p>'
    article = extract_page(story_page(aside=aside, article_top=top),
                           "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2019, 1, 29, tzinfo=UTC)
    assert article.date_source == "text"


def test_unmarked_time_outside_the_article_is_the_last_resort() -> None:
    aside = '<p><time datetime="2018-03-12T19:30:12+00:00"></time></p>'
    root = parse_html(story_page(aside=aside))
    assert root is not None
    meta = read_metadata(root, "https://www.example.com/news/bridge-vote")
    moment, source = choose_published(meta, "https://www.example.com/news/bridge-vote",
                                      CRAWLED, html=None)
    assert moment == datetime(2018, 3, 12, 19, 30, 12, tzinfo=UTC)
    assert source == "time"


def test_written_dates_in_several_languages() -> None:
    assert written_date("Von Deutscher Tennis Bund 4. 2. 2022. Teamchef") == date(2022, 2, 4)
    assert written_date("Karlsruhe, (12.11.2021). Traditionell") == date(2021, 11, 12)
    assert written_date("Veröffentlicht am 12. März 2019 um 10 Uhr") == date(2019, 3, 12)
    assert written_date("Publié le 29 juin 2019") == date(2019, 6, 29)
    assert written_date("Publicado el 3 de marzo de 2020") == date(2020, 3, 3)
    assert written_date("Posted on March 12th, 2019 by Ann") == date(2019, 3, 12)
    assert written_date("updated 2020-01-14T10:00") == date(2020, 1, 14)
    assert written_date("on 03/04/2020") is None  # day-first or month-first: not read
    assert written_date("version 1.2.3 of 31.02.2020") is None  # no such day


def test_date_under_the_headline_precedes_the_text_search() -> None:
    # htmldate alone reads "4. 2. 2022" as 2022-01-01 here.
    top_story = ("<h1>Council approves harbour bridge</h1>"
                 f'<p class="byline">Von Redaktion 4. 2. 2022.</p>{STORY}')
    html = ("<!DOCTYPE html><html lang=\"de\"><head><title>Bridge vote</title></head><body>"
            f"<main><article>{top_story}</article></main></body></html>")
    article = extract_page(html, "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2022, 2, 4, tzinfo=UTC)
    assert article.date_source == "text"


def test_date_inside_the_headline_element() -> None:
    root = parse_html("<html><body><header><p>Archiv 14.05.2019</p></header><h1>Bridge vote"
                      "<br><small>02.02.2022 · Politics</small></h1><p>The rules in force "
                      "since 28.01.2022 allow more visitors.</p></body></html>")
    assert headline_date(root) == date(2022, 2, 2)


def test_headline_window_ends_after_a_few_lines() -> None:
    filler = "<p>" + "word " * (HEADLINE_WINDOW // 5 + 10) + "</p>"
    root = parse_html(f"<html><body><h1>Title</h1>{filler}<p>1. März 2019</p></body></html>")
    assert headline_date(root) is None
    root = parse_html("<html><body><h1>Title</h1><script>var d = '2019-03-01';</script>"
                      "<p>No date here</p></body></html>")
    assert headline_date(root) is None


def test_headline_window_counts_visible_characters_not_indentation() -> None:
    # Templates indent deeply; the window is text as shown, so indentation between the
    # headline and its byline does not use it up.
    indent = "\n" + " " * 120
    blocks = "".join(f"<div>{indent}<span>{n}</span>{indent}</div>" for n in range(8))
    page = f"<html><body><h1>Tomatoes</h1>{blocks}<p>von Marianne am 20.09.2020</p></body></html>"
    assert len(page) > 4 * HEADLINE_WINDOW
    assert headline_date(parse_html(page)) == date(2020, 9, 20)


def _ld(published: str) -> str:
    return ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Council approves harbour bridge", '
            f'"datePublished": "{published}"}}</script>')


def test_the_declaration_matching_the_shown_date_wins_a_disagreement() -> None:
    head = _ld("2022-01-04T07:29:00.000Z") + (
        '<meta property="article:published_time" content="2022-01-06T08:29:34">')
    top = '<p class="meta">06.01.2022</p>'
    html = story_page(head).replace("</h1>", f"</h1>{top}", 1)
    article = extract_page(html, "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2022, 1, 6, 8, 29, 34, tzinfo=UTC)
    assert article.date_source == "meta"


def test_a_lone_declaration_stands_against_the_shown_date() -> None:
    # The date under the headline is often the last update: one declaration is kept.
    head = _ld("2017-08-21T13:09:00Z")
    html = story_page(head).replace("</h1>", "</h1><p>Aktualisiert 03.04.2019</p>", 1)
    article = extract_page(html, "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2017, 8, 21, 13, 9, tzinfo=UTC)
    assert article.date_source == "jsonld"


def test_time_elements_of_teasers_yield_to_the_shown_date() -> None:
    teaser = ('<article class="teaser"><a href="/other">Other story</a> '
              '<time datetime="2019-07-03T10:18:46Z">3 juillet</time></article>')
    html = ("<!DOCTYPE html><html lang=\"fr\"><head><title>Grenades</title></head><body>"
            "<main><h1>Council approves harbour bridge</h1><p>Publié le 29 juin 2019</p>"
            f"{STORY}</main><aside>{teaser}</aside></body></html>")
    article = extract_page(html, "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2019, 6, 29, tzinfo=UTC)
    assert article.date_source == "text"


def test_a_logo_heading_hands_over_to_the_next_heading() -> None:
    menu = "<nav>" + "Themen " * (HEADLINE_WINDOW // 6 + 5) + "</nav>"
    root = parse_html(f"<html><body><header><h1>Zoll</h1>{menu}</header>"
                      "<h1>Tabaksteuer</h1><p>Datum: 18.10.2021</p></body></html>")
    assert headline_date(root) == date(2021, 10, 18)
    fourth = "".join(f"<h1>Logo {n}</h1>{menu}" for n in range(3))
    root = parse_html(f"<html><body>{fourth}<h1>Tabaksteuer</h1><p>18.10.2021</p></body></html>")
    assert headline_date(root) is None  # only the first HEADLINE_TRIES headings are tried


def test_slash_dates_read_only_when_the_day_is_unambiguous() -> None:
    assert written_date("Familie17/02/2022Ihre Tochter") == date(2022, 2, 17)
    assert written_date("Posted 02/17/2022 by Ann") == date(2022, 2, 17)
    assert written_date("Posted 02/03/2022 by Ann") is None
    assert written_date("Ausgabe 02/2022") is None


def test_microdata_on_a_visible_element_declares_the_publication_time() -> None:
    top = ('<p class="date" itemprop="datePublished" content="2022-01-14 10:31:00">'
           "Januar 2022</p>")
    article = extract_page(story_page(article_top=top),
                           "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2022, 1, 14, 10, 31, tzinfo=UTC)
    assert article.date_source == "meta"



def test_a_page_without_h1_has_its_headline_in_the_heading_holding_the_title() -> None:
    page = ("<html><head><title>Hotel Lunik opens once more | rbb24</title></head><body>"
            "<h2>Wetter</h2><p>Heute 25.04.2024: sonnig</p>"
            "<h3><span>Premiere</span> - <span>Hotel Lunik opens once more</span></h3>"
            "<div class=\"lineinfo\">Do 18.04.2024 | 14:07 Uhr | Von Eva</div></body></html>")
    root = parse_html(page)
    # og:title within the heading, or the heading within <title>
    assert headline_date(root, ["Hotel Lunik opens once more"]) == date(2024, 4, 18)
    assert headline_date(root, [None, "Premiere - Hotel Lunik opens once more | rbb24"]) == \
        date(2024, 4, 18)
    assert headline_date(root, ["Hotel Lunik opens once more | rbb24"]) is None
    assert headline_date(root) is None  # no title to recognise the headline by
    # With an <h1> on the page, lower headings are not searched.
    root = parse_html(page.replace("<h2>Wetter</h2>", "<h1>Wetter</h1>"))
    assert headline_date(root, ["Hotel Lunik opens once more"]) == date(2024, 4, 25)


def test_below_a_lower_heading_only_the_byline_line_is_read() -> None:
    credit = "Quelle: Juergen Hasenkopf. " * 3
    page = ("<html><body><p>03.02.2022</p><h3>Auf den Spuren von Rafael Nadal</h3>"
            f"<p>{credit}Turnier vom 5. bis 11. Februar 2022</p></body></html>")
    root = parse_html(page)
    assert len(credit) > BYLINE_WINDOW
    assert headline_date(root, ["Auf den Spuren von Rafael Nadal"]) is None
    root = parse_html(page.replace(credit, ""))
    assert headline_date(root, ["Auf den Spuren von Rafael Nadal"]) == date(2022, 2, 11)


def test_dotted_numeric_dates_in_markup_are_day_first() -> None:
    assert parse_datetime("06.11.2023") == datetime(2023, 11, 6, tzinfo=UTC)
    assert parse_datetime("6. 11. 2023 12:30") == datetime(2023, 11, 6, 12, 30, tzinfo=UTC)
    assert parse_datetime("11/06/2023") == datetime(2023, 11, 6, tzinfo=UTC)  # US order
    aside = '<p><time datetime="06.11.2023">06.11.2023</time></p>'
    root = parse_html(story_page(aside=aside))
    assert root is not None
    meta = read_metadata(root, "https://www.example.com/news/bridge-vote")
    moment, _ = choose_published(meta, "https://www.example.com/news/bridge-vote",
                                 CRAWLED.replace(year=2024))
    assert moment == datetime(2023, 11, 6, tzinfo=UTC)


def test_chinese_japanese_and_korean_dates() -> None:
    assert written_date("2020年07月12日 | 競馬ニュース") == date(2020, 7, 12)
    assert written_date("发布时间：2019年6月3日 10:20") == date(2019, 6, 3)
    assert written_date("입력 2024년 4월 25일 오후 2:07") == date(2024, 4, 25)
    assert written_date("2020年度の計画") is None
    page = ("<html><head><title>ダノンスプレンダーが勝利 - goo blog</title></head><body>"
            "<h3>ダノンスプレンダーが勝利</h3><div><span>2020年07月12日</span> | 競馬</div>"
            "</body></html>")
    assert headline_date(parse_html(page), [None, "ダノンスプレンダーが勝利 - goo blog"]) == \
        date(2020, 7, 12)


def test_a_date_far_down_the_text_is_left_to_the_text_search() -> None:
    filler = "".join(f"<p>{'Unrelated words follow here. ' * 12}</p>" for _ in range(3))
    html = ("<!DOCTYPE html><html lang=\"en\"><head><title>Bridge vote</title></head><body>"
            f"<main><h1>Council approves harbour bridge</h1>{filler}{STORY}"
            "<p class=\"posted\">Posted 2019-03-12 by the desk</p></main></body></html>")
    root = parse_html(html)
    assert root is not None
    meta = read_metadata(root, "https://www.example.com/news/bridge-vote")
    assert choose_published(meta, "https://www.example.com/news/bridge-vote", CRAWLED,
                            html=html, root=root) == (datetime(2019, 3, 12, tzinfo=UTC), "text")
    assert choose_published(meta, "https://www.example.com/news/bridge-vote", CRAWLED,
                            html=None, root=root) == (None, None)


def _live_page(byline: str, lang: str = "de", head: str = "", body_end: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Bridge vote</title>{head}</head><body><p>Thursday, July 7, 2022</p>"
        f"<main><article><h1>Council approves harbour bridge</h1><p>{byline}</p>{STORY}"
        f"</article></main>{body_end}</body></html>"
    )


def test_a_timed_date_under_the_headline_on_the_capture_day_is_kept() -> None:
    # Live crawl: the capture (CRAWLED, 2022-07-07 15:00 UTC) is the day of the article.
    url = "https://www.example.com/news/bridge-vote"
    timed = extract_page(_live_page("Do 07.07.22 | 14:07 Uhr | Von Eva Roe"), url,
                         crawled_at=CRAWLED)
    assert timed.published_at == datetime(2022, 7, 7, tzinfo=UTC)
    assert timed.date_source == "text"
    english = extract_page(_live_page("Jul 7, 2022 6:40 PM by Ann Roe", lang="en"), url,
                           crawled_at=CRAWLED)
    assert english.published_at == datetime(2022, 7, 7, tzinfo=UTC)
    # Without a clock time and outside any story container, the same day may be the
    # banner's viewing day: skipped.
    untimed = _live_page("Jul 7, 2022 by Ann Roe", lang="en")
    unmarked = untimed.replace("<main><article>", "<div>").replace("</article></main>", "</div>")
    assert extract_page(unmarked, url, crawled_at=CRAWLED).published_at is None
    # Inside the <article>, it is the story's date line.
    kept = extract_page(untimed, url, crawled_at=CRAWLED)
    assert kept.published_at == datetime(2022, 7, 7, tzinfo=UTC)


def test_two_digit_year_dotted_dates_only_in_day_first_languages() -> None:
    german = parse_html(_live_page("Mi 25.04.24 | 14:07 Uhr"))
    assert headline_date(german) == date(2024, 4, 25)
    korean = parse_html(_live_page("24.04.25 14:07", lang="ko"))
    assert headline_date(korean) is None  # year first there: not read
    undeclared = parse_html(_live_page("25.04.24 14:07", lang=""))
    assert headline_date(undeclared) is None
    assert written_date("Mi 25.04.24") is None  # only under a headline of such a page


def test_the_byline_line_after_a_lower_heading_of_spans() -> None:
    page = (
        '<!DOCTYPE html><html lang="de"><head><title>Theater im alten Hotel öffnet wieder | '
        "Sender</title></head><body><main><article><h3><span>Premiere in der Altstadt</span>"
        "<span> - </span><span>Theater im alten Hotel öffnet wieder</span></h3>"
        f"<div>Do 25.04.24 | 14:07 Uhr | Von Eva Roe</div>{STORY}</article></main></body></html>"
    )
    root = parse_html(page)
    assert root is not None
    titles = ("Theater im alten Hotel öffnet wieder",)  # its og:title
    assert headline_date(root, titles) == date(2024, 4, 25)


def test_script_data_gives_the_date_when_the_page_declares_none() -> None:
    flight = (
        '<script>self.__next_f.push([1,"{\\"headline\\":\\"Council approves\\",'
        '\\"publishedAt\\":\\"2021-03-02T09:15:00+01:00\\",'
        '\\"updatedAt\\":\\"2021-03-05T10:00:00Z\\"}"])</script>'
    )
    state = (
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"story":'
        '{"publishedAt":"2021-03-02T09:15:00+01:00","createdAt":"2021-02-27T08:00:00Z"},'
        '"teasers":[{"publishedAt":"2021-02-11T10:00:00Z"},'
        '{"publishedAt":"2021-01-30T10:00:00Z"}]}}</script>'
    )
    url = "https://www.example.com/news/bridge-vote"
    article = extract_page(_live_page("By Ann Roe", lang="en", body_end=flight + state), url,
                           crawled_at=CRAWLED)
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2021-03-02T09:15:00+01:00"
    assert article.date_source == "script"
    # Only creation keys: the most frequent creation day.
    created = '<script>{"createdAt":"2020-05-01T08:00:00Z"}</script>'
    root = parse_html(_live_page("By Ann Roe", lang="en", body_end=created))
    assert script_date(root, CRAWLED) == datetime(2020, 5, 1, 8, tzinfo=UTC)
    # References or teasers each dated once: no day stands out, no answer.
    refs = ('<script>{"refs":[{"publishDate":"2012-06-24"},{"publishDate":"2014-06-01"}]}'
            "</script>")
    root = parse_html(_live_page("By Ann Roe", lang="en", body_end=refs))
    assert script_date(root, CRAWLED) is None
    # Modification keys and values after the capture are not read.
    other = ('<script>{"updatedAt":"2020-05-01T08:00:00Z",'
             '"publishedAt":"2023-01-01T00:00:00Z"}</script>')
    root = parse_html(_live_page("By Ann Roe", lang="en", body_end=other))
    assert script_date(root, CRAWLED) is None


def test_a_metadata_date_is_not_overridden_by_script_data() -> None:
    head = ('<meta property="article:published_time" content="2019-06-17T18:28:00Z">'
            '<script>{"publishedAt":"2021-03-02T09:15:00Z"}</script>')
    article = extract_page(_live_page("By Ann Roe", lang="en", head=head),
                           "https://www.example.com/news/bridge-vote", crawled_at=CRAWLED)
    assert article.published_at == datetime(2019, 6, 17, 18, 28, tzinfo=UTC)
    assert article.date_source == "meta"


def test_the_text_of_a_time_element_without_datetime_is_its_value() -> None:
    # HTML: a <time> without a datetime attribute has its text content as its value.
    url = "https://www.example.com/news/bridge-vote"
    top = '<p class="meta"><time class="created">31.03.2020</time></p>'
    article = extract_page(story_page(article_top=top), url, crawled_at=CRAWLED)
    assert article.published_at == datetime(2020, 3, 31, tzinfo=UTC)
    assert article.date_source == "time"
    # Shown under the headline, it settles a disagreement with a generic meta date.
    head = '<meta name="date" content="2020-04-30">'
    shown = "<p>Von Eva Roe <time>29.04.2020, 12:01 Uhr</time></p>"
    html = story_page(head).replace("</h1>", f"</h1>{shown}", 1)
    article = extract_page(html, url, crawled_at=CRAWLED)
    assert article.published_at == datetime(2020, 4, 29, tzinfo=UTC)
    assert article.date_source == "time"
    # Text that is no written date ("vor 3 Stunden") gives nothing.
    relative = story_page(head).replace("</h1>", "</h1><p><time>vor 3 Stunden</time></p>", 1)
    article = extract_page(relative, url, crawled_at=CRAWLED)
    assert article.published_at == datetime(2020, 4, 30, tzinfo=UTC)
    assert article.date_source == "meta"


def test_a_bare_year_number_is_no_publication_date() -> None:
    # the text search reads a lone year-like number as 1 January of that year
    url = "https://www.example.com/news/bridge-vote"
    bare = story_page(article_top="<p>Room 2001 is closed.</p>")
    assert extract_page(bare, url, crawled_at=CRAWLED).published_at is None
    written = story_page(article_top="<p>Room 2001 is closed since 1 January 2001.</p>")
    assert extract_page(written, url, crawled_at=CRAWLED).published_at == datetime(
        2001, 1, 1, tzinfo=UTC)


def test_only_the_start_of_a_long_time_text_is_read() -> None:
    url = "https://www.example.com/news/bridge-vote"
    late = "<p><time>" + "x" * 300 + " 31.03.2020</time></p>"
    early = "<p><time>31.03.2020 " + "x" * 300 + "</time></p>"
    article = extract_page(story_page(article_top=early), url, crawled_at=CRAWLED)
    assert (article.published_at, article.date_source) == (
        datetime(2020, 3, 31, tzinfo=UTC), "time")
    # past the first 200 characters the <time> gives nothing (the text search still may)
    assert extract_page(story_page(article_top=late), url,
                        crawled_at=CRAWLED).date_source != "time"


def test_the_titled_headline_is_read_without_its_style_text() -> None:
    # CSS-in-JS puts a <style> inside the <h1>; the heading still states the page's title.
    url = "https://www.example.com/news/bridge-vote"
    titled = _live_page("Jul 7, 2022 by Ann Roe", lang="en").replace(
        "<title>Bridge vote</title>", "<title>Council approves harbour bridge | Post</title>")
    styled = titled.replace("<h1>", "<h1><style>.h-1x{font:700 2rem/1.1 serif;color:red}</style>")
    # outside <article>/<main>, so that only the titled heading vouches for the line
    styled = styled.replace("<main><article>", "<div>").replace("</article></main>", "</div>")
    assert "<style>" in styled and "<article>" not in styled
    assert extract_page(styled, url, crawled_at=CRAWLED).published_at == datetime(
        2022, 7, 7, tzinfo=UTC)


def test_an_untimed_date_under_the_titled_headline_on_the_capture_day_is_kept() -> None:
    # Live crawl: the line under the heading that states the page's title is its byline.
    url = "https://www.example.com/news/bridge-vote"
    titled = _live_page("Jul 7, 2022 by Ann Roe", lang="en").replace(
        "<title>Bridge vote</title>", "<title>Council approves harbour bridge | Post</title>")
    article = extract_page(titled, url, crawled_at=CRAWLED)
    assert article.published_at == datetime(2022, 7, 7, tzinfo=UTC)
    assert article.date_source == "text"
    # After a logo heading, the same untimed day is the header's banner of the viewing day
    # (when the story's container does not also show it).
    logo = titled.replace("<body>", "<body><header><h1>Harbour Daily Post</h1></header>", 1)
    logo = logo.replace("<main><article>", "<div>").replace("</article></main>", "</div>")
    assert extract_page(logo, url, crawled_at=CRAWLED).published_at is None


def test_the_date_line_above_the_headline_when_none_is_below() -> None:
    story = "<p>Jugendverbände unterstützen die Initiative.</p>"
    page = ('<html><body><p>Donnerstag, 7. Juli 2022</p><article><div class="kicker">Politik'
            f" · 05.02.2020</div><h1>Faire Lieferketten</h1>{story}</article></body></html>")
    assert headline_date(parse_html(page), above=True) == date(2020, 2, 5)
    assert headline_date(parse_html(page)) is None  # the shown date that arbitrates is below
    marked = page.replace("<h1>", "<!-- HEADLINE --><h1>")
    assert headline_date(parse_html(marked), above=True) == date(2020, 2, 5)
    # A date below the headline comes first.
    below = page.replace(story, "<p>Stand: 12.02.2020</p>" + story)
    assert headline_date(parse_html(below), above=True) == date(2020, 2, 12)
    # Before the <article> the headline opens stands page chrome (the viewing day's banner).
    chrome = page.replace("Politik · 05.02.2020", "Politik")
    assert headline_date(parse_html(chrome), above=True) is None


def test_an_untimed_date_line_above_the_headline_on_the_capture_day_needs_the_story() -> None:
    # Live crawl: above the headline, a timed line stamps the publication; an untimed day
    # there may be the header's banner of the viewing day unless the story's container
    # holds it.
    url = "https://www.example.com/news/bridge-vote"

    def page(line: str) -> str:
        return _live_page("By Ann Roe", lang="en").replace(
            "<h1>", f'<p class="kicker">{line}</p><h1>', 1)

    timed = extract_page(page("Politics · Jul 7, 2022, 9:12 AM"), url, crawled_at=CRAWLED)
    assert timed.published_at == datetime(2022, 7, 7, tzinfo=UTC)
    assert timed.date_source == "text"
    untimed = page("Politics · Jul 7, 2022")
    unmarked = untimed.replace("<main><article>", "<div>").replace("</article></main>", "</div>")
    assert extract_page(unmarked, url, crawled_at=CRAWLED).published_at is None
    # In the story's <article>, the kicker line is the story's.
    assert extract_page(untimed, url, crawled_at=CRAWLED).published_at == datetime(
        2022, 7, 7, tzinfo=UTC)
    older = extract_page(page("Politics · Jul 5, 2022"), url, crawled_at=CRAWLED)
    assert older.published_at == datetime(2022, 7, 5, tzinfo=UTC)


def _titled_page(title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>'
        "</head><body><main><article><h1>Ziele der Gegenoffensive</h1>"
        '<img src="/a.jpg" title="Archivbild vom 24. April 2022" alt="">'
        f"{STORY}</article></main></body></html>"
    )


def test_a_date_given_as_a_part_of_the_title_precedes_the_text_search() -> None:
    url = "https://www.example.com/de/ziele-der-gegenoffensive/a-123"
    page = extract_page(_titled_page("Ziele der Gegenoffensive | Europa | Sender | 28.04.2022"),
                        url, crawled_at=CRAWLED)
    assert (page.published_at, page.date_source) == (datetime(2022, 4, 28, tzinfo=UTC), "text")
    # Without that part, the text search finds the picture's date.
    plain = extract_page(_titled_page("Ziele der Gegenoffensive | Europa | Sender"), url,
                         crawled_at=CRAWLED)
    assert plain.published_at == datetime(2022, 4, 24, tzinfo=UTC)
    # Only a whole part after the headline counts: a date among the headline's words is
    # its subject, and one inside a longer part may be anything.
    for title, expected in [
        ("Sender – Bericht – 3. März 2024", date(2024, 3, 3)),
        ("Wahl am 12.05.2021 | Sender", None),
        ("Ziele | Ausgabe 12.05.2021", None),
        ("28.04.2023", None),
    ]:
        meta = read_metadata(parse_html(f"<html><head><title>{title}</title></head></html>"),
                             "https://www.example.com/")
        assert title_date(meta) == expected, title


def test_a_date_line_of_the_story_is_told_from_page_chrome() -> None:
    day = date(2022, 7, 7)

    def in_story(body: str) -> bool:
        root = parse_html(f"<html><body>{body}</body></html>")
        return written_in_story(root, day)

    assert in_story("<header><p>Thursday, July 7, 2022</p></header><div><h1>Vote</h1></div>")\
        is False
    assert in_story("<main><h1>Vote</h1><p>July 7, 2022 by Ann Roe</p></main>") is True
    assert in_story("<article><h1>Vote</h1><span>By Ann Roe</span> July 7, 2022</article>")\
        is True
    assert in_story('<div class="post hentry"><p>7. Juli 2022</p></div>') is True
    # A blog feed's date header stands outside its entries, inside the feed.
    feed = ('<div class="blog-posts hfeed"><h2 class="date-header">Thursday, July 7, 2022</h2>'
            '<div class="post hentry"><h3>Vote</h3></div></div>')
    assert in_story(feed) is True
    assert in_story(feed.replace(" hfeed", "")) is False
    # Teaser cards in an <aside>, a comment in a nested <article>, a date in prose.
    assert in_story("<main><aside><article><p>July 7, 2022</p></article></aside></main>")\
        is False
    assert in_story("<article><h1>Vote</h1><article><p>July 7, 2022</p></article></article>")\
        is False
    prose = "The council will vote on the harbour bridge on July 7, 2022, after a public hearing."
    assert len(prose) > DATE_LINE
    assert in_story(f"<article><p>{prose}</p></article>") is False
    assert in_story("<article><p>July 8, 2022</p></article>") is False  # another day
    # A date line with a clock time stamps a moment, not the viewing day: kept outside the
    # story's containers too, but not in side content.
    assert in_story('<div class="meta">Von Eva am 07.07.2022, 11:51 | 2 Kommentare</div>')\
        is True
    assert in_story('<div class="meta">Von Eva am 07.07.2022 | 2 Kommentare</div>') is False
    assert in_story("<aside><p>07.07.2022, 11:51</p></aside>") is False



def test_the_kicker_of_the_titled_headline_on_the_capture_day_is_kept() -> None:
    # Live crawl, a template without <article>/<main>: the untimed date line set in the
    # headline's own block, above the heading that states the page's title, is its kicker.
    url = "https://www.example.com/news/bridge-vote"

    def page(block: str, title: str = "Council approves harbour bridge | Post") -> str:
        return (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>'
                f"{block}<div>{STORY}</div></body></html>")

    block = ('<div class="intro"><p class="kicker">Politics · Jul 7, 2022</p>'
             "<h1>Council approves harbour bridge</h1></div>")
    kept = extract_page(page(block), url, crawled_at=CRAWLED)
    assert kept.published_at == datetime(2022, 7, 7, tzinfo=UTC)
    assert kept.date_source == "text"
    # Under a title that the heading does not state, the same line is not kept.
    assert extract_page(page(block, "Bridge vote"), url, crawled_at=CRAWLED).published_at \
        is None
    # A line reached by climbing out of the headline's block may be the viewing day's banner.
    banner = ('<div class="top"><p>Politics · Jul 7, 2022</p></div>'
              '<div class="intro"><h1>Council approves harbour bridge</h1></div>')
    assert extract_page(page(banner), url, crawled_at=CRAWLED).published_at is None
