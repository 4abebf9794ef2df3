"""The crawl state derived from the archive: interface (:mod:`.base`) and the embedded
SQLite default (:mod:`.sqlite`)."""

from newsarchive.state.base import ArchiveState, NearEntry, StoredRef
from newsarchive.state.sqlite import SQLiteState

__all__ = ["ArchiveState", "NearEntry", "SQLiteState", "StoredRef"]
