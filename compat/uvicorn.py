"""uvicorn's connection internals Parley reaches for, for uvicorn 0.55.x only.

ASGI cannot abort a connection. `web.ws.close.close_websocket` needs to, when a
client stops reading, so the view keeps the TCP transport behind uvicorn's ASGI
`send`: `send` is a bound method of uvicorn's protocol object, whose `transport`
attribute is the connection's asyncio transport. tests/wire/test_graphql_ws_client.py
fails if uvicorn stops exposing it (nothing gets aborted).
"""

from __future__ import annotations

import asyncio

from starlette.types import Send

from parley.compat.versions import require_installed

require_installed("uvicorn", "0.55", __name__)


def transport_of(send: Send) -> asyncio.WriteTransport | None:
    """The asyncio transport behind uvicorn's ASGI `send`, or None (another server)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport if isinstance(transport, asyncio.WriteTransport) else None


__all__ = ["transport_of"]
