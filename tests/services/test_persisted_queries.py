"""Automatic persisted queries shared through Redis: registered on one process, run on another."""

from __future__ import annotations

import hashlib

import httpx
from redis import asyncio as redis

from tests import services_env
from tests.services.processes import ParleyProcess

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
