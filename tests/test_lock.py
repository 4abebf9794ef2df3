"""One run at a time: the state's run lock, with real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from newsarchive.extensions.lock import LOCK_FILE, RunLock, RunLocked, read_holder
from tests.newssite import write_news_warc

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_second_lock_on_the_same_state_is_refused(tmp_path: Path) -> None:
    first = RunLock(tmp_path / "state")
    first.acquire({"run_id": "R1", "pid": 4242, "host": "box", "spider": "news",
                   "started_at": "2026-01-02T03:04:05+00:00"})
    assert first.held
    assert read_holder(tmp_path / "state" / LOCK_FILE)["run_id"] == "R1"
    second = RunLock(tmp_path / "state")
    with pytest.raises(RunLocked) as info:
        second.acquire({"run_id": "R2"})
    assert str(info.value) == (
        f"another run is using this state: run R1 (news, pid 4242 on box, started "
        f"2026-01-02T03:04:05+00:00) holds {tmp_path / 'state' / LOCK_FILE}; this run exits "
        "without doing anything")
    assert not second.held
    first.release()
    second.acquire({"run_id": "R2"})  # free again
    assert read_holder(tmp_path / "state" / LOCK_FILE) == {"run_id": "R2"}
    second.release()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


def _scrapy(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", *args]


def test_second_run_exits_at_once_and_a_killed_run_leaves_no_lock(
    tmp_path: Path, silent_server: int
) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    common = ["-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}"]
    sources = tmp_path / "sources.csv"
    base = f"http://127.0.0.1:{silent_server}"
    sources.write_text("name,homepage,feeds,sitemaps,language\n"
                       f"Silent,{base}/,{base}/feed.xml,,en\n", encoding="utf-8")
    # The first run hangs on a server that never answers: it holds the lock.
    first = subprocess.Popen(
        _scrapy("news", "-a", f"sources={sources}", *common, "-s", "DOWNLOAD_TIMEOUT=120",
                "-s", "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS=127.0.0.1"),
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock_file = state / LOCK_FILE
        deadline = time.monotonic() + 60
        while read_holder(lock_file).get("pid") != first.pid:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        holder = read_holder(lock_file)

        warc = tmp_path / "one.warc.gz"
        [url] = write_news_warc(warc, 1, extra_records=False)
        started = time.monotonic()
        second = subprocess.run(_scrapy("warc", "-a", f"paths={warc}", *common), cwd=ROOT,
                                env=ENV, capture_output=True, text=True, timeout=120)
        assert second.returncode == 75, second.stderr[-3000:]
        assert time.monotonic() - started < 30
        message = (f"another run is using this state: run {holder['run_id']} (news, pid "
                   f"{first.pid} on {socket.gethostname()}, started {holder['started_at']}) "
                   f"holds {lock_file}; this run exits without doing anything")
        assert f"newsarchive: {message}" in second.stderr
        assert "Spider opened" not in second.stderr
        assert "Traceback" not in second.stderr  # one clear message, no stack
        assert not (archive / "articles").exists()  # the second run wrote nothing
        assert first.poll() is None  # and did not disturb the first

        # kill -9: the kernel drops the lock with the process; the next run goes ahead.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert read_holder(lock_file)["pid"] == first.pid  # the file stays, the lock not
        third = subprocess.run(_scrapy("warc", "-a", f"paths={warc}", *common), cwd=ROOT,
                               env=ENV, capture_output=True, text=True, timeout=120)
        assert third.returncode == 0, third.stderr[-3000:]
        assert f"holds the run lock {lock_file}" in third.stderr
        assert json.loads(lock_file.read_text())["pid"] != first.pid
        stored = duckdb.execute(
            f"select url from read_parquet('{archive}/articles/**/*.parquet')").fetchall()
        assert stored == [(url,)]
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
