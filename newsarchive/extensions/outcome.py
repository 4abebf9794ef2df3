"""A crawl's run id and outcome, kept on the Scrapy ``Crawler`` object.

The run id is made once per crawler (:func:`run_id_for`) and shared by the lock file, the
names of the Parquet files the run publishes and its row in ``runs/``. The outcome is set
by the extensions (:mod:`~newsarchive.extensions.lock`,
:mod:`~newsarchive.extensions.runrecord`) and read by the ``crawl`` command
(:mod:`newsarchive.commands.crawl`) to choose the process's exit status.

Exit statuses: :data:`EXIT_OK` (0) the run did its work; :data:`EXIT_FAILED` (1) the run
failed (no source reachable, error rate above ``NEWSARCHIVE_MAX_ERROR_RATE``, a write
error, an interrupted run); :data:`EXIT_LOCKED` (75, ``EX_TEMPFAIL``) another run holds
the state's lock and this one did nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newsarchive.storage.writer import new_run_id

__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "RunOutcome", "get_outcome",
           "is_archive_run", "run_id_for", "set_outcome", "stop_run"]

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
#: ``EX_TEMPFAIL`` of sysexits.h: try again later.
EXIT_LOCKED = 75

_RUN_ID_ATTR = "_newsarchive_run_id"
_OUTCOME_ATTR = "_newsarchive_outcome"


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended.

    Attributes:
        status: ``"ok"`` or ``"failed"``.
        failure: why it failed (``"locked"``, ``"no_source_reachable"``, ``"error_rate"``,
            ``"write_error"``, a Scrapy finish reason), None when ok.
        exit_code: the process exit status for it.
        message: one line for people.
    """

    status: str
    failure: str | None
    exit_code: int
    message: str


def is_archive_run(crawler: Crawler) -> bool:
    """Whether the crawler's spider is a run of the archive (its class says
    ``archive_run = True``, as the ``news`` and ``warc`` spiders do). Other crawls of the
    project (``scrapy shell``, ``scrapy fetch``, test spiders) take no lock and write no
    run record."""
    return bool(getattr(crawler.spidercls, "archive_run", False))


def run_id_for(crawler: Crawler) -> str:
    """The crawler's run id, made on first use (time-ordered, unique)."""
    run_id: str | None = getattr(crawler, _RUN_ID_ATTR, None)
    if run_id is None:
        run_id = new_run_id()
        setattr(crawler, _RUN_ID_ATTR, run_id)
    return run_id


def set_outcome(crawler: Crawler, outcome: RunOutcome) -> None:
    """Record the run's outcome on the crawler (the last one set wins)."""
    setattr(crawler, _OUTCOME_ATTR, outcome)


def get_outcome(crawler: Crawler) -> RunOutcome | None:
    """The outcome recorded by :func:`set_outcome`, or None."""
    return getattr(crawler, _OUTCOME_ATTR, None)


_STOPPING_ATTR = "_newsarchive_stopping"


def stop_run(crawler: Crawler, reason: str) -> None:
    """Ask the engine to close the spider with ``reason`` as its finish reason (once per
    crawler; later calls do nothing), without waiting: a pipeline calls it while the
    engine is waiting for that pipeline. Used when the run cannot go on correctly (the
    state could not be committed); the run record then names the failure."""
    engine = crawler.engine
    if getattr(crawler, _STOPPING_ATTR, False) or engine is None:
        return
    setattr(crawler, _STOPPING_ATTR, True)
    done = deferred_from_coro(engine.close_spider_async(reason=reason))
    done.addErrback(lambda failure: logger.error("stopping the run failed: %s",
                                                 failure.getErrorMessage()))
