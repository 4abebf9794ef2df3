"""Main text with trafilatura 2.3.1.

Settings (measured on the AEB development split, 111 pages, mean per-page 4-gram F1; run
``benchmarks/score_extract.py``):

=========================================================  ======
trafilatura.extract defaults                               0.942
``fast=True`` (trafilatura's published setting)            0.954
``include_comments=False``                                  0.958
``favor_precision=True``                                    0.958
``include_comments=False, favor_precision=True`` (ours)     0.969
=========================================================  ======

Reader comments are not part of an article, and news templates surround the story with
teasers that the precision mode drops. When the precise pass returns less than
:data:`MIN_CHARS` characters (short pages where it throws away real text), a recall pass
is run and kept if it is longer.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

__all__ = ["MIN_CHARS", "extract_text"]

#: Below this many characters the precise pass is distrusted and a recall pass is tried.
MIN_CHARS = 250

_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def _run(document: Any, url: str | None, **options: Any) -> str:
    import trafilatura

    if not isinstance(document, str):
        # trafilatura prunes the tree it is given: work on a copy, which is much cheaper
        # than parsing the page again.
        document = copy.deepcopy(document)
    try:
        text = trafilatura.extract(
            document, url=url, include_comments=False, include_images=False,
            include_links=False, output_format="txt", with_metadata=False, **options,
        )
    except Exception:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup
        return ""
    return text or ""


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def extract_text(document: str | Any, url: str | None = None) -> str:
    """Return the main text of a decoded HTML document.

    Args:
        document: the page as text (already decoded), or its lxml tree (from
            :func:`~newsarchive.extract.metadata.parse_html`; left unchanged) so that the
            page is parsed once.
        url: the page URL (trafilatura uses it for site-specific rules).

    Returns:
        Paragraphs joined by a single ``"\\n"``, blank lines and repeated spaces removed;
        ``""`` when nothing was found. Never raises.
    """
    text = _run(document, url, favor_precision=True)
    if len(text) < MIN_CHARS:
        fallback = _run(document, url, favor_recall=True)
        if len(fallback) > len(text):
            text = fallback
    return _tidy(text)
