"""Score an archive written by ``scrapy crawl warc`` against the shared corpora's labels.

Usage (from the repository root)::

    python benchmarks/score_archive.py aeb  --archive A [--html ../shared/corpora/aeb/html]
    python benchmarks/score_archive.py synd --archive A
    python benchmarks/score_archive.py hu   --archive A [--failures]

The label files default to the ones in ``../shared/corpora`` (``--truth``, ``--labels``,
``--warcs`` point elsewhere).

``aeb``: mean per-page body F1 of the stored bodies (AEB metric: precision and recall over
multisets of lower-cased 4-grams of ``\\w+`` tokens, averaged per page; a page missing from
the archive scores 0), next to ``trafilatura.extract`` on the same HTML when ``--html`` is
given. ``synd``: pairwise same-story precision/recall/F1 of ``cluster_id`` over the
labelled URLs. ``hu``: article pages (files ``next_page_of_article*``) archived vs listing
pages (all other files) archived, and a mojibake count.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import itertools
import json
import re
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.aeb_metric import body_prf  # noqa: E402

_MOJIBAKE = re.compile("Ã[\u0080-\u00bf©¡-ÿ]|Å[\u0080-\u00bf‘’“”]|Ĺ‘|Ă©|\ufffd|õ(?=\\w)")


def _rows(archive: str, dataset: str, columns: str) -> list[tuple[object, ...]]:
    pattern = f"{archive}/{dataset}/**/*.parquet"
    if not glob.glob(pattern, recursive=True):
        return []
    return duckdb.execute(
        f"select {columns} from read_parquet('{pattern}', hive_partitioning=true)"
    ).fetchall()


def score_aeb(args: argparse.Namespace) -> None:
    truth = json.loads(Path(args.truth).read_text())
    bodies = {str(u): str(b) for u, b in _rows(args.archive, "articles", "url, body")}
    scores, ref_scores, failures = [], [], []
    for page_id, entry in truth.items():
        body = bodies.get(entry["url"], "")
        prf = body_prf(body, entry["articleBody"])
        scores.append(prf)
        if prf[2] < 0.8:
            failures.append((prf[2], page_id, entry["url"]))
        if args.html:
            import trafilatura

            with gzip.open(Path(args.html) / f"{page_id}.html.gz") as stream:
                raw = stream.read()
            ref = trafilatura.extract(raw.decode("utf-8", "replace"), url=entry["url"]) or ""
            ref_scores.append(body_prf(ref, entry["articleBody"]))
    n = len(scores)
    print(f"pages: {n}, archived: {sum(1 for e in truth.values() if e['url'] in bodies)}")
    print(f"{'tool':<28}{'precision':>10}{'recall':>10}{'F1':>10}")
    mean = [sum(s[i] for s in scores) / n for i in range(3)]
    print(f"{'newsarchive (stored)':<28}{mean[0]:>10.3f}{mean[1]:>10.3f}{mean[2]:>10.3f}")
    if ref_scores:
        means = [sum(s[i] for s in ref_scores) / n for i in range(3)]
        print(f"{'trafilatura.extract':<28}{means[0]:>10.3f}{means[1]:>10.3f}{means[2]:>10.3f}")
    if args.failures:
        for score, page_id, url in sorted(failures):
            print(f"  F1 {score:.3f}  {page_id}  {url}")


def score_synd(args: argparse.Namespace) -> None:
    labels = json.loads(Path(args.labels).read_text())
    cluster: dict[str, str] = {}
    for url, cid in _rows(args.archive, "articles", "url, cluster_id"):
        cluster[str(url)] = str(cid)
    for url, cid in _rows(args.archive, "duplicates", "url, cluster_id"):
        cluster[str(url)] = str(cid)
    urls = sorted(labels)
    missing = [u for u in urls if u not in cluster]
    tp = fp = fn = 0
    fn_pairs, fp_pairs = [], []
    for a, b in itertools.combinations(urls, 2):
        same_truth = labels[a]["story"] == labels[b]["story"]
        same_pred = a in cluster and b in cluster and cluster[a] == cluster[b]
        if same_truth and same_pred:
            tp += 1
        elif same_pred:
            fp += 1
            fp_pairs.append((a, b))
        elif same_truth:
            fn += 1
            fn_pairs.append((a, b))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    stored = len(_rows(args.archive, "articles", "url"))
    dups = len(_rows(args.archive, "duplicates", "url"))
    print(f"labelled pages: {len(urls)}, not archived: {len(missing)}; ", end="")
    print(f"articles {stored}, duplicates {dups}")
    print(f"pairwise precision {precision:.4f}  recall {recall:.4f}  F1 {score:.4f}", end="")
    print(f"  (tp {tp}, fp {fp}, fn {fn})")
    if args.failures:
        for u in missing:
            print("  missing", u)
        for a, b in fp_pairs:
            print("  merged ", a, b)
        for a, b in fn_pairs:
            print("  missed ", a, b)


def score_hu(args: argparse.Namespace) -> None:
    from warcio.archiveiterator import ArchiveIterator

    expected: dict[str, bool] = {}
    ambiguous: set[str] = set()
    for path in sorted(glob.glob(args.warcs)):
        is_article = Path(path).name.startswith("next_page_of_article")
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = record.http_headers.get_header("Content-Type") or ""
                if "html" not in ctype.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                if expected.get(url, is_article) != is_article:
                    ambiguous.add(url)  # the same page is in an article file and a list file
                expected[url] = is_article
    for url in ambiguous:
        del expected[url]
    stored = {str(u): str(b) for u, b in _rows(args.archive, "articles", "url, body")}
    stored.update({str(u): "" for (u,) in _rows(args.archive, "duplicates", "url")})
    articles = [u for u, a in expected.items() if a]
    listings = [u for u, a in expected.items() if not a]
    kept = [u for u in articles if u in stored]
    wrong = [u for u in listings if u in stored]
    bad_text = [u for u, body in stored.items() if _MOJIBAKE.search(body)]
    print(f"pages in both article and listing files (not scored): {len(ambiguous)}")
    print(f"article pages archived: {len(kept)}/{len(articles)}")
    print(f"listing pages archived: {len(wrong)}/{len(listings)}")
    print(f"bodies with mojibake: {len(bad_text)}")
    if args.failures:
        for u in sorted(set(articles) - set(kept)):
            print("  article not archived:", u)
        for u in wrong:
            print("  listing archived:    ", u)
        for u in bad_text:
            print("  mojibake:            ", u)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="set", required=True)
    aeb = sub.add_parser("aeb")
    aeb.add_argument("--truth", default="../shared/corpora/aeb/ground-truth.json")
    aeb.add_argument("--html", default=None, help="folder of <id>.html.gz to score trafilatura too")
    synd = sub.add_parser("synd")
    synd.add_argument("--labels", default="../shared/corpora/syndication/synd-dev.labels.json")
    hu = sub.add_parser("hu")
    hu.add_argument("--warcs", default="../shared/corpora/warc-hu-news/*.warc.gz")
    for p in (aeb, synd, hu):
        p.add_argument("--archive", required=True)
        p.add_argument("--failures", action="store_true")
    args = parser.parse_args(argv)
    {"aeb": score_aeb, "synd": score_synd, "hu": score_hu}[args.set](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
