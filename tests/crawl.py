"""Run ``scrapy crawl warc`` of this project in a subprocess, as a scheduled job would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def crawl_warc(warc: Path, archive: Path, state: Path, *settings: str,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl warc -a paths=<warc>`` into ``archive``/``state`` at log level INFO;
    ``settings`` are extra ``NAME=value`` pairs passed with ``-s``."""
    command = [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
               "-s", f"NEWSARCHIVE_ARCHIVE={archive}", "-s", f"NEWSARCHIVE_STATE={state}",
               "-s", "LOG_LEVEL=INFO"]
    for setting in settings:
        command += ["-s", setting]
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=timeout)
