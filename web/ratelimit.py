"""Rate limits on what one account or one address may do per window, with the `limits` library.

Moving windows (no burst at a window boundary), kept in memory by default or in
Redis when `PARLEY_RATE_LIMIT_STORAGE_URL` is a redis:// URL, so that every
process behind a load balancer counts together. Each check answers None
(go ahead) or how many seconds to wait.

In memory the window is our own `LocalMovingWindow`, not limits' memory storage:
that storage sweeps expired hits after every hit with one `asyncio.to_thread`
per key, which showed in every send's CPU (docs/benchmarks.md). It
runs on the service's clock, so tests move time instead of waiting; limits'
Redis storage keeps Redis's own (wall) time.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from limits.util import WindowStats

from parley.models.store.clock import Clock
from parley.telemetry.metrics import RATE_LIMIT_REFUSALS
from parley.web.settings import Settings

KEY_PREFIX = "parley-ratelimit"


class Throttled(Exception):
    """Refused by a rate limit; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int, what: str) -> None:
        super().__init__(f"Too many {what}: retry in {retry_after} s.")
        self.retry_after = retry_after


class Limiter(Protocol):
    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool: ...

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool: ...

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats: ...


class LocalMovingWindow:
    """limits' moving window, for one process: the times of the hits in the window, per key."""

    SWEEP_EVERY = 1000  # hits between sweeps of keys whose windows have emptied

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._hits: dict[str, tuple[deque[float], int]] = {}
        self._until_sweep = self.SWEEP_EVERY

    def _window(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> deque[float]:
        key = item.key_for(*identifiers)
        entry = self._hits.get(key)
        if entry is None:
            entry = self._hits[key] = (deque(), item.get_expiry())
        hits = entry[0]
        _expire(hits, entry[1], self._clock())
        return hits

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self._sweep()
        hits = self._window(item, identifiers)
        if len(hits) >= item.amount:
            return False
        hits.append(self._clock())
        return True

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        return len(self._window(item, identifiers)) < item.amount

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        hits = self._window(item, identifiers)
        reset = (hits[0] if hits else self._clock()) + item.get_expiry()
        return WindowStats(reset, max(0, item.amount - len(hits)))

    def __len__(self) -> int:
        """How many keys it holds."""
        return len(self._hits)

    def _sweep(self) -> None:
        self._until_sweep = self.SWEEP_EVERY
        now = self._clock()
        for key, (hits, expiry) in list(self._hits.items()):
            _expire(hits, expiry, now)
            if not hits:
                del self._hits[key]


def _expire(hits: deque[float], expiry: int, now: float) -> None:
    while hits and hits[0] <= now - expiry:
        hits.popleft()


class RateLimits:
    def __init__(
        self, settings: Settings, *, key_prefix: str = KEY_PREFIX, clock: Clock | None = None
    ) -> None:
        url = settings.rate_limit_storage_url
        self._pool: aioredis.ConnectionPool | None = None
        self._now: Callable[[], float] = time.time
        if clock is not None and url == "memory://":
            self._now = lambda: clock.now().timestamp()
        self._limiter: Limiter = LocalMovingWindow(self._now)
        if url.startswith(("redis://", "rediss://")):
            self._pool = aioredis.ConnectionPool.from_url(url)
            options: dict[str, Any] = {
                "implementation": "redispy",
                "key_prefix": key_prefix,
                "connection_pool": self._pool,
            }
            self._limiter = MovingWindowRateLimiter(storage_from_string(f"async+{url}", **options))
        elif url != "memory://":
            self._limiter = MovingWindowRateLimiter(storage_from_string(f"async+{url}"))
        self.sends = parse(settings.rate_limit_sends)
        self.ws_connections = parse(settings.rate_limit_ws_connections)
        self.subscriptions = parse(settings.rate_limit_subscriptions)
        self.unauthenticated = parse(settings.rate_limit_unauthenticated)

    async def aclose(self) -> None:
        """Close the Redis connections, if any (memory storage holds none)."""
        if self._pool is not None:
            await self._pool.aclose()

    async def retry_after(self, item: RateLimitItem, *key: str) -> int | None:
        """Count one hit; None when it is within the limit, else seconds until it would be.

        The key's first part names the limit in the refusals metric ("sends", "anonymous").
        """
        if await self._limiter.hit(item, *key):
            return None
        RATE_LIMIT_REFUSALS.labels(key[0] if key else "other").inc()
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - self._now()))

    async def check(self, item: RateLimitItem, what: str, *key: str) -> None:
        """Count one hit, or raise Throttled."""
        wait = await self.retry_after(item, what, *key)
        if wait is not None:
            raise Throttled(wait, what)
