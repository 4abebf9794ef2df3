"""Tests for newsarchive.state.keyfilter.KeyFilter and its use by SQLiteState."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from newsarchive.state import NearEntry, SQLiteState
from newsarchive.state.keyfilter import CHUNK_BYTES, MIN_BITS, KeyFilter
from newsarchive.state.sqlite import STATE_FILE


def test_no_false_negatives_and_the_stated_false_positive_rate() -> None:
    rng = np.random.default_rng(1)
    added = rng.integers(0, 2**63, 60_000, dtype=np.int64)
    kf = KeyFilter.sized_for(len(added))
    kf.add(added)
    assert kf.might_contain(added).all()
    others = rng.integers(0, 2**63, 200_000, dtype=np.int64)
    rate = kf.might_contain(others).mean()
    # 16+ bits per key, two probes: (1 - e**(-2/16))**2 = 1.4 % at most
    assert 0.0005 < rate < 0.016
    assert not kf.full


def test_chunks_round_trip_and_bad_sizes_are_refused() -> None:
    kf = KeyFilter(MIN_BITS)
    kf.add([5, 2**62 + 7])
    dirty = kf.dirty_chunks()
    assert 1 <= len(dirty) <= 4 and kf.dirty_chunks() == []
    again = KeyFilter.from_chunks(MIN_BITS, kf.count, kf.all_chunks())
    assert again.might_contain([5, 2**62 + 7]).all()
    assert again.count == 2
    with pytest.raises(ValueError):
        KeyFilter.from_chunks(MIN_BITS, 0, [(0, b"\x00" * CHUNK_BYTES)])
    with pytest.raises(ValueError):
        KeyFilter(MIN_BITS - 1)
    with pytest.raises(ValueError):
        KeyFilter(MIN_BITS, b"\x00")


def entry(i: int) -> NearEntry:
    return NearEntry(f"{i:032x}", f"{i:032x}", "a.example", b"\x00" * 8, 100 + i % 5)


def test_state_filter_persists_grows_and_is_rebuilt_when_missing(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path, recent_days=None)
    capacity = (1 << MIN_BITS) // 16
    for i in range(capacity // 40 + 5):  # 40 keys each: more than the first size holds
        st.add_near(entry(i), list(range(i * 40 + 1, i * 40 + 41)))
    st.commit()
    st.close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    info = dict(db.execute("SELECT key, value FROM near_info"))
    assert info["bits"] == MIN_BITS + 1 and info["count"] >= capacity
    db.close()
    st = SQLiteState(tmp_path, recent_days=None)
    assert [e.article_id for e in st.near_candidates([41, 42], 10)] == [f"{1:032x}"]
    st.close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    db.execute("DELETE FROM near_filter WHERE chunk = 0")  # damaged: rebuilt from the keys
    db.commit()
    db.close()
    st = SQLiteState(tmp_path, recent_days=None)
    assert [e.article_id for e in st.near_candidates([81, 82], 10)] == [f"{2:032x}"]
    st.close()


def test_keys_added_then_rolled_back_leave_no_false_negative(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path, recent_days=None)
    st.add_near(entry(1), [10, 11])
    st.commit()
    st.add_near(entry(2), [20, 21])
    st.rollback()
    st.add_near(entry(3), [30, 31])
    st.commit()
    st.close()
    st = SQLiteState(tmp_path, recent_days=None)
    assert [e.article_id for e in st.near_candidates([10, 11], 10)] == [f"{1:032x}"]
    assert [e.article_id for e in st.near_candidates([30, 31], 10)] == [f"{3:032x}"]
    assert st.near_candidates([20, 21], 10) == []
    st.close()
