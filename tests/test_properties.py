"""Property-based tests (issue 6, case 11): arbitrary bytes and strings raise nothing but
the documented errors from extraction, cleaning, the URL normalizer, the discovery
parsers and the writer's text sanitizer."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import extract_article
from newsarchive.clean import clean_body, remove_boilerplate, split_credits, split_dateline
from newsarchive.dedup.urls import article_id, domain_of, normalize_url, same_site
from newsarchive.discovery import parse_date, parse_feed, parse_sitemap, sitemaps_from_robots
from newsarchive.extract import NotAnArticle
from newsarchive.storage.writer import valid_text

NOW = datetime(2024, 5, 7, 12, tzinfo=UTC)
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# HTML-ish text: tags, entities, scripts, JSON-LD fragments, surrogates and NULs mixed in.
_PIECES = st.sampled_from([
    "<html>", "<head>", "<body>", "<article>", "</article>", "<p>", "</p>", "<div>", "</div>",
    "<h1>", "</h1>", "<title>", "</title>", "<br>", "<script>", "</script>", "<!--", "-->",
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":',
    '"datePublished":"2099-01-01"', '<meta charset="', '<meta property="og:title" content="',
    '">', "&amp;", "&#xD800;", "&#0;", "&nbsp;", "\x00", "\ud800", "\ufeff", "By Ann Lee",
    "(AP) — ", "WASHINGTON (Reuters) - ", "Copyright 2024", "Read more:", "\n", " ",
])
HTMLISH = st.lists(st.one_of(_PIECES, st.text(max_size=40)), max_size=60).map("".join)
URLS = st.one_of(
    st.text(max_size=80),
    st.builds(lambda scheme, host, path, query: f"{scheme}://{host}/{path}?{query}",
              st.sampled_from(["http", "https", "HTTP", "ftp", "", "javascript"]),
              st.text(max_size=20), st.text(max_size=30), st.text(max_size=30)),
)


@FAST
@given(st.binary(max_size=4000), st.sampled_from(
    [None, "text/html", "text/html; charset=utf-16", "text/html; charset=bogus",
     "application/octet-stream"]))
def test_extract_article_on_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else None
    try:
        article = extract_article(body, "https://n.example/news/a.html", headers=headers,
                                  crawled_at=NOW)
    except NotAnArticle:
        return
    assert article.published_at is None or article.published_at.tzinfo is not None


@FAST
@given(HTMLISH, st.sampled_from(["https://n.example/2024/05/06/a.html", "http://x.example/",
                                 "https://n.example/tag/news?page=2"]))
def test_extract_article_on_arbitrary_markup(html: str, url: str) -> None:
    for data in (html, html.encode("utf-8", "surrogatepass")):
        try:
            article = extract_article(data, url, crawled_at=NOW)
        except NotAnArticle:
            continue
        for value in (article.title, article.body, article.description):
            if value is not None:
                valid_text(value).encode("utf-8")


@FAST
@given(HTMLISH, st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(),
                                                                      st.text(max_size=30)))
def test_cleaners_on_arbitrary_text(text: str, title: str | None, site: str | None) -> None:
    cleaned = clean_body(text, site_name=site, title=title, domain="n.example")
    assert isinstance(cleaned.body, str)
    body, removed = remove_boilerplate(text, site_name=site, title=title, domain="n.example")
    assert isinstance(body, str) and isinstance(removed, list)
    place, wire, rest = split_dateline(text)
    assert isinstance(rest, str)
    credits, credit_wire, rest = split_credits(text)
    assert isinstance(rest, str)


@FAST
@given(URLS)
def test_url_normalizer_raises_only_value_error(url: str) -> None:
    try:
        normalized = normalize_url(url)
    except ValueError:
        return
    assert normalized.startswith("https://")
    assert normalize_url(normalized) == normalized  # idempotent
    assert len(article_id(url)) == 32
    domain_of(url)
    same_site(url, normalized)


@FAST
@given(st.one_of(st.binary(max_size=3000), HTMLISH.map(lambda s: s.encode("utf-8",
                                                                         "surrogatepass"))))
def test_discovery_parsers_never_raise(body: bytes) -> None:
    parse_feed(body, "https://n.example/feed")
    sitemap = parse_sitemap(body, "https://n.example/sitemap.xml")
    assert all(e.url.startswith(("http://", "https://")) for e in sitemap.entries)
    sitemaps_from_robots(body.decode("utf-8", "replace"), "https://n.example/robots.txt")
    parse_date(body.decode("latin-1")[:60])


@FAST
@given(st.one_of(st.text(), st.lists(st.text(), max_size=5)))
def test_valid_text_is_always_storable(value: str | list[str]) -> None:
    cleaned = valid_text(value)
    for item in cleaned if isinstance(cleaned, list) else [cleaned]:
        assert "\x00" not in item
        item.encode("utf-8")
