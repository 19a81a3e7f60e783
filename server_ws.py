"""graphql-transport-ws with Parley's limits on top of strawberry's protocol handler.

Strawberry already closes with the protocol's codes (4400 bad message, 4401
subscribe before ack, 4403 refused, 4408 init timeout, 4409 duplicate id, 4429
second init) and caps subscriptions per connection. Added here: a text frame
over the size limit closes the socket with 1009 (message too big); a
connection over the account's rate closes with 1013 (try again later); a
subscription over the account's rate gets an `error` message with code
RATE_LIMITED and retryAfter, and the socket stays open.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from json import JSONDecodeError
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from ratelimit import Throttled
from schema.context import Context

MESSAGE_TOO_BIG = 1009
TRY_AGAIN_LATER = 1013


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
                        await self.ws.close(code=MESSAGE_TOO_BIG, reason=reason)
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


class ParleyTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Throttled as exc:
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=str(exc))

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        caller = self.context.caller
        if (
            self.connection_acknowledged
            and caller is not None
            and message["id"] not in self.operations
        ):
            limits = self.context.services.rate_limits
            key = str(caller.account_id)
            wait = await limits.retry_after(limits.subscriptions, "subscriptions", key)
            if wait is not None:
                error = GraphQLError(
                    f"Too many subscriptions: retry in {wait} s.",
                    extensions={"code": "RATE_LIMITED", "retryAfter": wait},
                )
                refusal: Any = {"id": message["id"], "type": "error", "payload": [error.formatted]}
                await self.send_message(refusal)
                return
        await super().handle_subscribe(message)
