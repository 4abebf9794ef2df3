"""Site boilerplate learned from the site itself: body lines that recur across its stories.

The line rules of :mod:`newsarchive.clean.boilerplate` know what boilerplate looks like in
general ("Read also", newsletter prompts, copyright footers). Every site also has its own:
a signature ("Tips? Write to desk@example.com"), an "About us" paragraph under each
press release, a fixed disclaimer, a rotating set of promo lines. A sentence that a writer
wrote for one story does not come back word for word in story after story; standing text
does. So a site's recent stories are remembered as sets of line keys, and a line found in
at least :data:`MIN_PAGES` of the site's last :data:`SAMPLE_PAGES` stories is taken out of
the body.

The rule learns as the crawl goes: the first stories of a site keep their standing lines
(there is nothing to compare with yet); from the :data:`MIN_PAGES` + 1-th story on they
are removed. Samples hold the lines of the page *before* this step, so a line that is
removed keeps being counted and does not come back.

Everything here is pure: the samples are kept by the crawl state
(:meth:`newsarchive.state.sqlite.SQLiteState.add_site_line_sample`) and applied by
:class:`newsarchive.pipelines.sitelines.SiteLinesPipeline`.
"""

from __future__ import annotations

import hashlib
import struct
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_REMOVED_SHARE",
    "MAX_SAMPLE_LINES",
    "MIN_PAGES",
    "SAMPLE_PAGES",
    "SiteLineCounts",
    "line_key",
    "page_line_keys",
    "pack_line_keys",
    "repeated_lines",
    "strip_site_lines",
    "unpack_line_keys",
]

#: Stories remembered per site. Thirty covers a site's rotating promo lines (sites rotate
#: a handful of them) and is a few days of a small site's output or hours of a large one,
#: so a changed template is learned within a day.
SAMPLE_PAGES = 30
#: A line in this many of the remembered stories (one in six of 30) is standing text.
#: Verbatim repeats of a written sentence across five different stories of one site are
#: boilerplate in practice: signatures, bios, disclaimers, promo lines.
MIN_PAGES = 5
#: Lines kept per sample: the first and last half of this many distinct lines (standing
#: text sits at the start and end of a body; a sample stays under 1.6 KiB).
MAX_SAMPLE_LINES = 200
#: A page losing more than this share of its characters to the rule keeps them all: such a
#: page is mostly standing text (a near-empty template page, a weekly digest built from
#: fixed parts), and removing most of it would lose text rather than clean it.
MAX_REMOVED_SHARE = 0.5

_KEY_MASK = (1 << 63) - 1


def _normal(line: str) -> str:
    return " ".join(line.split()).casefold()


def line_key(line: str) -> int:
    """64-bit key of one body line: BLAKE2b of the line, whitespace-collapsed and
    case-folded, as a non-negative int below 2**63 (0 for a blank line)."""
    text = _normal(line)
    if not text:
        return 0
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _KEY_MASK or 1


def page_line_keys(body: str, limit: int = MAX_SAMPLE_LINES) -> list[int]:
    """The distinct line keys of ``body`` (lines split at ``\\n``), in body order; of a body
    with more than ``limit`` distinct lines only the first and last ``limit // 2``."""
    keys = list(dict.fromkeys(k for k in map(line_key, body.split("\n")) if k))
    if len(keys) > limit:
        half = limit // 2
        keys = keys[:half] + keys[-half:]
    return keys


def pack_line_keys(keys: Sequence[int]) -> bytes:
    """Line keys as little-endian signed 64-bit integers (8 bytes each).

    Raises:
        struct.error: for a key outside the signed 64-bit range.
    """
    return struct.pack(f"<{len(keys)}q", *keys)


def unpack_line_keys(blob: bytes) -> list[int]:
    """Inverse of :func:`pack_line_keys`.

    Raises:
        ValueError: if ``len(blob)`` is not a multiple of 8.
    """
    if len(blob) % 8:
        raise ValueError(f"line-key blob of {len(blob)} bytes is not a multiple of 8")
    return list(struct.unpack(f"<{len(blob) // 8}q", blob))


def repeated_lines(samples: Iterable[Sequence[int]], min_pages: int = MIN_PAGES) -> set[int]:
    """Keys found in at least ``min_pages`` of ``samples`` (each sample one story's keys;
    a key repeated inside one sample counts once)."""
    counts = SiteLineCounts([(str(n), keys) for n, keys in enumerate(samples)])
    return {key for key, count in counts.counts.items() if count >= min_pages}


class SiteLineCounts:
    """One site's samples (page id → line keys, oldest first) and how many samples hold
    each key, updated one sample at a time (the crawl keeps one per site in step with the
    state's ``site_lines`` rows).

    Args:
        rows: ``(page, keys)`` samples, oldest first; a page's keys count once each.
    """

    def __init__(self, rows: Iterable[tuple[str, Sequence[int]]]) -> None:
        self.pages: OrderedDict[str, list[int]] = OrderedDict(
            (page, list(dict.fromkeys(keys))) for page, keys in rows)
        self.counts: Counter[int] = Counter()
        for keys in self.pages.values():
            self.counts.update(keys)

    def repeated(self, page: str, keys: Sequence[int], need: int) -> set[int]:
        """``keys`` held by at least ``need`` samples of pages other than ``page``."""
        own = set(self.pages.get(page, ()))
        return {k for k in keys if self.counts[k] - (k in own) >= need}

    def add(self, page: str, keys: Sequence[int], keep: int) -> None:
        """Make ``keys`` the newest sample (replacing ``page``'s own); keep ``keep``."""
        old = self.pages.pop(page, None)
        if old is not None:
            self._forget(old)
        distinct = list(dict.fromkeys(keys))
        self.pages[page] = distinct
        self.counts.update(distinct)
        while len(self.pages) > keep:
            self._forget(self.pages.popitem(last=False)[1])

    def _forget(self, keys: list[int]) -> None:
        counts = self.counts
        for key in keys:
            counts[key] -= 1
            if counts[key] <= 0:
                del counts[key]


def strip_site_lines(
    body: str, repeated: set[int], max_share: float = MAX_REMOVED_SHARE
) -> tuple[str, list[str]]:
    """Remove the lines of ``body`` whose key is in ``repeated``.

    Returns:
        ``(body, removed)``: the body without those lines (other lines unchanged, in
        order) and the removed lines. When the removed lines would hold more than
        ``max_share`` of the body's non-space characters, nothing is removed.
    """
    if not repeated or not body:
        return body, []
    kept: list[str] = []
    removed: list[str] = []
    for line in body.split("\n"):
        (removed if line_key(line) in repeated else kept).append(line)
    if not removed:
        return body, []
    total = sum(len(line.strip()) for line in body.split("\n"))
    if sum(len(line.strip()) for line in removed) > max_share * total:
        return body, []
    return "\n".join(kept).strip("\n"), removed
