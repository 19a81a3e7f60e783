"""Opening the database: apply migrations, then hand out an initialised context.

Migrations run in a context of their own (tortoise's `migrate` re-initialises
whatever context is current), so the serving context starts on a migrated
schema. SQLite is put in WAL mode so readers are not blocked by the writer.
`current_connection` is the one way storage code reaches the connection.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError
from tortoise.migrations.api import migrate

log = logging.getLogger("parley.db")

# The connection name every model uses (web.settings.tortoise_config).
CONNECTION = "default"

# Failures of the database itself (not of a rule), as operators count them.
DATABASE_FAILURES = (OperationalError, DBConnectionError, TransactionManagementError)


def current_connection() -> BaseDBAsyncClient:
    """The connection a query runs on here and now: inside a transaction, the transaction's."""
    return get_connection(CONNECTION)


def ensure_sqlite_directory(database_url: str) -> None:
    """Create the folder of a file-backed SQLite URL (sqlite://data/parley.sqlite3)."""
    if not database_url.startswith("sqlite://"):
        return
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def apply_migrations(config: dict[str, Any]) -> None:
    """Bring the database named in `config` up to the newest migration."""
    ensure_sqlite_directory(config["connections"]["default"])
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, _create_db=False)
        await migrate(config=config)


SqliteSynchronous = Literal["FULL", "NORMAL"]


async def tune_connection(ctx: TortoiseContext, synchronous: SqliteSynchronous = "FULL") -> None:
    """Per-connection settings for SQLite: WAL, a busy timeout, and `synchronous`.

    FULL (the default) syncs the WAL at every commit: an acknowledged send survives a power
    failure or an OS crash. NORMAL syncs only at checkpoints: it survives a process crash,
    but the last commits can be lost with the machine (PARLEY_SQLITE_SYNCHRONOUS).
    """
    db = ctx.db()
    if db.capabilities.dialect == "sqlite":
        await db.execute_script(
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=5000;"
        )
