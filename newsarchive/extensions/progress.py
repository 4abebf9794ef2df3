"""Progress of long WARC imports in the log: records and bytes done, rate, time left.

A CC-NEWS file is about 1 GB; an import of several takes hours. Every
``NEWSARCHIVE_PROGRESS_INTERVAL`` seconds :class:`WarcProgressExtension` logs one line
such as::

    WARC progress: file 2/3 CC-NEWS-20240506.warc.gz; 41230 records, 1.21 GiB of 2.87 GiB
    (42.2%); 6.3 MiB/s, 356 records/s; about 4 min 29 s left

Bytes are bytes of the WARC files as stored (compressed), read from the file offset after
each record; the total is the sum of the files' sizes taken when the import starts, so the
time left is ``(total - done) / rate`` with the rate averaged over the whole import. A last
line is logged when the spider closes. Spiders other than ``warc`` (those without a
``progress`` attribute of type :class:`~newsarchive.spiders.warc.WarcProgress`) are left
alone.

Settings:
    NEWSARCHIVE_PROGRESS_INTERVAL (float, seconds, default 60): 0 raises
        ``NotConfigured`` (no progress lines).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newsarchive.config import setting
from newsarchive.spiders.warc import WarcProgress

__all__ = ["WarcProgressExtension", "format_bytes", "format_duration", "progress_line"]

logger = logging.getLogger(__name__)


def format_bytes(count: float) -> str:
    """``1536`` → ``"1.50 KiB"``; bytes below 1 KiB as ``"512 B"``."""
    if count < 1024:
        return f"{int(count)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        count /= 1024
        if count < 1024 or unit == "TiB":
            break
    return f"{count:.2f} {unit}"


def format_duration(seconds: float) -> str:
    """``3725`` → ``"1 h 2 min"``, ``95`` → ``"1 min 35 s"``, ``7`` → ``"7 s"``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def progress_line(progress: WarcProgress, elapsed: float, *, final: bool = False) -> str:
    """One log line for ``progress`` after ``elapsed`` seconds of import."""
    done, total = progress.bytes_done, progress.total_bytes
    share = f" ({100.0 * done / total:.1f}%)" if total else ""
    name = progress.current_path.name if progress.current_path is not None else "-"
    head = "WARC import done" if final else "WARC progress"
    line = (f"{head}: file {progress.file_index}/{progress.files} {name}; "
            f"{progress.records} records, {format_bytes(done)} of {format_bytes(total)}{share}")
    if elapsed <= 0:
        return line
    rate = done / elapsed
    line += f"; {format_bytes(rate)}/s, {progress.records / elapsed:.0f} records/s"
    if final:
        return line + f"; {format_duration(elapsed)}"
    if rate > 0 and total >= done:
        line += f"; about {format_duration((total - done) / rate)} left"
    return line


class WarcProgressExtension:
    """Log a WARC import's progress every ``NEWSARCHIVE_PROGRESS_INTERVAL`` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.progress: WarcProgress | None = None
        self.task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcProgressExtension:
        interval = setting(crawler.settings, "NEWSARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("NEWSARCHIVE_PROGRESS_INTERVAL is 0")
        ext = cls(interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        progress = getattr(spider, "progress", None)
        if not isinstance(progress, WarcProgress):
            return
        self.progress = progress
        self.started = self.clock()
        self.task = task.LoopingCall(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        if self.progress is not None:
            logger.info("%s", progress_line(self.progress, self.clock() - self.started))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.progress is not None:
            logger.info("%s", progress_line(self.progress, self.clock() - self.started,
                                            final=True))
