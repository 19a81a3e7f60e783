"""The WebSocket a subscription runs on, so the server can close it with a reason.

The server binds each accepted WebSocket to `current_connection` before
strawberry starts the connection's operations; every operation task inherits
that binding, so a `Listener` knows its socket without the schema passing it
around. Close codes a client sees (documented in the README):

1013 Try Again Later   the event bus (Redis) is unreachable; reconnect with backoff
                       and resume every subscription with its last cursor
1012 Service Restart   this process is shutting down; reconnect (to another one)
4008 Too Slow          the client stopped reading and its queue passed
                       PARLEY_SUBSCRIBER_QUEUE_SIZE events; reconnect and resume
                       (when even the close frame cannot get out, the server
                       aborts the connection: the client sees 1006)

graphql-ws and other graphql-transport-ws clients retry on all three. Each cause has
one fixed, neutral reason (`REASONS`): never an exception's text, which may be long
(a close reason fits in 123 bytes) and tells a client about the server's insides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

log = logging.getLogger("parley.connections")

BUS_UNAVAILABLE = 1013
SERVER_RESTART = 1012
TOO_SLOW = 4008

REASONS = {
    BUS_UNAVAILABLE: "Event bus unavailable: reconnect later and resume with your last cursor",
    SERVER_RESTART: "Server restarting: reconnect and resume with your last cursor",
    TOO_SLOW: "Too slow: events were not read in time; reconnect and resume with your cursor",
}


class Connection:
    """One client socket; `close` may be called from synchronous code, any number of times."""

    def __init__(self, close: Callable[[int, str], Awaitable[None]]) -> None:
        self._close = close
        self._closing: asyncio.Task[None] | None = None

    @property
    def closing(self) -> bool:
        return self._closing is not None

    def close(self, code: int, reason: str) -> None:
        if self._closing is None:
            log.info("closing a WebSocket: %s %s", code, reason)
            self._closing = asyncio.get_running_loop().create_task(self._run(code, reason))

    async def _run(self, code: int, reason: str) -> None:
        # The socket may already be gone (the client left first): nothing to tell it then.
        with contextlib.suppress(Exception):
            await self._close(code, reason)


current_connection: ContextVar[Connection | None] = ContextVar(
    "parley_current_connection", default=None
)
