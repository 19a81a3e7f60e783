"""strawberry internals Parley borrows, in one place, for strawberry-graphql 0.341.2 only.

- `CoreExecutionContext`: strawberry's graphql-core executor class, which the
  schema's executor subclasses (`schema.execution.shared_execution`);
- `graphql_schema`: the graphql-core schema a strawberry Schema built (`Schema._schema`;
  strawberry has no public accessor);
- `has_field_exception_handlers`, `info_factory`, `attribute_field`: what the direct
  resolvers and the executor's leaf plans need to call a field exactly as strawberry
  would (its converter's per-field exception handlers, its `Info(_raw_info=, _field=)`,
  and its attribute-reading resolver, recognised by its name `_get_basic_result`);
- `validate_document`: strawberry's validation of a document with an operation's rules
  (graphql-core's `validate` plus strawberry's own `@oneOf` and `Maybe` rules), which
  `schema.execution.documents` caches in place of strawberry's ValidationCache;
- `accept_transport_ws`: the start of the view's WebSocket handshake (origin check,
  subprotocol choice, accept), which `web.view.ParleyGraphQL` runs itself so that a
  graphql-transport-ws socket is served by Parley's handler without strawberry's
  `run` frame held for the socket's life;
- `StrawberryView`: strawberry's ASGI view with its undocumented hooks overridden (or
  called) here, once each, and forwarded to extension points of ours that `web.http`
  and `web.view` implement. Strawberry documents only `get_context`, `get_root_value`,
  `process_result`, `decode_json`, `encode_json`, `render_graphql_ide` and
  `on_ws_connect`; no public API serves what these do:
  - `parse_http_body` (and the `parse_json` it calls): the only place a POST's media
    type and JSON are seen before strawberry accepts them (415, no batching), and the
    only place the request's own fields (`documentId`, `doc_id`) are seen beside the
    request data strawberry reads (persisted documents: `resolve_document`);
  - `should_render_graphql_ide`: a GET without `query` is a GraphiQL page request to
    strawberry, even when it names a persisted document (`names_document`);
  - `execute_single`: the only place an operation's request data and result are seen
    together (the request's log record), and the GET-mutation refusal is raised (405);
  - `get_sub_response`: the only place to tie the sub-response to its request, since
    `create_response` is not given the request;
  - `create_response`: the only place the response's media type and status are set
    (content negotiation, 400 for a request error);
  - `websocket_adapter_class` and `ASGIWebSocketAdapter.iter_json`: the only place the
    legacy graphql-ws subprotocol's frames are read (the frame limit, 1009);
  - `run` (called by `respond`): an HTTP request answered without strawberry's
    `__call__`, which turns every refusal into text/plain.

tests/test_library_internals.py names each of them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from json import JSONDecodeError
from typing import Any, TypeVar

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema import validate_document as _validate_document
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.field import StrawberryField

from parley.compat.versions import require_installed

require_installed("strawberry-graphql", "0.341.2", __name__)

CoreExecutionContext = StrawberryGraphQLCoreExecutionContext


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built for `schema`."""
    return schema._schema


def validate_document(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """The validation errors of `document` under `rules`, as strawberry's pipeline finds them."""
    return _validate_document(schema, document, rules)


def has_field_exception_handlers(schema: strawberry.Schema, field: StrawberryField) -> bool:
    """Whether the schema's exception handlers may turn an error of `field` into a result."""
    return bool(schema.schema_converter._get_field_exception_handlers(field))


def info_factory(
    schema: strawberry.Schema, field: StrawberryField
) -> Callable[[GraphQLResolveInfo[Any]], Any]:
    """Strawberry's `Info` for a call of `field`, built as its own resolver wrapper builds it."""
    info_class = schema.config.info_class

    def info(raw: GraphQLResolveInfo[Any]) -> Any:
        return info_class(_raw_info=raw, _field=field)

    return info


def attribute_field(resolve: Callable[..., Any] | None) -> StrawberryField | None:
    """The field behind strawberry's attribute-reading resolver (`getattr`), if `resolve` is one."""
    if getattr(resolve, "__name__", None) != "_get_basic_result":
        return None
    for cell in getattr(resolve, "__closure__", None) or ():
        field = cell.cell_contents
        if (
            isinstance(field, StrawberryField)
            and field.is_basic_field
            and field.default_resolver is getattr
        ):
            return field
    return None


async def accept_transport_ws(view: GraphQL[Any, Any], websocket: WebSocket) -> bool:
    """Accept a graphql-transport-ws handshake the way strawberry's view would, and say so.

    Anything else (an origin refused with 403, the legacy graphql-ws subprotocol,
    no acceptable subprotocol: 4406) is left to strawberry's own `run`, and False is
    returned once it is done with the socket.
    """
    if (
        not view._check_websocket_origin(websocket)
        or await view.pick_websocket_subprotocol(websocket) != GRAPHQL_TRANSPORT_WS_PROTOCOL
    ):
        await view.run(websocket)
        return False
    await view.create_websocket_response(websocket, GRAPHQL_TRANSPORT_WS_PROTOCOL)
    return True


ContextT = TypeVar("ContextT")

# Closes a legacy graphql-ws socket whose text frame is over the limit (given in bytes).
FrameTooBig = Callable[[WebSocket, int], Awaitable[None]]


class _RequestSubResponse(Response):
    """Strawberry's per-request sub-response, remembering its request for `create_response`."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.status_code = None  # type: ignore[assignment]
        del self.headers["content-length"]
        self.request = request


class StrawberryView(GraphQL[ContextT, None]):
    """Strawberry's ASGI view, its undocumented hooks forwarded to extension points of ours.

    A subclass overrides only strawberry's documented hooks and these extension points;
    each does nothing by default.
    """

    async def respond(self, request: Request) -> Response:
        """Strawberry's response to an HTTP request; its refusals raise `HTTPException`."""
        return await self.run(request)

    def check_content_type(self, content_type: str) -> None:
        """Raise to refuse a POST by its media type (lower case, no parameters), unread."""

    def check_json_body(self, data: object) -> None:
        """Raise to refuse a POST's decoded JSON before strawberry reads an operation from it."""

    def on_operation_refused(self, method: str, error: HTTPException) -> None:
        """Raise to answer otherwise when strawberry refuses to execute an operation (`error`)."""

    def on_operation_executed(
        self, request: Request, request_data: GraphQLRequestData, result: ExecutionResult
    ) -> None:
        """Called once an HTTP operation has run, with what was asked and its result."""

    def finish_response(
        self,
        response: Response,
        request: Request,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        chosen_status: int | None,
    ) -> None:
        """Adjust an HTTP response before it is sent; `chosen_status` is the status a
        resolver set on the context's response, if any."""

    def limit_legacy_frames(self, max_message_bytes: int, too_big: FrameTooBig) -> None:
        """On the legacy graphql-ws subprotocol, hand a text frame over `max_message_bytes`
        to `too_big` (which closes the socket) instead of reading it."""
        self.websocket_adapter_class = _frame_limited_adapter(max_message_bytes, too_big)

    async def resolve_document(
        self,
        request_data: GraphQLRequestData,
        params: Mapping[str, object],
        headers: Mapping[str, str],
    ) -> None:
        """Set `request_data.query` from what the request names (`params`: the POST body or
        the GET query parameters), or raise to refuse it; it is left as it is by default."""

    def names_document(self, params: Mapping[str, object]) -> bool:
        """Whether a GET without `query` names a document otherwise (it is then no GraphiQL
        page request); False by default."""
        return False

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        return super().should_render_graphql_ide(request) and not self.names_document(
            request.query_params
        )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        params: object = request.query_params
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            self.check_content_type(content_type)
            params = self.parse_json(await request.get_body())
            self.check_json_body(params)
        request_data = await super().parse_http_body(request)
        if isinstance(request_data, GraphQLRequestData) and isinstance(params, Mapping):
            await self.resolve_document(request_data, params, request.headers)
        return request_data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: ContextT,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as exc:
            self.on_operation_refused(request_adapter.method, exc)
            raise
        self.on_operation_executed(request, request_data, result)
        return result

    async def get_sub_response(self, request: Request | Any) -> Response:
        return _RequestSubResponse(request)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if isinstance(sub_response, _RequestSubResponse):
            self.finish_response(
                response, sub_response.request, response_data, sub_response.status_code
            )
        return response


def _frame_limited_adapter(
    max_message_bytes: int, too_big: FrameTooBig
) -> type[ASGIWebSocketAdapter]:
    """Strawberry's WebSocket adapter, handing a text frame over the limit to `too_big`."""

    class FrameLimitedAdapter(ASGIWebSocketAdapter):
        async def iter_json(
            self, *, ignore_parsing_errors: bool = False
        ) -> AsyncGenerator[object, None]:
            try:
                while self.ws.application_state != WebSocketState.DISCONNECTED:
                    text = await self.ws.receive_text()
                    if len(text.encode()) > max_message_bytes:
                        await too_big(self.ws, max_message_bytes)
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


__all__ = [
    "CoreExecutionContext",
    "FrameTooBig",
    "StrawberryView",
    "accept_transport_ws",
    "attribute_field",
    "graphql_schema",
    "has_field_exception_handlers",
    "info_factory",
    "validate_document",
]
