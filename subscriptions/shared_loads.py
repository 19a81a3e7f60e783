"""One read per process for the same subscription work, however many subscribers need it.

When an event reaches a room of N subscribers, each subscriber's generator asks
for the same rows at about the same moment. `SharedLoads.load` runs the first
request as its own task and lets every identical request (same key) await that
task instead of querying again. A finished result stays for `retain` seconds
(and at most `capacity` keys) so that subscribers woken a little later share it
too, and is handed to them directly (`ready`), without a shield or an await.
Keys must name the event, not only the row (see subscriptions.feed), so a row
that changes later is read again for the event that changed it. `in_flight`
lets grouped delivery (subscriptions.delivery) wait for a room's load once, before
waking the rest of the room, instead of once per subscriber.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_RETAIN_SECONDS = 1.0
DEFAULT_CAPACITY = 1024


class SharedLoads:
    def __init__(
        self, retain: float = DEFAULT_RETAIN_SECONDS, capacity: int = DEFAULT_CAPACITY
    ) -> None:
        self.retain = retain
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, tuple[float, asyncio.Future[Any]]] = OrderedDict()
        self.started = 0  # loads actually run (the rest were shared)
        self.in_flight: set[asyncio.Future[Any]] = set()  # loads started and not yet done

    def ready(self, key: Hashable) -> Any:
        """The finished result for `key`, or None while it is unknown, running or failed."""
        task = self.running(key)
        if task is None or not task.done() or task.cancelled() or task.exception() is not None:
            return None
        return task.result()

    def remember(self, key: Hashable, value: object) -> None:
        """Keep `value` as the finished result for `key` (work done synchronously, once)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._expire(now)
        done: asyncio.Future[Any] = loop.create_future()
        done.set_result(value)
        self._entries[key] = (now, done)

    def running(self, key: Hashable) -> asyncio.Future[Any] | None:
        """The load under way (or done) for `key`, if any: await it shielded."""
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    async def load(self, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        if (done := self.ready(key)) is not None:
            result: T = done
            return result
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._expire(now)
        entry = self._entries.get(key)
        if entry is None:
            self.started += 1
            task: asyncio.Future[Any] = asyncio.ensure_future(fetch())
            self.in_flight.add(task)
            # A failed load is not kept: the next subscriber tries again.
            task.add_done_callback(lambda done: self._forget_failed(key, done))
            self._entries[key] = (now, task)
        else:
            task = entry[1]
        # One subscriber going away (cancelled) must not cancel the others' load.
        loaded: T = await asyncio.shield(task)
        return loaded

    def _forget_failed(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        self.in_flight.discard(done)
        if done.cancelled() or done.exception() is not None:
            entry = self._entries.get(key)
            if entry is not None and entry[1] is done:
                del self._entries[key]

    def _expire(self, now: float) -> None:
        entries = self._entries
        while entries:
            key, (started, task) = next(iter(entries.items()))
            if len(entries) <= self.capacity and (now - started < self.retain or not task.done()):
                return
            del entries[key]

    def __len__(self) -> int:
        return len(self._entries)
