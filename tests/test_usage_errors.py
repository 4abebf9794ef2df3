"""Bad spider arguments: one clear line, no traceback, exit status 2 (a usage error)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["warc", "-a", "paths={tmp}/none-*.warc.gz"], "warc spider: no file matches"),
        (["news", "-a", "sources={tmp}/missing.csv"], "missing.csv: cannot read"),
        (["news", "-a", "sources={tmp}/bad.csv"], "bad.csv:"),
        (["news", "-s", "NEWSARCHIVE_SOURCES={tmp}/bad.csv"], "bad.csv:"),
        (["news", "-s", "NEWSARCHIVE_SOURCES={tmp}/missing.csv"], "missing.csv: cannot read"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path: Path, arguments: list[str], message: str) -> None:
    (tmp_path / "bad.csv").write_text("name,homepage\nExample,https://example.com/\n")
    command = [sys.executable, "-m", "scrapy", "crawl",
               *[a.format(tmp=tmp_path) for a in arguments],
               "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
               "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}"]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("newsarchive: ") and message in last
    assert not (tmp_path / "archive").exists()  # nothing was started


def test_dedup_window_setting_is_checked_with_a_clear_message() -> None:
    from scrapy.settings import Settings

    from newsarchive.config import SPECS, setting
    from newsarchive.dedup.near import WINDOW_DAYS

    def window(value: object) -> object:
        return setting(Settings({"NEWSARCHIVE_DEDUP_WINDOW_DAYS": value}),
                       "NEWSARCHIVE_DEDUP_WINDOW_DAYS")

    assert window("30") == 30 and window(0) == 0 and window("36500") == 36_500
    assert window("") == WINDOW_DAYS == SPECS["NEWSARCHIVE_DEDUP_WINDOW_DAYS"].default
    for bad, message in (
            ("abc", "^NEWSARCHIVE_DEDUP_WINDOW_DAYS must be a whole number of days, got 'abc'$"),
            ("1.5", "^NEWSARCHIVE_DEDUP_WINDOW_DAYS must be a whole number of days, got '1.5'$"),
            ("-1", "^NEWSARCHIVE_DEDUP_WINDOW_DAYS must be between 0 and 36500, got '-1'$"),
            ("99999999999999999999", "^NEWSARCHIVE_DEDUP_WINDOW_DAYS must be between 0 and "
                                     "36500, got '99999999999999999999'$")):
        with pytest.raises(ValueError, match=message):
            window(bad)


def test_bad_dedup_window_stops_the_crawl_before_anything(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "one.warc.gz"
    with open(warc, "wb") as fh:
        WARCWriter(fh, gzip=True).write_record(
            WARCWriter(fh).create_warcinfo_record("one.warc.gz", {"software": "test"}))
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
         "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
         "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}",
         "-s", "NEWSARCHIVE_DEDUP_WINDOW_DAYS=abc", "-s", "LOG_LEVEL=ERROR"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2  # a usage error
    assert result.stderr.strip().splitlines()[-1] == (
        "newsarchive: NEWSARCHIVE_DEDUP_WINDOW_DAYS must be a whole number of days, got 'abc'")
    # Checked with the other settings (newsarchive.config) before the run takes its lock:
    # nothing is opened, so nothing fails later.
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "archive").exists() and not (tmp_path / "state").exists()
