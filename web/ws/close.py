"""Closing a WebSocket so that the client hears why, or at least hears that it must go.

Every close Parley sends goes through `close_websocket`:

- the reason passes through `fit_reason`: at most 123 UTF-8 bytes, cut on a character
  boundary. A close frame is a control frame (RFC 6455 §5.5: payload at most 125 bytes,
  two of them the code); uvicorn fails a longer one ("control frame too long") and the
  client sees the TCP connection drop (1006) instead of the code;
- the frame is sent within `CLOSE_DEADLINE` seconds, then the connection is aborted.
  uvicorn sends nothing, the close frame included, while the socket is not writable, so a
  client that stopped reading would otherwise hold its connection until the keepalive
  gives up. An aborted client sees 1006 (abnormal closure), which graphql-ws retries.

Aborting is the one thing ASGI cannot say. `compat.uvicorn.transport_of` finds the TCP
transport behind uvicorn's ASGI `send`; `web.view.ParleyGraphQL` keeps it in the
connection's scope under `TRANSPORT`.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.websockets import WebSocket

log = logging.getLogger("parley.ws")

MAX_REASON_BYTES = 123
CLOSE_DEADLINE = 2.0  # seconds to get the close frame out before cutting the connection
TRANSPORT = "parley.transport"  # scope key: the connection's asyncio transport, if known


def fit_reason(reason: str) -> str:
    """`reason`, cut to at most 123 UTF-8 bytes on a character boundary."""
    encoded = reason.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return reason
    return encoded[:MAX_REASON_BYTES].decode(errors="ignore")


async def close_websocket(
    websocket: WebSocket, code: int, reason: str, deadline: float = CLOSE_DEADLINE
) -> None:
    """Send the close frame within `deadline` seconds, else abort the TCP connection.

    Raises what the socket raises when the client is already gone (callers ignore it).
    """
    try:
        async with asyncio.timeout(deadline):
            await websocket.close(code=code, reason=fit_reason(reason))
    except TimeoutError:
        transport = websocket.scope.get(TRANSPORT)
        log.info("WebSocket not writable for %.1f s; aborting it (close %d)", deadline, code)
        if isinstance(transport, asyncio.WriteTransport):
            transport.abort()
