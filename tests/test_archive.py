"""The archive session when the state cannot be committed (disk full, I/O error)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pytest

from newsarchive.archive import ArchiveSession
from newsarchive.state import SQLiteState
from tests.test_compact import make_article, store

DAY = date(2024, 5, 7)


def _article_urls(root: Path) -> list[str]:
    return sorted(r[0] for r in duckdb.execute(
        f"select url from read_parquet('{root}/articles/*/*.parquet')").fetchall())


def test_a_failed_state_commit_stops_the_session_and_the_next_run_reconciles(
        tmp_path: Path) -> None:
    root, state_dir = tmp_path / "archive", tmp_path / "state"
    articles = [make_article(n, DAY) for n in range(4)]
    session = ArchiveSession(root, SQLiteState(state_dir), run_id="run1", flush_bytes=1)
    assert [store(session, a) for a in articles[:2]] == ["new", "new"]  # each flushed

    state = session.state

    def full_disk() -> None:  # what SQLite may do on SQLITE_FULL/IOERR: roll back, raise
        state.rollback()
        raise sqlite3.OperationalError("disk I/O error")

    state.commit = full_disk  # type: ignore[method-assign]
    with pytest.raises(sqlite3.OperationalError):
        store(session, articles[2])  # its file is published, the commit fails
    assert session.failed
    with pytest.raises(sqlite3.OperationalError):  # nothing more is decided or stored
        session.add_article(articles[3], session.dedup.decide(articles[3]), [articles[3].url])
    files = sorted(root.rglob("*.parquet"))
    session.close()  # no flush, no commit, no exception
    assert sorted(root.rglob("*.parquet")) == files and len(files) == 3

    # The next run indexes the published file the state lost, then stores only the rest.
    again = ArchiveSession(root, SQLiteState(state_dir), run_id="run2")
    assert again.reconcile() == 1
    assert [store(again, a) for a in articles] == ["seen", "seen", "seen", "new"]
    again.close()
    assert _article_urls(root) == sorted(a.url for a in articles)
