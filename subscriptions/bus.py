"""The doorbell between processes: logged events published after commit.

Every process subscribes once, at start-up, to one broadcaster channel and
hands what it hears to its `Hub`. Publishing is best effort by design: the
event log already holds every event, and subscribers fill gaps from it, so a
failed publish is logged, never raised to the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import orjson
from broadcaster import Broadcast
from broadcaster._base import Unsubscribed

from models.events import LoggedEvent
from subscriptions.hub import Hub

log = logging.getLogger("parley.bus")


class EventBus:
    def __init__(self, url: str, channel: str, hub: Hub) -> None:
        self._broadcast = Broadcast(url)
        self._channel = channel
        self.hub = hub
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        await self._broadcast.connect()
        self._task = asyncio.create_task(self._listen(), name="parley-bus-listener")
        await self._ready.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.hub.close_all("server shutting down")
        await self._broadcast.disconnect()

    async def publish(self, events: Sequence[LoggedEvent]) -> None:
        """Ring the doorbell for `events`; never raises (the log has them)."""
        if not events:
            return
        payload = orjson.dumps([event.to_wire() for event in events]).decode()
        try:
            await self._broadcast.publish(self._channel, payload)
        except Exception:
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
