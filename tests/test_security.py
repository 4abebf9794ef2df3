"""Security: SSRF (issue 6, case 6), credentials on redirects (case 7), hardened defaults
(case 10). Crawls run against a server on 127.0.0.1 only; requests to other addresses are
sent through that server as an HTTP proxy, so even a broken filter never leaves loopback.
"""

from __future__ import annotations

import ipaddress

import pytest
from scrapy.utils.project import get_project_settings

from newsarchive.middlewares.hostfilter import HostPolicy, is_public_address
from tests.hostilesite import Handler, Route, hostile_server, probe, respond

PAGE = b"<html><head><title>t</title></head><body><p>hello</p></body></html>"


def _redirect(location: str, status: int = 302) -> Route:
    def route(h: Handler) -> None:
        respond(h, status, b"", headers={"Location": location})
    return route


def _page(h: Handler) -> None:
    respond(h, 200, PAGE)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "data:text/html,<p>x</p>", "ftp://127.0.0.1/x", "s3://bucket/key",
    "gopher://127.0.0.1:25/", "javascript:alert(1)",
])
def test_policy_refuses_other_schemes(url: str) -> None:
    assert HostPolicy(["127.0.0.0/8"]).check_url(url) == ("scheme", None)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://[::1]/", "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.1.2.3/",
    "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[fc00::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://224.0.0.1/",
    "http://240.0.0.1/", "https://127.0.0.1./", "http://[2002:7f00:1::]/",
    "http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://017700000001/",
])
def test_policy_refuses_non_global_literals(url: str) -> None:
    assert HostPolicy().check_url(url) == ("address", None)


def test_policy_allows_public_addresses_and_listed_networks() -> None:
    assert HostPolicy().check_url("http://93.184.215.14/a") == (None, None)
    assert HostPolicy().check_url("https://[2606:4700::1111]/") == (None, None)
    assert HostPolicy().check_url("https://News.Example.COM/a") == (None, "news.example.com")
    assert HostPolicy().check_url("http:///nohost") == ("no_host", None)
    allowed = HostPolicy(["127.0.0.0/8", "Intranet.local.", "::1"])
    assert allowed.check_url("http://127.0.0.1:8080/") == (None, None)
    assert allowed.check_url("http://intranet.local/") == (None, None)
    assert allowed.check_url("http://[::1]/") == (None, None)
    assert allowed.check_url("http://10.0.0.1/") == ("address", None)
    assert is_public_address(ipaddress.ip_address("8.8.8.8"))
    assert not is_public_address(ipaddress.ip_address("169.254.169.254"))


def test_loopback_refused_by_default_on_a_live_crawl() -> None:
    with hostile_server({"/page": _page, "/robots.txt": _page}) as server:
        result = probe([server.url("/page"), server.url("/page", "localhost")],
                       allow_loopback=False)
        assert server.log == []  # not even robots.txt was asked for
    assert [r.get("error") for r in result.results] == ["IgnoreRequest", "IgnoreRequest"]
    assert result.stats["newsarchive/refused/address"] == 2
    assert "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS" in result.log


def test_resolver_refuses_non_public_answers_behind_the_middleware() -> None:
    # With the middleware switched off, the resolver still refuses to connect to loopback
    # (a DNS answer that changes between the middleware's lookup and the connection).
    off = {"DOWNLOADER_MIDDLEWARES": {"newsarchive.middlewares.HostFilterMiddleware": None},
           "ROBOTSTXT_OBEY": False}
    with hostile_server({"/page": _page}) as server:
        refused = probe([server.url("/page", "localhost"), server.url("/page")], off,
                        allow_loopback=False)
        assert server.log == []
        allowed = probe([server.url("/page", "localhost")],
                        {**off, "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS": ["localhost"]},
                        allow_loopback=False)
        assert len(server.log) == 1
    assert [r.get("error") for r in refused.results] == ["CannotResolveHostError"] * 2
    assert allowed.results[0]["status"] == 200


def test_other_schemes_refused_and_their_handlers_off() -> None:
    result = probe(["file:///etc/passwd", "data:text/html,<p>x</p>", "ftp://127.0.0.1:1/x",
                    "s3://bucket/key"])
    assert [r.get("error") for r in result.results] == ["IgnoreRequest"] * 4
    assert result.stats["newsarchive/refused/scheme"] == 4
    # Even with the filter off, the download handlers for these schemes are gone.
    off = probe(["file:///etc/passwd", "data:text/html,<p>x</p>"],
                {"DOWNLOADER_MIDDLEWARES": {"newsarchive.middlewares.HostFilterMiddleware": None}})
    assert [r.get("error") for r in off.results] == ["NotSupported", "NotSupported"]


def test_redirects_and_meta_refresh_to_internal_addresses_refused() -> None:
    refresh = (b'<html><head><meta http-equiv="refresh" content="0; '
               b'url=http://169.254.169.254/latest/meta-data/"></head><body></body></html>')
    routes: dict[str, Route] = {
        "/to-metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-private": _redirect("http://10.0.0.1/admin"),
        "/to-decimal-loopback": _redirect("http://2130706434/"),  # 127.0.0.2
        "/to-file": _redirect("file:///etc/passwd"),
        "/to-data": _redirect("data:text/html,<p>x</p>"),
        "/refresh": lambda h: respond(h, 200, refresh),
        "/robots.txt": lambda h: respond(h, 404, b""),
    }
    with hostile_server(routes) as server:
        # Everything goes through the local server as a proxy: a request the filter fails
        # to stop shows up in its log instead of reaching the network.
        meta = {"proxy": server.base}
        urls = [server.url(p) for p in routes if p != "/robots.txt"]
        result = probe([{"url": url, "meta": meta} for url in urls],
                       {"NEWSARCHIVE_ALLOW_PRIVATE_HOSTS": ["127.0.0.1"]})
        hosts = {entry["host"].rsplit(":", 1)[0] for entry in server.log}
    assert hosts == {"127.0.0.1"}
    by = result.by_probe()
    assert [by[i].get("error") for i in range(3)] == ["IgnoreRequest"] * 3
    # file: and data: redirects are not followed at all: the 302 comes back as it is (and
    # is an HTTP error for the spider).
    assert [by[i].get("error") for i in (3, 4)] == ["HttpError", "HttpError"]
    assert by[5].get("error") == "IgnoreRequest"  # meta refresh to the metadata service
    assert result.stats["newsarchive/refused/address"] == 4


def test_cross_domain_redirect_drops_cookie_and_authorization() -> None:
    secret: dict[str, object] = {"headers": {"Authorization": "Bearer s3cret"},
                                 "cookies": {"session": "s3cret"}}
    routes: dict[str, Route] = {"/landing": _page,
                                "/robots.txt": lambda h: respond(h, 404, b"")}
    with hostile_server(routes) as server:
        routes["/cross"] = _redirect(server.url("/landing", "localhost"))
        routes["/same"] = _redirect(server.url("/landing"))
        routes["/set"] = lambda h: respond(h, 302, b"", headers={
            "Set-Cookie": "jar=secret; Path=/", "Location": server.url("/landing", "localhost")})
        # One cookie jar per request, so that the three do not share cookies.
        result = probe([{"url": server.url("/cross"), **secret, "meta": {"cookiejar": 1}},
                        {"url": server.url("/same"), **secret, "meta": {"cookiejar": 2}},
                        {"url": server.url("/set"), "meta": {"cookiejar": 3}}])
        landings = [e for e in server.log if e["path"] == "/landing"]
        [first_hop] = [e["headers"] for e in server.log if e["path"] == "/cross"]
    assert all("status" in r for r in result.results)
    cross = [e["headers"] for e in landings if e["host"].startswith("localhost")]
    same = [e["headers"] for e in landings if e["host"].startswith("127.0.0.1")]
    assert len(cross) == 2 and len(same) == 1
    for headers in cross:
        assert "cookie" not in headers and "authorization" not in headers
    # The checks above are not vacuous: the first hop carried both, and a same-host
    # redirect keeps Authorization.
    assert first_hop["cookie"] == "session=s3cret"
    assert first_hop["authorization"] == "Bearer s3cret"
    assert same[0]["authorization"] == "Bearer s3cret" and same[0]["cookie"] == "session=s3cret"


def test_hardened_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))
    assert settings.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert settings.getint("DOWNLOAD_WARNSIZE") == 2 * 1024 * 1024
    assert 0 < settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS") is True
    assert settings.getlist("NEWSARCHIVE_ALLOW_PRIVATE_HOSTS") == []
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["newsarchive.middlewares.HostFilterMiddleware"] == 50
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert settings["TWISTED_DNS_RESOLVER"].endswith("PublicOnlyResolver")


def test_no_telnet_console_or_remote_control_in_a_crawl() -> None:
    result = probe([])
    assert "Telnet" not in result.log
    assert "Remote control" not in result.log and "remote_control" not in result.log
