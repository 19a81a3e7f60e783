"""`ParleyGraphQL`, strawberry's ASGI view for /graphql with Parley's context, sign-in and limits.

Over HTTP it is `web.http.GraphQLOverHTTP` (the GraphQL over HTTP specification)
with the caller read from the bearer token, anonymous requests rate limited and
the operation noted on the request's record. A graphql-transport-ws WebSocket
is accepted here and served by Parley's own handler (`web.ws.handler`), signed
in by `on_ws_connect`; the legacy graphql-ws subprotocol and refused handshakes
go through strawberry's view (`compat.strawberry.accept_transport_ws`). Both
transports resolve persisted queries and trusted documents through one
`web.documents.PersistedDocuments`, whose manifest is loaded (or start-up
refused) here.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from parley.compat.strawberry import accept_transport_ws
from parley.compat.uvicorn import transport_of
from parley.models.store.db import DATABASE_FAILURES
from parley.schema.build import build_schema
from parley.schema.context import Context
from parley.schema.execution.limits import QueryLimits
from parley.subscriptions.connections import SERVER_RESTART, Connection, current_connection
from parley.telemetry.metrics import DATABASE_ERRORS, WEBSOCKETS_OPEN, OperationNames
from parley.web.auth import Caller, TokenError
from parley.web.documents import DocumentRefused, PersistedDocuments
from parley.web.graphiql import graphiql_page
from parley.web.http import GraphQLOverHTTP, HTTPError, is_request_error
from parley.web.ratelimit import Throttled
from parley.web.requests import RECORD, RequestRecord
from parley.web.services import Services
from parley.web.shutdown import SHUTTING_DOWN, Shutdown
from parley.web.trusted_documents import TrustedDocuments
from parley.web.ws.close import TRANSPORT, close_websocket
from parley.web.ws.frames import Payloads
from parley.web.ws.handler import GraphQLTransportWS
from parley.web.ws.legacy import close_too_big

log = logging.getLogger("parley.server")

# Set on a WebSocket's scope once its connection counts toward presence.
PRESENCE_ACCOUNT = "parley.presence_account"


class ParleyGraphQL(GraphQLOverHTTP):
    """Strawberry's ASGI view with Parley's context and token checks."""

    def __init__(self, services: Services, shutdown: Shutdown, **kwargs: Any) -> None:
        settings = services.settings
        self.shutdown = shutdown
        self.operation_names = OperationNames()
        schema = build_schema(debug=settings.debug, limits=QueryLimits.from_settings(settings))
        # The one allow-list: HTTP CORS (web.cors) reads it too.
        super().__init__(schema, allowed_origins=settings.allowed_origins_on, **kwargs)
        self.services = services
        self.max_body_bytes = settings.http_max_body_bytes
        self.max_message_bytes = settings.ws_max_message_bytes
        self.limit_legacy_frames(settings.ws_max_message_bytes, close_too_big)
        self.payloads = Payloads(self.schema, mask=not settings.debug)
        trusted = None
        if settings.trusted_documents is not None:
            trusted = TrustedDocuments.load(settings.trusted_documents, schema.documents)
        self.persisted_documents = PersistedDocuments(
            schema.documents,
            services.persisted_queries,
            trusted,
            max_bytes=settings.persisted_query_max_bytes,
            graphiql_exempt=settings.debug and settings.graphiql_on,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry has no disconnect hook: a WebSocket ends (closed or dropped) here."""
        try:
            if scope["type"] == "websocket":
                scope[TRANSPORT] = transport_of(send)  # to abort it (web.ws.close)
                await self._websocket(WebSocket(scope, receive=receive, send=send))
            else:
                await super().__call__(scope, receive, send)
        finally:
            account_id = scope.get(PRESENCE_ACCOUNT)
            if account_id is not None:
                services = self.services
                await services.presence.disconnected(account_id, services.clock.now())

    async def _websocket(self, websocket: WebSocket) -> None:
        """graphql-transport-ws goes to Parley's handler (web.ws.handler) without strawberry's
        view in between for the socket's life; the legacy subprotocol and refusals go through it."""

        async def close(code: int, reason: str) -> None:
            await close_websocket(websocket, code, reason)

        # Operation tasks start after this and inherit the binding (see subscriptions.connections).
        current_connection.set(Connection(close))
        if not await accept_transport_ws(self, websocket):
            return  # refused (403), legacy graphql-ws, or 4406: strawberry's view served it
        if self.shutdown.draining:
            await websocket.close(code=SERVER_RESTART, reason=SHUTTING_DOWN)
            return
        context = await self.get_context(websocket, response=websocket)
        handler = GraphQLTransportWS(
            self,
            websocket,
            context,
            self.schema,
            self.connection_init_wait_timeout,
            self.max_subscriptions_per_connection,
        )
        self.shutdown.sockets.add(handler)
        WEBSOCKETS_OPEN.inc()
        opened = time.perf_counter()
        try:
            await handler.handle()
        finally:
            WEBSOCKETS_OPEN.dec()
            self.shutdown.sockets.discard(handler)
            _log_websocket(websocket, context, time.perf_counter() - opened)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from Parley's own files, under its CSP (web.graphiql), not from unpkg."""
        return graphiql_page(request)

    def encode_json(self, data: object) -> str:
        # orjson: responses and subscription frames; text, as graphql-transport-ws needs.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(services=self.services, request=request, response=response)
        if isinstance(request, Request):
            try:
                context.caller = await self.authenticate(request.headers.get("authorization"))
            except TokenError as exc:
                context.auth_error = str(exc)
            record: RequestRecord | None = request.scope.get(RECORD)
            if record is not None and context.caller is not None:
                record.account_id = context.caller.account_id
            if context.caller is None:
                await self._limit_anonymous(request)
        return context

    async def authenticate(self, header: str | None) -> Caller | None:
        """None without credentials; the caller of a good token for an existing account (or
        the service); TokenError otherwise. HTTP and WebSocket both sign in through here."""
        caller = self.services.verifier.verify_header(header)
        account_id = caller.account_id if caller is not None else None
        if account_id is not None and not await self.services.known_accounts.exists(account_id):
            raise TokenError("The token's account does not exist.")
        return caller

    def on_operation_executed(
        self, request: Request, request_data: GraphQLRequestData, result: ExecutionResult
    ) -> None:
        """The operation, noted on the request's record for its log line and metrics."""
        record: RequestRecord | None = request.scope.get(RECORD)
        if record is not None:
            name = request_data.operation_name or _operation_name(request_data.query)
            record.operation = self.operation_names.label(name)
            if is_request_error(result):
                record.outcome = "invalid"
            else:
                record.outcome = "error" if result.errors else "ok"
        for error in result.errors or ():
            if isinstance(error.original_error, DATABASE_FAILURES):
                DATABASE_ERRORS.labels("graphql").inc()

    def on_document_refused(self, request: Request, refused: DocumentRefused) -> None:
        """Noted on the request's record: a miss or a refusal, not a result."""
        record: RequestRecord | None = request.scope.get(RECORD)
        if record is not None:
            record.outcome = "invalid"

    async def _limit_anonymous(self, request: Request) -> None:
        """Requests without a good token are counted per client address."""
        limits = self.services.rate_limits
        address = _address(request)
        wait = await limits.retry_after(limits.unauthenticated, "anonymous", address)
        if wait is not None:
            message = f"Too many requests without a token: retry in {wait} s."
            raise HTTPError(429, message, {"Retry-After": str(wait)})

    async def on_ws_connect(self, context: Context) -> None:
        limits = self.services.rate_limits
        params = context.connection_params or {}
        header = params.get("authorization", params.get("Authorization"))
        caller = None
        if isinstance(header, str):
            try:
                caller = await self.authenticate(header)
            except TokenError:
                caller = None
        if caller is None or caller.account_id is None:
            # Only failures count against the address: a good token is never refused
            # because others behind the same address (a NAT, a proxy) failed.
            address = _address(context.request)
            wait = await limits.retry_after(limits.unauthenticated, "anonymous", address)
            if wait is not None:
                raise Throttled(wait, "failed sign-ins from this address")
            raise ConnectionRejectionError()
        await limits.check(limits.ws_connections, "connections", str(caller.account_id))
        context.caller = caller
        assert context.request is not None
        context.request.scope[PRESENCE_ACCOUNT] = caller.account_id
        await self.services.presence.connected(caller.account_id, self.services.clock.now())


def _address(request: Request | WebSocket | None) -> str:
    client = request.client if request is not None else None
    return client.host if client else "unknown"


def _log_websocket(websocket: WebSocket, context: Context, duration: float) -> None:
    """One line per WebSocket, when it ends, with the handshake's request id."""
    record: RequestRecord | None = websocket.scope.get(RECORD)
    caller = context.caller
    log.info(
        "WebSocket closed after %.1f s",
        duration,
        extra={
            "request_id": record.request_id if record is not None else None,
            "account_id": caller.account_id if caller is not None else None,
            "duration_ms": round(duration * 1000, 2),
        },
    )


def _operation_name(query: str | None) -> str | None:
    """The name of a document's first operation, when the client did not say which."""
    match = _FIRST_OPERATION.search(query or "")
    return match.group(1) if match else None


_FIRST_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
