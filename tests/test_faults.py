"""Faults (issue 6): a full disk during a write, two crawls writing into one archive at
the same time, a damaged state. (``kill -9`` during a flush and resuming are tested with
the run/lock work, issue 5.)

Every test crawls the local news site (``tests/newssite.py``) with ``scrapy crawl news``
in subprocesses and checks the archive with DuckDB.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.newssite import news_site

ROOT = Path(__file__).resolve().parent.parent


def _command(sources: Path, archive: Path, state: Path) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sources={sources}",
        "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
        "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1,localhost",
        "-s", "NEWSARCHIVE_MAX_AGE_DAYS=0",  # the site's stories are from 2024
    ]  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def crawl(sources: Path, archive: Path, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(sources, archive, state), cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)


def urls(archive: Path, dataset: str) -> list[str]:
    if not list((archive / dataset).glob("*/*.parquet")):
        return []
    return [row[0] for row in duckdb.execute(
        f"select url from read_parquet('{archive}/{dataset}/**/*.parquet') order by url"
    ).fetchall()]


def digests(archive: Path) -> dict[str, str]:
    return {str(p.relative_to(archive)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(archive.rglob("*.parquet")) if "runs" not in p.parts}


def hidden(archive: Path) -> list[Path]:
    return [p for p in archive.rglob(".*")]


@contextlib.contextmanager
def small_filesystem(path: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` (root only; the test is skipped otherwise)."""
    path.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory: Path) -> Path:
    """Fill the filesystem of ``directory`` until a write fails; return the filler file."""
    filler = directory / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    return filler


def test_disk_full_during_write(tmp_path: Path) -> None:
    with news_site(tmp_path / "site") as site, small_filesystem(tmp_path / "small") as disk:
        archive, state = disk / "archive", tmp_path / "state"
        lines = site.sources_csv.read_text(encoding="utf-8").splitlines()
        only_b = tmp_path / "b.csv"
        only_b.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
        first = crawl(only_b, archive, state)
        assert first.returncode == 0, first.stderr[-3000:]
        before = digests(archive)
        assert len(urls(archive, "articles")) == 1

        filler = fill(disk)
        full = crawl(site.sources_csv, archive, state)
        # A clear error and a failed run ...
        assert full.returncode != 0
        assert "No space left on device" in full.stderr
        # ... earlier files untouched and readable, nothing half-written where readers look.
        assert {k: v for k, v in digests(archive).items() if k in before} == before
        assert len(urls(archive, "articles")) >= 1
        assert [p for p in hidden(archive) if p.name.endswith(".inprogress")] == []

        # With space again, the next run stores what the failed one could not, once.
        filler.unlink()
        again = crawl(site.sources_csv, archive, state)
        assert again.returncode == 0, again.stderr[-3000:]
        stored = urls(archive, "articles") + urls(archive, "duplicates")
        assert len(stored) == len(set(stored)) == 5


def test_two_crawls_into_one_archive_at_once(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with news_site(tmp_path / "site") as site:
        runs = [subprocess.Popen(_command(site.sources_csv, archive, tmp_path / f"state{i}"),
                                 cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs[0][1][-3000:]
        # Separate states: each run stored the whole site. Nothing collided, nothing lost.
        files = sorted(p.name for p in archive.glob("articles/*/*.parquet"))
        assert len(files) == len(set(files))
        run_ids = {name.split("-", 1)[1].rsplit("-", 1)[0] for name in files}
        assert len(run_ids) == 2
        articles, duplicates = urls(archive, "articles"), urls(archive, "duplicates")
        assert len(articles) == 8 and len(duplicates) == 2
        # Each run holds each of the five pages once, as the stored copy or as a sighting
        # (which copy of the wire story a run meets first depends on timing).
        assert sorted(Counter(articles + duplicates).values()) == [2, 2, 2, 2, 2]
        assert hidden(archive) == []
        # A third run with a new state learns both runs' rows from the archive: adds none.
        third = crawl(site.sources_csv, archive, tmp_path / "state3")
        assert third.returncode == 0, third.stderr[-3000:]
        assert len(urls(archive, "articles")) == 8


@pytest.mark.parametrize("where", ["header", "pages"])
def test_damaged_state_clear_error_then_rebuilt(tmp_path: Path, where: str) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    with news_site(tmp_path / "site") as site:
        assert crawl(site.sources_csv, archive, state).returncode == 0
        before = digests(archive)
        database = state / "state.sqlite3"
        damaged = bytearray(database.read_bytes())
        if where == "header":
            damaged[:100] = b"\xde\xad" * 50  # no longer a SQLite file
        else:
            damaged[4096:] = b"\xde\xad" * ((len(damaged) - 4096) // 2)  # every page but 1
        database.write_bytes(bytes(damaged))
        for extra in state.glob("state.sqlite3-*"):
            extra.unlink()

        broken = crawl(site.sources_csv, archive, state)
        assert broken.returncode != 0
        assert f"state {database} is damaged" in broken.stderr
        assert f"mv {state} {state}.broken" in broken.stderr
        assert "failed (state_damaged)" in broken.stderr.splitlines()[-1]
        assert "Traceback" not in broken.stderr
        assert digests(archive) == before  # the archive is not touched

        # The documented remedy: move the state aside and run again.
        state.rename(tmp_path / "state.broken")
        rebuilt = crawl(site.sources_csv, archive, state)
        assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
        assert "reconciled 5 archive row(s)" in rebuilt.stderr
        assert digests(archive) == before  # nothing fetched or stored twice
        assert len(urls(archive, "articles")) == 4 and len(urls(archive, "duplicates")) == 1


def _warc_run(warc: Path, archive: Path, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
         "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
         "-s", "LOG_LEVEL=INFO"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)


def test_unreadable_archive_file_fails_the_run_clearly_then_the_remedy_works(
        tmp_path: Path) -> None:
    from tests.newssite import write_news_warc

    warc, archive = tmp_path / "news.warc.gz", tmp_path / "archive"
    write_news_warc(warc, 3, extra_records=False)
    assert _warc_run(warc, archive, tmp_path / "state").returncode == 0
    before = digests(archive)
    [part, *_] = sorted((archive / "articles").iterdir())
    junk = part / "part-copied.parquet"
    junk.write_bytes(b"PAR1 interrupted copy")  # e.g. an rsync cut off
    before[str(junk.relative_to(archive))] = hashlib.sha256(junk.read_bytes()).hexdigest()

    # A new state must index the archive first: the file cannot be read.
    broken = _warc_run(warc, archive, tmp_path / "state2")
    assert broken.returncode == 1
    assert (f"archive {junk}: not a readable Parquet file" in broken.stderr
            and "move it out of the archive" in broken.stderr)
    assert "failed (archive_error)" in broken.stderr.splitlines()[-1]
    assert "Traceback" not in broken.stderr  # Scrapy's CoreStats on a failed open
    assert "crawl failed" not in broken.stderr
    assert digests(archive) == before  # nothing written

    junk.rename(tmp_path / "part-copied.parquet")  # the remedy the message gives
    del before[str(junk.relative_to(archive))]
    rebuilt = _warc_run(warc, archive, tmp_path / "state2")
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    assert "reconciled 3 archive row(s)" in rebuilt.stderr
    assert digests(archive) == before  # nothing stored twice


@pytest.mark.parametrize("which", ["archive", "state", "lock"])
def test_archive_or_state_path_that_is_a_file_is_one_clear_line(
        tmp_path: Path, which: str) -> None:
    from tests.newssite import write_news_warc

    warc = tmp_path / "news.warc.gz"
    write_news_warc(warc, 1, extra_records=False)
    if which == "lock":  # the lock file's name is taken by a directory
        (tmp_path / "state" / "run.lock").mkdir(parents=True)
        why = f"Is a directory: {tmp_path / 'state' / 'run.lock'}"
        which = "state"
    else:
        (tmp_path / which).write_text("not a directory")
        why = "a file is in the way"
    result = _warc_run(warc, tmp_path / "archive", tmp_path / "state")
    setting = f"NEWSARCHIVE_{which.upper()}"
    message = (f"{which} {tmp_path / which}: cannot be used as the {which} directory ({why}); "
               f"give {setting} a directory this user can write")
    assert message in result.stderr
    assert "crawl failed" not in result.stderr
    # A wrong directory setting is a usage error, whichever it is: exit 2, one line last,
    # no traceback (Scrapy's CoreStats asserted on a spider that never opened) and no
    # "coroutine ... was never awaited" warning from the other pipelines.
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"newsarchive: {message}"
    assert "Traceback" not in result.stderr and "never awaited" not in result.stderr


def test_state_that_cannot_be_committed_stops_the_run_then_nothing_is_lost(
        tmp_path: Path) -> None:
    """A file-size limit (``ulimit -f``: writes past it fail with EFBIG, which Python
    does not die of) makes the state's commit fail after a file is published. The run
    stops (before, it went on deciding against a state that had lost its last decisions
    and stored copies as new stories, exit 0); the next run indexes the published file."""
    import resource

    from tests.newssite import write_news_warc

    warc, archive, state = tmp_path / "news.warc.gz", tmp_path / "archive", tmp_path / "state"
    written = write_news_warc(warc, 40, extra_records=False)
    limit = 300_000  # bytes: above a Parquet file of one flush, below the state's first commit

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
               "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
               "-s", "NEWSARCHIVE_FLUSH_BYTES=1", "-s", "LOG_LEVEL=INFO"]
    full = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=300, preexec_fn=small_files)
    assert full.returncode == 1, full.stderr[-3000:]
    assert "cannot commit the state after publishing" in full.stderr
    assert "failed (write_error)" in full.stderr.splitlines()[-1]
    stored = len(urls(archive, "articles"))
    assert 1 <= stored < 40  # it stopped at the failure

    again = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"reconciled {stored} archive row(s)" in again.stderr
    assert sorted(urls(archive, "articles")) == sorted(written)  # each once, none lost
    assert not (archive / "duplicates").exists()
