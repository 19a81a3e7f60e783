"""The Starlette application: settings, lifespan, routes.

/graphql        GraphQL over HTTP (POST, and GET for queries) and WebSocket
                (graphql-transport-ws only); GraphiQL in a browser when debug is on
/health/live    liveness; /health/ready (and /health) readiness (server_health)
/metrics        Prometheus metrics, behind a bearer token (server_metrics)

Every HTTP request gets a request id, a log line, metrics and a span
(server_requests); SIGTERM drains the process first (server_shutdown).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import Tracer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from tortoise.context import TortoiseContext
from tortoise.contrib.starlette import RegisterTortoise

from parley.models.retention import purge_expired
from parley.models.store.clock import Clock, SystemClock
from parley.models.store.db import DATABASE_FAILURES, apply_migrations, tune_connection
from parley.models.store.job_lock import Exclusive
from parley.schema.context import Context
from parley.schema.execution.limits import QueryLimits
from parley.schema.fields.root import build_schema
from parley.subscriptions.bus import EventBus
from parley.subscriptions.call_expiry import CallExpirySweep
from parley.subscriptions.connections import SERVER_RESTART, Connection, current_connection
from parley.subscriptions.email import EmailChannel, SmtpConfig
from parley.subscriptions.hub import Hub
from parley.subscriptions.notifier import Notifier, NotifierConfig
from parley.subscriptions.outbound import OutboundHTTP
from parley.subscriptions.presence import InProcessPresence, Presence
from parley.subscriptions.presence_redis import RedisPresence
from parley.subscriptions.push import PushChannel, shared_vapid
from parley.telemetry.logs import configure_logging
from parley.telemetry.metrics import (
    DATABASE_ERRORS,
    WEBSOCKETS_OPEN,
    OperationNames,
    process_exited,
)
from parley.telemetry.tracing import build_tracing
from parley.web.auth import Caller, TokenError, TokenVerifier, load_keys
from parley.web.health import Health
from parley.web.http import GraphQLOverHTTP, HTTPError, is_request_error
from parley.web.metrics import MetricsEndpoint
from parley.web.ratelimit import Throttled
from parley.web.requests import RECORD, ObservedRequests, RequestRecord
from parley.web.services import Services
from parley.web.settings import Settings, tortoise_config
from parley.web.shutdown import SHUTTING_DOWN, Shutdown
from parley.web.ws.close import TRANSPORT, close_websocket, transport_of
from parley.web.ws.frames import Payloads
from parley.web.ws.handler import GraphQLTransportWS
from parley.web.ws.legacy import frame_limited_adapter

log = logging.getLogger("parley.server")

# Set on a WebSocket's scope once its connection counts toward presence.
PRESENCE_ACCOUNT = "parley.presence_account"

# Young-generation threshold once serving (CPython's default is 700): each request and
# each subscription event allocates thousands of short-lived objects.
GC_THRESHOLDS = (10_000, 20, 100)


class ParleyGraphQL(GraphQLOverHTTP):
    """Strawberry's ASGI view with Parley's context and token checks."""

    def __init__(self, services: Services, shutdown: Shutdown, **kwargs: Any) -> None:
        settings = services.settings
        self.shutdown = shutdown
        self.operation_names = OperationNames()
        schema = build_schema(debug=settings.debug, limits=QueryLimits.from_settings(settings))
        super().__init__(schema, **kwargs)
        self.services = services
        self.max_body_bytes = settings.http_max_body_bytes
        self.max_message_bytes = settings.ws_max_message_bytes
        self.websocket_adapter_class = frame_limited_adapter(settings.ws_max_message_bytes)
        self.payloads = Payloads(self.schema, mask=not settings.debug)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry has no disconnect hook: a WebSocket ends (closed or dropped) here."""
        try:
            if scope["type"] == "websocket":
                scope[TRANSPORT] = transport_of(send)  # to abort it (server_ws_close)
                await self._websocket(WebSocket(scope, receive=receive, send=send))
            else:
                await super().__call__(scope, receive, send)
        finally:
            account_id = scope.get(PRESENCE_ACCOUNT)
            if account_id is not None:
                services = self.services
                await services.presence.disconnected(account_id, services.clock.now())

    async def _websocket(self, websocket: WebSocket) -> None:
        """graphql-transport-ws goes to Parley's handler (server_ws) without strawberry's view
        in between for the socket's life; the legacy subprotocol and refusals go through it."""
        if (
            not self._check_websocket_origin(websocket)
            or await self.pick_websocket_subprotocol(websocket) != GRAPHQL_TRANSPORT_WS_PROTOCOL
        ):
            await self.run(websocket)  # refused (403), legacy graphql-ws, or 4406
            return
        await self.create_websocket_response(websocket, GRAPHQL_TRANSPORT_WS_PROTOCOL)
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

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The operation, noted on the request's record for its log line and metrics."""
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
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
        return result

    async def _limit_anonymous(self, request: Request) -> None:
        """Requests without a good token are counted per client address."""
        limits = self.services.rate_limits
        address = _address(request)
        wait = await limits.retry_after(limits.unauthenticated, "anonymous", address)
        if wait is not None:
            message = f"Too many requests without a token: retry in {wait} s."
            raise HTTPError(429, message, {"Retry-After": str(wait)})

    async def create_websocket_response(
        self, request: WebSocket, subprotocol: str | None
    ) -> WebSocket:
        websocket = await super().create_websocket_response(request, subprotocol)

        async def close(code: int, reason: str) -> None:
            await close_websocket(websocket, code, reason)

        # Operation tasks start after this and inherit the binding (see subscriptions.connections).
        current_connection.set(Connection(close))
        return websocket

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


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
) -> Starlette:
    """The app; `span_exporter` turns tracing on with that exporter (tests), else OTEL_*."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    configure_logging(settings.log_format_on, settings.log_level)
    tracing = build_tracing(settings, span_exporter)
    tracer = tracing.tracer if tracing is not None else None
    services = Services(
        settings=settings,
        clock=clock,
        bus=EventBus(
            settings.broadcast_url, settings.events_channel, Hub(settings.subscriber_queue_size)
        ),
        verifier=TokenVerifier(load_keys(settings), settings),
        presence=build_presence(settings, clock),
        tracer=tracer,
    )
    services.bus.tracer = tracer
    services.bus.hub.tracer = tracer
    services.bus.hub.now = clock.now
    services.notifier = build_notifier(settings, services)
    shutdown = Shutdown(settings.shutdown_grace_seconds)
    health = Health(services.bus, shutdown)
    graphql = ParleyGraphQL(
        services,
        shutdown,
        graphql_ide="graphiql" if settings.graphiql_on else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        + ((GRAPHQL_WS_PROTOCOL,) if settings.ws_legacy_protocol else ()),
        multipart_uploads_enabled=False,
        connection_init_wait_timeout=timedelta(seconds=settings.ws_connection_init_timeout_seconds),
        max_subscriptions_per_connection=settings.ws_max_subscriptions_per_connection,
        allowed_origins=settings.ws_allowed_origins,
    )
    db_config = tortoise_config(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await apply_migrations(db_config)
        async with RegisterTortoise(app, config=db_config):
            context: TortoiseContext = app.state._tortoise_context
            await tune_connection(context, settings.sqlite_synchronous)
            health.connection = context.db
            await services.bus.start()
            if isinstance(services.presence, RedisPresence):
                await services.presence.start()
            exclusive = Exclusive()  # background rounds: one process at a time
            purge = _retention_job(services, exclusive)
            await purge()  # start-up pass: expired messages never outlive a restart
            workers = [_periodically("retention purge", settings.retention_purge_every, purge)]
            expiry = CallExpirySweep(
                services.clock, services.bus, settings.call_expiry_interval_seconds, exclusive
            )
            expiry.start()
            assert services.notifier is not None
            vapid = await shared_vapid(services.clock, settings.data_dir)
            outbound = OutboundHTTP(services.outbound)
            services.notifier.push = PushChannel(vapid, settings.vapid_subject, outbound)
            await services.notifier.start()
            if settings.gc_tuning:
                _tune_gc()
            log.info("Parley is serving (database %s)", _redacted(settings.database_url))
            shutdown.install()
            try:
                yield
            finally:
                shutdown.uninstall()
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                await expiry.stop()
                await services.notifier.stop()
                await services.bus.stop()
                if isinstance(services.presence, RedisPresence):
                    await services.presence.stop()
                await services.rate_limits.aclose()
                if tracing is not None:
                    tracing.shutdown()
                process_exited()

    app = ParleyApp(
        graphql,
        shutdown,
        tracer,
        routes=[
            Route("/health", health.ready),
            Route("/health/live", health.live),
            Route("/health/ready", health.ready),
            Route("/metrics", MetricsEndpoint(settings).serve),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.shutdown = shutdown
    return app


class ParleyApp(Starlette):
    """Starlette, with WebSockets to /graphql handed straight to the GraphQL view.

    Starlette's error and exception middleware and its router do nothing for a
    WebSocket that the view does not do itself, but each keeps a suspended frame
    for the life of every connection (~2.5 KB of 10,000s of idle sockets).
    """

    def __init__(
        self,
        graphql: ParleyGraphQL,
        shutdown: Shutdown,
        tracer: Tracer | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._graphql = graphql
        self._observed: ASGIApp = ObservedRequests(self._route, shutdown, tracer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._observed(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            scope["app"] = self
            await self._graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _retention_job(services: Services, exclusive: Exclusive) -> Callable[[], Awaitable[object]]:
    async def purge() -> int:
        retention = services.settings.retention
        return await purge_expired(services.clock, retention, exclusive=exclusive)

    return purge


def _periodically(
    name: str, interval: float, job: Callable[[], Awaitable[object]]
) -> asyncio.Task[None]:
    """Run `job` every `interval` seconds until cancelled; a failure is logged, not fatal."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await job()
            except Exception:
                log.exception("%s failed; trying again in %.0f s", name, interval)

    return asyncio.create_task(loop(), name=f"parley-{name}")


def build_presence(settings: Settings, clock: Clock) -> Presence:
    """Presence in this process (embedded default), or shared through Redis (scale-out)."""
    activity_ttl = timedelta(seconds=settings.activity_ttl_seconds)
    if settings.broadcast_url.startswith(("redis://", "rediss://")):
        return RedisPresence(
            settings.broadcast_url,
            settings.events_channel,
            clock.now,
            activity_ttl=activity_ttl,
            heartbeat=settings.presence_heartbeat_seconds,
            ttl=settings.presence_ttl_seconds,
        )
    return InProcessPresence(activity_ttl)


def build_notifier(settings: Settings, services: Services) -> Notifier:
    """The notification worker with its channels: SMTP (or .eml files) and Web Push."""
    smtp = None
    if settings.smtp_host:
        smtp = SmtpConfig(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password,
        )
    config = NotifierConfig(
        app_url=settings.app_url,
        email_delay=timedelta(seconds=settings.email_delay_seconds),
        poll_interval=settings.notify_poll_seconds,
        max_attempts=settings.notify_max_attempts,
        backoff=timedelta(seconds=settings.notify_backoff_seconds),
    )
    return Notifier(
        services.clock,
        services.presence,
        services.bus.publish,
        config,
        email=EmailChannel(settings.email_sender, smtp, settings.data_dir / "outbox"),
        push=None,  # the shared VAPID keys are read from the database by the lifespan
    )


def _tune_gc() -> None:
    """Move what start-up built into the permanent generation and collect less often.

    Full collections otherwise walk every ORM class, schema type and connection on each
    pass; the profile of fan-out showed a third of the server's time in them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


__all__ = ["Caller", "create_app"]
