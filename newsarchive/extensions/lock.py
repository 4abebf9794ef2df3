"""One run at a time per state: an OS lock on ``<NEWSARCHIVE_STATE>/run.lock``.

:class:`RunLock` takes an exclusive, non-blocking ``fcntl.flock`` on the file. The kernel
releases a ``flock`` when the process holding it ends, however it ends (``kill -9``, OOM
killer, power loss of a container), so a lock left by a killed run never blocks the next
one: there is no stale-lock detection to get wrong. The file itself stays (deleting a lock
file another process may be opening is a race); after taking the lock the holder writes its
run id, pid, host, spider and start time into it, so that a second run can say who holds it.

``flock`` works on local file systems; on NFS it may be emulated or not shared between
hosts, so keep ``NEWSARCHIVE_STATE`` on a local disk (the SQLite state needs that anyway).

:class:`RunLockExtension` takes the lock when the crawler is built, before the spider opens
and before the archive session touches the state. When another run holds it, it logs one
clear message and raises :class:`RunLocked`; ``scrapy crawl`` (the project's command,
:mod:`newsarchive.commands.crawl`) then exits at once with status :data:`EXIT_LOCKED`.

Settings:
    NEWSARCHIVE_LOCK_ENABLED (bool, default True): off raises ``NotConfigured`` (no lock;
        only for a state nobody else uses).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsarchive.config import check_settings
from newsarchive.extensions.outcome import (
    EXIT_LOCKED,
    RunOutcome,
    is_archive_run,
    run_id_for,
    set_outcome,
)

__all__ = ["LOCK_FILE", "RunLock", "RunLockExtension", "RunLocked"]

logger = logging.getLogger(__name__)

#: Name of the lock file inside the state directory.
LOCK_FILE = "run.lock"


class RunLocked(RuntimeError):
    """Another process holds the run lock.

    Attributes:
        path: the lock file.
        holder: what the holder wrote into it (``run_id``, ``pid``, ``host``, ``spider``,
            ``started_at``); empty when unreadable.
    """

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: which run holds the lock, where."""
        h = self.holder
        if not h:
            who = "another process"
        else:
            who = (f"run {h.get('run_id', '?')} ({h.get('spider', '?')}, pid {h.get('pid', '?')}"
                   f" on {h.get('host', '?')}, started {h.get('started_at', '?')})")
        return (f"another run is using this state: {who} holds {self.path}; this run exits "
                "without doing anything")


class RunLock:
    """An exclusive ``flock`` on ``<directory>/run.lock``.

    Args:
        directory: the state directory (created if missing).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self, info: dict[str, Any]) -> None:
        """Take the lock without waiting and write ``info`` (JSON) into the file.

        Raises:
            RunLocked: another process (or another open file of this one) holds it.
            OSError: the directory or file cannot be created.
        """
        if self._fd is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunLocked(self.path, read_holder(self.path)) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        data = (json.dumps(info, sort_keys=True) + "\n").encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)

    def release(self) -> None:
        """Release the lock (the file stays). Idempotent."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def read_holder(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What the lock's holder wrote into ``path``; ``{}`` when missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class RunLockExtension:
    """Hold the run lock of ``NEWSARCHIVE_STATE`` for the whole crawl.

    Taken in :meth:`from_crawler` (before the engine opens the spider), released when the
    engine stops (after the run record is written) or when the process ends.

    Raises (from :meth:`from_crawler`):
        RunLocked: another run holds the lock (exit status 75).
        ValueError: a bad ``NEWSARCHIVE_`` setting (:func:`newsarchive.config.check_settings`),
            or the state directory cannot be created or the lock file not opened (the
            message names the setting or the directory; a usage error, exit status 2).
    """

    def __init__(self, crawler: Crawler, lock: RunLock) -> None:
        self.crawler = crawler
        self.lock = lock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLockExtension:
        settings = crawler.settings
        check_settings(settings)  # a bad setting: a usage error before anything is done
        if not settings.getbool("NEWSARCHIVE_LOCK_ENABLED", True):
            raise NotConfigured("NEWSARCHIVE_LOCK_ENABLED is off")
        if not is_archive_run(crawler):
            raise NotConfigured("not an archive run (spider without archive_run = True)")
        lock = RunLock(settings.get("NEWSARCHIVE_STATE", "data/state"))
        spider = getattr(crawler, "spider", None)
        info = {
            "run_id": run_id_for(crawler),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "spider": getattr(spider, "name", None) or getattr(crawler.spidercls, "name", "?"),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            lock.acquire(info)
        except RunLocked as exc:
            message = exc.describe()
            logger.error("%s", message)
            set_outcome(crawler, RunOutcome("failed", "locked", EXIT_LOCKED, message))
            raise
        except OSError as exc:  # a file in the way, no permission: a bad NEWSARCHIVE_STATE
            directory = lock.directory
            why = ("a file is in the way" if directory.exists() and not directory.is_dir()
                   else exc.strerror or str(exc))
            if exc.filename and Path(exc.filename) != directory:  # e.g. the lock file
                why = f"{why}: {exc.filename}"
            raise ValueError(f"state {directory}: cannot be used as the state directory "
                             f"({why}); give NEWSARCHIVE_STATE a directory this user can "
                             "write") from exc
        logger.info("run %s holds the run lock %s", info["run_id"], lock.path)
        ext = cls(crawler, lock)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self) -> None:
        self.lock.release()
