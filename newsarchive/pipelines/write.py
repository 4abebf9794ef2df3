"""Parquet writer pipeline: publishes the session's buffered rows and closes the state."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from newsarchive.archive import ArchiveDirectoryError, ArchiveFileError, ArchiveSession
from newsarchive.extensions.outcome import stop_run
from newsarchive.state.sqlite import StateCorruptError

__all__ = ["ParquetWriterPipeline"]

logger = logging.getLogger(__name__)


class ParquetWriterPipeline:
    """Flush the archive at the end of the crawl (and on the session's size/time bounds).

    Rows are buffered by the de-duplication step as it decides (so that the decision and
    the row can never part); this pipeline owns the session's lifetime: it opens it when
    the spider opens (reconciling the state with the archive before any request) and, on
    close, publishes the remaining rows, then commits and closes the state.

    Settings: ``NEWSARCHIVE_ARCHIVE``, ``NEWSARCHIVE_STATE``, ``NEWSARCHIVE_FLUSH_BYTES``,
    ``NEWSARCHIVE_FLUSH_SECONDS``, ``NEWSARCHIVE_ROW_GROUP_BYTES``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._opened = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetWriterPipeline:
        return cls(crawler)

    async def open_spider(self, spider: Spider | None = None) -> None:
        # A coroutine: Scrapy calls every pipeline's open_spider and then awaits them all;
        # a plain method raising here left the others' coroutines never awaited (a
        # RuntimeWarning in the log after the one-line error).
        try:
            ArchiveSession.for_crawler(self.crawler)
        except sqlite3.DatabaseError as exc:  # StateCorruptError included
            if not isinstance(exc, StateCorruptError):  # damaged pages found while reading
                state = self.crawler.settings.get("NEWSARCHIVE_STATE", "data/state")
                exc = StateCorruptError.of(state, exc)
            self._failed_open("state_errors", exc)
        except ArchiveDirectoryError as exc:  # NEWSARCHIVE_ARCHIVE is wrong: a usage error
            self._failed_open("config_errors", exc)
        except ArchiveFileError as exc:  # a file in the archive
            self._failed_open("archive_errors", exc)
        except ValueError as exc:  # a bad setting, or a state built with other parameters
            self._failed_open("config_errors", exc)
        self._opened = True

    def _failed_open(self, stat: str, exc: Exception) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsarchive/{stat}")
        logger.error("%s", exc)
        raise exc

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        try:
            ArchiveSession.for_crawler(self.crawler).maybe_flush()
        except sqlite3.Error:  # the state could not be committed: stop (see flush)
            stop_run(self.crawler, "write_error")
            raise
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._opened:  # a session that failed to open is not opened again here
            ArchiveSession.for_crawler(self.crawler).close()
