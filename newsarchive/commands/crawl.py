"""``scrapy crawl``, with an exit status that says whether the run did its work.

Scrapy's own ``crawl`` exits 0 unless the crawler could not even start, so cron, systemd
and monitoring cannot tell a failed crawl from a good one. This command (found through
``COMMANDS_MODULE = "newsarchive.commands"``, it replaces the built-in one for this
project; everything else, options included, is Scrapy's) runs the spider the same way and
then exits with the outcome recorded by the project's extensions
(:mod:`newsarchive.extensions.outcome`):

* 0: the run did its work;
* 1: the run failed: no source reachable, error rate above
  ``NEWSARCHIVE_MAX_ERROR_RATE``, a write error, or it was stopped (SIGTERM/Ctrl-C) —
  the reason is the run's ``failure`` in ``runs/`` and the last lines of the log;
* 75 (``EX_TEMPFAIL``): another run holds the state's lock; this one did nothing;
* 2: usage error: Scrapy's, a bad spider argument (no WARC file matches ``-a paths``,
  an unreadable or invalid sources file) or a bad ``NEWSARCHIVE_`` setting (a state or
  archive directory that cannot be used included), reported in one line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newsarchive.archive import ArchiveFileError
from newsarchive.extensions.lock import RunLocked
from newsarchive.extensions.outcome import EXIT_FAILED, get_outcome
from newsarchive.state.sqlite import StateCorruptError

__all__ = ["Command"]

logger = logging.getLogger(__name__)


#: Errors already reported in one line (log and run record) by the component that met them.
_REPORTED = (RunLocked, ArchiveFileError, StateCorruptError)


def _quiet_when_locked(running: Any, usage_errors: list[str]) -> None:
    """A run refused by the lock has said so in one line: keep its exception (an
    asyncio task's or a Deferred's) from being logged again as a traceback; the same for
    an unusable archive or a damaged state (:data:`_REPORTED`). A spider
    argument error (``ValueError`` from the spider's ``__init__``: no WARC file matches,
    a bad sources file) is one line too, collected in ``usage_errors``."""
    if isinstance(running, asyncio.Future):
        def done(task: asyncio.Future[Any]) -> None:
            if task.cancelled():
                return
            exc = task.exception()  # retrieved: asyncio does not log it
            if isinstance(exc, ValueError):
                usage_errors.append(str(exc))
            elif exc is not None and not isinstance(exc, _REPORTED):
                logger.error("crawl failed", exc_info=exc)

        running.add_done_callback(done)
    elif hasattr(running, "addErrback"):
        def errback(failure: Any) -> Any:
            if failure.check(ValueError):
                usage_errors.append(str(failure.value))
                return None
            return None if failure.check(*_REPORTED) else failure

        running.addErrback(errback)


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl`` with the run's exit status."""

    def short_desc(self) -> str:
        return "Run a spider of the project; exit non-zero when the run failed"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # raises Scrapy's UsageError
            return
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        running = self.crawler_process.crawl(crawler, **opts.spargs)
        usage_errors: list[str] = []
        _quiet_when_locked(running, usage_errors)
        self.crawler_process.start()
        outcome = get_outcome(crawler)
        if usage_errors and (outcome is None or outcome.exit_code):
            for message in usage_errors:
                print(f"newsarchive: {message}", file=sys.stderr)
            self.exitcode = 2
        elif outcome is not None:
            self.exitcode = outcome.exit_code
            if outcome.exit_code:
                print(f"newsarchive: {outcome.message}", file=sys.stderr)
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_FAILED
