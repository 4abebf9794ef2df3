"""The ``newsarchive`` console script: ``compact`` and ``report``."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from newsarchive.cli import EXIT_BUSY, main, parse_size
from newsarchive.storage.compact import STAGING_DIR
from newsarchive.storage.writer import ArchiveWriter
from tests.test_compact import article_row

ROOT = Path(__file__).resolve().parent.parent
OLD = date(2020, 1, 2)


def small_archive(root: Path, runs: int = 3) -> None:
    for run in range(runs):
        writer = ArchiveWriter(root, f"20200102T00000{run}Z-0000000{run}")
        writer.add("articles", OLD, article_row(run + 1, OLD))
        writer.flush()


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"newsarchive": "newsarchive.cli:main"}


def test_parse_size() -> None:
    assert parse_size("256MiB") == 256 * 1024 * 1024
    assert parse_size("128MB") == 128_000_000
    assert parse_size("1.5GiB") == 3 * 1024**3 // 2
    assert parse_size("4096") == 4096
    for bad in ("", "12 parsecs", "-1MB", "0", "9" * 400, "1" + "0" * 300 + "GiB"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_size(bad)


def test_compact_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "archive"
    small_archive(root)
    part = root / "articles" / f"published_date={OLD}"
    assert main(["compact", "--archive", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would merge 3 files" in out and "0 rows" not in out  # nothing was written
    assert len(list(part.iterdir())) == 3 and not (root / STAGING_DIR).exists()

    assert main(["compact", "--archive", str(root), "--target-bytes", "1MiB"]) == 0
    out = capsys.readouterr().out
    assert f"articles/published_date={OLD}: merged 3 files" in out and "3 rows" in out
    [merged] = part.iterdir()
    assert merged.name.startswith("part-compact-")
    assert main(["compact", "--archive", str(root)]) == 0
    assert "0 partition(s)" in capsys.readouterr().out


def test_compact_command_while_another_runs(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    root = tmp_path / "archive"
    small_archive(root)
    (root / STAGING_DIR).mkdir()
    fd = os.open(root / STAGING_DIR, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert main(["compact", "--archive", str(root)]) == EXIT_BUSY
    finally:
        os.close(fd)
    assert "another compaction" in capsys.readouterr().err


def test_report_command_as_installed(tmp_path: Path) -> None:
    root, out = tmp_path / "archive", tmp_path / "report.html"
    small_archive(root, runs=2)
    script = Path(sys.executable).with_name("newsarchive")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newsarchive.cli"]
    result = subprocess.run([*command, "report", "--archive", str(root), "--out", str(out)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}: 2 articles, 0 duplicates, 0 run(s)\n"
    html = out.read_text()
    assert 'data-series="example.com" data-label="2020-01-02" data-value="2"' in html
    # The archive was only read.
    assert duckdb.execute(
        f"select count(*) from read_parquet('{root}/articles/**/*.parquet')").fetchall() == [(2,)]


# -- "Running on a schedule" in README.md ---------------------------------------------------


def schedule_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Running on a schedule\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_readme_schedule_commands_are_valid() -> None:
    import shlex

    import newsarchive.settings as settings
    from newsarchive.cli import build_parser

    section = schedule_section()
    code = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", section, flags=re.S))
    commands = [line for line in code.splitlines()
                if "newsarchive compact" in line or "newsarchive report" in line]
    assert len(commands) >= 6
    for line in commands:
        for part in re.split(r"&&|;", line):
            found = re.search(r"\bnewsarchive ((?:compact|report)\b.*)", part)
            if found is None:
                continue
            args = shlex.split(re.sub(r"\[[^]]*\]", "", found.group(1)))
            args = args[:args.index("#")] if "#" in args else args
            build_parser().parse_args(args)  # exits (SystemExit) on a bad option
    crawls = [line for line in code.splitlines() if "scrapy crawl" in line]
    assert crawls
    for line in crawls:
        assert re.search(r"scrapy crawl (news|warc) ", line)
        for name in re.findall(r"-s (NEWSARCHIVE_\w+)=", line):
            assert hasattr(settings, name), name
    cron = [line for line in code.splitlines() if re.match(r"^[*/\d,]+ [*\d]+ \* \* \* ", line)]
    assert len(cron) == 2 and all(r"date +\%F" in line for line in cron if "date" in line)
    for unit in ("newsarchive-crawl.service", "newsarchive-crawl.timer",
                 "newsarchive-maintenance.service", "SuccessExitStatus=75", "OnCalendar=",
                 "scrapyd-deploy", "schedule.json"):
        assert unit in section, unit


def test_scrapyd_deploy_configuration() -> None:
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "scrapy.cfg")
    assert dict(config["deploy"]) == {"url": "http://localhost:6800/", "project": "newsarchive"}
    assert config["settings"]["default"] == "newsarchive.settings"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["scrapy"] == {"settings": "newsarchive.settings"}


@pytest.mark.parametrize("command", ["compact", "report"])
def test_missing_archive_is_a_usage_error(tmp_path: Path, command: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--out", str(tmp_path / "r.html")] if command == "report" else []
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--archive", str(tmp_path / "arch1ve"), *extra])
    assert exit_info.value.code == 2
    assert "no archive at" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("argv", [["report", "--top", "-1"], ["report", "--days", "-5"],
                                  ["report", "--days", "x"],
                                  ["compact", "--older-than-days", "-1"]])
def test_bad_counts_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "must be at least" in err or "not a whole number: 'x'" in err


def test_report_out_that_cannot_be_written_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    folder = tmp_path / "site"
    folder.mkdir()
    assert main(["report", "--archive", str(archive), "--out", str(folder)]) == 1
    assert capsys.readouterr().err == (
        f"newsarchive report: cannot write {folder}: is a directory, give a file name such "
        "as report.html\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "site"]  # no temporary
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert main(["report", "--archive", str(archive), "--out", str(blocked / "r.html")]) == 1
    assert capsys.readouterr().err == (
        f"newsarchive report: cannot write {blocked / 'r.html'}: File exists\n")
    with pytest.raises(SystemExit):
        main(["report", "--archive", str(blocked), "--out", str(tmp_path / "r.html")])
    assert f"no archive at '{blocked}' (not a directory)" in capsys.readouterr().err
