"""The list of news sources the ``news`` spider crawls.

A sources file is CSV (UTF-8) with the header ``name,homepage,feeds,sitemaps,language``;
``feeds`` and ``sitemaps`` hold space-separated absolute http(s) URLs and every row needs at
least one of them; ``language`` is an ISO 639-1 code or empty. Lines whose first
non-blank character is ``#`` are comments. The bundled ``sources.csv`` (real public
publishers) is the default.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["COLUMNS", "Source", "SourcesError", "load_sources"]

#: Required header of a sources file, in this order (extra columns are ignored).
COLUMNS: tuple[str, ...] = ("name", "homepage", "feeds", "sitemaps", "language")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class SourcesError(ValueError):
    """A sources file is unreadable or has an invalid row; the message names the file and
    the line (``path:line: reason``)."""


@dataclass(frozen=True)
class Source:
    """One news publisher.

    Attributes:
        name: display name, unique within the file.
        homepage: absolute http(s) URL; its host's ``/robots.txt`` is read for sitemaps.
        feeds: RSS/Atom feed URLs.
        sitemaps: sitemap or sitemap-index URLs (plain or gzip-compressed).
        language: ISO 639-1 code, or None.
    """

    name: str
    homepage: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    language: str | None = None

    @property
    def robots_url(self) -> str:
        """URL of the robots.txt of the homepage's host."""
        parts = urlsplit(self.homepage)
        return f"{parts.scheme}://{parts.netloc}/robots.txt"


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def load_sources(path: str | Path | None = None) -> list[Source]:
    """Read and validate a sources file.

    Args:
        path: the CSV file; None for the bundled ``newsarchive/sources/sources.csv``.

    Returns:
        The sources in file order.

    Raises:
        SourcesError: the file cannot be read, the header lacks a column, or a row is
            invalid (missing name or homepage, a URL that is not absolute http(s), neither
            feeds nor sitemaps, a bad language code, a repeated name), or it has no row.
            The message starts with ``<file>:<line>:`` (``<file>:`` when it has no row).
    """
    if path is None:
        where = "newsarchive/sources/sources.csv"
        try:
            text = resources.files("newsarchive.sources").joinpath("sources.csv").read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourcesError(f"{where}: cannot read the bundled sources file: {exc}") from exc
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SourcesError(f"{where}: cannot read: {exc}") from exc
    return _parse(text, where)


def _parse(text: str, where: str) -> list[Source]:
    # Blank out comment lines instead of removing them, so line numbers stay true.
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header: list[str] | None = None
    sources: list[Source] = []
    names: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [column for column in COLUMNS if column not in header]
            if missing:
                raise SourcesError(f"{where}:{line}: header lacks column(s) {', '.join(missing)};"
                                   f" expected {','.join(COLUMNS)}")
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        record = {column: row[header.index(column)].strip() for column in COLUMNS}

        def fail(message: str, line: int = line) -> SourcesError:
            return SourcesError(f"{where}:{line}: {message}")

        if not record["name"]:
            raise fail("empty name")
        if record["name"] in names:
            raise fail(f"name {record['name']!r} already used on line {names[record['name']]}")
        if not _is_http_url(record["homepage"]):
            raise fail(f"homepage {record['homepage']!r} is not an absolute http(s) URL")
        feeds = tuple(record["feeds"].split())
        sitemaps = tuple(record["sitemaps"].split())
        for url in feeds + sitemaps:
            if not _is_http_url(url):
                raise fail(f"{url!r} is not an absolute http(s) URL")
        if not feeds and not sitemaps:
            raise fail(f"source {record['name']!r} has neither feeds nor sitemaps")
        language = record["language"].lower() or None
        if language is not None and not _LANGUAGE.match(language):
            raise fail(f"language {record['language']!r} is not an ISO 639-1 code")
        names[record["name"]] = line
        sources.append(Source(record["name"], record["homepage"], feeds, sitemaps, language))
    if header is None:
        raise SourcesError(f"{where}:1: empty sources file (no header)")
    if not sources:  # a crawl of nothing would only fail later as no_source_reachable
        raise SourcesError(f"{where}: no source: the file has a header but no row")
    return sources
