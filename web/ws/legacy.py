"""The legacy `graphql-ws` subprotocol's WebSocket adapter (the setting is off by default).

That subprotocol is still served by strawberry's own handler; this adapter adds
Parley's frame limit to it: a text frame over the limit closes with 1009.
graphql-transport-ws has its own handler (web.ws.handler).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from json import JSONDecodeError

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived

from parley.web.ws.close import close_websocket

MESSAGE_TOO_BIG = 1009


def frame_limited_adapter(max_message_bytes: int) -> type[ASGIWebSocketAdapter]:
    """Strawberry's WebSocket adapter, closing with 1009 on a text frame over the limit."""

    class FrameLimitedAdapter(ASGIWebSocketAdapter):
        async def iter_json(
            self, *, ignore_parsing_errors: bool = False
        ) -> AsyncGenerator[object, None]:
            try:
                while self.ws.application_state != WebSocketState.DISCONNECTED:
                    text = await self.ws.receive_text()
                    if len(text.encode()) > max_message_bytes:
                        reason = f"Message larger than {max_message_bytes} bytes"
                        await close_websocket(self.ws, MESSAGE_TOO_BIG, reason)
                        return
                    try:
                        yield self.view.decode_json(text)
                    except JSONDecodeError as exc:
                        if not ignore_parsing_errors:
                            raise NonJsonMessageReceived from exc
            except KeyError as exc:
                raise NonTextMessageReceived from exc
            except WebSocketDisconnect:
                return

    return FrameLimitedAdapter
