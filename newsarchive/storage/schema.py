"""The archive's explicit Arrow schemas.

Rules (DESIGN.md): the schema is versioned in each file's metadata
(``newsarchive.schema_version``); new columns are nullable and appended at the end, never a
type change; timestamps are ``timestamp[us, tz=UTC]`` so that Spark, DuckDB, pandas and
polars all read them as UTC instants. The Hive partition column ``published_date`` is not
stored inside the files: it is the directory name (``published_date=YYYY-MM-DD``).
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["ARTICLES_SCHEMA", "DATASETS", "DUPLICATES_SCHEMA", "SCHEMA_VERSION"]

#: Bumped when a column is added. Readers compare it with the file's metadata.
SCHEMA_VERSION = "1"

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
    ],
    metadata=_META,
)

#: Dataset directory name → schema.
DATASETS: dict[str, pa.Schema] = {"articles": ARTICLES_SCHEMA, "duplicates": DUPLICATES_SCHEMA}
