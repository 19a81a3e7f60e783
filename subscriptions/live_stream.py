"""A subscription's source as a registration in the hub, not a suspended stack of generators.

A `LiveStream` is what the live subscription fields return. It can be used two ways:

- **pulled** (`async for`, as `schema.subscribe` and strawberry's legacy handler
  do): `subscriptions.streams.account_events` with the stream's `select`,
  exactly as before;
- **pushed** (`start(sink)`, as Parley's WebSocket handler does): the stream
  opens, replays the log after the client's cursor into the sink, then
  registers a hub `Listener` whose wake-up queues a delivery of what is pending.
  The deliveries woken by one dispatch run together (subscriptions.delivery): one
  that finishes without waiting costs no task of its own. An idle subscription
  is then this object and its listener: no task, no coroutine, no generator.

Both keep `account_events`' guarantees: the listener is registered before the
log is read, live events at or below the last cursor are dropped as
duplicates, a jump in cursors or an overflowed inbox is filled from the log,
and a closed listener (bus down, shutdown) ends the stream with the `closed`
error. Opening (the caller's checks and arguments) runs on the first step,
as a generator's body would, so its errors reach a client the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from parley.models.events import LoggedEvent, latest_seq
from parley.subscriptions.connections import current_connection
from parley.subscriptions.delivery import start_eagerly
from parley.subscriptions.hub import Hub, Listener
from parley.subscriptions.streams import StreamClosed, account_events, contiguous, replay
from parley.telemetry.metrics import DELIVERY_LAG, REPLAY_SIZE
from parley.telemetry.tracing import span

T = TypeVar("T")
U = TypeVar("U")
T_contra = TypeVar("T_contra", contravariant=True)

# One batch of an account's events -> what the subscription sends for them.
Select = Callable[[list[LoggedEvent]], Awaitable[list[T]]]


def mapped(select: Select[T], to: Callable[[T], U]) -> Select[U]:
    async def select_mapped(batch: list[LoggedEvent]) -> list[U]:
        return [to(item) for item in await select(batch)]

    return select_mapped


@dataclass(frozen=True, slots=True)
class Opening(Generic[T]):
    """Whose events, from which cursor (None: from now on), and what to make of each batch."""

    account_id: int
    after: int | None
    select: Select[T]


class Sink(Protocol[T_contra]):
    async def deliver(self, item: T_contra) -> None: ...

    async def fail(self, error: Exception) -> None: ...


class LiveStream(Generic[T]):
    __slots__ = (
        "_closed",
        "_hub",
        "_last",
        "_listener",
        "_live",
        "_open",
        "_pump",
        "_running",
        "_select",
        "_sink",
    )

    def __init__(
        self,
        hub: Hub,
        opening: Callable[[], Awaitable[Opening[T]]],
        closed: Callable[[StreamClosed], Exception],
    ) -> None:
        self._hub = hub
        self._open: Callable[[], Awaitable[Opening[T]]] | None = opening
        self._closed = closed
        self._listener: Listener | None = None
        self._select: Select[T] | None = None
        self._sink: Sink[T] | None = None
        self._last = 0
        self._live = False
        self._running = False  # a delivery is queued, running, or waiting in `_pump`
        self._pump: asyncio.Task[None] | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        return self._pull()

    async def _opening(self) -> Opening[T]:
        assert self._open is not None, "a LiveStream is consumed once"
        opening, self._open = self._open, None  # what it closed over is needed no longer
        return await opening()

    async def _pull(self) -> AsyncGenerator[T, None]:
        opening = await self._opening()
        batches = account_events(self._hub, opening.account_id, opening.after)
        try:
            async with aclosing(batches):
                async for batch in batches:
                    for item in await opening.select(batch):
                        yield item
        except StreamClosed as exc:
            raise self._closed(exc) from exc

    async def start(self, sink: Sink[T]) -> None:
        """Open, replay into `sink`, and go live: later events are pushed until `stop`."""
        opening = await self._opening()
        self._select = opening.select
        self._sink = sink
        account = opening.account_id
        # "From now" is read before registering, as in account_events.
        self._last = await latest_seq(account) if opening.after is None else opening.after
        listener = Listener(account, self._hub.queue_capacity, current_connection.get(), self._wake)
        self._listener = listener
        self._hub.add(listener)
        try:
            replayed = await self._replay(account, sink)
        except BaseException:
            self.stop()
            raise
        if opening.after is not None:
            REPLAY_SIZE.observe(replayed)
        self._live = True
        self._wake()  # whatever arrived during the replay

    def stop(self) -> None:
        """Unregister; a running delivery is cancelled. Safe to call more than once."""
        self._live = False
        if self._listener is not None:
            self._hub.remove(self._listener)
            self._listener = None
        pump = self._pump
        if pump is not None and pump is not asyncio.current_task():
            pump.cancel()

    def _wake(self) -> None:
        if self._live and not self._running and self._listener is not None:
            self._running = True
            self._hub.deliveries.add(self._start_delivery, self._listener.account_id)

    def _start_delivery(self) -> None:
        listener, sink = self._listener, self._sink
        if not self._live or listener is None or sink is None:
            self._running = False  # stopped while queued
            return
        self._pump = start_eagerly(self._deliver(listener, sink), contextvars.copy_context())

    async def _deliver(self, listener: Listener, sink: Sink[T]) -> None:
        """Deliver what is pending, then end: the next offer starts a new one."""
        try:
            while True:
                if listener.closed_reason is not None:
                    raise StreamClosed(listener.closed_reason)
                if listener.overflowed:
                    listener.reset_overflow()
                    await self._replay(listener.account_id, sink, live=True)
                    continue
                fresh = sorted(
                    (event for event in listener.drain() if event.seq > self._last),
                    key=lambda event: event.seq,
                )
                if not fresh:
                    return
                if contiguous(self._last, fresh):
                    await self._push(fresh, sink, live=True)
                else:
                    await self._replay(listener.account_id, sink, live=True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.stop()
            await sink.fail(self._closed(exc) if isinstance(exc, StreamClosed) else exc)
        finally:
            self._running = False
            self._pump = None

    async def _replay(self, account_id: int, sink: Sink[T], live: bool = False) -> int:
        """Push the log after the last cursor; returns how many events that was."""
        replayed = 0
        async with aclosing(replay(account_id, self._last)) as batches:
            async for batch in batches:
                await self._push(batch, sink, live)
                replayed += len(batch)
        return replayed

    async def _push(self, batch: list[LoggedEvent], sink: Sink[T], live: bool = False) -> None:
        """Deliver a batch; a live one (not a resume's replay) is timed from commit to frame."""
        assert self._select is not None
        with span(self._hub.tracer, "parley.deliver"):
            for item in await self._select(batch):
                await sink.deliver(item)
        self._last = batch[-1].seq
        if live:
            now = self._hub.now()
            for event in batch:
                DELIVERY_LAG.observe((now - event.created_at).total_seconds())
