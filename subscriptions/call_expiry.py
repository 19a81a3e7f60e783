"""The background sweep that records call invites whose proposed times have all passed.

Reads never wait for it (an invite past its last time already *is* expired, see
models.calls); the sweep makes the expiry a feed item and a notification, then
rings the bus. One sweep per process is safe: the state change is conditional,
so two processes never record the same expiry twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from models.call_flow import expire_due_invites
from models.clock import Clock
from subscriptions.bus import EventBus

log = logging.getLogger("parley.calls")


class CallExpirySweep:
    def __init__(self, clock: Clock, bus: EventBus, interval: float) -> None:
        self._clock = clock
        self._bus = bus
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> int:
        """Expire what is due now and publish it; returns how many events were logged."""
        events = await expire_due_invites(self._clock)
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
