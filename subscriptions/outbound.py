"""HTTP requests to URLs that users chose: the one way Parley sends them.

Web Push endpoints now, webhooks later. Every request:
- checks the URL against `OutboundPolicy` (models.outbound_urls) as it is sent;
- resolves the host name once, refuses it if any address it resolves to is not
  allowed, and connects to exactly the addresses it checked (the connector never
  resolves again: a name rebound between check and connect gains nothing);
- follows no redirect, uses no proxy from the environment, gives up after short
  connect and read timeouts, and reads at most `max_response_bytes` of the answer.

Failures are `OutboundRefused` (the policy said no) or `OutboundFailed` (no answer);
their text is for the operator's log, never for users (subscriptions.push words those).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from ipaddress import ip_address

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from parley.models.errors import InvalidInput
from parley.models.outbound_urls import OutboundPolicy

# host, port -> the addresses the name resolves to (the system resolver by default).
Lookup = Callable[[str, int], Awaitable[list[str]]]

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 16_384


class OutboundRefused(Exception):
    """The policy forbids this URL or an address its host resolves to."""


class OutboundFailed(Exception):
    """The request did not complete: no connection, a timeout, or a broken answer."""


@dataclass(frozen=True, slots=True)
class OutboundResponse:
    status: int
    body: bytes  # at most max_response_bytes of it


async def system_lookup(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class _CheckedResolver(AbstractResolver):
    """aiohttp's resolver: the addresses of a name, each checked against the policy."""

    def __init__(self, policy: OutboundPolicy, lookup: Lookup) -> None:
        self._policy = policy
        self._lookup = lookup
        self.refused: str | None = None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for text in dict.fromkeys(await self._lookup(host, port)):
            address = ip_address(text.split("%", 1)[0])
            if not self._policy.address_allowed(address):
                self.refused = f"{host} resolves to a refused address"
                raise OSError(self.refused)
            results.append(
                ResolveResult(
                    hostname=host,
                    host=text,
                    port=port,
                    family=socket.AF_INET if address.version == 4 else socket.AF_INET6,
                    proto=socket.IPPROTO_TCP,
                    flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                )
            )
        if not results:
            raise OSError(f"{host} has no address")
        return results

    async def close(self) -> None:
        return None


class OutboundHTTP:
    """Sends requests to user-chosen URLs under one `OutboundPolicy`."""

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        lookup: Lookup = system_lookup,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        total_timeout: float = TOTAL_TIMEOUT,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.policy = policy
        self._lookup = lookup
        self._timeout = aiohttp.ClientTimeout(
            total=total_timeout, connect=connect_timeout, sock_read=read_timeout
        )
        self._max_response_bytes = max_response_bytes

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> OutboundResponse:
        target = self._checked(url)
        resolver = _CheckedResolver(self.policy, self._lookup)
        connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False, limit=1)
        try:
            async with (
                aiohttp.ClientSession(
                    connector=connector, timeout=self._timeout, trust_env=False
                ) as session,
                session.post(
                    target, data=body, headers=dict(headers), allow_redirects=False
                ) as response,
            ):
                content = await response.content.read(self._max_response_bytes)
                return OutboundResponse(response.status, content)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            if resolver.refused is not None:
                raise OutboundRefused(resolver.refused) from exc
            raise OutboundFailed(f"{type(exc).__name__}: {exc}") from exc

    def _checked(self, url: str) -> URL:
        """The URL as aiohttp will read it, its shape and any literal address checked."""
        try:
            self.policy.check_url(url, "url")
            target = URL(url)
        except (InvalidInput, ValueError) as exc:
            raise OutboundRefused(str(exc)) from exc
        host = target.host or ""
        try:
            literal = ip_address(host.split("%", 1)[0])
        except ValueError:
            return target  # a name: checked as it resolves
        if not self.policy.address_allowed(literal):
            raise OutboundRefused("the URL points at a refused address")
        return target
