"""The ``runs`` dataset: schema, the run record written at the end of a crawl, exit status."""

from __future__ import annotations

import pyarrow as pa

from newsarchive.storage.schema import DATASETS, PARTITION_KEYS, RUNS_SCHEMA, SCHEMA_VERSION


def test_runs_schema_is_an_explicit_dataset() -> None:
    assert DATASETS["runs"] is RUNS_SCHEMA
    assert PARTITION_KEYS == {"articles": "published_date", "duplicates": "published_date",
                              "runs": "run_date"}
    assert RUNS_SCHEMA.metadata == {b"newsarchive.schema_version": SCHEMA_VERSION.encode()}
    assert RUNS_SCHEMA.names[:6] == ["run_id", "spider", "started_at", "finished_at",
                                     "duration_seconds", "status"]
    assert RUNS_SCHEMA.field("started_at").type == pa.timestamp("us", tz="UTC")
    assert RUNS_SCHEMA.field("errors_by_kind").type == pa.list_(pa.struct(
        [pa.field("kind", pa.string(), nullable=False),
         pa.field("count", pa.int64(), nullable=False)]))
    assert [f.name for f in RUNS_SCHEMA.field("sites").type.value_type] == [
        "site", "pages", "articles", "duplicates", "non_articles", "errors"]
