"""The HTML report: numbers read with DuckDB from an archive written here, checked in the
charts' SVG marks (``data-series``/``data-label``/``data-value``)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsarchive.storage.schema as schema
from newsarchive.report import ReportData, collect, render, write_report
from newsarchive.storage.writer import ArchiveWriter

NOW = datetime(2024, 6, 1, 8, 30, tzinfo=UTC)


class Charts(HTMLParser):
    """Collects, per ``<svg id=…>``, the marks ``(series, label, value)`` in document order,
    and every text outside ``<svg>``."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, list[tuple[str, str, str]]] = {}
        self.current: str | None = None
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "svg":
            self.current = a["id"]
            self.charts[str(self.current)] = []
        elif "data-value" in a and self.current is not None:
            self.charts[self.current].append(
                (str(a["data-series"]), str(a["data-label"]), str(a["data-value"])))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is None and data.strip():
            self.text.append(data.strip())


def parse(html: str) -> Charts:
    parser = Charts()
    parser.feed(html)
    return parser


def article(n: int, day: date, domain: str, title: str, wire: str | None) -> dict[str, Any]:
    url = f"https://{domain}/{n}"
    return {
        "article_id": f"{n:032x}", "url": url, "canonical_url": url, "domain": domain,
        "site_name": None, "title": title, "authors": [],
        "published_at": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        "date_source": "jsonld", "modified_at": None, "crawled_at": NOW, "language": "en",
        "description": None, "body": title, "word_count": 2, "wire_source": wire,
        "dateline": None, "credits": None, "cluster_id": f"{n:032x}",
    }


def copy(of: int, domain: str, day: date, match: str) -> dict[str, Any]:
    return {
        "url": f"https://{domain}/copy-of-{of}", "domain": domain, "title": "copy",
        "published_at": datetime(day.year, day.month, day.day, 11, tzinfo=UTC),
        "crawled_at": NOW, "duplicate_of": f"{of:032x}", "match": match,
        "similarity": 1.0 if match != "near" else 0.8, "cluster_id": f"{of:032x}",
        "article_id": f"{of + 100:032x}{domain}"[:32],
    }


D4, D5, D6 = date(2024, 5, 4), date(2024, 5, 5), date(2024, 5, 6)


def write_archive(root: Path) -> None:
    writer = ArchiveWriter(root, "20240601T000000Z-00000001")
    for row in [
        article(1, D4, "a.com", "Bridge collapses after barge strike", "AP"),
        article(2, D4, "a.com", "Council budget", None),
        article(3, D4, "b.com", "Jazz festival", None),
        article(4, D6, "a.com", "Telescope images", None),
        article(5, D6, "b.com", "Markets rally", "Reuters"),
        article(6, D6, "b.com", "School opens", None),
        article(7, D6, "c.org", "Storm warning", "AP"),
    ]:
        writer.add("articles", row["published_at"].date(), row)
    for row in [copy(1, "x.com", D4, "near"), copy(1, "y.com", D4, "near"),
                copy(1, "z.com", D6, "exact"), copy(7, "x.com", D6, "url")]:
        writer.add("duplicates", row["published_at"].date(), row)
    writer.flush()


def run_row(runs_schema: pa.Schema, run_id: str, started: datetime, status: str,
            failure: str | None, articles: int, duplicates: int, seconds: float) -> dict[str, Any]:
    """A row of ``runs/``: every column zero/empty, then the given values."""
    row: dict[str, Any] = {}
    for f in runs_schema:
        if pa.types.is_integer(f.type) or pa.types.is_floating(f.type):
            row[f.name] = 0
        elif pa.types.is_list(f.type):
            row[f.name] = []
        else:
            row[f.name] = None if f.nullable else ""
    row.update(run_id=run_id, spider="news", started_at=started, finished_at=started,
               duration_seconds=seconds, status=status, failure=failure,
               articles_stored=articles, duplicates_stored=duplicates, pages_fetched=9)
    return row


def write_runs(root: Path, runs_schema: pa.Schema) -> None:
    rows = [
        run_row(runs_schema, "r1", datetime(2024, 6, 1, 6, tzinfo=UTC), "ok", None, 3, 0, 60.0),
        run_row(runs_schema, "r2", datetime(2024, 6, 1, 7, tzinfo=UTC), "failed", "error_rate",
                4, 4, 90.0),
    ]
    for row in rows:
        directory = root / "runs" / "run_date=2024-06-01"
        directory.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist([row], schema=runs_schema),
                       directory / f"part-{row['run_id']}.parquet")


def test_report_charts_show_the_archive(tmp_path: Path) -> None:
    root, out = tmp_path / "archive", tmp_path / "out" / "report.html"
    write_archive(root)
    data = write_report(root, out, now=NOW)
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert page.charts["chart-articles-per-day"] == [
        ("a.com", "2024-05-04", "2"), ("b.com", "2024-05-04", "1"),
        ("a.com", "2024-05-06", "1"), ("b.com", "2024-05-06", "2"), ("c.org", "2024-05-06", "1"),
    ]
    # 2024-05-05 has no article: no point (a gap), not a zero share.
    assert page.charts["chart-shares"] == [
        ("duplicates", "2024-05-04", "40"), ("duplicates", "2024-05-06", "33.3"),
        ("wire copy", "2024-05-04", "33.3"), ("wire copy", "2024-05-06", "50"),
    ]
    assert page.charts["chart-wire-services"] == [
        ("articles", "AP", "2"), ("articles", "Reuters", "1")]
    assert page.charts["chart-match-kinds"] == [
        ("sightings", "near", "2"), ("sightings", "exact", "1"), ("sightings", "url", "1")]
    assert page.charts["chart-site-copies"] == [
        ("copies", "a.com", "0"), ("copies", "b.com", "0"), ("copies", "x.com", "100"),
        ("copies", "c.org", "0"), ("copies", "y.com", "100"), ("copies", "z.com", "100")]
    assert page.charts["chart-republished"] == [
        ("copies", "Bridge collapses after barge strike", "3"), ("copies", "Storm warning", "1")]
    assert [(s["title"], s["domain"], s["wire_source"], s["outlets"]) for s in data.republished] \
        == [("Bridge collapses after barge strike", "a.com", "AP", ["x.com", "y.com", "z.com"]),
            ("Storm warning", "c.org", "AP", ["x.com"])]
    assert "x.com, y.com, z.com" in page.text
    # One flush: one file per partition (articles: 05-04, 05-06; duplicates: the same).
    assert [row[:3] + row[4:] for row in data.storage] == [
        ("articles", 2, 2, 2), ("duplicates", 2, 2, 2)]
    # Totals: 7 articles, 4 sightings (4/11 = 36.4%), 3 of 7 from a wire service.
    for card in ("7", "4", "36.4%", "42.9%", "3", "2024-05-04 … 2024-05-06"):
        assert card in page.text
    assert "The archive has no run record" in " ".join(page.text)
    # Self-contained: no script, no external resource.
    assert "script" not in page.tags and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html


def test_other_sites_are_grouped(tmp_path: Path) -> None:
    write_archive(tmp_path)
    data = collect(tmp_path, sites=1, now=NOW)
    assert data.per_day_by_site == [("a.com", [2, 0, 1]), ("other", [1, 0, 3])]
    assert data.days == [D4, D5, D6]
    assert collect(tmp_path, days=2, now=NOW).days == [D5, D6]


def test_run_history_from_runs_dataset(tmp_path: Path) -> None:
    runs_schema = getattr(schema, "RUNS_SCHEMA", None)
    if runs_schema is None:
        pytest.skip("the run record schema has not landed")
    write_archive(tmp_path)
    write_runs(tmp_path, runs_schema)
    page = parse(render(collect(tmp_path, now=NOW)))
    assert page.charts["chart-runs"] == [
        ("articles", "r1", "3"), ("articles", "r2", "4"), ("duplicates", "r2", "4"),
        ("failed run", "r2", "1")]
    assert page.charts["chart-run-duration"] == [("duration", "r1", "1"), ("duration", "r2", "1.5")]
    assert "failed (error_rate)" in page.text and "ok" in page.text
    assert "2 run(s) recorded, 1 of the last 2 failed." in page.text


def test_empty_archive_gives_a_report_without_charts(tmp_path: Path) -> None:
    page = parse(render(collect(tmp_path / "missing", now=NOW)))
    assert page.charts == {}
    assert "The archive has no articles yet." in page.text


def test_unreadable_files_are_left_out_and_named(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_archive(root)
    junk = root / "articles" / "published_date=2024-05-04" / "part-junk.parquet"
    junk.write_bytes(b"")
    other = root / "duplicates" / "published_date=2024-05-06" / "part-other.parquet"
    pq.write_table(pa.table({"domain": [None, "q.com"]}), other)  # another program's file
    data = collect(root, now=NOW)
    assert (data.articles, data.duplicates, data.sites) == (7, 4, 3)  # the good files only
    assert data.unreadable == [
        (junk.as_posix(), "not a readable Parquet file (Parquet file size is 0 bytes)"),
        (other.as_posix(), "not a file of the duplicates dataset: no column 'url'"),
    ]
    page = parse(render(data))
    assert any(t.startswith("2 file(s) left out: not readable files of their dataset")
               for t in page.text)
    assert junk.as_posix() in page.text and other.as_posix() in page.text


def test_folders_that_are_not_partitions_are_left_out_and_named(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "archive"
    write_archive(root)
    before = collect(root, now=NOW)
    [good, *_] = sorted((root / "articles").glob("*/*.parquet"))
    stray = [root / "articles" / "backup", root / "articles" / "published_date=2024-13-45",
             root / "duplicates" / "published_date=yesterday"]
    for folder in stray:  # each holds a readable copy: read, its rows would count twice
        folder.mkdir()
        shutil.copy(good, folder / good.name)
    (root / "articles" / ".hidden").mkdir()  # hidden: not named
    (root / "articles" / "notes.txt").write_text("a file, not a folder")
    data = collect(root, now=NOW)  # DuckDB: "Hive partition mismatch" before
    assert (data.articles, data.duplicates, data.sites) == (7, 4, 3)
    assert data.stray_folders == [p.as_posix() for p in stray]
    assert data.storage == before.storage and data.unreadable == []
    page = parse(render(data))
    assert any(t.startswith("3 folder(s) left out: not partitions") for t in page.text)
    assert all(p.as_posix() in page.text for p in stray)


def write_two_files_per_partition(root: Path) -> None:
    """The archive of :func:`write_archive` with every file written twice (a compaction
    merges them): 14 articles, 8 duplicates."""
    write_archive(root)
    for path in sorted(root.glob("*/*/*.parquet")):
        shutil.copyfile(path, path.with_name("part-again.parquet"))


def test_a_compaction_swapping_partitions_under_the_report_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsarchive.report as report
    from newsarchive.storage.compact import compact_archive

    root = tmp_path / "archive"
    write_two_files_per_partition(root)
    before = collect(root, now=NOW)
    swaps: list[int] = []
    real_problem = report.file_problem

    def problem_after_a_swap(path: Path, dataset: str) -> str | None:
        if not swaps:  # the files are listed; now a compaction swaps every partition
            swaps.append(len(compact_archive(root, today=date(2024, 6, 1),
                                             tombstone_seconds=0).partitions))
        return real_problem(path, dataset)

    monkeypatch.setattr(report, "file_problem", problem_after_a_swap)
    after = collect(root, now=NOW, retry_seconds=0)
    assert swaps == [4]  # articles and duplicates of 2024-05-04 and 2024-05-06
    assert (after.articles, after.duplicates, after.sites) == (14, 8, 3)
    assert (after.articles, after.duplicates, after.match_kinds, after.unreadable) == (
        before.articles, before.duplicates, before.match_kinds, [])
    assert [files for _name, _parts, files, _size, _small in after.storage] == [2, 2]


def test_tombstones_are_not_rows_and_not_unreadable_files(tmp_path: Path) -> None:
    from newsarchive.storage.compact import compact_archive

    root = tmp_path / "archive"
    write_two_files_per_partition(root)
    seen: list[ReportData] = []

    def read_between_swap_and_tombstone_removal(stage: str, part: Path) -> None:
        if stage == "swapped" and not seen:
            seen.append(collect(root, now=NOW, retry_seconds=0))

    compact_archive(root, today=date(2024, 6, 1), tombstone_seconds=0.01,
                    hook=read_between_swap_and_tombstone_removal)
    [data] = seen
    assert (data.articles, data.duplicates, data.unreadable) == (14, 8, [])
