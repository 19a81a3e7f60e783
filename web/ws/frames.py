"""graphql-transport-ws messages: the client's, parsed and typed; the server's, as text.

A client message is checked once, on arrival, into one of the TypedDicts below
(`parse_client_message`); the handler reads only checked messages.

A `next` frame is the operation's id around the result's JSON payload, built by
concatenation: a result shared by every subscriber of one key
(`schema.execution.shared_execution.SharedResult`) is masked and encoded by the first
subscriber and reused by the rest (`Payloads.of`), so a room of N subscribers
costs one encoding per message and viewer, not N.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types.execution import ExecutionResult

from parley.schema.build import mask_unexpected
from parley.schema.execution.shared_execution import SharedResult

if TYPE_CHECKING:
    from strawberry.schema import BaseSchema

PONG = '{"type":"pong"}'
CONNECTION_ACK = '{"type":"connection_ack"}'


class ConnectionInitMessage(TypedDict):
    type: Literal["connection_init"]
    payload: NotRequired[dict[str, Any] | None]


class SubscribePayload(TypedDict):
    # None when the operation names a persisted document instead (web.documents).
    query: str | None
    variables: NotRequired[dict[str, Any] | None]
    operationName: NotRequired[str | None]
    extensions: NotRequired[dict[str, Any] | None]
    documentId: NotRequired[str | None]


class SubscribeMessage(TypedDict):
    id: str
    type: Literal["subscribe"]
    payload: SubscribePayload


class CompleteMessage(TypedDict):
    id: str
    type: Literal["complete"]


class PingMessage(TypedDict):
    type: Literal["ping"]
    payload: NotRequired[dict[str, Any] | None]


class PongMessage(TypedDict):
    type: Literal["pong"]
    payload: NotRequired[dict[str, Any] | None]


ClientMessage = (
    ConnectionInitMessage | SubscribeMessage | CompleteMessage | PingMessage | PongMessage
)
"""What a client may send, once `parse_client_message` has checked its shape."""


class BadMessage(Exception):
    """A client message that is not graphql-transport-ws; the connection closes with 4400."""


def parse_client_message(text: str) -> ClientMessage:
    """The client message in `text`, with its type's fields checked; BadMessage (with the
    close reason strawberry's handler gives) otherwise."""
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadMessage("WebSocket message must be valid JSON") from None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "subscribe":
        return _subscribe(message)
    if kind == "complete":
        return {"id": str(message.get("id")), "type": "complete"}
    if kind == "ping":
        return {"type": "ping"}
    if kind == "pong":
        return {"type": "pong"}
    if kind == "connection_init":
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise BadMessage("Invalid connection init payload")
        return {"type": "connection_init", "payload": payload}
    if isinstance(kind, str):
        raise BadMessage(f"Unknown message type: {kind}")
    raise BadMessage("Failed to parse message")


def _subscribe(message: dict[str, Any]) -> SubscribeMessage:
    id = message.get("id")
    payload = message.get("payload")
    if not isinstance(id, str) or not isinstance(payload, dict):
        raise BadMessage("Failed to parse message")
    query = payload.get("query")
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    extensions = payload.get("extensions")
    document_id = payload.get("documentId", payload.get("doc_id"))
    names_document = isinstance(extensions, dict) or isinstance(document_id, str)
    if (
        not (isinstance(query, str) or (query is None and names_document))
        or not isinstance(variables, dict | None)
        or not isinstance(operation_name, str | None)
        or not isinstance(extensions, dict | None)
        or not isinstance(document_id, str | None)
    ):
        raise BadMessage("Failed to parse message")
    checked: SubscribePayload = {
        "query": query,
        "variables": variables,
        "operationName": operation_name,
        "extensions": extensions,
        "documentId": document_id,
    }
    return {"id": id, "type": "subscribe", "payload": checked}


class Payloads:
    """The `payload` of `next` frames: errors logged and (in production) masked, then JSON."""

    __slots__ = ("_mask", "_strawberry_schema")

    def __init__(self, schema: BaseSchema, *, mask: bool) -> None:
        self._strawberry_schema = schema
        self._mask = mask

    def of(self, result: GraphQLExecutionResult) -> str:
        if isinstance(result, SharedResult):
            if result.encoded is None:
                self._masked(result)
                result.encoded = encode_result(result)
            return result.encoded
        self._masked(result)
        return encode_result(result)

    def _masked(self, result: GraphQLExecutionResult) -> None:
        if result.errors:
            self._strawberry_schema.process_errors(result.errors)
            if self._mask:
                result.errors = mask_unexpected(result.errors)


def encode_result(result: GraphQLExecutionResult | ExecutionResult) -> str:
    payload: dict[str, object] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return orjson.dumps(payload).decode()


def next_frame(id: str, payload: str) -> str:
    return '{"id":' + _id(id) + ',"type":"next","payload":' + payload + "}"


def error_frame(id: str, errors: list[GraphQLError]) -> str:
    payload = orjson.dumps([error.formatted for error in errors]).decode()
    return '{"id":' + _id(id) + ',"type":"error","payload":' + payload + "}"


def complete_frame(id: str) -> str:
    return '{"id":' + _id(id) + ',"type":"complete"}'


def close_reason(error: GraphQLError) -> str | None:
    """Strawberry's rule: a document that does not parse, or names no operation, closes 4400."""
    if isinstance(error, GraphQLSyntaxError):
        return error.message
    if isinstance(error.original_error, CannotGetOperationTypeError):
        return error.original_error.as_http_error_reason()
    return None


def _id(id: str) -> str:
    return orjson.dumps(id).decode()
