"""The NEWSARCHIVE_ settings are checked when a crawl starts: a bad value is one line that
names the setting (exit status 2), before the run takes its lock or writes anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsarchive.config import SPECS, check_settings, parse_size, setting

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_and_good_values() -> None:
    assert check_settings(Settings()) == {name: spec.default for name, spec in SPECS.items()}
    values = Settings({"NEWSARCHIVE_FLUSH_BYTES": "64MiB", "NEWSARCHIVE_ROW_GROUP_BYTES": 1000,
                       "NEWSARCHIVE_FLUSH_SECONDS": "0", "NEWSARCHIVE_MAX_ERROR_RATE": "1",
                       "NEWSARCHIVE_SITEMAP_DEPTH": " 3 ", "NEWSARCHIVE_LOCK_ENABLED": "false",
                       "NEWSARCHIVE_MAX_AGE_DAYS": ""})
    assert setting(values, "NEWSARCHIVE_FLUSH_BYTES") == 64 * 1024 * 1024
    assert setting(values, "NEWSARCHIVE_ROW_GROUP_BYTES") == 1000
    assert setting(values, "NEWSARCHIVE_FLUSH_SECONDS") == 0.0
    assert setting(values, "NEWSARCHIVE_MAX_ERROR_RATE") == 1.0
    assert setting(values, "NEWSARCHIVE_SITEMAP_DEPTH") == 3
    assert setting(values, "NEWSARCHIVE_LOCK_ENABLED") is False
    assert setting(values, "NEWSARCHIVE_MAX_AGE_DAYS") == 7  # empty: the default
    assert parse_size("1.5GiB") == 1610612736 and parse_size("128MB") == 128_000_000


@pytest.mark.parametrize(("name", "value", "message"), [
    ("NEWSARCHIVE_FLUSH_BYTES", "lots",
     "NEWSARCHIVE_FLUSH_BYTES must be a size in bytes such as 64MiB or 67108864, got 'lots'"),
    ("NEWSARCHIVE_FLUSH_BYTES", "0", "NEWSARCHIVE_FLUSH_BYTES must be a size in bytes"),
    ("NEWSARCHIVE_FLUSH_BYTES", "9" * 400, "NEWSARCHIVE_FLUSH_BYTES must be a size in bytes"),
    ("NEWSARCHIVE_ROW_GROUP_BYTES", -5,
     "NEWSARCHIVE_ROW_GROUP_BYTES must be at least one byte, got -5"),
    ("NEWSARCHIVE_FLUSH_SECONDS", "abc",
     "NEWSARCHIVE_FLUSH_SECONDS must be a number of seconds, got 'abc'"),
    ("NEWSARCHIVE_FLUSH_SECONDS", "nan",
     "NEWSARCHIVE_FLUSH_SECONDS must be a number of seconds, got 'nan'"),
    ("NEWSARCHIVE_PROGRESS_INTERVAL", "-1",
     "NEWSARCHIVE_PROGRESS_INTERVAL must be at least 0, got '-1'"),
    ("NEWSARCHIVE_MAX_ERROR_RATE", "2",
     "NEWSARCHIVE_MAX_ERROR_RATE must be between 0 and 1, got '2'"),
    ("NEWSARCHIVE_SITEMAP_DEPTH", "2.5",
     "NEWSARCHIVE_SITEMAP_DEPTH must be a whole number, got '2.5'"),
    ("NEWSARCHIVE_MAX_AGE_DAYS", "-7", "NEWSARCHIVE_MAX_AGE_DAYS must be at least 0, got '-7'"),
    ("NEWSARCHIVE_DEDUP_WINDOW_DAYS", "99999",
     "NEWSARCHIVE_DEDUP_WINDOW_DAYS must be between 0 and 36500, got '99999'"),
    ("NEWSARCHIVE_LOCK_ENABLED", "maybe",
     "NEWSARCHIVE_LOCK_ENABLED must be True or False (or 1/0), got 'maybe'"),
])
def test_bad_values_name_the_setting(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_settings(Settings({name: value}))
    assert str(caught.value).startswith(message)


def test_a_bad_setting_stops_the_crawl_before_anything_with_one_line(tmp_path: Path) -> None:
    warc = tmp_path / "none.warc"
    warc.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "warc", "-a", f"paths={warc}",
         "-s", f"NEWSARCHIVE_ARCHIVE={tmp_path / 'archive'}",
         "-s", f"NEWSARCHIVE_STATE={tmp_path / 'state'}",
         "-s", "NEWSARCHIVE_FLUSH_BYTES=64 MB per file"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "newsarchive: NEWSARCHIVE_FLUSH_BYTES must be a size in bytes such as 64MiB or "
        "67108864, got '64 MB per file'")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "archive").exists() and not (tmp_path / "state").exists()
