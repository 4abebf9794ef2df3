"""The AEB body metric, shared by the benchmark scripts.

Per page, precision and recall over multisets of lower-cased 4-grams of ``\\w+`` tokens
(the set's own metric, ../shared/README.md); the scripts average them over pages.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["body_prf", "grams"]

_WORD = re.compile(r"\w+")


def grams(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of lower-cased ``n``-grams of ``\\w+`` tokens of ``text``."""
    tokens = _WORD.findall((text or "").lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def body_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """``(precision, recall, F1)`` of a page; 1.0 each when both texts are empty."""
    p, t = grams(predicted), grams(truth)
    if not p and not t:
        return 1.0, 1.0, 1.0
    overlap = sum((p & t).values())
    precision = overlap / sum(p.values()) if p else 0.0
    recall = overlap / sum(t.values()) if t else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score
