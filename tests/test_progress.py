"""Progress of WARC imports: records and bytes done, rate, time left."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from newsarchive.extensions.progress import (
    WarcProgressExtension,
    format_bytes,
    format_duration,
    progress_line,
)
from newsarchive.spiders.warc import WarcProgress, WarcSpider, read_warc
from tests.newssite import write_news_warc

ROOT = Path(__file__).resolve().parent.parent


def test_formats() -> None:
    assert [format_bytes(n) for n in (0, 1023, 1024, 1536, 5 * 1024**2, 3 * 1024**3 // 2)] == [
        "0 B", "1023 B", "1.00 KiB", "1.50 KiB", "5.00 MiB", "1.50 GiB"]
    assert [format_duration(s) for s in (0, 7.4, 95, 3725, 90000)] == [
        "0 s", "7 s", "1 min 35 s", "1 h 2 min", "25 h 0 min"]


def test_progress_line() -> None:
    progress = WarcProgress(files=3, total_bytes=3 * 1024**3, file_index=2,
                            current_path=Path("/data/CC-NEWS-2.warc.gz"),
                            done_before=1024**3, offset=512 * 1024**2, records=41000)
    assert progress.bytes_done == 1536 * 1024**2
    assert progress_line(progress, 256.0) == (
        "WARC progress: file 2/3 CC-NEWS-2.warc.gz; 41000 records, 1.50 GiB of 3.00 GiB "
        "(50.0%); 6.00 MiB/s, 160 records/s; about 4 min 16 s left")
    assert progress_line(progress, 256.0, final=True) == (
        "WARC import done: file 2/3 CC-NEWS-2.warc.gz; 41000 records, 1.50 GiB of 3.00 GiB "
        "(50.0%); 6.00 MiB/s, 160 records/s; 4 min 16 s")
    assert progress_line(WarcProgress(files=1), 0.0) == (
        "WARC progress: file 0/1 -; 0 records, 0 B of 0 B")


def test_read_warc_and_the_spider_report_progress(tmp_path: Path) -> None:
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc"
    write_news_warc(first, 3)  # 3 articles, a section front, a 404: 5 records
    write_news_warc(second, 1, seed=1, extra_records=False, compress=False)
    spider = WarcSpider(paths=f"{first},{second}")
    progress = spider.progress
    sizes = [first.stat().st_size, second.stat().st_size]
    assert (progress.files, progress.total_bytes, progress.file_index) == (2, sum(sizes), 0)
    progress.start_file(first)
    pages = list(read_warc(first, progress=progress))
    assert len(pages) == 4  # the 404 is not a page
    assert (progress.records, progress.offset, progress.bytes_done) == (5, sizes[0], sizes[0])
    progress.start_file(second)
    assert (progress.file_index, progress.offset, progress.done_before) == (2, 0, sizes[0])
    list(read_warc(second, progress=progress))
    assert (progress.records, progress.bytes_done) == (6, sum(sizes))


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_extension_logs_progress(caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    ext = WarcProgressExtension(30.0, clock=clock)
    ext.progress = WarcProgress(files=1, total_bytes=1000 * 1024, file_index=1,
                                current_path=Path("x.warc.gz"), offset=250 * 1024,
                                records=500)
    ext.started = 100.0
    clock.now = 110.0
    spider: Any = SimpleNamespace(name="warc")
    with caplog.at_level(logging.INFO, logger="newsarchive.extensions.progress"):
        ext.log()
        clock.now = 120.0
        ext.progress.offset, ext.progress.records = 1000 * 1024, 1000
        ext.spider_closed(spider, "finished")
    assert [r.getMessage() for r in caplog.records] == [
        "WARC progress: file 1/1 x.warc.gz; 500 records, 250.00 KiB of 1000.00 KiB (25.0%); "
        "25.00 KiB/s, 50 records/s; about 30 s left",
        "WARC import done: file 1/1 x.warc.gz; 1000 records, 1000.00 KiB of 1000.00 KiB "
        "(100.0%); 50.00 KiB/s, 50 records/s; 20 s",
    ]


def test_interval_zero_switches_it_off() -> None:
    crawler: Any = SimpleNamespace(settings=Settings({"NEWSARCHIVE_PROGRESS_INTERVAL": 0}))
    with pytest.raises(NotConfigured):
        WarcProgressExtension.from_crawler(crawler)


def test_warc_import_logs_progress(tmp_path: Path) -> None:
    warc = tmp_path / "in.warc.gz"
    write_news_warc(warc, 40, extra_records=False)
    size = format_bytes(warc.stat().st_size)
    command = [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
               "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
               "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}",
               "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0.1"]
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line.split("INFO: ", 1)[1] for line in result.stderr.splitlines()
             if "[newsarchive.extensions.progress] INFO: " in line]
    assert lines[0].startswith("WARC progress: file 1/1 in.warc.gz; ")
    assert any(line.endswith(" left") for line in lines[:-1])
    assert lines[-1].startswith(
        f"WARC import done: file 1/1 in.warc.gz; 40 records, {size} of {size} (100.0%); ")
