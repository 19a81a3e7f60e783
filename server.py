"""The Starlette application: settings, lifespan, routes.

/graphql   GraphQL over HTTP (POST, and GET for queries) and WebSocket
           (graphql-transport-ws only); GraphiQL in a browser when debug is on
/health    liveness and readiness: database reachable, event bus listening
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from tortoise.context import TortoiseContext
from tortoise.contrib.starlette import RegisterTortoise

from auth import Caller, TokenError, TokenVerifier, load_keys
from models.clock import Clock, SystemClock
from models.db import apply_migrations, tune_connection
from schema.context import Context, Services
from schema.root import build_schema
from settings import Settings, tortoise_config
from subscriptions.bus import EventBus
from subscriptions.hub import Hub

log = logging.getLogger("parley.server")

# Young-generation threshold once serving (CPython's default is 700): each request and
# each subscription event allocates thousands of short-lived objects.
GC_THRESHOLDS = (10_000, 20, 100)


class ParleyGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with Parley's context and token checks."""

    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(build_schema(debug=services.settings.debug), **kwargs)
        self.services = services

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
                context.caller = self.services.verifier.verify_header(
                    request.headers.get("authorization")
                )
            except TokenError as exc:
                context.auth_error = str(exc)
        return context

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        header = params.get("authorization", params.get("Authorization"))
        if not isinstance(header, str):
            raise ConnectionRejectionError()
        try:
            caller = self.services.verifier.verify_header(header)
        except TokenError as exc:
            raise ConnectionRejectionError() from exc
        if caller is None or caller.account_id is None:
            raise ConnectionRejectionError()
        context.caller = caller


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings()
    services = Services(
        settings=settings,
        clock=clock or SystemClock(),
        bus=EventBus(
            settings.broadcast_url, settings.events_channel, Hub(settings.subscriber_queue_size)
        ),
        verifier=TokenVerifier(load_keys(settings), settings),
    )
    graphql = ParleyGraphQL(
        services,
        graphql_ide="graphiql" if settings.debug else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        multipart_uploads_enabled=False,
    )
    db_config = tortoise_config(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await apply_migrations(db_config)
        async with RegisterTortoise(app, config=db_config):
            context: TortoiseContext = app.state._tortoise_context
            await tune_connection(context)
            await services.bus.start()
            if settings.gc_tuning:
                _tune_gc()
            log.info("Parley is serving (database %s)", _redacted(settings.database_url))
            try:
                yield
            finally:
                await services.bus.stop()

    async def health(request: Request) -> JSONResponse:
        context: TortoiseContext = request.app.state._tortoise_context
        try:
            await context.db().execute_query("SELECT 1")
        except Exception:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app


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
