"""The background sweep that records call invites whose proposed times have all passed.

Reads never wait for it (an invite past its last time already *is* expired, see
models.calls); the sweep makes the expiry a feed item and a notification, then
rings the bus. Every process schedules the sweep; with an `Exclusive` one of
them does a given round (the others skip it), and the state change is
conditional besides, so two processes never record the same expiry twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from parley.models.call_flow import expire_due_invites
from parley.models.events import LoggedEvent
from parley.models.store.clock import Clock
from parley.models.store.job_lock import Exclusive
from parley.subscriptions.bus import EventBus

log = logging.getLogger("parley.calls")


class CallExpirySweep:
    def __init__(
        self, clock: Clock, bus: EventBus, interval: float, exclusive: Exclusive | None = None
    ) -> None:
        self._clock = clock
        self._exclusive = exclusive
        self._bus = bus
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> int:
        """Expire what is due now and publish it; returns how many events were logged."""
        events: list[LoggedEvent] | None
        if self._exclusive is None:
            events = await expire_due_invites(self._clock)
        else:  # published below, after the round's transaction committed
            events = await self._exclusive.run(
                "call-invite-expiry", lambda: expire_due_invites(self._clock)
            )
        if not events:
            return 0
        await self._bus.publish(events)
        return len(events)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="parley-call-expiry")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("call-invite expiry sweep failed; retrying next interval")
            await asyncio.sleep(self._interval)
