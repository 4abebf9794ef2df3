"""Score near-duplicate clustering on the syndication corpus.

Usage (from the repository root)::

    .venv/bin/python benchmarks/score_synd.py [--failures] [--clean]
        [--warc ../shared/corpora/syndication/synd-dev.warc.gz]
        [--labels ../shared/corpora/syndication/synd-dev.labels.json]

Bodies are ``trafilatura.extract(html, url=url)`` (with ``--clean`` also passed through
``newsarchive.clean.boilerplate.remove_boilerplate`` when that exists). The pages are fed
in WARC order through two clusterers on the same bodies:

* ``newsarchive``: :class:`~newsarchive.dedup.near.Deduplicator` over a fresh
  :class:`~newsarchive.state.sqlite.SQLiteState` (decide + record); cluster = cluster_id
  (``seen`` pages, which a WARC with repeated URLs could produce, keep the cluster of the
  URL's record);
* ``datasketch``: ``MinHashLSH(threshold=0.5, num_perm=128)`` over lower-cased 5-word
  shingles of ``\\w+`` tokens; a page joins the cluster of the earliest indexed page LSH
  returns, else starts its own; every page is inserted.

Metric: pairwise same-story precision, recall and F1 over all pairs of labelled pages (a
pair is positive when both pages have the same ``story``). Margins: for every page, the
template-aware containment against every stored article that was in the state when the
page arrived: the highest value between different stories and the lowest between a copy
and its story's stored copy, split by same-site / other-site pairs, next to the
thresholds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.dedup import fingerprint as fp  # noqa: E402
from newsarchive.dedup.near import Deduplicator  # noqa: E402
from newsarchive.dedup.urls import article_id, domain_of, normalize_url, same_site  # noqa: E402
from newsarchive.items import Article  # noqa: E402
from newsarchive.state.base import NearEntry  # noqa: E402
from newsarchive.state.sqlite import SQLiteState  # noqa: E402

SYND = ROOT.parent / "shared" / "corpora" / "syndication"


def read_pages(warc: Path) -> list[tuple[str, bytes]]:
    """Return ``(target URI, HTTP body)`` of every response record, in file order."""
    from warcio.archiveiterator import ArchiveIterator

    pages = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                pages.append((record.rec_headers.get_header("WARC-Target-URI"),
                              record.content_stream().read()))
    return pages


def body_cleaner(enabled: bool) -> Callable[[str, str], str]:
    """Return the optional cleaner (identity when disabled or not available)."""
    if not enabled:
        return lambda body, url: body
    try:
        from newsarchive.clean.boilerplate import remove_boilerplate
    except ImportError:
        print("note: newsarchive.clean.boilerplate not available; --clean ignored")
        return lambda body, url: body

    def clean(body: str, url: str) -> str:
        result = remove_boilerplate(body, domain=domain_of(url))
        return result[0] if isinstance(result, tuple) else str(result)

    return clean


def pair_scores(clusters: dict[str, str], labels: dict[str, dict]) -> tuple[float, float,
                                                                                 float]:
    """Pairwise precision, recall, F1 of ``clusters`` (url -> cluster) against labels."""
    urls = sorted(u for u in labels if u in clusters)
    tp = fp_ = fn = 0
    for a, b in itertools.combinations(urls, 2):
        same_story = labels[a]["story"] == labels[b]["story"]
        same_cluster = clusters[a] == clusters[b]
        tp += same_story and same_cluster
        fp_ += same_cluster and not same_story
        fn += same_story and not same_cluster
    precision = tp / (tp + fp_) if tp + fp_ else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_ours(bodies: Sequence[tuple[str, str]], labels: dict[str, dict]
             ) -> tuple[dict[str, str], dict[str, list[tuple[float, str, str]]], Deduplicator]:
    """Cluster with Deduplicator; also collect containment margins."""
    margins: dict[str, list[tuple[float, str, str]]] = {
        "pos_other_site": [], "neg_other_site": [], "pos_same_site": [], "neg_same_site": []}
    clusters: dict[str, str] = {}
    stored: list[tuple[str, NearEntry]] = []  # (url, entry) of every stored article
    now = datetime(2019, 11, 21, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        state = SQLiteState(tmp)
        dedup = Deduplicator(state)
        for url, body in bodies:
            art = Article(article_id=article_id(url), url=url, canonical_url=url,
                          domain=domain_of(url), crawled_at=now, body=body)
            for other_url, entry in stored:
                score = dedup.similarity(art, entry)
                same = labels.get(url, {}).get("story") == labels.get(other_url, {}).get(
                    "story", "-")
                site = ("same_site" if same_site(url, f"https://{entry.site}/")
                        else "other_site")
                if fp.words(body) and url in labels and other_url in labels:
                    margins[("pos_" if same else "neg_") + site].append((score, url, other_url))
            decision = dedup.decide(art)
            dedup.record(art, decision)
            if decision.kind == "seen":
                ref = state.get_url(normalize_url(url))
                clusters[url] = ref.cluster_id if ref else art.article_id
            else:
                assert decision.cluster_id is not None
                clusters[url] = decision.cluster_id
            if decision.kind == "new":
                fprint = fp.fingerprint(body)
                stored.append((url, NearEntry(art.article_id, art.article_id, art.domain,
                                              fp.pack_hashes(fprint.shingles))))
        state.commit()
        state.close()
    return clusters, margins, dedup


def run_datasketch(bodies: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Reference: MinHashLSH(threshold=0.5, num_perm=128), 5-word shingles."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    clusters: dict[str, str] = {}
    order: dict[str, int] = {}
    for i, (url, body) in enumerate(bodies):
        tokens = re.findall(r"\w+", body.lower())
        shingles = {" ".join(tokens[j:j + 5]) for j in range(len(tokens) - 4)}
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in shingles])
        key = f"{i}"
        hits = [k for k in lsh.query(m) if k in order] if shingles else []
        if hits:
            first = min(hits, key=lambda k: order[k])
            clusters[url] = clusters[bodies[int(first)][0]]
        else:
            clusters[url] = url
        if shingles:
            lsh.insert(key, m)
            order[key] = i
    return clusters


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warc", type=Path, default=SYND / "synd-dev.warc.gz")
    parser.add_argument("--labels", type=Path, default=SYND / "synd-dev.labels.json")
    parser.add_argument("--failures", action="store_true", help="list missed/false pairs")
    parser.add_argument("--clean", action="store_true", help="apply remove_boilerplate")
    args = parser.parse_args(argv)

    import trafilatura

    labels: dict[str, dict] = json.loads(args.labels.read_text())
    clean = body_cleaner(args.clean)
    bodies = []
    for url, html in read_pages(args.warc):
        text = trafilatura.extract(html, url=url) or ""
        bodies.append((url, clean(text, url)))

    ours, margins, dedup = run_ours(bodies, labels)
    ref = run_datasketch(bodies)
    print(f"pages: {len(bodies)}, labelled: {sum(u in labels for u, _ in bodies)}")
    print(f"{'clusterer':<46} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, clusters in (("newsarchive Deduplicator", ours),
                           ("datasketch MinHashLSH(0.5, 128 perms, 5-word)", ref)):
        p, r, f = pair_scores(clusters, labels)
        print(f"{name:<46} {p:9.3f} {r:7.3f} {f:6.3f}")

    print(f"\ncontainment margins (thresholds: other site {dedup.near_containment}, "
          f"same site {dedup.same_site_containment}; min shingles {dedup.min_shingles})")
    for site in ("other_site", "same_site"):
        neg = max(margins[f"neg_{site}"], default=(float("nan"), "", ""))
        pos = min(margins[f"pos_{site}"], default=(float("nan"), "", ""))
        print(f"  {site:<10} highest different-story {neg[0]:.3f}   "
              f"lowest same-story {pos[0]:.3f}   "
              f"(pairs: {len(margins[f'neg_{site}'])} / {len(margins[f'pos_{site}'])})")
        if args.failures:
            print(f"    highest negative: {neg[1]}  vs  {neg[2]}")
            print(f"    lowest positive:  {pos[1]}  vs  {pos[2]}")

    if args.failures:
        urls = sorted(u for u in labels if u in ours)
        print("\nmissed pairs (same story, different cluster):")
        for a, b in itertools.combinations(urls, 2):
            if labels[a]["story"] == labels[b]["story"] and ours[a] != ours[b]:
                print(f"  {a}\n    {b}")
        print("false pairs (different stories, same cluster):")
        for a, b in itertools.combinations(urls, 2):
            if labels[a]["story"] != labels[b]["story"] and ours[a] == ours[b]:
                print(f"  {a}\n    {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
