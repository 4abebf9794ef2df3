"""The crawl state's interface: what de-duplication and the spiders need to remember.

The state is derived from the Parquet archive and may lag it, never lead it (see
``DESIGN.md``): everything recorded during a run is pending until :meth:`commit`, which the
archive writer calls only after the Parquet file holding those rows is durably published.
Pending records are visible to the same state object's own queries. :meth:`rollback`
drops them; a crash must have the same effect.

The interface is kept small and backend-neutral (plain ``str``/``bytes``/``int`` values)
so a shared backend (Redis) can implement it next to the embedded SQLite default
(:class:`newsarchive.state.sqlite.SQLiteState`). All methods are called from one thread.
URLs passed in are already normalized (:func:`newsarchive.dedup.urls.normalize_url`),
except for :meth:`is_seen`, which normalizes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["CANONICAL_KEY", "ArchiveState", "NearEntry", "StoredRef"]

#: Prefix of the URL keys that record a page's canonical URL (as opposed to a URL that was
#: fetched): ``is_seen`` answers for both, de-duplication tells them apart.
CANONICAL_KEY = "canonical:"


@dataclass(frozen=True)
class StoredRef:
    """Where a known URL or body hash points.

    Attributes:
        article_id: ``article_id`` of the stored copy of the story.
        cluster_id: that copy's ``cluster_id``.
        stored: True when the key belongs to the stored article itself, False when it
            was only recorded from a sighting (a duplicate pointing at ``article_id``).
    """

    article_id: str
    cluster_id: str
    stored: bool


@dataclass(frozen=True)
class NearEntry:
    """A stored article in the near-duplicate index.

    Attributes:
        article_id: the stored article's id.
        cluster_id: its cluster id.
        site: its ``domain``.
        shingles: its shingle-hash set, packed by
            :func:`newsarchive.dedup.fingerprint.pack_hashes`.
        day: its day (publication, else capture), as days since 1970-01-01; the index's
            time window is counted in these days.
        hits: in a query's answer, how many of the query's keys it shares (not compared).
    """

    article_id: str
    cluster_id: str
    site: str
    shingles: bytes
    day: int = 0
    hits: int = field(default=0, compare=False)


@runtime_checkable
class ArchiveState(Protocol):
    """Known URLs, body hashes, the near-duplicate index and per-site samples."""

    def is_seen(self, url: str) -> bool:
        """Whether ``url`` (normalized here) is a known URL, stored or sighted.

        Raises:
            ValueError: if ``url`` is not an absolute http(s) URL.
        """
        ...

    def get_url(self, url: str) -> StoredRef | None:
        """Return what the normalized ``url`` points at, or None when unknown."""
        ...

    def add_url(self, url: str, ref: StoredRef) -> None:
        """Record a normalized URL; a URL already known keeps its first record."""
        ...

    def get_exact(self, digest: bytes) -> StoredRef | None:
        """Return what a body's exact hash points at, or None when unknown."""
        ...

    def add_exact(self, digest: bytes, ref: StoredRef) -> None:
        """Record an exact body hash; a hash already known keeps its first record."""
        ...

    def add_near(self, entry: NearEntry, keys: Sequence[int]) -> None:
        """Add a stored article to the near-duplicate index under its keys
        (:func:`newsarchive.dedup.fingerprint.sample_keys`)."""
        ...

    def near_candidates(self, keys: Sequence[int], limit: int, *,
                        since_day: int | None = None,
                        before_day: int | None = None,
                        min_hits: int = 1, min_share: float = 0.0) -> list[NearEntry]:
        """Return at most ``limit`` indexed articles with ``since_day <= day <
        before_day`` (None: unbounded) sharing at least ``min_hits`` keys with the query,
        most shared keys first (ties: newest first), and at least ``min_share`` of the
        smaller key set (the query's or the article's, estimated as its shingles >>
        ``SAMPLE_BITS``)."""
        ...

    def add_site_sample(self, site: str, cluster_id: str, shingles: bytes, keep: int) -> None:
        """Remember a page's shingles as a sample of ``site``'s page template, keeping
        only the ``keep`` most recent samples of that site."""
        ...

    def site_samples(self, site: str) -> list[tuple[str, bytes]]:
        """Return ``(cluster_id, packed shingles)`` of the site's kept samples,
        oldest first."""
        ...

    def add_site_line_sample(self, site: str, page: str, keys: bytes, keep: int) -> None:
        """Remember page ``page``'s packed body-line keys as ``site``'s newest sample
        (replacing the page's earlier one), keeping the ``keep`` newest samples."""
        ...

    def site_line_samples(self, site: str) -> list[tuple[str, bytes]]:
        """Return ``(page, packed line keys)`` of the site's kept samples, oldest first."""
        ...

    def is_file_indexed(self, path: str | Path) -> bool:
        """Whether an archive file was already indexed into this state."""
        ...

    def mark_file_indexed(self, path: str | Path) -> None:
        """Record that an archive file's rows are indexed (pending until commit)."""
        ...

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        """``(ETag, Last-Modified)`` last recorded for the feed or sitemap ``url`` (as
        requested, not normalized), ``(None, None)`` when none: what a conditional request
        (``If-None-Match`` / ``If-Modified-Since``) sends."""
        ...

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Record a feed's or sitemap's validators (pending until commit, like the rest);
        both None forgets them."""
        ...

    def commit(self) -> None:
        """Make everything recorded since the last commit/rollback durable."""
        ...

    def rollback(self) -> None:
        """Drop everything recorded since the last commit/rollback."""
        ...

    def close(self) -> None:
        """Roll back anything pending and release the backend."""
        ...
