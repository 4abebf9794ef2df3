"""Tests for the in-memory recent window of the near-duplicate index
(newsarchive.state.recent.RecentKeys and its use by SQLiteState)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from newsarchive.dedup import fingerprint as fp
from newsarchive.dedup.near import Deduplicator
from newsarchive.state import NearEntry, SQLiteState
from newsarchive.state import recent as recent_module
from newsarchive.state.recent import RecentKeys
from newsarchive.state.sqlite import STATE_FILE
from tests.test_dedup import NOW, STORY, make


def entry(name: str, day: int, size: int = 8) -> NearEntry:
    return NearEntry(name * 32, name * 32, f"{name}.example", b"\x00" * 8 * size, day)


def ids(found: list[NearEntry]) -> list[str]:
    return [e.article_id[0] for e in found]


def test_recent_keys_postings_newest_first_limit_and_since() -> None:
    rk = RecentKeys(days=10)
    rk.load([(100, 1, fp_keys([5, 6])), (105, 2, fp_keys([5])), (90, 3, fp_keys([5]))],
            horizon=90, newest=105)
    assert rk.postings([5, 6, 7], since_day=0, limit=10) == [
        [(2, 105), (1, 100), (3, 90)], [(1, 100)], []]
    assert rk.postings([5], since_day=95, limit=10) == [[(2, 105), (1, 100)]]
    assert rk.postings([5], since_day=0, limit=2) == [[(2, 105), (1, 100)]]
    rk.add(4, 103, [5, 7])
    assert rk.postings([5, 7], since_day=101, limit=10) == [[(2, 105), (4, 103)], [(4, 103)]]
    assert len(rk) == 6


def test_recent_keys_rollback_drops_only_pending_pairs() -> None:
    rk = RecentKeys(days=10)
    rk.add(1, 100, [5])
    rk.commit()
    rk.add(2, 101, [5, 6])
    rk.rollback()
    assert rk.postings([5, 6], since_day=0, limit=10) == [[(1, 100)], []]
    assert len(rk) == 1


def test_recent_keys_merge_drops_days_that_left_the_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recent_module, "MERGE_PAIRS", 3)
    rk = RecentKeys(days=10)
    rk.add(1, 50, [5])
    rk.add(2, 100, [5, 6])
    rk.commit()  # 3 pairs: merged; day 50 is older than 100 - 10
    assert rk.horizon == 90
    assert len(rk) == 2
    assert rk.postings([5, 6], since_day=0, limit=10) == [[(2, 100)], [(2, 100)]]
    with pytest.raises(ValueError):
        RecentKeys(days=-1)


def fp_keys(keys: list[int]) -> bytes:
    return b"".join(k.to_bytes(8, "little", signed=True) for k in keys)


def filled(path: Path, recent_days: int | None) -> SQLiteState:
    """A committed state with articles on days 10 (a), 50 (b), 95 (c) and 100 (d)."""
    st = SQLiteState(path, recent_days=recent_days)
    st.add_near(entry("a", 10), [1, 2, 3])
    st.add_near(entry("b", 50), [1, 2])
    st.add_near(entry("c", 95), [1, 3])
    st.add_near(entry("d", 100), [2, 3, 4])
    st.commit()
    st.close()
    return SQLiteState(path, recent_days=recent_days)


@pytest.mark.parametrize("query", [
    {},
    {"since_day": 40},
    {"since_day": 96},
    {"before_day": 96},
    {"since_day": 20, "before_day": 96},
    {"before_day": 40},
    {"min_hits": 2},
])
def test_memory_and_disk_give_the_same_answers(tmp_path: Path, query: dict[str, int]) -> None:
    disk = filled(tmp_path / "disk", None)
    memory = filled(tmp_path / "memory", 10)  # memory holds days >= 90 (c, d)
    both = [disk.near_candidates([1, 2, 3, 4], 10, **query),
            memory.near_candidates([1, 2, 3, 4], 10, **query)]
    assert both[0] == both[1]
    assert [e.hits for e in both[0]] == [e.hits for e in both[1]]
    expected = {
        (): ["d", "a", "c", "b"],
        (("since_day", 40),): ["d", "c", "b"],
        (("since_day", 96),): ["d"],
        (("before_day", 96),): ["a", "c", "b"],
        (("before_day", 96), ("since_day", 20)): ["c", "b"],
        (("before_day", 40),): ["a"],
        (("min_hits", 2),): ["d", "a", "c", "b"],
    }[tuple(sorted(query.items()))]
    assert ids(both[1]) == expected
    disk.close()
    memory.close()


def test_pending_articles_are_searched_and_rolled_back(tmp_path: Path) -> None:
    st = filled(tmp_path, 10)
    assert ids(st.near_candidates([7], 10)) == []
    st.add_near(entry("e", 30), [7])  # older than the memory horizon (90): still found
    st.add_near(entry("f", 120), [7])
    assert ids(st.near_candidates([7], 10)) == ["f", "e"]
    assert ids(st.near_candidates([7], 10, since_day=100)) == ["f"]
    st.rollback()
    assert ids(st.near_candidates([7], 10)) == []
    st.close()


def test_stock_phrases_are_remembered_across_reopen(tmp_path: Path) -> None:
    st = SQLiteState(tmp_path)
    for i in range(4):
        st.add_near(entry(chr(ord("a") + i), 100), [1, 10 + i])
    st.commit()
    rare = list(range(20, 28))
    # key 1 reaches per_key articles: a stock phrase, skipped beside 8 other keys
    assert st.near_candidates([1, *rare], 10, per_key=4) == []
    st.add_near(entry("x", 101), rare)
    st.commit()
    st.close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    assert db.execute("SELECT key FROM near_stock").fetchall() == [(1,)]
    db.close()
    st = SQLiteState(tmp_path)
    assert ids(st.near_candidates([1, *rare], 10)) == ["x"]  # key 1 skipped at once
    assert len(st.near_candidates([1], 10)) == 4  # a short query still looks it up
    st.close()


def test_max_keys_reads_the_lowest_keys(tmp_path: Path) -> None:
    with SQLiteState(tmp_path, recent_days=None) as st:
        st.add_near(entry("a", 10), [5, 6])
        st.add_near(entry("b", 10), [7, 8])
        assert ids(st.near_candidates([8, 7, 6, 5], 10, max_keys=2)) == ["a"]
        assert sorted(ids(st.near_candidates([8, 7, 6, 5], 10))) == ["a", "b"]


def test_version_2_state_is_migrated(tmp_path: Path) -> None:
    shingles = fp.shingle_hashes("\n".join(STORY))
    keys = fp.sample_keys(shingles)
    st = SQLiteState(tmp_path)
    st.add_near(NearEntry("a" * 32, "a" * 32, "a.example", fp.pack_hashes(shingles), 100),
                keys)
    st.commit()
    st.close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    db.executescript("DROP TABLE near_doc_keys; DROP TABLE near_stock;"
                     " UPDATE meta SET value = '2' WHERE key = 'schema_version';")
    db.close()
    st = SQLiteState(tmp_path)
    assert ids(st.near_candidates(keys, 10, since_day=90)) == ["a"]
    st.close()
    db = sqlite3.connect(tmp_path / STATE_FILE)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)
    assert db.execute("SELECT count(*) FROM near_doc_keys").fetchone() == (1,)
    db.close()


def test_copy_of_a_story_older_than_the_window_found_after_reopen(tmp_path: Path) -> None:
    state = SQLiteState(tmp_path, recent_days=7)
    dedup = Deduplicator(state, window_days=7)
    old = make("https://first.example/2024/bridge", STORY)
    old.published_at = NOW - timedelta(days=90)
    dedup.record(old, dedup.decide(old))
    other = make("https://third.example/2024/other", [p[::-1] for p in STORY])
    dedup.record(other, dedup.decide(other))  # the newest day: the horizon is NOW - 7
    state.commit()
    state.close()
    state = SQLiteState(tmp_path, recent_days=7)
    dedup = Deduplicator(state, window_days=7)
    copy = make("https://second.example/bridge-copy", STORY[:3])
    decision = dedup.decide(copy)
    assert decision.kind == "near" and decision.cluster_id == old.article_id
    state.close()


def test_days_leaving_the_window_are_written_to_the_key_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def key_rows() -> int:
        db = sqlite3.connect(tmp_path / STATE_FILE)
        try:
            return int(db.execute("SELECT count(*) FROM near_keys").fetchone()[0])
        finally:
            db.close()

    st = SQLiteState(tmp_path, recent_days=10)
    st.add_near(entry("a", 100), [1, 2])
    st.commit()
    assert key_rows() == 0  # the window holds it
    monkeypatch.setattr(recent_module, "MERGE_PAIRS", 3)
    st.add_near(entry("b", 150), [1, 3])  # day 100 leaves the window at this commit
    st.commit()
    assert key_rows() == 2
    assert ids(st.near_candidates([1, 2], 10, before_day=140)) == ["a"]
    assert ids(st.near_candidates([1, 3], 10, since_day=140)) == ["b"]
    st.close()
    st = SQLiteState(tmp_path, recent_days=10)
    assert ids(st.near_candidates([1, 2, 3], 10)) == ["b", "a"]  # tie: newest first
    st.close()
    assert key_rows() == 2  # b is still in the window: not written
