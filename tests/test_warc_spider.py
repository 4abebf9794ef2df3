"""Tests of the WARC spider's record reader, on WARC files written by the tests."""

from __future__ import annotations

import gzip
import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.items import DiscoveryHints, RawPage
from newsarchive.spiders.warc import WarcProgress, WarcSpider, expand_paths, read_warc

HTML = "<html><head><title>Hello</title></head><body><p>Szia világ</p></body></html>".encode()
HTML_1250 = "<html><head><meta charset=windows-1250></head><body><p>Příliš žluťoučký kůň"\
            " úpěl ďábelské ódy – Árvíztűrő tükörfúrógép</p></body></html>".encode("cp1250")
GZIPPED_BODY = b"<html><body><p>compressed and chunked</p></body></html>"


def _response(writer: WARCWriter, url: str, status: str, headers: list[tuple[str, str]],
              body: bytes, date: str) -> None:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       http_headers=http, warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _chunked(data: bytes, size: int = 10) -> bytes:
    out = b""
    for start in range(0, len(data), size):
        piece = data[start:start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def write_warc(path: Path, *, compress: bool = True, version: str = "1.0") -> None:
    """The test WARC: warcinfo, request, HTML 200, 404, PNG, windows-1250 HTML, 301,
    revisit, chunked+gzip HTML (in this order)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress, warc_version=version)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example")],
                                   is_http_request=True)
        writer.write_record(writer.create_warc_record(
            "https://news.example/a", "request", payload=io.BytesIO(b""), http_headers=request,
            warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"}))
        _response(writer, "https://news.example/a", "200 OK",
                  [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx"),
                   ("Set-Cookie", "a=1"), ("set-cookie", "b=2")],
                  HTML, "2024-05-06T07:08:09Z")
        _response(writer, "https://news.example/missing", "404 Not Found",
                  [("Content-Type", "text/html")], b"<html>gone</html>", "2024-05-06T07:08:10Z")
        _response(writer, "https://news.example/logo.png", "200 OK",
                  [("Content-Type", "image/png")], b"\x89PNG\r\n", "2024-05-06T07:08:11Z")
        _response(writer, "https://hirek.example/cikk", "200 OK",
                  [("Content-Type", "text/html; charset=windows-1250")], HTML_1250,
                  "2024-05-06T09:08:12.345+02:00" if version == "1.1" else "2024-05-06T07:08:12Z")
        _response(writer, "https://news.example/old", "301 Moved Permanently",
                  [("Location", "https://news.example/a")], b"", "2024-05-06T07:08:13Z")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(
            "https://news.example/a", "sha1:AAAA", "https://news.example/a",
            "2024-05-06T07:08:09Z", http_headers=http))
        _response(writer, "https://news.example/gz", "200 OK",
                  [("Content-Type", "application/xhtml+xml"), ("Content-Encoding", "gzip"),
                   ("Transfer-Encoding", "chunked")],
                  _chunked(gzip.compress(GZIPPED_BODY)), "2024-05-06T07:08:14Z")


def expected_pages(version: str = "1.0") -> list[RawPage]:
    ms = 345000 if version == "1.1" else 0
    return [
        RawPage(url="https://news.example/a", final_url="https://news.example/a", status=200,
                headers={"content-type": "text/html; charset=utf-8", "server": "nginx",
                         "set-cookie": "a=1"},
                body=HTML, crawled_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
                hints=DiscoveryHints(), redirect_urls=[]),
        RawPage(url="https://hirek.example/cikk", final_url="https://hirek.example/cikk",
                status=200, headers={"content-type": "text/html; charset=windows-1250"},
                body=HTML_1250, crawled_at=datetime(2024, 5, 6, 7, 8, 12, ms, tzinfo=UTC)),
        RawPage(url="https://news.example/gz", final_url="https://news.example/gz", status=200,
                headers={"content-type": "application/xhtml+xml"}, body=GZIPPED_BODY,
                crawled_at=datetime(2024, 5, 6, 7, 8, 14, tzinfo=UTC)),
    ]


EXPECTED_STATS = {"warc_files": 1, "warc_records": 9, "warc_pages": 3, "warc_skipped_type": 2,
                  "warc_non_200": 1, "warc_non_html": 1, "warc_redirects": 1,
                  "warc_revisits": 1}


@pytest.mark.parametrize(("compress", "version"), [(True, "1.0"), (False, "1.0"),
                                                   (True, "1.1"), (False, "1.1")])
def test_read_warc_exact(tmp_path: Path, compress: bool, version: str) -> None:
    path = tmp_path / ("test.warc.gz" if compress else "test.warc")
    write_warc(path, compress=compress, version=version)
    stats: Counter[str] = Counter()
    pages = list(read_warc(path, lambda name: stats.update([name])))
    assert pages == expected_pages(version)
    assert dict(stats) == EXPECTED_STATS
    assert pages[1].body.decode("cp1250").endswith("tükörfúrógép</p></body></html>")


def test_payload_cap(tmp_path: Path) -> None:
    path = tmp_path / "test.warc.gz"
    write_warc(path)
    stats: Counter[str] = Counter()
    pages = list(read_warc(path, lambda name: stats.update([name]), max_payload=60))
    assert [page.url for page in pages] == ["https://news.example/gz"]
    assert stats["warc_too_large"] == 2


def test_truncated_gzip_file_does_not_crash(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    write_warc(good)
    data = good.read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: len(data) - 200])  # cut inside the last record's gzip member
    stats: Counter[str] = Counter()
    pages = list(read_warc(broken, lambda name: stats.update([name])))
    assert [page.url for page in pages] == ["https://news.example/a", "https://hirek.example/cikk"]
    assert stats["warc_errors"] == 1


def test_garbage_and_uncompressed_truncation(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a WARC file at all\r\n\r\n" * 10)
    plain = tmp_path / "plain.warc"
    write_warc(plain, compress=False)
    cut = tmp_path / "cut.warc"
    cut.write_bytes(plain.read_bytes()[:-150])
    stats: Counter[str] = Counter()
    assert list(read_warc(garbage, lambda name: stats.update([name]))) == []
    assert stats["warc_errors"] == 1
    pages = list(read_warc(cut, lambda name: stats.update([name])))
    assert [page.url for page in pages][:2] == ["https://news.example/a",
                                               "https://hirek.example/cikk"]
    assert list(read_warc(tmp_path / "absent.warc", lambda name: stats.update([name]))) == []


def test_expand_paths(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    assert expand_paths(f"{tmp_path}/*.warc.gz, {tmp_path}/c.txt,{tmp_path}/a.warc.gz") == [
        tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", tmp_path / "c.txt"]
    with pytest.raises(ValueError, match="no file matches"):
        expand_paths(f"{tmp_path}/*.warc.gz,{tmp_path}/none-*.warc")
    with pytest.raises(ValueError, match="-a paths="):
        expand_paths("")
    with pytest.raises(ValueError, match="no file matches"):
        WarcSpider(paths=str(tmp_path / "missing.warc"))


def test_spider_start_yields_items(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "test.warc.gz"
    write_warc(path)
    spider = WarcSpider(paths=str(path))

    async def collect() -> list[object]:
        return [item async for item in spider.start()]

    assert asyncio.run(collect()) == expected_pages()


@pytest.mark.parametrize("compress", [True, False])
def test_one_damaged_record_does_not_cost_the_rest_of_the_file(
        tmp_path: Path, compress: bool) -> None:
    good = tmp_path / "good.warc"
    write_warc(good, compress=compress)
    data = bytearray(good.read_bytes())
    # damage the windows-1250 page's record (the 6th): inside its gzip member, or its
    # header block in a plain file (a plain payload has no check to fail)
    starts = [i for i in range(len(data)) if data.startswith(
        b"\x1f\x8b\x08" if compress else b"WARC/1.0\r\n", i)]
    for record in (3, 5):  # the 404 page and the windows-1250 page
        at = (starts[record] + starts[record + 1]) // 2 if compress else starts[record] + 3
        data[at:at + 40] = b"\x00" * 40
    broken = tmp_path / "broken.warc"
    broken.write_bytes(bytes(data))
    stats: Counter[str] = Counter()
    progress = WarcProgress()
    pages = list(read_warc(broken, lambda name: stats.update([name]), progress=progress))
    assert [page.url for page in pages] == ["https://news.example/a", "https://news.example/gz"]
    assert (stats["warc_errors"], stats["warc_resyncs"]) == (2, 2)
    assert progress.offset == len(data)  # offsets stay those of the file after a resync


def _plain_response(url: bytes, content_length: bytes) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
            b"<html><body><p>Story text.</p></body></html>")
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url +
            b"\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + url[-1:] +
            b">\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: " +
            (content_length or str(len(http)).encode()) + b"\r\n\r\n" + http + b"\r\n\r\n")


@pytest.mark.parametrize("bad", [0, 1])
def test_record_with_invalid_content_length_is_an_error_not_another_type(
        tmp_path: Path, bad: int) -> None:
    records = [_plain_response(f"https://news.example/{n}".encode(), b"") for n in range(3)]
    records[bad] = _plain_response(f"https://news.example/{bad}".encode(), b"abc")
    path = tmp_path / "length.warc"
    path.write_bytes(b"".join(records))
    stats: Counter[str] = Counter()
    pages = list(read_warc(path, lambda name: stats.update([name])))
    assert [page.url for page in pages] == [
        f"https://news.example/{n}" for n in range(3) if n != bad]
    assert (stats["warc_errors"], stats["warc_resyncs"], stats["warc_skipped_type"]) == (
        1, 1, 0)


def test_impossible_capture_dates_are_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "dates.warc.gz"
    html = [("Content-Type", "text/html")]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for name, date in [("year-1", "0001-01-01T00:00:00Z"),
                           ("year-9999", "9999-12-31T23:59:59Z"),
                           ("tomorrow-and-more", "2026-11-30T12:00:01Z"),
                           ("before-the-web", "1989-12-31T23:59:59Z"),
                           ("first", "1990-01-01T00:00:00Z"), ("now", "2026-11-29T12:00:00Z")]:
            _response(writer, f"https://news.example/{name}", "200 OK", html,
                      b"<p>x</p>", date)
    stats: Counter[str] = Counter()
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    with pytest.MonkeyPatch.context() as patch:
        import newsarchive.spiders.warc as module

        real = module._warc_date
        patch.setattr(module, "_warc_date", lambda value: real(value, now))
        pages = list(read_warc(path, lambda name: stats.update([name])))
    assert [(p.url.rsplit("/", 1)[1], p.crawled_at) for p in pages] == [
        ("first", datetime(1990, 1, 1, tzinfo=UTC)), ("now", now)]
    assert stats["warc_errors"] == 4 and stats["warc_pages"] == 2


def test_content_encodings_are_removed_or_the_record_is_skipped(tmp_path: Path) -> None:
    import brotli

    page = b"<html><body><p>" + b"brotli compressed story text " * 200 + b"</p></body></html>"
    squeezed = brotli.compress(page)
    broken = squeezed[:len(squeezed) // 2] + b"\x00" * 64 + squeezed[len(squeezed) // 2:]
    bomb = brotli.compress(b"\x00" * (30 * 1024 * 1024))  # 30 MiB of zeros, a few bytes
    cases = [  # (name, headers, stored payload)
        ("br", [("Content-Encoding", "br")], squeezed),
        ("br-chunked", [("Content-Encoding", "br"), ("Transfer-Encoding", "chunked")],
         _chunked(squeezed, 100)),
        ("br-labelled-gzip", [("Content-Encoding", "gzip")], squeezed),
        ("plain-labelled-gzip", [("Content-Encoding", "gzip")], b"\n  " + page),
        ("plain-labelled-br", [("Content-Encoding", "br")], page),
        ("br-broken-midway", [("Content-Encoding", "br")], broken),
        ("br-bomb", [("Content-Encoding", "br")], bomb),
        ("gzip", [("Content-Encoding", "gzip")], gzip.compress(page)),
        ("gzip-cut-short", [("Content-Encoding", "gzip")],
         gzip.compress(page)[:len(gzip.compress(page)) // 2]),
        ("br-cut-short", [("Content-Encoding", "br")], squeezed[:len(squeezed) // 2]),
    ]
    path = tmp_path / "encodings.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for name, headers, payload in cases:
            _response(writer, f"https://news.example/{name}", "200 OK",
                      [("Content-Type", "text/html"), *headers], payload,
                      "2024-05-06T07:08:09Z")
    counts: Counter[str] = Counter()
    pages = {p.url.rsplit("/", 1)[1]: p.body
             for p in read_warc(path, lambda name: counts.update([name]),
                                max_payload=1024 * 1024)}
    assert pages == {"br": page, "br-chunked": page, "plain-labelled-gzip": b"\n  " + page,
                     "plain-labelled-br": page, "gzip": page}
    # brotli labelled gzip, a brotli stream broken after its first bytes, streams cut
    # short (a truncated page): errors, not text; the bomb stops at the cap. Every record
    # after them is read.
    assert counts["warc_errors"] == 4 and counts["warc_too_large"] == 1
    assert counts["warc_records"] == len(cases) and counts["warc_pages"] == 5
