"""End to end: crawl, compact, crawl again: the second crawl adds no row and reads none of
the merged rows back into the state."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from newsarchive.storage.compact import compact_archive
from tests.newssite import news_site

ROOT = Path(__file__).resolve().parent.parent


def crawl(sources: Path, archive: Path, state: Path) -> str:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news",
        "-a", f"sources={sources}",
        "-s", f"NEWSARCHIVE_ARCHIVE={archive}",
        "-s", f"NEWSARCHIVE_STATE={state}",
        "-s", "NEWSARCHIVE_FLUSH_BYTES=1",  # one file per row: partitions to compact
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
        "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",
        "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stderr


def table(archive: Path, dataset: str) -> list[tuple[object, ...]]:
    return duckdb.execute(
        f"select * from read_parquet('{archive}/{dataset}/**/*.parquet', "
        f"hive_partitioning=true) order by url").fetchall()


def test_crawl_after_compaction_adds_no_rows(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with news_site(tmp_path / "site") as site:
        crawl(site.sources_csv, archive, state)
        articles, duplicates = table(archive, "articles"), table(archive, "duplicates")
        report = compact_archive(archive, target_bytes=1 << 20)
        merged = [p for p in report.partitions if p.dataset != "runs"]
        assert merged and all(len(p.merged) >= 2 for p in merged)
        assert table(archive, "articles") == articles
        assert table(archive, "duplicates") == duplicates

        log = crawl(site.sources_csv, archive, state)
    assert "reconciled" not in log  # merged files are known through their sources
    assert table(archive, "articles") == articles
    assert table(archive, "duplicates") == duplicates
