"""A broadcaster backend for Redis pub/sub that notices failure and comes back.

broadcaster 0.3.1's own Redis backend never reconnects (its listener dies
silently and subscribers hang), keeps an unbounded queue, and can leave a
racing first subscriber deaf. This one:

- runs one supervised session at a time: connect, subscribe to every channel
  asked for, then read with a PING every `check_interval` seconds; no answer
  within `dead_after` seconds (or any connection error) ends the session;
- reports `on_down(reason)` once per outage and `on_up()` once the
  subscription is live again, retrying with capped exponential backoff;
- keeps a bounded queue; overflowing it counts as an outage (subscribers are
  closed and resume from the event log) rather than silently dropping;
- remembers publishes that failed (bounded) and sends them again on recovery,
  so subscribers on healthy processes still hear them; the caller is told of
  the failure, which it treats as harmless (the event log has the events).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from broadcaster import BroadcastBackend, Event
from redis import asyncio as redis
from redis.exceptions import RedisError

log = logging.getLogger("parley.redis")

RETRY_MIN = 0.2
RETRY_MAX = 5.0


class BrokerUnavailable(Exception):
    """Redis did not take a publish; it is kept and sent again on recovery."""


class ResilientRedisBackend(BroadcastBackend):
    def __init__(
        self,
        url: str,
        *,
        on_down: Callable[[str], None],
        on_up: Callable[[], None],
        check_interval: float = 1.0,
        dead_after: float = 3.0,
        queue_size: int = 10_000,
        pending_publishes: int = 10_000,
    ) -> None:
        self._url = url
        self._on_down = on_down
        self._on_up = on_up
        self._check_interval = check_interval
        self._dead_after = dead_after
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=queue_size)
        self._channels: set[str] = set()
        self._channels_changed = asyncio.Event()
        self._pending: deque[tuple[str, str]] = deque(maxlen=pending_publishes)
        self._publisher = redis.Redis.from_url(
            url, socket_connect_timeout=check_interval, socket_timeout=dead_after, retry=None
        )
        self._task: asyncio.Task[None] | None = None
        self.up = False
        self._settled = asyncio.Event()
        self._delay = RETRY_MIN

    async def connect(self) -> None:
        self._task = asyncio.create_task(self._supervise(), name="parley-redis-session")

    async def wait_settled(self) -> None:
        """Wait until the first session either went live or failed."""
        await self._settled.wait()

    async def disconnect(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._publisher.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        self._channels_changed.set()

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        self._channels_changed.set()

    async def publish(self, channel: str, message: Any) -> None:
        if not self.up:  # known down: do not make the sender wait for a timeout
            self._pending.append((channel, str(message)))
            raise BrokerUnavailable("Redis is down; kept for resending")
        try:
            await self._publisher.publish(channel, message)
        except (RedisError, OSError) as exc:
            self._pending.append((channel, str(message)))
            raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def next_published(self) -> Event:
        return await self._queue.get()

    async def _supervise(self) -> None:
        while True:
            try:
                await self._session()
            except (RedisError, OSError, TimeoutError, asyncio.QueueFull) as exc:
                self._down(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            except Exception as exc:  # a supervisor that dies never reconnects: log, retry
                log.exception("Redis session failed unexpectedly; reconnecting")
                self._down(f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(self._delay)  # backoff between reconnection attempts
            self._delay = min(self._delay * 2, RETRY_MAX)

    async def _session(self) -> None:
        while not self._channels:
            self._channels_changed.clear()
            await self._channels_changed.wait()
        client = redis.Redis.from_url(
            self._url,
            socket_connect_timeout=self._check_interval,
            socket_timeout=self._dead_after,
            retry=None,
        )
        pubsub: Any = client.pubsub()
        try:
            subscribed = set(self._channels)
            await pubsub.subscribe(*subscribed)
            await self._flush_pending()
            self._up()
            await self._read(pubsub, subscribed)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _read(self, pubsub: Any, subscribed: set[str]) -> None:
        loop = asyncio.get_running_loop()
        last_heard = loop.time()
        next_ping = last_heard + self._check_interval
        while True:
            if self._channels != subscribed:
                await self._resubscribe(pubsub, subscribed)
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=self._check_interval
            )
            now = loop.time()
            if message is not None:
                last_heard = now
                if message["type"] == "message":
                    self._queue.put_nowait(
                        Event(channel=message["channel"].decode(), message=message["data"].decode())
                    )
            if now - last_heard > self._dead_after:
                raise TimeoutError(f"no answer from Redis for {self._dead_after:g}s")
            if now >= next_ping:
                await pubsub.ping()
                next_ping = now + self._check_interval

    async def _resubscribe(self, pubsub: Any, subscribed: set[str]) -> None:
        added, removed = self._channels - subscribed, subscribed - self._channels
        if added:
            await pubsub.subscribe(*added)
        if removed:
            await pubsub.unsubscribe(*removed)
        subscribed.clear()
        subscribed.update(self._channels)

    async def _flush_pending(self) -> None:
        while self._pending:
            channel, message = self._pending[0]
            await self._publisher.publish(channel, message)
            self._pending.popleft()

    def _up(self) -> None:
        self._settled.set()
        self._delay = RETRY_MIN
        if not self.up:
            self.up = True
            log.info("Redis pub/sub is live")  # the bus logs the end of an outage
            self._on_up()

    def _down(self, reason: str) -> None:
        first = not self._settled.is_set()
        self._settled.set()
        if self.up or first:
            self.up = False
            self._on_down(reason)  # logged there, once per outage
