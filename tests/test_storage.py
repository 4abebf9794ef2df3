"""Tests of the Parquet writer: partitions, atomic publishing, schema, readers."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from newsarchive.storage.schema import ARTICLES_SCHEMA, SCHEMA_VERSION
from newsarchive.storage.writer import (
    ArchiveWriter,
    iter_archive_files,
    new_run_id,
    partition_date,
    remove_stale_inprogress,
)

CAPTURE = datetime(2022, 7, 7, 12, 0, tzinfo=UTC)
RUN = "20261129T071500Z-00000001"


def article_row(n: int, published: datetime | None) -> dict[str, object]:
    return {
        "article_id": f"{n:032x}",
        "url": f"https://example.com/news/{n}",
        "canonical_url": f"https://example.com/news/{n}",
        "domain": "example.com",
        "site_name": "Example News",
        "title": f"Story {n}",
        "authors": ["Jane Doe", "John Roe"],
        "published_at": published,
        "date_source": "jsonld" if published else None,
        "modified_at": None,
        "crawled_at": CAPTURE,
        "language": "en",
        "description": None,
        "body": f"Body of story {n}.",
        "word_count": 4,
        "wire_source": None,
        "dateline": None,
        "credits": None,
        "cluster_id": f"{n:032x}",
    }


def test_partition_date_rules() -> None:
    published = datetime(2021, 12, 30, 23, 30, tzinfo=UTC)
    assert partition_date(published, CAPTURE) == date(2021, 12, 30)
    assert partition_date(None, CAPTURE) == date(2022, 7, 7)
    # Later than the capture day plus one, or before 1990: filed under the capture date.
    assert partition_date(datetime(2099, 1, 1, tzinfo=UTC), CAPTURE) == date(2022, 7, 7)
    assert partition_date(datetime(1970, 1, 1, tzinfo=UTC), CAPTURE) == date(2022, 7, 7)
    assert partition_date(datetime(2022, 7, 8, 5, tzinfo=UTC), CAPTURE) == date(2022, 7, 8)
    with pytest.raises(ValueError):
        partition_date(None, datetime(2022, 7, 7))


def test_run_ids_are_time_ordered_and_unique() -> None:
    first = new_run_id(datetime(2026, 11, 29, 7, 15, tzinfo=UTC))
    assert first.startswith("20261129T071500Z-")
    assert len({new_run_id() for _ in range(100)}) == 100


def test_flush_publishes_one_file_per_partition(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, RUN)
    writer.add("articles", date(2021, 12, 30), article_row(1, datetime(2021, 12, 30, tzinfo=UTC)))
    writer.add("articles", date(2021, 12, 30), article_row(2, datetime(2021, 12, 30, tzinfo=UTC)))
    writer.add("articles", date(2022, 7, 7), article_row(3, None))
    assert list(tmp_path.rglob("*.parquet")) == []  # nothing visible before the flush
    published = writer.flush()
    assert [(p.dataset, p.path.relative_to(tmp_path).as_posix(), p.rows) for p in published] == [
        (
            "articles",
            "articles/published_date=2021-12-30/part-20261129T071500Z-00000001-00001.parquet",
            2,
        ),
        (
            "articles",
            "articles/published_date=2022-07-07/part-20261129T071500Z-00000001-00002.parquet",
            1,
        ),
    ]
    assert writer.buffered_rows == 0 and writer.buffered_bytes == 0
    assert list(tmp_path.rglob(".*")) == []
    parquet = pq.ParquetFile(published[0].path)
    assert parquet.schema_arrow.equals(ARTICLES_SCHEMA, check_metadata=False)
    assert parquet.schema_arrow.metadata[b"newsarchive.schema_version"] == SCHEMA_VERSION.encode()
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert [d.isoformat() for d, _ in iter_archive_files(tmp_path, "articles")] == [
        "2021-12-30",
        "2022-07-07",
    ]


def test_readers_see_partitions_and_utc_timestamps(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "r1")
    writer.add(
        "articles", date(2021, 12, 30), article_row(1, datetime(2021, 12, 30, 20, tzinfo=UTC))
    )
    writer.add("articles", date(2022, 7, 7), article_row(2, None))
    writer.flush()
    glob = f"{tmp_path}/articles/**/*.parquet"
    rows = duckdb.execute(
        f"select title, published_date::varchar, epoch(published_at)::bigint, authors "
        f"from read_parquet('{glob}', hive_partitioning=true) order by title"
    ).fetchall()
    assert rows == [
        ("Story 1", "2021-12-30", 1640894400, ["Jane Doe", "John Roe"]),
        ("Story 2", "2022-07-07", None, ["Jane Doe", "John Roe"]),
    ]


def test_bad_rows_and_datasets_are_refused(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "r1")
    with pytest.raises(KeyError):
        writer.add("nonsense", date(2022, 1, 1), {})
    with pytest.raises(TypeError):
        writer.add("articles", "2022-01-01", article_row(1, None))  # type: ignore[arg-type]


def test_failed_write_leaves_no_file_and_keeps_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = ArchiveWriter(tmp_path, "r1")
    writer.add("articles", date(2022, 7, 7), article_row(1, None))

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        writer.flush()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert writer.buffered_rows == 1
    monkeypatch.undo()
    assert [p.rows for p in writer.flush()] == [1]


def test_stale_inprogress_files_are_removed(tmp_path: Path) -> None:
    part = tmp_path / "articles" / "published_date=2022-07-07"
    part.mkdir(parents=True)
    stale = part / ".part-old-00001.parquet.inprogress"
    fresh = part / ".part-new-00001.parquet.inprogress"
    stale.write_bytes(b"PAR1")
    fresh.write_bytes(b"PAR1")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    assert remove_stale_inprogress(tmp_path) == 1
    assert not stale.exists() and fresh.exists()
