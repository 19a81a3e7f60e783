"""graphql-transport-ws, Parley's own handler: small per connection, cheap per event.

The protocol is graphql-ws's PROTOCOL.md (enisdenjo/graphql-ws). Close codes:
4400 bad message (not text, not JSON, unknown type, malformed, or a document
that does not parse), 4401 subscribe before the ack, 4403 refused
`connection_init`, 4408 no `connection_init` in time, 4409 duplicate operation
id, 4429 second `connection_init`. Parley's limits on top: a text frame over the
size limit closes with 1009 (message too big); a connection over the account's
rate closes with 1013 (try again later); a subscription over the account's rate
gets an `error` message with code RATE_LIMITED and retryAfter, and past the
per-connection cap an `error` "Subscription limit reached"; the socket stays open.
A `subscribe` may name a persisted query or trusted document instead of (or
beside) its query (web.documents); a refusal, PersistedQueryNotFound among
them, is an `error` message for that id.

Every operation goes through strawberry's `schema.stream` (parser and validation
caches, depth, alias, token and cost limits, error masking); a query or mutation
sent over the socket gets its `next` and `complete` from there. A subscription
is claimed once its resolver has returned the source stream
(`schema.execution.shared_execution.claim_source_streams`): from then on it is one task over
that stream, and each event is executed once per shared key and serialized once
(`SharedResult.encoded`): a subscriber's frame is its id around the shared
payload. Strawberry's extension hooks stay with the operation's start, not with
every idle subscription.

Client messages are parsed and typed, and frames built as text, in web.ws.frames.
The legacy `graphql-ws` subprotocol (off by default) keeps strawberry's handler
(web.ws.legacy).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.execution import ExecutionResult, PreExecutionError

from parley.schema.context import Context
from parley.schema.execution.shared_execution import SharedEventExecutor, claim_source_streams
from parley.subscriptions.connections import current_connection
from parley.subscriptions.live_stream import LiveStream
from parley.web.documents import GRAPHIQL_PARAM, DocumentRefused, PersistedDocuments
from parley.web.ratelimit import Throttled
from parley.web.services import Services
from parley.web.ws.close import close_websocket
from parley.web.ws.frames import (
    CONNECTION_ACK,
    PONG,
    BadMessage,
    CompleteMessage,
    ConnectionInitMessage,
    Payloads,
    SubscribeMessage,
    SubscribePayload,
    close_reason,
    complete_frame,
    encode_result,
    error_frame,
    next_frame,
    parse_client_message,
)

if TYPE_CHECKING:
    from strawberry.schema import BaseSchema

log = logging.getLogger("parley.ws")

MESSAGE_TOO_BIG = 1009
TRY_AGAIN_LATER = 1013
BAD_MESSAGE = 4400
UNAUTHORIZED = 4401
FORBIDDEN = 4403
INIT_TIMEOUT = 4408
DUPLICATE_ID = 4409
TOO_MANY_INITS = 4429

# The errors a socket write raises once the client is gone or the socket is closing.
_GONE = (WebSocketDisconnect, RuntimeError, OSError)


class View(Protocol):
    """What the handler needs of the view that accepted its socket (web.view.ParleyGraphQL)."""

    services: Services
    payloads: Payloads
    max_message_bytes: int
    persisted_documents: PersistedDocuments | None

    async def on_ws_connect(self, context: Context) -> None: ...


class _Operation:
    """One operation of a connection: its id, the task starting or running it, and once live
    (a `LiveStream`) the stream and executor its events are pushed through (the `Sink`)."""

    __slots__ = ("executor", "handler", "id", "stream", "task")

    def __init__(self, handler: GraphQLTransportWS, id: str) -> None:
        self.handler = handler
        self.id = id
        self.task: asyncio.Task[None] | None = None
        self.stream: LiveStream[Any] | None = None
        self.executor: SharedEventExecutor | None = None

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.stream is not None:
            self.stream.stop()

    async def deliver(self, item: object) -> None:
        assert self.executor is not None
        await self.handler.send_event(self, self.executor, item)

    async def fail(self, error: Exception) -> None:
        with contextlib.suppress(*_GONE):
            await self.handler.send_failure(self, error)


class _Claim:
    """A subscription's executor and source stream, once strawberry has resolved them."""

    __slots__ = ("executor", "source")

    def __init__(self) -> None:
        self.executor: SharedEventExecutor | None = None
        self.source: AsyncIterable[Any] | None = None

    def __call__(self, executor: SharedEventExecutor, source: AsyncIterable[Any]) -> None:
        self.executor = executor
        self.source = source


class GraphQLTransportWS:
    """One graphql-transport-ws connection, accepted by the view (web.view.ParleyGraphQL)."""

    __slots__ = (
        "_timer",
        "acknowledged",
        "closed",
        "context",
        "graphiql",
        "init_received",
        "init_timeout",
        "max_operations",
        "operations",
        "payloads",
        "schema",
        "view",
        "ws",
    )

    def __init__(
        self,
        view: View,
        websocket: WebSocket,
        context: Context,
        schema: BaseSchema,
        connection_init_wait_timeout: timedelta,
        max_subscriptions_per_connection: int | None = None,
    ) -> None:
        self.view = view
        self.ws = websocket
        self.context = context
        self.schema = schema
        self.init_timeout = connection_init_wait_timeout.total_seconds()
        self.max_operations = max_subscriptions_per_connection
        self.init_received = False
        self.acknowledged = False
        self.closed = False
        self.graphiql = False  # connection_init said it is Parley's GraphiQL page
        self.operations: dict[str, _Operation] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.payloads: Payloads = view.payloads

    async def handle(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.init_timeout, self._init_timed_out)
        try:
            while not self.closed:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await self.close(BAD_MESSAGE, "WebSocket message type must be text")
                elif self._too_big(text):
                    limit = self.view.max_message_bytes
                    await self.close(MESSAGE_TOO_BIG, f"Message larger than {limit} bytes")
                else:
                    await self._handle_text(text)
        except _GONE:
            pass
        finally:
            self._cancel_timer()
            await self._shutdown()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _too_big(self, text: str) -> bool:
        limit = self.view.max_message_bytes
        return len(text) > limit or (len(text) * 4 > limit and len(text.encode()) > limit)

    def _init_timed_out(self) -> None:
        if not self.init_received and not self.closed:
            connection = current_connection.get()
            if connection is not None:
                self.closed = True
                connection.close(INIT_TIMEOUT, "Connection initialisation timeout")

    async def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(*_GONE):
                await close_websocket(self.ws, code, reason)

    async def send(self, text: str) -> None:
        await self.ws.send({"type": "websocket.send", "text": text})

    async def _shutdown(self) -> None:
        operations = list(self.operations.values())
        self.operations.clear()
        tasks = [op.task for op in operations if op.task is not None]
        for operation in operations:
            operation.stop()
        for task in tasks:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task

    async def _handle_text(self, text: str) -> None:
        try:
            message = parse_client_message(text)
        except BadMessage as exc:
            await self.close(BAD_MESSAGE, str(exc))
            return
        if message["type"] == "subscribe":
            await self._subscribe(message)
        elif message["type"] == "complete":
            self._complete(message)
        elif message["type"] == "ping":
            await self.send(PONG)
        elif message["type"] == "connection_init":
            await self._connection_init(message)

    async def _connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if self.init_received:
            await self.close(TOO_MANY_INITS, "Too many initialisation requests")
            return
        self.init_received = True
        self._cancel_timer()
        self.context.connection_params = payload
        self.graphiql = payload.get(GRAPHIQL_PARAM) is True
        try:
            await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError:
            await self.close(FORBIDDEN, "Forbidden")
            return
        except Throttled as exc:
            await self.close(TRY_AGAIN_LATER, str(exc))
            return
        finally:
            # Read once, by on_ws_connect: the token is not kept for the connection's life.
            self.context.connection_params = None
        if not self.closed:
            await self.send(CONNECTION_ACK)
            self.acknowledged = True

    async def _subscribe(self, message: SubscribeMessage) -> None:
        id = message["id"]
        payload = message["payload"]
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if not self.acknowledged:
            await self.close(UNAUTHORIZED, "Unauthorized")
            return
        if id in self.operations:
            await self.close(DUPLICATE_ID, f"Subscriber for {id} already exists")
            return
        refusal = await self._refusal()
        if refusal is not None:
            await self.send(error_frame(id, [refusal]))
            return
        try:
            query = await self._document(payload)
        except DocumentRefused as refused:
            await self.send(error_frame(id, [refused.error]))
            return
        operation = _Operation(self, id)
        self.operations[id] = operation
        operation.task = asyncio.create_task(
            self._run(operation, query, variables, operation_name), name=f"parley-ws-op-{id}"
        )

    async def _refusal(self) -> GraphQLError | None:
        """The account's subscription rate, then this connection's cap."""
        caller = self.context.caller
        if caller is not None:
            limits = self.view.services.rate_limits
            key = str(caller.account_id)
            wait = await limits.retry_after(limits.subscriptions, "subscriptions", key)
            if wait is not None:
                return GraphQLError(
                    f"Too many subscriptions: retry in {wait} s.",
                    extensions={"code": "RATE_LIMITED", "retryAfter": wait},
                )
        if self.max_operations is not None and len(self.operations) >= self.max_operations:
            return GraphQLError("Subscription limit reached")
        return None

    async def _document(self, payload: SubscribePayload) -> str:
        """The text the operation runs: its query, or the persisted document it names."""
        documents = self.view.persisted_documents
        query = payload["query"]
        if documents is not None:
            query = await documents.resolve(
                query,
                payload.get("extensions"),
                payload.get("documentId"),
                graphiql=self.graphiql,
            )
        if query is None:  # the frame named a document, so resolve gave one or refused
            raise DocumentRefused("No GraphQL query found in the request", "BAD_REQUEST")
        return query

    def _complete(self, message: CompleteMessage) -> None:
        operation = self.operations.pop(message["id"], None)
        if operation is not None:
            operation.stop()

    async def _run(
        self,
        operation: _Operation,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        """The operation, in a span of its own when tracing is on."""
        tracer = self.view.services.tracer
        if tracer is None:
            await self._run_operation(operation, query, variables, operation_name)
            return
        with tracer.start_as_current_span(f"graphql {operation_name or 'anonymous'}"):
            await self._run_operation(operation, query, variables, operation_name)

    async def _run_operation(
        self,
        operation: _Operation,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        claim = _Claim()
        claim_source_streams(claim)
        try:
            results = await self.schema.stream(
                query,
                variable_values=variables,
                context_value=self.context,
                operation_name=operation_name,
            )
            async with contextlib.aclosing(results):
                first = True
                async for result in results:
                    if not await self._send_result(operation, result, first):
                        return
                    first = False
            source = claim.source
            if claim.executor is not None and isinstance(source, LiveStream):
                operation.executor = claim.executor
                operation.stream = source
                try:
                    await source.start(operation)
                except Exception as exc:
                    if isinstance(exc, _GONE):
                        raise
                    await self.send_failure(operation, exc)
                operation.task = None  # live: the hub wakes it; no task while idle
                return
            if claim.executor is not None and source is not None:
                await self._stream_events(operation, claim.executor, source)
            await self._finish(operation, complete=True)
        except asyncio.CancelledError:
            raise
        except _GONE:
            return
        except GraphQLError as exc:
            # Raised before execution (strawberry's parser cache: a document that does not
            # parse): the client's mistake, answered like a validation error.
            log.info("operation %s refused: %s", operation.id, exc.message)
            with contextlib.suppress(*_GONE):
                await self._finish(operation, errors=[exc])
        except Exception:
            log.exception("operation %s failed", operation.id)
            with contextlib.suppress(*_GONE):
                await self._finish(operation, complete=True)

    async def _send_result(self, operation: _Operation, result: object, first: bool) -> bool:
        """Send one of strawberry's results; False once the operation ended with it."""
        if first and isinstance(result, PreExecutionError):
            assert result.errors
            reason = close_reason(result.errors[0])
            if reason is not None:
                self.operations.pop(operation.id, None)
                await self.close(BAD_MESSAGE, reason)
            else:
                await self._finish(operation, errors=result.errors)
            return False
        if not isinstance(result, ExecutionResult):
            error = GraphQLError("Incremental delivery is not supported over graphql-transport-ws")
            await self._finish(operation, errors=[error])
            return False
        await self.send(next_frame(operation.id, encode_result(result)))
        return True

    async def _stream_events(
        self, operation: _Operation, executor: SharedEventExecutor, source: AsyncIterable[Any]
    ) -> None:
        """Each event of a pulled source stream, executed (shared) and sent, until it ends."""
        stream = aiter(source)
        try:
            async for payload in stream:
                await self.send_event(operation, executor, payload)
        except Exception as exc:  # the source failed (StreamClosed and the like): tell and end
            if isinstance(exc, _GONE):
                raise
            await self._send_next_error(operation, exc)
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def send_event(
        self, operation: _Operation, executor: SharedEventExecutor, payload: object
    ) -> None:
        # Another subscriber's execution of the same key: no executor copy of our own.
        result = executor.shared_result(payload)
        if result is None:
            result = executor.build_per_event_executor(payload).execute_operation(False)
        if executor.is_awaitable(result):
            result = await result
        assert isinstance(result, GraphQLExecutionResult)
        # The loaders' caches (rows) are the event's, not the idle connection's to keep.
        self.context.fresh_loaders()
        await self.send(next_frame(operation.id, self.payloads.of(result)))

    async def send_failure(self, operation: _Operation, error: Exception) -> None:
        """A live subscription failed (closed stream, refused opening): `next` with it, then end."""
        if self.operations.get(operation.id) is operation:
            await self._send_next_error(operation, error)
            await self._finish(operation, complete=True)

    async def _send_next_error(self, operation: _Operation, exc: Exception) -> None:
        error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
        result = GraphQLExecutionResult(None, [error])
        await self.send(next_frame(operation.id, self.payloads.of(result)))

    async def _finish(
        self,
        operation: _Operation,
        *,
        complete: bool = False,
        errors: list[GraphQLError] | None = None,
    ) -> None:
        """End the operation with `complete` or with an `error` message, once."""
        if self.operations.get(operation.id) is not operation:
            return  # completed by the client, or the connection is gone
        del self.operations[operation.id]
        if errors is not None:
            await self.send(error_frame(operation.id, errors))
        elif complete:
            await self.send(complete_frame(operation.id))
