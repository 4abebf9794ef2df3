"""Line rules of newsarchive.clean.boilerplate: promo shapes out, real sentences kept."""

from __future__ import annotations

import pytest

from newsarchive.clean import is_boilerplate_line, is_signature_line, remove_boilerplate
from newsarchive.clean.boilerplate import is_date_line

PROMO = [
    # English
    "Read Also:  Colleges face new rules under draft bill",
    "Read more: Police arrest six in drugs raid",
    "READ MORE: Markets rally as rates fall",
    "ALSO READ | Council delays vote on tram line",
    "Also read",
    "RELATED: Storm cuts power to thousands",
    "Related: Ten things to know about the vote.",
    "SEE ALSO",
    "WATCH: Mayor speaks after the vote",
    "[Related: Keynote recap and what comes next]",
    "- Photos: The flood in pictures",
    "More:",
    "Click here to follow us on Google News",
    "CLICK HERE TO GET THE NEWS APP",
    "- Advertisement -",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Article continues below",
    "Continue reading the main story",
    "Sign up for our daily newsletter to get the top stories in your inbox.",
    "Sign Up: Stay on top of the latest news! Sign up for our Email Newsletters here.",
    "Subscribe now for unlimited access.",
    "Subscribe to the Morning Review newsletter",
    "Follow us on Twitter",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "Get the day’s top headlines delivered to your inbox every morning.",
    "Share this article",
    "Like this story? Share it with a friend",
    "© 2022 Example Media Ltd",
    "Copyright 2019 Example News. All rights reserved.",
    "copyright Example 2019 - ISSN: 1234-5678",
    "Latest news",
    "Related news",
    "Most read",
    "Trending",
    "Popular on Example",
    "You may also like...",
    "The views and opinions expressed in the article do not necessarily reflect those of X.",
    "https://www.example.com/news/article/Cat-found-after-five-years-14848175.php",
    "www.example.com/news/cat",
    # German
    "Lesen Sie auch: Streit um Schuldenbremse geht weiter",
    "Mehr zum Thema",
    "Anzeige",
    "Folgen Sie uns auf Twitter",
    "Abonnieren Sie unseren Newsletter",
    "Meistgelesen",
    # German teaser boxes
    "Schon gelesen?",
    "Zum Weiterlesen:",
    "Auch lesen: Diese drei Sternzeichen verschenken ihr Herz",
    "Diese Artikel könnten dich auch interessieren:",
    "Das könnte euch auch interessieren",
    # image credits and credited captions
    "(Credit: Clayton Aldern / Grist)",
    "Credit:",
    "Photo credit: Reuters",
    "Credit: J. Doe / AP",
    "Bildnachweis: Quelle, cc-Lizenz",
    "(Credits: Amazon Prime Video)",
    "Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO",
    "(c) Wiley-VCH",
    "Copyright: Gisele Wender",
    "Quelle: Deutscher Jagdverband (DJV), 02. Februar 2022, Berlin",
    "Source: CDC, Chicago Department of Public Health",
    "(Alle Angaben ohne Gewähr)",
    "Pressekontakt",
    "Media contact:",
    # newsletter, affiliate disclosure, table of contents
    "Never miss the latest news by signing up to our newsletter today!",
    "We recommend the best products. We may receive compensation if you buy through links.",
    "This post contains affiliate links.",
    "Dieser Artikel kann Links zu Anbietern enthalten, von denen wir eine Provision erhalten.",
    "Inhaltsverzeichnis",
    "Table of Contents [hide]",
    "Contents",
    # French
    "Lire aussi : Le gouvernement présente son budget",
    "À lire aussi",
    "Publicité",
    "Abonnez-vous à notre newsletter",
    "Suivez-nous sur Facebook",
    "Les plus lus",
    # Spanish
    "Lee también: El Gobierno aprueba los presupuestos",
    "Noticias relacionadas",
    "Publicidad",
    "Suscríbete a nuestro boletín",
    "Síguenos en Twitter",
    "Lo más leído",
    # Italian
    "Leggi anche: Il governo approva la manovra",
    "(Leggi anche su: Il governo approva la manovra –FOTO)",
    # Hungarian
    "Kapcsolódó cikk: Újabb döntés született",
    "Olvassa el ezt is: Megszavazták a költségvetést",
    "Hirdetés",
    "Iratkozzon fel hírlevelünkre!",
    "Kövessen minket a Facebookon!",
    "Legolvasottabb",
]

REAL = [
    "The council said that related work on the bridge would start in the spring.",
    "Related research shows that the tram will cut commuting times.",
    "Readers can sign up for public hearings at city hall, officials said.",
    "Subscribers to the service will pay more from May, the company said.",
    "Watch out for the new speed cameras, police warned on Tuesday.",
    "More than 300 people attended the meeting.",
    "More – much more – needs to be done, she said.",
    "Copyright law has not kept up with the internet, the judge wrote in her ruling.",
    "The advertisement campaign cost 2 million dollars, according to the filing.",
    "Follow-up talks are planned for next week.",
    "Details are at https://www.example.com/report, the council said.",
    "https://www.example.com/report has the details.",
    "Latest figures show unemployment fell to 4.1 percent in March.",
    "Trending topics on social media included the match and the storm.",
    "He said: “Click here, they told me, and I lost everything.”",
    "Schon gelesen haben es viele, verstanden hat es kaum jemand.",
    "Credit card rates rose sharply: banks said so.",
    "Credit: the lenders agreed to it. Then the market fell.",
    "The © sign marks a protected work, the court said on Monday in its ruling.",
    "Contents of the report were leaked to the press on Monday.",
    "Source: the ministry. It did not say when the rules would change.",
    "Quelle des Streits war ein Brief des Ministers an die Länder.",
    "Alle Angaben ohne Gewähr, sagte der Sprecher, die Liste werde täglich geprüft.",
    "Affiliate links are a common way for blogs to earn money, the study found.",
    "Never miss a chance to see the northern lights, guides say.",
    "Mehr als 300 Menschen kamen zu der Versammlung.",
    "Lire la presse étrangère est devenu plus difficile, dit-elle.",
    "La publicidad institucional creció un 20 por ciento.",
    "A hirdetés szerint a lakás ára 40 millió forint.",
    "Read the full report on the council website, which was published on Monday and runs to "
    "more than two hundred pages of tables, maps and appendices describing every stop, every "
    "depot and every bridge that the proposed tram line would need, with costs for each.",
]


@pytest.mark.parametrize("line", PROMO)
def test_promo_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", REAL)
def test_real_sentences_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_long_line_with_marker_kept() -> None:
    line = "Related: " + "the council and the mayor argued about the budget for months " * 5
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thursday, July 7, 2022", True),
        ("July 7, 2022", True),
        ("7 July 2022 10:45", True),
        ("Donnerstag, 7. Juli 2022", True),
        ("2022. július 7., csütörtök", True),
        ("2022-07-07", True),
        ("On July 7, 2022 the council met.", False),
    ],
)
def test_date_lines(line: str, expected: bool) -> None:
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    ("line", "kw", "expected"),
    [
        ("Nation World News Desk", {}, True),
        ("Web Desk", {}, True),
        ("Redaktion", {}, True),
        ("We beat the other team", {}, False),
        (
            "Nation World News is the fastest emerging news website covering all the news.",
            {},
            True,
        ),
        ("Example Times", {"site_name": "Example Times"}, True),
        ("exampletimes.com", {"domain": "www.exampletimes.com"}, True),
        ("Example Times is owned by a local family trust.", {"site_name": "Example Times"}, True),
        ("Ascom is a global solutions provider focused on healthcare ICT.", {}, False),
        ("The mayor is a former news anchor at a local station.", {}, False),
    ],
)
def test_signature_lines(line: str, kw: dict[str, str], expected: bool) -> None:
    assert is_signature_line(line, **kw) is expected


def test_remove_boilerplate_order_and_normalisation() -> None:
    text = (
        "  First paragraph of the story.  \r\n\r\n"
        "Read more: Another story\n"
        "\n"
        "Second paragraph, with more text.\n"
        "Advertisement\n"
        "Third paragraph.\n"
    )
    clean, removed = remove_boilerplate(text)
    assert (
        clean
        == "First paragraph of the story.\nSecond paragraph, with more text.\nThird paragraph."
    )
    assert removed == ["Read more: Another story", "Advertisement"]


def test_bare_marker_takes_following_headline() -> None:
    text = "Para one.\nRead more:\nCouncil delays vote on tram line\nPara two is here.\nPara 3."
    clean, removed = remove_boilerplate(text)
    assert clean == "Para one.\nPara two is here.\nPara 3."
    assert removed == ["Read more:", "Council delays vote on tram line"]


def test_heading_with_link_list_at_end() -> None:
    text = (
        "One.\nTwo.\nThree.\nFour.\nMost read\nStorm hits the coast\nCouncil approves tram line\n"
    )
    clean, removed = remove_boilerplate(text)
    assert clean == "One.\nTwo.\nThree.\nFour."
    assert removed == ["Most read", "Storm hits the coast", "Council approves tram line"]


def test_press_contact_block_at_end() -> None:
    text = "One.\nTwo.\nThree.\nFour.\nPressekontakt\nMax Muster\nHauptstraße 7\n10119 Berlin"
    clean, removed = remove_boilerplate(text)
    assert clean == "One.\nTwo.\nThree.\nFour."
    assert removed == ["Pressekontakt", "Max Muster", "Hauptstraße 7", "10119 Berlin"]


def test_heading_followed_by_sentences_keeps_them() -> None:
    text = "One.\nTwo.\nThree.\nDon't miss\nA short real sentence follows here.\nAnother one."
    clean, removed = remove_boilerplate(text)
    assert clean == "One.\nTwo.\nThree.\nA short real sentence follows here.\nAnother one."
    assert removed == ["Don't miss"]


def test_comments_section_cut() -> None:
    text = "One.\nTwo.\nThree.\n2 comments\nGreat recipe, thanks!\nHi Ann, glad you liked it."
    clean, removed = remove_boilerplate(text)
    assert clean == "One.\nTwo.\nThree."
    assert removed == ["2 comments", "Great recipe, thanks!", "Hi Ann, glad you liked it."]


def test_title_echo_and_site_signature() -> None:
    text = (
        "Tram line approved - Example Times\n"
        "The council approved the line.\n"
        "It will open in 2026.\n"
        "Example Times\n"
    )
    clean, removed = remove_boilerplate(text, title="Tram line approved", site_name="Example Times")
    assert clean == "The council approved the line.\nIt will open in 2026."
    assert removed == ["Tram line approved - Example Times", "Example Times"]


@pytest.mark.parametrize("text", ["", "\n", "x", "—\n©\n(", "\ud800", "a\x00b"])
def test_remove_boilerplate_never_raises(text: str) -> None:
    clean, removed = remove_boilerplate(text)
    assert isinstance(clean, str)
    assert isinstance(removed, list)


def test_page_credits_teasers_and_toc_leave_the_body() -> None:
    from newsarchive import extract_article

    story = [
        "Die Stadt baut im Sommer eine neue Brücke über den Fluss, sagte der Bürgermeister "
        "am Montag vor dem Gemeinderat in einer langen Sitzung.",
        "Die Kosten liegen nach Angaben der Verwaltung bei rund zwölf Millionen Euro, die "
        "zum größten Teil das Land übernimmt.",
        "Der Verkehr wird während der Bauzeit über eine Behelfsbrücke geleitet, die schon "
        "im Frühjahr errichtet werden soll.",
        "Anwohner hatten seit Jahren einen Neubau gefordert, weil die alte Brücke marode "
        "ist und nur noch einspurig befahren werden darf.",
    ]
    html = (
        "<html><head><title>Neue Brücke</title></head><body><article><h1>Neue Brücke</h1>"
        f"<p>{story[0]}</p><p>Inhaltsverzeichnis</p><p>{story[1]}</p>"
        "<figure><img src='b.jpg'><p>Die alte Brücke. © dpa / Max Muster</p></figure>"
        f"<p>{story[2]}</p><p><em>(Credit: Max Muster / dpa)</em></p>"
        f"<p>{story[3]}</p><p>Schon gelesen?</p>"
        "</article></body></html>"
    )
    body = extract_article(html.encode(), "https://example.com/stadt/neue-bruecke-123.html").body
    assert body.split("\n") == story


@pytest.mark.parametrize(
    "heading", ["Weitere Tourentipps in Schweden", "Mehr Themen:", "More on coronavirus:",
                "Autres articles"],
)
def test_trailing_more_stories_heading_leaves_the_body(heading: str) -> None:
    body = ["The bridge will reopen in May after two years of repairs.",
            "Mehr Frauen für IT begeistern",  # a subheading inside the text stays
            "The council has approved the last payment for the work."]
    clean, removed = remove_boilerplate("\n".join([*body, heading]))
    assert clean.split("\n") == body
    assert removed == [heading]


def test_trailing_line_that_ends_like_a_sentence_or_runs_long_stays() -> None:
    for last in ("More than forty people came to the opening.",
                 "Weitere Informationen gibt es bei der Gemeinde und im Rathaus der Stadt"):
        text = f"The bridge will reopen in May after two years of repairs.\n{last}"
        assert remove_boilerplate(text)[0] == text
