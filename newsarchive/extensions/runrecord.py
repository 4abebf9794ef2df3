"""The end of a run: a summary in the log, a row in ``runs/``, and the run's outcome.

:class:`RunRecordExtension` counts candidate pages per site while the crawl runs (from the
``item_scraped`` / ``item_dropped`` / ``item_error`` signals, so it works alike for live
crawls and WARC imports) and, when the spider closes (after the pipelines have published
the last files), turns the crawl's stats into one row of the
:data:`~newsarchive.storage.schema.RUNS_SCHEMA`, logs it as a readable summary, publishes it
atomically as ``<archive>/runs/run_date=YYYY-MM-DD/part-<run_id>.parquet`` and records the
outcome (:func:`judge`) for the ``crawl`` command's exit status.

A run fails when (first match wins): a Parquet file could not be written
(``write_error``); Scrapy stopped it before it finished (the finish reason, e.g.
``shutdown`` after a SIGTERM; ``closespider_timeout``/``_itemcount``/``_pagecount`` are
limits the user set and count as finished); no source answered (``no_source_reachable``);
or more than ``NEWSARCHIVE_MAX_ERROR_RATE`` of its fetches or records failed
(``error_rate``).

Settings:
    NEWSARCHIVE_RUNS_ENABLED (bool, default True): off raises ``NotConfigured``: no row, no
        summary and exit status 0 unless Scrapy itself fails.
    NEWSARCHIVE_MAX_ERROR_RATE (float, default 0.5): the largest share of failed fetches a
        run may have and still count as ok (1 = never fail on errors).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsarchive.config import setting
from newsarchive.extensions.outcome import (
    EXIT_FAILED,
    EXIT_OK,
    RunOutcome,
    is_archive_run,
    run_id_for,
    set_outcome,
)
from newsarchive.items import Article, RawPage, Sighting
from newsarchive.storage.schema import RUNS_SCHEMA
from newsarchive.storage.writer import publish_table

__all__ = ["RunRecordExtension", "judge", "publish_run", "site_of", "summarize"]

logger = logging.getLogger(__name__)

P = "newsarchive/"
#: Finish reasons of a run that did its work (Scrapy's CLOSESPIDER_* limits set by the user).
OK_FINISH_REASONS = frozenset({"finished", "closespider_timeout", "closespider_itemcount",
                               "closespider_pagecount", "closespider_timeout_no_item"})
_SITE_FIELDS = ("pages", "articles", "duplicates", "non_articles", "errors")


def site_of(url_or_host: str) -> str:
    """Host of a URL (or a host) in lower case without ``www.``; ``""`` when none."""
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and _is_num(v))


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if _is_num(value) else 0


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """Errors of a run by kind, from its stats (robots.txt refusals are not errors)."""
    kinds: Counter[str] = Counter()
    for key, value in stats.items():
        if not _is_num(value):
            continue
        if key.startswith(P + "errors/"):
            kind = key[len(P + "errors/"):]
            if not kind.endswith("/ignored"):
                kinds[kind] += int(value)
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            kinds["spider/" + key[len("spider_exceptions/"):]] += int(value)
    for key, kind in (("warc_errors", "warc"), ("extract_errors", "extract"),
                      ("clean_errors", "clean"), ("write_errors", "write"),
                      ("state_errors", "state"), ("config_errors", "config"),
                      ("archive_errors", "archive")):
        if _int(stats, P + key):
            kinds[kind] += _int(stats, P + key)
    return {k: kinds[k] for k in sorted(kinds) if kinds[k]}


def summarize(
    stats: Mapping[str, Any],
    *,
    run_id: str,
    spider: str,
    started_at: datetime,
    finished_at: datetime,
    finish_reason: str | None,
    sites: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """The ``runs`` row of a finished crawl (``status``/``failure`` still unset: see
    :func:`judge`), from its Scrapy stats and per-site counts."""
    kinds = errors_by_kind(stats)
    errors = sum(kinds.values())
    responses = _int(stats, "response_received_count")
    attempts = responses + _int(stats, P + "fetch_failures") + _int(stats, P + "warc_records")
    error_rate = errors / attempts if attempts else (1.0 if errors else 0.0)
    site_rows = [
        {"site": site, **{f: int(counts.get(f, 0)) for f in _SITE_FIELDS}}
        for site, counts in sorted((sites or {}).items())
    ]
    return {
        "run_id": run_id,
        "spider": spider,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_seconds": max(0.0, (finished_at - started_at).total_seconds()),
        "status": None,
        "failure": None,
        "finish_reason": finish_reason,
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "sources": _int(stats, P + "sources"),
        "sources_reached": _int(stats, P + "sources_reached"),
        "responses": responses,
        "not_modified": _int(stats, P + "not_modified"),
        "pages_fetched": _int(stats, P + "pages_received"),
        "articles_stored": _int(stats, P + "articles_stored"),
        "duplicates_stored": _sum(stats, P + "duplicates_stored/"),
        "non_articles": _sum(stats, P + "not_article/"),
        "skipped_seen": _int(stats, P + "skipped_seen"),
        "skipped_too_old": _int(stats, P + "entries_too_old"),
        "errors": errors,
        "error_rate": round(error_rate, 6),
        "errors_by_kind": [{"kind": k, "count": v} for k, v in kinds.items()],
        "sites": site_rows,
        "files_written": _int(stats, P + "files_written"),
        "bytes_written": _int(stats, P + "bytes_written"),
        "bytes_read": _int(stats, "downloader/response_bytes") + _int(stats, P + "warc_bytes"),
        "stats_json": json.dumps(stats, default=str, sort_keys=True),
    }


def judge(row: Mapping[str, Any], max_error_rate: float) -> tuple[str, str | None]:
    """``(status, failure)`` of a run row: ``("ok", None)`` or ``("failed", reason)``."""
    if any(e["kind"] == "config" for e in row["errors_by_kind"]):
        return "failed", "config_error"
    if any(e["kind"] == "state" for e in row["errors_by_kind"]):
        return "failed", "state_damaged"
    if any(e["kind"] == "archive" for e in row["errors_by_kind"]):
        return "failed", "archive_error"
    if any(e["kind"] == "write" for e in row["errors_by_kind"]):
        return "failed", "write_error"
    reason = row.get("finish_reason")
    if reason and reason not in OK_FINISH_REASONS:
        return "failed", str(reason)
    if row["sources_reached"] == 0:
        return "failed", "no_source_reachable"
    if row["error_rate"] > max_error_rate:
        return "failed", "error_rate"
    return "ok", None


def format_summary(row: Mapping[str, Any], max_sites: int = 20) -> str:
    """The multi-line log summary of a run row."""
    status = row["status"] if row["failure"] is None else f"{row['status']} ({row['failure']})"
    lines = [
        f"run {row['run_id']} ({row['spider']}) {status} in {row['duration_seconds']:.1f} s; "
        f"finish reason {row['finish_reason']}",
        f"  sources reached {row['sources_reached']}/{row['sources']}; "
        f"responses {row['responses']} (not modified {row['not_modified']}); "
        f"pages fetched {row['pages_fetched']}",
        f"  articles stored {row['articles_stored']}, duplicates {row['duplicates_stored']}, "
        f"non-article pages skipped {row['non_articles']}, already archived "
        f"{row['skipped_seen']}, too old {row['skipped_too_old']}",
        f"  errors {row['errors']} (rate {row['error_rate']:.3f})"
        + (": " + ", ".join(f"{e['kind']} {e['count']}" for e in row["errors_by_kind"])
           if row["errors_by_kind"] else ""),
        f"  written {row['files_written']} file(s), {row['bytes_written']} bytes; "
        f"read {row['bytes_read']} bytes",
    ]
    sites = row["sites"]
    for site in sites[:max_sites]:
        lines.append(
            f"  site {site['site'] or '?'}: pages {site['pages']}, articles {site['articles']},"
            f" duplicates {site['duplicates']}, non-articles {site['non_articles']},"
            f" errors {site['errors']}")
    if len(sites) > max_sites:
        lines.append(f"  ... and {len(sites) - max_sites} more site(s)")
    return "\n".join(lines)


def publish_run(archive: str | os.PathLike[str], row: Mapping[str, Any]) -> Path:
    """Publish one run row as ``runs/run_date=<UTC day of started_at>/part-<run_id>.parquet``.

    Atomic like the other datasets: written as a hidden ``.part-….parquet.inprogress``,
    fsynced, renamed, directory fsynced.

    Returns:
        The published file.
    """
    started: datetime = row["started_at"]
    day: date = started.astimezone(UTC).date()
    directory = Path(archive) / "runs" / f"run_date={day.isoformat()}"
    table = pa.Table.from_pylist([dict(row)], schema=RUNS_SCHEMA)
    return publish_table(archive, directory, f"part-{row['run_id']}", table,
                         compression="zstd")


class RunRecordExtension:
    """Summarize the run when the spider closes; publish its ``runs`` row; set its outcome."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_error_rate = setting(crawler.settings, "NEWSARCHIVE_MAX_ERROR_RATE")
        self.archive = crawler.settings.get("NEWSARCHIVE_ARCHIVE", "data/archive")
        self.started_at = datetime.now(UTC)
        self.sites: dict[str, Counter[str]] = {}
        self.row: dict[str, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecordExtension:
        if not crawler.settings.getbool("NEWSARCHIVE_RUNS_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_RUNS_ENABLED is off")
        if not is_archive_run(crawler):
            raise NotConfigured("not an archive run (spider without archive_run = True)")
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # -- per-site counts ----------------------------------------------------------------

    def _site(self, item: Any) -> Counter[str]:
        if isinstance(item, RawPage):
            site = site_of(item.final_url or item.url)
        elif isinstance(item, Article | Sighting):
            site = item.domain
        else:
            site = ""
        return self.sites.setdefault(site, Counter())

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        counts = self._site(item)
        counts["pages"] += 1
        if isinstance(item, Article):
            counts["articles"] += 1
        elif isinstance(item, Sighting):
            counts["duplicates"] += 1

    def item_dropped(self, item: Any, response: Any = None, exception: Any = None,
                     spider: Any = None) -> None:
        counts = self._site(item)
        counts["pages"] += 1
        message = str(exception or "")
        if message.startswith(("not an article", "empty body")):
            counts["non_articles"] += 1
        elif message.startswith("extraction failed"):
            counts["errors"] += 1

    def item_error(self, item: Any, response: Any = None, spider: Any = None,
                   failure: Any = None) -> None:
        """A pipeline raised (not DropItem): the page is lost for this run, an error.

        Counted as kind ``pipeline``, except an ``OSError`` (publishing archive files),
        which the archive session has already counted as ``write_errors``."""
        counts = self._site(item)
        counts["pages"] += 1
        counts["errors"] += 1
        exc = getattr(failure, "value", None)
        if self.crawler.stats is not None and not isinstance(exc, OSError):
            self.crawler.stats.inc_value(P + "errors/pipeline")

    # -- the end ------------------------------------------------------------------------

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        values: dict[str, Any] = dict(stats.get_stats()) if stats is not None else {}
        for key, value in values.items():  # fetch errors per site, counted by the spider
            if key.startswith(P + "site_errors/") and _is_num(value):
                self.sites.setdefault(key[len(P + "site_errors/"):], Counter())["errors"] += \
                    int(value)
        row = summarize(values, run_id=run_id_for(self.crawler), spider=spider.name,
                        started_at=self.started_at, finished_at=datetime.now(UTC),
                        finish_reason=reason, sites=self.sites)
        row["status"], row["failure"] = judge(row, self.max_error_rate)
        self.row = row
        summary = format_summary(row)
        try:
            path = publish_run(self.archive, row)
        except Exception as exc:  # the archive is unwritable: the run failed
            row["status"], row["failure"] = "failed", row["failure"] or "write_error"
            logger.error("run record not written: %r", exc)
            summary = format_summary(row)
        else:
            logger.info("run record published: %s", path)
        if row["status"] == "ok":
            logger.info("%s", summary)
            set_outcome(self.crawler, RunOutcome("ok", None, EXIT_OK, summary.split("\n")[0]))
        else:
            logger.error("%s", summary)
            set_outcome(self.crawler, RunOutcome("failed", row["failure"], EXIT_FAILED,
                                                 summary.split("\n")[0]))
        if stats is not None:
            stats.set_value(P + "run_status", row["status"])
            if row["failure"]:
                stats.set_value(P + "run_failure", row["failure"])
