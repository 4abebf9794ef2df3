"""Real-data check on the syndication development set (skips without ../shared)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.dedup.near import Deduplicator
from newsarchive.dedup.urls import article_id, domain_of
from newsarchive.items import Article
from newsarchive.state.sqlite import SQLiteState

SYND = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "syndication"
WARC = SYND / "synd-dev.warc.gz"
LABELS = SYND / "synd-dev.labels.json"

pytestmark = pytest.mark.skipif(not (WARC.exists() and LABELS.exists()),
                                reason="../shared/corpora/syndication not available")


def test_syndication_pairwise_precision_and_recall(tmp_path: Path) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    from warcio.archiveiterator import ArchiveIterator

    labels = json.loads(LABELS.read_text())
    state = SQLiteState(tmp_path)
    dedup = Deduplicator(state)
    clusters: dict[str, str] = {}
    with WARC.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = trafilatura.extract(record.content_stream().read(), url=url) or ""
            art = Article(article_id=article_id(url), url=url, canonical_url=url,
                          domain=domain_of(url), crawled_at=datetime(2019, 11, 21, tzinfo=UTC),
                          body=body)
            decision = dedup.decide(art)
            dedup.record(art, decision)
            assert decision.kind != "seen"
            assert decision.cluster_id is not None
            clusters[url] = decision.cluster_id
    state.close()
    assert set(clusters) == set(labels)
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(labels), 2):
        story = labels[a]["story"] == labels[b]["story"]
        cluster = clusters[a] == clusters[b]
        tp += story and cluster
        fp += cluster and not story
        fn += story and not cluster
    assert fp == 0
    assert tp / (tp + fn) >= 0.9
