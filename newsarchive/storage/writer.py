"""Buffered, atomic Parquet writing into a Hive-partitioned archive.

Layout (DESIGN.md)::

    <archive>/<dataset>/published_date=YYYY-MM-DD/part-<run_id>-<seq>.parquet

A file is written as ``.part-<run_id>-<seq>.parquet.inprogress`` (a hidden name, which the
``*.parquet`` globs of DuckDB, Spark and polars skip), closed, fsynced, renamed to its final
name, and the directory is fsynced. A run killed at any moment therefore leaves either no
file or a complete one where readers look; hidden leftovers are removed by
:func:`remove_stale_inprogress`.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsarchive.storage.schema import DATASETS, PARTITION_KEYS

__all__ = [
    "MAX_PARTITION_DATE",
    "MIN_PARTITION_DATE",
    "ArchiveWriter",
    "PublishedFile",
    "fsync_dir",
    "iter_archive_files",
    "iter_partitions",
    "new_run_id",
    "partition_date",
    "publish_lock",
    "publish_table",
    "remove_stale_inprogress",
    "valid_text",
]

#: Oldest date a partition may have. Online news starts in the 1990s; anything older taken
#: from a page is a parsing error, and the article is filed under its capture date instead.
MIN_PARTITION_DATE = date(1990, 1, 1)
#: Latest date a partition may have: a guard for callers that do not go through
#: :func:`partition_date` (which never goes past the capture day plus one).
MAX_PARTITION_DATE = date(9999, 12, 30)
_INPROGRESS_SUFFIX = ".parquet.inprogress"


def valid_text(value: Any) -> Any:
    """``value`` with every string in it made storable: Arrow strings must be valid UTF-8,
    so lone surrogates (from JSON ``"\\ud800"`` escapes and the like) become U+FFFD, and
    NUL characters, which many readers of Parquet text choke on, are removed. Lists are
    cleaned item by item; other values are returned unchanged."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [valid_text(item) for item in value]
    return value


def new_run_id(now: datetime | None = None) -> str:
    """Return a unique, time-ordered run id such as ``20261129T071500Z-9f1c2a7b``.

    The UTC second of the start sorts runs by time; 32 random bits keep concurrent runs
    started in the same second apart.
    """
    now = now or datetime.now(UTC)
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def partition_date(published_at: datetime | None, crawled_at: datetime) -> date:
    """Return the ``published_date`` partition of a row.

    The UTC date of ``published_at`` when it lies between :data:`MIN_PARTITION_DATE` and
    the capture day plus one; otherwise (unknown or out of range) the UTC date of
    ``crawled_at``. The result is always a real :class:`datetime.date`, never a string
    taken from a page.

    Raises:
        ValueError: if ``crawled_at`` is naive (no time zone).
    """
    if crawled_at.tzinfo is None:
        raise ValueError("crawled_at must be timezone-aware")
    captured = crawled_at.astimezone(UTC).date()
    if published_at is not None and published_at.tzinfo is not None:
        day = published_at.astimezone(UTC).date()
        if MIN_PARTITION_DATE <= day <= captured + timedelta(days=1):
            return day
    return captured


@dataclass(frozen=True)
class PublishedFile:
    """A file made visible to readers by :meth:`ArchiveWriter.flush`.

    Attributes:
        dataset: ``"articles"`` or ``"duplicates"``.
        path: final path of the file.
        rows: number of rows in it.
        bytes: size on disk, bytes.
    """

    dataset: str
    path: Path
    rows: int
    bytes: int


def fsync_dir(path: Path) -> None:
    """fsync a directory, so that a rename or a new entry in it survives a crash.

    Raises:
        OSError: if the directory cannot be opened or synced.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_table(
    root: str | os.PathLike[str],
    directory: Path,
    name: str,
    table: pa.Table,
    **write_options: Any,
) -> Path:
    """Publish ``table`` atomically as ``directory/<name>.parquet`` inside the archive.

    Written as the hidden ``.<name>.parquet.inprogress``, fsynced, renamed, and the
    directory fsynced, all under the archive's shared :func:`publish_lock` (compaction
    never swaps the directory mid-publish).

    Args:
        root: the archive root (holder of the publish lock).
        directory: the partition directory (created if missing).
        name: the file's name without ``.parquet``.
        table: the rows.
        write_options: passed to :func:`pyarrow.parquet.write_table` (compression,
            row_group_size, ...).

    Returns:
        The final path.

    Raises:
        OSError: if writing fails; the hidden temporary is removed, nothing is published.
    """
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}{_INPROGRESS_SUFFIX}"
    final = directory / f"{name}.parquet"
    with publish_lock(root):
        try:
            with open(tmp, "wb") as sink:
                pq.write_table(table, sink, **write_options)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(tmp, final)
            fsync_dir(directory)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return final


@contextmanager
def publish_lock(root: str | os.PathLike[str], *, exclusive: bool = False) -> Iterator[None]:
    """Hold the archive's publish lock: ``flock`` on the archive root directory itself.

    Writers hold it shared while they create, write and rename a file; compaction
    (:mod:`newsarchive.storage.compact`) holds it exclusively for the instant it swaps a
    partition directory, so that no file is published into a directory being replaced.
    Locking the directory creates no file in the archive. Local file systems only.
    """
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def _row_bytes(row: Mapping[str, Any]) -> int:
    size = 64
    for value in row.values():
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, list):
            size += sum(len(v) for v in value if isinstance(v, str)) + 8 * len(value)
        else:
            size += 8
    return size


class ArchiveWriter:
    """Buffer rows per dataset and partition; publish them as Parquet files atomically.

    Args:
        root: archive root directory (created if missing).
        run_id: the run's id (see :func:`new_run_id`); part of every file name.
        row_group_bytes: target uncompressed size of one row group, bytes (default 64 MiB,
            within the tens of MB that Parquet readers handle best).
        compression: Parquet codec (default ``zstd``).

    Rows are dicts whose keys are the dataset schema's column names; the partition date is
    passed separately. Nothing is visible to readers before :meth:`flush`.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        run_id: str,
        *,
        row_group_bytes: int = 64 * 1024 * 1024,
        compression: str = "zstd",
    ) -> None:
        self.root = Path(root)
        self.run_id = run_id
        self.row_group_bytes = row_group_bytes
        self.compression = compression
        self._buffers: dict[tuple[str, date], list[dict[str, Any]]] = {}
        self._buffered_bytes = 0
        self._seq = 0
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def buffered_bytes(self) -> int:
        """Approximate uncompressed size of the buffered rows, bytes."""
        return self._buffered_bytes

    @property
    def buffered_rows(self) -> int:
        """Number of rows waiting to be published."""
        return sum(len(rows) for rows in self._buffers.values())

    def add(self, dataset: str, day: date, row: dict[str, Any]) -> None:
        """Buffer one row of ``dataset`` for the partition ``published_date=day``.

        Raises:
            KeyError: if ``dataset`` is not one of :data:`~newsarchive.storage.schema.DATASETS`.
            TypeError: if ``day`` is not a :class:`datetime.date`.
            ValueError: if ``day`` is before :data:`MIN_PARTITION_DATE`.

        String values are passed through :func:`valid_text` (valid UTF-8, no NUL).
        """
        if dataset not in DATASETS:
            raise KeyError(f"unknown dataset {dataset!r}")
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"partition day must be a date, not {type(day).__name__}")
        if not MIN_PARTITION_DATE <= day <= MAX_PARTITION_DATE:
            raise ValueError(f"partition day {day} outside {MIN_PARTITION_DATE}..."
                             f"{MAX_PARTITION_DATE}")
        row = {name: valid_text(value) for name, value in row.items()}
        self._buffers.setdefault((dataset, day), []).append(row)
        self._buffered_bytes += _row_bytes(row)

    def flush(self) -> list[PublishedFile]:
        """Write every buffered partition to one new Parquet file each and publish it.

        Returns:
            The published files, in the order written.

        Raises:
            OSError: if writing fails (disk full, permissions). Files published before the
                failure stay; the failing file's hidden temporary is removed; rows not yet
                written stay buffered.
            pyarrow.ArrowInvalid: if a row does not fit the schema (a programming error).
        """
        published: list[PublishedFile] = []
        for key in sorted(self._buffers):
            dataset, day = key
            rows = self._buffers[key]
            table = pa.Table.from_pylist(rows, schema=DATASETS[dataset])
            path = self._publish(dataset, day, table)
            published.append(PublishedFile(dataset, path, table.num_rows, path.stat().st_size))
            self._buffered_bytes -= sum(_row_bytes(r) for r in rows)
            del self._buffers[key]
        self._buffered_bytes = max(self._buffered_bytes, 0)
        return published

    def _publish(self, dataset: str, day: date, table: pa.Table) -> Path:
        directory = self.root / dataset / f"published_date={day.isoformat()}"
        self._seq += 1
        avg_row = max(1, table.nbytes // max(1, table.num_rows))
        return publish_table(
            self.root,
            directory,
            f"part-{self.run_id}-{self._seq:05d}",
            table,
            compression=self.compression,
            row_group_size=max(1, self.row_group_bytes // avg_row),
            use_dictionary=True,
            write_statistics=True,
        )


def iter_partitions(root: str | os.PathLike[str], dataset: str) -> Iterator[tuple[date, Path]]:
    """Yield ``(partition date, directory)`` of every partition of ``dataset``, sorted.

    The partition key is the dataset's (``published_date``, ``run_date`` for ``runs``:
    :data:`~newsarchive.storage.schema.PARTITION_KEYS`). Directories whose names are not
    ``<key>=YYYY-MM-DD`` with a real date are ignored.
    """
    base = Path(root) / dataset
    if not base.is_dir():
        return
    key = PARTITION_KEYS.get(dataset, "published_date")
    pattern = re.compile(rf"^{re.escape(key)}=(\d{{4}}-\d{{2}}-\d{{2}})$")
    for part in sorted(base.iterdir()):
        match = pattern.match(part.name)
        if not match or not part.is_dir():
            continue
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        yield day, part


def iter_archive_files(root: str | os.PathLike[str], dataset: str) -> Iterator[tuple[date, Path]]:
    """Yield ``(partition date, path)`` of every published Parquet file of ``dataset``.

    Invalid partition directories (:func:`iter_partitions`) and hidden files are ignored.
    Sorted by partition, then file name (run id order).
    """
    for day, part in iter_partitions(root, dataset):
        for path in sorted(part.glob("*.parquet")):
            if not path.name.startswith("."):
                yield day, path


def remove_stale_inprogress(
    root: str | os.PathLike[str], *, min_age_seconds: float = 3600.0
) -> int:
    """Delete hidden ``.part-*.parquet.inprogress`` files left behind by killed runs.

    A live run keeps a temporary for the seconds one flush takes, so only temporaries not
    modified for ``min_age_seconds`` (default one hour) are removed; a concurrent run's
    file in the middle of being written is left alone.

    Args:
        root: archive root.
        min_age_seconds: minimum age of a temporary to remove, seconds.

    Returns:
        Number of files removed.
    """
    removed = 0
    base = Path(root)
    if not base.is_dir():
        return 0
    cutoff = datetime.now(UTC).timestamp() - min_age_seconds
    for path in base.glob(f"*/published_date=*/.part-*{_INPROGRESS_SUFFIX}"):
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
