"""The Starlette application factory: the services, the lifespan, routes and middleware.

/graphql        GraphQL over HTTP (POST, and GET for queries) and WebSocket
                (graphql-transport-ws only); GraphiQL in a browser when debug is on
                (the view: web.view)
/health/live    liveness; /health/ready (and /health) readiness (web.health)
/metrics        Prometheus metrics, behind a bearer token (web.metrics)
/inbox          the reference inbox page, when PARLEY_INBOX_PAGE is on (web.inbox)
/static         files shipped with Parley: GraphiQL's assets, the inbox page's modules,
                vendored browser libraries with their licences

Every HTTP request gets a request id, a log line, metrics and a span
(web.requests), and CORS for the allowed origins (web.cors); SIGTERM drains
the process first (web.shutdown).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.trace import Tracer
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from tortoise.context import TortoiseContext, require_context
from tortoise.contrib.starlette import RegisterTortoise

from parley.models.retention import purge_expired
from parley.models.store.clock import Clock, SystemClock
from parley.models.store.db import apply_migrations, tune_connection
from parley.models.store.job_lock import Exclusive
from parley.subscriptions.bus import EventBus
from parley.subscriptions.call_expiry import CallExpirySweep
from parley.subscriptions.email import EmailChannel, SmtpConfig
from parley.subscriptions.hub import Hub
from parley.subscriptions.notifier import Notifier, NotifierConfig
from parley.subscriptions.outbound import OutboundHTTP
from parley.subscriptions.presence import InProcessPresence, Presence
from parley.subscriptions.presence_redis import RedisPresence
from parley.subscriptions.push import PushChannel, shared_vapid
from parley.telemetry.logs import configure_logging
from parley.telemetry.metrics import process_exited
from parley.telemetry.tracing import build_tracing
from parley.web.auth import Caller, TokenVerifier, load_keys
from parley.web.cors import cross_origin
from parley.web.health import Health
from parley.web.inbox import InboxPage
from parley.web.metrics import MetricsEndpoint
from parley.web.requests import ObservedRequests
from parley.web.services import Services
from parley.web.settings import Settings, tortoise_config
from parley.web.shutdown import Shutdown
from parley.web.view import ParleyGraphQL

log = logging.getLogger("parley.server")

# Young-generation threshold once serving (CPython's default is 700): each request and
# each subscription event allocates thousands of short-lived objects.
GC_THRESHOLDS = (10_000, 20, 100)

# Files served as they are (GraphiQL's assets, the inbox page, vendored browser libraries),
# shipped in the wheel beside this module.
STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    span_exporter: SpanExporter | None = None,
) -> Starlette:
    """The app; `span_exporter` turns tracing on with that exporter (tests), else OTEL_*."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    configure_logging(settings.log_format_on, settings.log_level)
    tracing = build_tracing(
        service_name=settings.otel_service_name,
        exporter_kind=settings.otel_traces_exporter,
        otlp_endpoint=settings.otel_exporter_otlp_endpoint,
        exporter=span_exporter,
    )
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
    )
    db_config = tortoise_config(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await apply_migrations(db_config)
        async with RegisterTortoise(app, config=db_config):
            context: TortoiseContext = require_context()
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
                if services.persisted_queries is not None:
                    await services.persisted_queries.aclose()
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
            Route("/inbox", InboxPage(STATIC, enabled=settings.inbox_page_on).serve),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[cross_origin(settings)],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.shutdown = shutdown
    return app


class ParleyApp(Starlette):
    """Starlette, with WebSockets to /graphql handed straight to the GraphQL view.

    Starlette's error and exception middleware and its router do nothing for a
    WebSocket that the view does not do itself, but each keeps a suspended frame
    for the life of every connection, times 10,000s of idle sockets (docs/benchmarks.md).
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


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


__all__ = ["Caller", "create_app"]
