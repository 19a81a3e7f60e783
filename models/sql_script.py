"""A transaction written once, as a generator of SQL statements, run in one hand-off on SQLite.

A script yields statements, `(sql, params)` with `?` placeholders, and is sent
back each statement's rows as dicts; what it returns is the transaction's
result. `run_script` runs it in one transaction:

- on SQLite, outside any transaction: the whole script, BEGIN IMMEDIATE to
  COMMIT, in one call on aiosqlite's worker thread, holding the connection's
  lock as a tortoise transaction does. A send costs one hand-off from the event
  loop instead of one per statement: on SQLite the hand-offs (and tortoise's
  query building around each), not the statements, were most of a send's cost.
- elsewhere (PostgreSQL, or nested in a caller's transaction): statement by
  statement through tortoise's connection, in `in_transaction()` (a savepoint
  when nested), `?` turned into asyncpg's `$n`.

So a script must not await, touch the ORM's queries or read context variables
(on SQLite it runs on another thread); building model instances from its rows
is fine. An exception raised by the script, or by a statement, rolls the whole
transaction back and propagates to the caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from models.accounts import Account

T = TypeVar("T")
Row = dict[str, Any]
Statement = tuple[str, Sequence[Any]]
Script = Generator[Statement, list[Row], T]
Dialect = Literal["sqlite", "postgres"]


async def run_script(make: Callable[[Dialect], Script[T]], *, write: bool = True) -> T:
    """Run the script `make(dialect)` in one transaction; its return value is the result.

    `write=False` is for scripts that only read (SQLite then takes no write lock).
    """
    db: BaseDBAsyncClient = Account._meta.db
    dialect: Dialect = "sqlite" if db.capabilities.dialect == "sqlite" else "postgres"
    if isinstance(db, SqliteClient) and not isinstance(db, TransactionalDBClient):
        return await _run_on_sqlite_thread(db, make(dialect), write)
    async with in_transaction() as connection:
        return await _drive(connection, make(dialect), dialect)


async def _run_on_sqlite_thread(client: SqliteClient, script: Script[T], write: bool) -> T:
    # The connection's lock is the one tortoise's transactions and queries take, so nothing
    # else runs on the connection in between.
    async with client.acquire_connection() as connection:
        try:
            result: T = await connection._execute(_transaction, connection._conn, script, write)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        return result


def _transaction(connection: sqlite3.Connection, script: Script[T], write: bool) -> T:
    """On aiosqlite's thread: the whole transaction, rolled back on any exception."""
    connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        result = _drive_here(connection, script)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        script.close()
    return result


def _drive_here(connection: sqlite3.Connection, script: Script[T]) -> T:
    rows: list[Row] | None = None
    while True:
        try:
            statement = next(script) if rows is None else script.send(rows)
        except StopIteration as done:
            result: T = done.value
            return result
        rows = [dict(row) for row in connection.execute(statement[0], statement[1]).fetchall()]


async def _drive(connection: BaseDBAsyncClient, script: Script[T], dialect: Dialect) -> T:
    rows: list[Row] | None = None
    try:
        while True:
            try:
                statement = next(script) if rows is None else script.send(rows)
            except StopIteration as done:
                result: T = done.value
                return result
            sql = statement[0] if dialect == "sqlite" else _numbered(statement[0])
            rows = await connection.execute_query_dict(sql, list(statement[1]))
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
