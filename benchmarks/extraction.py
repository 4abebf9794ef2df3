"""Extraction benchmark: ``newsarchive.extract_article`` against the reference tools.

Usage::

    python benchmarks/extraction.py [--corpora DIR] [--set aeb|htmldate|trafilatura|fundus]
                                    [--failures] [--limit N] [--shard K/N]
                                    [--no-reference]

``--corpora`` is a folder holding any of the sub-folders ``aeb/``, ``htmldate/``,
``trafilatura/``, ``fundus/`` in the layout of ``../shared/corpora`` (the default); a folder
that is itself one set (it holds ``ground-truth.json``, ``eval_default.json`` /
``eval_mediacloud_2020.json``, ``evaldata.json`` or ``html_to_expected.json``) is scored as
that set. ``--set`` (repeatable) picks sets, ``--limit N`` scores the first N pages of each
set, ``--shard K/N`` keeps the pages whose file name has CRC-32 ``K`` modulo ``N`` (stable
halves or folds of a set, for checking a rule on pages it was not developed on),
``--failures`` prints every page a measure got wrong, ``--no-reference`` skips the
reference tools (faster while iterating).

Every page is run through ``newsarchive.extract_article`` and, in the same run, through the
set's reference tool; each set prints one table (this project | reference | target) with
the set's own metric (``../shared/README.md``):

* ``aeb`` — body F1: per page, precision and recall over multisets of lower-cased 4-grams
  of ``\\w+`` tokens, F1 of the two, averaged over pages. Reference: ``trafilatura.extract``
  (default settings).
* ``htmldate`` — publication-date accuracy: share of labelled pages whose ``YYYY-MM-DD``
  equals the label. Ours is the calendar date of ``published_at`` in the offset the page
  states (the day the page gives; the label's convention). Reference: ``htmldate.find_date``
  with ``extensive_search=True, original_date=True`` (the settings of htmldate's own
  published evaluation; without ``original_date`` it returns the latest date it finds).
  Pages whose label is the page's modification date (not its declared publication date)
  are counted separately.
* ``trafilatura`` — snippet F1 over the whole set (a ``with`` snippet found in the body is a
  true positive, one not found a false negative; a ``without`` snippet found is a false
  positive; whitespace collapsed on both sides); exact title match over pages with a
  non-empty title label (whitespace-normalized string equality); author match over pages
  with an ``author`` label (the label split at ``;``/``,``/`` and ``, compared as a set of
  lower-cased names with ours; an empty label expects no author). Reference:
  ``trafilatura.bare_extraction(with_metadata=True)`` (text plus comments, as ``extract``
  returns them).
* ``fundus`` — title exact match, authors (same set comparison; pages with an empty list
  expect none), date (``YYYY-MM-DD`` of the label in its own UTC offset against ours
  in the same offset) and paragraph recall (share of expected paragraphs whose sequence of
  lower-cased ``\\w+`` tokens occurs in the body's, so that spacing and punctuation
  differences of the fixtures do not count; averaged over pages). Reference:
  ``trafilatura.bare_extraction(with_metadata=True)``.
* speed — pages per CPU-second (``time.process_time``, one core) of ``extract_article`` and
  of ``trafilatura.bare_extraction(with_metadata=True)`` over the pages of the trafilatura
  and fundus sets (where both run), and
  the largest per-page peak of Python allocations (``tracemalloc``) over a sample of pages.
  The state both tools share through htmldate and build on first use (dateparser's locale
  tables) is built before the first page (:func:`warm_shared_state`).

Under the author rows of the trafilatura and fundus sets, a line counts the missed labels
whose names this project's author rules refuse (never the site's or publisher's name, a
desk such as "Staff" or "Redaktion"; :func:`refused_names`), and the best author score an
extractor keeping those rules can reach; ``--failures`` marks those pages ``refused=``.

A page that ``extract_article`` rejects (``NotAnArticle``) scores as an empty extraction.
Text is compared in Unicode NFC without soft hyphens (:func:`canonical`), on both sides
and for every tool.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import logging
import re
import sys
import time
import tracemalloc
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.aeb_metric import body_prf  # noqa: E402
from newsarchive import NotAnArticle, extract_article  # noqa: E402
from newsarchive.items import Article  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
SETS = ("aeb", "htmldate", "trafilatura", "fundus")
TARGETS = {
    "aeb body F1": 0.970,
    "date accuracy": 0.940,
    "snippet F1": 0.940,
    "title exact": 0.85,
    "author match": 0.80,
    "fundus title": 0.90,
    "fundus authors": 0.90,
    "fundus date": 0.98,
    "fundus paragraph recall": 0.98,
}
MEMORY_SAMPLE = 25
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&)\s*", re.IGNORECASE)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


# --- metrics -------------------------------------------------------------------------------
def body_f1(pred: str, ref: str) -> float:
    """AEB's per-page F1 over multisets of lower-cased 4-grams of ``\\w+`` tokens."""
    return body_prf(pred, ref)[2]


def canonical(text: str | None) -> str:
    """``text`` in Unicode NFC without soft hyphens: canonically equivalent spellings
    (a decomposed "é" in a fixture, a composed one in an extractor's output) and
    invisible hyphenation hints are the same text for every measure and every tool."""
    return unicodedata.normalize("NFC", text or "").replace("\u00ad", "")


def squash(text: str | None) -> str:
    return _SPACE.sub(" ", canonical(text)).strip()


def label_names(names: list[str] | str | None) -> list[str]:
    """Author names of a label or a result, split at :data:`_NAME_SPLIT`, whitespace
    normalized, as written."""
    if names is None:
        return []
    parts = _NAME_SPLIT.split(names) if isinstance(names, str) else [
        p for name in names for p in _NAME_SPLIT.split(name)
    ]
    return [squash(p) for p in parts if squash(p)]


def name_set(names: list[str] | str | None) -> frozenset[str]:
    """Author names as a set of lower-cased, whitespace-normalized names."""
    return frozenset(name.lower() for name in label_names(names))


def date_in(moment: datetime | None, tz: timezone | None) -> str:
    if moment is None:
        return ""
    if tz is not None and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%d")


# --- running the tools ---------------------------------------------------------------------
@dataclass
class Result:
    body: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    note: str = ""
    modified: datetime | None = None


#: ``functools.lru_cache`` functions of the libraries both tools call whose entries are a
#: page's own strings (text lines, date expressions). Both tools run on each page in turn,
#: so without clearing them the second tool would find the first one's lines cached
#: (``trim``/``line_processing`` cache 1,024 lines each). Caches of fixed tables (month
#: names, stop lists, character classes) are left warm.
PAGE_CACHES = (
    ("trafilatura.utils", "line_processing"), ("trafilatura.utils", "trim"),
    ("htmldate.extractors", "try_date_expr"), ("htmldate.validators", "_parse_and_validate"),
    ("htmldate.validators", "filter_ymd_candidate"),
)


def clear_page_caches() -> None:
    """Empty :data:`PAGE_CACHES` (those of them that exist in the installed versions)."""
    for module_name, name in PAGE_CACHES:
        module = sys.modules.get(module_name)
        clear = getattr(getattr(module, name, None), "cache_clear", None)
        if clear is not None:
            clear()


def warm_shared_state() -> None:
    """Build, untimed, the lazily built state that both tools reach through htmldate.

    Both tools call ``htmldate.find_date(extensive_search=True)``, which hands some strings
    to dateparser; dateparser's first call that no locale parses compiles every locale's
    tables (about 2 CPU-seconds), and later calls of either tool reuse them. Unwarmed, that
    cost falls on whichever tool reaches dateparser first, always ours (it runs first on
    each page; measured: on page 60 of 833, 2.4 s, where the reference then needed 0.04 s).
    Each tool's own lazy loading (py3langid's model, jusText's stop lists) stays timed.
    """
    try:
        from htmldate.extractors import external_date_parser
    except ImportError:
        return
    external_date_parser("xq 1", "%Y-%m-%d")  # parsed by no locale: every one is built


@dataclass
class Timer:
    """CPU time of pages run without tracemalloc, each call starting with the page caches
    of :data:`PAGE_CACHES` empty; peak allocations of the sampled pages."""

    seconds: dict[str, float] = field(default_factory=lambda: collections.defaultdict(float))
    pages: collections.Counter[str] = field(default_factory=collections.Counter)
    peak: collections.Counter[str] = field(default_factory=collections.Counter)

    def run(self, tool: str, call: Callable[..., Result], *args: Any) -> Result:
        measure_memory = self.pages[tool] % 8 == 0 and self.pages[f"{tool}/mem"] < MEMORY_SAMPLE
        clear_page_caches()
        if measure_memory:
            tracemalloc.start()
        start = time.process_time()
        result = call(*args)
        self.pages[tool] += 1
        if not measure_memory:
            self.seconds[tool] += time.process_time() - start
            self.pages[f"{tool}/timed"] += 1
        else:
            self.peak[tool] = max(self.peak[tool], tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            self.pages[f"{tool}/mem"] += 1
        return result


def ours(data: bytes, url: str, crawled_at: datetime | None) -> Result:
    try:
        article: Article = extract_article(data, url, crawled_at=crawled_at)
    except NotAnArticle as error:
        return Result(note=f"rejected: {error.reason}")
    return Result(article.body or "", article.title, list(article.authors),
                  article.published_at, modified=article.modified_at)


def refused_names(data: bytes, url: str, names: list[str]) -> list[str]:
    """Label names that this project's author rules refuse on this page, sorted.

    The project's specification forbids the site's name, "Staff", "Redaktion" and e-mail
    addresses as authors; a label naming the publisher or a desk ("BBC News", "BR24 Redaktion",
    "Le Monde"), or a word that names no one ("Unknown", a "PhD" split off by the label's
    comma), therefore cannot be matched by an extractor that keeps those rules. (The
    site's name is refused also where a personal site is named after its author: the
    specification reads so, and the labels of the trafilatura set do not follow it.)
    Each label name (as written, :func:`label_names`) is put through
    :func:`newsarchive.extract.metadata.clean_authors` with the page's own site name and
    publisher names (:func:`~newsarchive.extract.metadata.publisher_keys`): a name it
    drops entirely is refused, and so is one that loses a part only because of the
    page's publisher names ("Le Figaro et AFP" keeps "AFP" alone on lefigaro.fr). Names it
    only rewrites ("Rodolfo Costa." → "Rodolfo Costa", "Von Jane Roe" → "Jane Roe") are
    not. Returns ``[]`` when the page cannot be parsed."""
    from newsarchive.extract.encoding import decode_html
    from newsarchive.extract.metadata import (
        clean_authors,
        parse_html,
        publisher_keys,
        read_metadata,
        site_name,
    )

    root = parse_html(decode_html(data, "text/html")[0])
    if root is None:
        return []
    meta = read_metadata(root, url)
    site = site_name(meta)
    publishers = publisher_keys(meta, site)
    if not publishers:
        site = None  # a personal site (JSON-LD publisher is a Person): its name is a person's
    return sorted(name for name in names
                  if len(clean_authors([name], site, publishers))
                  < max(len(clean_authors([name], None)), 1))


def ceiling_note(refused: int, labelled: int) -> None:
    """Print how many author labels this project's rules refuse, and the best score left."""
    if refused:
        print(f"  of the {labelled} author labels, {refused} name what this project never "
              f"reports as an author (the site's or publisher's name, a desk, a word that "
              f"names no one; --failures marks them refused=), so the best author score it "
              f"can reach is {(labelled - refused) / labelled:.3f}")


def reference_bare(data: bytes, url: str) -> Result:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    except Exception as error:  # noqa: BLE001 - count a crash as an empty result
        return Result(note=f"error: {type(error).__name__}")
    if doc is None:
        return Result()
    fields: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    text = "\n".join(t for t in (fields.get("text"), fields.get("comments")) if t)
    authors = [a for a in re.split(r";\s*", fields.get("author") or "") if a]
    published = None
    if fields.get("date"):
        try:
            published = datetime.fromisoformat(fields["date"][:10]).replace(tzinfo=UTC)
        except ValueError:
            published = None
    return Result(text, fields.get("title"), authors, published)


def reference_extract(data: bytes, url: str) -> Result:
    import trafilatura

    text = trafilatura.extract(data.decode("utf-8", "replace"), url=url) or ""
    return Result(body=text)


def reference_htmldate(data: bytes, url: str) -> Result:
    import htmldate

    try:
        found = htmldate.find_date(data, extensive_search=True, original_date=True, url=url)
    except Exception:  # noqa: BLE001
        found = None
    moment = datetime.fromisoformat(found).replace(tzinfo=UTC) if found else None
    return Result(published=moment)


_LINK = re.compile(rb"""<(?:link[^>]*rel=["']canonical["'][^>]*href|meta[^>]*property=["']"""
                   rb"""og:url["'][^>]*content)=["'](https?://[^"']+)""", re.IGNORECASE)


def page_url(key: str, data: bytes, name: str) -> str:
    """The URL to give the tools: the label's key when it is an http(s) URL, else (some
    keys are ids such as ``hard::site.html``) the page's own canonical/``og:url``, else a
    placeholder named after the file."""
    if re.match(r"https?://", key):
        return key
    match = _LINK.search(data)
    return match.group(1).decode("latin-1") if match else f"http://unknown.invalid/{name}"


def read_gz(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes()
    gz = path.with_name(path.name + ".gz")
    return gzip.decompress(gz.read_bytes())


# --- tables --------------------------------------------------------------------------------
def table(title: str, rows: list[tuple[str, float, float | None, float | None]]) -> None:
    print(f"\n{title}")
    print(f"  {'measure':<26}{'this project':>14}{'reference':>12}{'target':>10}  met")
    for name, mine, ref, target in rows:
        ref_text = f"{ref:.3f}" if ref is not None else "-"
        target_text = f"{target:.3f}" if target is not None else "-"
        met = "" if target is None else ("yes" if mine >= target - 1e-9 else "no")
        print(f"  {name:<26}{mine:>14.3f}{ref_text:>12}{target_text:>10}  {met}")


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# --- sets ----------------------------------------------------------------------------------
def in_shard(args: argparse.Namespace, name: str) -> bool:
    """True when page file ``name`` belongs to the ``--shard K/N`` asked for (or no shard)."""
    if args.shard is None:
        return True
    k, n = args.shard
    return zlib.crc32(Path(name).name.encode()) % n == k


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)`` with ``0 <= K < N``; ``argparse.ArgumentTypeError`` otherwise."""
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N, e.g. 0/2, not {value!r}") from None
    if not 0 <= k < n:
        raise argparse.ArgumentTypeError(f"need 0 <= K < N, got {value!r}")
    return k, n


def run_aeb(folder: Path, args: argparse.Namespace, timer: Timer) -> None:
    truth = json.loads((folder / "ground-truth.json").read_text())
    crawled = datetime(2019, 11, 21, tzinfo=UTC)
    mine, theirs, fails = [], [], []
    for page_id, item in list(truth.items())[: args.limit]:
        if not in_shard(args, page_id):
            continue
        data = read_gz(folder / "html" / f"{page_id}.html")
        got = ours(data, item["url"], crawled)
        mine.append(body_f1(got.body, item["articleBody"]))
        if args.reference:
            ref = reference_extract(data, item["url"])
            theirs.append(body_f1(ref.body, item["articleBody"]))
        fails.append((mine[-1], page_id, item["url"], got.note))
    table(f"aeb ({len(mine)} pages)", [
        ("body F1", mean(mine), mean(theirs) if theirs else None, TARGETS["aeb body F1"])])
    if args.failures:
        print("  failures (body F1 < 0.9):")
        for score, page_id, url, note in sorted(fails):
            if score < 0.9:
                print(f"    {score:.3f} {page_id} {url[:90]} {note}")


def run_htmldate(folder: Path, args: argparse.Namespace, timer: Timer) -> None:
    labels: dict[str, dict[str, str]] = {}
    for name in ("eval_default.json", "eval_mediacloud_2020.json"):
        if (folder / name).exists():
            labels.update(json.loads((folder / name).read_text()))
    hits = ref_hits = label_is_modified = 0
    n = 0
    fails = []
    for url, item in list(labels.items())[: args.limit]:
        if not item.get("date") or not in_shard(args, item["file"]):
            continue  # unlabelled page, or another shard
        path = next((folder / sub / item["file"] for sub in ("eval", "test_set", "cache", ".")
                     if (folder / sub / (item["file"] + ".gz")).exists()
                     or (folder / sub / item["file"]).exists()), None)
        if path is None:
            continue
        data = read_gz(path)
        n += 1
        link = page_url(url, data, item["file"])
        got = ours(data, link, None)
        mine = date_in(got.published, None)
        hits += mine == item["date"]
        ref = ""
        if args.reference:
            ref = date_in(reference_htmldate(data, link).published, None)
            ref_hits += ref == item["date"]
        if mine != item["date"]:
            modified = date_in(got.modified, None)
            if modified == item["date"]:
                label_is_modified += 1
            note = f"{got.note} (label = our modified_at)" if modified == item["date"] else \
                got.note
            fails.append((url, item["date"], mine, ref, note))
    table(f"htmldate ({n} pages)", [
        ("date accuracy", hits / max(n, 1), ref_hits / max(n, 1) if args.reference else None,
         TARGETS["date accuracy"])])
    print(f"  of the misses, {label_is_modified} pages have the label equal to the page's "
          "modification date (our modified_at), not its declared publication date")
    if args.failures:
        print("  failures (url, label, ours, htmldate):")
        for url, label, mine, ref, note in fails:
            print(f"    {label} ours={mine or '-':<10} ref={ref or '-':<10} {url[:90]} {note}")


@dataclass
class Snippets:
    tp: int = 0
    fn: int = 0
    fp: int = 0

    def add(self, body: str, item: dict[str, Any]) -> tuple[list[str], list[str]]:
        text = squash(body)
        missing = [s for s in item.get("with", []) if squash(s) not in text]
        extra = [s for s in item.get("without", []) if squash(s) in text]
        self.tp += len(item.get("with", [])) - len(missing)
        self.fn += len(missing)
        self.fp += len(extra)
        return missing, extra

    def f1(self) -> float:
        return 2 * self.tp / max(2 * self.tp + self.fp + self.fn, 1)


def run_trafilatura(folder: Path, args: argparse.Namespace, timer: Timer) -> None:
    labels = json.loads((folder / "evaldata.json").read_text())
    snip, ref_snip = Snippets(), Snippets()
    titles = [0, 0, 0]  # ours, reference, labelled
    authors = [0, 0, 0, 0]  # ours, reference, labelled, missed labels the rules refuse
    n = 0
    fails: list[str] = []
    for url, item in list(labels.items())[: args.limit]:
        if not in_shard(args, item["file"]):
            continue
        path = next((folder / sub / item["file"] for sub in ("eval", "cache", ".")
                     if (folder / sub / (item["file"] + ".gz")).exists()
                     or (folder / sub / item["file"]).exists()), None)
        if path is None:
            continue
        data = read_gz(path)
        n += 1
        link = page_url(url, data, item["file"])
        got = timer.run("ours", ours, data, link, None)
        ref = timer.run("reference", reference_bare, data, link) if args.reference \
            else Result()
        missing, extra = snip.add(got.body, item)
        ref_snip.add(ref.body, item)
        if missing or extra:
            fails.append(f"    text {url[:80]} {got.note} missing={missing[:3]} extra={extra[:3]}")
        if item.get("title"):
            titles[2] += 1
            titles[0] += squash(got.title) == squash(item["title"])
            titles[1] += squash(ref.title) == squash(item["title"])
            if squash(got.title) != squash(item["title"]):
                fails.append(f"    title {url[:80]} want={item['title']!r} got={got.title!r}")
        if "author" in item:
            want = name_set(item["author"])
            authors[2] += 1
            authors[0] += name_set(got.authors) == want
            authors[1] += name_set(ref.authors) == want
            if name_set(got.authors) != want:
                refused = refused_names(data, link, label_names(item["author"]))
                authors[3] += bool(refused)
                fails.append(f"    author {url[:80]} want={item['author']!r} got={got.authors!r}"
                             + (f" refused={refused}" if refused else ""))
    ref_on = args.reference
    table(f"trafilatura ({n} pages; {titles[2]} with a title, {authors[2]} with an author label)",
          [("snippet F1", snip.f1(), ref_snip.f1() if ref_on else None, TARGETS["snippet F1"]),
           ("title exact", titles[0] / max(titles[2], 1),
            titles[1] / max(titles[2], 1) if ref_on else None, TARGETS["title exact"]),
           ("author match", authors[0] / max(authors[2], 1),
            authors[1] / max(authors[2], 1) if ref_on else None, TARGETS["author match"])])
    ceiling_note(authors[3], authors[2])
    if args.failures:
        print("  failures:")
        print("\n".join(sorted(fails)))


def _label_tz(value: str) -> tuple[str, timezone | None]:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value[:10], None
    offset = moment.utcoffset()
    return moment.strftime("%Y-%m-%d"), timezone(offset) if offset is not None else None


def tokens(text: str | None) -> str:
    """Lower-cased ``\\w+`` tokens joined by single spaces, with spaces around the ends."""
    return " " + " ".join(_WORD.findall(canonical(text).lower())) + " "


def _recall(body: str, paragraphs: list[str]) -> float:
    """Share of ``paragraphs`` whose token sequence occurs in the body's."""
    wanted = [tokens(p) for p in paragraphs if tokens(p).strip()]
    if not wanted:
        return 1.0
    text = tokens(body)
    return sum(p in text for p in wanted) / len(wanted)


def _fundus_pages(
    folder: Path, args: argparse.Namespace,
) -> Iterator[tuple[str, dict[str, Any], bytes, datetime | None]]:
    mapping = json.loads((folder / "html_to_expected.json").read_text())
    for rel, item in mapping.items():
        if not in_shard(args, rel):
            continue
        expected = json.loads((folder / "test_data" / item["json"]).read_text())
        expected = expected.get(item.get("version", "V1"), expected)
        crawled = None
        if item.get("crawl_date"):
            crawled = datetime.fromisoformat(item["crawl_date"]).replace(tzinfo=UTC)
        yield item["url"], expected, read_gz(folder / "test_data" / rel.removesuffix(".gz")), \
            crawled


def run_fundus(folder: Path, args: argparse.Namespace, timer: Timer) -> None:
    scores: dict[str, list[float]] = collections.defaultdict(list)
    fails: list[str] = []
    n = 0
    refused_pages = 0
    for url, expected, data, crawled in list(_fundus_pages(folder, args))[: args.limit]:
        n += 1
        got = timer.run("ours", ours, data, url, crawled)
        ref = timer.run("reference", reference_bare, data, url) if args.reference \
            else Result()
        paragraphs = [p for s in expected.get("body", {}).get("sections", [])
                      for p in s.get("paragraphs", [])]
        for who, res in (("ours", got), ("ref", ref)):
            if expected.get("title"):
                scores[f"{who} title"].append(squash(res.title) == squash(expected["title"]))
            if "authors" in expected:
                scores[f"{who} authors"].append(
                    name_set(res.authors) == name_set(expected["authors"]))
            if expected.get("publishing_date"):
                day, tz = _label_tz(expected["publishing_date"])
                # trafilatura gives a date without a time: compare it as written
                scores[f"{who} date"].append(date_in(res.published, tz if who == "ours"
                                                     else None) == day)
            scores[f"{who} recall"].append(_recall(res.body, paragraphs))
        if expected.get("title") and squash(got.title) != squash(expected["title"]):
            fails.append(f"    title {url[:80]} want={expected['title']!r} got={got.title!r}")
        if "authors" in expected and name_set(got.authors) != name_set(expected["authors"]):
            refused = refused_names(data, url, label_names(expected["authors"]))
            refused_pages += bool(refused)
            fails.append(f"    authors {url[:80]} want={expected['authors']!r} "
                         f"got={got.authors!r}" + (f" refused={refused}" if refused else ""))
        if expected.get("publishing_date"):
            day, tz = _label_tz(expected["publishing_date"])
            if date_in(got.published, tz) != day:
                fails.append(f"    date {url[:80]} want={expected['publishing_date']} "
                             f"got={got.published} {got.note}")
        recall = _recall(got.body, paragraphs)
        if recall < 1:
            fails.append(f"    recall {recall:.2f} {url[:80]} {got.note}")
    ref_on = args.reference
    rows: list[tuple[str, float, float | None, float | None]] = []
    for key, label in (("title", "title exact"), ("authors", "authors"), ("date", "date"),
                       ("recall", "paragraph recall")):
        rows.append((label, mean(scores[f"ours {key}"]),
                     mean(scores[f"ref {key}"]) if ref_on else None,
                     TARGETS[f"fundus {label.replace(' exact', '')}"]))
    table(f"fundus ({n} pages)", rows)
    ceiling_note(refused_pages, len(scores["ours authors"]))
    if args.failures:
        print("  failures:")
        print("\n".join(sorted(fails)))


RUNNERS = {"aeb": run_aeb, "htmldate": run_htmldate, "trafilatura": run_trafilatura,
           "fundus": run_fundus}
MARKERS = {"aeb": ("ground-truth.json",),
           "htmldate": ("eval_default.json", "eval_mediacloud_2020.json"),
           "trafilatura": ("evaldata.json",), "fundus": ("html_to_expected.json",)}


def find_sets(corpora: Path, wanted: list[str]) -> list[tuple[str, Path]]:
    found = []
    for name in wanted:
        for folder in (corpora / name, corpora):
            if any((folder / marker).exists() for marker in MARKERS[name]):
                found.append((name, folder))
                break
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=SHARED,
                        help="folder of sets (default ../shared/corpora) or one set's folder")
    parser.add_argument("--set", action="append", choices=SETS, dest="sets",
                        help="set to score (repeatable; default: every set found)")
    parser.add_argument("--failures", action="store_true", help="print per-page failures")
    parser.add_argument("--limit", type=int, default=None, help="pages per set")
    parser.add_argument("--shard", type=parse_shard, default=None, metavar="K/N",
                        help="only pages whose file name's CRC-32 is K modulo N")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="skip the reference tools")
    args = parser.parse_args(argv)
    sets = find_sets(args.corpora, args.sets or list(SETS))
    if not sets:
        print(f"no benchmark set found in {args.corpora}", file=sys.stderr)
        return 1
    warm_shared_state()
    timer = Timer()
    start = time.time()
    for name, folder in sets:
        RUNNERS[name](folder, args, timer)
    if timer.pages["ours"]:
        ours_rate = timer.pages["ours/timed"] / max(timer.seconds["ours"], 1e-9)
        rows: list[tuple[str, float, float | None, float | None]] = [
            ("pages/s per core", ours_rate, None, None)]
        if timer.pages["reference"]:
            ref_rate = timer.pages["reference/timed"] / max(timer.seconds["reference"], 1e-9)
            rows = [("pages/s per core", ours_rate, ref_rate, ref_rate),
                    ("speed vs reference", ours_rate / ref_rate, 1.0, 1.0)]
        rows.append(("peak memory/page (MiB)", timer.peak["ours"] / 2**20,
                     timer.peak["reference"] / 2**20 if timer.pages["reference"] else None,
                     None))
        table(f"speed and memory ({timer.pages['ours']} pages ours, {timer.pages['reference']} "
              "pages trafilatura.bare_extraction with metadata; CPU time)", rows)
    print(f"\n({time.time() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
