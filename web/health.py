"""Health for load balancers and orchestrators.

/health/live   the process answers (its event loop turns); restart it when this fails
/health/ready  send it traffic: the database answers, every migration is applied, the
               event bus is connected and the process is not shutting down (503 otherwise)
/health        the same as /health/ready (older probes)
"""

from __future__ import annotations

import logging
import pkgutil
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.recorder import MigrationRecorder

from parley.models import migrations
from parley.subscriptions.bus import EventBus
from parley.telemetry.metrics import DATABASE_ERRORS
from parley.web.shutdown import Shutdown

log = logging.getLogger("parley.server")


def migration_names() -> frozenset[str]:
    """The migrations this code ships (models/migrations)."""
    return frozenset(module.name for module in pkgutil.iter_modules(migrations.__path__))


class Health:
    def __init__(self, bus: EventBus, shutdown: Shutdown) -> None:
        self.bus = bus
        self.shutdown = shutdown
        self.connection: Callable[[], BaseDBAsyncClient] | None = None  # set by the lifespan
        self._migrated = False

    async def live(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(self, request: Request) -> JSONResponse:
        if self.shutdown.draining:
            return JSONResponse({"status": "shutting down"}, status_code=503)
        checks = {"database": "down", "migrations": "unknown", "events": "up"}
        if self.connection is not None:
            try:
                db = self.connection()
                await db.execute_query("SELECT 1")
                checks["database"] = "up"
                checks["migrations"] = "applied" if await self._applied(db) else "pending"
            except Exception:
                DATABASE_ERRORS.labels("health").inc()
                log.exception("health check: database unreachable")
        if not self.bus.available:
            checks["events"] = "down"
        ok = checks == {"database": "up", "migrations": "applied", "events": "up"}
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503
        )

    async def _applied(self, db: BaseDBAsyncClient) -> bool:
        """Every shipped migration is recorded as applied (remembered once true)."""
        if not self._migrated:
            applied = await MigrationRecorder(db).applied_migrations()
            names = {key.name for key in applied if key.app_label == "models"}
            self._migrated = migration_names() <= names
        return self._migrated
