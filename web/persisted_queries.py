"""Automatic persisted queries: the sha256 -> document text cache, bounded, shared through Redis.

Each process keeps the documents it saw in a least-recently-used cache bounded by
entries and by bytes (PARLEY_PERSISTED_QUERIES_MAX_ENTRIES, _MAX_BYTES). With
Redis (BROADCAST_URL redis://) a registered document is also written there
under `<namespace>:apq:<hash>` with a TTL, so the next request may land on any
process; a document found in Redis is copied into the local cache.

Redis being away never fails a request: a request that carries its query runs
(and is remembered locally), a hash-only one is looked up locally. The outage is
logged once, when it starts, and Redis is left alone for a few seconds after
each failure so that requests do not each wait for it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

from redis import asyncio as redis
from redis.exceptions import RedisError

from parley.telemetry.metrics import PERSISTED_QUERIES, REDIS_ERRORS

log = logging.getLogger("parley.persisted_queries")

# After a Redis failure, how long requests use the local cache alone.
REDIS_BACKOFF_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


class PersistedQueries:
    """sha256 hex -> document text: local LRU first, then Redis when configured."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_bytes: int,
        redis_url: str | None = None,
        namespace: str = "parley",
        ttl_seconds: int = 86_400,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl_seconds = ttl_seconds
        self._local: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._prefix = f"{namespace}:apq:"
        self._redis: redis.Redis | None = None
        if redis_url is not None:
            self._redis = redis.Redis.from_url(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        self._redis_down_until = 0.0
        self._redis_down = False

    async def get(self, sha256: str) -> str | None:
        """The document registered under `sha256`, or None (a miss)."""
        text = self._local.get(sha256)
        if text is not None:
            self._local.move_to_end(sha256)
        elif (client := self._usable_redis()) is not None:
            try:
                found = await client.get(self._prefix + sha256)
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                self._recovered()
                if found is not None:
                    text = found.decode() if isinstance(found, bytes) else str(found)
                    self._remember(sha256, text)
        PERSISTED_QUERIES.labels("hit" if text is not None else "miss").inc()
        return text

    async def put(self, sha256: str, text: str) -> None:
        """Register `text` under its hash (the caller checked that it is its sha256)."""
        self._remember(sha256, text)
        PERSISTED_QUERIES.labels("registered").inc()
        client = self._usable_redis()
        if client is None:
            return
        try:
            await client.set(self._prefix + sha256, text, ex=self.ttl_seconds)
        except (RedisError, OSError) as exc:
            self._failed(exc)
        else:
            self._recovered()

    def __contains__(self, sha256: object) -> bool:
        """Whether this process holds `sha256` locally (Redis is not asked)."""
        return sha256 in self._local

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    def _remember(self, sha256: str, text: str) -> None:
        size = len(text.encode())
        if size > self.max_bytes:
            return
        old = self._local.pop(sha256, None)
        if old is not None:
            self._bytes -= len(old.encode())
        self._local[sha256] = text
        self._bytes += size
        while len(self._local) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._local.popitem(last=False)
            self._bytes -= len(evicted.encode())

    def _usable_redis(self) -> redis.Redis | None:
        if self._redis is None or time.monotonic() < self._redis_down_until:
            return None
        return self._redis

    def _failed(self, exc: Exception) -> None:
        REDIS_ERRORS.labels("persisted_queries").inc()
        self._redis_down_until = time.monotonic() + REDIS_BACKOFF_SECONDS
        if not self._redis_down:
            self._redis_down = True
            log.warning(
                "Redis is unreachable for persisted queries (%s): using this process's cache "
                "until it answers again",
                exc,
            )

    def _recovered(self) -> None:
        if self._redis_down:
            self._redis_down = False
            log.info("Redis answers again: persisted queries are shared again")
