"""Measure the body cleaner (``newsarchive.clean``) on the shared development corpora.

1. Syndication set (``shared/corpora/syndication``): every page's main text is extracted
   with ``trafilatura.extract(html, url=url)``; the labels list the promo lines inserted
   into each page. A promo line *remains* when its text is a substring of the body. The
   script prints how many remain before and after :func:`clean_body`, and how many
   removed lines were not labelled promo (candidate false positives), with a sample.
2. AEB ground truth (``shared/corpora/aeb/ground-truth.json``): the hand-cleaned
   ``articleBody`` texts go through :func:`clean_body`; every removed line there is
   likely a false positive. Credits and datelines split off are counted separately.

Usage::

    .venv/bin/python benchmarks/score_clean.py [--shared ../shared] [--sample 40]

Reads only; needs ``trafilatura`` and ``warcio``. Exits 0 with a note when the shared
folder is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.clean import clean_body  # noqa: E402


def _synd_pages(warc: Path) -> dict[str, str]:
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    out: dict[str, str] = {}
    with warc.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            html = rec.content_stream().read().decode("utf-8", "replace")
            out[url] = trafilatura.extract(html, url=url) or ""
    return out


def score_syndication(shared: Path, sample: int, rng: random.Random) -> None:
    base = shared / "corpora" / "syndication"
    labels = json.loads((base / "synd-dev.labels.json").read_text(encoding="utf-8"))
    pages = _synd_pages(base / "synd-dev.warc.gz")
    total = before = after = 0
    fps: list[tuple[str, str]] = []
    removed_total = credits_pages = datelines = wires = 0
    for url, lab in labels.items():
        raw = pages.get(url, "")
        res = clean_body(raw)
        promos = lab.get("promo", [])
        total += len(promos)
        before += sum(p in raw for p in promos)
        after += sum(p in res.body for p in promos)
        removed_total += len(res.removed_lines)
        credits_pages += res.credits is not None
        datelines += res.dateline is not None
        wires += res.wire_source is not None
        for line in res.removed_lines:
            if not any(p in line or line in p for p in promos):
                fps.append((url, line))
    print("== syndication dev set ==")
    print(f"pages: {len(labels)}  promo lines: {total}")
    print(f"promo lines left in body: before {before}, after {after}")
    print(f"lines removed: {removed_total}; not labelled promo: {len(fps)}")
    print(f"datelines: {datelines}  credits: {credits_pages}  wire_source set: {wires}")
    for url, line in rng.sample(fps, min(sample, len(fps))):
        print(f"  - [{url[:50]}] {line[:110]!r}")
    left = [
        (u, p)
        for u, lab in labels.items()
        for p in lab.get("promo", [])
        if p in clean_body(pages.get(u, "")).body
    ]
    for u, p in left:
        print(f"  left: [{u[:50]}] {p[:90]!r}")


def score_aeb(shared: Path) -> None:
    truth = json.loads((shared / "corpora" / "aeb" / "ground-truth.json").read_text("utf-8"))
    removed: list[tuple[str, str]] = []
    credit_lines: list[str] = []
    datelines: list[str] = []
    lines_total = 0
    for page_id, rec in truth.items():
        body = rec.get("articleBody") or ""
        lines_total += sum(1 for ln in body.split("\n") if ln.strip())
        res = clean_body(body)
        removed.extend((page_id, ln) for ln in res.removed_lines)
        if res.credits:
            credit_lines.extend(res.credits.split("\n"))
        if res.dateline:
            datelines.append(res.dateline)
    print("== AEB ground truth ==")
    print(f"pages: {len(truth)}  non-empty lines: {lines_total}")
    print(f"boilerplate lines removed (likely false positives): {len(removed)}")
    for page_id, ln in removed:
        print(f"  - [{page_id[:8]}] {ln[:120]!r}")
    print(f"credit lines split off: {len(credit_lines)}")
    for ln in credit_lines:
        print(f"  c {ln[:120]!r}")
    print(f"datelines split off: {len(datelines)}: {datelines}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--sample", type=int, default=40, help="false positives to print")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"shared folder not found: {args.shared}; nothing to score")
        return 0
    rng = random.Random(args.seed)
    score_syndication(args.shared, args.sample, rng)
    print()
    score_aeb(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
