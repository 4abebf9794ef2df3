"""Real-page checks of newsarchive.extract against ../shared/corpora (skipped when absent).

Samples keep the run short; ``benchmarks/score_extract.py`` scores the full sets.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.extract import NotAnArticle, extract_page

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")

_WORD = re.compile(r"\w+")


def _grams(text: str) -> dict[tuple[str, ...], int]:
    tokens = _WORD.findall(text.lower())
    out: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens) - 3):
        key = tuple(tokens[i:i + 4])
        out[key] = out.get(key, 0) + 1
    return out


def _f1(pred: str, ref: str) -> float:
    p, r = _grams(pred), _grams(ref)
    overlap = sum(min(n, r.get(k, 0)) for k, n in p.items())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * precision * recall / (precision + recall)


def test_aeb_sample_body_f1() -> None:
    truth = json.loads((SHARED / "aeb" / "ground-truth.json").read_text())
    sample = sorted(truth)[::4]  # 28 of 111 pages
    scores = []
    for page_id in sample:
        data = gzip.decompress((SHARED / "aeb" / "html" / f"{page_id}.html.gz").read_bytes())
        article = extract_page(data, truth[page_id]["url"],
                               crawled_at=datetime(2019, 11, 21, tzinfo=UTC))
        scores.append(_f1(article.body, truth[page_id]["articleBody"]))
    assert sum(scores) / len(scores) >= 0.94


def _hu_responses(pattern: str) -> list[tuple[str, dict[str, str], bytes, datetime]]:
    from warcio.archiveiterator import ArchiveIterator

    out = []
    for path in sorted((SHARED / "warc-hu-news").glob(pattern)):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                if "html" not in headers.get("content-type", ""):
                    continue
                crawled = datetime.fromisoformat(
                    record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00"))
                out.append((record.rec_headers.get_header("WARC-Target-URI"), headers,
                            record.content_stream().read(), crawled))
    return out


def test_hu_articles_accepted_without_mojibake() -> None:
    for url, headers, body, crawled in _hu_responses("next_page_of_article_[fi]*.warc.gz"):
        if "/latest" in url:
            continue  # kremmania topic list shares this WARC with the threads
        article = extract_page(body, url, headers=headers, crawled_at=crawled)
        assert article.word_count > 20, url
        assert "\ufffd" not in article.body and "Å‘" not in article.body, url
        assert article.body.count("ő") > article.body.count("õ"), url


def test_hu_listings_rejected() -> None:
    for url, headers, body, crawled in _hu_responses("next_page_url_[hkt]*.warc.gz"):
        if re.search(r"/t/[^/]+/\d+", url):
            continue  # kremmania threads are articles (shared WARC records)
        with pytest.raises(NotAnArticle):
            extract_page(body, url, headers=headers, crawled_at=crawled)
