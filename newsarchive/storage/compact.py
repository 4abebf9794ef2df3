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
   the files that are kept as they are (large files, and a small file left alone). Every
   partition of the run is staged before the first swap, so that the swaps (and the
   moments when readers fail on tombstones, below) follow each other within seconds.
2. Under the archive's exclusive *publish lock* (see below) the partition is listed again;
   a file a concurrent writer published since step 1 is hard-linked into the staging
   directory too, and a *tombstone* (:data:`TOMBSTONE`, a short text file that is not
   Parquet) is written there under the name of every merged-away file. Then the two
   directories are swapped with one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux;
   ``renamex_np(RENAME_SWAP)`` on macOS) and the parent directories are fsynced.
3. ``tombstone_seconds`` (default 5) after the swap the tombstones are deleted (the
   compaction goes on with other partitions meanwhile and waits for the last ones).
4. The old files now sit in the staging path. They are deleted by a later compaction once
   they are older than ``grace_seconds`` (default 10 minutes).

Why the tombstones: DuckDB 2.0 (``LocalFileSystem::ListFilesExtended``), and
``pyarrow.dataset`` too, list a directory with ``readdir()`` and then ``stat()`` each entry
*by its full path*, skipping without a word an entry whose ``stat()`` fails; the files kept
are opened by path later. A directory being read keeps its content, but a path looked up
after the swap leads into the *new* directory. Without tombstones a swap between a reader's
``readdir()`` of a partition (old names) and its ``stat()`` calls made every merged-away
name vanish and the partition count 0 rows, with no error (seen under load;
``tests/test_compact.py`` reproduces it with the real DuckDB, the swap placed inside its
own calls by a preload library). Every interleaving of a reader's steps with the swap
(S) and the deletion of the tombstones (T), for a merged-away name ``a``, a kept name ``k``
(the same inode in both directories) and a merged file ``c`` (a name never used before):

- listed before S, ``a`` looked up (stat or open) before S: the old rows of ``a``;
- listed before S, ``a`` looked up between S and T: the tombstone; opening it fails
  (not a Parquet file); ``a`` looked up (opened) after T: "No such file", fails;
- listed before S, ``k``: the same rows whenever it is looked up; ``c`` is not in this
  listing. So a listing made before S gives the old rows exactly, or fails;
- listed between S and T: ``c`` and ``k`` give the new rows; the tombstones are either
  opened (fails) or, looked up after T, skipped (they hold no rows): exact, or fails;
- listed after T: the new content, exactly.

No row is read twice: ``c`` is only in listings made after S, and in those every
merged-away name is a tombstone or absent. DuckDB opens each file twice (footer, then
data), so a swap between the two opens makes the second fail ("No such file", the
tombstone's "No magic bytes", or "Prefetch registered for bytes outside file"). The one
interleaving left that loses rows silently: a listing whose ``readdir()`` is before S and
whose ``stat()`` of every merged-away name is after T, i.e. a reader stalled between the
two for longer than ``tombstone_seconds`` in the middle of listing one directory. That is
not guaranteed against; it is why the default is seconds, not milliseconds.

Readers' contract: a query that fails with an error naming a file of the dataset
(DuckDB: ``IOException`` "No such file or directory", ``InvalidInputException`` "No magic
bytes found" or "too small to be a Parquet file", ``duckdb.Error`` "Prefetch registered
for bytes outside file"; pyarrow: ``FileNotFoundError``, ``ArrowInvalid``; polars:
``FileNotFoundError``, ``ComputeError``, rarely ``pyo3_runtime.PanicException`` "range.end
as u64 <= self.size", a ``BaseException``) met a compaction and is run again, after a pause
(for ``tombstone_seconds``, the partition fails every query). An error that persists
longer is a real bad file. Platforms without an atomic directory exchange are refused
(:class:`CompactionError`) rather than served with a two-rename swap that would leave a
moment without the partition.

Caches: merged files get names never used before and old names are never reused
(crawl files carry their run id, merged files the compaction id), so DuckDB's caches
keyed by path (``parquet_metadata_cache``, the external file cache with
``cache_local_files``; both off by default for local files in DuckDB 2.0) cannot hand the
bytes of one file out for another; the tombstone under an old name is written at the
swap, so a cached footer of the old file is checked against a newer modification time and
read again (and fails). ``tests/test_compact.py`` runs a reader with both caches on.

A compaction killed between a swap and the deletion of its tombstones leaves them:
readers of that partition fail (loudly) until the next compaction deletes them, or a
crawl's reconciliation once they are :data:`MAX_TOMBSTONE_SECONDS` old. Reconciliation
never indexes a tombstone.

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
the old files, deleted after the grace period; tombstones still in the partition are
deleted by the next compaction (once ``tombstone_seconds`` old). Every small file a crawl
wrote is merged (a last lone one joins the group before it, so a merged file holds up to
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
    "DEFAULT_TOMBSTONE_SECONDS",
    "MAX_TOMBSTONE_SECONDS",
    "STAGING_DIR",
    "TOMBSTONE",
    "CompactionBusy",
    "CompactionError",
    "CompactionReport",
    "PartitionCompaction",
    "compact_archive",
    "compacted_from",
    "exchange_directories",
    "is_tombstone",
    "remove_stale_tombstones",
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
#: Content of a tombstone: the placeholder left under each merged-away name for
#: ``tombstone_seconds`` after a swap. Not Parquet, so every reader fails on it loudly.
TOMBSTONE = (b"newsarchive: merged by a compaction a moment ago; this is not a Parquet "
             b"file. List the directory again and retry.\n")
#: How long tombstones stay after a swap by default, seconds.
DEFAULT_TOMBSTONE_SECONDS = 5.0
#: Longest ``tombstone_seconds`` accepted; a tombstone older than this is a leftover of a
#: killed compaction and may be deleted by anyone (compaction, a crawl's reconciliation).
MAX_TOMBSTONE_SECONDS = 600.0


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
        removed_tombstones: tombstones left by a compaction killed after a swap, deleted.
        dry_run: whether nothing was changed.
        unreadable: ``(path, problem)`` of every small file left as it is because it is not
            a readable file of its dataset (:func:`~newsarchive.storage.schema.file_problem`:
            empty, truncated, another program's file); readers fail on it until it is
            moved out of the archive.
    """

    compaction_id: str
    partitions: list[PartitionCompaction] = field(default_factory=list)
    removed_staging: int = 0
    removed_tombstones: int = 0
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


def is_tombstone(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a tombstone (:data:`TOMBSTONE`) left by a compaction's swap."""
    try:
        if os.stat(path).st_size != len(TOMBSTONE):  # a stat, not an open, for most files
            return False
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != len(TOMBSTONE):
                return False
            return handle.read(len(TOMBSTONE) + 1) == TOMBSTONE
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False


def _tombstones(directory: Path) -> Iterator[tuple[Path, float]]:
    """``(path, mtime)`` of the tombstones in ``directory``."""
    for entry in os.scandir(directory):
        if not entry.name.endswith(".parquet") or entry.name.startswith("."):
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        if stat.st_size == len(TOMBSTONE) and is_tombstone(entry.path):
            yield Path(entry.path), stat.st_mtime


def remove_stale_tombstones(
    root: str | os.PathLike[str],
    datasets: Iterable[str] = COMPACTED_DATASETS,
    *,
    min_age_seconds: float = MAX_TOMBSTONE_SECONDS,
    wait: bool = False,
) -> int:
    """Delete the tombstones of every partition of ``datasets`` at least ``min_age_seconds``
    old (by modification time, set at the swap); with ``wait``, younger ones are deleted
    once they reach that age. Returns how many were deleted."""
    removed = 0
    for dataset in datasets:
        for _day, part in iter_partitions(root, dataset):
            for path, mtime in list(_tombstones(part)):
                age = time.time() - mtime
                if age < min_age_seconds:
                    if not wait:
                        continue
                    time.sleep(min_age_seconds - age)
                if is_tombstone(path):
                    path.unlink(missing_ok=True)
                    removed += 1
    return removed


def _published(directory: Path) -> dict[str, int]:
    """Name → size of the published (non-hidden) Parquet files in ``directory``, tombstones
    left out."""
    files: dict[str, int] = {}
    for entry in os.scandir(directory):
        if entry.name.endswith(".parquet") and not entry.name.startswith(".") and entry.is_file():
            size = entry.stat().st_size
            if size != len(TOMBSTONE) or not is_tombstone(entry.path):
                files[entry.name] = size
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
    tombstone_seconds: float | None = None,
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
            ``"swapped"`` after each swap, and ``"cleared"`` once the partition's
            tombstones are deleted (tests use it to interrupt a compaction).
        tombstone_seconds: how long the tombstones left under the merged-away names stay
            after a swap (see the module docstring); at most
            :data:`MAX_TOMBSTONE_SECONDS` (default :data:`DEFAULT_TOMBSTONE_SECONDS`). Must
            be longer than any reader's listing of one directory; readers of the partition
            fail (and retry) meanwhile.

    Returns:
        What was done.

    Raises:
        CompactionBusy: if another compaction of ``root`` is running.
        CompactionError: if the file system cannot swap directories atomically.
        ValueError: if ``tombstone_seconds`` is negative or above
            :data:`MAX_TOMBSTONE_SECONDS`.
    """
    if tombstone_seconds is None:
        tombstone_seconds = DEFAULT_TOMBSTONE_SECONDS
    if not 0 <= tombstone_seconds <= MAX_TOMBSTONE_SECONDS:
        raise ValueError(f"tombstone_seconds must be between 0 and {MAX_TOMBSTONE_SECONDS}, "
                         f"got {tombstone_seconds}")
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
            # Tombstones of a compaction killed after a swap (readers fail on them).
            report.removed_tombstones = remove_stale_tombstones(
                base, names, min_age_seconds=tombstone_seconds, wait=True)
        pending: list[tuple[float, Path, tuple[str, ...]]] = []  # tombstones to delete
        staged: list[_Staged] = []
        try:
            for dataset in names:
                for day, part in _partitions(base, dataset, before):
                    files = _published(part)
                    mergeable = dict(files)
                    for name, size in sorted(files.items()):
                        problem = (file_problem(part / name, dataset) if size < min_bytes
                                   else None)
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
                    staged.append(_stage_partition(
                        staging_root / cid / dataset / part.name, part, dataset, day, files,
                        groups, cid, row_group_bytes))
            # Every partition staged first and then swapped one after the other, so that
            # the moments when readers fail on tombstones add up to seconds, not to the
            # whole run.
            for ready in staged:
                result = _swap_partition(base, ready, hook, pending, tombstone_seconds)
                report.partitions.append(result)
                logger.info(
                    "compacted %s/%s: %d files (%d bytes) into %d (%d bytes)",
                    ready.dataset, ready.part.name, len(result.merged), result.bytes_before,
                    len(result.written), result.bytes_after)
                _clear_tombstones(pending, hook, wait=False)
        finally:  # also after an error: readers fail on tombstones left behind
            _clear_tombstones(pending, hook, wait=True)
    return report


def _clear_tombstones(pending: list[tuple[float, Path, tuple[str, ...]]],
                      hook: Callable[[str, Path], None] | None, *, wait: bool) -> None:
    """Delete the tombstones of the partitions in ``pending`` whose time is up (with
    ``wait``: of all of them, sleeping until then), removing them from ``pending``."""
    while pending:
        deadline, part, names = pending[0]
        delay = deadline - time.monotonic()
        if delay > 0:
            if not wait:
                return
            time.sleep(delay)
        for name in names:
            if is_tombstone(part / name):
                (part / name).unlink(missing_ok=True)
        fsync_dir(part)
        pending.pop(0)
        if hook is not None:
            hook("cleared", part)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@dataclass
class _Staged:
    """A partition whose new content is ready in ``staging``, waiting for its swap."""

    staging: Path
    part: Path
    dataset: str
    day: date
    files: dict[str, int]
    merged: frozenset[str]
    written: list[str]
    rows: int


def _stage_partition(
    staging: Path,
    part: Path,
    dataset: str,
    day: date,
    files: dict[str, int],
    groups: list[list[str]],
    cid: str,
    row_group_bytes: int,
) -> _Staged:
    """Write the merged files of ``part`` and link its kept files into ``staging``."""
    staging.mkdir(parents=True)
    schema = DATASETS.get(dataset)
    merged = frozenset(name for group in groups for name in group)
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
    return _Staged(staging, part, dataset, day, files, merged, written, rows)


def _swap_partition(
    root: Path,
    staged: _Staged,
    hook: Callable[[str, Path], None] | None,
    pending: list[tuple[float, Path, tuple[str, ...]]],
    tombstone_seconds: float,
) -> PartitionCompaction:
    """Carry over late files, write the tombstones and swap ``staged`` in (see the module
    docstring); the partition's tombstones join ``pending``."""
    staging, part, files, merged = staged.staging, staged.part, staged.files, staged.merged
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
        # A tombstone under each merged-away name, written now so that its age counts
        # from the swap: a reader that listed the old names and looks one up after the
        # swap fails on it instead of skipping it silently.
        for name in sorted(merged):
            with open(staging / name, "xb") as tombstone:
                tombstone.write(TOMBSTONE)
        fsync_dir(staging)
        os.utime(part)  # the replaced directory's age counts from the swap
        exchange_directories(staging, part)
        pending.append((time.monotonic() + tombstone_seconds, part, tuple(sorted(merged))))
        fsync_dir(part.parent)
        fsync_dir(staging.parent)
    if hook is not None:
        hook("swapped", part)
    after = sum((part / n).stat().st_size for n in staged.written)
    return PartitionCompaction(
        staged.dataset, staged.day, tuple(sorted(merged)), tuple(staged.written),
        tuple(carried), staged.rows, sum(files[n] for n in merged), after)
