"""The aiosqlite internals Parley borrows, and what it does without them.

SQLite group commit (parley.models.store.scripts) runs a whole batch of transaction
scripts as one function on the thread aiosqlite keeps for each connection, so a batch
costs one hand-off from the event loop instead of one per statement. aiosqlite has no
public way to do that: `Connection._execute(fn, *args)` runs `fn` on that thread and
`Connection._conn` is the `sqlite3.Connection` it owns.

The fallback: when the installed aiosqlite is not the supported version, or lacks either
name, `WORKER_THREAD` is False (logged once, at import) and the scripts run one by one,
statement by statement, through tortoise's public connection in a transaction each, as
they do on PostgreSQL. Results are the same; SQLite sends are slower.

tests/test_library_internals.py names both internals.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any, TypeVar

from aiosqlite import Connection

T = TypeVar("T")

SUPPORTED = "0.22.1"
INSTALLED = version("aiosqlite")

log = logging.getLogger("parley.compat.aiosqlite")


def _has_worker_thread() -> bool:
    if INSTALLED != SUPPORTED:
        log.warning(
            "parley.compat.aiosqlite supports aiosqlite %s, but %s is installed: SQLite "
            "transaction scripts run one by one (no group commit). Install the locked "
            "version (make .venv/.installed-stamp), or run `make upgrade`, check the names "
            "in tests/test_library_internals.py and update SUPPORTED here.",
            SUPPORTED,
            INSTALLED,
        )
        return False
    if not callable(getattr(Connection, "_execute", None)) or not isinstance(
        getattr(Connection, "_conn", None), property
    ):
        log.warning(
            "aiosqlite %s has no Connection._execute/_conn: SQLite transaction scripts "
            "run one by one (no group commit); see parley.compat.aiosqlite.",
            INSTALLED,
        )
        return False
    return True


WORKER_THREAD = _has_worker_thread()


async def run_on_worker_thread(connection: Connection, function: Callable[..., T], *args: Any) -> T:
    """`function(sqlite_connection, *args)` on the connection's own thread (WORKER_THREAD only)."""
    sqlite_connection: sqlite3.Connection = connection._conn
    execute: Callable[..., Awaitable[T]] = connection._execute  # untyped in aiosqlite
    return await execute(function, sqlite_connection, *args)
