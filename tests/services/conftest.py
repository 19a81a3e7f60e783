"""Fixtures of the service suite: real PostgreSQL, real Redis, real server processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import services_env
from tests.services.processes import ParleyProcess, RedisServer, make_processes

pytestmark = pytest.mark.services


@pytest.fixture
def channel() -> str:
    """A pub/sub channel of this test only: the shared Redis serves parallel runs too."""
    return services_env.unique_name("parley.test")


@pytest.fixture
def shared_redis() -> str:
    services_env.require_redis()
    return services_env.REDIS_URL


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A redis-server of this test's own, free to be killed and restarted."""
    server = RedisServer(tmp_path)
    await server.start()
    yield server
    server.kill()


@pytest.fixture
async def cluster(
    postgres_url: str, shared_redis: str, channel: str, tmp_path: Path
) -> AsyncIterator[list[ParleyProcess]]:
    """Two Parley processes on one PostgreSQL database and the shared Redis."""
    processes = make_processes(2, postgres_url, shared_redis, channel, tmp_path)
    try:
        await asyncio.gather(*(process.start() for process in processes))
        yield processes
    finally:
        for process in processes:
            process.close()
