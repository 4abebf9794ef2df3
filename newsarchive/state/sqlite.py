"""Embedded SQLite implementation of :class:`~newsarchive.state.base.ArchiveState`.

One file, ``state.sqlite3``, in a directory, WAL journal. The connection runs in
autocommit mode and opens one explicit transaction (``BEGIN``) at the first write after a
commit/rollback; everything recorded stays in it until :meth:`SQLiteState.commit`. The
same connection sees its own pending rows; other connections (and a reopened state) see
only committed ones; a crash leaves the transaction unfinished, which SQLite rolls back.

Tables (all keys are plain values so the layout maps 1:1 onto a key-value backend):

``urls(url -> article_id, cluster_id, stored)``
    every normalized URL known (stored articles' and sightings').
``exact(digest -> article_id, cluster_id, stored)``
    exact body hashes.
``near_docs(doc -> article_id, cluster_id, site, day, shingles)`` and
``near_keys(key, day, doc)``
    the persistent near-duplicate index: one row per (sampled shingle key, article)
    (:func:`newsarchive.dedup.fingerprint.sample_keys`, about one shingle in eight), with
    the article's day (days since 1970-01-01) in the primary key ``(key, day, doc)``, so
    that a lookup limited to a time window reads only that window's rows, newest first.
    A key shared by very many articles (a stock phrase) is read only up to a limit.
    Shingle blobs are read only for the candidates.
``near_doc_keys(day, doc -> keys)``
    each indexed article's keys, ordered by day, so that the recent window's postings
    are loaded into memory (:class:`~newsarchive.state.recent.RecentKeys`) with one range
    read at the first lookup; the window is then searched without a disk read.
``near_filter(chunk -> bits)``
    a Bloom filter over the keys of ``near_keys`` (:class:`~newsarchive.state.keyfilter.
    KeyFilter`), so that a disk lookup skips the keys no stored article has.
``near_info(key -> value)``
    the filter's size and key count, and ``spilled_before``: every article of an earlier
    day has its rows in ``near_keys``. Articles of the in-memory window are written to
    ``near_keys`` only when their day leaves the window (the window is their index until
    then; their keys are in ``near_doc_keys``), so that adding a story appends to
    day-ordered tables instead of touching ~50 random pages of the key table.
``near_stock(key)``
    keys found to be stock phrases (:data:`PER_KEY` stored articles share them), so a
    reopened state does not have to find them again.
``site_samples(site, seq -> cluster_id, shingles)``
    the last few pages of each site, used to recognise the site's template text.
``site_lines(site, seq -> page, keys)``
    the body-line keys of each site's last stories (:mod:`newsarchive.clean.sitelines`),
    one row per page, used to recognise the site's standing text (added later: created
    in existing states when missing).
``indexed_files(path)``
    archive files already reconciled into the state.
``validators(url -> etag, last_modified)``
    the HTTP validators of feeds and sitemaps, for conditional requests (added later:
    created in existing states when missing).
``meta(key -> value)``
    schema version and fingerprint parameters; opening a state built with other
    parameters raises, because its signatures would not be comparable.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from newsarchive.dedup import fingerprint as fp
from newsarchive.dedup.urls import normalize_url
from newsarchive.state.base import CANONICAL_KEY, NearEntry, StoredRef
from newsarchive.state.keyfilter import KeyFilter
from newsarchive.state.recent import RecentKeys

__all__ = ["PER_KEY", "RECENT_DAYS", "SCHEMA_VERSION", "STATE_FILE", "SQLiteState",
           "StateCorruptError"]

#: Name of the database file inside the state directory.
STATE_FILE = "state.sqlite3"
#: SQLite page cache, KiB (64 MiB: 67 bytes per article at a million indexed articles).
CACHE_KIB = 65536
#: Largest memory map of the state file (bytes); only pages read are resident.
MMAP_BYTES = 1 << 34
#: Most stock-phrase keys remembered (8 bytes each in a set, about 70 bytes with Python's
#: overhead: 7 MB at most).
MAX_HUBS = 100_000
#: Fewest keys that are not stock phrases a query needs before stock phrases are skipped.
MIN_RARE_KEYS = 8
#: Most articles read per key by :meth:`SQLiteState.near_candidates`.
PER_KEY = 32
#: Layout version stored in ``meta``. 3 added ``near_doc_keys`` and ``near_stock``; a
#: version-2 state is migrated when opened.
SCHEMA_VERSION = "3"
#: Days of the near-duplicate index held in memory by default (the de-duplication time
#: window, :data:`newsarchive.dedup.near.WINDOW_DAYS`).
RECENT_DAYS = 30
#: Sites whose last template-sample number is remembered (a few hundred KB at most).
_CACHED_SITES = 20_000
#: near_docs rows remembered for repeated candidates (~3.5 KB each: 14 MB at most).
_CACHED_ENTRIES = 4096
#: Keys per statement of a batched key lookup (SQLite allows 500 terms in a compound
#: SELECT).
_KEYS_PER_STATEMENT = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, article_id TEXT NOT NULL, cluster_id TEXT NOT NULL,
    stored INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exact (
    digest BLOB PRIMARY KEY, article_id TEXT NOT NULL, cluster_id TEXT NOT NULL,
    stored INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS near_docs (
    doc INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, cluster_id TEXT NOT NULL,
    site TEXT NOT NULL, day INTEGER NOT NULL, shingles BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS near_keys (
    key INTEGER NOT NULL, day INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, day, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS near_doc_keys (
    day INTEGER NOT NULL, doc INTEGER NOT NULL, keys BLOB NOT NULL,
    PRIMARY KEY (day, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS near_stock (key INTEGER PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS near_filter (chunk INTEGER PRIMARY KEY, bits BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS near_info (key TEXT PRIMARY KEY, value INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_samples (
    site TEXT NOT NULL, seq INTEGER NOT NULL, cluster_id TEXT NOT NULL,
    shingles BLOB NOT NULL, PRIMARY KEY (site, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_lines (
    site TEXT NOT NULL, seq INTEGER NOT NULL, page TEXT NOT NULL, keys BLOB NOT NULL,
    PRIMARY KEY (site, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS site_lines_page ON site_lines (site, page);
CREATE TABLE IF NOT EXISTS indexed_files (path TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT) WITHOUT ROWID;
"""


def _pack_keys(keys: Sequence[int]) -> bytes:
    """Index keys as little-endian int64 (keys are below 2**63)."""
    return np.asarray(keys, dtype="<i8").tobytes()


def _parameters() -> dict[str, str]:
    return {
        "schema_version": SCHEMA_VERSION,
        "shingle_size": str(fp.SHINGLE_SIZE),
        "shingle_hash": str(fp.SHINGLE_HASH),
        "sample_bits": str(fp.SAMPLE_BITS),
    }


class StateCorruptError(sqlite3.DatabaseError):
    """The state file exists but is not a readable SQLite database; the message says how
    to rebuild it (move it aside; the next run re-indexes the archive)."""

    @classmethod
    def of(cls, directory: str | Path, exc: BaseException) -> StateCorruptError:
        """The error for the state in ``directory``, damaged as ``exc`` says."""
        directory = Path(directory)
        return cls(
            f"state {directory / STATE_FILE} is damaged ({exc}). The archive is the record "
            f"and the state is rebuilt from it: move the state directory aside "
            f"(mv {directory} {directory}.broken) and run again.")


class SQLiteState:
    """The embedded state, in ``<directory>/state.sqlite3``.

    Args:
        directory: the state directory; created if missing.
        recent_days: days of the near-duplicate index held in memory (the newest day
            indexed minus this, onwards, plus everything added while open); loaded at
            the first lookup. None keeps nothing in memory (every lookup reads disk).

    Raises:
        ValueError: if the existing file was built with another schema version or other
            fingerprint parameters, or ``recent_days`` is negative.
        StateCorruptError: (a ``sqlite3.DatabaseError``) if the file is not a SQLite
            database.
    """

    def __init__(self, directory: str | Path, *, recent_days: int | None = RECENT_DAYS
                 ) -> None:
        if recent_days is not None and recent_days < 0:
            raise ValueError(f"recent_days must be >= 0, got {recent_days}")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / STATE_FILE
        self._hubs: set[int] = set()
        self._new_hubs: set[int] = set()
        self._recent_days = recent_days
        self._recent: RecentKeys | None = None
        self._filter: KeyFilter | None = None
        #: Every article of an earlier day has its rows in near_keys.
        self._spilled_before = -(1 << 31)
        self._sample_seq: dict[str, int] = {}  # last site_samples.seq per site
        # doc -> its near_docs row (rows never change; a story's first copy is a candidate
        # again for each later copy)
        self._entry_cache: dict[int, NearEntry] = {}
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            # Page cache for the index's upper B-tree levels and hot keys (default 2 MB).
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # Read the file through a memory map (no copy per page read); pages are
            # loaded on use, so opening stays instant whatever the index's size.
            self._db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StateCorruptError.of(self.directory, exc) from exc
        if not {"meta", "urls", "exact", "near_docs", "near_keys", "near_doc_keys",
                "near_stock", "near_filter", "near_info", "site_samples",
                "site_lines", "indexed_files", "validators"} <= tables:
            self._db.executescript(_SCHEMA)
        stored = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        expected = _parameters()
        if stored and stored != expected and stored == {**expected, "schema_version": "2"}:
            self._migrate_from_2()
        elif stored and stored != expected:
            self._db.close()
            raise ValueError(
                f"state {self.path} was built with {stored}, this code uses {expected}"
            )
        if not stored:
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", sorted(expected.items())
            )
        self._hubs.update(r[0] for r in self._db.execute(
            f"SELECT key FROM near_stock LIMIT {MAX_HUBS}"))
        row = self._db.execute(
            "SELECT value FROM near_info WHERE key = 'spilled_before'").fetchone()
        if row is not None:
            self._spilled_before = row[0]

    def _migrate_from_2(self) -> None:
        """Fill ``near_doc_keys`` of a version-2 state (its keys re-derived from the
        stored shingles: all sampled shingles, a superset of the keys indexed then)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute("SELECT doc, day, shingles FROM near_docs")
        while rows := cursor.fetchmany(10_000):
            db.executemany(
                "INSERT OR IGNORE INTO near_doc_keys (day, doc, keys) VALUES (?, ?, ?)",
                [(day, doc, _pack_keys(fp.sample_keys(fp.unpack_hashes(blob))))
                 for doc, day, blob in rows])
        db.execute("INSERT OR REPLACE INTO near_info (key, value) VALUES ('spilled_before',"
                   " (SELECT coalesce(max(day) + 1, 0) FROM near_docs))")
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
        db.execute("COMMIT")

    # -- transactions -------------------------------------------------------------------

    def _write(self) -> sqlite3.Connection:
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def commit(self) -> None:
        """Make pending records durable (call only after their Parquet file is published)."""
        recent = self._recent
        if recent is not None and recent.merge_due:
            self._spill(recent.newest - recent.days)  # the days the merge drops
        if self._db.in_transaction:
            if self._new_hubs:
                self._db.executemany("INSERT OR IGNORE INTO near_stock VALUES (?)",
                                     [(k,) for k in self._new_hubs])
                self._new_hubs.clear()
            if self._filter is not None:
                self._save_filter(self._filter, self._filter.dirty_chunks())
            self._db.execute("COMMIT")
        if self._recent is not None:
            self._recent.commit()

    def rollback(self) -> None:
        """Drop pending records."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._sample_seq.clear()
        self._new_hubs.clear()
        self._entry_cache.clear()  # rolled-back doc numbers are given out again
        if self._recent is not None:
            self._recent.rollback()

    def close(self) -> None:
        """Roll back pending records and close the database."""
        self.rollback()
        self._db.close()

    @property
    def pending(self) -> bool:
        """Whether records are waiting for :meth:`commit`."""
        return self._db.in_transaction

    # -- URLs and exact hashes ----------------------------------------------------------

    def is_seen(self, url: str) -> bool:
        """Whether ``url`` (normalized here) is known, stored or sighted, pending or not.

        Raises:
            ValueError: if ``url`` is not an absolute http(s) URL.
        """
        key = normalize_url(url)
        return self.get_url(key) is not None or self.get_url(CANONICAL_KEY + key) is not None

    def get_url(self, url: str) -> StoredRef | None:
        """Return what the normalized ``url`` points at, or None."""
        row = self._db.execute(
            "SELECT article_id, cluster_id, stored FROM urls WHERE url = ?", (url,)
        ).fetchone()
        return StoredRef(row[0], row[1], bool(row[2])) if row else None

    def add_url(self, url: str, ref: StoredRef) -> None:
        """Record a normalized URL (first record wins)."""
        self._write().execute(
            "INSERT OR IGNORE INTO urls VALUES (?, ?, ?, ?)",
            (url, ref.article_id, ref.cluster_id, int(ref.stored)),
        )

    def get_exact(self, digest: bytes) -> StoredRef | None:
        """Return what an exact body hash points at, or None."""
        row = self._db.execute(
            "SELECT article_id, cluster_id, stored FROM exact WHERE digest = ?", (digest,)
        ).fetchone()
        return StoredRef(row[0], row[1], bool(row[2])) if row else None

    def add_exact(self, digest: bytes, ref: StoredRef) -> None:
        """Record an exact body hash (first record wins)."""
        self._write().execute(
            "INSERT OR IGNORE INTO exact VALUES (?, ?, ?, ?)",
            (digest, ref.article_id, ref.cluster_id, int(ref.stored)),
        )

    # -- near-duplicate index -----------------------------------------------------------

    def add_near(self, entry: NearEntry, keys: Sequence[int]) -> None:
        """Index a stored article under its keys (an id already indexed is ignored)."""
        recent = self._recent_keys()  # loaded before the article's rows exist
        db = self._write()
        cur = db.execute(
            "INSERT OR IGNORE INTO near_docs (article_id, cluster_id, site, day, shingles)"
            " VALUES (?, ?, ?, ?, ?)",
            (entry.article_id, entry.cluster_id, entry.site, entry.day, entry.shingles),
        )
        if cur.rowcount != 1 or cur.lastrowid is None:
            return
        doc = cur.lastrowid
        unique = list(dict.fromkeys(keys))
        db.execute("INSERT INTO near_doc_keys (day, doc, keys) VALUES (?, ?, ?)",
                   (entry.day, doc, _pack_keys(unique)))
        if recent is not None:
            recent.add(doc, entry.day, unique)
        if recent is None or entry.day < max(recent.horizon, self._spilled_before):
            self._add_keys([(key, entry.day, doc) for key in unique])
        # else: held by the window until its day leaves it (see _spill)

    def _add_keys(self, rows: list[tuple[int, int, int]]) -> None:
        """Insert ``(key, day, doc)`` rows into ``near_keys`` and the filter."""
        self._write().executemany(
            "INSERT OR IGNORE INTO near_keys (key, day, doc) VALUES (?, ?, ?)", rows)
        key_filter = self._key_filter()
        key_filter.add([r[0] for r in rows])
        if key_filter.full:
            self._filter = self._build_filter(key_filter.count)  # twice the bits

    def _spill(self, before: int) -> None:
        """Write the key rows of the articles of days ``[spilled_before, before)`` (held
        by the window until now) into ``near_keys``, in the open transaction."""
        if before <= self._spilled_before:
            return
        cursor = self._db.execute(
            "SELECT day, doc, keys FROM near_doc_keys WHERE day >= ? AND day < ?",
            (self._spilled_before, before))
        while batch := cursor.fetchmany(10_000):
            self._add_keys([(int(key), day, doc) for day, doc, blob in batch
                            for key in np.frombuffer(blob, dtype="<i8").tolist()])
        self._spilled_before = before
        self._write().execute(
            "INSERT OR REPLACE INTO near_info (key, value) VALUES ('spilled_before', ?)",
            (before,))

    def _key_filter(self) -> KeyFilter:
        """The Bloom filter over ``near_keys``, loaded (or built) on first use."""
        if self._filter is None:
            info = dict(self._db.execute("SELECT key, value FROM near_info"))
            loaded = None
            if "bits" in info and "count" in info:
                try:
                    loaded = KeyFilter.from_chunks(
                        info["bits"], info["count"],
                        self._db.execute("SELECT chunk, bits FROM near_filter"))
                except ValueError:
                    loaded = None  # rebuilt below from the key table
            self._filter = loaded or self._build_filter(
                self._db.execute("SELECT count(*) FROM near_keys").fetchone()[0])
        return self._filter

    def _build_filter(self, capacity: int) -> KeyFilter:
        """A filter with room for ``capacity`` keys holding every key of ``near_keys``
        (pending rows included), written in the current transaction."""
        key_filter = KeyFilter.sized_for(capacity)
        cursor = self._db.execute("SELECT key FROM near_keys")
        while rows := cursor.fetchmany(1 << 20):
            key_filter.add(np.array(rows, dtype=np.int64).ravel())
        self._write().execute("DELETE FROM near_filter")
        self._save_filter(key_filter, key_filter.all_chunks())
        return key_filter

    def _save_filter(self, key_filter: KeyFilter, chunks: list[tuple[int, bytes]]) -> None:
        """Write changed filter chunks and the filter's size (in the open transaction)."""
        if not chunks:
            return
        db = self._write()
        db.executemany("INSERT OR REPLACE INTO near_filter (chunk, bits) VALUES (?, ?)", chunks)
        db.executemany("INSERT OR REPLACE INTO near_info (key, value) VALUES (?, ?)",
                       [("bits", key_filter.bits), ("count", key_filter.count)])


    def _recent_keys(self) -> RecentKeys | None:
        """The in-memory window, loaded on first use (None when disabled)."""
        if self._recent_days is None:
            return None
        if self._recent is None:
            recent = RecentKeys(self._recent_days)
            newest = self._db.execute("SELECT max(day) FROM near_doc_keys").fetchone()[0]
            if newest is None:
                recent.load([], -(1 << 31), -(1 << 31))
            else:
                horizon = newest - self._recent_days
                older = self._db.execute(
                    "SELECT 1 FROM near_doc_keys WHERE day < ? LIMIT 1", (horizon,)).fetchone()
                since = horizon if older else -(1 << 31)
                self._spill(since)  # days leaving the window go to near_keys
                rows = self._db.execute(
                    "SELECT day, doc, keys FROM near_doc_keys WHERE day >= ?",
                    (min(since, self._spilled_before),))
                recent.load(rows, since, newest)
            self._recent = recent
        return self._recent

    def _disk_postings(self, keys: Sequence[int], lo: int, hi: int, per_key: int
                       ) -> dict[int, list[tuple[int, int]]]:
        """``{key: [(doc, day), ...]}``: up to ``per_key`` articles of ``lo <= day < hi``
        per key, newest first, read with one statement per :data:`_KEYS_PER_STATEMENT`
        keys (each key still reads only its own newest rows)."""
        out: dict[int, list[tuple[int, int]]] = {}
        sub = ("SELECT * FROM (SELECT key, doc, day FROM near_keys WHERE key = ? AND day >= ?"
               " AND day < ? ORDER BY day DESC LIMIT ?)")
        for start in range(0, len(keys), _KEYS_PER_STATEMENT):
            chunk = keys[start:start + _KEYS_PER_STATEMENT]
            params = [v for key in chunk for v in (key, lo, hi, per_key)]
            sql = " UNION ALL ".join([sub] * len(chunk))
            for key, doc, day in self._db.execute(sql, params):
                out.setdefault(key, []).append((doc, day))
        return out

    def near_candidates(self, keys: Sequence[int], limit: int, *,
                        since_day: int | None = None, before_day: int | None = None,
                        min_hits: int = 1, min_share: float = 0.0,
                        per_key: int = PER_KEY, max_keys: int | None = None
                        ) -> list[NearEntry]:
        """Return up to ``limit`` indexed articles sharing a key, most shared keys first
        (ties: newest first).

        Only articles with ``since_day <= day < before_day`` count (either bound may be
        None). Days from the in-memory window's horizon on are answered from memory,
        older days from disk. Each key reads at most ``per_key`` articles, newest first,
        so that a stock phrase shared by thousands of articles costs no more than a rare
        one; a key that reaches ``per_key`` articles is remembered as a stock phrase (and
        kept in ``near_stock`` at the next commit) and skipped from then on while
        :data:`MIN_RARE_KEYS` other keys remain. ``max_keys`` looks up at most that many
        keys (the lowest values among those not skipped: any subset of a copy's keys is
        also a subset of its story's keys, and lowest-value picks are the same across
        copies).
        Articles sharing fewer than ``min_hits`` keys, or less than ``min_share`` of the
        smaller key set (the keys looked up, or the article's: counted in memory for the
        window, else estimated from its shingle count and
        :data:`~newsarchive.dedup.fingerprint.SAMPLE_BITS`), are left out.
        """
        if not keys or limit <= 0:
            return []
        lo = -(1 << 62) if since_day is None else since_day
        hi = 1 << 62 if before_day is None else before_day
        unique = list(dict.fromkeys(keys))
        rare = [k for k in unique if k not in self._hubs]
        # Stock-phrase keys are skipped while enough other keys remain; a text made mostly
        # of stock phrases still looks them up (newest articles first).
        skip_stock = len(rare) >= MIN_RARE_KEYS
        todo = rare if skip_stock else unique
        if max_keys is not None and len(todo) > max_keys:
            todo = sorted(todo)[:max_keys]
        postings: dict[int, list[tuple[int, int]]] = {}
        recent = self._recent_keys()
        key_filter = self._key_filter()  # both loaded at the first lookup
        disk_hi = hi
        if recent is not None and hi > recent.horizon:
            found = recent.postings(todo, max(lo, recent.horizon), per_key)
            for key, rows in zip(todo, found, strict=True):
                postings[key] = [p for p in rows if p[1] < hi] if hi < (1 << 62) else rows
            disk_hi = min(hi, recent.horizon)
        if lo < disk_hi:
            need = [k for k in todo if len(postings.get(k, ())) < per_key]
            if need:  # keys no stored article has are not looked up
                need = [k for k, maybe in zip(need, key_filter.might_contain(need),
                                              strict=True) if maybe]
            for key, rows in self._disk_postings(need, lo, disk_hi, per_key).items():
                postings.setdefault(key, []).extend(rows)  # memory holds the newer days
        counted: list[tuple[int, int]] = []
        used = 0
        for key in todo:
            rows = postings.get(key, [])
            if len(rows) >= per_key and key not in self._hubs and len(self._hubs) < MAX_HUBS:
                # A key that ``per_key`` stored stories share is a stock phrase: it finds
                # no copy (copies are sightings, never indexed), so later queries skip it.
                self._hubs.add(key)
                self._new_hubs.add(key)
                if skip_stock:
                    continue
            used += 1
            counted.extend(rows[:per_key])
        hits = Counter(doc for doc, _ in counted)
        newest = dict(counted)  # an article has one day
        best = [d for d, n in hits.items() if n >= min_hits]
        if not best:
            return []
        best = sorted(best, key=lambda d: (-hits[d], -newest[d], d))[:limit]
        if min_share * used > min_hits:  # else every article with min_hits passes
            sizes: dict[int, int] = {}
            if recent is not None:
                for doc in best:
                    count = recent.key_count(doc)
                    if count is not None:
                        sizes[doc] = count
            unknown = [d for d in best if d not in sizes]
            if unknown:
                # length() of a blob is read from the record header: no blob is loaded.
                marks = ",".join("?" * len(unknown))
                lengths = self._db.execute(
                    f"SELECT doc, length(shingles) FROM near_docs WHERE doc IN ({marks})",
                    unknown)
                sizes.update((doc, (size // 8) >> fp.SAMPLE_BITS) for doc, size in lengths)
            best = [d for d in best if hits[d] >= min_share * min(used, sizes.get(d, 0))]
            if not best:
                return []
        cache = self._entry_cache
        missing = [d for d in best if d not in cache]
        if missing:
            if len(cache) + len(missing) > _CACHED_ENTRIES:
                cache.clear()
            marks = ",".join("?" * len(missing))
            for r in self._db.execute(
                    f"SELECT doc, article_id, cluster_id, site, shingles, day FROM near_docs"
                    f" WHERE doc IN ({marks})", missing):
                cache[r[0]] = NearEntry(r[1], r[2], r[3], bytes(r[4]), r[5])
        return [replace(cache[d], hits=hits[d]) for d in best if d in cache]

    def add_site_sample(self, site: str, cluster_id: str, shingles: bytes, keep: int) -> None:
        """Add a template sample of ``site``; keep only its ``keep`` newest samples."""
        db = self._write()
        last = self._sample_seq.get(site)
        if last is None:
            row = db.execute("SELECT MAX(seq) FROM site_samples WHERE site = ?",
                             (site,)).fetchone()
            last = row[0] or 0
            if len(self._sample_seq) >= _CACHED_SITES:
                self._sample_seq.clear()
        seq = last + 1
        db.execute(
            "INSERT INTO site_samples VALUES (?, ?, ?, ?)", (site, seq, cluster_id, shingles)
        )
        if seq > keep:
            db.execute("DELETE FROM site_samples WHERE site = ? AND seq <= ?",
                       (site, seq - keep))
        self._sample_seq[site] = seq

    def site_samples(self, site: str) -> list[tuple[str, bytes]]:
        """Return ``(cluster_id, shingles)`` of the site's kept samples, oldest first."""
        rows = self._db.execute(
            "SELECT cluster_id, shingles FROM site_samples WHERE site = ? ORDER BY seq",
            (site,),
        ).fetchall()
        return [(r[0], bytes(r[1])) for r in rows]

    def add_site_line_sample(self, site: str, page: str, keys: bytes, keep: int) -> None:
        """Remember page ``page``'s line keys (packed by
        :func:`newsarchive.clean.sitelines.pack_line_keys`) as the newest sample of
        ``site``, replacing an earlier sample of the same page; keep only the ``keep``
        newest samples of the site (pending until commit)."""
        db = self._write()
        db.execute("DELETE FROM site_lines WHERE site = ? AND page = ?", (site, page))
        row = db.execute("SELECT MAX(seq) FROM site_lines WHERE site = ?", (site,)).fetchone()
        seq = (row[0] or 0) + 1
        db.execute("INSERT INTO site_lines VALUES (?, ?, ?, ?)", (site, seq, page, keys))
        db.execute(
            "DELETE FROM site_lines WHERE site = ? AND seq <= (SELECT seq FROM site_lines"
            " WHERE site = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)", (site, site, keep))

    def site_line_samples(self, site: str) -> list[tuple[str, bytes]]:
        """``(page, packed line keys)`` of ``site``'s kept samples, oldest first."""
        rows = self._db.execute(
            "SELECT page, keys FROM site_lines WHERE site = ? ORDER BY seq", (site,)
        ).fetchall()
        return [(r[0], bytes(r[1])) for r in rows]

    # -- reconciliation -----------------------------------------------------------------

    @staticmethod
    def _path_key(path: str | Path) -> str:
        return os.fspath(path)

    def is_file_indexed(self, path: str | Path) -> bool:
        """Whether the archive file ``path`` (compared as given) is already indexed."""
        row = self._db.execute(
            "SELECT 1 FROM indexed_files WHERE path = ?", (self._path_key(path),)
        ).fetchone()
        return row is not None

    def mark_file_indexed(self, path: str | Path) -> None:
        """Record the archive file ``path`` as indexed (pending until commit)."""
        self._write().execute(
            "INSERT OR IGNORE INTO indexed_files VALUES (?)", (self._path_key(path),)
        )

    # -- conditional requests -----------------------------------------------------------

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        """``(ETag, Last-Modified)`` recorded for ``url``, or ``(None, None)``."""
        row = self._db.execute(
            "SELECT etag, last_modified FROM validators WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Record ``url``'s validators (pending until commit); both None forgets them."""
        if etag is None and last_modified is None:
            self._write().execute("DELETE FROM validators WHERE url = ?", (url,))
        else:
            self._write().execute(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)", (url, etag, last_modified)
            )

    def __enter__(self) -> SQLiteState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
