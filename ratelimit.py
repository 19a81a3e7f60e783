"""Rate limits on what one account or one address may do per window, with the `limits` library.

Moving windows (no burst at a window boundary), kept in memory by default or in
Redis when `PARLEY_RATE_LIMIT_STORAGE_URL` is a redis:// URL, so that every
process behind a load balancer counts together. Each check answers None
(go ahead) or how many seconds to wait.
"""

from __future__ import annotations

import math
import time
from typing import Any

import redis.asyncio as aioredis
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from settings import Settings

KEY_PREFIX = "parley-ratelimit"


class Throttled(Exception):
    """Refused by a rate limit; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int, what: str) -> None:
        super().__init__(f"Too many {what}: retry in {retry_after} s.")
        self.retry_after = retry_after


class RateLimits:
    def __init__(self, settings: Settings, *, key_prefix: str = KEY_PREFIX) -> None:
        url = settings.rate_limit_storage_url
        options: dict[str, Any] = {}
        self._pool: aioredis.ConnectionPool | None = None
        if url.startswith(("redis://", "rediss://")):
            self._pool = aioredis.ConnectionPool.from_url(url)
            options = {
                "implementation": "redispy",
                "key_prefix": key_prefix,
                "connection_pool": self._pool,
            }
        self._limiter = MovingWindowRateLimiter(storage_from_string(f"async+{url}", **options))
        self.sends = parse(settings.rate_limit_sends)
        self.ws_connections = parse(settings.rate_limit_ws_connections)
        self.subscriptions = parse(settings.rate_limit_subscriptions)
        self.unauthenticated = parse(settings.rate_limit_unauthenticated)

    async def aclose(self) -> None:
        """Close the Redis connections, if any (memory storage holds none)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def retry_after(self, item: RateLimitItem, *key: str) -> int | None:
        """Count one hit; None when it is within the limit, else seconds until it would be."""
        if await self._limiter.hit(item, *key):
            return None
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def over(self, item: RateLimitItem, *key: str) -> int | None:
        """Without counting a hit: None when another hit would pass, else seconds to wait."""
        if await self._limiter.test(item, *key):
            return None
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def check(self, item: RateLimitItem, what: str, *key: str) -> None:
        """Count one hit, or raise Throttled."""
        wait = await self.retry_after(item, what, *key)
        if wait is not None:
            raise Throttled(wait, what)
