"""Site lines: body lines a site repeats across its stories (pages written here)."""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import duckdb
import pytest
from scrapy.settings import Settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.clean.sitelines import (
    SiteLineCounts,
    line_key,
    pack_line_keys,
    page_line_keys,
    repeated_lines,
    strip_site_lines,
    unpack_line_keys,
)
from newsarchive.config import check_settings, site_lines_pages
from newsarchive.state import SQLiteState
from tests.crawl import crawl_warc

ABOUT = "The Harbor Gazette has covered the bay towns since 1921 and is owned by its readers."


def test_line_key_ignores_case_and_spacing_only() -> None:
    assert line_key("  The  Harbor Gazette\t") == line_key("the harbor gazette")
    assert line_key("The Harbor Gazette.") != line_key("The Harbor Gazette")
    assert line_key("") == 0 and line_key("   ") == 0
    assert 0 < line_key("x") < 2**63


def test_page_line_keys_are_distinct_in_order_and_bounded() -> None:
    body = "One.\nTwo.\n\nOne.\nThree."
    assert page_line_keys(body) == [line_key("One."), line_key("Two."), line_key("Three.")]
    long = "\n".join(f"Line {i}." for i in range(500))
    keys = page_line_keys(long, limit=10)
    assert keys == [line_key(f"Line {i}.") for i in (0, 1, 2, 3, 4, 495, 496, 497, 498, 499)]


def test_pack_round_trip_and_damaged_blob() -> None:
    keys = [1, 2**63 - 1, 12345]
    blob = pack_line_keys(keys)
    assert len(blob) == 24 and unpack_line_keys(blob) == keys
    with pytest.raises(ValueError, match="not a multiple of 8"):
        unpack_line_keys(blob[:-1])
    with pytest.raises(struct.error):
        pack_line_keys([2**64])


def test_repeated_lines_count_each_story_once() -> None:
    samples = [[1, 2, 2, 2], [1, 3], [1, 2], [4]]
    assert repeated_lines(samples, min_pages=3) == {1}
    assert repeated_lines(samples, min_pages=2) == {1, 2}
    assert repeated_lines([], min_pages=1) == set()


def test_site_line_counts_window_and_own_page() -> None:
    counts = SiteLineCounts([("p1", [1, 2]), ("p2", [1, 1]), ("p3", [1, 3])])
    assert counts.repeated("new", [1, 2, 3], need=3) == {1}
    assert counts.repeated("p1", [1, 2], need=3) == set()  # p1's own sample is not counted
    counts.add("p1", [3], keep=3)  # p1 seen again: its sample replaced, not added
    assert list(counts.pages) == ["p2", "p3", "p1"]
    assert counts.repeated("new", [1, 2, 3], need=2) == {1, 3}
    counts.add("p4", [3], keep=3)  # the oldest sample (p2) leaves the window
    assert list(counts.pages) == ["p3", "p1", "p4"]
    assert counts.repeated("new", [1, 3], need=2) == {3}
    assert 2 not in counts.counts  # counts that reach zero are dropped


def test_strip_site_lines_and_share_guard() -> None:
    story = ("Storm closes the ferry pier for two days, the port authority said.\n"
             "Crews will check the pilings on Monday before boats can dock again.")
    body = f"{story}\n{ABOUT}"
    kept, removed = strip_site_lines(body, {line_key(ABOUT)})
    assert kept == story
    assert removed == [ABOUT]
    # a page that is mostly standing text keeps it
    short = f"Ferry pier shut.\n{ABOUT}"
    assert strip_site_lines(short, {line_key(ABOUT)}) == (short, [])
    assert strip_site_lines(body, set()) == (body, [])
    assert strip_site_lines(body, {line_key("absent")}) == (body, [])


def test_settings_are_checked() -> None:
    assert site_lines_pages(Settings()) == (30, 5)
    assert site_lines_pages(Settings({"NEWSARCHIVE_SITE_LINES_PAGES": "10",
                                      "NEWSARCHIVE_SITE_LINES_MIN_PAGES": 3})) == (10, 3)
    for values, message in (
        ({"NEWSARCHIVE_SITE_LINES_PAGES": "many"},
         "PAGES must be a whole number of stories, got 'many'"),
        ({"NEWSARCHIVE_SITE_LINES_MIN_PAGES": 1}, "MIN_PAGES must be at least 2, got 1"),
        ({"NEWSARCHIVE_SITE_LINES_PAGES": 4}, r"MIN_PAGES \(5\) must not exceed"),
    ):
        with pytest.raises(ValueError, match=message):
            site_lines_pages(Settings(values))
        with pytest.raises(ValueError, match=message):
            check_settings(Settings(values))  # checked when the crawl starts


def test_state_keeps_the_newest_samples_one_per_page(tmp_path: Path) -> None:
    state = SQLiteState(tmp_path / "state")
    for n in range(5):
        state.add_site_line_sample("harbor.example", f"page{n}", pack_line_keys([n]), keep=3)
    state.add_site_line_sample("harbor.example", "page3", pack_line_keys([33]), keep=3)
    state.add_site_line_sample("other.example", "page9", pack_line_keys([9]), keep=3)
    expected = [("page2", [2]), ("page4", [4]), ("page3", [33])]
    got = [(p, unpack_line_keys(b)) for p, b in state.site_line_samples("harbor.example")]
    assert got == expected
    state.commit()
    state.add_site_line_sample("harbor.example", "page5", pack_line_keys([5]), keep=3)
    state.rollback()  # pending samples go with the rest of the transaction
    state.close()
    state = SQLiteState(tmp_path / "state")
    got = [(p, unpack_line_keys(b)) for p, b in state.site_line_samples("harbor.example")]
    assert got == expected
    assert state.site_line_samples("none.example") == []
    state.close()


def test_state_made_before_site_lines_gets_the_table(tmp_path: Path) -> None:
    state = SQLiteState(tmp_path / "state")
    state.close()
    import sqlite3

    db = sqlite3.connect(tmp_path / "state" / "state.sqlite3")
    db.execute("DROP TABLE site_lines")
    db.commit()
    db.close()
    state = SQLiteState(tmp_path / "state")
    state.add_site_line_sample("harbor.example", "p", pack_line_keys([7]), keep=3)
    assert state.site_line_samples("harbor.example") == [("p", pack_line_keys([7]))]
    state.close()


def _story(n: int, rng: random.Random) -> str:
    words = ["harbor", "council", "ferry", "budget", "storm", "school", "bridge", "mayor",
             "tide", "market", "vote", "fishing", "permit", "road", "library", "festival"]
    sentences = [" ".join(rng.choice(words) for _ in range(14)).capitalize() + f" {n}{i}."
                 for i in range(24)]
    return "".join(f"<p>{' '.join(sentences[i:i + 4])}</p>" for i in range(0, 24, 4))


def _write_warc(path: Path, stories: int) -> list[str]:
    rng = random.Random(11)
    urls = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(stories):
            url = f"https://harbor.example/2024/05/0{1 + n % 7}/story-{n}.html"
            html = (f"<html lang='en'><head><title>Story {n} | Harbor Gazette</title></head>"
                    f"<body><article><h1>Story number {n}</h1>{_story(n, rng)}<p>{ABOUT}</p>"
                    f"</article></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-05-07T12:00:00Z"}))
            urls.append(url)
    return urls


def test_crawl_learns_a_sites_standing_line(tmp_path: Path) -> None:
    warc = tmp_path / "harbor.warc.gz"
    urls = _write_warc(warc, 8)
    archive, state = tmp_path / "archive", tmp_path / "state"
    result = crawl_warc(warc, archive, state)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = dict(duckdb.execute(
        f"select url, body from read_parquet('{archive}/articles/**/*.parquet')").fetchall())
    assert sorted(rows) == sorted(urls)  # eight different stories, all stored
    # the first five stories are the samples that teach the rule; the rest lose the line
    assert [ABOUT in rows[url] for url in urls] == [True] * 5 + [False] * 3
    assert all(len(rows[url]) > 500 for url in urls)
    assert "'newsarchive/site_lines_removed': 3" in result.stderr
