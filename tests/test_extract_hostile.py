"""Extraction on hostile markup: giant tags, UTF-16 pages, JSON-LD nesting bombs."""

from __future__ import annotations

import codecs
import time

import pytest

from newsarchive import extract_article
from newsarchive.extract import MAX_TAG_CHARS, shrink_giant_tags

URL = "https://example.com/news/harbour-bridge-vote"
SENTENCE = "The council voted on the harbour bridge on Tuesday night after a long debate. "


def page(head: str = "", p_attrs: str = "") -> str:
    return (f"<html lang='en'><head><title>Harbour bridge vote</title>{head}</head><body>"
            f"<article><h1>Harbour bridge vote</h1><p{p_attrs}>{SENTENCE * 10}</p>"
            f"</article></body></html>")


def test_shrink_giant_tags() -> None:
    giant = "<p " + "x" * (MAX_TAG_CHARS + 10) + ">"
    assert shrink_giant_tags(f"<div>{giant}text</p></div>") == "<div><p>text</p></div>"
    normal = "<div class='a'>" + "y" * (MAX_TAG_CHARS * 2) + "</div>"
    assert shrink_giant_tags(normal) is normal
    # No ">" at all: still one pass, unchanged.
    assert shrink_giant_tags("<a " * 100_000) == "<a " * 100_000


def test_tag_with_200000_attributes_is_fast() -> None:
    attrs = " " + " ".join(f'a{i}="x"' for i in range(200_000))
    started = time.monotonic()
    article = extract_article(page(p_attrs=attrs), URL)
    assert time.monotonic() - started < 20  # minutes without shrink_giant_tags
    assert article.body == SENTENCE.strip() + " " + (SENTENCE * 9).strip()
    assert article.title == "Harbour bridge vote"


def test_utf16_pages_with_bom_or_http_label() -> None:
    html = page().replace("harbour bridge", "Árvíztűrő híd")
    for data, headers in (
        (codecs.BOM_UTF16_LE + html.encode("utf-16-le"), None),
        (codecs.BOM_UTF16_BE + html.encode("utf-16-be"), None),
        (html.encode("utf-16-le"), {"content-type": "text/html; charset=utf-16le"}),
    ):
        article = extract_article(data, URL, headers=headers)
        assert article.body.startswith("The council voted on the Árvíztűrő híd on Tuesday")
    # a UTF-16 label on UTF-8 bytes (no NUL bytes) is false: the page is read as UTF-8
    for label in ("utf-16", "utf-16le", "UTF-16BE"):
        ascii_page = page().encode("ascii")
        if len(ascii_page) % 2:
            ascii_page += b" "  # even length: it would decode as UTF-16 without an error
        article = extract_article(ascii_page, URL,
                                  headers={"content-type": f"text/html; charset={label}"})
        assert article.body.startswith("The council voted on the harbour bridge on Tuesday")
        assert article.title == "Harbour bridge vote"


def test_json_ld_nesting_bomb_is_ignored_not_the_page() -> None:
    bomb = "<script type='application/ld+json'>" + "[" * 100_000 + "]" * 100_000 + "</script>"
    article = extract_article(page(head=bomb), URL)
    assert article.title == "Harbour bridge vote"
    assert article.word_count == 140


def test_byline_lists_titles_and_non_numbers_are_bounded() -> None:
    from newsarchive import extract_article
    from newsarchive.extract import MAX_AUTHORS, MAX_TITLE_CHARS

    story = "".join(f"<p>Paragraph {i} of a story about the harbour bridge vote, the cost "
                    f"and the traffic it will bring to the old town for three years.</p>"
                    for i in range(8))
    authors = ",".join(f'{{"@type":"Person","name":"Writer Number{chr(65 + i % 26)}'
                       f'{chr(65 + i // 26 % 26)} Jones"}}' for i in range(400))
    page = (f'<html><head><script type="application/ld+json">{{"@type":"NewsArticle",'
            f'"headline":NaN,"author":[{authors}]}}</script>'
            f'<title>{"Bridge vote " * 300}</title></head>'
            f'<body><article><p>Writer NumberAA Jones reports.</p>{story}</article></body>'
            '</html>')
    article = extract_article(page, "https://news.example/2024/05/01/bridge")
    assert len(article.authors) == MAX_AUTHORS
    assert article.title is not None and article.title != "nan"
    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("vote")


def test_a_page_of_tens_of_thousands_of_paragraphs_is_refused_quickly() -> None:
    from newsarchive import NotAnArticle, extract_article
    from newsarchive.extract import MAX_PARAGRAPHS

    page = "<html><body>" + "<p>One more short line of text.</p>" * (MAX_PARAGRAPHS + 1)
    with pytest.raises(NotAnArticle) as error:
        extract_article(page + "</body></html>", "https://news.example/2024/dump")
    assert (error.value.reason, error.value.detail) == ("oversized", "10001 paragraphs")
    with pytest.raises(NotAnArticle) as bad_url:
        extract_article("<html><body><p>text</p></body></html>", "ftp://news.example/x")
    assert bad_url.value.reason == "bad-url"


def test_a_page_of_tens_of_thousands_of_elements_is_refused_quickly() -> None:
    from newsarchive import NotAnArticle, extract_article
    from newsarchive.extract import MAX_ELEMENTS

    story = "<p>" + "A sentence of the story with enough words to be prose. " * 3 + "</p>"
    blocks = "<div><span>block text.</span></div>" * (MAX_ELEMENTS // 2)
    page = f"<html><head><title>Dump</title></head><body>{story}{blocks}{story}</body></html>"
    with pytest.raises(NotAnArticle) as error:
        extract_article(page, "https://news.example/2024/dump")
    # html, head, title, body, two <p>, and a <div> and a <span> per block
    assert (error.value.reason, error.value.detail) == ("oversized", "30006 elements")
    fits = page.replace(blocks, "<div><span>block text.</span></div>" * 100)
    assert extract_article(fits, "https://news.example/2024/dump").body.count("A sentence") == 6


@pytest.mark.parametrize("head, top", [
    ('<meta name="author" content="' + "x" * 50_000 + '">', ""),
    ('<meta name="author" content="' + "x" * 50_000 + '@">', ""),
    ('<meta name="author" content="' + "@." * 25_000 + '">', ""),
    ("", "<p>" + "责任编辑：" * 10_000 + "</p>"),
])
def test_a_giant_author_name_is_read_in_linear_time(head: str, top: str) -> None:
    # The e-mail rule of clean_authors backtracked over the whole name from each of its
    # characters: a 50,000-character meta author cost 4 s, a Chinese editor credit
    # repeated 10,000 times 9.5 s.
    html = page(head=head).replace("</article>", top + "</article>")
    started = time.process_time()
    article = extract_article(html, URL)
    assert time.process_time() - started < 1.5
    assert article.authors == [] and article.title == "Harbour bridge vote"


def test_without_emails_is_the_email_rule() -> None:
    import random

    from newsarchive.extract.metadata import _EMAIL, _without_emails

    cases = ["jane@example.com", "By Jane Doe jane.doe@example.co.uk)", "(jane@x.com), John",
             "a@b.c.d!e", "@x.com", "a@.com", "a@b.", "x@y.z@w.v tail", "Jane Roe", ""]
    rng = random.Random(7)
    alphabet = ["a", "@", ".", " ", "-", "é", "_", "1", "\u00a0", "(", ")"]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
              for _ in range(20_000)]
    for case in cases:
        assert _without_emails(case) == _EMAIL.sub(" ", case), case
    started = time.process_time()
    assert _without_emails("@." * 100_000) == "@." * 100_000
    assert time.process_time() - started < 1
