"""De-duplication at scale: newsarchive's on-disk index vs datasketch MinHashLSH.

Usage (from the repository root)::

    .venv/bin/python benchmarks/dedup_scale.py [--articles 1000000] [--datasketch 100000]
        [--queries 1000] [--dir /tmp/dedup-scale] [--keep]

1. **Build.** A state directory is filled with ``--articles`` indexed articles, written
   straight into :class:`~newsarchive.state.sqlite.SQLiteState`'s tables: for each one
   400 random shingle hashes (the blob verification reads) and about 50 index keys, one
   in ten of them drawn, by frequency, from the keys of a corpus of generated news
   stories, so that stock phrases make long posting lists as in real text. Days are spread
   over two years, in publication order (as a crawl fills the index); the stock-phrase
   table, the Bloom filter and the day-ordered key lists are written as the state keeps
   them. Nothing of it is stored in the repository; ``--keep`` keeps the directory for
   another run (a second run with the same arguments reuses it).
2. **Reopen.** Time to open the state and answer the first query: the time window's keys
   and the Bloom filter are loaded then (no body is read: the state holds no bodies, only
   shingle hashes, and those only for candidates).
3. **Per article.** ``--queries`` articles of ``tests/syndgen.py`` (originals, trimmed
   and reworded copies, other stories) go through ``Deduplicator.decide`` + ``record``:
   shingling, keys, candidate lookup in the time window then on disk, containment
   verification, insert. CPU time per article (the process runs on one core; on a shared
   machine CPU time is the cost, wall time includes waiting for other processes), and
   the wall time's mean, median and 99th percentile; and the
   pairwise same-story precision/recall of the result, with the million articles in the
   index.
4. **Memory.** Resident memory of the process after opening the state and running the
   queries, minus before, per indexed article; and the state's size on disk.
5. **datasketch.** ``MinHashLSH()`` at its defaults (threshold 0.9, 128 permutations)
   with ``--datasketch`` random signatures inserted (memory per article measured the same
   way), then the same query articles (MinHash of the same 5-word shingles, query,
   insert), and the time to unpickle the index (its "reopen").

The machine is shared: both sides run in the same process, one after the other, so load
affects both.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import pickle
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.dedup import fingerprint as fp  # noqa: E402
from newsarchive.dedup.near import WINDOW_DAYS, Deduplicator  # noqa: E402
from newsarchive.dedup.urls import article_id, domain_of  # noqa: E402
from newsarchive.items import Article  # noqa: E402
from newsarchive.state.keyfilter import KeyFilter  # noqa: E402
from newsarchive.state.sqlite import MAX_HUBS, PER_KEY, STATE_FILE, SQLiteState  # noqa: E402
from tests import syndgen  # noqa: E402

#: The day the query articles are published (background days are before it).
TODAY = datetime(2024, 5, 1, tzinfo=UTC)


def rss_bytes() -> int:
    """Current resident set size of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def stock_keys(seed: int = 99) -> tuple[np.ndarray, np.ndarray]:
    """Keys of a corpus of generated stories with their frequencies (stock phrases)."""
    counts: Counter[int] = Counter()
    for story in syndgen.compose_stories(1500, seed=seed):
        counts.update(set(fp.sample_keys(fp.shingle_hashes("\n".join(story.paragraphs)))))
    keys = np.array(list(counts), dtype=np.int64)
    weights = np.array([counts[int(k)] for k in keys], dtype=np.float64)
    return keys, weights / weights.sum()


def build(directory: Path, n: int, seed: int = 1) -> float:
    """Write ``n`` indexed articles into a new state in ``directory``; return seconds."""
    started = time.perf_counter()
    if directory.exists():
        shutil.rmtree(directory)
    SQLiteState(directory).close()
    rng = np.random.default_rng(seed)
    pool, weights = stock_keys()
    today = int(TODAY.timestamp() // 86400)
    db = sqlite3.connect(directory / STATE_FILE, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    batch = 100_000
    key_parts = []
    # Articles arrive in publication order, as a crawl indexes them (document numbers
    # grow with the day), spread over the two years before TODAY.
    all_days = np.sort(today - 1 - rng.integers(0, 730, n))
    for start in range(0, n, batch):
        size = min(batch, n - start)
        days = all_days[start:start + size]
        blobs = rng.integers(0, 2**63, (size, 400), dtype=np.int64).astype("<u8").tobytes()
        width = 400 * 8
        docs = []
        for i in range(size):
            doc = start + i + 1
            aid = f"{doc:032x}"
            docs.append((doc, aid, aid, f"site{doc % 5000}.example", int(days[i]),
                         blobs[i * width:(i + 1) * width]))
        db.executemany("INSERT INTO near_docs (doc, article_id, cluster_id, site, day,"
                       " shingles) VALUES (?, ?, ?, ?, ?, ?)", docs)
        per_doc = 50
        keys = rng.integers(0, 2**63, (size, per_doc), dtype=np.int64)
        common = rng.random((size, per_doc)) < 0.1
        keys[common] = rng.choice(pool, int(common.sum()), p=weights)
        doc_ids = np.repeat(np.arange(start + 1, start + size + 1, dtype=np.int64), per_doc)
        key_parts.append(np.stack([keys.ravel(), np.repeat(days, per_doc), doc_ids], 1))
        db.executemany("INSERT INTO near_doc_keys (day, doc, keys) VALUES (?, ?, ?)",
                       [(int(days[i]), start + i + 1, np.unique(keys[i]).astype("<i8").tobytes())
                        for i in range(size)])
    rows = np.concatenate(key_parts)
    del key_parts
    # The stock phrases a state built by crawling would have met: keys that PER_KEY
    # indexed articles share (found by the lookups made when those articles arrived).
    values, counts = np.unique(rows[:, 0], return_counts=True)
    stock = values[counts >= PER_KEY]
    stock = stock[np.argsort(-counts[counts >= PER_KEY], kind="stable")][:MAX_HUBS]
    db.executemany("INSERT INTO near_stock (key) VALUES (?)", [(int(k),) for k in stock])
    del values, counts
    write_filter(db, rows[:, 0])
    # every generated article's key rows are in near_keys (none waits in a window)
    db.execute("INSERT INTO near_info (key, value) VALUES ('spilled_before', ?)", (today,))
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    step = 1_000_000
    for start in range(0, len(rows), step):
        db.executemany("INSERT OR IGNORE INTO near_keys (key, day, doc) VALUES (?, ?, ?)",
                       rows[start:start + step].tolist())
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - started


def write_filter(db: sqlite3.Connection, keys: np.ndarray) -> None:
    """Store the Bloom filter over ``keys`` as the state keeps it (``near_filter``)."""
    key_filter = KeyFilter.sized_for(len(keys))
    for start in range(0, len(keys), 1 << 22):
        key_filter.add(keys[start:start + (1 << 22)])
    db.executemany("INSERT INTO near_filter (chunk, bits) VALUES (?, ?)",
                   key_filter.all_chunks())
    db.executemany("INSERT INTO near_info (key, value) VALUES (?, ?)",
                   [("bits", key_filter.bits), ("count", key_filter.count)])


def query_articles(count: int, seed: int = 5) -> tuple[list[Article], list[str]]:
    """Articles (bodies, no HTML) of a generated set, in publication order, and labels."""
    stories = syndgen.compose_stories(max(10, count // 6), seed=seed, events=4)
    pages = syndgen.generate(stories, seed=seed)[:count]
    articles, labels = [], []
    for page in pages:
        body = "\n".join(p for p in page.paragraphs if p not in page.promo)
        when = TODAY + (page.published - datetime(2024, 5, 1, tzinfo=UTC))
        articles.append(Article(article_id=article_id(page.url), url=page.url,
                                canonical_url=page.url, domain=domain_of(page.url),
                                crawled_at=when + timedelta(hours=1), published_at=when,
                                body=body))
        labels.append(page.story)
    return articles, labels


def pairwise(labels: list[str], clusters: list[str]) -> tuple[float, float]:
    tp = fp_ = fn = 0
    for (la, ca), (lb, cb) in itertools.combinations(zip(labels, clusters, strict=True), 2):
        tp += la == lb and ca == cb
        fp_ += la != lb and ca == cb
        fn += la == lb and ca != cb
    return (tp / (tp + fp_) if tp + fp_ else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def run_ours(directory: Path, articles: list[Article], labels: list[str], n: int
             ) -> dict[str, float]:
    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    state = SQLiteState(directory)
    dedup = Deduplicator(state)
    dedup.decide(articles[0])  # first query: opens the index files
    reopen = time.perf_counter() - t0
    times, clusters = [], []
    by_kind: dict[str, list[float]] = {"new": [], "near": []}
    cpu = time.process_time()
    for art in articles:
        t = time.perf_counter()
        c = time.process_time()
        decision = dedup.decide(art)
        dedup.record(art, decision)
        by_kind.setdefault(decision.kind, []).append(time.process_time() - c)
        times.append(time.perf_counter() - t)
        clusters.append(decision.cluster_id or "")
    cpu_ms = 1000 * (time.process_time() - cpu) / len(articles)
    after = rss_bytes()
    state.rollback()  # the benchmark's index stays as built
    state.close()
    precision, recall = pairwise(labels, clusters)
    disk = sum(f.stat().st_size for f in directory.iterdir())
    return {"reopen_s": reopen, "mean_ms": 1000 * statistics.mean(times), "cpu_ms": cpu_ms,
            "p50_ms": 1000 * statistics.median(times),
            "p99_ms": 1000 * float(np.percentile(times, 99)),
            "mem_per_article": (after - before) / n, "disk_per_article": disk / n,
            "precision": precision, "recall": recall, "indexed": n,
            "new_ms": 1000 * statistics.mean(by_kind["new"] or [0.0]),
            "near_ms": 1000 * statistics.mean(by_kind["near"] or [0.0]),
            "new_count": len(by_kind["new"]), "near_count": len(by_kind["near"])}


def run_datasketch(articles: list[Article], labels: list[str], n: int) -> dict[str, float]:
    from datasketch import MinHash, MinHashLSH

    gc.collect()
    before = rss_bytes()
    lsh = MinHashLSH()
    rng = np.random.default_rng(3)
    t0 = time.perf_counter()
    for i in range(n):
        m = MinHash(hashvalues=rng.integers(0, 2**32 - 1, 128, dtype=np.uint64),
                    scheme="affine32")
        lsh.insert(f"bg{i}", m)
    build = time.perf_counter() - t0
    gc.collect()
    after = rss_bytes()
    times, clusters = [], []
    cluster_of: dict[str, str] = {}
    by_kind: dict[str, list[float]] = {"new": [], "near": []}
    cpu = time.process_time()
    for i, art in enumerate(articles):
        t = time.perf_counter()
        c = time.process_time()
        m = MinHash(num_perm=128)
        toks = fp.words(art.body)
        m.update_batch([" ".join(toks[j:j + 5]).encode() for j in range(len(toks) - 4)])
        hits = [k for k in lsh.query(m) if k in cluster_of]
        key = f"q{i}"
        cluster_of[key] = cluster_of[min(hits, key=lambda k: int(k[1:]))] if hits else key
        lsh.insert(key, m)
        by_kind["near" if hits else "new"].append(time.process_time() - c)
        times.append(time.perf_counter() - t)
        clusters.append(cluster_of[key])
    cpu_ms = 1000 * (time.process_time() - cpu) / len(articles)
    with tempfile.TemporaryFile() as f:
        pickle.dump(lsh, f)
        f.seek(0)
        t0 = time.perf_counter()
        pickle.load(f)
        reopen = time.perf_counter() - t0
    precision, recall = pairwise(labels, clusters)
    return {"reopen_s": reopen, "mean_ms": 1000 * statistics.mean(times), "cpu_ms": cpu_ms,
            "p50_ms": 1000 * statistics.median(times),
            "p99_ms": 1000 * float(np.percentile(times, 99)),
            "mem_per_article": (after - before) / n, "disk_per_article": float("nan"),
            "precision": precision, "recall": recall, "indexed": n, "build_s": build,
            "new_ms": 1000 * statistics.mean(by_kind["new"] or [0.0]),
            "near_ms": 1000 * statistics.mean(by_kind["near"] or [0.0]),
            "new_count": len(by_kind["new"]), "near_count": len(by_kind["near"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--datasketch", type=int, default=100_000,
                        help="articles in the datasketch index (its memory grows ~8.5 KB "
                             "each; 0 skips it)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir())
                        / "newsarchive-dedup-scale")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the index")
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))

    marker = args.dir / f"built-{args.articles}"
    if marker.exists():
        print(f"reusing the index in {args.dir}")
    else:
        seconds = build(args.dir, args.articles)
        marker.touch()
        print(f"built {args.articles:,} indexed articles in {seconds:.0f} s ({args.dir})")
    articles, labels = query_articles(args.queries)
    print(f"query articles: {len(articles)} ({len(set(labels))} stories); "
          f"time window {WINDOW_DAYS} days, CPU count {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}")
    ours = run_ours(args.dir, articles, labels, args.articles)
    print(f"newsarchive: {ours['cpu_ms']:.3f} ms CPU per article", flush=True)
    theirs = (run_datasketch(articles, labels, args.datasketch) if args.datasketch
              else None)
    rows = [
        ("indexed articles", "indexed", "{:,.0f}", None),
        ("per article, CPU time (ms)", "cpu_ms", "{:.3f}", 1.0),
        ("  articles found new", "new_count", "{:,.0f}", None),
        ("  CPU per new story (ms)", "new_ms", "{:.3f}", None),
        ("  articles found near copies", "near_count", "{:,.0f}", None),
        ("  CPU per near copy (ms)", "near_ms", "{:.3f}", None),
        ("per article, wall mean (ms)", "mean_ms", "{:.3f}", None),
        ("per article, median (ms)", "p50_ms", "{:.3f}", None),
        ("per article, p99 (ms)", "p99_ms", "{:.3f}", None),
        ("index memory per article (bytes)", "mem_per_article", "{:.0f}", 1024),
        ("on disk per article (bytes)", "disk_per_article", "{:.0f}", None),
        ("reopen (s)", "reopen_s", "{:.3f}", 5.0),
        ("pairwise precision", "precision", "{:.4f}", None),
        ("pairwise recall", "recall", "{:.4f}", None),
    ]
    print(f"\n{'':<34} {'newsarchive':>14} {'datasketch':>14}   target")
    for label, key, fmt, target in rows:
        mine = fmt.format(ours[key])
        other = fmt.format(theirs[key]) if theirs else "-"
        ok = ""
        if target is not None:
            ok = f"<= {target:g}  {'ok' if ours[key] <= target else 'MISSED'}"
        print(f"{label:<34} {mine:>14} {other:>14}   {ok}")
    if theirs:
        print(f"\ndatasketch: MinHashLSH() defaults (threshold 0.9, 128 perms), "
              f"{theirs['indexed']:,.0f} random signatures inserted in "
              f"{theirs['build_s']:.0f} s; reopen = unpickling the index.")
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
