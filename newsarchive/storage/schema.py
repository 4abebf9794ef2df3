"""The archive's explicit Arrow schemas.

Rules (DESIGN.md): the schema is versioned in each file's metadata
(``newsarchive.schema_version``); new columns are nullable and appended at the end, never a
type change; timestamps are ``timestamp[us, tz=UTC]`` so that Spark, DuckDB, pandas and
polars all read them as UTC instants. The Hive partition column ``published_date`` is not
stored inside the files: it is the directory name (``published_date=YYYY-MM-DD``).

The ``runs`` dataset (one row per crawl, written when the crawl ends by
:mod:`newsarchive.extensions.runrecord`) is partitioned by the UTC day the run started:
``runs/run_date=YYYY-MM-DD/part-<run_id>.parquet``, one file per run.
"""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "ARTICLES_SCHEMA",
    "DATASETS",
    "DUPLICATES_SCHEMA",
    "PARTITION_KEYS",
    "RUNS_SCHEMA",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "file_problem",
]

#: Bumped when a column is added. Readers compare it with the file's metadata.
SCHEMA_VERSION = "3"

_TS = pa.timestamp("us", tz="UTC")
_META = {b"newsarchive.schema_version": SCHEMA_VERSION.encode()}

ARTICLES_SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string(), nullable=False),
        pa.field("domain", pa.string(), nullable=False),
        pa.field("site_name", pa.string()),
        pa.field("title", pa.string()),
        pa.field("authors", pa.list_(pa.string())),
        pa.field("published_at", _TS),
        pa.field("date_source", pa.string()),
        pa.field("modified_at", _TS),
        pa.field("crawled_at", _TS, nullable=False),
        pa.field("language", pa.string()),
        pa.field("description", pa.string()),
        pa.field("body", pa.string(), nullable=False),
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("wire_source", pa.string()),
        pa.field("dateline", pa.string()),
        pa.field("credits", pa.string()),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("is_accessible_for_free", pa.bool_()),  # schema 3
    ],
    metadata=_META,
)

DUPLICATES_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("domain", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("published_at", _TS),
        pa.field("crawled_at", _TS, nullable=False),
        pa.field("duplicate_of", pa.string(), nullable=False),
        pa.field("match", pa.string(), nullable=False),
        pa.field("similarity", pa.float32(), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        # Added in schema 2: the copy's body length, so that the most complete copy of a
        # story (stored row or sighting with the most words) is one query.
        pa.field("word_count", pa.int32()),
    ],
    metadata=_META,
)

#: ``runs.status`` values: the run did its work (``ok``) or not (``failed``, the command
#: then exits non-zero; ``failure`` says why).
RUN_STATUSES = ("ok", "failed")

#: One row per run (``scrapy crawl news`` / ``scrapy crawl warc``), written at its end.
#: Counters are totals for the whole run; a run that could not take the state's lock does
#: not run and writes no row.
RUNS_SCHEMA = pa.schema(
    [
        # the run's id: the same id as in the names of the files it published
        pa.field("run_id", pa.string(), nullable=False),
        # spider name: "news" or "warc"
        pa.field("spider", pa.string(), nullable=False),
        pa.field("started_at", _TS, nullable=False),
        pa.field("finished_at", _TS, nullable=False),
        pa.field("duration_seconds", pa.float64(), nullable=False),
        # "ok" or "failed" (RUN_STATUSES)
        pa.field("status", pa.string(), nullable=False),
        # why a failed run failed, null when ok: "no_source_reachable", "error_rate",
        # "write_error", "state_damaged", "archive_error", "config_error", or Scrapy's
        # finish reason when the run did not finish ("shutdown", "closespider_errorcount", ...)
        pa.field("failure", pa.string()),
        # Scrapy's finish reason ("finished", "shutdown", "closespider_timeout", ...)
        pa.field("finish_reason", pa.string()),
        pa.field("hostname", pa.string()),
        pa.field("pid", pa.int64()),
        # sources of the run: news sources (sources CSV rows) or WARC files
        pa.field("sources", pa.int64(), nullable=False),
        # sources that answered at least once (a feed, sitemap or robots.txt with 200/304;
        # a WARC file that could be opened)
        pa.field("sources_reached", pa.int64(), nullable=False),
        # HTTP responses received, feeds/sitemaps/robots.txt included (0 for WARC imports)
        pa.field("responses", pa.int64(), nullable=False),
        # feeds and sitemaps answered 304 Not Modified (conditional requests)
        pa.field("not_modified", pa.int64(), nullable=False),
        # candidate pages fetched (or read from WARC records) and sent to extraction
        pa.field("pages_fetched", pa.int64(), nullable=False),
        # rows added to articles/ and duplicates/
        pa.field("articles_stored", pa.int64(), nullable=False),
        pa.field("duplicates_stored", pa.int64(), nullable=False),
        # pages dropped as not articles (section fronts, listings, empty bodies)
        pa.field("non_articles", pa.int64(), nullable=False),
        # article URLs not fetched or pages not stored because the archive has them
        pa.field("skipped_seen", pa.int64(), nullable=False),
        # feed/sitemap entries skipped as older than NEWSARCHIVE_MAX_AGE_DAYS
        pa.field("skipped_too_old", pa.int64(), nullable=False),
        # errors: failed fetches (after retries), damaged WARC data, extraction and
        # write errors; requests refused by robots.txt are not errors
        pa.field("errors", pa.int64(), nullable=False),
        # errors / (responses + fetches without response), or / records for WARC
        pa.field("error_rate", pa.float64(), nullable=False),
        # errors by kind, e.g. "article/http_404", "feed/TimeoutError", "warc", "extract",
        # "write"; sorted by kind
        pa.field(
            "errors_by_kind",
            pa.list_(
                pa.struct(
                    [
                        pa.field("kind", pa.string(), nullable=False),
                        pa.field("count", pa.int64(), nullable=False),
                    ]
                )
            ),
        ),
        # per site (host without "www."): candidate pages, articles stored, duplicates
        # stored, non-article pages, errors; sorted by site
        pa.field(
            "sites",
            pa.list_(
                pa.struct(
                    [
                        pa.field("site", pa.string(), nullable=False),
                        pa.field("pages", pa.int64(), nullable=False),
                        pa.field("articles", pa.int64(), nullable=False),
                        pa.field("duplicates", pa.int64(), nullable=False),
                        pa.field("non_articles", pa.int64(), nullable=False),
                        pa.field("errors", pa.int64(), nullable=False),
                    ]
                )
            ),
        ),
        # Parquet files published into articles/ and duplicates/, and their bytes on disk
        pa.field("files_written", pa.int64(), nullable=False),
        pa.field("bytes_written", pa.int64(), nullable=False),
        # bytes read: HTTP response bodies, or WARC file bytes
        pa.field("bytes_read", pa.int64(), nullable=False),
        # every Scrapy stat of the run as a JSON object (for anything not above)
        pa.field("stats_json", pa.string()),
    ],
    metadata=_META,
)

#: Dataset directory name → schema.
DATASETS: dict[str, pa.Schema] = {
    "articles": ARTICLES_SCHEMA,
    "duplicates": DUPLICATES_SCHEMA,
    "runs": RUNS_SCHEMA,
}

#: Dataset directory name → its Hive partition column (a ``date``, the directory name).
PARTITION_KEYS: dict[str, str] = {
    "articles": "published_date",
    "duplicates": "published_date",
    "runs": "run_date",
}


def file_problem(path: str | os.PathLike[str], dataset: str) -> str | None:
    """Why the file ``path`` cannot be read as a Parquet file of ``dataset``, or None.

    Only the file's footer is read. A file is refused when it is not a readable Parquet
    file (empty, truncated, not Parquet, unreadable), lacks a column that ``dataset``'s
    schema declares non-nullable, or holds a column of the schema with another type
    (columns are never retyped, DESIGN.md). Columns the file lacks that are nullable
    (added by a later schema version) and columns the schema does not know are fine.

    Args:
        path: a ``.parquet`` file inside the dataset's directory.
        dataset: ``"articles"``, ``"duplicates"`` or ``"runs"`` (:data:`DATASETS`).

    Returns:
        One line for people (what is wrong), or None when the file is fine.

    Raises:
        KeyError: ``dataset`` is not one of :data:`DATASETS`.
    """
    schema = DATASETS[dataset]
    try:
        found = pq.read_schema(path)
    except (OSError, pa.ArrowException, ValueError) as exc:
        return f"not a readable Parquet file ({exc})"
    for wanted in schema:
        index = found.get_field_index(wanted.name)
        if index < 0:
            if not wanted.nullable:
                return f"not a file of the {dataset} dataset: no column {wanted.name!r}"
            continue
        if found.field(index).type != wanted.type:
            return (f"not a file of the {dataset} dataset: column {wanted.name!r} is "
                    f"{found.field(index).type}, not {wanted.type}")
    return None
