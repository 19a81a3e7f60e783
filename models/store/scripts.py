"""A transaction written once, as a generator of SQL statements, run in one hand-off on SQLite.

A script yields statements, `(sql, params)` with `?` placeholders, and is sent
back each statement's rows as dicts; what it returns is the transaction's
result. `run_script` runs it in one transaction (`run_step` when the script
reads no dialect); inside a caller's transaction it is one step of it:

- on SQLite, outside any transaction: the whole script in one call on
  aiosqlite's worker thread (parley.compat.aiosqlite), holding the connection's
  lock as a tortoise transaction does. A send costs one hand-off from the event loop instead of
  one per statement: on SQLite the hand-offs (and tortoise's query building
  around each), not the statements, were most of a send's cost. Group commit:
  the scripts that arrive while the connection is busy run together in the
  next transaction, each in a savepoint (a failing one rolls back alone, the
  next sees the rows as the ones before it left them), and each caller gets
  its own result or error once that transaction has committed.
- elsewhere (PostgreSQL, nested in a caller's transaction, or an aiosqlite
  without the worker-thread hand-off, the compat module's fallback): statement by
  statement through tortoise's connection, in `in_transaction()` (a savepoint
  when nested), `?` turned into asyncpg's `$n`.

So a script must not await, touch the ORM's queries or read context variables
(on SQLite it runs on another thread); building model instances from its rows
is fine. An exception raised by the script, or by one of its statements, rolls
back everything the script did and propagates to its caller.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, TypeVar
from weakref import WeakKeyDictionary

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from parley.compat.aiosqlite import WORKER_THREAD, run_on_worker_thread
from parley.models.store.db import current_connection

T = TypeVar("T")
Row = dict[str, Any]
Statement = tuple[str, Sequence[Any]]
Script = Generator[Statement, list[Row], T]
Dialect = Literal["sqlite", "postgres"]
GROUP_MAX = 64  # scripts per SQLite transaction at most


async def run_script(make: Callable[[Dialect], Script[T]]) -> T:
    """Run the script `make(dialect)` in one transaction; its return value is the result."""
    db = current_connection()
    dialect: Dialect = "sqlite" if db.capabilities.dialect == "sqlite" else "postgres"
    if WORKER_THREAD and isinstance(db, SqliteClient) and not isinstance(db, TransactionalDBClient):
        return await _group_commit(db, make(dialect))
    script = make(dialect)
    try:
        first = next(script)
    except StopIteration as done:  # nothing to run here (a lock SQLite does not need)
        result: T = done.value
        return result
    except BaseException:
        script.close()
        raise
    async with in_transaction() as connection:
        return await _drive(connection, script, first, dialect)


async def run_step(script: Script[T]) -> T:
    """`run_script` for a script written once for both dialects."""
    return await run_script(lambda _: script)


@dataclass(slots=True)
class _Waiting:
    """Scripts waiting for one SQLite connection, and the task committing them."""

    scripts: list[tuple[Script[Any], asyncio.Future[Any]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


# Per connection (weakly held): the scripts waiting for it to be free.
_waiting: WeakKeyDictionary[SqliteClient, _Waiting] = WeakKeyDictionary()


async def _group_commit(client: SqliteClient, script: Script[T]) -> T:
    waiting = _waiting.get(client)
    if waiting is None:
        waiting = _waiting[client] = _Waiting()
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    waiting.scripts.append((script, future))
    task = waiting.task
    if task is None or task.done() or task.get_loop() is not loop:
        waiting.task = asyncio.create_task(_commit_waiting(client, waiting))
    return await future


async def _commit_waiting(client: SqliteClient, waiting: _Waiting) -> None:
    """Run the waiting scripts, GROUP_MAX at a time, each group in one transaction."""
    batch: list[tuple[Script[Any], asyncio.Future[Any]]] = []
    try:
        while waiting.scripts:
            batch = waiting.scripts[:GROUP_MAX]
            del waiting.scripts[:GROUP_MAX]
            for script, future in batch:
                if future.done():  # its caller gave up before it ran: it never will
                    script.close()
            batch = [(script, future) for script, future in batch if not future.done()]
            if not batch:
                continue
            try:
                # The connection's lock is the one tortoise's transactions and queries take.
                async with client.acquire_connection() as connection:
                    outcomes = await run_on_worker_thread(
                        connection, _transaction, [script for script, _ in batch]
                    )
            except Exception as exc:  # no connection, or BEGIN or COMMIT failed: none stored
                outcomes = [(None, _translated(exc)) for _ in batch]
            for (_, future), (result, error) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if error is None:
                    future.set_result(result)
                else:
                    future.set_exception(error)
            batch = []
    except asyncio.CancelledError:  # the loop is shutting down: so are the callers
        for _, future in batch:  # their scripts may still be running on the thread
            future.cancel()
        for script, future in waiting.scripts:
            script.close()
            future.cancel()
        waiting.scripts.clear()
        raise
    finally:
        if waiting.task is asyncio.current_task():
            waiting.task = None


def _translated(exc: BaseException) -> BaseException:
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityError(exc)
    if isinstance(exc, sqlite3.OperationalError):
        return OperationalError(exc)
    return exc


def _transaction(
    connection: sqlite3.Connection, scripts: list[Script[Any]]
) -> list[tuple[Any, BaseException | None]]:
    """On aiosqlite's thread: the scripts in one transaction, each in a savepoint.

    A script that fails is rolled back to its savepoint and its error returned for its
    caller; the others, run on the rows as the scripts before them left them, commit.
    Returns each script's (result, error); raises (all rolled back) if the transaction
    itself fails.
    """
    outcomes: list[tuple[Any, BaseException | None]] = []
    connection.execute("BEGIN IMMEDIATE")
    try:
        for script in scripts:
            connection.execute("SAVEPOINT script")
            try:
                outcomes.append((_drive_here(connection, script), None))
            except Exception as exc:
                connection.execute("ROLLBACK TO script")
                outcomes.append((None, _translated(exc)))
            finally:
                script.close()
            connection.execute("RELEASE script")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return outcomes


def _drive_here(connection: sqlite3.Connection, script: Script[T]) -> T:
    rows: list[Row] | None = None
    while True:
        try:
            statement = next(script) if rows is None else script.send(rows)
        except StopIteration as done:
            result: T = done.value
            return result
        rows = [dict(row) for row in connection.execute(statement[0], statement[1]).fetchall()]


async def _drive(
    connection: BaseDBAsyncClient, script: Script[T], first: Statement, dialect: Dialect
) -> T:
    statement = first
    try:
        while True:
            sql = statement[0] if dialect == "sqlite" else _numbered(statement[0])
            rows = await connection.execute_query_dict(sql, list(statement[1]))
            try:
                statement = script.send(rows)
            except StopIteration as done:
                result: T = done.value
                return result
    finally:
        script.close()


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """`?` placeholders as asyncpg's `$1, $2, ...` (scripts put no `?` in literals)."""
    parts = sql.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], start=1)) + parts[-1]


def placeholders(count: int) -> str:
    """`?, ?, ...` for an IN list or a VALUES row of `count` values."""
    return ", ".join("?" * count)
