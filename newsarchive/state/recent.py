"""The near-duplicate index's recent window, held in memory.

:class:`RecentKeys` answers "which articles of day ``>= since`` have key ``k``" without a
disk read. It is a cache of the state's on-disk index for the articles of the last
``days`` days (and every article added since the state was opened): the on-disk index
stays the record, so nothing is lost when the process dies, and anything older than the
window's :attr:`~RecentKeys.horizon` is still found on disk.

Layout: three aligned numpy arrays sorted by key (key ``int64``, doc ``int64``, day
``int32``: 20 bytes per (key, article) pair, about 1 KB per article of 50 keys, so a
30-day window of a million-article, two-year index holds ~41,000 articles in ~40 MB)
plus a small dict for the articles added since the arrays were last rebuilt. Pairs added
in the current transaction are pending and are dropped by :meth:`RecentKeys.rollback`,
exactly as the state's own rows are.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["MERGE_PAIRS", "RecentKeys"]

#: Pairs collected in the dict before they are merged into the sorted arrays (and days
#: that have left the window are dropped). Rebuilding costs about 0.1 s per million
#: pairs, so merging every 200,000 pairs (~4,000 articles) keeps it under 1 % of the
#: time those articles take.
MERGE_PAIRS = 200_000

_NO_HORIZON = -(1 << 31)


class RecentKeys:
    """Key → (article, day) postings of the recent window, in memory.

    Args:
        days: width of the window in days (days since 1970-01-01, as the state counts
            them); pairs older than ``newest day - days`` are dropped when the arrays
            are rebuilt.

    Attributes:
        horizon: the first day for which the postings are complete: every indexed
            article of a day ``>= horizon`` is here. ``-2**31`` when everything in the
            state is here.
    """

    def __init__(self, days: int) -> None:
        if days < 0:
            raise ValueError(f"window days must be >= 0, got {days}")
        self.days = days
        self.horizon = _NO_HORIZON
        self.newest = _NO_HORIZON
        self._keys = np.zeros(0, dtype=np.int64)
        self._docs = np.zeros(0, dtype=np.int64)
        self._days = np.zeros(0, dtype=np.int32)
        self._extra: dict[int, list[tuple[int, int]]] = {}
        self._extra_pairs = 0
        self._key_counts: dict[int, int] = {}
        self._pending: list[tuple[int, Sequence[int]]] = []

    def __len__(self) -> int:
        """Number of (key, article) pairs held."""
        return len(self._keys) + self._extra_pairs

    def load(self, rows: Iterable[tuple[int, int, bytes]], horizon: int, newest: int) -> None:
        """Replace the contents with ``rows`` of ``(day, doc, keys)`` (``keys`` packed as
        little-endian int64), complete for days ``>= horizon``; ``newest`` is the state's
        newest day."""
        keys, docs, days = [], [], []
        self._key_counts = {}
        for day, doc, blob in rows:
            arr = np.frombuffer(blob, dtype="<i8")
            self._key_counts[doc] = len(arr)
            keys.append(arr)
            docs.append(np.full(len(arr), doc, dtype=np.int64))
            days.append(np.full(len(arr), day, dtype=np.int32))
        self._set(keys, docs, days)
        self._extra.clear()
        self._extra_pairs = 0
        self._pending.clear()
        self.horizon = horizon
        self.newest = newest

    def _set(self, keys: list[np.ndarray], docs: list[np.ndarray],
             days: list[np.ndarray]) -> None:
        if not keys:
            self._keys = np.zeros(0, dtype=np.int64)
            self._docs = np.zeros(0, dtype=np.int64)
            self._days = np.zeros(0, dtype=np.int32)
            return
        k, d, y = np.concatenate(keys), np.concatenate(docs), np.concatenate(days)
        order = np.lexsort((-d, -y.astype(np.int64), k))  # by key, then newest first
        self._keys = k[order].astype(np.int64)
        self._docs = d[order]
        self._days = y[order]

    def add(self, doc: int, day: int, keys: Sequence[int]) -> None:
        """Add an article's keys (pending until :meth:`commit`)."""
        for key in keys:
            postings = self._extra.get(key)
            if postings is None:
                self._extra[key] = [(doc, day)]
            else:  # kept newest first
                bisect.insort(postings, (doc, day), key=_newest_first)
        self._extra_pairs += len(keys)
        self._key_counts[doc] = len(keys)
        self._pending.append((doc, keys))
        self.newest = max(self.newest, day)

    @property
    def merge_due(self) -> bool:
        """Whether the next :meth:`commit` rebuilds the arrays (and drops the days before
        ``newest - days``)."""
        return self._extra_pairs >= MERGE_PAIRS

    def commit(self) -> None:
        """Keep the pending pairs; rebuild the arrays when :data:`MERGE_PAIRS` collected."""
        self._pending.clear()
        if self.merge_due:
            self._merge()

    def rollback(self) -> None:
        """Drop the pairs added since the last :meth:`commit`."""
        for doc, keys in self._pending:
            self._key_counts.pop(doc, None)
            for key in keys:
                postings = self._extra.get(key)
                if postings is None:
                    continue
                postings[:] = [p for p in postings if p[0] != doc]
                if not postings:
                    del self._extra[key]
                self._extra_pairs -= 1
        self._pending.clear()

    def _merge(self) -> None:
        """Fold the dict into the arrays and drop days that left the window."""
        cutoff = self.newest - self.days
        extra_keys, extra_docs, extra_days = [], [], []
        for key, postings in self._extra.items():
            for doc, day in postings:
                extra_keys.append(key)
                extra_docs.append(doc)
                extra_days.append(day)
        keys = np.concatenate([self._keys, np.array(extra_keys, dtype=np.int64)])
        docs = np.concatenate([self._docs, np.array(extra_docs, dtype=np.int64)])
        days = np.concatenate([self._days, np.array(extra_days, dtype=np.int32)])
        if cutoff > self.horizon:
            keep = days >= cutoff
            for doc in np.unique(docs[~keep]).tolist():
                self._key_counts.pop(doc, None)
            keys, docs, days = keys[keep], docs[keep], days[keep]
            self.horizon = cutoff
        self._set([keys], [docs], [days])
        self._extra.clear()
        self._extra_pairs = 0

    def key_count(self, doc: int) -> int | None:
        """Number of keys the article ``doc`` is indexed under, or None when it is not
        held here."""
        return self._key_counts.get(doc)

    def postings(self, keys: Sequence[int], since_day: int, limit: int
                 ) -> list[list[tuple[int, int]]]:
        """Return, for each of ``keys`` (in order), ``[(doc, day), ...]``: the newest
        ``limit`` articles of day ``>= since_day`` holding the key, newest first
        (``limit`` of them means the key may have more)."""
        out: list[list[tuple[int, int]]] = []
        if not keys:
            return out
        query = np.asarray(keys, dtype=np.int64)
        lo = np.searchsorted(self._keys, query, side="left").tolist()
        hi = np.searchsorted(self._keys, query, side="right").tolist()
        extra = self._extra
        for key, a, b in zip(keys, lo, hi, strict=True):
            found: list[tuple[int, int]] = []
            if b > a:  # each key's postings are stored newest first
                days = self._days[a:b]
                docs = self._docs[a:b]
                if days[-1] < since_day:
                    keep = days >= since_day
                    days, docs = days[keep], docs[keep]
                found = list(zip(docs[:limit].tolist(), days[:limit].tolist(), strict=True))
            more = extra.get(key)
            if more:
                if more[-1][1] < since_day:
                    more = [p for p in more if p[1] >= since_day]
                if not found:
                    found = more[:limit]
                elif more:
                    found = sorted(found + more, key=_newest_first)[:limit]
            out.append(found)
        return out


def _newest_first(posting: tuple[int, int]) -> tuple[int, int]:
    return -posting[1], -posting[0]
