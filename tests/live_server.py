"""A real Parley server (uvicorn and the app) on a loopback port, for wire tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn
from opentelemetry.sdk.trace.export import SpanExporter

from parley.cli import uvicorn_websocket_options
from parley.models.store.clock import ManualClock
from parley.server import create_app
from parley.web.services import Services
from parley.web.settings import Settings


@dataclass
class LiveServer:
    """A real Parley server on a loopback port."""

    base: str
    clock: ManualClock
    services: Services

    @property
    def http(self) -> str:
        return f"{self.base}/graphql"

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"


@asynccontextmanager
async def running_server(
    settings: Settings, clock: ManualClock, span_exporter: SpanExporter | None = None
) -> AsyncIterator[LiveServer]:
    """uvicorn serving the real app on a loopback socket; ready when this yields."""
    app = create_app(settings, clock=clock, span_exporter=span_exporter)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", **uvicorn_websocket_options(settings)
    )
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[sock])  # returns once the lifespan ran and it listens
    assert server.started, "the server did not start"
    main_loop = asyncio.create_task(server.main_loop())
    port = sock.getsockname()[1]
    yield LiveServer(base=f"http://127.0.0.1:{port}", clock=clock, services=app.state.services)
    server.should_exit = True
    await asyncio.wait_for(main_loop, 10)
    await server.shutdown(sockets=[sock])
    sock.close()
