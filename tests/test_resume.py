"""Resume: ``kill -9`` in the middle of a WARC import, then run again; JOBDIR for long crawls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tests.newssite import (
    AP_STORY,
    COUNCIL,
    FESTIVAL,
    HOST_A,
    HOST_B,
    TELESCOPE,
    WIRE_COPY,
    news_site,
    write_news_warc,
)

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _command(*args: str, archive: Path, state: Path) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", *args,
            "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",
            "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost"]


def _visible(archive: Path) -> list[Path]:
    """The files a reader's ``**/*.parquet`` glob sees."""
    return sorted(p for p in archive.glob("articles/**/*.parquet") if not p.name.startswith("."))


def _stored(archive: Path) -> list[str]:
    rows = duckdb.execute(
        f"select url from read_parquet('{archive}/articles/**/*.parquet', "
        "hive_partitioning=true)").fetchall()
    return [r[0] for r in rows]


def test_kill_9_during_a_warc_import_then_resume(tmp_path: Path) -> None:
    archive, state, warc = tmp_path / "archive", tmp_path / "state", tmp_path / "in.warc.gz"
    urls = write_news_warc(warc, 90, extra_records=False)
    command = _command("warc", "-a", f"paths={warc}", archive=archive, state=state)
    # One article per file: files are published (and the state committed) all along.
    first = subprocess.Popen([*command, "-s", "NEWSARCHIVE_FLUSH_BYTES=1"], cwd=ROOT, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reads = 0
    try:
        deadline = time.monotonic() + 120
        while not _visible(archive):
            assert first.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # Readers query the archive while the import writes: never an error.
        for _ in range(3):
            _stored(archive)
            reads += 1
        first.send_signal(signal.SIGKILL)  # in the middle of the import
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert reads == 3
    for path in _visible(archive):  # every visible file is whole
        assert pq.read_table(path).num_rows == 1
    killed = _stored(archive)
    assert 1 <= len(killed) < len(urls)
    assert len(set(killed)) == len(killed)

    # The next run (the killed run's lock is gone) stores exactly the others.
    second = subprocess.run([*command, "-s", "NEWSARCHIVE_FLUSH_BYTES=200000"], cwd=ROOT,
                            env=ENV, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-3000:]
    stored = Counter(_stored(archive))
    assert sorted(stored) == sorted(urls)
    assert set(stored.values()) == {1}  # none twice
    assert not (archive / "duplicates").exists()
    [(run_stored, run_seen)] = duckdb.execute(
        f"select articles_stored, skipped_seen from read_parquet('{archive}/runs/**/*.parquet')"
    ).fetchall()  # the killed run wrote no run record
    assert run_seen >= len(killed)  # rows published but not committed are reconciled
    assert run_stored == len(urls) - len(killed)


def test_jobdir_pause_and_resume(tmp_path: Path) -> None:
    archive, state, jobdir = tmp_path / "archive", tmp_path / "state", tmp_path / "job"
    with news_site(tmp_path / "site") as site:
        command = _command("news", "-a", f"sources={site.sources_csv}", "-s", f"JOBDIR={jobdir}",
                           archive=archive, state=state)
        # Stop early (as Ctrl-C would) with requests still queued on disk ...
        first = subprocess.run([*command, "-s", "CLOSESPIDER_PAGECOUNT=8",
                                "-s", "CONCURRENT_REQUESTS=1"], cwd=ROOT, env=ENV,
                               capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "closespider_pagecount" in first.stderr
        assert "Unable to serialize request" not in first.stderr
        partial = _stored(archive) if (archive / "articles").exists() else []
        # ... and resume from them.
        second = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True,
                                timeout=300)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Resuming crawl" in second.stderr
        assert "Unable to serialize request" not in second.stderr
    stored = Counter(_stored(archive))
    assert set(stored.values()) == {1}
    assert set(partial) <= set(stored)
    assert sorted(stored) == sorted(site.url(HOST_A, p) for p in
                                    (AP_STORY, COUNCIL, FESTIVAL, TELESCOPE))
    [(sighting,)] = duckdb.execute(
        f"select url from read_parquet('{archive}/duplicates/**/*.parquet')").fetchall()
    assert sighting == site.url(HOST_B, WIRE_COPY)
