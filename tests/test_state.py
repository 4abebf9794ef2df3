"""Tests for newsarchive.state.sqlite.SQLiteState."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.state import ArchiveState, NearEntry, SQLiteState, StoredRef
from newsarchive.state.sqlite import STATE_FILE

REF = StoredRef("a" * 32, "a" * 32, True)


def test_layout_wal_and_protocol(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path / "s")
    assert isinstance(st, ArchiveState)
    assert (tmp_path / "s" / STATE_FILE).exists()
    mode = sqlite3.connect(tmp_path / "s" / STATE_FILE).execute("PRAGMA journal_mode")
    assert mode.fetchone()[0] == "wal"
    st.close()


def test_pending_rows_visible_to_self_only_until_commit(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path)
    st.add_url("https://site.example/a", REF)
    st.add_exact(b"\x01" * 16, REF)
    st.mark_file_indexed("articles/part-1.parquet")
    assert st.pending
    assert st.is_seen("http://www.site.example/a/")
    assert st.get_exact(b"\x01" * 16) == REF
    assert st.is_file_indexed("articles/part-1.parquet")
    other = SQLiteState(tmp_path)
    assert not other.is_seen("https://site.example/a")
    assert other.get_exact(b"\x01" * 16) is None
    assert not other.is_file_indexed("articles/part-1.parquet")
    st.commit()
    assert not st.pending
    assert other.is_seen("https://site.example/a")
    assert other.is_file_indexed("articles/part-1.parquet")
    other.close()
    st.close()


def test_rollback_and_close_drop_pending_rows(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path)
    st.add_url("https://site.example/kept", REF)
    st.commit()
    st.add_url("https://site.example/rolled-back", REF)
    st.rollback()
    assert not st.is_seen("https://site.example/rolled-back")
    st.add_url("https://site.example/unclosed", REF)
    st.close()  # like a crash: nothing pending survives
    st = SQLiteState(tmp_path)
    assert st.is_seen("https://site.example/kept")
    assert not st.is_seen("https://site.example/rolled-back")
    assert not st.is_seen("https://site.example/unclosed")
    st.close()


def test_first_record_wins(tmp_path: Path) -> None:
    with SQLiteState(tmp_path) as st:
        st.add_url("https://site.example/a", REF)
        st.add_url("https://site.example/a", StoredRef("b" * 32, "b" * 32, False))
        assert st.get_url("https://site.example/a") == REF
        assert st.get_url("https://site.example/b") is None


def test_near_index_persists_and_orders_by_shared_bands(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path)
    st.add_near(NearEntry("x" * 32, "x" * 32, "one.example", b"\x00" * 8), [1, 2, 3])
    st.add_near(NearEntry("y" * 32, "x" * 32, "two.example", b"\x01" * 8), [3, 4])
    st.add_near(NearEntry("x" * 32, "z" * 32, "one.example", b"\x02" * 8), [9])  # ignored
    st.commit()
    st.close()
    st = SQLiteState(tmp_path)
    got = st.near_candidates([3, 4, 5], limit=10)
    assert [e.article_id for e in got] == ["y" * 32, "x" * 32]
    assert got[0] == NearEntry("y" * 32, "x" * 32, "two.example", b"\x01" * 8)
    assert [e.article_id for e in st.near_candidates([3, 4], limit=1)] == ["y" * 32]
    assert st.near_candidates([9], limit=10) == []
    assert st.near_candidates([], limit=10) == []
    st.close()


def test_site_samples_keep_the_newest(tmp_path: Path) -> None:
    with SQLiteState(tmp_path) as st:
        for i in range(5):
            st.add_site_sample("one.example", f"c{i}", bytes([i]) * 8, keep=3)
        st.add_site_sample("two.example", "d", b"\x09" * 8, keep=3)
        assert st.site_samples("one.example") == [
            ("c2", b"\x02" * 8), ("c3", b"\x03" * 8), ("c4", b"\x04" * 8)]
        assert st.site_samples("none.example") == []


def test_other_parameters_refuse_to_open(tmp_path: Path) -> None:
    SQLiteState(tmp_path).close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    db.execute("UPDATE meta SET value = '3' WHERE key = 'shingle_size'")
    db.commit()
    db.close()
    with pytest.raises(ValueError, match="shingle_size"):
        SQLiteState(tmp_path)


def test_near_candidates_time_window_and_min_hits(tmp_path: Path) -> None:
    with SQLiteState(tmp_path) as st:
        st.add_near(NearEntry("o" * 32, "o" * 32, "a.example", b"\x00" * 8, 100), [1, 2, 3])
        st.add_near(NearEntry("n" * 32, "n" * 32, "b.example", b"\x01" * 8, 200), [1, 2])
        st.add_near(NearEntry("m" * 32, "m" * 32, "c.example", b"\x02" * 8, 200), [1])
        ids = [e.article_id for e in st.near_candidates([1, 2, 3], 10)]
        assert ids == ["o" * 32, "n" * 32, "m" * 32]
        recent = st.near_candidates([1, 2, 3], 10, since_day=150)
        assert [e.article_id for e in recent] == ["n" * 32, "m" * 32]
        assert recent[0].day == 200
        old = st.near_candidates([1, 2, 3], 10, before_day=150)
        assert [e.article_id for e in old] == ["o" * 32]
        two = st.near_candidates([1, 2, 3], 10, min_hits=2)
        assert [e.article_id for e in two] == ["o" * 32, "n" * 32]
        # a key shared by per_key articles is a stock phrase: remembered, and skipped
        # while the query has enough other keys (a short query still looks it up)
        assert len(st.near_candidates([1], 10, per_key=4)) == 3
        assert len(st.near_candidates([1], 10, per_key=3)) == 3
        rare = list(range(10, 18))
        st.add_near(NearEntry("p" * 32, "p" * 32, "d.example", b"\x03" * 8, 200), rare)
        got = st.near_candidates([1, *rare], 10)
        assert [e.article_id for e in got] == ["p" * 32]
        assert got[0].hits == 8
