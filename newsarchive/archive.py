"""The archive session: one state, one de-duplicator and one writer per crawl.

Every component of a crawl (the spiders' "already have it?" check, the de-duplication
pipeline, the Parquet writer) works on the same :class:`ArchiveSession`, got with
:meth:`ArchiveSession.for_crawler`.

The order of durability follows DESIGN.md, "the archive is the truth; the state follows
it": de-duplication decisions are recorded in the state's open transaction (visible to
this run at once), rows are buffered, and only after a flush has published the Parquet
files holding them is the state committed. A run killed before that leaves the state as it
was, so the next run fetches and stores those articles again. A run killed between publish
and commit leaves files the state does not know; :meth:`ArchiveSession.reconcile`, run at
start, indexes them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from newsarchive.config import setting
from newsarchive.dedup import Decision, Deduplicator
from newsarchive.dedup.urls import normalize_url
from newsarchive.extensions.outcome import run_id_for
from newsarchive.items import Article, Sighting
from newsarchive.state import ArchiveState, SQLiteState
from newsarchive.storage.compact import MAX_TOMBSTONE_SECONDS, compacted_from, is_tombstone
from newsarchive.storage.schema import ARTICLES_SCHEMA, DUPLICATES_SCHEMA, file_problem
from newsarchive.storage.writer import (
    ArchiveWriter,
    PublishedFile,
    iter_archive_files,
    new_run_id,
    partition_date,
    remove_stale_inprogress,
)

__all__ = ["ArchiveDirectoryError", "ArchiveFileError", "ArchiveSession"]

logger = logging.getLogger(__name__)

_ARTICLE_COLUMNS = [f.name for f in ARTICLES_SCHEMA]
_DUPLICATE_COLUMNS = [f.name for f in DUPLICATES_SCHEMA]
_SESSION_ATTR = "_newsarchive_session"


class ArchiveFileError(Exception):
    """The archive cannot be used: its directory cannot be created or opened, or one of
    its dataset directories holds a ``.parquet`` file that is not a readable file of that
    dataset (empty, truncated, another program's file). The message names the path and
    the remedy; the file is left as it is.

    Attributes:
        path: the directory or file.
    """

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        self.path = path
        super().__init__(f"archive {path}: {problem}; {remedy}")

    @classmethod
    def bad_file(cls, path: Path, problem: str) -> ArchiveFileError:
        """The error for a published file that cannot be read (see :func:`file_problem`)."""
        return cls(path, problem,
                   "DuckDB and the other readers fail on it too: move it out of the archive "
                   "(or restore a good copy) and run again")


class ArchiveDirectoryError(ArchiveFileError, ValueError):
    """``NEWSARCHIVE_ARCHIVE`` cannot be used as the archive directory (a file is in the
    way, no permission): a wrong setting, reported as a usage error (exit status 2) like
    an unusable ``NEWSARCHIVE_STATE``, not as a damaged archive."""


class ArchiveSession:
    """State, de-duplication and Parquet writing for one run.

    Args:
        archive_dir: archive root (``NEWSARCHIVE_ARCHIVE``).
        state: the run's state backend (opened).
        run_id: id written into every file name (default: a new time-ordered id).
        flush_bytes: publish buffered rows once they pass this size, bytes
            (``NEWSARCHIVE_FLUSH_BYTES``, default 128 MiB).
        flush_seconds: publish buffered rows at least this often, seconds
            (``NEWSARCHIVE_FLUSH_SECONDS``, default 600), so that a long crawl's articles
            reach the archive and the state in bounded time.
        stats: Scrapy stats collector to count into (optional).

    Raises:
        ArchiveDirectoryError: ``archive_dir`` cannot be created (a file is in the way, no
            permission).
    """

    def __init__(
        self,
        archive_dir: str | Path,
        state: ArchiveState,
        *,
        run_id: str | None = None,
        flush_bytes: int = 128 * 1024 * 1024,
        flush_seconds: float = 600.0,
        row_group_bytes: int = 64 * 1024 * 1024,
        stats: StatsCollector | None = None,
        dedup_params: dict[str, Any] | None = None,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.state = state
        self.run_id = run_id or new_run_id()
        try:
            self.writer = ArchiveWriter(self.archive_dir, self.run_id,
                                        row_group_bytes=row_group_bytes)
        except OSError as exc:
            why = ("a file is in the way" if self.archive_dir.exists()
                   and not self.archive_dir.is_dir() else exc.strerror or str(exc))
            raise ArchiveDirectoryError(
                self.archive_dir, f"cannot be used as the archive directory ({why})",
                "give NEWSARCHIVE_ARCHIVE a directory this user can write") from exc
        self.dedup = Deduplicator(state, **(dedup_params or {}))
        self.flush_bytes = flush_bytes
        self.flush_seconds = flush_seconds
        self.stats = stats
        self._last_flush = time.monotonic()
        self._closed = False
        self._commit_error: sqlite3.Error | None = None

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def for_crawler(cls, crawler: Crawler) -> ArchiveSession:
        """Return the crawler's session, opening it (and reconciling) on first use."""
        session: ArchiveSession | None = getattr(crawler, _SESSION_ATTR, None)
        if session is None:
            settings = crawler.settings
            window = setting(settings, "NEWSARCHIVE_DEDUP_WINDOW_DAYS")
            state = SQLiteState(settings.get("NEWSARCHIVE_STATE", "data/state"),
                                recent_days=window)
            try:
                session = cls(
                    settings.get("NEWSARCHIVE_ARCHIVE", "data/archive"),
                    state,
                    run_id=run_id_for(crawler),
                    flush_bytes=setting(settings, "NEWSARCHIVE_FLUSH_BYTES"),
                    flush_seconds=setting(settings, "NEWSARCHIVE_FLUSH_SECONDS"),
                    row_group_bytes=setting(settings, "NEWSARCHIVE_ROW_GROUP_BYTES"),
                    stats=crawler.stats,
                    dedup_params={"window_days": window},
                )
                session.reconcile()
            except BaseException:
                state.close()  # rolls back what reconciliation had recorded
                raise
            setattr(crawler, _SESSION_ATTR, session)
        return session

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newsarchive/{key}", count)

    # -- queries ----------------------------------------------------------------------------
    def is_seen(self, url: str) -> bool:
        """Whether ``url`` (any form; normalized here) is already archived or pending,
        as a fetched URL or as the canonical URL of an archived page. The live spider
        asks this: such a URL need not be fetched."""
        try:
            return self.state.is_seen(url)
        except ValueError:
            return False

    def is_fetched(self, url: str) -> bool:
        """Whether ``url`` itself was fetched (or read from a WARC) and archived before.

        Narrower than :meth:`is_seen`: a URL known only as another page's canonical URL
        is not fetched, so a WARC import still reads it and records its sighting.
        """
        try:
            return self.state.get_url(normalize_url(url)) is not None
        except ValueError:
            return False

    # -- storing ----------------------------------------------------------------------------
    @property
    def failed(self) -> bool:
        """Whether the state could not be committed in this run (see :meth:`flush`): the
        session stores nothing more, and the run should stop."""
        return self._commit_error is not None

    def add_article(self, article: Article, decision: Decision, fetched_urls: list[str]) -> None:
        """Record a new story in the state's open transaction and buffer its row.

        Raises:
            sqlite3.Error: the state could not be committed (now or earlier in this run).
        """
        self._check_usable()
        self.dedup.record(article, decision, fetched_urls=fetched_urls)
        row = {name: getattr(article, name) for name in _ARTICLE_COLUMNS}
        day = partition_date(article.published_at, article.crawled_at)
        self.writer.add("articles", day, row)
        self._inc("articles_stored")
        self.maybe_flush()

    def add_sighting(
        self, article: Article, sighting: Sighting, decision: Decision, fetched_urls: list[str]
    ) -> None:
        """Record a further sighting in the state's open transaction and buffer its row.

        Raises:
            sqlite3.Error: the state could not be committed (now or earlier in this run).
        """
        self._check_usable()
        self.dedup.record(article, decision, fetched_urls=fetched_urls)
        row = asdict(sighting)
        day = partition_date(sighting.published_at, sighting.crawled_at)
        self.writer.add("duplicates", day, {name: row[name] for name in _DUPLICATE_COLUMNS})
        self._inc(f"duplicates_stored/{sighting.match}")
        self.maybe_flush()

    def _check_usable(self) -> None:
        if self._commit_error is not None:
            raise self._commit_error

    def maybe_flush(self) -> list[PublishedFile]:
        """Flush when the buffer passes ``flush_bytes`` or ``flush_seconds`` have passed."""
        if self.writer.buffered_bytes >= self.flush_bytes or (
            self.writer.buffered_rows and time.monotonic() - self._last_flush >= self.flush_seconds
        ):
            return self.flush()
        return []

    def flush(self) -> list[PublishedFile]:
        """Publish every buffered row, then commit the state (in that order).

        Raises:
            OSError: if a file cannot be written; the state is then not committed, so the
                rows not published are fetched again by the next run.
            sqlite3.Error: the state could not be committed after the files were published
                (disk full, I/O error). SQLite may have rolled the transaction back, so the
                state no longer matches what this run decided; the session then stores
                nothing more (:attr:`failed`) and :meth:`close` only rolls back. The next
                run indexes the published files from the archive (reconciliation), so
                nothing is lost or stored twice; before, the run went on deciding against
                a state that had lost its last decisions and stored copies as new stories.
        """
        self._check_usable()
        try:
            published = self.writer.flush()
        except OSError as exc:
            self._inc("write_errors")
            logger.error("cannot publish archive files: %r; the state is not committed", exc)
            raise
        for item in published:
            self.state.mark_file_indexed(self._relative(item.path))
            self._inc("files_written")
            self._inc("bytes_written", item.bytes)
            self._inc(f"rows_written/{item.dataset}", item.rows)
        try:
            self.state.commit()
        except sqlite3.Error as exc:
            self._commit_error = exc
            self._inc("write_errors")
            logger.error("cannot commit the state after publishing %d file(s): %r; this run "
                         "stores nothing more (the next run indexes those files from the "
                         "archive)", len(published), exc)
            raise
        self._last_flush = time.monotonic()
        if published:
            logger.info(
                "published %d file(s), %d rows",
                len(published),
                sum(p.rows for p in published),
            )
        return published

    def close(self) -> None:
        """Flush what is buffered, commit and close the state. Idempotent."""
        if self._closed:
            return
        if self._commit_error is not None:  # nothing may be committed after it
            self._closed = True
            with contextlib.suppress(sqlite3.Error):  # no transaction left; disk still full
                self.state.close()
            return
        self._closed = True
        try:
            self.flush()
        finally:
            self.state.close()

    def abort(self) -> None:
        """Drop buffered rows and roll the state back (used when a flush failed)."""
        self._closed = True
        self.state.rollback()
        self.state.close()

    # -- reconciliation ------------------------------------------------------------------
    def _relative(self, path: Path) -> str:
        return path.relative_to(self.archive_dir).as_posix()

    def reconcile(self) -> int:
        """Index archive files the state does not know yet (crash after publish, a deleted
        or new state), then commit. Stale hidden temporaries are removed.

        Returns:
            Number of rows indexed.

        Raises:
            ArchiveFileError: a file to index is not a readable file of its dataset
                (:func:`~newsarchive.storage.schema.file_problem`); nothing is committed,
                and the state is as before (the rows of files indexed so far are only in
                its open transaction).
        """
        removed = remove_stale_inprogress(self.archive_dir)
        if removed:
            logger.warning("removed %d stale in-progress file(s)", removed)
        indexed = 0
        for dataset in ("articles", "duplicates"):
            for _day, path in iter_archive_files(self.archive_dir, dataset):
                rel = self._relative(path)
                # A compaction's placeholder (no rows) stands under the name of a merged-away
                # file, which is usually one the state has indexed: check before skipping those.
                if is_tombstone(path):
                    self._remove_if_stale(path)
                    continue
                if self.state.is_file_indexed(rel):
                    continue
                problem = file_problem(path, dataset)
                if problem is not None:
                    raise ArchiveFileError.bad_file(path, problem)
                if not self._sources_indexed(path):
                    indexed += self._index_file(dataset, path)
                self.state.mark_file_indexed(rel)
        self.state.commit()
        if indexed:
            logger.info("reconciled %d archive row(s) into the state", indexed)
            self._inc("reconciled_rows", indexed)
        return indexed

    @staticmethod
    def _remove_if_stale(tombstone: Path) -> None:
        """Delete a tombstone older than any compaction keeps one (its compaction was
        killed after the swap; readers of the partition fail on it until it is gone)."""
        with contextlib.suppress(FileNotFoundError):
            if time.time() - tombstone.stat().st_mtime > MAX_TOMBSTONE_SECONDS:
                tombstone.unlink()
                logger.warning("removed %s, left by a killed compaction", tombstone)

    def _sources_indexed(self, path: Path) -> bool:
        """Whether ``path`` was written by compaction from files all already indexed (its
        rows are then known and need not be read; see :mod:`newsarchive.storage.compact`)."""
        sources = compacted_from(path)
        if not sources:
            return False
        parent = self._relative(path.parent)
        return all(self.state.is_file_indexed(f"{parent}/{name}") for name in sources)

    def _index_file(self, dataset: str, path: Path) -> int:
        table = pq.read_table(path)
        count = 0
        for row in table.to_pylist():
            if dataset == "articles":
                article = _article_from_row(row)
                decision = Decision(
                    kind="new", duplicate_of=None, cluster_id=row["cluster_id"], similarity=0.0
                )
            else:
                article = Article(
                    article_id=row["article_id"],
                    url=row["url"],
                    canonical_url=row["url"],
                    domain=row["domain"],
                    crawled_at=row["crawled_at"],
                    body="",
                    title=row["title"],
                )
                decision = Decision(
                    kind=row["match"],
                    duplicate_of=row["duplicate_of"],
                    cluster_id=row["cluster_id"],
                    similarity=float(row["similarity"]),
                )
            self.dedup.record(article, decision)
            count += 1
        return count


def _article_from_row(row: dict[str, Any]) -> Article:
    fields: dict[str, Any] = {name: row.get(name) for name in _ARTICLE_COLUMNS}
    fields["authors"] = list(fields.get("authors") or [])
    for key in ("crawled_at", "published_at", "modified_at"):
        value = fields.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            fields[key] = value.replace(tzinfo=UTC)
    return Article(**fields)
