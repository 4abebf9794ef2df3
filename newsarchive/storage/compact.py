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
   Partitions are staged and swapped in *batches* (below); every partition of a batch is
   staged before the batch's first swap, so that its swaps (and the moments when readers
   fail on tombstones, below) follow each other within seconds.
2. Under the archive's exclusive *publish lock* (see below) the partition is listed again;
   a file a concurrent writer published since step 1 is hard-linked into the staging
   directory too, and a *tombstone* (:data:`TOMBSTONE`, a short text file that is not
   Parquet) is written there under the name of every merged-away file. Then the two
   directories are swapped with one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux;
   ``renamex_np(RENAME_SWAP)`` on macOS) and the parent directories are fsynced.
3. ``tombstone_seconds`` (default 5) after the swap the tombstones are deleted (the
   compaction goes on swapping the batch's other partitions, or merging the next batch's,
   meanwhile: it looks at the time after each swap and after each file it reads, and waits
   for the last ones at the end).
4. The old files now sit in the staging path. They are deleted once they are older than
   ``grace_seconds`` (default 10 minutes): by this compaction before it stages a later
   batch, or by a later compaction.

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

Disk space: batches
-------------------
The merged copy of a partition needs new disk space until the replaced files are deleted
(step 4), so staging every partition of a first compaction of months of small files at
once would need as much free space as they take. Partitions are therefore staged in
batches, in order, each holding as many partitions as fit under ``max_staged_bytes``
(default :data:`DEFAULT_MAX_STAGED_BYTES`); a partition larger than that forms a batch of
its own, since a partition is swapped whole. A batch's need is counted before it is
staged as the size of the files it merges (an upper bound of the merged files in
practice: merging drops the per-file footers and dictionaries) plus one file-system block
per merged file, tombstone and directory. Before staging a batch, the replaced directories
of earlier batches past ``grace_seconds`` are deleted and the free space
(:func:`shutil.disk_usage`) is checked: when it is short and deleting this run's replaced
directories still in their grace period would make room, the compaction waits for their
grace to end; otherwise it stops with :class:`CompactionNoSpace` before writing anything
of the batch. A full disk while staging (``ENOSPC``, ``EDQUOT``) or writing a batch's
tombstones stops it the same way: the half-written file and the staging directories of
the batch's partitions not yet swapped are deleted, and those partitions are unchanged
(readers never see the staging area); partitions swapped before are compacted; the next
run goes on from there.

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
import functools
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
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
    "DEFAULT_MAX_STAGED_BYTES",
    "DEFAULT_TOMBSTONE_SECONDS",
    "MAX_TOMBSTONE_SECONDS",
    "STAGING_DIR",
    "TOMBSTONE",
    "CompactionBusy",
    "CompactionError",
    "CompactionNoSpace",
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
#: Default bound on a batch's need (merged bytes staged at once, see "Disk space:
#: batches"), bytes: a few merged files of the default target size, so that a first
#: compaction needs about that much free space rather than the size of every small file,
#: while a batch's merge time still dwarfs the tombstone wait between batches.
DEFAULT_MAX_STAGED_BYTES = 1024 * _MIB
#: Longest ``tombstone_seconds`` accepted; a tombstone older than this is a leftover of a
#: killed compaction and may be deleted by anyone (compaction, a crawl's reconciliation).
MAX_TOMBSTONE_SECONDS = 600.0


class CompactionError(RuntimeError):
    """Compaction cannot run here (for example: no atomic directory exchange)."""


class CompactionBusy(CompactionError):
    """Another compaction of the same archive is running."""


class CompactionNoSpace(CompactionError):
    """The file system has no room for the next batch (checked before staging it, or a
    write failed with ``ENOSPC``/``EDQUOT``). Nothing of that batch is left on disk and no
    partition of it not yet swapped changed; the next run resumes.

    Attributes:
        report: what was done before the stop (partitions of earlier batches).
    """

    def __init__(self, message: str, report: CompactionReport) -> None:
        super().__init__(message)
        self.report = report


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
        batches: batches staged (in a dry run: planned).
        largest_batch_bytes: the largest batch's need, counted before staging it (see
            "Disk space: batches" in the module docstring), bytes; planned in a dry run too.
        peak_staged_bytes: most bytes of merged files in the staging area, not yet
            swapped in, at one time (0 in a dry run).
        removed_replaced: directories of replaced files this run deleted once past their
            grace period (before staging a later batch).
    """

    compaction_id: str
    partitions: list[PartitionCompaction] = field(default_factory=list)
    removed_staging: int = 0
    removed_tombstones: int = 0
    dry_run: bool = False
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    batches: int = 0
    largest_batch_bytes: int = 0
    peak_staged_bytes: int = 0
    removed_replaced: int = 0

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


@functools.cache
def _libc() -> ctypes.CDLL:
    # Loaded once, not at every swap: a CDLL and its function-pointer class form a
    # reference cycle that only a later garbage collection frees.
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
    tick: Callable[[], None] = lambda: None,
) -> int:
    """Write the rows of ``sources`` (in order) to ``target``; return the row count.
    ``tick`` is called after each source file (to delete tombstones whose time is up)."""
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
                    tick()
                if pending:
                    batch = pa.concat_tables(pending)
                    writer.write_table(batch, row_group_size=max(1, batch.num_rows))
            except BaseException:
                # Closed now, while the file is open (pyarrow's __del__ would retry it on
                # the closed file later); after a failed write (a full disk) close()
                # fails again: the file is deleted below and the first error is raised.
                with suppress(Exception):
                    writer.close()
                writer.is_open = False
                raise
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
    max_staged_bytes: int = DEFAULT_MAX_STAGED_BYTES,
) -> CompactionReport:
    """Merge the small files of every partition older than ``older_than_days``.

    Args:
        root: archive root.
        older_than_days: compact partitions whose date is before today (UTC) minus this.
        target_bytes: maximum size of the files merged into one, bytes.
        min_bytes: files smaller than this are merged (default ``target_bytes // 2``).
        datasets: dataset directories to compact (default: :data:`COMPACTED_DATASETS`).
        grace_seconds: keep replaced files this long after their swap before this run (when
            it stages a later batch) or a later one deletes them (for listings in progress
            during the swap).
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
        max_staged_bytes: bound on a batch's need, bytes (see "Disk space: batches" in the
            module docstring); a partition needing more is a batch of its own. At least 1.

    Returns:
        What was done.

    Raises:
        CompactionBusy: if another compaction of ``root`` is running.
        CompactionNoSpace: if the file system has no room for the next batch; its
            ``report`` holds what the earlier batches did.
        CompactionError: if the file system cannot swap directories atomically.
        ValueError: if ``tombstone_seconds`` is negative or above
            :data:`MAX_TOMBSTONE_SECONDS`, or ``max_staged_bytes`` is below 1.
    """
    if tombstone_seconds is None:
        tombstone_seconds = DEFAULT_TOMBSTONE_SECONDS
    if not 0 <= tombstone_seconds <= MAX_TOMBSTONE_SECONDS:
        raise ValueError(f"tombstone_seconds must be between 0 and {MAX_TOMBSTONE_SECONDS}, "
                         f"got {tombstone_seconds}")
    if max_staged_bytes < 1:
        raise ValueError(f"max_staged_bytes must be at least 1, got {max_staged_bytes}")
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
        block = os.statvfs(base).f_frsize or 4096
        plans = [plan for dataset in names
                 for plan in _plan_partitions(base, dataset, before, target_bytes, min_bytes,
                                              block, report)]
        batches = _batches(plans, max_staged_bytes)
        report.batches = len(batches)
        report.largest_batch_bytes = max((sum(p.need for p in b) for b in batches), default=0)
        if dry_run:
            report.partitions.extend(PartitionCompaction(
                p.dataset, p.day, tuple(sorted(p.merged)), (),
                bytes_before=p.bytes_before) for p in plans)
            return report
        pending: list[tuple[float, Path, tuple[str, ...]]] = []  # tombstones to delete
        replaced: list[_Replaced] = []  # this run's replaced directories, oldest first
        try:
            for number, batch in enumerate(batches, start=1):
                report.removed_replaced += _make_room(
                    staging_root, batch, replaced, grace_seconds, report,
                    f"batch {number} of {len(batches)}")
                _run_batch(base, staging_root / cid, batch, cid, row_group_bytes, hook,
                           pending, tombstone_seconds, replaced, report)
        finally:  # also after an error: readers fail on tombstones left behind
            _clear_tombstones(pending, hook, wait=True)
    return report


@dataclass(frozen=True)
class _Plan:
    """A partition to compact: its files when planned and the groups to merge.

    ``need`` is the batch accounting of "Disk space: batches": the merged-away bytes plus
    one block per merged file, tombstone and the directory.
    """

    dataset: str
    day: date
    part: Path
    files: dict[str, int]
    groups: list[list[str]]
    merged: frozenset[str]
    bytes_before: int
    need: int


def _plan_partitions(root: Path, dataset: str, before: date, target_bytes: int,
                     min_bytes: int, block: int, report: CompactionReport) -> Iterator[_Plan]:
    """The partitions of ``dataset`` dated before ``before`` that have files to merge;
    small unreadable files are left out of the plan and listed in ``report``."""
    for day, part in _partitions(root, dataset, before):
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
        merged = frozenset(n for g in groups for n in g)
        bytes_before = sum(files[n] for n in merged)
        need = bytes_before + block * (len(merged) + len(groups) + 1)
        yield _Plan(dataset, day, part, files, groups, merged, bytes_before, need)


def _batches(plans: list[_Plan], max_bytes: int) -> list[list[_Plan]]:
    """``plans`` cut, in order, into runs whose summed ``need`` is at most ``max_bytes``;
    a plan needing more than that is a batch of its own."""
    batches: list[list[_Plan]] = []
    total = 0
    for plan in plans:
        if batches and total + plan.need <= max_bytes:
            batches[-1].append(plan)
            total += plan.need
        else:
            batches.append([plan])
            total = plan.need
    return batches


@dataclass(frozen=True)
class _Replaced:
    """A replaced partition directory (old files) in the staging area since ``swapped``
    (monotonic seconds); deleting it frees about ``frees`` bytes (the merged-away files,
    whose only link it holds; the kept files are linked from the partition too)."""

    path: Path
    swapped: float
    frees: int


def _reclaim(replaced: list[_Replaced], grace_seconds: float) -> int:
    """Delete the directories in ``replaced`` past their grace period (removing them from
    the list); return how many."""
    removed = 0
    now = time.monotonic()
    while replaced and now - replaced[0].swapped >= grace_seconds:
        shutil.rmtree(replaced.pop(0).path, ignore_errors=True)
        removed += 1
    return removed


def _make_room(staging_root: Path, batch: list[_Plan], replaced: list[_Replaced],
               grace_seconds: float, report: CompactionReport, label: str) -> int:
    """Make sure the file system holding ``staging_root`` has room for ``batch``: delete
    replaced directories past their grace period, wait for more of them when that makes
    room; return how many were deleted.

    Raises:
        CompactionNoSpace: if the free space plus what this run's replaced directories
            would free is short of the batch's need (nothing is written).
    """
    need = sum(plan.need for plan in batch)
    removed = _reclaim(replaced, grace_seconds)
    while (free := shutil.disk_usage(staging_root).free) < need:
        if not replaced or free + sum(r.frees for r in replaced) < need:
            left = sum(len(p.merged) for p in batch)
            raise CompactionNoSpace(
                f"not enough free space for {label} ({len(batch)} partition(s), "
                f"{left} small file(s)): it needs {need:,} bytes, {free:,} are free on "
                f"{staging_root.parent}; {len(report.partitions)} partition(s) were "
                f"compacted before it and nothing of it was written. Free some space or "
                f"lower --max-staged-bytes, and run again: it goes on from there", report)
        delay = replaced[0].swapped + grace_seconds - time.monotonic()
        logger.info("%s needs %d bytes, %d free: waiting %.0f s for replaced files to "
                    "pass their grace period", label, need, free, max(delay, 0.0))
        if delay > 0:
            time.sleep(delay)
        removed += _reclaim(replaced, grace_seconds)
    return removed


def _run_batch(
    root: Path,
    staging_run: Path,
    batch: list[_Plan],
    cid: str,
    row_group_bytes: int,
    hook: Callable[[str, Path], None] | None,
    pending: list[tuple[float, Path, tuple[str, ...]]],
    tombstone_seconds: float,
    replaced: list[_Replaced],
    report: CompactionReport,
) -> None:
    """Stage every partition of ``batch``, then swap them one after the other.

    On an error before a partition's swap its staging directory is deleted (the partition
    is unchanged); a full disk is raised as :class:`CompactionNoSpace`.
    """
    staged: list[_Staged] = []
    current = batch[0].part

    def tick() -> None:  # the previous batch's tombstones, while this one is merged
        _clear_tombstones(pending, hook, wait=False)

    try:
        for plan in batch:
            current = plan.part
            staged.append(_stage_partition(staging_run / plan.dataset / plan.part.name, plan,
                                           cid, row_group_bytes, tick))
            report.peak_staged_bytes = max(report.peak_staged_bytes,
                                           sum(s.staged_bytes for s in staged))
        for ready in staged:
            current = ready.plan.part
            result = _swap_partition(root, ready, hook, pending, tombstone_seconds)
            replaced.append(_Replaced(ready.staging, time.monotonic(), result.bytes_before))
            report.partitions.append(result)
            logger.info(
                "compacted %s/%s: %d files (%d bytes) into %d (%d bytes)",
                ready.plan.dataset, ready.plan.part.name, len(result.merged),
                result.bytes_before, len(result.written), result.bytes_after)
            tick()
    except BaseException as exc:
        for ready in staged:
            if not ready.swapped:
                shutil.rmtree(ready.staging, ignore_errors=True)
        for directory in sorted({staging_run / plan.dataset for plan in batch}) + [staging_run]:
            with suppress(OSError):  # removed only when empty
                directory.rmdir()
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CompactionNoSpace(
                f"the disk filled up while compacting {current} ({exc.strerror}); the "
                f"partitions of its batch not swapped yet are unchanged and their staged "
                f"files deleted; {len(report.partitions)} partition(s) were compacted "
                f"before. Free some space or lower --max-staged-bytes, and run again: it "
                f"goes on from there", report) from exc
        raise


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
    """A partition whose new content is ready in ``staging``, waiting for its swap
    (``swapped`` once done: ``staging`` then holds the replaced files)."""

    staging: Path
    plan: _Plan
    written: list[str]
    rows: int
    staged_bytes: int
    swapped: bool = False


def _stage_partition(staging: Path, plan: _Plan, cid: str, row_group_bytes: int,
                     tick: Callable[[], None]) -> _Staged:
    """Write the merged files of ``plan`` and link its kept files into ``staging`` (calling
    ``tick`` after each file read); on an error ``staging`` is deleted again."""
    staging.mkdir(parents=True)
    try:
        schema = DATASETS.get(plan.dataset)
        written: list[str] = []
        rows = 0
        for seq, group in enumerate(plan.groups, start=1):
            name = f"{_COMPACT_PREFIX}{cid}-{seq:05d}.parquet"
            rows += _merge([plan.part / n for n in group], staging / name, schema, cid,
                           row_group_bytes, tick)
            written.append(name)
        for name in sorted(plan.files):
            if name not in plan.merged:
                os.link(plan.part / name, staging / name)
        fsync_dir(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staged_bytes = sum((staging / n).stat().st_size for n in written)
    return _Staged(staging, plan, written, rows, staged_bytes)


def _swap_partition(
    root: Path,
    staged: _Staged,
    hook: Callable[[str, Path], None] | None,
    pending: list[tuple[float, Path, tuple[str, ...]]],
    tombstone_seconds: float,
) -> PartitionCompaction:
    """Carry over late files, write the tombstones and swap ``staged`` in (see the module
    docstring); the partition's tombstones join ``pending``."""
    plan, staging = staged.plan, staged.staging
    part, files, merged = plan.part, plan.files, plan.merged
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
        staged.swapped = True
        pending.append((time.monotonic() + tombstone_seconds, part, tuple(sorted(merged))))
        fsync_dir(part.parent)
        fsync_dir(staging.parent)
    if hook is not None:
        hook("swapped", part)
    after = sum((part / n).stat().st_size for n in staged.written)
    return PartitionCompaction(
        plan.dataset, plan.day, tuple(sorted(merged)), tuple(staged.written),
        tuple(carried), staged.rows, plan.bytes_before, after)
