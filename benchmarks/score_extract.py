"""Score newsarchive.extract on the shared corpora.

Usage::

    python benchmarks/score_extract.py [--aeb DIR] [--hu DIR] [--trafilatura DIR]
                                       [--fundus DIR] [--failures] [--limit N]

Prints:

* AEB body F1 — mean over pages of the F1 of precision and recall over multisets of
  lower-cased 4-grams of ``\\w+`` tokens (the set's own metric) — for :func:`extract_page`
  and for plain ``trafilatura.extract`` (default settings) on the same pages in the same run;
  a page that ``extract_page`` rejects scores 0;
* hu-news accept/reject confusion. Ground truth by file name: responses in
  ``next_page_of_article*.warc.gz`` are articles, those in
  ``extract_article_urls_from_page*.warc.gz`` / ``next_page_url*.warc.gz`` are listings.
  A record that sits in files of both kinds (the kremmania forum WARCs share records) is
  labelled by its URL as the project decided: forum *threads* (``/t/…``) are articles, the
  topic list (``/latest``) is a listing. Only HTML responses are scored;
* how many pages of the trafilatura ``eval/`` and fundus ``test_data/`` sets (all articles
  or single documents) are rejected.

``--failures`` lists the per-page misses (lowest F1 pages, wrong accept/reject decisions).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.aeb_metric import body_prf  # noqa: E402
from newsarchive.extract import NotAnArticle, extract_page  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
_WORD = re.compile(r"\w+")


def f1(pred: str, ref: str) -> float:
    return body_prf(pred, ref)[2]


def score_aeb(directory: Path, failures: bool, limit: int | None) -> None:
    import trafilatura

    truth = json.loads((directory / "ground-truth.json").read_text())
    ours, theirs, rows = [], [], []
    start = time.time()
    for page_id, item in list(truth.items())[:limit]:
        data = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
        try:
            body = extract_page(data, item["url"], crawled_at=datetime(2019, 11, 21,
                                                                       tzinfo=UTC)).body
            note = ""
        except NotAnArticle as error:
            body, note = "", f"rejected: {error.reason}"
        plain = trafilatura.extract(data.decode("utf-8", "replace"), url=item["url"]) or ""
        ours.append(f1(body, item["articleBody"]))
        theirs.append(f1(plain, item["articleBody"]))
        rows.append((ours[-1], theirs[-1], page_id, note))
    n = len(ours)
    print(f"AEB body F1 ({n} pages, {time.time() - start:.0f} s)")
    print(f"  {'extract_page':<24}{sum(ours) / n:.4f}")
    print(f"  {'trafilatura.extract':<24}{sum(theirs) / n:.4f}")
    if failures:
        for mine, plain_f1, page_id, note in sorted(rows)[:15]:
            print(f"    {mine:.3f} (trafilatura {plain_f1:.3f}) {page_id[:16]} {note}")


def _hu_records(directory: Path) -> Iterator[tuple[str, str, int, dict[str, str], str, bytes]]:
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                if "html" not in headers.get("content-type", ""):
                    continue
                yield path.name, record.rec_headers.get_header("WARC-Target-URI"), \
                    int(record.http_headers.get_statuscode() or 0), headers, \
                    record.rec_headers.get_header("WARC-Date"), record.content_stream().read()


def _hu_label(files: set[str], url: str) -> str:
    kinds = {"article" if f.startswith("next_page_of_article") else "listing" for f in files}
    if len(kinds) == 1:
        return kinds.pop()
    return "article" if re.search(r"/t/[^/]+/\d+", url) else "listing"


def score_hu(directory: Path, failures: bool) -> None:
    records: dict[tuple[str, bytes], dict[str, Any]] = {}
    for name, url, status, headers, warc_date, body in _hu_records(directory):
        key = (url, body[:2000])
        entry = records.setdefault(key, {"files": set(), "url": url, "status": status,
                                         "headers": headers, "date": warc_date, "body": body})
        entry["files"].add(name)
    confusion: collections.Counter[tuple[str, str]] = collections.Counter()
    misses = []
    mojibake = 0
    for entry in records.values():
        label = _hu_label(entry["files"], entry["url"])
        crawled = datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
        try:
            article = extract_page(entry["body"], entry["url"], headers=entry["headers"],
                                   crawled_at=crawled, status=entry["status"])
            decision, reason = "accepted", ""
            text = article.body + (article.title or "")
            # Users of Hungarian forums do type "õ"/"û" now and then; a mis-decoded page
            # has them instead of "ő"/"ű" throughout.
            if re.search("Ã©|Å‘|Å±|\ufffd", text) or len(re.findall("[õû]", text)) > len(
                re.findall("[őű]", text)
            ):
                mojibake += 1
                misses.append(("mojibake", entry["url"]))
        except NotAnArticle as error:
            decision, reason = "rejected", error.reason
        confusion[(label, decision)] += 1
        if (label == "article") != (decision == "accepted"):
            misses.append((f"{label} {decision} {reason}", entry["url"]))
    print(f"hu-news ({len(records)} HTML responses)")
    print(f"  {'':<10}{'accepted':>10}{'rejected':>10}")
    for label in ("article", "listing"):
        print(f"  {label:<10}{confusion[(label, 'accepted')]:>10}"
              f"{confusion[(label, 'rejected')]:>10}")
    print(f"  accepted pages with mojibake/U+FFFD: {mojibake}")
    if failures:
        for what, url in misses:
            print(f"    {what}: {url[:110]}")


def score_rejects(name: str, pages: list[tuple[str, bytes]], failures: bool) -> None:
    rejected = []
    for url, data in pages:
        try:
            extract_page(data, url)
        except NotAnArticle as error:
            rejected.append((error.reason, url))
    print(f"{name}: {len(rejected)} of {len(pages)} pages rejected")
    if failures:
        for reason, url in rejected:
            print(f"    {reason}: {url[:110]}")


def _trafilatura_pages(directory: Path) -> list[tuple[str, bytes]]:
    """eval/ pages; the URL is the page's own canonical/og:url (file names are hashes)."""
    pages = []
    link = re.compile(rb"""<(?:link[^>]*rel=["']canonical["'][^>]*href|meta[^>]*property=["']"""
                      rb"""og:url["'][^>]*content)=["'](https?://[^"']+)""", re.IGNORECASE)
    for path in sorted((directory / "eval").glob("*.html.gz")):
        data = gzip.decompress(path.read_bytes())
        match = link.search(data)
        url = match.group(1).decode("latin-1") if match else "https://example.org/page"
        pages.append((url, data))
    return pages


def _fundus_pages(directory: Path) -> list[tuple[str, bytes]]:
    mapping = json.loads((directory / "html_to_expected.json").read_text())
    return [(item["url"], gzip.decompress((directory / "test_data" / rel).read_bytes()))
            for rel, item in mapping.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", type=Path, default=SHARED / "aeb")
    parser.add_argument("--hu", type=Path, default=SHARED / "warc-hu-news")
    parser.add_argument("--trafilatura", type=Path, default=SHARED / "trafilatura")
    parser.add_argument("--fundus", type=Path, default=SHARED / "fundus")
    parser.add_argument("--failures", action="store_true", help="list per-page misses")
    parser.add_argument("--limit", type=int, default=None, help="AEB pages to score")
    args = parser.parse_args()
    if args.aeb.exists():
        score_aeb(args.aeb, args.failures, args.limit)
    if args.hu.exists():
        score_hu(args.hu, args.failures)
    if args.trafilatura.exists():
        score_rejects("trafilatura eval", _trafilatura_pages(args.trafilatura), args.failures)
    if args.fundus.exists():
        score_rejects("fundus test_data", _fundus_pages(args.fundus), args.failures)


if __name__ == "__main__":
    main()
