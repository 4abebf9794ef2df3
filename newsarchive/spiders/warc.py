"""``scrapy crawl warc -a paths=PATH_OR_GLOB[,PATH_OR_GLOB...]``: import pages from WARC files.

Reads WARC/1.0 and WARC/1.1 files (gzip-compressed per record, or not) with warcio's
``ArchiveIterator``, one record at a time, and yields a :class:`~newsarchive.items.RawPage`
for every ``response`` record whose HTTP status is 200 and whose content type is HTML-ish
(``text/html``, ``application/xhtml+xml`` or none). No HTTP request is made: items come
straight out of :meth:`WarcSpider.start` (Scrapy >= 2.13), whose consumer applies
back-pressure, so memory stays bounded by one record.

Per record:

* ``url`` = ``final_url`` = ``WARC-Target-URI``; ``crawled_at`` = ``WARC-Date`` (UTC);
* ``body`` = the HTTP payload with transfer and content encodings removed
  (``record.content_stream()``; ``br`` here, see :func:`record_payload`), at most
  ``DOWNLOAD_MAXSIZE`` bytes (larger records are skipped); a payload that is not in its
  declared ``Content-Encoding`` is kept as stored only when it is markup (a plain page
  labelled gzip), else counted as ``warc_errors`` and skipped (never stored as text);
* ``headers`` = the HTTP headers, names lower-cased, first value kept, without
  ``content-encoding`` / ``transfer-encoding`` / ``content-length`` (they describe the
  encoded payload, not ``body``). Header values are as warcio decoded them (UTF-8, else
  latin-1).

Stats (prefix ``newsarchive/``): ``warc_files``, ``warc_records``, ``warc_pages``,
``warc_skipped_type`` (request, metadata, warcinfo... records), ``warc_revisits``,
``warc_redirects`` (3xx), ``warc_non_200`` (other statuses), ``warc_non_html``,
``warc_too_large``, ``warc_errors`` (damaged record or file: logged, reading goes on at the
next record found after the damage), ``warc_resyncs``, ``warc_bytes`` (bytes of the files
read), ``sources`` (files given) and ``sources_reached`` (files opened), ``skipped_seen``
(pages whose URL the archive already has: not extracted again).

Progress: :attr:`WarcSpider.progress` (a :class:`WarcProgress`) is updated after every
record; :mod:`newsarchive.extensions.progress` logs it.

Resuming: a WARC import keeps no position of its own. A run killed in the middle is simply
run again: the pages it stored are in the archive and its state, and are skipped (by URL,
before extraction); the others are stored. Scrapy's ``JOBDIR`` is not needed (and not used:
this spider makes no requests).
"""

from __future__ import annotations

import glob
import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import brotli
import scrapy
from scrapy import signals
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

from newsarchive.discovery import parse_date
from newsarchive.items import DiscoveryHints, RawPage
from newsarchive.spiders._common import headers_dict, is_html_type

__all__ = ["WarcProgress", "WarcSpider", "expand_paths", "read_warc"]

logger = logging.getLogger(__name__)

#: Bytes; the largest payload read from one record when ``DOWNLOAD_MAXSIZE`` is unset (0).
DEFAULT_MAX_PAYLOAD = 10 * 1024 * 1024
_ENCODING_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_GLOB_CHARS = frozenset("*?[")

Counter = Callable[[str], None]


def expand_paths(paths: str) -> list[Path]:
    """Expand a comma-separated list of paths and glob patterns (``~`` allowed).

    Each pattern's matches are sorted; the result keeps pattern order, without repeats.

    Raises:
        ValueError: ``paths`` is empty, or a pattern matches no file (the message names it).
    """
    patterns = [part.strip() for part in paths.split(",") if part.strip()]
    if not patterns:
        raise ValueError("warc spider: give the WARC files with -a paths=PATH_OR_GLOB[,...]")
    result: list[Path] = []
    for pattern in patterns:
        expanded = os.path.expanduser(pattern)
        if _GLOB_CHARS & set(expanded):
            matches = sorted(p for p in glob.glob(expanded, recursive=True) if os.path.isfile(p))
        else:
            matches = [expanded] if os.path.isfile(expanded) else []
        if not matches:
            raise ValueError(f"warc spider: no file matches {pattern!r}")
        for match in matches:
            path = Path(match)
            if path not in result:
                result.append(path)
    return result


@dataclass
class WarcProgress:
    """Where a WARC import is: updated by :func:`read_warc` after every record.

    Attributes:
        files: number of files to read.
        total_bytes: sum of their sizes when the import started, bytes.
        file_index: 1-based number of the file being read (0 before the first).
        current_path: the file being read.
        done_before: bytes of the files finished before the current one.
        offset: bytes of the current file read so far (end of its last record).
        records: records read, all files.
    """

    files: int = 0
    total_bytes: int = 0
    file_index: int = 0
    current_path: Path | None = None
    done_before: int = 0
    offset: int = 0
    records: int = 0

    @property
    def bytes_done(self) -> int:
        """Bytes of all files read so far."""
        return self.done_before + self.offset

    def start_file(self, path: Path) -> None:
        """Move on to the next file (the previous one counts as done, whole)."""
        if self.current_path is not None:
            self.done_before += _size(self.current_path)
        self.file_index += 1
        self.current_path = path
        self.offset = 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


#: Earliest capture time accepted from ``WARC-Date`` (the archive's partitions start here:
#: ``newsarchive.storage.writer.MIN_PARTITION_DATE``; the web is younger).
EARLIEST_CAPTURE = datetime(1990, 1, 1, tzinfo=UTC)


def _warc_date(value: str | None, now: datetime | None = None) -> datetime | None:
    """``WARC-Date`` as an aware UTC datetime, or None when it is missing, not a date, or
    not a possible capture time: before :data:`EARLIEST_CAPTURE` or more than a day after
    ``now`` (default: the current time). Such a date would become the partition of an
    undated page (a year-0001 record failed in the writer; one of 2099 made a partition
    of that year)."""
    parsed = parse_date(value)
    if parsed is None:
        return None
    latest = (now or datetime.now(UTC)) + timedelta(days=1)
    return parsed if EARLIEST_CAPTURE <= parsed <= latest else None


def read_warc(path: str | Path, count: Counter | None = None,
              max_payload: int = DEFAULT_MAX_PAYLOAD,
              progress: WarcProgress | None = None) -> Iterator[RawPage]:
    """Yield the HTML 200 responses of one WARC file as :class:`RawPage` items, lazily.

    Args:
        path: a WARC file, gzip-compressed or not.
        count: called with a stat name (without prefix) for every counted event.
        max_payload: bytes; records with a larger decoded payload are skipped.
        progress: updated (``offset``, ``records``) after every record, if given.

    Never raises for damaged data: a broken record, a record shorter than its
    ``Content-Length`` or whose ``Content-Length`` is not a number, a truncated gzip
    member or trailing garbage is counted as
    ``warc_errors`` and logged, and reading goes on at the next record that can be found
    after it (the next gzip member of a ``.warc.gz``, the next ``WARC/1.x`` line of a plain
    file; ``warc_resyncs`` counts those; the log line gives the bytes passed over). A
    truncated record is never yielded. A file whose first record is not WARC (ARC, or not
    an archive) is counted once and skipped. ``OSError`` while opening the file is counted
    and logged the same way.
    """
    def inc(name: str) -> None:
        if count is not None:
            count(name)

    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed in finally, generator-safe
    except OSError as exc:
        inc("warc_errors")
        logger.error("Cannot open WARC %s: %s", path, exc)
        return
    inc("warc_files")
    try:
        size = os.fstat(stream.fileno()).st_size
        gzipped = stream.read(2) == b"\x1f\x8b"
        base = 0  # where the current stretch of readable records starts
        first = True
        while True:
            stream.seek(base)
            archive = ArchiveIterator(stream)
            end = base  # byte offset where the last complete record ended
            try:
                while True:
                    try:
                        record = next(archive)
                    except StopIteration:
                        break
                    inc("warc_records")
                    if not str(record.format).startswith("warc"):
                        raise _Damaged(f"not a WARC record (format {record.format!r})")
                    first = False  # a WARC file: damage from here on is resynced
                    length = record.rec_headers.get_header("Content-Length")
                    if _CONTENT_LENGTH.fullmatch(length or "") is None:
                        # warcio reads such a record as having no content and then
                        # parses its block as the next record's headers
                        raise _Damaged(f"invalid Content-Length {length!r}")
                    page = _page_of(record, inc, max_payload)
                    archive.read_to_end(record)
                    if record.raw_stream is not None and \
                            getattr(record.raw_stream, "limit", 0) > 0:
                        raise _Damaged(
                            f"record truncated ({record.raw_stream.limit} bytes missing)")
                    end = archive.offset  # warcio counts from the file's start (tell())
                    if progress is not None:
                        progress.offset = end
                        progress.records += 1
                    if page is not None:
                        yield page
                if size - end <= 4:
                    return
                # a record whose headers were cut off ends warcio's iteration silently
                raise _Damaged(f"{size - end} bytes of damaged data after a complete record")
            except Exception as exc:  # _Damaged, ArchiveLoadFailed, zlib.error, EOFError...
                inc("warc_errors")
                if first and end == 0:
                    logger.error("Not a readable WARC file %s: %s; skipped", path,
                                 _short(exc))
                    return
                resume = _next_record(stream, end + 1, gzipped)
                logger.error("Damaged WARC %s after byte %s: %s; %s", path, end, _short(exc),
                             "rest of file skipped" if resume is None
                             else f"reading on at byte {resume}")
                if resume is None:
                    return
                inc("warc_resyncs")
                base = resume
    finally:
        stream.close()


#: A WARC ``Content-Length`` (WARC/1.1 section 5.3: decimal digits).
_CONTENT_LENGTH = re.compile(r"\s*[0-9]+\s*")
#: Bytes read at a time while looking for the next record after damaged data.
_SCAN_BYTES = 1 << 20
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = b"\nWARC/1."


def _next_record(stream: Any, start: int, gzipped: bool) -> int | None:
    """Offset of the next place at or after ``start`` where a record may begin (a gzip
    member header, or a ``WARC/1.`` line), or None at the end of the file."""
    marker = _GZIP_MEMBER if gzipped else _WARC_LINE
    skip = 0 if gzipped else 1  # the match begins with the line break before "WARC/"
    position = start - skip
    carry = b""
    while True:
        stream.seek(position)
        chunk = stream.read(_SCAN_BYTES)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return position - len(carry) + found + skip
        carry = data[-(len(marker) - 1):]
        position += len(chunk)


def _short(exc: BaseException) -> str:
    """A one-line, printable description of ``exc`` (damaged data can hold any bytes)."""
    text = repr(exc)
    return text if len(text) <= 200 else text[:200] + "..."


class _Damaged(Exception):
    """A WARC file is damaged (truncated record, trailing garbage, not WARC)."""


def _page_of(record: Any, inc: Callable[[str], None], max_payload: int) -> RawPage | None:
    if record.rec_type == "revisit":
        inc("warc_revisits")
        return None
    if record.rec_type != "response" or record.http_headers is None:
        inc("warc_skipped_type")
        return None
    try:
        status = int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        status = 0
    if status != 200:
        inc("warc_redirects" if 300 <= status < 400 else "warc_non_200")
        return None
    if not is_html_type(record.http_headers.get_header("Content-Type")):
        inc("warc_non_html")
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    crawled_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
    if not url or crawled_at is None:
        inc("warc_errors")
        logger.warning("WARC record without target URI or a possible date skipped: %r "
                       "(WARC-Date %r)", url[:200],
                       record.rec_headers.get_header("WARC-Date"))
        return None
    body = record_payload(record, max_payload)
    if body is None:
        inc("warc_errors")
        logger.warning("WARC record %s skipped: its payload cannot be decoded as its "
                       "Content-Encoding %r (another encoding and not markup, or cut "
                       "short)", url[:200],
                       record.http_headers.get_header("Content-Encoding"))
        return None
    if len(body) > max_payload:
        inc("warc_too_large")
        logger.info("WARC record %s larger than %d bytes skipped", url, max_payload)
        return None
    headers = headers_dict((name, value) for name, value in record.http_headers.headers
                           if name.strip().lower() not in _ENCODING_HEADERS)
    inc("warc_pages")
    return RawPage(url=url, final_url=url, status=status, headers=headers, body=body,
                   crawled_at=crawled_at, hints=DiscoveryHints(), redirect_urls=[])


#: A payload read as stored although its ``Content-Encoding`` says otherwise must look
#: like this (an optional byte-order mark, white space or NULs of UTF-16, then ``<``).
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\s\x00]{0,4096}<")
_BLOCK = 64 * 1024


def record_payload(record: Any, limit: int) -> bytes | None:
    """The HTTP payload of a warcio response ``record`` with its transfer and content
    encodings removed: at most ``limit + 1`` bytes (more means "too large"), or None when
    it cannot be decoded.

    warcio removes ``chunked``, ``gzip`` and ``deflate``; its ``br`` decoder does not work
    with brotli ≥ 1.2 (it sets an attribute the C type lacks, so every ``br`` record was
    counted as damaged), so ``br`` is decoded here, in blocks, stopping once ``limit`` is
    passed (a brotli bomb costs at most ``limit`` bytes). When the declared encoding
    fails on the first bytes, warcio passes the bytes on as stored; so does this function
    for ``br``. Servers do send plain pages labelled gzip, so such bytes are kept when
    they start like markup (:data:`_MARKUP_START`); otherwise (a brotli body labelled
    gzip, binary data) the result is None: stored as text they would be garbage.
    A compressed stream that breaks after its first bytes, or ends before its end marker
    (a payload cut short: warcio returns what it decoded so far), is None too: as for
    live fetches (``DOWNLOAD_FAIL_ON_DATALOSS``), no truncated page reaches the archive.

    Raises:
        Exceptions of the record's stream for a damaged record (as ``read`` does).
    """
    headers = record.http_headers
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding == "br":
        chunked = (headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
        raw = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
        return _unbrotli(raw, limit)
    stream = record.content_stream()
    body: bytes = stream.read(limit + 1)
    if not isinstance(stream, BufferedReader) or stream.decomp_type is None:
        return body
    decompressor = stream.decompressor
    if decompressor is None:  # the declared encoding failed on the first bytes
        return body if _MARKUP_START.match(body) else None
    if len(body) <= limit and not getattr(decompressor, "eof", True):
        return None  # the compressed stream stops short: a truncated page
    return body


def _unbrotli(raw: Any, limit: int) -> bytes | None:
    decompressor = brotli.Decompressor()
    out = bytearray()
    while len(out) <= limit:
        data = raw.read(_BLOCK)
        if not data:
            break
        try:
            out += decompressor.process(data, output_buffer_limit=limit + 1 - len(out))
            while not decompressor.can_accept_more_data() and len(out) <= limit:
                out += decompressor.process(b"", output_buffer_limit=limit + 1 - len(out))
        except brotli.error:
            if out:
                return None
            body = data + raw.read(max(0, limit + 1 - len(data)))
            return body if _MARKUP_START.match(body) else None
    if len(out) <= limit and not decompressor.is_finished():
        return None  # the compressed stream stops short: a truncated page
    return bytes(out)


def _check_scraper_closing(scraper: Any) -> None:
    """Let a closing scraper finish once it is idle (see ``WarcSpider._watch_closing``)."""
    slot = scraper.slot
    if slot is not None and slot.closing is not None and not slot.closing.called:
        scraper._check_if_closing()


class WarcSpider(scrapy.Spider):
    """Yield :class:`RawPage` items from WARC files, without network access.

    Arguments (``-a``):
        paths: comma-separated WARC paths or glob patterns (``*.warc.gz``, ``**``).

    Raises:
        ValueError: ``paths`` missing or a pattern matches no file (at construction, so
            ``scrapy crawl`` stops before crawling).
    """

    name = "warc"
    #: A run of the archive: run lock, run record and exit status (newsarchive.extensions).
    archive_run = True
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, paths: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = expand_paths(paths)
        self.progress = WarcProgress(files=len(self.paths),
                                     total_bytes=sum(_size(p) for p in self.paths))

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WarcSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._watch_closing, signal=signals.spider_opened)
        crawler.signals.connect(spider._stop_watching, signal=signals.spider_closed)
        return spider

    def _watch_closing(self) -> None:
        # Scrapy 2.19 re-checks "is the scraper idle?" after items that came from a
        # response, not after items yielded by start(). An item still in the pipelines
        # when the spider starts closing (Ctrl-C, CLOSESPIDER_*) leaves the close waiting
        # forever and the buffered rows unwritten. Re-check twice a second.
        from twisted.internet import task

        scraper = self.crawler.engine.scraper
        self._closing_watch = task.LoopingCall(_check_scraper_closing, scraper)
        self._closing_watch.start(0.5, now=False)

    def _stop_watching(self) -> None:
        watch = getattr(self, "_closing_watch", None)
        if watch is not None and watch.running:
            watch.stop()

    def _count(self, name: str, value: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value("newsarchive/" + name, value)

    def _is_seen(self, url: str) -> bool:
        crawler = getattr(self, "crawler", None)
        if crawler is None:
            return False
        from newsarchive.archive import ArchiveSession  # the session of this crawl

        # A record costs nothing to "fetch": only URLs read before are skipped, not the
        # canonical URLs of archived pages (reading one records its sighting).
        return ArchiveSession.for_crawler(crawler).is_fetched(url)

    async def start(self) -> AsyncIterator[Any]:
        """Yield the pages of every file in order, one record at a time."""
        max_payload = DEFAULT_MAX_PAYLOAD
        settings = getattr(self, "settings", None)
        if settings is not None:
            max_payload = settings.getint("DOWNLOAD_MAXSIZE", 0) or DEFAULT_MAX_PAYLOAD
        self._count("sources", len(self.paths))
        for path in self.paths:
            self.logger.info("Reading %s", path)
            self.progress.start_file(path)
            for page in read_warc(path, self._count_opened, max_payload, self.progress):
                if self._is_seen(page.url):
                    self._count("skipped_seen")
                    continue
                yield page
            self._count("warc_bytes", self.progress.offset)

    def _count_opened(self, name: str) -> None:
        if name == "warc_files":  # the file could be opened: a source reached
            self._count("sources_reached")
        self._count(name)
