"""graphql-transport-ws frames as text, each execution result encoded once.

A `next` frame is the operation's id around the result's JSON payload, built by
concatenation: a result shared by every subscriber of one key
(`schema.shared_events.SharedResult`) is masked and encoded by the first
subscriber and reused by the rest (`Payloads.of`), so a room of N subscribers
costs one encoding per message and viewer, not N.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.types.execution import ExecutionResult

from parley.schema.execution.shared_execution import SharedResult
from parley.schema.fields.root import mask_unexpected

if TYPE_CHECKING:
    from strawberry.schema import BaseSchema

PONG = '{"type":"pong"}'
CONNECTION_ACK = '{"type":"connection_ack"}'


class Payloads:
    """The `payload` of `next` frames: errors logged and (in production) masked, then JSON."""

    __slots__ = ("_mask", "_schema")

    def __init__(self, schema: BaseSchema, *, mask: bool) -> None:
        self._schema = schema
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
            self._schema.process_errors(result.errors)
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
