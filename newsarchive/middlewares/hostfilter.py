"""SSRF protection: refuse requests that leave the public web.

A live crawl follows URLs and redirects chosen by the sites it reads. Without a check, a
feed, a sitemap or a ``Location:`` header can point the crawler at ``file:`` or ``data:``
URLs, at the machine itself (``127.0.0.1``, ``localhost``), at cloud metadata services
(``169.254.169.254``) or at the private network it runs in.

:class:`HostFilterMiddleware` runs first among the downloader middlewares, so it sees every
request the engine downloads: start requests, requests from callbacks, robots.txt
requests, and each hop of a redirect or meta refresh (those are new requests). It refuses
(``IgnoreRequest``, counted as ``newsarchive/refused/<reason>``):

* ``scheme``: anything but ``http`` and ``https``;
* ``no_host``: a URL without a host;
* ``address``: a host that is a non-global IP address, or a name any of whose addresses is
  non-global (loopback, link-local, private, shared, reserved, multicast, unspecified;
  IPv4-mapped IPv6 addresses are judged by their IPv4 address). Names are resolved with
  the system resolver (results cached per run) before the request is sent.

Hosts and networks listed in ``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS`` (host names, IP addresses
or CIDR networks, e.g. ``["localhost", "127.0.0.0/8", "10.1.0.0/16"]``) are allowed; the
tests use it for their server on 127.0.0.1. A name that cannot be resolved is let through
(the download then fails with a DNS error).

Limit: the downloader resolves the name again when it connects, so a DNS server that
answers differently within seconds (DNS rebinding) could still steer one request; run
crawlers where metadata services and internal hosts are firewalled as well.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import threads

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["HostFilterMiddleware", "HostPolicy", "is_public_address"]

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The only schemes a live crawl fetches.
ALLOWED_SCHEMES = frozenset({"http", "https"})


def is_public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a global unicast address (what the public web uses)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public_address(mapped)
    return bool(address.is_global and not address.is_multicast)


def _literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address, or None for a name. Besides the standard notations this
    accepts the legacy IPv4 forms that ``inet_aton`` (and so many HTTP stacks) accept, such
    as ``2130706433``, ``0x7f.1`` or ``127.1``, all of them 127.0.0.1."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


class HostPolicy:
    """Which schemes, hosts and addresses a crawl may reach.

    Args:
        allowed: host names, IP addresses and CIDR networks that are allowed even though
            they are not public (``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS``).
    """

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.hosts: set[str] = set()
        self.networks: list[IPNetwork] = []
        for entry in allowed:
            entry = entry.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self.hosts.add(entry)

    def address_allowed(self, address: IPAddress) -> bool:
        """Whether a connection to ``address`` is allowed."""
        if any(address in network for network in self.networks):
            return True
        return is_public_address(address)

    def check_url(self, url: str) -> tuple[str | None, str | None]:
        """Check what can be checked without DNS.

        Returns:
            ``(reason, host)``: a refusal reason (``scheme``, ``no_host``, ``address``) or
            None; and the host name still to resolve (None when no lookup is needed).
        """
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            return "no_host", None
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            return "scheme", None
        if not host:
            return "no_host", None
        if host in self.hosts:
            return None, None
        literal = _literal_address(host)
        if literal is not None:
            return (None if self.address_allowed(literal) else "address"), None
        return None, host


class HostFilterMiddleware:
    """Downloader middleware enforcing :class:`HostPolicy` on every request.

    Settings: ``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS`` (list; default empty: only public
    addresses). Stats: ``newsarchive/refused/scheme``, ``newsarchive/refused/no_host``,
    ``newsarchive/refused/address``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = HostPolicy(crawler.settings.getlist("NEWSARCHIVE_ALLOW_PRIVATE_HOSTS"))
        self._resolved: dict[str, list[IPAddress]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostFilterMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        reason, host = self.policy.check_url(request.url)
        if reason is None and host is not None:
            addresses = await self._resolve(host, urlparse_cached(request).port)
            if not all(self.policy.address_allowed(a) for a in addresses):
                reason = "address"
        if reason is not None:
            self._refuse(request, reason)

    async def _resolve(self, host: str, port: int | None) -> list[IPAddress]:
        if host not in self._resolved:
            try:
                infos = await maybe_deferred_to_future(threads.deferToThread(
                    socket.getaddrinfo, host, port or 80, type=socket.SOCK_STREAM))
            except (OSError, UnicodeError):
                infos = []  # unresolvable: the download fails with a DNS error
            addresses = []
            for info in infos:
                literal = _literal_address(str(info[4][0]))
                if literal is not None:
                    addresses.append(literal)
            self._resolved[host] = addresses
        return self._resolved[host]

    def _refuse(self, request: Request, reason: str) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"newsarchive/refused/{reason}")
        logger.warning("Refused %s (%s): not a public http(s) address; allow it with "
                       "NEWSARCHIVE_ALLOW_PRIVATE_HOSTS", request.url, reason)
        raise IgnoreRequest(f"refused ({reason}): {request.url}")
