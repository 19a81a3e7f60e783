"""The persisted-query store: bounded by entries and bytes, and Redis never in a request's way."""

from __future__ import annotations

import logging

import pytest

from parley.web.persisted_queries import PersistedQueries

HASHES = [f"{n:064x}" for n in range(4)]


async def test_the_byte_bound_evicts_the_least_recently_used_first() -> None:
    queries = PersistedQueries(max_entries=100, max_bytes=25)
    await queries.put(HASHES[0], "a" * 10)
    await queries.put(HASHES[1], "b" * 10)
    assert await queries.get(HASHES[0]) == "a" * 10

    await queries.put(HASHES[2], "c" * 10)

    assert await queries.get(HASHES[1]) is None
    assert await queries.get(HASHES[0]) == "a" * 10
    assert await queries.get(HASHES[2]) == "c" * 10


async def test_a_document_larger_than_the_whole_cache_is_not_kept() -> None:
    queries = PersistedQueries(max_entries=100, max_bytes=5)

    await queries.put(HASHES[0], "too long")

    assert await queries.get(HASHES[0]) is None


async def test_with_redis_down_the_local_cache_answers_and_the_outage_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queries = PersistedQueries(max_entries=10, max_bytes=1000, redis_url="redis://127.0.0.1:1")
    try:
        with caplog.at_level(logging.WARNING, "parley.persisted_queries"):
            await queries.put(HASHES[0], "query A { __typename }")
            assert await queries.get(HASHES[0]) == "query A { __typename }"
            assert await queries.get(HASHES[1]) is None
            await queries.put(HASHES[2], "query C { __typename }")
    finally:
        await queries.aclose()

    warnings = [r for r in caplog.records if r.name == "parley.persisted_queries"]
    assert len(warnings) == 1
    assert "Redis is unreachable" in warnings[0].getMessage()
