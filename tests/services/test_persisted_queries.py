"""Automatic persisted queries shared through Redis: registered on one process, run on another;
with Redis away, each process answers from its own cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from redis import asyncio as redis

from parley.models.store.clock import ManualClock
from parley.web.settings import Settings
from tests import services_env
from tests.live_server import running_server
from tests.services.processes import ParleyProcess, RedisServer

QUERY = "query SharedThroughRedis { __typename }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


async def test_a_query_registered_on_one_process_runs_by_its_hash_on_the_other(
    cluster: list[ParleyProcess], channel: str
) -> None:
    one, other = cluster
    async with httpx.AsyncClient() as http:
        miss = await http.post(other.http, json={"extensions": PERSISTED})
        assert miss.json() == NOT_FOUND

        registered = await http.post(one.http, json={"query": QUERY, "extensions": PERSISTED})
        assert registered.json() == {"data": {"__typename": "Query"}}

        hit = await http.post(other.http, json={"extensions": PERSISTED})
        assert hit.json() == {"data": {"__typename": "Query"}}

    client = redis.Redis.from_url(services_env.REDIS_URL)
    assert await client.delete(f"{channel}:apq:{HASH}") == 1  # stored under the deployment's name
    await client.aclose()


@pytest.fixture
def redis_down(tmp_path: Path) -> RedisServer:
    """A redis-server port that nothing listens on: Redis refuses connections throughout."""
    return RedisServer(tmp_path)


async def test_with_redis_refusing_connections_full_queries_run_and_the_outage_is_logged_once(
    settings: Settings,
    clock: ManualClock,
    redis_down: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = settings.model_copy(update={"broadcast_url": redis_down.url})
    async with running_server(down, clock) as server, httpx.AsyncClient() as http:
        for _ in range(3):
            ran = await http.post(server.http, json={"query": QUERY, "extensions": PERSISTED})
            assert ran.json() == {"data": {"__typename": "Query"}}
        hit = await http.post(server.http, json={"extensions": PERSISTED})
        assert hit.json() == {"data": {"__typename": "Query"}}  # from this process's cache

    outage = [r for r in caplog.records if r.name == "parley.persisted_queries"]
    assert [r.levelname for r in outage] == ["WARNING"]
    assert "Redis is unreachable" in outage[0].getMessage()
