"""The ``runs`` dataset: schema, the run record written at the end of a crawl, exit status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from newsarchive.extensions.lock import RunLockExtension
from newsarchive.extensions.outcome import is_archive_run
from newsarchive.extensions.runrecord import (
    RunRecordExtension,
    format_summary,
    judge,
    publish_run,
    summarize,
)
from newsarchive.spiders.news import NewsSpider
from newsarchive.spiders.warc import WarcSpider
from newsarchive.state import SQLiteState
from newsarchive.storage.schema import DATASETS, PARTITION_KEYS, RUNS_SCHEMA, SCHEMA_VERSION
from tests.newssite import write_news_warc


def test_runs_schema_is_an_explicit_dataset() -> None:
    assert DATASETS["runs"] is RUNS_SCHEMA
    assert PARTITION_KEYS == {"articles": "published_date", "duplicates": "published_date",
                              "runs": "run_date"}
    assert RUNS_SCHEMA.metadata == {b"newsarchive.schema_version": SCHEMA_VERSION.encode()}
    assert RUNS_SCHEMA.names[:6] == ["run_id", "spider", "started_at", "finished_at",
                                     "duration_seconds", "status"]
    assert RUNS_SCHEMA.field("started_at").type == pa.timestamp("us", tz="UTC")
    assert RUNS_SCHEMA.field("errors_by_kind").type == pa.list_(pa.struct(
        [pa.field("kind", pa.string(), nullable=False),
         pa.field("count", pa.int64(), nullable=False)]))
    assert [f.name for f in RUNS_SCHEMA.field("sites").type.value_type] == [
        "site", "pages", "articles", "duplicates", "non_articles", "errors"]


# --- summary and judgement, from stats --------------------------------------------------

STARTED = datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)
FINISHED = datetime(2026, 3, 2, 0, 1, 0, tzinfo=UTC)
NEWS_STATS: dict[str, Any] = {
    "newsarchive/sources": 3, "newsarchive/sources_reached": 2,
    "response_received_count": 40, "newsarchive/fetch_failures": 2,
    "newsarchive/not_modified": 5, "newsarchive/pages_received": 20,
    "newsarchive/articles_stored": 12, "newsarchive/duplicates_stored/near": 2,
    "newsarchive/duplicates_stored/url": 1, "newsarchive/not_article/listing": 3,
    "newsarchive/not_article/empty": 1, "newsarchive/skipped_seen": 7,
    "newsarchive/entries_too_old": 9,
    "newsarchive/errors/article/http_404": 3, "newsarchive/errors/feed/TimeoutError": 2,
    "newsarchive/errors/article/ignored": 4, "newsarchive/extract_errors": 1,
    "spider_exceptions/count": 1, "spider_exceptions/KeyError": 1,
    "newsarchive/files_written": 3, "newsarchive/bytes_written": 123456,
    "downloader/response_bytes": 999, "finish_reason": "finished",
}


def test_summarize_news_stats() -> None:
    row = summarize(NEWS_STATS, run_id="R", spider="news", started_at=STARTED,
                    finished_at=FINISHED, finish_reason="finished",
                    sites={"b.example": {"pages": 2, "errors": 1}, "a.example": {"pages": 5}})
    assert {k: v for k, v in row.items() if k not in ("stats_json", "hostname", "pid")} == {
        "run_id": "R", "spider": "news", "started_at": STARTED, "finished_at": FINISHED,
        "duration_seconds": 90.0, "status": None, "failure": None,
        "finish_reason": "finished", "sources": 3, "sources_reached": 2, "responses": 40,
        "not_modified": 5, "pages_fetched": 20, "articles_stored": 12,
        "duplicates_stored": 3, "non_articles": 4, "skipped_seen": 7, "skipped_too_old": 9,
        "errors": 7, "error_rate": round(7 / 42, 6),
        "errors_by_kind": [{"kind": "article/http_404", "count": 3},
                           {"kind": "extract", "count": 1},
                           {"kind": "feed/TimeoutError", "count": 2},
                           {"kind": "spider/KeyError", "count": 1}],
        "sites": [{"site": "a.example", "pages": 5, "articles": 0, "duplicates": 0,
                   "non_articles": 0, "errors": 0},
                  {"site": "b.example", "pages": 2, "articles": 0, "duplicates": 0,
                   "non_articles": 0, "errors": 1}],
        "files_written": 3, "bytes_written": 123456, "bytes_read": 999,
    }
    assert json.loads(row["stats_json"])["newsarchive/articles_stored"] == 12
    assert judge(row, 0.5) == ("ok", None)
    assert judge(row, 0.1) == ("failed", "error_rate")
    assert judge({**row, "sources_reached": 0}, 0.5) == ("failed", "no_source_reachable")
    assert judge({**row, "finish_reason": "shutdown"}, 0.5) == ("failed", "shutdown")
    assert judge({**row, "finish_reason": "closespider_timeout"}, 0.5) == ("ok", None)
    write = summarize({**NEWS_STATS, "newsarchive/write_errors": 1}, run_id="R", spider="news",
                      started_at=STARTED, finished_at=FINISHED, finish_reason="write_error")
    assert judge(write, 1.0) == ("failed", "write_error")
    nothing = summarize({}, run_id="R", spider="warc", started_at=STARTED,
                        finished_at=FINISHED, finish_reason="finished")
    assert (nothing["errors"], nothing["error_rate"]) == (0, 0.0)
    assert judge(nothing, 0.5) == ("failed", "no_source_reachable")


def test_format_summary() -> None:
    row = summarize(NEWS_STATS, run_id="R", spider="news", started_at=STARTED,
                    finished_at=FINISHED, finish_reason="finished",
                    sites={"a.example": {"pages": 5, "articles": 4, "non_articles": 1}})
    row["status"], row["failure"] = judge(row, 0.1)
    assert format_summary(row) == "\n".join([
        "run R (news) failed (error_rate) in 90.0 s; finish reason finished",
        "  sources reached 2/3; responses 40 (not modified 5); pages fetched 20",
        "  articles stored 12, duplicates 3, non-article pages skipped 4, already archived 7,"
        " too old 9",
        "  errors 7 (rate 0.167): article/http_404 3, extract 1, feed/TimeoutError 2,"
        " spider/KeyError 1",
        "  written 3 file(s), 123456 bytes; read 999 bytes",
        "  site a.example: pages 5, articles 4, duplicates 0, non-articles 1, errors 0",
    ])


def test_publish_run_is_atomic_and_partitioned_by_start_day(tmp_path: Path) -> None:
    row = summarize(NEWS_STATS, run_id="20260301T235930Z-0badcafe", spider="news",
                    started_at=STARTED, finished_at=FINISHED, finish_reason="finished")
    row["status"], row["failure"] = judge(row, 0.5)
    path = publish_run(tmp_path, row)
    assert path == tmp_path / "runs/run_date=2026-03-01/part-20260301T235930Z-0badcafe.parquet"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left
    table = pq.read_table(path)
    assert table.schema.equals(RUNS_SCHEMA)
    assert table.schema.metadata == {b"newsarchive.schema_version": SCHEMA_VERSION.encode()}
    [back] = table.to_pylist()
    assert back["errors_by_kind"][0] == {"kind": "article/http_404", "count": 3}
    assert back["started_at"] == STARTED and back["status"] == "ok"


# --- real runs --------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _crawl(*args: str, archive: Path, state: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", *args,
               "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
               "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
               "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost"]
    return subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=300)


def _runs(archive: Path) -> list[dict[str, Any]]:
    rel = duckdb.execute(
        f"select * exclude (stats_json), run_date::varchar as run_date from read_parquet("
        f"'{archive}/runs/**/*.parquet', hive_partitioning=true) order by started_at")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def test_warc_run_record(tmp_path: Path) -> None:
    archive, state, warc = tmp_path / "archive", tmp_path / "state", tmp_path / "in.warc.gz"
    urls = write_news_warc(warc, 4)
    result = _crawl("warc", "-a", f"paths={warc}", archive=archive, state=state)
    assert result.returncode == 0, result.stderr[-3000:]
    [run] = _runs(archive)
    files = sorted((archive / "articles").rglob("*.parquet"))
    assert [f.name.split("-")[1] for f in files] == [run["run_id"].split("-")[0]] * 4
    assert run["run_date"] == run["started_at"].astimezone(UTC).date().isoformat()
    assert (archive / "runs" / f"run_date={run['run_date']}" /
            f"part-{run['run_id']}.parquet").is_file()
    assert {k: run[k] for k in (
        "spider", "status", "failure", "finish_reason", "sources", "sources_reached",
        "responses", "not_modified", "pages_fetched", "articles_stored", "duplicates_stored",
        "non_articles", "skipped_seen", "skipped_too_old", "errors", "error_rate",
        "errors_by_kind", "sites", "files_written", "bytes_written", "bytes_read",
    )} == {
        "spider": "warc", "status": "ok", "failure": None, "finish_reason": "finished",
        "sources": 1, "sources_reached": 1, "responses": 0, "not_modified": 0,
        "pages_fetched": 5, "articles_stored": 4, "duplicates_stored": 0, "non_articles": 1,
        "skipped_seen": 0, "skipped_too_old": 0, "errors": 0, "error_rate": 0.0,
        "errors_by_kind": [],
        "sites": [
            {"site": "news0.example", "pages": 3, "articles": 2, "duplicates": 0,
             "non_articles": 1, "errors": 0},
            {"site": "news1.example", "pages": 1, "articles": 1, "duplicates": 0,
             "non_articles": 0, "errors": 0},
            {"site": "news2.example", "pages": 1, "articles": 1, "duplicates": 0,
             "non_articles": 0, "errors": 0}],
        "files_written": 4, "bytes_written": sum(f.stat().st_size for f in files),
        "bytes_read": warc.stat().st_size,
    }
    assert run["pid"] > 0 and run["duration_seconds"] > 0
    assert len(urls) == 4
    assert f"run {run['run_id']} (warc) ok in " in result.stderr
    assert "  articles stored 4, duplicates 0, non-article pages skipped 1, already archived 0,"\
        " too old 0" in result.stderr
    assert "  site news0.example: pages 3, articles 2, duplicates 0, non-articles 1, errors 0"\
        in result.stderr


def test_unreachable_sources_fail_the_run(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sources = tmp_path / "sources.csv"
    base = f"http://127.0.0.1:{port}"
    sources.write_text("name,homepage,feeds,sitemaps,language\n"
                       f"Gone,{base}/,{base}/feed.xml,{base}/sitemap.xml,en\n", encoding="utf-8")
    result = _crawl("news", "-a", f"sources={sources}", "-s", "RETRY_ENABLED=False",
                    archive=archive, state=state)
    assert result.returncode == 1, result.stderr[-3000:]
    [run] = _runs(archive)
    assert (run["status"], run["failure"], run["sources"], run["sources_reached"]) == (
        "failed", "no_source_reachable", 1, 0)
    # robots.txt is unreachable; the feed and sitemap fail too, or are refused by the
    # robots.txt policy (unreachable robots.txt: disallow all), which is not an error.
    kinds = [e["kind"] for e in run["errors_by_kind"]]
    assert "robots/DownloadConnectionRefusedError" in kinds
    assert all(kind.endswith("ConnectionRefusedError") for kind in kinds)
    assert run["errors"] == len(kinds) and run["error_rate"] == 1.0
    assert run["sites"] == [{"site": "127.0.0.1", "pages": 0, "articles": 0, "duplicates": 0,
                             "non_articles": 0, "errors": len(kinds)}]
    assert f"newsarchive: run {run['run_id']} (news) failed (no_source_reachable)" \
        in result.stderr


def test_write_error_fails_the_run(tmp_path: Path) -> None:
    archive, state, warc = tmp_path / "archive", tmp_path / "state", tmp_path / "in.warc.gz"
    write_news_warc(warc, 3, extra_records=False)
    archive.mkdir()
    (archive / "articles").write_text("not a directory")  # publishing articles fails
    result = _crawl("warc", "-a", f"paths={warc}", "-s", "NEWSARCHIVE_FLUSH_BYTES=1",
                    archive=archive, state=state)
    assert result.returncode == 1, result.stderr[-3000:]
    [run] = _runs(archive)
    assert (run["status"], run["failure"], run["files_written"]) == (
        "failed", "write_error", 0)
    assert [e["kind"] for e in run["errors_by_kind"]] == ["write"]
    assert "cannot publish archive files" in result.stderr
    with SQLiteState(state) as st:  # nothing was committed as seen
        assert not st.is_seen("https://news0.example/2024/05/01/story-0-0.html")


def test_only_archive_runs_are_locked_and_recorded() -> None:
    def crawler(spidercls: type, **settings: Any) -> Any:
        return SimpleNamespace(spidercls=spidercls, settings=Settings(settings))

    assert is_archive_run(crawler(NewsSpider)) and is_archive_run(crawler(WarcSpider))
    for ext in (RunRecordExtension, RunLockExtension):
        with pytest.raises(NotConfigured, match="not an archive run"):
            ext.from_crawler(crawler(scrapy.Spider))  # scrapy shell, fetch, test spiders
    with pytest.raises(NotConfigured, match="NEWSARCHIVE_RUNS_ENABLED is off"):
        RunRecordExtension.from_crawler(crawler(NewsSpider, NEWSARCHIVE_RUNS_ENABLED=False))
    with pytest.raises(NotConfigured, match="NEWSARCHIVE_LOCK_ENABLED is off"):
        RunLockExtension.from_crawler(crawler(WarcSpider, NEWSARCHIVE_LOCK_ENABLED=False))


def test_pipeline_errors_count_as_run_errors() -> None:
    from newsarchive.extensions.runrecord import errors_by_kind

    assert errors_by_kind({"newsarchive/errors/pipeline": 3}) == {"pipeline": 3}


def test_logged_items_do_not_carry_the_page() -> None:
    from newsarchive.items import Article, RawPage

    page = RawPage("https://a.example/x", "https://a.example/x", 200,
                   {"content-type": "text/html"}, b"<html>" + b"x" * 10_000,
                   datetime(2024, 5, 1, tzinfo=UTC))
    assert "xxxx" not in repr(page) and "https://a.example/x" in repr(page)
    article = Article("a" * 32, "https://a.example/x", "https://a.example/x", "a.example",
                      datetime(2024, 5, 1, tzinfo=UTC), "word " * 5000)
    assert "word word" not in repr(article) and "a.example" in repr(article)
