"""De-duplication decisions: URL, exact and near-duplicate matching against the state.

:class:`Deduplicator` decides, for each extracted :class:`~newsarchive.items.Article`,
whether it is a new story, an already processed page, or another copy of a stored story,
and records the outcome in an :class:`~newsarchive.state.base.ArchiveState`.

Near-duplicates are found in two steps:

1. **Candidates** from a persistent index of sampled shingles: the state keeps one row
   per (key, day, article) for about one shingle in eight
   (:func:`~newsarchive.dedup.fingerprint.sample_keys`), so nothing is rebuilt at open;
   a query fetches the articles sharing keys, most shared first, at most
   ``max_candidates``; those of the last ``window_days`` days are verified first, older
   ones only when none of those is a match.
2. **Confirmation** by exact shingle containment ``|A ∩ B| / min(|A|, |B|)``, so a copy
   that runs only the first third of a story still matches it.

Site templates. Extractors leave some of a site's page template in bodies (related-links
lists, "About <company>" paragraphs). On the syndication dev set this made two different
stories on the same site share up to 0.44 of their shingles, while the weakest true copy
(a trimmed copy inside another site's template) reached only 0.50 -- no usable margin.
The state therefore keeps each site's last ``site_samples`` pages' shingle sets; before
comparing A with candidate B, shingles that A (or B) shares with other pages of its own
site that are *not* in B's cluster are removed as template text. This moved the lowest
same-story containment from 0.50 to 0.69 and the highest different-story containment on
one site from 0.44 to 0.375. Pages of the candidate's own cluster are never counted as
template, so a site that republishes a story twice is not blinded to it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsarchive.dedup import fingerprint as fp
from newsarchive.dedup.urls import normalize_url, same_site
from newsarchive.items import Article
from newsarchive.state.base import CANONICAL_KEY, ArchiveState, NearEntry, StoredRef

__all__ = [
    "DISK_KEYS",
    "KEY_SHARE",
    "MANY_KEYS",
    "MAX_CANDIDATES",
    "MIN_SHINGLES",
    "NEAR_CONTAINMENT",
    "SAME_SITE_CONTAINMENT",
    "SITE_SAMPLES",
    "TEMPLATE_MIN_PAGES",
    "WINDOW_DAYS",
    "Decision",
    "Deduplicator",
]

#: Containment needed to call two bodies on different sites the same story. Syndication
#: dev set, 5-word shingles, after template removal: different stories (including other
#: write-ups of the same event) reach at most 0.21; same-story copies at least 0.69.
#: 0.45 sits near the middle of that gap (0.24 above the highest negative, 0.24 below the
#: lowest positive), so neither side depends on a single page.
NEAR_CONTAINMENT = 0.45

#: Containment needed when both pages are on the same site. Pages of one site share their
#: template; when the state has seen no third page of the site yet, template text cannot
#: be told from story text (dev set: up to 0.44 between different stories). Syndicated
#: copies live on other sites; a site re-posting its own story under a new URL is nearly
#: verbatim (or caught by URL/exact hash), so a high bar costs little recall.
SAME_SITE_CONTAINMENT = 0.75

#: Fewest shingles (after template removal) either body must have for a near match;
#: about 45 words (two short paragraphs). Below that a few shared phrases (a standard
#: disclaimer, a quoted sentence) give a high containment by chance. The shortest true
#: body on the dev set has 65 shingles.
MIN_SHINGLES = 40

#: Most candidates verified per search (the ones sharing the most keys). Every candidate
#: costs a blob read, template removal and a set intersection. The generated set has
#: 3.1 candidates per article on average, and a story's own copies share far more keys
#: than the stock-phrase candidates behind them; the few articles with 20-50 candidates
#: (all stock phrases) made the slowest 4 % of articles take a quarter of the time at a
#: million articles (``benchmarks/dedup_scale.py``) with no change in what is found.
MAX_CANDIDATES = 20

#: Pages kept per site as template samples. Ten pages are enough to cover the template's
#: variants (related-links lists rotate) while keeping a lookup to ten small blobs.
SITE_SAMPLES = 10

#: Days of the index searched first (the recent window). Syndicated copies run within
#: hours or days of the original (synd-dev: all within 3 days); 30 days also covers
#: follow-ups and late re-posts. Only when nothing in the window matches are older
#: articles searched, from the same on-disk index.
WINDOW_DAYS = 30

#: Keys looked up in the older index on disk (beyond the time window). Any subset of a
#: copy's keys is a subset of its story's keys, so a few suffice: a copy at the 0.45
#: containment threshold shares each key with probability ~0.45, and the chance that 16
#: keys give fewer than the 2 hits needed is 0.1 %. Each disk key costs a B-tree seek
#: (~20-60 us at a million articles), so 16 instead of ~50 keeps a miss below 1 ms.
DISK_KEYS = 16

#: A query with at least this many keys needs candidates sharing two of them: a true copy
#: (containment >= 0.45) shares about 0.45 x 24 = 11 keys on average, while one shared
#: key is often a stock phrase ("said in a statement on Tuesday").
MANY_KEYS = 24

#: Least share of the keys a candidate must have in common with the query (of the
#: smaller key set) to be verified. A copy at the 0.45 containment threshold shares 45 %
#: of its keys on average; 12 % leaves a wide margin for sampling noise while skipping
#: candidates that share only a stock phrase or two.
KEY_SHARE = 0.12

#: Pages (of different stories) of one site that must share a shingle before it counts as
#: the site's template text. Template blocks (about-us paragraphs, most-read lists, share
#: prompts) are on nearly every page; a sentence that one other page of the site happens
#: to share (a live blog quoting a story's lead, a second copy's paragraph) is not
#: template, and removing it blinded the site to those pages' copies.
TEMPLATE_MIN_PAGES = 2

_CACHED_SITES = 2000
_CACHED_CANDIDATES = 4096

_KINDS = ("new", "seen", "url", "exact", "near")


@dataclass
class Decision:
    """Outcome of :meth:`Deduplicator.decide`.

    Attributes:
        kind: ``"new"`` (store it), ``"seen"`` (already processed: drop silently),
            ``"url"``, ``"exact"`` or ``"near"`` (a copy of a stored story: record a
            sighting).
        duplicate_of: ``article_id`` of the stored copy (url/exact/near), else None.
        cluster_id: the stored copy's ``cluster_id``; for ``new`` the article's own
            ``article_id``; None for ``seen``.
        similarity: 1.0 for url/exact; shingle containment (0..1) for near; 0.0 for
            new/seen.
    """

    kind: str
    duplicate_of: str | None
    cluster_id: str | None
    similarity: float


class Deduplicator:
    """Decide and record duplicates against an :class:`ArchiveState`.

    Args:
        state: where known URLs, hashes and the near-duplicate index live.
        near_containment: :data:`NEAR_CONTAINMENT`.
        same_site_containment: :data:`SAME_SITE_CONTAINMENT`.
        min_shingles: :data:`MIN_SHINGLES`.
        max_candidates: :data:`MAX_CANDIDATES`.
        site_samples: :data:`SITE_SAMPLES`.
        window_days: :data:`WINDOW_DAYS`; None searches the whole index at once.

    Raises:
        ValueError: if a threshold is outside (0, 1] or a count is negative.
    """

    def __init__(
        self,
        state: ArchiveState,
        *,
        near_containment: float = NEAR_CONTAINMENT,
        same_site_containment: float = SAME_SITE_CONTAINMENT,
        min_shingles: int = MIN_SHINGLES,
        max_candidates: int = MAX_CANDIDATES,
        site_samples: int = SITE_SAMPLES,
        window_days: int | None = WINDOW_DAYS,
    ) -> None:
        for name, value in (("near_containment", near_containment),
                            ("same_site_containment", same_site_containment)):
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if min_shingles < 1 or max_candidates < 0 or site_samples < 0:
            raise ValueError("min_shingles must be >= 1, counts must be >= 0")
        self.state = state
        self.near_containment = near_containment
        self.same_site_containment = same_site_containment
        self.min_shingles = min_shingles
        self.max_candidates = max_candidates
        self.site_samples = site_samples
        self.window_days = window_days
        self._cache: tuple[str, fp.Fingerprint] | None = None
        self._template_cache: dict[str, _SiteTemplate] = {}
        self._sample_cache: dict[str, list[tuple[str, np.ndarray]]] = {}
        self._stripped: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # candidate article_id -> (the template it was stripped of, stripped shingles);
        # holding the template keeps its identity valid for the comparison
        self._cand_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._url_cache: tuple[str, tuple[str, ...], list[str]] | None = None
        self._canonical_cache: tuple[str, str | None] | None = None

    # -- helpers ------------------------------------------------------------------------

    def _fingerprint(self, article: Article) -> fp.Fingerprint:
        if self._cache is not None and self._cache[0] == article.body:
            return self._cache[1]
        result = fp.fingerprint(article.body)
        self._cache = (article.body, result)
        return result

    def _urls(self, article: Article, fetched_urls: Sequence[str]) -> list[str]:
        """Normalized url + fetched URLs (in that order, no repeats, invalid ones skipped);
        remembered for the last article (decide, then record)."""
        key = (article.url, tuple(fetched_urls))
        if self._url_cache is not None and self._url_cache[:2] == key:
            return list(self._url_cache[2])
        out = self._normalized_urls(article, fetched_urls)
        self._url_cache = (key[0], key[1], out)
        return list(out)

    @staticmethod
    def _normalized_urls(article: Article, fetched_urls: Sequence[str]) -> list[str]:
        out: list[str] = []
        for url in (article.url, *fetched_urls):
            try:
                norm = normalize_url(url)
            except ValueError:
                continue
            if norm not in out:
                out.append(norm)
        return out

    def _canonical(self, article: Article) -> str | None:
        """Normalized canonical URL (remembered for the last article: decide, record)."""
        raw = article.canonical_url or article.url
        if self._canonical_cache is not None and self._canonical_cache[0] == raw:
            return self._canonical_cache[1]
        try:
            norm: str | None = normalize_url(raw)
        except ValueError:
            norm = None
        self._canonical_cache = (raw, norm)
        return norm

    def _samples(self, site: str) -> list[tuple[str, np.ndarray]]:
        """The site's template samples, unpacked; remembered until :meth:`record` adds
        one to the site (this object is the state's only writer during a run)."""
        got = self._sample_cache.get(site)
        if got is None:
            if len(self._sample_cache) >= _CACHED_SITES:
                self._sample_cache.clear()
                self._template_cache.clear()
            got = [(c, fp.unpack_hashes(b)) for c, b in self.state.site_samples(site)]
            self._sample_cache[site] = got
        return got

    # -- decide -------------------------------------------------------------------------

    def decide(self, article: Article, *, fetched_urls: Sequence[str] = ()) -> Decision:
        """Classify ``article`` against the state (reads only; records nothing).

        Order: ``seen`` (its url or a fetched URL was fetched before), ``url`` (its
        canonical URL is the canonical or fetched URL of an archived page: an AMP, print
        or ``?loadall`` view of a stored story, or the plain URL of a stored view),
        ``exact`` (same normalized body), ``near`` (best confirmed LSH candidate), else
        ``new``. A URL known only as another page's canonical URL was not fetched, so
        fetching it gives a ``url`` sighting, not ``seen``.

        Args:
            article: the extracted, cleaned article.
            fetched_urls: the requested URL and the redirect chain, if any.
        """
        for url in self._urls(article, fetched_urls):
            if self.state.get_url(url) is not None:
                return Decision("seen", None, None, 0.0)
        canonical = self._canonical(article)
        if canonical is not None:
            ref = self.state.get_url(CANONICAL_KEY + canonical) or self.state.get_url(canonical)
            if ref is not None:
                return Decision("url", ref.article_id, ref.cluster_id, 1.0)
        fprint = self._fingerprint(article)
        exact = self.state.get_exact(fprint.exact)
        if exact is not None and fprint.word_count:
            return Decision("exact", exact.article_id, exact.cluster_id, 1.0)
        near = self._near(article, fprint.shingles)
        if near is not None:
            return near
        return Decision("new", None, article.article_id, 0.0)

    def _near(self, article: Article, shingles: np.ndarray) -> Decision | None:
        if len(shingles) < self.min_shingles or self.max_candidates == 0:
            return None
        self._stripped = None
        own_samples = self._samples(article.domain)
        query = fp.difference(shingles, self._template(article.domain, own_samples, None))
        if len(query) < self.min_shingles:
            query = shingles
        keys = fp.sample_keys(query)
        min_hits = 2 if len(keys) >= MANY_KEYS else 1
        day = _day(article)
        best: Decision | None = None
        site_cache: dict[str, list[tuple[str, np.ndarray]]] = {article.domain: own_samples}
        # The time window (held in memory by the state) with every key; only when
        # nothing there matches, the older index on disk with DISK_KEYS of the keys.
        if self.window_days is None:
            searches: list[dict[str, Any]] = [{}]
        else:
            since = day - self.window_days
            searches = [{"since_day": since}, {"before_day": since, "max_keys": DISK_KEYS}]
        for search in searches:
            cands = self.state.near_candidates(keys, self.max_candidates, min_hits=min_hits,
                                               min_share=KEY_SHARE, **search)
            for cand in cands:
                if cand.article_id == article.article_id:
                    continue
                score = self._score(article.domain, shingles, cand, site_cache)
                threshold = self.threshold_for(article.domain, cand)
                if score >= threshold and (best is None or score > best.similarity):
                    best = Decision("near", cand.article_id, cand.cluster_id, round(score, 6))
            if best is not None:
                return best
        return best

    def similarity(self, article: Article, entry: NearEntry) -> float:
        """Return the template-aware containment that :meth:`decide` would compute between
        ``article`` and the indexed ``entry`` (0.0 when either side is below
        ``min_shingles`` after template removal). For measurements and diagnostics."""
        shingles = self._fingerprint(article).shingles
        return self._score(article.domain, shingles, entry,
                           {article.domain: self._samples(article.domain)})

    def threshold_for(self, domain: str, entry: NearEntry) -> float:
        """Return the containment a page of ``domain`` needs to match ``entry``."""
        if _same_site_domains(domain, entry.site):
            return self.same_site_containment
        return self.near_containment

    def _score(self, site: str, shingles: np.ndarray, cand: NearEntry,
               site_cache: dict[str, list[tuple[str, np.ndarray]]]) -> float:
        """Containment of A and B after removing each one's site-template shingles."""
        if cand.site not in site_cache:
            site_cache[cand.site] = self._samples(cand.site)
        template = self._template(site, site_cache[site], cand.cluster_id)
        cached = self._stripped
        if cached is None or cached[0] is not template or cached[1] is not shingles:
            cached = (template, shingles, fp.difference(shingles, template))
            self._stripped = cached
        a = cached[2]
        cand_template = self._template(cand.site, site_cache[cand.site], cand.cluster_id)
        known = self._cand_cache.get(cand.article_id)
        if known is not None and known[0] is cand_template:
            b = known[1]
        else:
            b = fp.difference(fp.unpack_hashes(cand.shingles), cand_template)
            if len(self._cand_cache) >= _CACHED_CANDIDATES:
                self._cand_cache.clear()
            self._cand_cache[cand.article_id] = (cand_template, b)
        if len(a) < self.min_shingles or len(b) < self.min_shingles:
            return 0.0
        return fp.containment(a, b)

    def _template(self, site: str, samples: Sequence[tuple[str, np.ndarray]],
                  exclude: str | None) -> np.ndarray:
        """:func:`_template_hashes`, from the site's per-story counts, which are kept until
        the site gets a new sample (the answer only depends on ``exclude`` when that
        cluster has samples on the site)."""
        counts = self._template_cache.get(site)
        if counts is None:
            counts = self._template_cache[site] = _SiteTemplate(samples)
        return counts.template(exclude)

    # -- record -------------------------------------------------------------------------

    def record(self, article: Article, decision: Decision, *,
               fetched_urls: Sequence[str] = ()) -> None:
        """Record ``article`` in the state according to ``decision`` (pending until the
        state's commit).

        ``new``: its URLs, canonical URL, exact hash and near-index entry point at itself
        (cluster = its ``article_id``). ``url``/``exact``/``near``: its URLs and exact
        hash become known, pointing at ``decision.duplicate_of`` (a sighting; not added
        to the near index). ``seen``: nothing. Both add the page to its site's template
        samples.

        Raises:
            ValueError: for an unknown ``decision.kind`` or a duplicate decision without
                ``duplicate_of``/``cluster_id``.
        """
        if decision.kind not in _KINDS:
            raise ValueError(f"unknown decision kind {decision.kind!r}")
        if decision.kind == "seen":
            return
        fprint = self._fingerprint(article)
        urls = self._urls(article, fetched_urls)
        canonical = self._canonical(article)
        if canonical is not None:
            urls.append(CANONICAL_KEY + canonical)
        if decision.kind == "new":
            ref = StoredRef(article.article_id, article.article_id, True)
            cluster = article.article_id
        else:
            if decision.duplicate_of is None or decision.cluster_id is None:
                raise ValueError(f"a {decision.kind!r} decision needs duplicate_of and cluster")
            ref = StoredRef(decision.duplicate_of, decision.cluster_id, False)
            cluster = decision.cluster_id
        for url in urls:
            self.state.add_url(url, ref)
        if fprint.word_count:
            self.state.add_exact(fprint.exact, ref)
        shingles = fprint.shingles
        samples = self._samples(article.domain) if self.site_samples else []
        if decision.kind == "new" and len(shingles) >= self.min_shingles:
            query = fp.difference(shingles, self._template(article.domain, samples, None))
            if len(query) < self.min_shingles:
                query = shingles
            entry = NearEntry(article.article_id, cluster, article.domain,
                              fp.pack_hashes(shingles), _day(article))
            self.state.add_near(entry, fp.sample_keys(query))
        if self.site_samples and len(shingles):
            self.state.add_site_sample(article.domain, cluster, fp.pack_hashes(shingles),
                                       self.site_samples)
            cached = self._sample_cache.get(article.domain)
            if cached is not None:  # the state's samples, kept in step without a read
                cached.append((cluster, shingles))
                del cached[:-self.site_samples]
            self._template_cache.pop(article.domain, None)


def _day(article: Article) -> int:
    """The article's day (publication, else capture) as days since 1970-01-01."""
    when = article.published_at or article.crawled_at
    return int(when.timestamp() // 86400)


def _template_hashes(samples: Sequence[tuple[str, np.ndarray]],
                     exclude: str | None) -> np.ndarray:
    """The site's template text as seen in its sampled pages (sorted unique uint64).

    Samples of the cluster ``exclude`` (the candidate's story) never count, and samples of
    one cluster count once. A shingle is template text when :data:`TEMPLATE_MIN_PAGES`
    of the other stories' pages hold it -- once the site has
    :data:`TEMPLATE_MIN_PAGES` + 1 such stories sampled; before that, one page is enough.
    """
    per_cluster: dict[str, list[np.ndarray]] = {}
    for cluster, hashes in samples:
        if cluster != exclude:
            per_cluster.setdefault(cluster, []).append(hashes)
    if not per_cluster:
        return np.zeros(0, dtype=np.uint64)
    others = [h[0] if len(h) == 1 else fp.unique(np.concatenate(h))
              for h in per_cluster.values()]
    values, counts = fp.unique_counts(np.concatenate(others))
    need = TEMPLATE_MIN_PAGES if len(others) > TEMPLATE_MIN_PAGES else 1
    return values[counts >= need]


class _SiteTemplate:
    """A site's sampled shingles counted per story, to answer :func:`_template_hashes`
    for any excluded story without re-sorting the samples.

    ``values``/``counts``: each distinct shingle of the samples and how many stories'
    samples hold it; ``clusters``: each story's sampled shingles (union of its pages).
    """

    def __init__(self, samples: Sequence[tuple[str, np.ndarray]]) -> None:
        per_cluster: dict[str, list[np.ndarray]] = {}
        for cluster, hashes in samples:
            per_cluster.setdefault(cluster, []).append(hashes)
        self.clusters = {c: h[0] if len(h) == 1 else fp.unique(np.concatenate(h))
                         for c, h in per_cluster.items()}
        if self.clusters:
            stacked = np.concatenate(list(self.clusters.values()))
            self.values, self.counts = fp.unique_counts(stacked)
        else:
            self.values, self.counts = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        self._templates: dict[str | None, np.ndarray] = {}

    def template(self, exclude: str | None) -> np.ndarray:
        """:func:`_template_hashes` of the samples with ``exclude``'s not counted."""
        if exclude not in self.clusters:
            exclude = None
        got = self._templates.get(exclude)
        if got is None:
            stories = len(self.clusters) - (exclude is not None)
            counts = self.counts
            if exclude is not None:
                counts = counts - fp.members(self.values, self.clusters[exclude])
            need = TEMPLATE_MIN_PAGES if stories > TEMPLATE_MIN_PAGES else 1
            got = self.values[counts >= need] if stories else self.values[:0]
            self._templates[exclude] = got
        return got


@functools.lru_cache(maxsize=4096)
def _same_site_domains(a: str, b: str) -> bool:
    """:func:`~newsarchive.dedup.urls.same_site` for bare domains (cached: the same pairs
    of sites meet again and again)."""
    return same_site(f"https://{a}/", f"https://{b}/")
