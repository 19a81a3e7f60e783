"""The doorbell between processes: logged events published after commit.

Every process subscribes once, at start-up, to one broadcaster channel and
hands what it hears to its `Hub`. Publishing is best effort by design: the
event log already holds every event, and subscribers fill gaps from it, so a
failed publish is logged, never raised to the sender.

For redis:// URLs the backend is our own `ResilientRedisBackend`: when Redis
goes away the hub is suspended (subscribers are closed with 1013 and resume
from their cursor elsewhere or later) and resumed when Redis is back. The
process subscribes to its one channel once, at start-up, so broadcaster's race
between concurrent first subscribers cannot arise.

An outage is logged twice, when it starts and when it ends, not once per send;
`EventBus.counters` (`BusCounters`) counts outages and the publishes made while
Redis could not take them, for a metrics exporter to read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from broadcaster import Broadcast
from opentelemetry.trace import Tracer

from parley.compat.broadcaster import Unsubscribed
from parley.models.events import LoggedEvent
from parley.subscriptions.connections import BUS_UNAVAILABLE
from parley.subscriptions.hub import Hub
from parley.subscriptions.redis_backend import BrokerUnavailable, ResilientRedisBackend
from parley.telemetry.metrics import REDIS_ERRORS
from parley.telemetry.tracing import span

log = logging.getLogger("parley.bus")


@dataclass
class BusCounters:
    """Plain counters since start-up (monotonic, for a metrics exporter)."""

    outages_started: int = 0
    outages_ended: int = 0
    publishes_skipped: int = 0  # Redis did not take them (kept and resent on recovery)


class EventBus:
    def __init__(self, url: str, channel: str, hub: Hub) -> None:
        self._redis: ResilientRedisBackend | None = None
        if url.startswith(("redis://", "rediss://")):
            self._redis = ResilientRedisBackend(url, on_down=self._down, on_up=self._up)
            self._broadcast = Broadcast(backend=self._redis)
        else:
            self._broadcast = Broadcast(url)
        self._channel = channel
        self.hub = hub
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.tracer: Tracer | None = None  # set by the server when tracing is on
        self.counters = BusCounters()
        self._down_since: float | None = None
        self._skipped_at_down = 0

    async def start(self) -> None:
        await self._broadcast.connect()
        self._task = asyncio.create_task(self._listen(), name="parley-bus-listener")
        await self._ready.wait()
        if self._redis is not None:
            await self._redis.wait_settled()

    @property
    def available(self) -> bool:
        """False while the broker is unreachable (subscriptions are refused meanwhile)."""
        return not self.hub.suspended

    def _down(self, reason: str) -> None:
        """The backend reports each outage once; `reason` is for the log only."""
        self.counters.outages_started += 1
        REDIS_ERRORS.labels("bus_outage").inc()
        self._down_since = time.monotonic()
        self._skipped_at_down = self.counters.publishes_skipped
        log.warning(
            "event bus down (%s): subscribers are closed with %d and publishes kept for resending",
            reason,
            BUS_UNAVAILABLE,
        )
        self.hub.suspend(BUS_UNAVAILABLE)

    def _up(self) -> None:
        self.hub.resume()
        if self._down_since is not None:
            self.counters.outages_ended += 1
            log.warning(
                "event bus back after %.1f s; %d publishes were skipped meanwhile",
                time.monotonic() - self._down_since,
                self.counters.publishes_skipped - self._skipped_at_down,
            )
            self._down_since = None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.hub.close_all()
        await self._broadcast.disconnect()

    async def publish(self, events: Sequence[LoggedEvent]) -> None:
        """Ring the doorbell for `events`; never raises (the log has them)."""
        if not events:
            return
        payload = orjson.dumps([event.to_wire() for event in events]).decode()
        with span(self.tracer, "parley.publish"):
            try:
                await self._broadcast.publish(self._channel, payload)
            except BrokerUnavailable:
                self.counters.publishes_skipped += 1  # the outage itself is logged once
            except Exception:
                if self._redis is not None:
                    REDIS_ERRORS.labels("publish").inc()
                log.exception("publish failed; subscribers will catch up from the event log")

    async def _listen(self) -> None:
        async with self._broadcast.subscribe(self._channel) as subscriber:
            self._ready.set()
            while True:
                try:
                    message = await subscriber.get()
                except Unsubscribed:
                    return
                self.hub.dispatch(_decode(message.message))


def _decode(payload: str) -> list[LoggedEvent]:
    raw: list[dict[str, Any]] = orjson.loads(payload)
    return [LoggedEvent.from_wire(item) for item in raw]
