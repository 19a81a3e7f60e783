"""In-process fan-out of logged events to the subscriptions of each account.

One `Hub` per process. The bus hands it every event it hears; the hub puts
each into the bounded queue of every local listener of that event's account.
A listener whose queue is full is marked `overflowed` and its queue is
dropped: it then re-reads the event log from its cursor, so a slow reader
costs bounded memory and loses nothing. A listener that runs on a WebSocket
(see subscriptions.connections) is a client that stopped reading: its socket
is closed (4008) and the client resumes from its cursor.

While the event bus is unavailable the hub is suspended: every listener is
closed, and so is any new one, until the bus is back.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime

from opentelemetry.trace import Tracer

from parley.models.events import LoggedEvent
from parley.models.store.clock import SystemClock
from parley.subscriptions.connections import (
    REASONS,
    SERVER_RESTART,
    TOO_SLOW,
    Connection,
    current_connection,
)
from parley.subscriptions.delivery import Deliveries
from parley.subscriptions.shared_loads import SharedLoads
from parley.telemetry.metrics import SUBSCRIBER_OVERFLOWS, SUBSCRIPTIONS_OPEN


class Listener:
    """One subscription's inbox for one account's events.

    A list and a future made only while someone waits: an idle subscription holds
    no asyncio.Queue or Event (their deques, times 10,000s of sockets: docs/benchmarks.md).
    `on_wake`, when given, is called (synchronously) on every offer and close:
    subscriptions.live_stream reacts to it instead of waiting.
    """

    __slots__ = (
        "_events",
        "_waiter",
        "account_id",
        "capacity",
        "closed_reason",
        "connection",
        "on_wake",
        "overflowed",
    )

    def __init__(
        self,
        account_id: int,
        capacity: int,
        connection: Connection | None = None,
        on_wake: Callable[[], None] | None = None,
    ) -> None:
        self.account_id = account_id
        self.connection = connection
        self.capacity = capacity
        self.on_wake = on_wake
        self._events: list[LoggedEvent] = []
        self.overflowed = False
        self.closed_reason: str | None = None
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, event: LoggedEvent) -> None:
        if self.overflowed:
            return
        if len(self._events) >= self.capacity:
            self.overflowed = True
            SUBSCRIBER_OVERFLOWS.inc()
            if self.connection is not None:
                self.connection.close(TOO_SLOW, REASONS[TOO_SLOW])
            self._events = []
        else:
            self._events.append(event)
        self._wake()

    def close(self, code: int = SERVER_RESTART) -> None:
        """End the subscription with the cause's fixed reason; its socket closes with `code`."""
        self.closed_reason = REASONS[code]
        if self.connection is not None:
            self.connection.close(code, self.closed_reason)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if self.on_wake is not None:
            self.on_wake()

    async def wait(self) -> None:
        """Wait until an event, an overflow or a close is pending."""
        while not self._events and not self.overflowed and self.closed_reason is None:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def drain(self) -> list[LoggedEvent]:
        events, self._events = self._events, []
        return events

    def reset_overflow(self) -> None:
        self.overflowed = False


class Hub:
    def __init__(self, queue_capacity: int) -> None:
        self.queue_capacity = queue_capacity
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._changed: asyncio.Future[None] | None = None
        self._suspended: int | None = None  # the close code while the bus is down
        # Reads that every local subscriber of an event needs, done once (subscriptions.feed).
        self.loads = SharedLoads()
        # The live streams woken by a dispatch, delivered together (subscriptions.live_stream).
        self.deliveries = Deliveries(self.loads)
        # Set by the server: the clock that stamps events (for the delivery lag), tracing.
        self.now: Callable[[], datetime] = SystemClock().now
        self.tracer: Tracer | None = None

    @asynccontextmanager
    async def listen(self, account_id: int) -> AsyncIterator[Listener]:
        listener = Listener(account_id, self.queue_capacity, current_connection.get())
        self.add(listener)
        try:
            yield listener
        finally:
            self.remove(listener)

    def add(self, listener: Listener) -> None:
        """Register `listener` for its account's events (closed at once while suspended)."""
        if self._suspended is not None:
            listener.close(self._suspended)
        listeners = self._listeners[listener.account_id]
        if listener not in listeners:
            listeners.add(listener)
            SUBSCRIPTIONS_OPEN.inc()
        self._notify()

    def remove(self, listener: Listener) -> None:
        listeners = self._listeners.get(listener.account_id)
        if listeners is not None and listener in listeners:
            listeners.remove(listener)
            SUBSCRIPTIONS_OPEN.dec()
            if not listeners:
                del self._listeners[listener.account_id]
        self._notify()

    def _notify(self) -> None:
        changed, self._changed = self._changed, None
        if changed is not None and not changed.done():
            changed.set_result(None)

    async def _wait_until(self, ready: Callable[[], bool]) -> None:
        while not ready():
            if self._changed is None:
                self._changed = asyncio.get_running_loop().create_future()
            # Shielded: one waiter giving up must not cancel the others' future.
            await asyncio.shield(self._changed)

    async def wait_for_listeners(self, account_id: int, count: int) -> None:
        """Wait until `account_id` has at least `count` local listeners."""
        await self._wait_until(lambda: len(self._listeners.get(account_id, ())) >= count)

    async def wait_for_no_listeners(self, account_id: int) -> None:
        await self._wait_until(lambda: not self._listeners.get(account_id))

    def listeners_of(self, account_id: int) -> frozenset[Listener]:
        return frozenset(self._listeners.get(account_id, ()))

    def dispatch(self, events: Iterable[LoggedEvent]) -> None:
        for event in events:
            for listener in self._listeners.get(event.account_id, ()):
                listener.offer(event)

    def close_all(self, code: int = SERVER_RESTART) -> None:
        for listeners in self._listeners.values():
            for listener in listeners:
                listener.close(code)

    def suspend(self, code: int) -> None:
        """Close every listener, and every new one until `resume` (the bus is down)."""
        self._suspended = code
        self.close_all(code)
        self._notify()

    def resume(self) -> None:
        self._suspended = None
        self._notify()

    async def wait_resumed(self) -> None:
        """Wait until the event bus is available again."""
        await self._wait_until(lambda: self._suspended is None)

    @property
    def suspended(self) -> bool:
        return self._suspended is not None

    @property
    def listener_count(self) -> int:
        return sum(len(listeners) for listeners in self._listeners.values())
