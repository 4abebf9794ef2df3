"""A self-contained HTML report of the archive, read with DuckDB.

``newsarchive report --archive data/archive --out report.html`` (see :mod:`newsarchive.cli`)
writes one HTML file with inline CSS and inline SVG charts (:mod:`.svg`): no JavaScript, no
fonts or styles from the network, so it opens from disk in any browser and can be mailed.

Sections: totals; articles per day by site; share of duplicates and of wire copy per day;
wire services; sightings by kind of match; share of copies by site; the most republished
stories with their outlets; the archive's files (how many are small); and the run history
from ``runs/`` (left out when the archive has no ``runs/`` yet).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from newsarchive.report.svg import OTHER_COLOR, PALETTE, bar_chart, hbar_chart, line_chart
from newsarchive.storage.compact import DEFAULT_TOMBSTONE_SECONDS, is_tombstone
from newsarchive.storage.schema import PARTITION_KEYS, file_problem
from newsarchive.storage.writer import iter_partitions

logger = logging.getLogger(__name__)

__all__ = ["SMALL_FILE_BYTES", "ReportData", "collect", "render", "write_report"]


@dataclass
class ReportData:
    """Everything the report shows, as plain values (what the tests check).

    Attributes:
        archive: archive root, as given.
        generated_at: when the report was made.
        articles / duplicates / wire_articles: total rows; stored articles with a wire
            service.
        sites: distinct domains of stored articles.
        first_day / last_day: range of ``published_date`` of stored articles.
        days: the days of the per-day charts (the last ``days`` days up to ``last_day``).
        per_day_by_site: ``(site, counts per day)``: the top sites, then ``other``.
        duplicates_per_day / wire_per_day / articles_per_day: counts per day.
        wire_services: ``(service, stored articles)``, most first.
        match_kinds: ``(match, sightings)``, most first.
        site_copies: ``(site, pages, copies)`` of the sites with most pages.
        republished: the most republished stories: dicts with ``title``, ``domain``,
            ``wire_source``, ``published_at``, ``copies``, ``outlets``.
        runs: rows of ``runs/`` (oldest first), or None when there is no run record.
        storage: per dataset ``(name, partitions, files, bytes, small files)``; small
            files are those under :data:`SMALL_FILE_BYTES`, which compaction merges.
        unreadable: ``(path, problem)`` of the files left out because they are not
            readable files of their dataset (DuckDB queries of the dataset fail on them).
        stray_folders: folders of a dataset whose names are not partitions
            (``<key>=YYYY-MM-DD`` with a real date), left out as the crawl and compaction
            leave them out; a ``**`` glob or a Hive read of the dataset fails on them.
    """

    archive: str
    generated_at: datetime
    articles: int = 0
    duplicates: int = 0
    wire_articles: int = 0
    sites: int = 0
    first_day: date | None = None
    last_day: date | None = None
    days: list[date] = field(default_factory=list)
    per_day_by_site: list[tuple[str, list[int]]] = field(default_factory=list)
    articles_per_day: list[int] = field(default_factory=list)
    duplicates_per_day: list[int] = field(default_factory=list)
    wire_per_day: list[int] = field(default_factory=list)
    wire_services: list[tuple[str, int]] = field(default_factory=list)
    match_kinds: list[tuple[str, int]] = field(default_factory=list)
    site_copies: list[tuple[str, int, int]] = field(default_factory=list)
    republished: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] | None = None
    storage: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    stray_folders: list[str] = field(default_factory=list)

    @property
    def duplicate_share(self) -> float | None:
        """Sightings / (stored articles + sightings), or None for an empty archive."""
        total = self.articles + self.duplicates
        return self.duplicates / total if total else None

    @property
    def wire_share(self) -> float | None:
        """Stored articles with a wire service / stored articles."""
        return self.wire_articles / self.articles if self.articles else None


#: Files under this size count as small (the default ``--min-bytes`` of compaction).
SMALL_FILE_BYTES = 128 * 1024 * 1024


def _partitions(root: Path, dataset: str, stray: list[str]) -> list[Path]:
    """The partition folders of ``dataset`` (sorted), by the rule the crawl and compaction
    use (:func:`~newsarchive.storage.writer.iter_partitions`); other visible folders of
    the dataset (``backup``, ``published_date=2024-13-45``) are appended to ``stray``:
    DuckDB fails a Hive read that meets them ("Hive partition mismatch")."""
    base = root / dataset
    if not base.is_dir():
        return []
    parts = [part for _day, part in iter_partitions(root, dataset)]
    known = set(parts)
    stray += [entry.as_posix() for entry in sorted(base.iterdir())
              if entry not in known and entry.is_dir()
              and not entry.name.startswith((".", "_"))]
    return parts


def _storage(root: Path,
             partitions: dict[str, list[Path]]) -> list[tuple[str, int, int, int, int]]:
    out = []
    for dataset, parts in partitions.items():
        if not (root / dataset).is_dir():
            continue
        files, size, small = 0, 0, 0
        for part in parts:
            for path in part.glob("*.parquet"):
                if path.name.startswith(".") or is_tombstone(path):
                    continue
                try:
                    length = path.stat().st_size
                except FileNotFoundError:
                    raise _ArchiveChanged(f"{path} vanished after it was listed") from None
                files, size = files + 1, size + length
                small += length < SMALL_FILE_BYTES
        out.append((dataset, len(parts), files, size, small))
    return out


def _readable_files(partitions: list[Path], dataset: str,
                    unreadable: list[tuple[str, str]]) -> list[Path]:
    """The published Parquet files in ``partitions`` that read as files of ``dataset``;
    the others (empty, truncated, another program's: :func:`file_problem`) are appended
    to ``unreadable`` as ``(path, problem)`` and left out, so that one bad file does not
    take the whole report down (DuckDB fails a query on it)."""
    files = []
    for part in partitions:
        for path in sorted(part.glob("*.parquet")):
            if path.name.startswith(".") or is_tombstone(path):
                # a tombstone is only in a listing made after its compaction's swap, which
                # also holds the merged file with its rows
                continue
            problem = file_problem(path, dataset)
            if problem is None:
                files.append(path)
            elif not path.exists():
                raise _ArchiveChanged(f"{path} vanished after it was listed")
            else:
                unreadable.append((path.as_posix(), problem))
    return files


class _ArchiveChanged(Exception):
    """A file listed a moment ago is gone: a compaction swapped its partition."""


def _source(files: list[Path]) -> str:
    names = ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in files)
    return f"read_parquet([{names}], hive_partitioning=true, union_by_name=true)"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


#: Times :func:`collect` reads the archive again after a compaction changed it under it.
COLLECT_ATTEMPTS = 4


def collect(archive: str | os.PathLike[str], *, days: int = 90, top: int = 10,
            sites: int = 8, now: datetime | None = None,
            retry_seconds: float = DEFAULT_TOMBSTONE_SECONDS) -> ReportData:
    """Read the numbers of the report from the archive with DuckDB.

    The report lists the archive's files once and runs several queries on that list. A
    compaction that swaps a partition meanwhile (:mod:`newsarchive.storage.compact`)
    makes a listed file vanish; the whole report is then read again from a new listing,
    after ``retry_seconds``, up to :data:`COLLECT_ATTEMPTS` times in all. Tombstones
    (compaction's placeholders under merged-away names) are skipped: a listing that holds
    them holds the merged files too.

    Args:
        archive: archive root.
        days: length of the per-day charts, days (ending at the newest ``published_date``).
        top: number of stories, wire services and sites in the rankings.
        sites: number of sites shown on their own in "articles per day" (the rest is
            ``other``).
        now: the report's time (default: now, UTC).
        retry_seconds: pause before reading again after a compaction's swap, seconds
            (default: how long compaction keeps its tombstones).

    Raises:
        duckdb.Error: a query failed for another reason than a compaction's swap, or the
            archive kept changing for :data:`COLLECT_ATTEMPTS` readings.
    """
    for attempt in range(1, COLLECT_ATTEMPTS + 1):
        try:
            return _collect_once(Path(archive), ReportData(
                os.fspath(archive), now or datetime.now(UTC)), days, top, sites)
        except _ArchiveChanged as exc:
            if attempt == COLLECT_ATTEMPTS:
                raise duckdb.IOException(
                    f"the archive changed under the report {COLLECT_ATTEMPTS} times in a row "
                    f"(a compaction is swapping partitions): {exc}") from exc
            logger.warning("a compaction changed the archive while the report read it "
                           "(%s); reading again in %g s", exc, retry_seconds)
            time.sleep(retry_seconds)
    raise AssertionError("unreachable")


def _collect_once(root: Path, data: ReportData, days: int, top: int,
                  sites: int) -> ReportData:
    """One reading of the report; :class:`_ArchiveChanged` when a compaction swapped a
    partition under it (a listed file vanished or became a tombstone)."""
    con = duckdb.connect()
    partitions = {name: _partitions(root, name, data.stray_folders) for name in PARTITION_KEYS}
    files = {name: _readable_files(parts, name, data.unreadable)
             for name, parts in partitions.items()}
    try:
        return _query(con, root, data, partitions, files, days, top, sites)
    except duckdb.Error as exc:
        gone = next((path for paths in files.values() for path in paths
                     if not path.exists() or is_tombstone(path)), None)
        if gone is None:
            raise
        raise _ArchiveChanged(f"{gone} is gone ({str(exc).splitlines()[0][:200]})") from exc


def _query(con: duckdb.DuckDBPyConnection, root: Path, data: ReportData,
           partitions: dict[str, list[Path]], files: dict[str, list[Path]], days: int,
           top: int, sites: int) -> ReportData:
    arts = _source(files["articles"]) if files["articles"] else None
    dups = _source(files["duplicates"]) if files["duplicates"] else None
    if arts is not None:
        [(data.articles, data.wire_articles, data.sites, data.first_day, data.last_day)] = _rows(
            con, f"select count(*), count(wire_source), count(distinct domain), "
                 f"min(published_date), max(published_date) from {arts}")
    if dups is not None:
        [(data.duplicates,)] = _rows(con, f"select count(*) from {dups}")
    if data.last_day is not None and data.first_day is not None:
        start = max(data.first_day, data.last_day - timedelta(days=days - 1))
        data.days = [start + timedelta(days=i) for i in range((data.last_day - start).days + 1)]
    index = {day: i for i, day in enumerate(data.days)}
    if arts is not None and data.days:
        window = f"published_date between '{data.days[0]}' and '{data.days[-1]}'"
        counts = _rows(con, f"select published_date, domain, count(*), count(wire_source) "
                            f"from {arts} where {window} group by all")
        totals: dict[str, int] = {}
        for _day, domain, count, _wire in counts:
            totals[domain] = totals.get(domain, 0) + count
        ranked = sorted(totals, key=lambda d: (-totals[d], d))
        shown = ranked if len(ranked) <= sites + 1 else ranked[:sites]
        series = {name: [0] * len(data.days) for name in shown}
        if len(ranked) > len(shown):
            series["other"] = [0] * len(data.days)
        data.articles_per_day = [0] * len(data.days)
        data.wire_per_day = [0] * len(data.days)
        for day, domain, count, wire in counts:
            i = index[day]
            series[domain if domain in shown else "other"][i] += count
            data.articles_per_day[i] += count
            data.wire_per_day[i] += wire
        data.per_day_by_site = list(series.items())
        data.wire_services = [
            (str(s), int(n)) for s, n in _rows(
                con, f"select wire_source, count(*) as n from {arts} where wire_source is not "
                     f"null group by 1 order by n desc, 1 limit {int(top)}")]
    data.duplicates_per_day = [0] * len(data.days)
    if dups is not None:
        if data.days:
            for day, count in _rows(
                con, f"select published_date, count(*) from {dups} where published_date "
                     f"between '{data.days[0]}' and '{data.days[-1]}' group by 1"):
                data.duplicates_per_day[index[day]] = count
        data.match_kinds = [(str(m), int(n)) for m, n in _rows(
            con, f"select match, count(*) as n from {dups} group by 1 order by n desc, 1")]
    if arts is not None:
        pages = f"select domain, 0 as copy from {arts}"
        if dups is not None:
            pages += f" union all select domain, 1 as copy from {dups}"
        data.site_copies = [(str(s), int(p), int(c)) for s, p, c in _rows(
            con, f"select domain, count(*) as pages, sum(copy) from ({pages}) group by 1 "
                 f"order by pages desc, 1 limit {int(top)}")]
    if arts is not None and dups is not None:
        for title, domain, wire, published, copies, outlets in _rows(
            con, f"select a.title, a.domain, a.wire_source, a.published_at, count(*) as copies,"
                 f" list(distinct d.domain) from {arts} a join {dups} d "
                 f"on d.cluster_id = a.cluster_id and a.article_id = a.cluster_id "
                 f"group by a.article_id, a.title, a.domain, a.wire_source, a.published_at "
                 f"order by copies desc, a.title, a.article_id limit {int(top)}"):
            data.republished.append({
                "title": title or "(no title)", "domain": domain, "wire_source": wire,
                "published_at": published, "copies": int(copies),
                "outlets": sorted(outlets),
            })
    data.storage = _storage(root, partitions)
    if files["runs"]:
        data.runs = [dict(zip(names, row, strict=True))
                     for names, row in _run_rows(con, files["runs"])]
    for path, problem in data.unreadable:
        logger.error("%s left out of the report: %s", path, problem)
    for path in data.stray_folders:
        logger.warning("%s left out of the report: not a partition folder (<key>=YYYY-MM-DD)",
                       path)
    return data


def _run_rows(con: duckdb.DuckDBPyConnection,
              files: list[Path]) -> list[tuple[list[str], tuple[Any, ...]]]:
    relation = con.execute(f"select * from {_source(files)} order by started_at, run_id")
    names = [d[0] for d in relation.description or []]
    return [(names, row) for row in relation.fetchall()]


# -- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto;
       max-width: 960px; color: #222; padding: 0 12px; }
h1 { font-size: 1.6em; margin-bottom: 0; } h2 { margin-top: 2em; font-size: 1.2em;
     border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #666; margin-top: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 120px; }
.card .v { font-size: 1.5em; font-weight: 600; } .card .k { color: #666; font-size: .85em; }
table { border-collapse: collapse; width: 100%; font-size: .85em; margin-top: 8px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee;
         vertical-align: top; }
th { background: #f6f6f6; } td.id { white-space: nowrap; font-size: .9em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.failed { color: #b00020; font-weight: 600; } .ok { color: #1b7f3b; }
svg.chart { max-width: 100%; height: auto; display: block; }
.note { color: #666; font-size: .85em; }
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _card(value: str, key: str) -> str:
    return f'<div class="card"><div class="v">{escape(value)}</div>' \
           f'<div class="k">{escape(key)}</div></div>'


def _ts(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def _runs_section(runs: list[dict[str, Any]]) -> list[str]:
    out = ["<h2>Run history</h2>"]
    if not runs:
        return [*out, '<p class="note">No runs recorded.</p>']
    shown = runs[-60:]
    ids = [str(r.get("run_id")) for r in shown]
    out.append(f'<p class="note">Rows stored by each of the last {len(shown)} runs '
               f"(UTC start time); failed runs are marked in red under the axis.</p>")
    out.append(bar_chart(
        "chart-runs", "Rows stored per run", ids,
        [("articles", [int(r.get("articles_stored") or 0) for r in shown]),
         ("duplicates", [int(r.get("duplicates_stored") or 0) for r in shown])],
        axis_labels=[_ts(r.get("started_at"))[5:] for r in shown], height=240,
        flagged=[i for i, r in enumerate(shown) if r.get("status") == "failed"],
        flag_name="failed run"))
    failed = [r for r in shown if r.get("status") == "failed"]
    out.append(f'<p class="note">{len(runs)} run(s) recorded, {len(failed)} of the last '
               f"{len(shown)} failed.</p>")
    out.append('<p class="note">Duration of each run, minutes.</p>')
    out.append(bar_chart(
        "chart-run-duration", "Duration per run, minutes", ids,
        [("duration", [round(float(r.get("duration_seconds") or 0) / 60, 2) for r in shown])],
        axis_labels=[_ts(r.get("started_at"))[5:] for r in shown], height=180, unit=" min"))
    out.append("<table><tr><th>started (UTC)</th><th>run</th><th>spider</th><th>status</th>"
               "<th>pages</th><th>articles</th><th>duplicates</th><th>errors</th>"
               "<th>minutes</th><th>MB written</th></tr>")
    for r in reversed(runs[-30:]):
        status = str(r.get("status") or "")
        if r.get("failure"):
            status += f" ({r['failure']})"
        css = "failed" if r.get("status") == "failed" else "ok"
        out.append(
            f"<tr><td>{escape(_ts(r.get('started_at')))}</td>"
            f"<td class=\"id\">{escape(str(r.get('run_id')))}"
            f"</td><td>{escape(str(r.get('spider') or ''))}</td>"
            f'<td class="{css}">{escape(status)}</td>'
            + "".join(f'<td class="n">{int(r.get(k) or 0):,}</td>' for k in
                      ("pages_fetched", "articles_stored", "duplicates_stored", "errors"))
            + f'<td class="n">{float(r.get("duration_seconds") or 0) / 60:.1f}</td>'
            f'<td class="n">{int(r.get("bytes_written") or 0) / 1e6:.1f}</td></tr>')
    out.append("</table>")
    return out


def render(data: ReportData) -> str:
    """The report as one HTML document."""
    labels = [d.isoformat() for d in data.days]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>News archive report — {escape(data.archive)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>News archive report</h1>",
        f'<p class="meta">Archive <code>{escape(data.archive)}</code> · generated '
        f"{escape(_ts(data.generated_at))} UTC</p>",
        '<div class="cards">',
        _card(f"{data.articles:,}", "stored articles"),
        _card(f"{data.duplicates:,}", "further sightings (duplicates)"),
        _card(_pct(data.duplicate_share), "share of duplicates"),
        _card(_pct(data.wire_share), "share of wire copy"),
        _card(f"{data.sites:,}", "sites"),
        _card(f"{data.first_day or '–'} … {data.last_day or '–'}", "publication dates"),
        "</div>",
    ]
    if not data.articles:
        out.append('<p class="note">The archive has no articles yet.</p>')
    else:
        out.append(f"<h2>Articles per day by site</h2><p class=\"note\">Stored articles by "
                   f"publication date, {labels[0]} to {labels[-1]}; the "
                   f"{len([s for s, _ in data.per_day_by_site if s != 'other'])} sites with "
                   f"most articles, the rest as “other”.</p>")
        out.append(bar_chart("chart-articles-per-day", "Articles per day by site", labels,
                             data.per_day_by_site))
        out.append("<h2>Share of duplicates and of wire copy</h2><p class=\"note\">Per day: "
                   "sightings among all pages (stored articles + sightings), and stored "
                   "articles from a wire service among stored articles.</p>")
        dup_share = [_share(d, a + d) for a, d in
                     zip(data.articles_per_day, data.duplicates_per_day, strict=True)]
        wire_share = [_share(w, a) for a, w in
                      zip(data.articles_per_day, data.wire_per_day, strict=True)]
        out.append(line_chart("chart-shares", "Share of duplicates and of wire copy, %",
                              labels, [("duplicates", dup_share), ("wire copy", wire_share)],
                              unit="%", y_max=100))
        if data.wire_services:
            out.append("<h2>Wire services</h2>")
            out.append(hbar_chart("chart-wire-services", "Stored articles by wire service",
                                  data.wire_services, series="articles", label_width=160))
        if data.match_kinds:
            out.append("<h2>Sightings by kind of match</h2><p class=\"note\">url: same "
                       "canonical URL; exact: same text; near: near-duplicate text.</p>")
            out.append(hbar_chart("chart-match-kinds", "Sightings by kind of match",
                                  data.match_kinds, series="sightings", label_width=160))
        if data.site_copies:
            out.append("<h2>Share of copies by site</h2><p class=\"note\">For the sites with "
                       "most pages: the share of their pages that were copies of a story "
                       "stored from elsewhere or earlier.</p>")
            out.append(hbar_chart(
                "chart-site-copies", "Share of pages that were copies, by site, %",
                [(s, _share(c, p) or 0.0) for s, p, c in data.site_copies], unit="%",
                series="copies", label_width=220,
                colors=[PALETTE[3] if c else OTHER_COLOR for _, _, c in data.site_copies]))
        out.append("<h2>Most republished stories</h2>")
        if data.republished:
            out.append(hbar_chart(
                "chart-republished", "Copies found per story",
                [(s["title"], s["copies"]) for s in data.republished], series="copies"))
            out.append("<table><tr><th>story</th><th>stored from</th><th>wire</th>"
                       "<th>published</th><th>copies</th><th>outlets</th></tr>")
            for s in data.republished:
                out.append(
                    f"<tr><td>{escape(s['title'])}</td><td>{escape(s['domain'])}</td>"
                    f"<td>{escape(s['wire_source'] or '')}</td>"
                    f"<td>{escape(_ts(s['published_at']))}</td>"
                    f'<td class="n">{s["copies"]}</td>'
                    f"<td>{escape(', '.join(s['outlets']))}</td></tr>")
            out.append("</table>")
        else:
            out.append('<p class="note">No story was found more than once.</p>')
    if data.storage:
        out.append("<h2>Archive files</h2><p class=\"note\">Small files (under 128 MiB) of "
                   "closed partitions are merged by <code>newsarchive compact</code>.</p>")
        out.append("<table><tr><th>dataset</th><th>partitions</th><th>files</th>"
                   "<th>MB</th><th>small files</th></tr>")
        for name, partitions, files, size, small in data.storage:
            out.append(f"<tr><td>{escape(name)}</td><td class=\"n\">{partitions:,}</td>"
                       f"<td class=\"n\">{files:,}</td><td class=\"n\">{size / 1e6:,.1f}</td>"
                       f"<td class=\"n\">{small:,}</td></tr>")
        out.append("</table>")
    if data.unreadable:
        out.append(f'<p class="note">{len(data.unreadable)} file(s) left out: not readable '
                   "files of their dataset (queries of the dataset fail on them: move them out "
                   "of the archive).</p><ul>")
        out += [f"<li><code>{escape(path)}</code>: {escape(problem)}</li>"
                for path, problem in data.unreadable]
        out.append("</ul>")
    if data.stray_folders:
        out.append(f'<p class="note">{len(data.stray_folders)} folder(s) left out: not '
                   "partitions (<code>published_date=YYYY-MM-DD</code>, "
                   "<code>run_date=YYYY-MM-DD</code>); Hive reads of the dataset fail on "
                   "them: move them out of the archive.</p><ul>")
        out += [f"<li><code>{escape(path)}</code></li>" for path in data.stray_folders]
        out.append("</ul>")
    if data.runs is not None:
        out += _runs_section(data.runs)
    else:
        out.append('<h2>Run history</h2><p class="note">The archive has no run record '
                   "(<code>runs/</code>) yet.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_report(archive: str | os.PathLike[str], out: str | os.PathLike[str], *,
                 days: int = 90, top: int = 10, now: datetime | None = None) -> ReportData:
    """Collect the report's data from ``archive`` and write the HTML to ``out``
    (atomically: a temporary next to it, then renamed; the temporary is removed when
    that fails).

    Raises:
        IsADirectoryError: ``out`` is a directory (checked before anything is written:
            the temporary would land in its parent).
        OSError: ``out`` or its directory cannot be written.
    """
    target = Path(out)
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory, give a file name such as report.html",
                                str(target))
    data = collect(archive, days=days, top=top, now=now)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(render(data), encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return data
