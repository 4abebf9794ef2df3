"""Compaction: merge the small files of closed partitions into large ones, atomically.

A crawl publishes one file per partition per flush (and one ``runs/`` file per run), so
after months an old partition holds hundreds of small files. :func:`compact_archive`
rewrites the small files of each partition (``published_date=D`` of ``articles`` and
``duplicates``, ``run_date=D`` of ``runs``) older than ``older_than_days`` into files of
about ``target_bytes`` (default 256 MiB).

How a reader never sees a row twice or misses one
-------------------------------------------------
Readers find files by listing directories (``articles/**/*.parquet``). Renaming files one
by one inside a partition cannot be atomic for them: a listing running at the same time may
see the merged file and the small ones, or neither. So a partition is replaced as a whole:

1. The new content of ``<dataset>/published_date=D`` is built in a staging directory
   outside the dataset, ``<archive>/.compaction/<id>/<dataset>/published_date=D``: the
   merged files (``part-compact-<id>-<seq>.parquet``, written, fsynced) and hard links to
   the files that are kept as they are (large files, and a small file left alone).
2. Under the archive's exclusive *publish lock* (see below) the partition is listed again;
   a file a concurrent writer published since step 1 is hard-linked into the staging
   directory too. Then the two directories are swapped with one atomic
   ``renameat2(RENAME_EXCHANGE)`` (Linux; ``renamex_np(RENAME_SWAP)`` on macOS) and the
   parent directories are fsynced. A reader that lists the partition sees either the old
   set of files or the new one, never a mix: a directory being read keeps its content.
3. The old files now sit in the staging path. They are deleted by a later compaction once
   they are older than ``grace_seconds`` (default 10 minutes), so that a listing started
   just before the swap finishes on complete, unchanged content.

A reader that listed the old files before the swap and opens one of the merged-away files
after it gets "file not found" and must retry, because every row lives in exactly one of
the two sets and the old set is unreachable by its old paths once the swap is done. Known
defect: a reader that skips such a path silently (DuckDB 2.0 skips a globbed path it cannot
open) can miss that partition's rows in one query; seen once under load in
``tests/test_compact.py``. Platforms without an atomic directory exchange are refused
(:class:`CompactionError`) rather than served with a two-rename swap that would leave a
moment without the partition.

The staging area is a sibling of the datasets, not inside them, because DuckDB's and
polars' ``**`` globs descend into hidden directories and match hidden ``.x.parquet`` files
(checked by ``tests/test_compact.py``); readers must glob one dataset
(``articles/**/*.parquet``), never the archive root.

Concurrent writers
------------------
Partitions older than a few days are rarely written, but not never: a live crawl stores an
old article found in a sitemap under its publication date, and a WARC import writes old
dates all the time. :class:`~newsarchive.storage.writer.ArchiveWriter` therefore holds a
*shared* :func:`~newsarchive.storage.writer.publish_lock` while it creates, writes and
renames a file; compaction takes it *exclusively* only for step 2 (milliseconds), so a file
is either published before the re-listing (and carried over) or after the swap (into the
new directory). Two compactions never run at once (an exclusive, non-blocking lock on
``.compaction``; the second raises :class:`CompactionBusy`).

Killed midway, run twice
------------------------
A compaction killed before the swap leaves only its staging directory (it holds the merged
files ``part-compact-<id>-*``); the next compaction deletes it and starts that partition
again. Killed after the swap, the partition is already compacted and the staging path holds
the old files, deleted after the grace period. Every small file a crawl wrote is merged
(a last lone one joins the group before it, so a merged file holds up to
``1.5 * target_bytes``), and a partition whose small files all come from compaction is left
alone, so a second run rewrites nothing.

The state
---------
Each merged file lists in its Parquet metadata (``newsarchive.compacted_from``) the names
of the files written by crawls whose rows it holds (through earlier compactions too).
:meth:`newsarchive.archive.ArchiveSession.reconcile` marks a merged file indexed without
reading its rows when all of those files were indexed (:func:`compacted_from`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsarchive.storage.schema import DATASETS, file_problem
from newsarchive.storage.writer import fsync_dir, iter_partitions, new_run_id, publish_lock

__all__ = [
    "COMPACTED_DATASETS",
    "COMPACTED_FROM_KEY",
    "STAGING_DIR",
    "CompactionBusy",
    "CompactionError",
    "CompactionReport",
    "PartitionCompaction",
    "compact_archive",
    "compacted_from",
    "exchange_directories",
]

logger = logging.getLogger(__name__)

#: Directory under the archive root holding staging and replaced partitions.
STAGING_DIR = ".compaction"
#: Parquet key-value metadata key listing the crawl-written files a merged file holds.
COMPACTED_FROM_KEY = b"newsarchive.compacted_from"
_COMPACTION_ID_KEY = b"newsarchive.compaction_id"
_MIB = 1024 * 1024
#: Datasets compacted by default: their writers hold the shared publish lock.
COMPACTED_DATASETS = ("articles", "duplicates", "runs")
_COMPACT_PREFIX = "part-compact-"


class CompactionError(RuntimeError):
    """Compaction cannot run here (for example: no atomic directory exchange)."""


class CompactionBusy(CompactionError):
    """Another compaction of the same archive is running."""


@dataclass(frozen=True)
class PartitionCompaction:
    """What compaction did (or, in a dry run, would do) to one partition.

    Attributes:
        dataset: dataset directory name.
        day: the partition's date.
        merged: names of the files whose rows were rewritten.
        written: names of the new merged files.
        carried: names of files a concurrent writer published during the compaction,
            kept as they are.
        rows: rows in the merged files.
        bytes_before: size of the merged-away files, bytes.
        bytes_after: size of the new files, bytes.
    """

    dataset: str
    day: date
    merged: tuple[str, ...]
    written: tuple[str, ...]
    carried: tuple[str, ...] = ()
    rows: int = 0
    bytes_before: int = 0
    bytes_after: int = 0


@dataclass
class CompactionReport:
    """Result of :func:`compact_archive`.

    Attributes:
        compaction_id: the id in the new files' names.
        partitions: one entry per partition compacted.
        removed_staging: leftover staging or replaced directories deleted.
        dry_run: whether nothing was changed.
        unreadable: ``(path, problem)`` of every small file left as it is because it is not
            a readable file of its dataset (:func:`~newsarchive.storage.schema.file_problem`:
            empty, truncated, another program's file); readers fail on it until it is
            moved out of the archive.
    """

    compaction_id: str
    partitions: list[PartitionCompaction] = field(default_factory=list)
    removed_staging: int = 0
    dry_run: bool = False
    unreadable: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def files_merged(self) -> int:
        """Number of small files rewritten."""
        return sum(len(p.merged) for p in self.partitions)

    @property
    def files_written(self) -> int:
        """Number of merged files written."""
        return sum(len(p.written) for p in self.partitions)


# -- atomic directory exchange ------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h


def _libc() -> ctypes.CDLL:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True)


def exchange_directories(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> None:
    """Atomically swap the two existing directories ``a`` and ``b`` (same file system).

    Raises:
        CompactionError: if the platform or the file system has no atomic exchange.
        OSError: for other failures (missing directory, permissions).
    """
    pa_, pb_ = os.fsencode(os.fspath(a)), os.fsencode(os.fspath(b))
    libc = _libc()
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, pa_, _AT_FDCWD, pb_, _RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(pa_, pb_, _RENAME_SWAP)
    else:
        raise CompactionError(f"no atomic directory exchange on {sys.platform}")
    if result != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise CompactionError(
                f"the file system of {os.fspath(a)!r} does not support an atomic "
                f"directory exchange ({os.strerror(code)})"
            )
        raise OSError(code, os.strerror(code), os.fspath(a), None, os.fspath(b))


@contextmanager
def _exclusive_nonblocking(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise CompactionBusy(f"another compaction of {path.parent} is running") from exc
        yield
    finally:
        os.close(fd)


# -- metadata -----------------------------------------------------------------------------


def compacted_from(path: str | os.PathLike[str]) -> list[str] | None:
    """Return the names of the crawl-written files whose rows the merged file ``path``
    holds (all in its partition), or None when ``path`` was not written by compaction."""
    metadata = pq.read_metadata(path).metadata or {}
    raw = metadata.get(COMPACTED_FROM_KEY)
    if raw is None:
        return None
    names = json.loads(raw)
    return [str(n) for n in names]


def _published(directory: Path) -> dict[str, int]:
    """Name → size of the published (non-hidden) Parquet files in ``directory``."""
    files: dict[str, int] = {}
    for entry in os.scandir(directory):
        if entry.name.endswith(".parquet") and not entry.name.startswith(".") and entry.is_file():
            files[entry.name] = entry.stat().st_size
    return files


def _plan(files: dict[str, int], target_bytes: int, min_bytes: int) -> list[list[str]]:
    """Groups of small files (under ``min_bytes``) to merge into one file each.

    Groups are filled in name (run) order up to ``target_bytes``; a last lone file joins
    the group before it, so every small file written by a crawl is merged. Small files
    written by compaction are merged again only together with a crawl's: a partition
    whose small files all come from compaction is done, which makes a second run a
    no-op.
    """
    small = sorted(name for name, size in files.items() if size < min_bytes)
    if len(small) < 2 or all(name.startswith(_COMPACT_PREFIX) for name in small):
        return []
    groups: list[list[str]] = [[]]
    total = 0
    for name in small:
        size = files[name]
        if groups[-1] and total + size > target_bytes:
            groups.append([])
            total = 0
        groups[-1].append(name)
        total += size
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2].extend(groups.pop())
    return groups


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns, in order; columns added to the schema after the
    file was written (nullable, by the schema rules) become nulls."""
    columns = []
    for schema_field in schema:
        if schema_field.name in table.column_names:
            columns.append(table.column(schema_field.name).cast(schema_field.type))
        else:
            columns.append(pa.nulls(table.num_rows, schema_field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _merge(
    sources: list[Path],
    target: Path,
    schema: pa.Schema | None,
    compaction_id: str,
    row_group_bytes: int,
) -> int:
    """Write the rows of ``sources`` (in order) to ``target``; return the row count."""
    origins: list[str] = []
    for source in sources:
        names = compacted_from(source)
        origins.extend(names if names is not None else [source.name])
    if schema is None:
        schema = pq.read_schema(sources[0])
    metadata = dict(schema.metadata or {})
    metadata[COMPACTED_FROM_KEY] = json.dumps(origins).encode()
    metadata[_COMPACTION_ID_KEY] = compaction_id.encode()
    schema = schema.with_metadata(metadata)
    tmp = target.with_name(f".{target.name}.inprogress")
    rows = 0
    pending: list[pa.Table] = []
    pending_bytes = 0
    try:
        with open(tmp, "wb") as sink:
            writer = pq.ParquetWriter(sink, schema, compression="zstd", use_dictionary=True,
                                      write_statistics=True)
            try:
                for source in sources:
                    table = _conform(pq.read_table(source), schema)
                    pending.append(table)
                    pending_bytes += table.nbytes
                    rows += table.num_rows
                    if pending_bytes >= row_group_bytes:
                        batch = pa.concat_tables(pending)
                        writer.write_table(batch, row_group_size=max(1, batch.num_rows))
                        pending, pending_bytes = [], 0
                if pending:
                    batch = pa.concat_tables(pending)
                    writer.write_table(batch, row_group_size=max(1, batch.num_rows))
            finally:
                writer.close()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return rows


# -- the command --------------------------------------------------------------------------


def _partitions(root: Path, dataset: str, before: date) -> Iterator[tuple[date, Path]]:
    for day, part in iter_partitions(root, dataset):
        if day < before:
            yield day, part


def _remove_leftovers(staging_root: Path, grace_seconds: float) -> int:
    """Delete staging directories of killed compactions and replaced partitions older
    than the grace period. Called with the compaction lock held."""
    removed = 0
    now = time.time()
    for run_dir in sorted(p for p in staging_root.iterdir() if p.is_dir()):
        cid = run_dir.name
        for dataset_dir in sorted(p for p in run_dir.iterdir() if p.is_dir()):
            for part in sorted(p for p in dataset_dir.iterdir() if p.is_dir()):
                # Only a staging directory holds this compaction's own files (finished
                # or, hidden, being written); a replaced partition never does.
                unfinished = any(part.glob(f"part-compact-{cid}-*.parquet")) or any(
                    part.glob(f".part-compact-{cid}-*.parquet.inprogress"))
                if unfinished or now - part.stat().st_mtime >= grace_seconds:
                    shutil.rmtree(part)
                    removed += 1
            if not any(dataset_dir.iterdir()):
                dataset_dir.rmdir()
        if not any(run_dir.iterdir()):
            run_dir.rmdir()
    return removed


def compact_archive(
    root: str | os.PathLike[str],
    *,
    older_than_days: int = 2,
    target_bytes: int = 256 * _MIB,
    min_bytes: int | None = None,
    datasets: Iterable[str] | None = None,
    grace_seconds: float = 600.0,
    row_group_bytes: int = 64 * _MIB,
    dry_run: bool = False,
    today: date | None = None,
    compaction_id: str | None = None,
    hook: Callable[[str, Path], None] | None = None,
) -> CompactionReport:
    """Merge the small files of every partition older than ``older_than_days``.

    Args:
        root: archive root.
        older_than_days: compact partitions whose date is before today (UTC) minus this.
        target_bytes: maximum size of the files merged into one, bytes.
        min_bytes: files smaller than this are merged (default ``target_bytes // 2``).
        datasets: dataset directories to compact (default: :data:`COMPACTED_DATASETS`).
        grace_seconds: keep replaced files this long before a later compaction deletes
            them (for listings in progress during the swap).
        row_group_bytes: uncompressed size of one row group in merged files, bytes.
        dry_run: only plan; change nothing.
        today: the current date (tests).
        compaction_id: id in the merged files' names (default: a new run id).
        hook: called as ``hook(stage, partition_dir)`` with ``"staged"`` before and
            ``"swapped"`` after each swap (tests use it to interrupt a compaction).

    Returns:
        What was done.

    Raises:
        CompactionBusy: if another compaction of ``root`` is running.
        CompactionError: if the file system cannot swap directories atomically.
    """
    base = Path(root)
    cid = compaction_id or new_run_id()
    report = CompactionReport(cid, dry_run=dry_run)
    if min_bytes is None:
        min_bytes = target_bytes // 2
    before = (today or datetime.now(UTC).date()) - timedelta(days=older_than_days)
    names = list(datasets) if datasets is not None else list(COMPACTED_DATASETS)
    if not base.is_dir():
        return report
    staging_root = base / STAGING_DIR
    if not dry_run:
        staging_root.mkdir(exist_ok=True)
    lock = _exclusive_nonblocking(staging_root) if not dry_run else _nothing()
    with lock:
        if not dry_run:
            report.removed_staging = _remove_leftovers(staging_root, grace_seconds)
        for dataset in names:
            for day, part in _partitions(base, dataset, before):
                files = _published(part)
                mergeable = dict(files)
                for name, size in sorted(files.items()):
                    problem = file_problem(part / name, dataset) if size < min_bytes else None
                    if problem is not None:  # left as it is (carried over by the swap)
                        del mergeable[name]
                        report.unreadable.append((part / name, problem))
                        logger.error("%s left as it is: %s; readers fail on it too: move "
                                     "it out of the archive", part / name, problem)
                groups = _plan(mergeable, target_bytes, min_bytes)
                if not groups:
                    continue
                if dry_run:
                    merged = tuple(n for g in groups for n in g)
                    report.partitions.append(PartitionCompaction(
                        dataset, day, merged, (), (),
                        bytes_before=sum(files[n] for n in merged)))
                    continue
                result = _compact_partition(
                    base, staging_root / cid / dataset / part.name, part, dataset, day,
                    files, groups, cid, row_group_bytes, hook)
                report.partitions.append(result)
                logger.info(
                    "compacted %s/%s: %d files (%d bytes) into %d (%d bytes)",
                    dataset, part.name, len(result.merged), result.bytes_before,
                    len(result.written), result.bytes_after)
    return report


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _compact_partition(
    root: Path,
    staging: Path,
    part: Path,
    dataset: str,
    day: date,
    files: dict[str, int],
    groups: list[list[str]],
    cid: str,
    row_group_bytes: int,
    hook: Callable[[str, Path], None] | None,
) -> PartitionCompaction:
    staging.mkdir(parents=True)
    schema = DATASETS.get(dataset)
    merged = {name for group in groups for name in group}
    written: list[str] = []
    rows = 0
    for seq, group in enumerate(groups, start=1):
        name = f"{_COMPACT_PREFIX}{cid}-{seq:05d}.parquet"
        rows += _merge([part / n for n in group], staging / name, schema, cid, row_group_bytes)
        written.append(name)
    for name in sorted(files):
        if name not in merged:
            os.link(part / name, staging / name)
    fsync_dir(staging)
    if hook is not None:
        hook("staged", part)
    carried: list[str] = []
    with publish_lock(root, exclusive=True):
        now = _published(part)
        missing = set(files) - set(now)
        if missing:
            raise CompactionError(f"files vanished from {part} during compaction: {missing}")
        for name in sorted(set(now) - set(files)):
            os.link(part / name, staging / name)
            carried.append(name)
        if carried:
            fsync_dir(staging)
        os.utime(part)  # the replaced directory's age counts from the swap
        exchange_directories(staging, part)
        fsync_dir(part.parent)
        fsync_dir(staging.parent)
    if hook is not None:
        hook("swapped", part)
    after = sum((part / n).stat().st_size for n in written)
    return PartitionCompaction(
        dataset, day, tuple(sorted(merged)), tuple(written), tuple(carried), rows,
        sum(files[n] for n in merged), after)
