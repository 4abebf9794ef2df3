"""The ``newsarchive`` command: archive maintenance next to ``scrapy crawl``.

::

    newsarchive compact --archive data/archive [--older-than-days 2] [--target-bytes 256MiB]
                        [--max-staged-bytes 1GiB]
    newsarchive report --archive data/archive --out report.html [--days 90] [--top 10]

Exit status: 0 on success; 2 for bad arguments; 75 (``EX_TEMPFAIL``) when another
compaction of the archive is running; 74 (``EX_IOERR``) when compaction stopped because the
disk has no room for its next batch (what was done before stays; nothing of that batch is
left; the next run goes on); 1 for other failures, and when compaction met a file that is
not a readable file of its dataset (left as it is; the rest is compacted).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsarchive.storage.compact import CompactionReport

__all__ = ["main", "parse_size"]

EXIT_BUSY = 75
EXIT_NO_SPACE = 74


def parse_size(text: str) -> int:
    """Parse a size such as ``256MiB``, ``128MB``, ``1.5GiB`` or ``1048576`` into bytes
    (:func:`newsarchive.config.parse_size`).

    Raises:
        argparse.ArgumentTypeError: for anything else, or a size below one byte.
    """
    from newsarchive.config import parse_size as parse

    try:
        return parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _compact(args: argparse.Namespace) -> int:
    from newsarchive.storage.compact import (
        CompactionBusy,
        CompactionError,
        CompactionNoSpace,
        compact_archive,
    )

    try:
        report = compact_archive(
            args.archive, older_than_days=args.older_than_days, target_bytes=args.target_bytes,
            min_bytes=args.min_bytes, datasets=args.dataset, grace_seconds=args.grace_seconds,
            tombstone_seconds=args.tombstone_seconds, dry_run=args.dry_run,
            max_staged_bytes=args.max_staged_bytes)
    except CompactionBusy as exc:
        print(f"newsarchive compact: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except CompactionNoSpace as exc:
        _print_compaction(exc.report)
        print(f"newsarchive compact: {exc}", file=sys.stderr)
        return EXIT_NO_SPACE
    except CompactionError as exc:
        print(f"newsarchive compact: {exc}", file=sys.stderr)
        return 1
    _print_compaction(report)
    return 1 if report.unreadable else 0  # each file is named in the log


def _print_compaction(report: CompactionReport) -> None:
    from newsarchive.storage.schema import PARTITION_KEYS

    verb = "would merge" if report.dry_run else "merged"
    for part in report.partitions:
        key = PARTITION_KEYS.get(part.dataset, "published_date")
        result = "" if report.dry_run else (  # a dry run writes nothing to count
            f" into {len(part.written)} ({part.bytes_after:,} bytes, {part.rows:,} rows)")
        print(f"{part.dataset}/{key}={part.day}: {verb} {len(part.merged)} files "
              f"({part.bytes_before:,} bytes){result}")
    print(f"compaction {report.compaction_id}: {len(report.partitions)} partition(s), "
          f"{report.files_merged} small file(s) {verb}, {report.files_written} written, "
          f"{report.removed_staging} leftover director(ies) removed")
    staged = (f"at most {report.largest_batch_bytes:,} bytes free needed" if report.dry_run
              else f"{report.peak_staged_bytes:,} bytes staged at most")
    print(f"{report.batches} batch(es), {staged}")


def _report(args: argparse.Namespace) -> int:
    from newsarchive.report import write_report

    try:
        data = write_report(args.archive, args.out, days=args.days, top=args.top)
    except OSError as exc:
        print(f"newsarchive report: cannot write {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {data.articles:,} articles, {data.duplicates:,} duplicates, "
          f"{len(data.runs) if data.runs is not None else 0} run(s)")
    return 0


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an int of at least ``minimum`` (a usage error otherwise)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def _tombstone_seconds(text: str) -> float:
    """An argparse type: seconds between 0 and the longest tombstone time compaction takes."""
    from newsarchive.storage.compact import MAX_TOMBSTONE_SECONDS

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= MAX_TOMBSTONE_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and {MAX_TOMBSTONE_SECONDS:g}, got {value:g}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``newsarchive`` command."""
    parser = argparse.ArgumentParser(
        prog="newsarchive", description="Maintain and report on a newsarchive Parquet archive.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    compact = commands.add_parser(
        "compact", help="merge the small files of closed partitions",
        description="Merge the small Parquet files of partitions older than N days into "
                    "large files. Safe while crawls run and while readers query.")
    compact.add_argument("--archive", default="data/archive", help="archive root "
                         "(default: data/archive)")
    compact.add_argument("--older-than-days", type=_count(0), default=2, metavar="N",
                         help="compact partitions dated before today (UTC) minus N days "
                              "(default: 2)")
    compact.add_argument("--target-bytes", type=parse_size, default=256 * 1024**2,
                         metavar="SIZE", help="merge files up to this size (default: 256MiB)")
    compact.add_argument("--min-bytes", type=parse_size, default=None, metavar="SIZE",
                         help="files smaller than this are merged (default: half the target)")
    compact.add_argument("--dataset", action="append", choices=["articles", "duplicates", "runs"],
                         help="compact only this dataset (repeatable; default: all three)")
    compact.add_argument("--grace-seconds", type=float, default=600.0, metavar="S",
                         help="keep replaced files this long before a later run deletes "
                              "them (default: 600)")
    compact.add_argument("--tombstone-seconds", type=_tombstone_seconds, default=5.0, metavar="S",
                         help="keep a placeholder under each merged-away name this long "
                              "after a swap, so that a reader listing the partition at that "
                              "moment fails instead of missing its rows (default: 5; "
                              "at most 600)")
    compact.add_argument("--max-staged-bytes", type=parse_size, default=1024**3, metavar="SIZE",
                         help="stage and swap partitions in batches that need at most this "
                              "much free disk space (the size of the files they merge; a "
                              "larger partition is a batch of its own); checked before each "
                              "batch, exit 74 when it does not fit (default: 1GiB)")
    compact.add_argument("--dry-run", action="store_true", help="only show what would be done")
    compact.set_defaults(func=_compact)

    report = commands.add_parser(
        "report", help="write a self-contained HTML report",
        description="Write one HTML file with charts of the archive (no server, no network).")
    report.add_argument("--archive", default="data/archive",
                        help="archive root (default: data/archive)")
    report.add_argument("--out", default="report.html", help="HTML file to write "
                        "(default: report.html)")
    report.add_argument("--days", type=_count(1), default=90,
                        help="days in the per-day charts (default: 90)")
    report.add_argument("--top", type=_count(1), default=10,
                        help="entries in the rankings (default: 10)")
    report.set_defaults(func=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not Path(args.archive).is_dir():
        # A mistyped path under cron must not pass as "an empty archive".
        why = "not a directory" if Path(args.archive).exists() else "the directory does not exist"
        parser.error(f"no archive at {args.archive!r} ({why})")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    status: int = args.func(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
