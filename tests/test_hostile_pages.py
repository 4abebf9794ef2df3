"""Hostile pages and dates (issue 6, cases 4 and 9): nested and huge HTML, binary served
as HTML, NUL bytes, invalid UTF-8, lone surrogates, contradicting charsets, and dates from
1970, 2099, "2 hours ago", without a zone or in broken JSON-LD.

Unit tests call :func:`newsarchive.extract_article` and the Parquet writer; the end-to-end
test writes all the pages into a WARC and imports it with ``scrapy crawl warc``.
"""

from __future__ import annotations

import io
import random
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive import extract_article
from newsarchive.extract import NotAnArticle
from newsarchive.storage.schema import ARTICLES_SCHEMA
from newsarchive.storage.writer import (
    MIN_PARTITION_DATE,
    ArchiveWriter,
    iter_archive_files,
    partition_date,
    valid_text,
)
from tests.crawl import crawl_warc

NOW = datetime(2024, 5, 7, 12, tzinfo=UTC)
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
PARAS = "".join(
    f"<p>The council met on {day} to discuss the budget for the coming year, and many "
    f"residents attended the long session at the town hall on {day} evening.</p>"
    for day in DAYS)


def page(head: str = "", lead: str = "", title: str = "Budget vote", body: str = PARAS) -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"{lead}{body}</article></body></html>")


def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def meta_date(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


URL = "https://n.example/news/budget-vote.html"

#: name -> (body bytes, headers)
HOSTILE: dict[str, tuple[bytes, dict[str, str]]] = {
    "nested-100k": (("<div>" * 100_000 + PARAS + "</div>" * 100_000).encode(), {}),
    "nested-article": (page(body="<div>" * 20_000 + PARAS).encode(), {}),
    "huge-2mb": (page(body=PARAS * 2_000).encode(), {}),
    "binary": (random.Random(6).randbytes(300_000), {"content-type": "text/html"}),
    "nul-bytes": (page(body=PARAS.replace("budget", "bud\x00get")).encode(), {}),
    "invalid-utf8": (page().encode().replace(b"council", b"coun\xff\xfe\xc3cil"),
                     {"content-type": "text/html; charset=utf-8"}),
    "lone-surrogate-jsonld": (page(ld('{"@type": "NewsArticle", "headline": "Bad \\ud800 '
                                      'news\\u0000", "author": {"name": "Ann \\udfff"}}'),
                                   title="Bad news").encode(), {}),
    "surrogate-charref": (page(body=PARAS.replace("Monday", "Mon&#xD800;&#0;day")).encode(),
                          {}),
    "utf16-no-charset": (b"\xff\xfe" + page().encode("utf-16-le"), {"content-type": "text/html"}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_page_gives_article_or_not_an_article(name: str) -> None:
    body, headers = HOSTILE[name]
    started = time.monotonic()
    try:
        article = extract_article(body, URL, headers=headers, crawled_at=NOW)
    except NotAnArticle as exc:
        assert exc.reason
        return
    finally:
        assert time.monotonic() - started < 60
    # Whatever came out is storable: a row written and read back unchanged after
    # valid_text (valid UTF-8, no NUL).
    row = {f.name: getattr(article, f.name, None) for f in ARTICLES_SCHEMA}
    row["cluster_id"] = row["article_id"]
    for value in row.values():
        if isinstance(value, str):
            valid_text(value).encode("utf-8")


@pytest.mark.parametrize(("name", "content_type", "body"), [
    # Byte-order mark beats the header (WHATWG encoding sniffing).
    ("bom-over-header", "text/html; charset=iso-8859-1",
     b"\xef\xbb\xbf" + page(body=PARAS.replace("council", "Café council")).encode()),
    # The header beats <meta>.
    ("header-over-meta", "text/html; charset=utf-8",
     page('<meta charset="windows-1252">', body=PARAS.replace("council", "Café council"))
     .encode()),
    # <meta> when the header has no charset.
    ("meta", "text/html", page('<meta charset="iso-8859-1">',
                               body=PARAS.replace("council", "Café council")).encode("latin-1")),
    # A header that lies (Latin-1 bytes declared UTF-8): repaired, not mojibake.
    ("lying-header", "text/html; charset=utf-8",
     page(body=PARAS.replace("council", "Café council")).encode("latin-1")),
])
def test_charset_header_meta_and_bom(name: str, content_type: str, body: bytes) -> None:
    article = extract_article(body, URL, headers={"content-type": content_type}, crawled_at=NOW)
    assert "Café council" in article.body, name


@pytest.mark.parametrize(("head", "lead"), [
    (meta_date("1970-01-01T00:00:00Z"), ""),
    (meta_date("2099-12-31T10:00:00Z"), ""),
    ("", '<p class="date">2 hours ago</p>'),
    (ld('{"@type": "NewsArticle", "datePublished": "2024-05-06T10:00:00Z", '), ""),
    (ld('{"@type": "NewsArticle", "datePublished": "not a date"}'), ""),
    (ld('{"@type": "NewsArticle", "datePublished": "0000-00-00T00:00:00Z"}'), ""),
    (ld('{"@type": "NewsArticle", "datePublished": "9999-12-31T23:59:59+14:00"}'), ""),
    (ld('{"@type": "NewsArticle", "datePublished": 1715000000000}'), ""),
    (ld('{"@type": "NewsArticle", "datePublished": ["2024", {"x": 1}]}'), ""),
])
def test_implausible_dates_are_dropped(head: str, lead: str) -> None:
    article = extract_article(page(head, lead).encode(), URL, crawled_at=NOW)
    assert article.published_at is None or (
        MIN_PARTITION_DATE <= article.published_at.date() <= NOW.date() + timedelta(days=1))
    day = partition_date(article.published_at, article.crawled_at)
    assert MIN_PARTITION_DATE <= day <= NOW.date() + timedelta(days=1)


def test_date_without_zone_is_utc() -> None:
    article = extract_article(page(meta_date("2024-05-06T10:00:00")).encode(), URL,
                              crawled_at=NOW)
    assert article.published_at == datetime(2024, 5, 6, 10, tzinfo=UTC)


@pytest.mark.parametrize(("published", "expected"), [
    (datetime(1970, 1, 1, tzinfo=UTC), NOW.date()),
    (datetime(2099, 12, 31, tzinfo=UTC), NOW.date()),
    (datetime(1, 1, 1, tzinfo=UTC), NOW.date()),
    (datetime(9999, 12, 31, 23, tzinfo=UTC), NOW.date()),
    (datetime(2024, 5, 6, 10), NOW.date()),  # naive: not trusted
    (datetime(2024, 5, 8, 11, tzinfo=UTC), date(2024, 5, 8)),  # capture day + 1: kept
    (None, NOW.date()),
])
def test_partition_date_is_always_sane(published: datetime | None, expected: date) -> None:
    assert partition_date(published, NOW) == expected


def test_writer_never_takes_a_path_from_a_value(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "run")
    with pytest.raises(TypeError):
        writer.add("articles", "2024-05-06/../../etc", {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        writer.add("articles", datetime(2024, 5, 6), {})
    with pytest.raises(ValueError):
        writer.add("articles", date(1970, 1, 1), {})
    with pytest.raises(KeyError):
        writer.add("../escape", date(2024, 5, 6), {})


def test_writer_stores_lone_surrogates_and_nul_as_valid_utf8(tmp_path: Path) -> None:
    article = extract_article(*HOSTILE["lone-surrogate-jsonld"][:1], URL, crawled_at=NOW)
    assert "\ud800" in (article.title or "")  # what the page says, decoded by json
    row = {f.name: getattr(article, f.name, None) for f in ARTICLES_SCHEMA}
    row["cluster_id"] = row["article_id"]
    writer = ArchiveWriter(tmp_path, "run")
    writer.add("articles", partition_date(article.published_at, NOW), row)
    [published] = writer.flush()
    [stored] = pq.read_table(published.path).to_pylist()
    assert stored["title"] == "Bad \ufffd news"
    assert stored["authors"] in ([], ["Ann \ufffd"], None)


def _warc(path: Path) -> dict[str, str]:
    """Write every hostile page, plus dated ones, as WARC response records; return
    name -> URL."""
    pages = dict(HOSTILE)
    pages["date-1970"] = (page(meta_date("1970-01-01T00:00:00Z"), title="Old date").encode(), {})
    pages["date-2099"] = (page(meta_date("2099-12-31T10:00:00Z"), title="Future date").encode(),
                          {})
    pages["date-ago"] = (page(lead="<p>2 hours ago</p>", title="Relative date").encode(), {})
    pages["date-broken-ld"] = (page(ld('{"datePublished": "2024-05-06T10:00:'),
                                    title="Broken JSON").encode(), {})
    del pages["huge-2mb"]  # slow to extract; covered by the unit test
    words = ["river", "bridge", "council", "school", "budget", "storm", "harbour", "museum",
             "rail", "tax", "court", "election", "farm", "hospital", "police", "library",
             "festival", "factory", "airport", "park"]
    urls: dict[str, str] = {}
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (name, (raw, headers)) in enumerate(sorted(pages.items())):
            # Distinct text per page, so that de-duplication keeps each as an article.
            rng = random.Random(name)
            text = "".join("<p>" + " ".join(rng.choice(words) for _ in range(40)) + ".</p>"
                           for _ in range(6))
            body = raw.replace(PARAS.encode(), text.encode()) if raw.startswith(b"<") else raw
            url = f"https://n{i}.example/news/{name}.html"
            urls[name] = url
            http = StatusAndHeaders("200 OK", [("Content-Type", headers.get(
                "content-type", "text/html; charset=utf-8"))], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-07T12:00:00Z"})
            writer.write_record(record)
    return urls


def test_warc_of_hostile_pages_imports_cleanly(tmp_path: Path) -> None:
    warc = tmp_path / "hostile.warc.gz"
    urls = _warc(warc)
    archive, state = tmp_path / "archive", tmp_path / "state"
    result = crawl_warc(warc, archive, state)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    # Every partition is a valid date in range; nothing hidden is left.
    days = [day for day, _ in iter_archive_files(archive, "articles")]
    assert days and all(MIN_PARTITION_DATE <= d <= date(2024, 5, 8) for d in days)
    for part in (archive / "articles").iterdir():
        assert re.fullmatch(r"published_date=\d{4}-\d{2}-\d{2}", part.name)
    assert list(archive.rglob(".*")) == []
    rows = dict(duckdb.execute(
        f"select url, title from read_parquet('{archive}/articles/**/*.parquet')").fetchall())
    assert rows[urls["lone-surrogate-jsonld"]] == "Bad \ufffd news"
    for name in ("date-1970", "date-2099", "date-ago", "date-broken-ld"):
        assert urls[name] in rows, name
    published = dict(duckdb.execute(
        f"select url, published_date::varchar from read_parquet("
        f"'{archive}/articles/**/*.parquet', hive_partitioning=true)").fetchall())
    assert published[urls["date-2099"]] == "2024-05-07"  # the capture day
    assert published[urls["date-1970"]] == "2024-05-07"
    assert "newsarchive/not_article/" in result.stderr  # binary, nested: counted skips
