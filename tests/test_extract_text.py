"""Main-text rules of ``newsarchive.extract.text`` on small pages written here."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsarchive.extract import text as text_module
from newsarchive.extract.metadata import parse_html
from newsarchive.extract.text import (
    extract_text,
    find_lead,
    find_marked_lead,
    flatten_ruby,
    jsonld_article_body,
    marked_body,
    unwrap_empty_inline,
)

_FILLER = [
    "The council met on Tuesday evening to discuss the new budget for the coming year.",
    "Members argued for more than three hours about the cost of repairing the old bridge.",
    "In the end the proposal passed with seven votes in favour and two against it.",
    "Residents who attended the meeting said they were relieved that work would start soon.",
    "The mayor thanked the engineers for their careful report on the state of the bridge.",
]


def _page(head: str, body: str) -> Any:
    root = parse_html(f"<html><head><title>T</title>{head}</head><body>{body}</body></html>")
    assert root is not None
    return root


def _paragraphs() -> str:
    return "".join(f"<p>{p}</p>" for p in _FILLER)


def test_unwrap_empty_inline_keeps_the_following_words() -> None:
    root = _page("", '<p>bei hohen Temperaturen <a href="/x"><span class="icon"></span>dehne '
                     'der Beton sich aus</a>. Das <i class="fa"></i>führe zu<b></b></p>')
    assert unwrap_empty_inline(root) == 2
    assert root.xpath("string(//p)") == (
        "bei hohen Temperaturen dehne der Beton sich aus. Das führe zu")
    assert root.xpath("count(//span) + count(//i)") == 0
    assert root.xpath("count(//b)") == 1  # nothing follows it: left alone


def test_icon_inside_a_link_does_not_cut_the_sentence() -> None:
    body = ("<article><h1>Heat</h1>" + _paragraphs()
            + '<p>The engineer said that at high temperatures <a href="https://example.org/a">'
              '<span class="icon icon-extlink"></span>the concrete expands</a>, which raises '
              "the tension in the road surface until it breaks.</p></article>")
    text = extract_text(_page("", body), "https://example.com/news/heat")
    assert "at high temperatures the concrete expands, which raises" in text


def test_lead_shown_in_the_header_is_put_first() -> None:
    lead = "A short summary of the council meeting that the template shows above the story."
    body = (f'<article><header><h1>Budget</h1><p class="teaser">{lead}</p></header>'
            f"{_paragraphs()}</article>")
    root = _page(f'<meta property="og:description" content="{lead}">', body)
    assert find_lead(root, "\n".join(_FILLER)) == lead
    text = extract_text(root, "https://example.com/news/budget")
    assert text.split("\n")[0] == lead
    assert text.count(lead) == 1


def test_lead_not_taken_when_cut_description_matches_a_longer_lead() -> None:
    lead = ("A short summary of the council meeting that the template shows above the story, "
            "and it goes on a little longer than the description does.")
    root = _page('<meta name="description" content="A short summary of the council meeting '
                 'that the template shows above …">',
                 f'<div class="intro">{lead}</div>{_paragraphs()}')
    assert find_lead(root, "\n".join(_FILLER)) == lead


@pytest.mark.parametrize(
    ("description", "shown", "body"),
    [
        # the lead is a link to another page: a teaser, not this article's standfirst
        ("A short summary of the council meeting shown as a link elsewhere.",
         '<a href="/other"><p>A short summary of the council meeting shown as a link '
         "elsewhere.</p></a>", "\n".join(_FILLER)),
        # the body already opens with it
        ("The council met on Tuesday evening to discuss the new budget.",
         "", "\n".join(_FILLER)),
        # a description too short to identify anything
        ("Council news", "<p>Council news</p>", "\n".join(_FILLER)),
        # described but not shown on the page
        ("A summary that only the metadata carries and the page never shows.", "",
         "\n".join(_FILLER)),
        # nothing extracted: no lead on its own
        ("A short summary of the council meeting that the template shows.",
         "<p>A short summary of the council meeting that the template shows.</p>", ""),
    ],
)
def test_no_lead(description: str, shown: str, body: str) -> None:
    root = _page(f'<meta name="description" content="{description}">', shown + _paragraphs())
    assert find_lead(root, body) is None


def test_lead_that_is_the_whole_container_is_not_a_lead() -> None:
    description = "The council met on Tuesday evening to discuss the new budget for the year."
    long_text = " ".join(_FILLER * 4)
    root = _page(f'<meta name="description" content="{description}">',
                 f"<div>{description} {long_text}</div>")
    assert find_lead(root, "Something else entirely.") is None


def test_jsonld_article_body_strips_markup() -> None:
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "x"},
        {"@type": "NewsArticle", "articleBody": "<p>First &amp; <b>second</b>.</p><p>Third.</p>"},
    ]}
    root = _page(f'<script type="application/ld+json">{json.dumps(data)}</script>', "<p>x</p>")
    assert jsonld_article_body(root) == "First & second . Third."
    assert jsonld_article_body(_page("", "<p>x</p>")) == ""


def test_marked_body_sources() -> None:
    data = {"@type": "NewsArticle", "articleBody": "Publisher text."}
    ld = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert marked_body(_page(ld, "<article>Other</article>")) == ("Publisher text.", 0.5)
    assert marked_body(_page("", '<div itemprop="articleBody"> Marked  text </div>'
                                 "<article>Other</article>")) == ("Marked text", 0.5)
    assert marked_body(_page("", "<article> One  article </article>")) == ("One article", 0.2)
    assert marked_body(_page("", "<article>One</article><article>Two</article>")) == ("", 1.0)


def test_short_precise_pass_is_widened_inside_the_container(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = [f"Paragraph {i} of the story, written out at some length to count."
              for i in range(30)]
    body = ("<article>" + "".join(f"<p>{p}</p>" for p in inside) + "</article>"
            "<div><p>Most read: another story on another page of the site.</p></div>")
    root = _page("", body)

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        if options.get("favor_precision"):
            # 4 of 30 paragraphs: over MIN_CHARS, under 0.2 of the <article> text
            return "\n".join(inside[:4])
        # the wider pass sees only the <article>, not the rest of the page
        assert document.xpath("count(//article)") == 1
        assert document.xpath("count(//div)") == 0
        return "\n".join(inside + ["Most read: another story on another page of the site."])

    monkeypatch.setattr(text_module, "_run", fake_run)
    assert extract_text(root, None).split("\n") == inside


def test_precise_pass_kept_when_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    inside = [f"Paragraph {i} of the story, written out at some length to count." for i in range(6)]
    root = _page("", "<article>" + "".join(f"<p>{p}</p>" for p in inside) + "</article>")
    calls: list[dict[str, Any]] = []
    filler = ["y" * 200]

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        calls.append(options)
        return "\n".join(inside[:4]) + "\n" + filler[0]

    monkeypatch.setattr(text_module, "_run", fake_run)
    extract_text(root, None)  # 471 characters: extracted again with the comparison
    assert calls == [{"favor_precision": True, "fast": True}, {"favor_precision": True}]
    calls.clear()
    filler[0] = "y" * text_module.COMPARE_BELOW_CHARS
    extract_text(root, None)  # long enough: the fast pass stands
    assert calls == [{"favor_precision": True, "fast": True}]


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("| February 2020 | | | | | | |\n| | | | | | | 1 |", "| February 2020 |\n| 1 |"),
        ("| a | | b |\n| | |\nText  after", "| a | b |\nText after"),
        ("Prose with a || inside stays.", "Prose with a || inside stays."),
    ],
)
def test_empty_table_cells_removed(raw: str, tidy: str) -> None:
    assert text_module._tidy(raw) == tidy


def test_short_precise_pass_widened_within_jsonld_article_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = [f"Sentence {i} of the publisher's own article text, long enough to count."
              for i in range(10)]
    data = {"@type": "NewsArticle", "articleBody": "<p>" + "</p><p>".join(inside) + "</p>"}
    root = _page(f'<script type="application/ld+json">{json.dumps(data)}</script>',
                 "<div>" + "".join(f"<p>{p}</p>" for p in inside) + "</div>")
    outside = "Newsletter: the best stories of the week, every Friday in your inbox."

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        if options.get("favor_precision"):
            return "\n".join(inside[:4])  # over MIN_CHARS, under half of articleBody
        return "\n".join([inside[0], outside, *inside[1:]])

    monkeypatch.setattr(text_module, "_run", fake_run)
    assert extract_text(root, None).split("\n") == inside


def test_fill_gaps_restores_a_cited_paragraph_between_kept_ones() -> None:
    cited = ('He served 13 months in a jail program, then rebuilt his network with the help '
             'of <a href="/x">his former girlfriend</a>.')
    wrap = '<div class="text">{}</div>'
    root = _page("", "<article>"
                     + wrap.format(f"<p>{_FILLER[0]}</p>")
                     + wrap.format(f"<p>{cited}</p>")
                     # a caption, a box and a teaser between the paragraphs stay out
                     + '<div class="caption"><p>The bridge over the river, seen from the '
                       'north bank.</p></div>'
                     + wrap.format(f"<aside><p>{_FILLER[3]}</p></aside>")
                     + wrap.format('<p><a href="/y">Read more: another story of the site '
                                   'today.</a></p>')
                     + wrap.format("<p>Short label.</p>")
                     + wrap.format("<p>Share this story with your friends and family</p>")
                     # kept by the text without its link's words: not restored twice
                     + wrap.format('<p>Members argued for more than three hours <a href="/z">'
                                   "in the hall</a> about the cost of repairing the old "
                                   "bridge.</p>")
                     # one end in the text: the text has it in another form
                     + wrap.format(f"<p>A headline glued to the paragraph{_FILLER[4]}</p>")
                     + wrap.format(f"<p>{_FILLER[2]}</p>")
                     + "</article>"
                     + wrap.format(f"<p>{_FILLER[4]}</p>"))
    text = "\n".join([*_FILLER[:2], _FILLER[4], _FILLER[2]])
    assert text_module.fill_gaps(root, text).split("\n") == [
        _FILLER[0],
        "He served 13 months in a jail program, then rebuilt his network with the help "
        "of his former girlfriend.",
        _FILLER[1],
        _FILLER[4],
        _FILLER[2],
    ]


def test_fill_gaps_restores_the_end_of_the_story_but_nothing_outside_it() -> None:
    wrap = '<div class="text">{}</div>'
    last = "Who runs it? A committee of three, led by a chair with a five-year term."
    root = _page("", wrap.format(f"<p>{_FILLER[4]}</p>")  # before the story: stays out
                     + "<article>" + "".join(wrap.format(f"<p>{p}</p>") for p in _FILLER[:3])
                     + wrap.format(f'<p>{last[:45]}<a href="/c">{last[45:]}</a></p>')
                     + '<div class="tags"><p>Topics: budget, council, bridge and roads.</p>'
                       "</div>"
                     + "</article>"
                     + wrap.format(f"<p>{_FILLER[3]}</p>"))  # after the story: stays out
    text = "\n".join(_FILLER[:3])
    assert text_module.fill_gaps(root, text).split("\n") == [*_FILLER[:3], last]
    # a repeated paragraph between kept ones is page chrome
    root = _page("", f"<p>{_FILLER[0]}</p><p>{_FILLER[3]}</p><p>{_FILLER[1]}</p>"
                     f"<p>{_FILLER[3]}</p><p>{_FILLER[2]}</p>")
    assert text_module.fill_gaps(root, text) == text


def test_lead_taken_when_the_body_only_repeats_its_first_sentence() -> None:
    # the story's first paragraph repeats the lead's first sentence; the lead's second
    # sentence is only in the lead, which the description quotes whole
    said = "The associations of young farmers in the region ask the state for a start-up grant."
    lead = f"{said} In a first meeting the minister was open to the idea."
    first = f"{said} It would pay up to 70,000 euros to anyone who takes over a farm."
    root = _page(f'<meta name="description" content="{lead}">',
                 f'<h1>Grant</h1><p class="a-lead">{lead}</p><p>{first}</p>{_paragraphs()}')
    assert find_lead(root, "\n".join([first, *_FILLER])) == lead


def test_lead_marked_by_its_class_under_the_headline() -> None:
    lead = "Two young drivers wrecked their sports cars in one night. Both cars are a loss."
    body = "\n".join(_FILLER)
    page = ('<header><h1>Crash</h1><div class="meta"><time>19.10.2019</time></div></header>'
            f'<div class="tb-article-intro">{lead}</div>' + _paragraphs())
    root = _page('<meta name="description" content="Another summary of some other story.">',
                 page)
    assert find_marked_lead(root, body) == lead
    text = extract_text(root, "https://example.com/news/crash")
    assert text.split("\n")[0] == lead


@pytest.mark.parametrize(
    "page",
    [
        # classed as a teaser, but a link: another story
        '<h1>Crash</h1><a href="/x"><div class="teaser">Two young drivers wrecked their '
        "sports cars in one night. Both cars are a loss.</div></a>",
        # no sentence end: a label
        '<h1>Crash</h1><div class="intro">Two young drivers wrecked their sports cars in '
        "one night</div>",
        # a word inside another class name is no mark ("leader", "introduction-box")
        '<h1>Crash</h1><div class="leaderboard">Two young drivers wrecked their sports '
        "cars in one night. Both cars are a loss.</div>",
        # before the headline
        '<div class="lead">Two young drivers wrecked their sports cars in one night. Both '
        "cars are a loss.</div><h1>Crash</h1>",
    ],
)
def test_no_marked_lead(page: str) -> None:
    root = _page("", page + _paragraphs())
    assert find_marked_lead(root, "\n".join(_FILLER)) is None


def test_fill_gaps_restores_a_div_paragraph_between_kept_ones() -> None:
    # script-rendered templates write each paragraph as a <div> of spans and links
    block = '<div class="block"><div class="para">{}</div></div>'
    cited = ('<span>Yet even after </span><a href="/x"><span>the release of thousands of '
             'pages</span></a><span>, some questions remain.</span>')
    root = _page("", "<article>"
                     + block.format(f"<span>{_FILLER[0]}</span>")
                     + block.format(cited)
                     # a <div> holding a block element is no paragraph of its own
                     + block.format(f"<span>{_FILLER[3]}</span><figure>x</figure>")
                     + block.format(f"<span>{_FILLER[1]}</span>")
                     # after the story a <div> is as often a prompt as prose: left out
                     + block.format('<span>Want more? Get the best stories every week in '
                                    'your inbox, <a href="/n">sign up here</a>.</span>')
                     + "</article>")
    text = "\n".join(_FILLER[:2])
    assert text_module.fill_gaps(root, text).split("\n") == [
        _FILLER[0],
        "Yet even after the release of thousands of pages, some questions remain.",
        _FILLER[1],
    ]
    # where the text holds a <p>, a <div> between kept paragraphs is a box or a label
    para = '<div class="para"><p>{}</p></div>'
    root = _page("", "<article>" + para.format(_FILLER[0])
                     + f'<div class="para">{cited}</div>' + para.format(_FILLER[1])
                     + "</article>")
    assert text_module.fill_gaps(root, text) == text


def _flight_push(payload: str) -> str:
    """A Next.js flight-data script pushing ``payload`` as a JSON string (``<`` escaped)."""
    literal = json.dumps(payload).replace("<", "\\u003c")
    return f'<script>self.__next_f.push([1,{literal}])</script>'


def test_story_only_in_script_data_is_extracted() -> None:
    story = "".join(f"<p>{p}</p>" for p in _FILLER[:4])
    # the story's HTML as a string inside JSON inside a JSON string, an ad placeholder
    # between its paragraphs, and a shorter teaser of another story in the same state
    state = json.dumps({"detail": {"title": "Bridge", "contentHtml":
                                   "<div>" + story.replace("</p><p>", "</p>$$AD$$<p>", 1)
                                   + "</div>"},
                        "related": [{"contentHtml": f"<p>{_FILLER[4]}</p>" + "x" * 200}]})
    root = _page(_flight_push(f"5:{state}"), "<div id='app'></div>")
    assert text_module.script_text(root, None).split("\n") == _FILLER[:4]
    assert extract_text(root, "https://example.com/news/bridge").split("\n") == _FILLER[:4]
    # __NEXT_DATA__ holds plain JSON, HTML written as is
    data = json.dumps({"props": {"pageProps": {"article": {"body": story}}}})
    root = _page("", f'<div id="__next"></div><script id="__NEXT_DATA__" '
                     f'type="application/json">{data}</script>')
    assert text_module.script_text(root, None).split("\n") == _FILLER[:4]


def test_script_data_not_read() -> None:
    story = "".join(f"<p>{p}</p>" for p in _FILLER)
    ld = json.dumps({"@type": "NewsArticle", "articleBody": story})
    # JSON-LD is the publisher's metadata (articleBody is read elsewhere); short strings
    # and strings without a paragraph are no story
    root = _page(f'<script type="application/ld+json">{ld}</script>'
                 + _flight_push("<p>Too short to be a story.</p>")
                 + _flight_push(" ".join(_FILLER)), "<div></div>")
    assert text_module.script_fragments(root) == []
    assert text_module.script_text(root, None) == ""
    # a page whose HTML has the story does not read its scripts
    root = _page(_flight_push(f"<p>{'Other words. ' * 30}</p>"), story)
    assert extract_text(root, None).split("\n") == _FILLER


def test_json_strings_are_literals_of_200_characters_or_escapes() -> None:
    long = "a" * 199
    source = (
        f'x "{long}" "{long}b" '          # 199: too short; 200: kept
        f'"{long[:-1]}\\n" '               # 198 characters and one escape: too short
        f'"{long}\\n" '                    # 199 characters and one escape: kept
        f'"short" {long}b" '                # a failed literal's closing quote opens the next
        f'"{long}b\\\n"'                   # a backslash before a line break ends nothing
    )
    assert list(text_module._json_strings(source)) == [
        long + "b", long + "\\n", f" {long}b",
    ]


def test_script_strings_are_read_in_linear_time_and_memory() -> None:
    import time
    import tracemalloc

    story = "".join(f"<p>{p}</p>" for p in _FILLER[:4])
    # an unterminated literal of escaped quotes: each of them was a new start that read
    # to the end (20,000 of them: 10 s); then a literal of 2 MB without its closing
    # quote (the greedy repeat's backtracking stack: 280 MB)
    hostile = '<script>var a="<p' + '\\"' * 20_000 + "</script>"
    huge = '<script>var b="<p' + "a" * 2_000_000 + "</script>"
    root = _page(hostile + huge + _flight_push(story), "<div></div>")
    tracemalloc.start()
    started = time.process_time()
    try:
        fragments = text_module.script_fragments(root)
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fragments == [story]
    assert elapsed < 2.0
    assert peak < 40 * 2**20


def test_blocks_are_found_in_the_text_in_any_order() -> None:
    # searched after the last block found first, then before it: order does not matter
    root = _page("", "".join(f"<p>{p}</p>" for p in _FILLER[:4]))
    flat = " ".join([_FILLER[2], _FILLER[0], _FILLER[3]])
    paragraphs, _seen, held_at = text_module._blocks(root.iter("p"), flat)
    assert [held for _text, held, _element in paragraphs] == [True, False, True, True]
    assert held_at == [0, 2, 3]


def test_fill_gaps_is_linear_in_the_number_of_blocks() -> None:
    import time

    # 40,000 <div> paragraphs, all in the text: each was searched for from the text's
    # start (about 11 s); the text comes back unchanged
    lines = [f"Sentence number {i} is long enough to be read as prose here." for i in range(40_000)]
    root = _page("", "".join(f"<div><span>{line}</span></div>" for line in lines))
    text = "\n".join(lines)
    started = time.process_time()
    assert text_module.fill_gaps(root, text) == text
    assert time.process_time() - started < 2.0


def test_fill_gaps_restores_a_subheading_between_kept_paragraphs() -> None:
    wrap = '<div class="text">{}</div>'
    root = _page("", "<article>" + wrap.format(
        f"<p>{_FILLER[0]}</p>"
        "<h2><span>What comes next</span></h2>"  # opens the paragraph under it: restored
        f"<p>{_FILLER[1]}</p>"
        '<h3><a href="/x">Another story of the site</a></h3>'  # a teaser's linked title
        "<h3>Not followed by a paragraph</h3><figure>x</figure>"
        f"<p>{_FILLER[2]}</p>"
        "<h2>A heading followed by its paragraph that runs on well past fifteen words "
        "is no subheading</h2>"
        f"<p>{_FILLER[3]}</p>"
        # after the last kept paragraph a heading names the next box
        "<h2>More from the council</h2>"
        "<p>Readers can find all the other reports from the council in our archive.</p>")
        + "</article>")
    text = "\n".join(_FILLER[:4])
    assert text_module.fill_gaps(root, text).split("\n") == [
        _FILLER[0], "What comes next", _FILLER[1], _FILLER[2], _FILLER[3],
        "Readers can find all the other reports from the council in our archive.",
    ]


def test_fill_gaps_restores_a_sentence_that_links_most_of_itself() -> None:
    wrap = '<div class="text">{}</div>'
    question = ('Why had there been such a <a href="/a">strong turn away from the governing '
                "party at the general election</a>?")
    teaser = ('Lesen Sie auch: <a href="/b">Wie die Anwohner nach dem Brand in der Halle '
              "richtig reagieren sollten.</a>")
    root = _page("", "<article>" + wrap.format(f"<p>{_FILLER[0]}</p>")
                     + wrap.format(f"<p>{question}</p>") + wrap.format(f"<p>{teaser}</p>")
                     + wrap.format(f"<p>{_FILLER[1]}</p>") + "</article>")
    text = "\n".join(_FILLER[:2])
    assert text_module.fill_gaps(root, text).split("\n") == [
        _FILLER[0],
        "Why had there been such a strong turn away from the governing party at the "
        "general election?",
        _FILLER[1],
    ]


def test_flatten_ruby_keeps_the_fallback_text_a_browser_without_ruby_shows() -> None:
    root = _page("", "<p>韓国の<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp>"
                     "</ruby>大統領は述べた。</p>"
                     # no <rp>: base and reading would run together, only the base is kept
                     "<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>を"
                     "なくす。</p>")
    assert flatten_ruby(root) == 3
    assert [p.text_content() for p in root.iter("p")] == [
        "韓国の尹錫悦（ユンソンニョル）大統領は述べた。", "子どもへの虐待をなくす。",
    ]
    assert next(root.iter("ruby", "rt", "rp", "rb"), None) is None


def test_flatten_ruby_is_linear_in_the_number_of_ruby_elements() -> None:
    """25,000 rubies in one paragraph (under the page limits) took 6 s: each ``drop_tag``
    copied the paragraph's growing text again."""
    import time

    root = _page("", "<p>" + "<ruby>base<rt>r</rt></ruby>, " * 25_000 + "end.</p>"
                     "<p>" + "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>" * 5_000 + "</p>")
    started = time.process_time()
    assert flatten_ruby(root) == 30_000
    assert time.process_time() - started < 1.0
    first, second = (p.text_content() for p in root.iter("p"))
    assert first == "base, " * 25_000 + "end." and second == "漢(kan)" * 5_000
    assert next(root.iter("ruby", "rt", "rp", "rb"), None) is None


def test_sentence_with_a_ruby_annotation_stays_one_paragraph() -> None:
    ruby = "<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>"
    sentence = ("【ソウル】韓国の\n{}\n大統領は３日夜、緊急談話を出し、"
                "野党が国政をまひさせているとして「非常戒厳」を宣言した。"
                "具体的な措置については明らかにされていない。")
    story = "".join(f"<p>{p}</p>" for p in _FILLER)
    root = _page("", f"<article><p>{sentence.format(ruby)}</p>{story}</article>")
    # (trafilatura alone breaks the line before and after the base and drops the reading)
    assert extract_text(root, None).split("\n") == [
        sentence.format("尹錫悦（ユンソンニョル）").replace("\n", " "), *_FILLER,
    ]


def test_fill_gaps_restores_a_sentence_whose_link_stands_inside_it() -> None:
    wrap = '<div class="text">{}</div>'
    inside = ('It also <a href="/a">co-ordinates military plans and carries out joint '
              "exercises</a>.")
    # teasers: a label before the link, or the link last
    labelled = ('Read more: <a href="/b">Why the council voted for the new bridge</a>.')
    last = 'Also on the site <a href="/c">why the council voted for the new bridge.</a>'
    root = _page("", "<article>" + "".join(
        wrap.format(f"<p>{p}</p>")
        for p in (_FILLER[0], inside, labelled, last, _FILLER[1])) + "</article>")
    text = "\n".join(_FILLER[:2])
    assert text_module.fill_gaps(root, text).split("\n") == [
        _FILLER[0],
        "It also co-ordinates military plans and carries out joint exercises.",
        _FILLER[1],
    ]


def test_fill_gaps_follows_the_story_into_a_further_chunk_of_its_template() -> None:
    def chunk(paragraphs: list[str]) -> str:
        return ('<div class="grid"><div class="body"><div class="inner">'
                + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></div></div>")

    more = ["After the break the story goes on with a paragraph of its own here.",
            "And it ends with a last paragraph that closes the whole story well."]
    ad = '<div class="ad"><div class="slot"><img src="ad.png"></div></div>'
    root = _page("", chunk(_FILLER[:2]) + ad + chunk(more)
                     # the next story of the page, after its linked title: not followed
                     + '<h2><a href="/next">The next story</a></h2>' + chunk(_FILLER[2:4]))
    text = "\n".join(_FILLER[:2])
    assert text_module.fill_gaps(root, text).split("\n") == [*_FILLER[:2], *more]
    # the next story under a headline of its own, or in an <article> of its own
    for boundary in ("<h1>The next story</h1>", "<article>"):
        page = _page("", "<article><h1>The story</h1>" + chunk(_FILLER[:2]) + ad
                         + ("</article>" if boundary == "<article>" else "")
                         + boundary + chunk(more) + "</article>")
        assert text_module.fill_gaps(page, text) == text
    # a nest without any class is no template
    bare = _page("", "".join(
        "<div><div><div>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></div></div>"
        for paragraphs in (_FILLER[:2], more)))
    assert text_module.fill_gaps(bare, text) == text


# --- hostile pages: bounds of the extra passes ---------------------------------------------
# Generators of the hostile pages that were slow (full size in the comments); the tests
# run small versions and assert the output, with the bounds lowered where they must bite.
_URL = "https://example.com/news/harbour-bridge-vote"
_STORY = "The council voted on the harbour bridge on Tuesday night after a long debate."


def self_linking_headings_page(count: int) -> str:
    """``count`` headings linking to the page itself after one paragraph (14,000: 6.4 s,
    4.3 s of it in the wider pass)."""
    headings = "".join(f"<h2><a href='{_URL}'>Harbour bridge vote part {i}</a></h2>"
                       for i in range(count))
    return (f"<html><head><title>Harbour bridge vote</title></head><body><article>"
            f"<h1>Harbour bridge vote</h1><p>{_STORY}</p>{headings}</article></body></html>")


def linked_sentences_page(count: int) -> str:
    """``count`` paragraphs whose link stands inside the sentence (9,000: 5.2 s)."""
    sentences = "".join(f"<p>It <a href='/plans/{i}'>co-ordinates all the war plans of them, "
                        f"number {i}</a>.</p>" for i in range(count))
    return (f"<html><head><title>Harbour bridge vote</title></head><body><article>"
            f"<h1>Harbour bridge vote</h1><p>{_STORY}</p>{sentences}"
            f"<p>{_STORY.replace('Tuesday', 'Monday')}</p></article></body></html>")


def time_text_page(chars: int) -> str:
    """A ``<time>`` holding ``chars`` characters of dates before a story of ten sentences
    (1 MB: 2.5 s, 1.5 s of it in the wider pass)."""
    story = " ".join(f"{_STORY[:-1]}, said speaker {i}." for i in range(10))
    return (f"<html><head><title>Harbour bridge vote</title></head><body><article>"
            f"<h1>Harbour bridge vote</h1><time>{'12 March 2021 ' * (chars // 14)}</time>"
            f"<p>{story}</p></article></body></html>")


def test_second_and_third_pass_skipped_beyond_the_element_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = parse_html(self_linking_headings_page(300))
    assert root is not None
    # within the bound: the comparison pass takes the headings for text
    assert extract_text(root, _URL).startswith(
        f"Harbour bridge vote {_STORY} Harbour bridge vote part 0 Harbour bridge vote part 1 ")
    monkeypatch.setattr(text_module, "MAX_PASS_ELEMENTS", 500)  # the page has 607
    assert extract_text(root, _URL).split("\n") == ["Harbour bridge vote", _STORY]


def test_pass_count_on_a_page_beyond_the_element_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    root = _page("", "<article>" + _paragraphs() + "</article>")
    calls: list[dict[str, Any]] = []

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        calls.append(options)
        return "short"

    monkeypatch.setattr(text_module, "_run", fake_run)
    extract_text(root, None)
    assert calls == [{"favor_precision": True, "fast": True}, {"favor_precision": True},
                     {"favor_recall": True}, {}]  # the last: the wider pass
    calls.clear()
    monkeypatch.setattr(text_module, "MAX_PASS_ELEMENTS", 5)  # the page has 11 elements
    extract_text(root, None)
    assert calls == [{"favor_precision": True, "fast": True}]


def test_linked_sentences_kept_with_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    root = parse_html(linked_sentences_page(300))
    assert root is not None
    expected = ["Harbour bridge vote", _STORY,
                *(f"It co-ordinates all the war plans of them, number {i}." for i in range(300)),
                _STORY.replace("Tuesday", "Monday")]
    assert extract_text(root, _URL).split("\n") == expected
    monkeypatch.setattr(text_module, "MAX_PASS_ELEMENTS", 100)  # the page has 608
    assert extract_text(root, _URL).split("\n") == expected


@pytest.mark.parametrize("bound", ["MAX_PASS_ELEMENTS", "MAX_WIDEN_CHARS",
                                   "MAX_WIDEN_PARAGRAPHS"])
def test_wider_pass_skipped_beyond_its_bounds(
    monkeypatch: pytest.MonkeyPatch, bound: str,
) -> None:
    inside = [f"Paragraph {i} of the story, written out at some length to count."
              for i in range(30)]
    root = _page("", "<article>" + "".join(f"<p>{p}</p>" for p in inside) + "</article>")

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        if options.get("favor_precision"):
            return "\n".join(inside[:4])  # over MIN_CHARS, under 0.2 of the <article> text
        return "\n".join(inside)

    monkeypatch.setattr(text_module, "_run", fake_run)
    assert extract_text(root, None).split("\n") == inside
    # one element, <p> or character of text less than the <article> has
    size = root.xpath({"MAX_PASS_ELEMENTS": "count(//article/descendant-or-self::*)",
                       "MAX_WIDEN_PARAGRAPHS": "count(//article//p)",
                       "MAX_WIDEN_CHARS": "string-length(normalize-space(//article))"}[bound])
    assert size == {"MAX_PASS_ELEMENTS": 31, "MAX_WIDEN_PARAGRAPHS": 30,
                    "MAX_WIDEN_CHARS": len("".join(inside))}[bound]
    monkeypatch.setattr(text_module, bound, int(size))
    assert extract_text(root, None).split("\n") == inside
    monkeypatch.setattr(text_module, bound, int(size) - 1)
    assert extract_text(root, None).split("\n") == inside[:4]


def test_wider_pass_within_jsonld_article_body_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    inside = [f"Sentence {i} of the publisher's own article text, long enough to count."
              for i in range(10)]
    data = {"@type": "NewsArticle", "articleBody": " ".join(inside)}
    root = _page(f'<script type="application/ld+json">{json.dumps(data)}</script>',
                 "<div>" + "".join(f"<p>{p}</p>" for p in inside) + "</div>")

    def fake_run(document: Any, url: str | None, **options: Any) -> str:
        return "\n".join(inside[:4] if options.get("favor_precision") else inside)

    monkeypatch.setattr(text_module, "_run", fake_run)
    assert extract_text(root, None).split("\n") == inside
    monkeypatch.setattr(text_module, "MAX_PASS_ELEMENTS", 10)  # the page has 16 elements
    assert extract_text(root, None).split("\n") == inside[:4]
    monkeypatch.setattr(text_module, "MAX_PASS_ELEMENTS", 100)
    monkeypatch.setattr(text_module, "MAX_WIDEN_CHARS", len(data["articleBody"]) - 1)
    assert extract_text(root, None).split("\n") == inside[:4]


def test_time_text_page_widened_within_the_bound_only(monkeypatch: pytest.MonkeyPatch) -> None:
    root = parse_html(time_text_page(20_000))
    assert root is not None
    story = " ".join(f"{_STORY[:-1]}, said speaker {i}." for i in range(10))
    dates = ("12 March 2021 " * (20_000 // 14)).strip()
    # the precise pass keeps the headline and the story; the wider pass (the story is
    # under 0.2 of the <article> text) takes the <time> text into the body
    assert extract_text(root, _URL).split("\n") == [dates, story]
    monkeypatch.setattr(text_module, "MAX_WIDEN_CHARS", 19_000)
    assert extract_text(root, _URL).split("\n") == ["Harbour bridge vote", story]
