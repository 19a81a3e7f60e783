"""The real PostgreSQL and Redis the service tests run against, and their gate.

URLs come from the environment with the development machines' loopback
defaults. An unreachable service skips its tests with a clear message, unless
PARLEY_REQUIRE_SERVICES=1 (CI, `.ci/run`), which turns that into a failure so
CI can never pass by skipping.

PostgreSQL databases are made fast and isolated: one template per pytest
process is migrated once, and every test gets `CREATE DATABASE ... TEMPLATE`
under a unique name (pid + random), dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from functools import cache

import asyncpg
import pytest
from redis import Redis
from redis.exceptions import RedisError

from parley.models.store.db import apply_migrations
from parley.web.settings import tortoise_config

POSTGRES_URL = os.environ.get("PARLEY_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REQUIRED = os.environ.get("PARLEY_REQUIRE_SERVICES") == "1"
# Test pools stay small: the shared server has 100 connections for everyone.
POOL = "?minsize=1&maxsize=4"


def unavailable(service: str, url: str, problem: str) -> None:
    """Skip (or, with PARLEY_REQUIRE_SERVICES=1, fail) a test whose service is down."""
    if REQUIRED:
        pytest.fail(
            f"{service} at {url} is required (PARLEY_REQUIRE_SERVICES=1) but unreachable: "
            f"{problem}",
            pytrace=False,
        )
    pytest.skip(
        f"{service} at {url} is unreachable ({problem}); start it or set "
        "PARLEY_REQUIRE_SERVICES=1 to make this a failure"
    )


@cache
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""

    async def probe() -> None:
        connection = await asyncpg.connect(f"{POSTGRES_URL}/postgres", timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@cache
def redis_problem() -> str | None:
    """Why Redis cannot be used, or None when it answers."""
    try:
        with Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3) as client:
            client.ping()
    except (OSError, RedisError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is not None:
        unavailable("PostgreSQL", POSTGRES_URL, problem)


def require_redis() -> None:
    problem = redis_problem()
    if problem is not None:
        unavailable("Redis", REDIS_URL, problem)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def database_url(name: str) -> str:
    return f"{POSTGRES_URL}/{name}{POOL}"


async def _admin(*statements: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/postgres", timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def create_template() -> str:
    """A new database with every migration applied; returns its name."""
    name = unique_name("parley_tmpl")
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(apply_migrations(tortoise_config(database_url(name))))
    except BaseException:
        drop_database(name)
        raise
    return name


def create_from_template(template: str) -> str:
    name = unique_name("parley_test")
    asyncio.run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return name


def drop_database(name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
