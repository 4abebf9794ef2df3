"""Compaction: same rows, atomic for readers, safe with a concurrent writer, idempotent,
resumable after a kill, and invisible to the state."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsarchive.archive import ArchiveSession
from newsarchive.dedup.urls import article_id
from newsarchive.items import Article, Sighting
from newsarchive.state import SQLiteState
from newsarchive.storage import compact as compact_module
from newsarchive.storage.compact import (
    STAGING_DIR,
    TOMBSTONE,
    CompactionBusy,
    compact_archive,
    compacted_from,
    is_tombstone,
)
from newsarchive.storage.schema import ARTICLES_SCHEMA, DUPLICATES_SCHEMA, SCHEMA_VERSION
from newsarchive.storage.writer import ArchiveWriter, publish_lock

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2024, 6, 1)
OLD = date(2024, 5, 6)  # closed: older than TODAY minus 2 days
RECENT = date(2024, 5, 31)  # open: left alone


@pytest.fixture(autouse=True)
def _short_tombstones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that do not look at tombstones do not wait for them (default 5 s)."""
    monkeypatch.setattr(compact_module, "DEFAULT_TOMBSTONE_SECONDS", 0.0)


def article_row(n: int, day: date) -> dict[str, Any]:
    return {
        "article_id": f"{n:032x}",
        "url": f"https://example.com/news/{n}",
        "canonical_url": f"https://example.com/news/{n}",
        "domain": "example.com",
        "site_name": "Example",
        "title": f"Story {n}",
        "authors": [f"Author {n % 3}"],
        "published_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        "date_source": "jsonld",
        "modified_at": None,
        "crawled_at": datetime(2024, 6, 1, 8, tzinfo=UTC),
        "language": "en",
        "description": None,
        "body": f"Body of story {n}.",
        "word_count": n,  # a checksum column: sum(word_count) changes if a row is lost
        "wire_source": "AP" if n % 2 else None,
        "dateline": None,
        "credits": None,
        "cluster_id": f"{n:032x}",
    }


def duplicate_row(n: int, day: date) -> dict[str, Any]:
    return {
        "url": f"https://copy.example.org/{n}",
        "domain": "copy.example.org",
        "title": f"Copy {n}",
        "published_at": datetime(day.year, day.month, day.day, 13, tzinfo=UTC),
        "crawled_at": datetime(2024, 6, 1, 9, tzinfo=UTC),
        "duplicate_of": f"{n:032x}",
        "match": "near",
        "similarity": 0.5,
        "cluster_id": f"{n:032x}",
        "article_id": f"{n + 1000:032x}",
        "word_count": 7,  # schema 2
    }


def write_runs(root: Path, layout: dict[date, int], *, runs: int, start: int = 0) -> int:
    """``runs`` runs, each publishing one articles file per partition in ``layout``
    (with that many rows) and one duplicates file for OLD. Returns the next row number."""
    n = start
    for run in range(runs):
        writer = ArchiveWriter(root, f"20240601T0{run}0000Z-0000000{run}")
        for day, count in layout.items():
            for _ in range(count):
                n += 1
                writer.add("articles", day, article_row(n, day))
        writer.add("duplicates", OLD, duplicate_row(n, OLD))
        writer.flush()
    return n


def snapshot(root: Path, dataset: str = "articles") -> list[tuple[Any, ...]]:
    return duckdb.execute(
        f"select *, published_date::varchar from read_parquet("
        f"'{root}/{dataset}/**/*.parquet', hive_partitioning=true) order by url"
    ).fetchall()


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_duckdb_and_polars_globs_enter_hidden_directories(tmp_path: Path) -> None:
    """Why the staging area is beside the datasets, not inside them."""
    table = pa.table({"a": [1]})
    (tmp_path / "articles" / ".staging").mkdir(parents=True)
    pq.write_table(table, tmp_path / "articles" / "p.parquet")
    pq.write_table(table, tmp_path / "articles" / ".staging" / "p.parquet")
    pattern = f"{tmp_path}/articles/**/*.parquet"
    assert duckdb.execute(f"select count(*) from read_parquet('{pattern}')").fetchall() == [(2,)]
    assert pl.scan_parquet(pattern).collect().height == 2


def test_compaction_merges_small_files_and_keeps_every_row(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 3, RECENT: 2}, runs=4)
    articles, duplicates = snapshot(root), snapshot(root, "duplicates")
    old_dir = root / "articles" / f"published_date={OLD}"
    small = names(old_dir)
    assert small == [f"part-20240601T0{r}0000Z-0000000{r}-00001.parquet" for r in range(4)]

    report = compact_archive(root, today=TODAY, compaction_id="C1", target_bytes=1 << 20)

    assert [(p.dataset, p.day, len(p.merged), p.written, p.rows) for p in report.partitions] == [
        ("articles", OLD, 4, ("part-compact-C1-00001.parquet",), 12),
        ("duplicates", OLD, 4, ("part-compact-C1-00001.parquet",), 4),
    ]
    assert snapshot(root) == articles and snapshot(root, "duplicates") == duplicates
    assert names(old_dir) == ["part-compact-C1-00001.parquet"]
    assert compacted_from(old_dir / "part-compact-C1-00001.parquet") == small
    assert len(names(root / "articles" / f"published_date={RECENT}")) == 4  # still open
    merged = pq.ParquetFile(old_dir / "part-compact-C1-00001.parquet")
    assert merged.metadata.num_row_groups == 1
    assert merged.schema_arrow.metadata[b"newsarchive.schema_version"] == SCHEMA_VERSION.encode()
    # Rows keep the order of the runs that wrote them.
    assert pq.read_table(old_dir / "part-compact-C1-00001.parquet",
                         columns=["word_count"]).column(0).to_pylist() == [
        1, 2, 3, 6, 7, 8, 11, 12, 13, 16, 17, 18]

    # Idempotent: a second run (after the grace period) rewrites nothing.
    before = listing(root)
    again = compact_archive(root, today=TODAY, target_bytes=1 << 20, grace_seconds=0)
    assert again.partitions == [] and again.removed_staging == 2
    assert listing(root) == [p for p in before if not p.startswith(STAGING_DIR)]


def test_target_bytes_splits_groups_and_a_last_lone_file_joins(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=5)
    old_dir = root / "articles" / f"published_date={OLD}"
    sizes = {p.name: p.stat().st_size for p in old_dir.iterdir()}
    size = max(sizes.values())
    # Two files per group; min_bytes above every file so all count as small; the fifth
    # file joins the second group.
    report = compact_archive(root, today=TODAY, compaction_id="C2", datasets=["articles"],
                             target_bytes=2 * size + 1, min_bytes=size + 1)
    [part] = report.partitions
    assert part.written == ("part-compact-C2-00001.parquet", "part-compact-C2-00002.parquet")
    assert names(old_dir) == list(part.written)
    assert [compacted_from(old_dir / name) for name in part.written] == [
        [f"part-20240601T0{r}0000Z-0000000{r}-00001.parquet" for r in (0, 1)],
        [f"part-20240601T0{r}0000Z-0000000{r}-00001.parquet" for r in (2, 3, 4)],
    ]
    assert compact_archive(root, today=TODAY, datasets=["articles"], target_bytes=2 * size + 1,
                           min_bytes=size + 1).partitions == []


def test_files_of_an_older_schema_are_merged_into_the_current_one(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=1)
    part = root / "duplicates" / f"published_date={OLD}"
    # A file written before the last column was added (nullable, appended: DESIGN.md).
    old_schema = pa.schema(list(DUPLICATES_SCHEMA)[:-1],
                           metadata={b"newsarchive.schema_version": b"0"})
    row = {k: v for k, v in duplicate_row(99, OLD).items() if k in old_schema.names}
    pq.write_table(pa.Table.from_pylist([row], schema=old_schema),
                   part / "part-20200101T000000Z-00000000-00001.parquet")
    report = compact_archive(root, today=TODAY, datasets=["duplicates"], compaction_id="S")
    assert [p.rows for p in report.partitions] == [2]
    merged = pq.read_table(part / "part-compact-S-00001.parquet")
    assert merged.schema.equals(DUPLICATES_SCHEMA, check_metadata=False)
    last = DUPLICATES_SCHEMA.names[-1]
    assert merged.column("url").to_pylist() == [
        "https://copy.example.org/99", "https://copy.example.org/1"]
    assert (last, merged.column(last).to_pylist()) == ("word_count", [None, 7])


def is_retryable(exc: duckdb.Error, root: Path) -> bool:
    """The reader contract (README, compaction): a DuckDB error naming a file of the archive
    is a query that met a compaction's swap; run it again."""
    return str(root) in str(exc)


def test_concurrent_reader_never_sees_a_different_count(tmp_path: Path) -> None:
    """Readers query in a loop while compactions swap partitions: every answer is the
    exact one or an error naming a file (retried), never a count without a partition.
    Two archives of 16 partitions each (34 swaps with ``duplicates``); one reader opens a
    new connection per query, the other keeps one with DuckDB's caches of local files
    turned on."""
    days = [date(2024, 4, d) for d in range(1, 17)]
    results: list[Any] = []
    retried: list[str] = []
    for round_ in range(2):
        root = tmp_path / f"archive{round_}"
        write_runs(root, dict.fromkeys(days, 2), runs=10)
        query = (f"select count(*), sum(word_count), count(distinct article_id) from "
                 f"read_parquet('{root}/articles/**/*.parquet', hive_partitioning=true)")
        expected = duckdb.execute(query).fetchall()
        assert expected == [(320, 320 * 321 // 2, 320)]
        stop = threading.Event()
        seen: list[list[Any]] = [[], []]

        def reader(slot: int, cached: bool, query: str = query, root: Path = root,
                   seen: list[list[Any]] = seen, stop: threading.Event = stop) -> None:
            con = duckdb.connect()
            if cached:
                con.execute("set parquet_metadata_cache = true")
                con.execute("set cache_local_files = true")
            while not stop.is_set():
                try:
                    seen[slot].append((con if cached else duckdb.connect()).execute(
                        query).fetchall())
                except duckdb.Error as exc:
                    if not is_retryable(exc, root):
                        raise
                    retried.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=reader, args=(i, i == 1)) for i in range(2)]
        for thread in threads:
            thread.start()
        try:
            while min(len(s) for s in seen) < 2:
                time.sleep(0.01)
            report = compact_archive(root, today=TODAY, target_bytes=1 << 20,
                                     tombstone_seconds=0.5,
                                     hook=lambda stage, part: time.sleep(0.01))
            counts = [len(s) for s in seen]
            while min(len(s) - c for s, c in zip(seen, counts, strict=True)) < 2:
                time.sleep(0.01)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert len(report.partitions) == 17  # 16 articles, 1 duplicates
        results.extend(r for s in seen for r in s)
        assert all(result == expected for s in seen for result in s), {
            str(r) for s in seen for r in s}
        assert duckdb.execute(query).fetchall() == expected
        assert not any(is_tombstone(p) for p in (root / "articles").rglob("*.parquet"))
    assert len(results) >= 8


def test_file_published_during_compaction_is_carried_over(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    last = write_runs(root, {OLD: 2}, runs=3)
    late = ArchiveWriter(root, "20240601T090000Z-0000000f")

    def publish_late(stage: str, part: Path) -> None:
        if stage == "staged" and "articles" in part.parts:
            late.add("articles", OLD, article_row(last + 1, OLD))
            late.flush()

    report = compact_archive(root, today=TODAY, compaction_id="C3", hook=publish_late,
                             target_bytes=1 << 20)
    assert report.partitions[0].carried == ("part-20240601T090000Z-0000000f-00001.parquet",)
    assert names(root / "articles" / f"published_date={OLD}") == [
        "part-20240601T090000Z-0000000f-00001.parquet", "part-compact-C3-00001.parquet"]
    word_counts = sorted(r[14] for r in snapshot(root))
    assert word_counts == list(range(1, last + 2))


def test_writer_waits_while_compaction_swaps(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "r1")
    writer.add("articles", OLD, article_row(1, OLD))
    done = threading.Event()
    with publish_lock(tmp_path, exclusive=True):

        def flush() -> None:
            writer.flush()
            done.set()

        thread = threading.Thread(target=flush)
        thread.start()
        assert not done.wait(0.3)
        assert list(tmp_path.rglob("*.parquet")) == []
    thread.join(5)
    assert done.is_set() and len(list(tmp_path.rglob("*.parquet"))) == 1


def test_runs_are_compacted_and_their_writer_takes_the_lock(tmp_path: Path) -> None:
    from newsarchive.extensions.runrecord import publish_run
    from newsarchive.report import collect
    from newsarchive.storage.schema import RUNS_SCHEMA
    from tests.test_report import run_row

    root = tmp_path / "archive"
    for i in range(3):
        publish_run(root, run_row(RUNS_SCHEMA, f"20240506T0{i}0000Z-0000000{i}",
                                  datetime(2024, 5, 6, i, tzinfo=UTC), "ok", None, i, 0, 1.0))
    report = compact_archive(root, today=TODAY, compaction_id="R")
    assert [(p.dataset, p.day, p.rows) for p in report.partitions] == [("runs", OLD, 3)]
    assert names(root / "runs" / "run_date=2024-05-06") == ["part-compact-R-00001.parquet"]
    runs = collect(root).runs
    assert runs is not None and [r["articles_stored"] for r in runs] == [0, 1, 2]

    done = threading.Event()
    row = run_row(RUNS_SCHEMA, "late", datetime(2024, 5, 6, 9, tzinfo=UTC), "ok", None, 1, 0, 1.0)

    def publish() -> None:
        publish_run(root, row)
        done.set()

    with publish_lock(root, exclusive=True):
        thread = threading.Thread(target=publish)
        thread.start()
        assert not done.wait(0.3)
    thread.join(5)
    assert done.is_set()


def test_second_compaction_at_once_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=2)
    busy: list[Exception] = []

    def compete(stage: str, part: Path) -> None:
        if stage == "staged":
            try:
                compact_archive(root, today=TODAY)
            except CompactionBusy as exc:
                busy.append(exc)

    compact_archive(root, today=TODAY, hook=compete, datasets=["articles"])
    assert len(busy) == 1 and "another compaction" in str(busy[0])


KILLER = """
import os, sys
from datetime import date
from newsarchive.storage.compact import compact_archive

def hook(stage, part):
    if stage == sys.argv[2]:
        os._exit(137)  # like kill -9: no cleanup runs

compact_archive(sys.argv[1], today=date(2024, 6, 1), compaction_id="K", hook=hook,
                target_bytes=1 << 20, tombstone_seconds=0)
"""


@pytest.mark.parametrize("stage", ["staged", "swapped", "cleared"])
def test_killed_compaction_leaves_the_archive_correct(tmp_path: Path, stage: str) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 2, date(2024, 5, 7): 2}, runs=3)
    articles, duplicates = snapshot(root), snapshot(root, "duplicates")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", KILLER, str(root), stage], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 137, result.stderr
    old_dir = root / "articles" / f"published_date={OLD}"
    leftover = root / STAGING_DIR / "K" / "articles" / f"published_date={OLD}"
    old_names = names(leftover) if stage != "staged" else names(old_dir)
    if stage == "swapped":
        # Killed before its tombstones were deleted: readers fail on them, loudly, until
        # the next compaction (or a crawl, once they are MAX_TOMBSTONE_SECONDS old).
        with pytest.raises(duckdb.Error, match="magic bytes"):
            snapshot(root)
        assert names(old_dir) == sorted(["part-compact-K-00001.parquet", *old_names])
        assert all(is_tombstone(old_dir / n) for n in old_names)
    else:
        assert snapshot(root) == articles and snapshot(root, "duplicates") == duplicates
    if stage == "staged":  # the merged file waits in the staging area, readers never see it
        assert len(names(old_dir)) == 3 and names(leftover) == ["part-compact-K-00001.parquet"]
    elif stage == "cleared":  # the partition is compacted, the old files wait for the grace
        assert names(old_dir) == ["part-compact-K-00001.parquet"] and len(names(leftover)) == 3

    report = compact_archive(root, today=TODAY, target_bytes=1 << 20, tombstone_seconds=0)
    assert snapshot(root) == articles and snapshot(root, "duplicates") == duplicates
    # All three partitions were staged (merged) before the first swap: killed at it, three
    # staging directories are left; killed after it, the two not swapped yet.
    assert report.removed_staging == (3 if stage == "staged" else 2)
    assert report.removed_tombstones == (3 if stage == "swapped" else 0)
    assert len(report.partitions) == (3 if stage == "staged" else 2)
    for dataset in ("articles", "duplicates"):
        for part in (root / dataset).iterdir():
            assert len(names(part)) == 1 and names(part)[0].startswith("part-compact-")
    compact_archive(root, today=TODAY, grace_seconds=0, tombstone_seconds=0)
    assert list((root / STAGING_DIR).iterdir()) == []


def test_tombstones_are_deleted_after_tombstone_seconds_even_after_an_error(
        tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 2}, runs=3)
    rows = snapshot(root)
    part = root / "articles" / f"published_date={OLD}"
    old_names = names(part)
    seen: dict[str, list[str]] = {}

    def hook(stage: str, where: Path) -> None:
        if "articles" in where.parts:
            seen[stage] = names(where)
            seen[f"{stage} at"] = [f"{time.monotonic():.3f}"]
            seen[f"{stage} tombstones"] = [n for n in names(where) if is_tombstone(where / n)]
        if stage == "swapped":
            raise RuntimeError("stop")

    start = time.monotonic()
    with pytest.raises(RuntimeError, match="stop"):
        compact_archive(root, today=TODAY, datasets=["articles"], hook=hook,
                        compaction_id="E", tombstone_seconds=0.3)
    assert seen["swapped"] == sorted([*old_names, "part-compact-E-00001.parquet"])
    assert seen["swapped tombstones"] == old_names
    assert names(part) == seen["cleared"] == ["part-compact-E-00001.parquet"]
    assert float(seen["cleared at"][0]) - start >= 0.3
    assert snapshot(root) == rows
    with pytest.raises(ValueError, match="tombstone_seconds"):
        compact_archive(root, today=TODAY, tombstone_seconds=601)


# -- the state: compacted rows are not new rows -----------------------------------------

WORDS = ["river", "bridge", "council", "budget", "festival", "telescope", "harbour",
         "election", "storm", "court", "museum", "railway", "school", "hospital", "market",
         "farmers", "orchestra", "library", "stadium", "airport", "factory", "energy"]


def make_article(n: int, day: date) -> Article:
    url = f"https://news.example.com/{day:%Y/%m/%d}/story-{n}.html"
    body = "\n".join(
        " ".join(WORDS[(n * 7 + i * 3 + j) % len(WORDS)] + str(n * 100 + i) for j in range(12))
        for i in range(8)
    )
    return Article(
        article_id=article_id(url), url=url, canonical_url=url, domain="news.example.com",
        crawled_at=datetime(2024, 6, 1, 8, tzinfo=UTC), body=body, title=f"Story {n}",
        published_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
        word_count=len(body.split()),
    )


def store(session: ArchiveSession, article: Article) -> str:
    """What the de-duplication pipeline does with one page; returns the decision."""
    decision = session.dedup.decide(article, fetched_urls=[article.url])
    if decision.kind == "new":
        article.cluster_id = article.article_id
        session.add_article(article, decision, [article.url])
    elif decision.kind != "seen":
        assert decision.duplicate_of and decision.cluster_id
        sighting = Sighting(article.url, article.domain, article.crawled_at,
                            decision.duplicate_of, decision.cluster_id, decision.kind,
                            decision.similarity, article.article_id, article.title)
        session.add_sighting(article, sighting, decision, [article.url])
    return decision.kind


def test_crawl_after_compaction_reads_no_rows_and_adds_none(tmp_path: Path) -> None:
    root, state_dir = tmp_path / "archive", tmp_path / "state"
    articles = [make_article(n, OLD if n % 2 else date(2024, 5, 7)) for n in range(8)]
    for run in range(2):  # two crawls, one flush per article: many small files
        session = ArchiveSession(root, SQLiteState(state_dir), run_id=f"run{run}")
        assert session.reconcile() == 0
        for article in articles[run * 4:(run + 1) * 4]:
            assert store(session, article) == "new"
            session.flush()
        session.close()
    before = snapshot(root)
    assert len(before) == 8

    report = compact_archive(root, today=TODAY, target_bytes=1 << 20)
    assert [p.rows for p in report.partitions] == [4, 4]

    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run2")
    assert session.reconcile() == 0  # merged files are known through their sources
    assert [store(session, make_article(n, OLD if n % 2 else date(2024, 5, 7)))
            for n in range(8)] == ["seen"] * 8
    assert store(session, make_article(8, OLD)) == "new"
    session.close()
    after = snapshot(root)
    assert len(after) == 9 and [r for r in after if r[1] != make_article(8, OLD).url] == before

    # A deleted state is rebuilt from the merged files' rows.
    for path in sorted(state_dir.rglob("*"), reverse=True):
        path.unlink()
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run3")
    assert session.reconcile() == 9
    assert all(session.is_seen(make_article(n, OLD).url) for n in (1, 3, 8))
    session.close()


def test_reconciliation_skips_tombstones_and_removes_stale_ones(tmp_path: Path) -> None:
    root, state_dir = tmp_path / "archive", tmp_path / "state"
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run0")
    assert store(session, make_article(1, OLD)) == "new"
    session.close()
    part = root / "articles" / f"published_date={OLD}"
    fresh, stale = part / "part-fresh.parquet", part / "part-stale.parquet"
    for path in (fresh, stale):
        path.write_bytes(TOMBSTONE)
    old = time.time() - compact_module.MAX_TOMBSTONE_SECONDS - 60
    os.utime(stale, (old, old))
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run1")
    assert session.reconcile() == 0  # neither indexed nor an error (archive_error)
    session.close()
    assert fresh.exists() and not stale.exists()
    state = SQLiteState(state_dir)
    assert not state.is_file_indexed(f"articles/published_date={OLD}/part-fresh.parquet")
    state.close()


def test_reconciliation_removes_a_stale_tombstone_under_an_indexed_name(tmp_path: Path) -> None:
    """The usual case: a killed compaction leaves its tombstones under the names of merged-away
    crawl files, which the state has indexed. A later crawl removes them all the same (they were
    skipped as indexed, and stayed until the next compaction)."""
    root, state_dir = tmp_path / "archive", tmp_path / "state"
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run0")
    assert store(session, make_article(1, OLD)) == "new"
    session.close()
    [crawled] = (root / "articles" / f"published_date={OLD}").glob("*.parquet")
    crawled.write_bytes(TOMBSTONE)  # what a compaction killed after its swap leaves
    old = time.time() - compact_module.MAX_TOMBSTONE_SECONDS - 60
    os.utime(crawled, (old, old))
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run1")
    assert session.reconcile() == 0
    session.close()
    assert not crawled.exists()


def test_staging_killed_while_writing_its_first_file_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=2)
    staging = root / STAGING_DIR / "K" / "articles" / f"published_date={OLD}"
    staging.mkdir(parents=True)
    (staging / ".part-compact-K-00001.parquet.inprogress").write_bytes(b"PAR1")
    report = compact_archive(root, today=TODAY, datasets=["articles"])  # default grace
    assert report.removed_staging == 1 and len(report.partitions) == 1
    assert [p.name for p in (root / STAGING_DIR).iterdir()] == [report.compaction_id]


def test_large_files_are_kept_as_they_are(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    last = write_runs(root, {OLD: 1}, runs=3)
    writer = ArchiveWriter(root, "20240601T090000Z-0000000b")
    for n in range(last + 1, last + 51):
        writer.add("articles", OLD, article_row(n, OLD))
    [big] = writer.flush()
    inode = big.path.stat().st_ino
    rows = snapshot(root)
    report = compact_archive(root, today=TODAY, datasets=["articles"], compaction_id="L",
                             min_bytes=big.bytes)
    [part] = report.partitions
    assert len(part.merged) == 3 and part.rows == 3
    assert names(big.path.parent) == [big.path.name, "part-compact-L-00001.parquet"]
    assert big.path.stat().st_ino == inode  # the same file, linked into the new directory
    assert snapshot(root) == rows


def test_files_of_the_previous_schema_are_conformed(tmp_path: Path) -> None:
    """A schema-2 articles file (no ``is_accessible_for_free``) beside a current one: readers
    with ``union_by_name`` see null for the old rows, and compaction writes the current
    schema with those nulls."""
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=1, start=100)
    old_dir = root / "articles" / f"published_date={OLD}"
    old_schema = pa.schema([f for f in ARTICLES_SCHEMA if f.name != "is_accessible_for_free"],
                           metadata={b"newsarchive.schema_version": b"2"})
    pq.write_table(pa.Table.from_pylist([article_row(1, OLD)], schema=old_schema),
                   old_dir / "part-20240501T000000Z-00000000-00001.parquet")
    new_file = next(p for p in old_dir.iterdir() if "T00" in p.name and "0501" not in p.name)
    table = pq.read_table(new_file)
    flags = pa.array([False], pa.bool_())
    table = table.set_column(table.schema.get_field_index("is_accessible_for_free"),
                             "is_accessible_for_free", flags)
    pq.write_table(table.replace_schema_metadata(ARTICLES_SCHEMA.metadata), new_file)
    query = (f"select word_count, is_accessible_for_free from read_parquet("
             f"'{root}/articles/**/*.parquet', hive_partitioning=true, union_by_name=true) "
             f"order by word_count")
    assert duckdb.execute(query).fetchall() == [(1, None), (101, False)]

    compact_archive(root, today=TODAY, compaction_id="C3", target_bytes=1 << 20)

    assert names(old_dir) == ["part-compact-C3-00001.parquet"]
    merged = pq.read_table(old_dir / "part-compact-C3-00001.parquet")
    assert merged.schema.remove_metadata() == ARTICLES_SCHEMA.remove_metadata()
    assert sorted(zip(merged.column("word_count").to_pylist(),
                      merged.column("is_accessible_for_free").to_pylist(),
                      strict=True)) == [(1, None), (101, False)]


def test_a_file_that_is_not_parquet_is_left_alone_and_the_rest_compacted(
        tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 2}, runs=3)
    part = root / "articles" / f"published_date={OLD}"
    before = snapshot(root)
    (part / "part-junk.parquet").write_bytes(b"hello\n")  # e.g. an interrupted copy
    pq.write_table(pa.table({"a": [1]}), part / "part-other.parquet")  # another program's

    report = compact_archive(root, today=TODAY, datasets=["articles"])

    assert [(p.name, problem) for p, problem in report.unreadable] == [
        ("part-junk.parquet", "not a readable Parquet file (Parquet file size is 6 bytes, "
                              "smaller than the minimum file footer (8 bytes))"),
        ("part-other.parquet", "not a file of the articles dataset: no column 'article_id'"),
    ]
    [done] = report.partitions
    assert len(done.merged) == 3 and len(done.written) == 1  # the three crawl files
    names = sorted(p.name for p in part.iterdir())
    assert names == [done.written[0], "part-junk.parquet", "part-other.parquet"]
    assert (part / "part-junk.parquet").read_bytes() == b"hello\n"  # untouched
    for name in ("part-junk.parquet", "part-other.parquet"):
        (part / name).unlink()
    assert snapshot(root) == before  # the same rows, once


def test_compact_command_exits_1_naming_an_unreadable_file(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=2)
    junk = root / "articles" / f"published_date={OLD}" / "part-junk.parquet"
    junk.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", "compact", "--archive", str(root)],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert f"{junk} left as it is: not a readable Parquet file" in result.stderr
    assert "2 partition(s), 4 small file(s) merged, 2 written" in result.stdout
    assert junk.exists()


# -- bounded staging: batches, free space, a full disk -----------------------------------

DAYS = [date(2024, 5, d) for d in (3, 4, 5, 6)]  # closed


def dataset_files(root: Path) -> dict[str, tuple[int, int]]:
    """Path → (inode, size) of every file readers can list (the datasets)."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_size)
            for dataset in ("articles", "duplicates", "runs") if (root / dataset).is_dir()
            for p in (root / dataset).rglob("*") if p.is_file()}


def staged_now(root: Path, cid: str) -> list[str]:
    """Partitions whose merged files wait in the staging area (not swapped in yet)."""
    return sorted(f"{p.parent.name}/{p.name}" for p in (root / STAGING_DIR / cid).glob("*/*")
                  if any(p.glob(f"part-compact-{cid}-*.parquet")))


def fake_disk(monkeypatch: pytest.MonkeyPatch, root: Path, budget: int) -> None:
    """``shutil.disk_usage`` of a disk with ``budget`` bytes free before compaction: the
    files in the staging area take from it (every file counted, each inode once)."""
    real = shutil.disk_usage

    def usage(path: str | os.PathLike[str]) -> Any:
        seen = {p.stat().st_ino: p.stat().st_size
                for p in (root / STAGING_DIR).rglob("*") if p.is_file()}
        total = real(path).total
        used = sum(seen.values())
        return type(real(path))(total, used, max(budget - used, 0))

    monkeypatch.setattr(compact_module.shutil, "disk_usage", usage)


def needs(root: Path) -> int:
    """The largest need of one partition (a dry run with one partition per batch)."""
    return compact_archive(root, today=TODAY, dry_run=True, max_staged_bytes=1
                           ).largest_batch_bytes


def test_batches_stay_under_max_staged_bytes_each_staged_before_its_first_swap(
        tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 2), runs=3)
    rows, duplicates = snapshot(root), snapshot(root, "duplicates")
    limit = 2 * needs(root)  # two partitions of about the same size fit, three do not
    plan = compact_archive(root, today=TODAY, dry_run=True, max_staged_bytes=limit)
    assert (plan.batches, len(plan.partitions)) == (3, 5)
    assert needs(root) < plan.largest_batch_bytes <= limit
    events: list[tuple[str, str, list[str]]] = []

    def hook(stage: str, part: Path) -> None:
        events.append((stage, f"{part.parent.name}/{part.name}", staged_now(root, "B")))

    report = compact_archive(root, today=TODAY, compaction_id="B", max_staged_bytes=limit,
                             hook=hook)

    a = [f"articles/published_date={day}" for day in DAYS]
    d = f"duplicates/published_date={OLD}"
    # Right before each swap: the partitions of its batch not swapped yet are all staged,
    # and none of the next batch.
    assert [(part, now) for stage, part, now in events if stage == "staged"] == [
        (a[0], [a[0], a[1]]), (a[1], [a[1]]), (a[2], [a[2], a[3]]), (a[3], [a[3]]), (d, [d])]
    assert report.batches == 3 and len(report.partitions) == 5
    batch_bytes = [report.partitions[0].bytes_after + report.partitions[1].bytes_after,
                   report.partitions[2].bytes_after + report.partitions[3].bytes_after,
                   report.partitions[4].bytes_after]
    assert report.peak_staged_bytes == max(batch_bytes) <= limit
    assert snapshot(root) == rows and snapshot(root, "duplicates") == duplicates
    assert report.removed_replaced == 0  # within their grace period (default 600 s)
    assert len(list((root / STAGING_DIR / "B").glob("*/*"))) == 5


def test_a_partition_over_the_limit_is_a_batch_of_its_own_and_old_files_go_after_grace(
        tmp_path: Path) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 1), runs=2)
    rows = snapshot(root)
    report = compact_archive(root, today=TODAY, compaction_id="G", max_staged_bytes=1,
                             grace_seconds=0)
    assert (report.batches, len(report.partitions)) == (5, 5)
    # The replaced files of each batch were deleted before the next was staged.
    assert report.removed_replaced == 4
    assert [p.relative_to(root / STAGING_DIR).as_posix()
            for p in (root / STAGING_DIR).glob("*/*/*")] == [f"G/duplicates/published_date={OLD}"]
    assert snapshot(root) == rows
    with pytest.raises(ValueError, match="max_staged_bytes"):
        compact_archive(root, today=TODAY, max_staged_bytes=0)


def test_no_room_for_the_first_batch_stops_before_writing_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 1), runs=2)
    before, rows = dataset_files(root), snapshot(root)
    fake_disk(monkeypatch, root, needs(root) - 1)
    with pytest.raises(compact_module.CompactionNoSpace,
                       match=r"not enough free space for batch 1 of 1 \(5 partition") as caught:
        compact_archive(root, today=TODAY, compaction_id="N")
    assert caught.value.report.partitions == []
    assert dataset_files(root) == before and snapshot(root) == rows
    assert list((root / STAGING_DIR).iterdir()) == []


def test_no_room_for_a_later_batch_keeps_the_earlier_ones_and_the_next_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 1), runs=2)
    rows, duplicates = snapshot(root), snapshot(root, "duplicates")
    first = f"articles/published_date={DAYS[0]}"
    untouched = {k: v for k, v in dataset_files(root).items() if not k.startswith(first)}
    real = shutil.disk_usage
    calls: list[int] = []

    def usage(path: str | os.PathLike[str]) -> Any:  # room for the first batch only
        calls.append(1)
        total = real(path).total
        return type(real(path))(total, total, 10**12 if len(calls) == 1 else 0)

    monkeypatch.setattr(compact_module.shutil, "disk_usage", usage)
    with pytest.raises(compact_module.CompactionNoSpace,
                       match="batch 2 of 5 .* 1 partition.s. were compacted") as caught:
        compact_archive(root, today=TODAY, compaction_id="N1", max_staged_bytes=1)
    assert [f"{p.dataset}/{p.day}" for p in caught.value.report.partitions] == [
        f"articles/{DAYS[0]}"]
    assert names(root / first) == ["part-compact-N1-00001.parquet"]
    assert {k: v for k, v in dataset_files(root).items() if not k.startswith(first)
            } == untouched
    assert snapshot(root) == rows and snapshot(root, "duplicates") == duplicates
    monkeypatch.setattr(compact_module.shutil, "disk_usage", real)
    again = compact_archive(root, today=TODAY, compaction_id="N2", max_staged_bytes=1)
    assert len(again.partitions) == 4 and f"articles/{DAYS[0]}" not in {
        f"{p.dataset}/{p.day}" for p in again.partitions}
    assert snapshot(root) == rows and snapshot(root, "duplicates") == duplicates


def test_short_of_room_it_waits_for_the_grace_of_replaced_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 1), runs=2)
    rows = snapshot(root)
    # Room for one partition's merge: the next fits only once the replaced files of the
    # one before are deleted, after their grace period.
    fake_disk(monkeypatch, root, needs(root))
    start = time.monotonic()
    report = compact_archive(root, today=TODAY, max_staged_bytes=1, grace_seconds=0.2)
    assert (report.batches, len(report.partitions), report.removed_replaced) == (5, 5, 4)
    assert time.monotonic() - start >= 4 * 0.2
    assert snapshot(root) == rows


class FullDisk:
    """``open`` for the compaction module: the ``fail``-th merged file it writes gets
    ``OSError(ENOSPC)`` at its second write (its first bytes are on disk: a half file);
    ``seen`` records, at that moment, the half file's size and the datasets' files."""

    def __init__(self, root: Path, fail: int) -> None:
        self.root, self.fail, self.files = root, fail, 0
        self.seen: dict[str, Any] = {}

    def __call__(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith(".inprogress"):
            self.files += 1
            if self.files == self.fail:
                return _FullFile(path, mode, disk=self)
        return open(path, mode, *args, **kwargs)  # noqa: SIM115 -- closed by the caller


class _FullFile(io.FileIO):
    def __init__(self, path: Any, mode: str, *, disk: FullDisk) -> None:
        super().__init__(path, mode)
        self.disk, self.writes = disk, 0

    def write(self, data: Any) -> int:
        self.writes += 1
        if self.writes == 2:
            self.disk.seen = {"half": os.fstat(self.fileno()).st_size,
                              "datasets": dataset_files(self.disk.root)}
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.name)
        return super().write(data)


@pytest.mark.parametrize(("limit", "fail", "done"), [
    (None, 2, 0),  # one batch: the disk fills while staging its second partition
    (1, 3, 2),  # one partition per batch: two swapped, the third fills the disk
])
def test_a_full_disk_while_staging_leaves_the_archive_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None, fail: int,
        done: int) -> None:
    root = tmp_path / "archive"
    write_runs(root, dict.fromkeys(DAYS, 2), runs=3)
    rows, duplicates = snapshot(root), snapshot(root, "duplicates")
    before = dataset_files(root)
    disk = FullDisk(root, fail)
    monkeypatch.setattr(compact_module, "open", disk, raising=False)
    kwargs: dict[str, Any] = {"max_staged_bytes": limit} if limit else {}
    with pytest.raises(compact_module.CompactionNoSpace,
                       match="the disk filled up while compacting .*published_date=") as caught:
        compact_archive(root, today=TODAY, compaction_id="F", **kwargs)
    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.ENOSPC
    # At the failure a half file existed, in the staging area only.
    assert disk.seen["half"] > 0
    swapped = {f"articles/published_date={day}" for day in DAYS[:done]}
    assert {k: v for k, v in disk.seen["datasets"].items()
            if k.rsplit("/", 1)[0] not in swapped} == {
        k: v for k, v in before.items() if k.rsplit("/", 1)[0] not in swapped}
    # After it: the partitions not swapped are as they were, every row is readable once,
    # no tombstone is left, and nothing of the failed batch is in the staging area.
    assert [p.day for p in caught.value.report.partitions] == DAYS[:done]
    after = dataset_files(root)
    assert {k: v for k, v in after.items() if k.rsplit("/", 1)[0] not in swapped} == {
        k: v for k, v in before.items() if k.rsplit("/", 1)[0] not in swapped}
    assert snapshot(root) == rows and snapshot(root, "duplicates") == duplicates
    assert not any(is_tombstone(root / k) for k in after)
    assert sorted(p.relative_to(root / STAGING_DIR).as_posix()
                  for p in (root / STAGING_DIR).rglob("*") if p.is_file()) == sorted(
        f"F/{k}" for k in before if k.rsplit("/", 1)[0] in swapped)  # replaced files only

    # pyarrow keeps the error raised by the file's write() in its own error object; left
    # in a reference cycle (this frame <-> caught) and freed by a garbage collection that
    # happened to run inside pytest's ast.parse of a module, it made CPython 3.11.7 raise
    # "SystemError: AST constructor recursion depth mismatch" (reproduced outside pytest).
    del caught
    monkeypatch.undo()
    again = compact_archive(root, today=TODAY, compaction_id="F2", **kwargs)
    assert len(again.partitions) == 5 - done
    assert snapshot(root) == rows and snapshot(root, "duplicates") == duplicates


def test_compact_command_exits_74_when_the_disk_has_no_room(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from newsarchive.cli import main

    root = tmp_path / "archive"
    write_runs(root, {OLD: 1}, runs=2)
    before = dataset_files(root)
    fake_disk(monkeypatch, root, 1000)
    assert main(["compact", "--archive", str(root), "--max-staged-bytes", "64MiB"]) == 74
    out, err = capsys.readouterr()
    assert "0 partition(s)" in out
    assert "not enough free space for batch 1 of 1 (2 partition(s), 4 small file(s))" in err
    assert "lower --max-staged-bytes" in err
    assert dataset_files(root) == before
    assert main(["compact", "--archive", str(root), "--dry-run"]) == 0
    assert "1 batch(es), at most " in capsys.readouterr().out


# -- a reader whose listing spans the swap ------------------------------------------------
#
# DuckDB 2.0 lists a local directory with readdir() and then stat()s every entry by its
# full path, skipping an entry whose stat fails without a word (LocalFileSystem::
# ListFilesExtended, src/common/local_file_system.cpp: ``if (res != 0) { continue; }``);
# it opens the files it kept by path later. A swap between its readdir of a partition
# (old names) and its stats (the path now leads into the new directory) made every old
# name vanish: the partition counted 0 rows, without an error. The tombstones left under
# the merged-away names turn that into an error.


def stepped_reader(part: Path, out: dict[str, Any]) -> Iterator[None]:
    """DuckDB's steps on one partition, one ``yield`` after each: readdir; stat each name
    by path (a failure skips the name); open each kept name by path and read its row count
    (a failure raises). Sets ``out["rows"]``."""
    found = sorted(e.name for e in os.scandir(part) if e.name.endswith(".parquet"))
    yield
    kept = []
    for name in found:
        try:
            os.stat(part / name)
        except FileNotFoundError:
            pass
        else:
            kept.append(name)
        yield
    rows = 0
    for name in kept:
        with open(part / name, "rb") as handle:
            rows += pq.ParquetFile(handle).metadata.num_rows
        yield
    out["rows"] = rows


def test_a_listing_that_spans_the_swap_is_exact_or_fails(tmp_path: Path) -> None:
    """Every split of the reader's steps around the swap and the deletion of the tombstones
    (no threads: the reader advances from the compaction's hook). Only one split loses rows
    silently: readdir before the swap, every stat after the tombstones are gone -- the
    defect of the design without tombstones, which ``tombstone_seconds`` (much longer than
    a listing) keeps from happening."""
    template = tmp_path / "template"
    write_runs(template, {OLD: 2}, runs=3)
    part_name = f"articles/published_date={OLD}"
    steps = 1 + 3 + 3  # readdir, 3 stats, up to 3 opens
    outcomes: dict[tuple[int, int], str] = {}
    for before in range(steps + 1):
        for between in range(steps + 1 - before):
            root = tmp_path / f"a{before}-{between}"
            shutil.copytree(template, root)
            part = root / part_name
            out: dict[str, Any] = {}
            reader = stepped_reader(part, out)

            def advance(n: int, reader: Iterator[None] = reader,
                        out: dict[str, Any] = out) -> None:
                for _ in range(n):
                    if "error" in out:
                        return
                    try:
                        next(reader, None)
                    except (FileNotFoundError, pa.ArrowInvalid) as exc:
                        out["error"] = type(exc).__name__

            def hook(stage: str, where: Path, before: int = before, between: int = between,
                     advance: Any = advance, part: Path = part) -> None:
                if where.name != part.name or "articles" not in where.parts:
                    return
                advance(before if stage == "staged" else between if stage == "swapped" else 0)

            compact_archive(root, today=TODAY, datasets=["articles"], hook=hook,
                            target_bytes=1 << 20, tombstone_seconds=0)
            advance(steps + 1)
            if "error" in out:
                outcomes[before, between] = out["error"]
            else:
                outcomes[before, between] = "exact" if out["rows"] == 6 else f"{out['rows']} rows"
    silent = {split: result for split, result in outcomes.items()
              if result not in ("exact", "FileNotFoundError", "ArrowInvalid")}
    assert silent == {(1, 0): "0 rows"}, silent
    assert "ArrowInvalid" in outcomes.values() and "FileNotFoundError" in outcomes.values()


SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Before the NA_NTH-th stat() (or open()) of a path containing NA_PATTERN, exchange the
   directories NA_A and NA_B (what compaction does); log the calls to NA_LOG. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int count = 0, done = 0;

static void event(const char *call, const char *path) {
    const char *pattern = getenv("NA_PATTERN"), *log = getenv("NA_LOG");
    if (!pattern || !strstr(path, pattern)) return;
    pthread_mutex_lock(&mu);
    FILE *f = log ? fopen(log, "a") : 0;
    if (!done && strcmp(getenv("NA_CALL"), call) == 0 && ++count == atoi(getenv("NA_NTH"))) {
        done = 1;
        long rc = syscall(SYS_renameat2, AT_FDCWD, getenv("NA_A"), AT_FDCWD, getenv("NA_B"), 2);
        if (f) fprintf(f, "swap %ld\n", rc);
    }
    if (f) { fprintf(f, "%s %s\n", call, path); fclose(f); }
    pthread_mutex_unlock(&mu);
}

int __xstat(int ver, const char *path, struct stat *buf) {
    static int (*real)(int, const char *, struct stat *);
    if (!real) real = dlsym(RTLD_NEXT, "__xstat");
    event("stat", path);
    return real(ver, path, buf);
}

int open(const char *path, int flags, ...) {
    static int (*real)(const char *, int, ...);
    if (!real) real = dlsym(RTLD_NEXT, "open");
    event("open", path);
    return real(path, flags, 0666);
}
"""

DUCKDB_READER = """
import duckdb, json, sys
try:
    print(json.dumps(duckdb.execute("select count(*) from read_parquet('" + sys.argv[1]
                                    + "/articles/**/*.parquet', hive_partitioning=true)"
                                    ).fetchall()[0][0]))
except duckdb.Error as exc:
    print(json.dumps(type(exc).__name__ + ": " + str(exc)))
"""


@pytest.fixture(scope="module")
def swap_shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A preload library that swaps two directories in the middle of DuckDB's own stat()
    and open() calls (a C compiler and glibc needed; DuckDB's wheel calls __xstat)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux and a C compiler")
    directory = tmp_path_factory.mktemp("shim")
    (directory / "shim.c").write_text(SHIM)
    result = subprocess.run([compiler, "-shared", "-fPIC", "-o", str(directory / "shim.so"),
                             str(directory / "shim.c"), "-ldl", "-lpthread"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot build the shim: {result.stderr[-300:]}")
    return directory / "shim.so"


def duckdb_during_swap(tmp_path: Path, shim: Path, template: Path, call: str, nth: int,
                       *, tombstones: bool = True) -> tuple[Any, bool]:
    """Compact a copy of ``template``; the swap of its second articles partition happens
    inside a DuckDB count, before DuckDB's ``nth`` ``call`` on that partition. Without
    ``tombstones`` they are deleted before the swap (the design before them). Returns the
    count (or the error) and whether the swap happened during the query."""
    root = tmp_path / f"{call}{nth}{tombstones}"
    shutil.copytree(template, root)
    target = f"published_date={date(2024, 5, 2)}"
    real = compact_module.exchange_directories
    out: dict[str, Any] = {}

    def exchange(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> None:
        if Path(b).name != target or "articles" not in Path(b).parts:
            return real(a, b)
        if not tombstones:
            for path in Path(a).iterdir():
                if is_tombstone(path):
                    path.unlink()
        log = root.parent / f"{root.name}.log"
        env = {**os.environ, "LD_PRELOAD": str(shim), "NA_PATTERN": target, "NA_CALL": call,
               "NA_NTH": str(nth), "NA_A": os.fspath(a), "NA_B": os.fspath(b),
               "NA_LOG": str(log)}
        result = subprocess.run([sys.executable, "-c", DUCKDB_READER, str(root)], env=env,
                                capture_output=True, text=True, timeout=120)
        out["result"] = json.loads(result.stdout)
        out["swapped"] = "swap 0" in (log.read_text() if log.exists() else "")
        if not out["swapped"]:
            real(a, b)

    compact_module.exchange_directories = exchange
    try:
        compact_archive(root, today=TODAY, datasets=["articles"], target_bytes=1 << 20,
                        tombstone_seconds=0)
    finally:
        compact_module.exchange_directories = real
    return out["result"], out["swapped"]


def test_duckdb_listing_during_a_swap_is_exact_or_fails(tmp_path: Path, swap_shim: Path
                                                        ) -> None:
    """The real DuckDB, the swap placed before each of its stat() and open() calls on the
    partition (DuckDB 2.0 lists a directory twice and opens each file twice). Without
    tombstones one placement loses the partition's 8 rows silently (the defect seen under
    load); with them every placement gives the exact count or an error naming a file."""
    template = tmp_path / "template"
    write_runs(template, dict.fromkeys([date(2024, 5, d) for d in (1, 2, 3)], 2), runs=4)
    expected = 24
    before = []
    for nth in range(1, 12):
        before.append(duckdb_during_swap(tmp_path, swap_shim, template, "stat", nth,
                                         tombstones=False))
        if before[-1][0] == expected - 8:
            break
    if not any(swapped for _, swapped in before):
        pytest.skip("this DuckDB does not call __xstat (the shim sees nothing)")
    assert before[-1][0] == expected - 8, before  # reproduced: no error, 8 rows short
    for call, last in (("stat", 11), ("open", 9)):
        for nth in range(1, last + 1):
            result, swapped = duckdb_during_swap(tmp_path, swap_shim, template, call, nth)
            assert result == expected or (isinstance(result, str) and str(tmp_path) in result
                                          ), (call, nth, swapped, result)
