"""The legacy `graphql-ws` subprotocol's frame limit (the setting is off by default).

That subprotocol is still served by strawberry's own handler, whose frames
`compat.strawberry.StrawberryView.limit_legacy_frames` reads; a text frame over
the limit is handed to `close_too_big`, which closes with 1009.
graphql-transport-ws has its own handler (web.ws.handler).
"""

from __future__ import annotations

from starlette.websockets import WebSocket

from parley.web.ws.close import close_websocket

MESSAGE_TOO_BIG = 1009


async def close_too_big(websocket: WebSocket, max_message_bytes: int) -> None:
    """Close a legacy socket whose text frame was over `max_message_bytes`, saying so."""
    await close_websocket(
        websocket, MESSAGE_TOO_BIG, f"Message larger than {max_message_bytes} bytes"
    )
