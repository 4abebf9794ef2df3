"""cluster_id across runs and state rebuilds; the most complete copy of a story."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from newsarchive import extract_article
from newsarchive.archive import ArchiveSession
from newsarchive.items import Sighting
from newsarchive.state.sqlite import SQLiteState
from tests import syndgen


def _pages() -> list[syndgen.Page]:
    stories = syndgen.compose_stories(4, seed=21)
    pages = syndgen.generate(stories, seed=21, copies=(3, 3), liveblogs=0, corrections=0,
                             quoting=0, others_per_site=1)
    return syndgen.crawl_order(pages, late_share=1.0, seed=21)  # originals arrive last


def _crawl(pages: list[syndgen.Page], archive: Path, state: Path) -> dict[str, str]:
    session = ArchiveSession(archive, SQLiteState(state))
    session.reconcile()
    clusters = {}
    for page in pages:
        art = extract_article(page.html, page.url, crawled_at=page.published + timedelta(hours=1))
        decision = session.dedup.decide(art)
        if decision.kind == "seen":
            continue
        assert decision.cluster_id is not None
        clusters[page.url] = decision.cluster_id
        if decision.kind == "new":
            art.cluster_id = decision.cluster_id
            session.add_article(art, decision, [])
        else:
            assert decision.duplicate_of is not None
            sighting = Sighting(url=art.url, domain=art.domain, crawled_at=art.crawled_at,
                                duplicate_of=decision.duplicate_of,
                                cluster_id=decision.cluster_id, match=decision.kind,
                                similarity=decision.similarity, article_id=art.article_id,
                                title=art.title, published_at=art.published_at,
                                word_count=art.word_count)
            session.add_sighting(art, sighting, decision, [])
    session.close()
    return clusters


def _archived(archive: Path) -> dict[str, str]:
    out = {}
    for dataset in ("articles", "duplicates"):
        rows = duckdb.execute(
            f"select url, cluster_id from read_parquet('{archive}/{dataset}/**/*.parquet',"
            " hive_partitioning=true, union_by_name=true)").fetchall()
        out.update({str(u): str(c) for u, c in rows})
    return out


def test_cluster_id_is_stable_across_runs_and_state_rebuilds(tmp_path: Path) -> None:
    pages = _pages()
    archive = tmp_path / "archive"
    first = _crawl(pages[: len(pages) // 2], archive, tmp_path / "state")
    second = _crawl(pages, archive, tmp_path / "state")  # the same pages again, and more
    assert not set(first) & set(second)  # every page of run 1 is "seen" in run 2
    archived = _archived(archive)
    assert archived == {**first, **second}
    # A deleted state is rebuilt from the archive; a further copy joins the same cluster.
    rebuilt = _crawl(pages, tmp_path / "archive", tmp_path / "state-rebuilt")
    assert rebuilt == {}
    by_story: dict[str, set[str]] = {}
    for page in pages:
        by_story.setdefault(page.story, set()).add(archived[page.url])
    assert all(len(ids) == 1 for ids in by_story.values())
    assert len(by_story) == len({c for ids in by_story.values() for c in ids})


def test_most_complete_copy_is_one_query(tmp_path: Path) -> None:
    pages = _pages()
    archive = tmp_path / "archive"
    _crawl(pages, archive, tmp_path / "state")
    glob_a = f"{archive}/articles/**/*.parquet"
    glob_d = f"{archive}/duplicates/**/*.parquet"
    rows = duckdb.execute(f"""
        with copies as (
            select cluster_id, url, word_count, 'stored' as kind
            from read_parquet('{glob_a}', hive_partitioning=true)
            union all
            select cluster_id, url, word_count, 'sighting'
            from read_parquet('{glob_d}', hive_partitioning=true)
        )
        select cluster_id, arg_max(url, word_count) as fullest, arg_max(kind, word_count)
        from copies group by cluster_id
    """).fetchall()
    by_url = {p.url: p for p in pages}
    originals = {p.story: p for p in pages if p.role == "original"}
    checked = 0
    for _cluster, fullest, kind in rows:
        page = by_url[fullest]
        if page.story not in originals:
            continue
        full = len(originals[page.story].paragraphs)
        # The original (crawled last, so recorded as a sighting) or an untrimmed copy.
        assert page.role == "original" or len(page.paragraphs) - len(page.promo) >= full - 1
        checked += 1
        if page.role == "original":
            assert kind == "sighting"
    assert checked == len(originals)


def test_word_count_is_kept_on_sightings(tmp_path: Path) -> None:
    pages = _pages()
    _crawl(pages, tmp_path / "archive", tmp_path / "state")
    counts = duckdb.execute(
        f"select count(*), count(word_count), min(word_count) from read_parquet("
        f"'{tmp_path}/archive/duplicates/**/*.parquet', hive_partitioning=true)").fetchall()[0]
    assert counts[0] > 0 and counts[0] == counts[1] and counts[2] > 40

