"""A DNS resolver that answers only with public addresses (DNS-rebinding protection).

:class:`~newsarchive.middlewares.hostfilter.HostFilterMiddleware` resolves a host before
a request is sent, but the downloader resolves it again when it connects; a DNS server
that answers a public address the first time and ``127.0.0.1`` the second (DNS
rebinding) would slip through. This resolver, installed with ``TWISTED_DNS_RESOLVER``,
applies the same :class:`~newsarchive.middlewares.hostfilter.HostPolicy` to the address
the connection will actually use: a non-public answer for a name not listed in
``NEWSARCHIVE_ALLOW_PRIVATE_HOSTS`` fails the lookup (``DNSLookupError``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from newsarchive.middlewares.hostfilter import HostPolicy, _literal_address

if TYPE_CHECKING:
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

__all__ = ["PublicOnlyResolver"]

logger = logging.getLogger(__name__)


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public answers (see the module doc)."""

    policy: HostPolicy = HostPolicy()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.policy = HostPolicy(
            crawler.settings.getlist("NEWSARCHIVE_ALLOW_PRIVATE_HOSTS"))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        if name.lower().rstrip(".") in self.policy.hosts:
            return address
        literal = _literal_address(address)
        if literal is None or not self.policy.address_allowed(literal):
            logger.warning("DNS answer %s for %s refused: not a public address", address, name)
            raise DNSLookupError(f"{name} resolved to non-public address {address}")
        return address
