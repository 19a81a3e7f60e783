"""Stopping one process without losing work: SIGTERM, as deploys and scale-in send it.

uvicorn (and gunicorn's uvicorn worker) answer SIGTERM by closing every socket
at once, WebSockets with 1012 and no reason, and run the application's
shutdown only after that. So Parley takes SIGTERM over while it serves
(`install`, from the lifespan, where the server's own handler is in place):

1. stop taking work: new requests get 503 and a new WebSocket is closed with
   1012, `/health/ready` answers 503 so the load balancer looks elsewhere;
2. close every open WebSocket with 1012 "server shutting down" (clients
   reconnect to another process and resume with their cursors);
3. let in-flight HTTP requests (sends) finish, for at most the grace period;
4. hand the signal to the server's own handler, which closes what is left,
   runs the lifespan's shutdown and exits.

Without a server's handler to hand over to (a test calling the app in-process),
nothing is installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, Protocol

from parley.subscriptions.connections import SERVER_RESTART

log = logging.getLogger("parley.server")

SHUTTING_DOWN = "server shutting down"

Handler = Callable[[int, FrameType | None], Any]


class Closable(Protocol):
    async def close(self, code: int, reason: str) -> None: ...


class Shutdown:
    """The process's open WebSockets and in-flight requests, and the drain on SIGTERM."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.draining = False
        self.sockets: set[Closable] = set()
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._installed: tuple[Handler, Handler] | None = None
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Count a request as in flight while the block runs."""
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def drain(self) -> None:
        """Refuse new work, close the WebSockets, wait (bounded) for in-flight requests."""
        self.draining = True
        log.info(
            "shutting down: closing %d WebSockets, waiting for %d requests",
            len(self.sockets),
            self.in_flight,
        )
        closing = [socket.close(SERVER_RESTART, SHUTTING_DOWN) for socket in list(self.sockets)]
        try:
            async with asyncio.timeout(self.grace):
                await asyncio.gather(*closing, return_exceptions=True)
                await self._idle.wait()
        except TimeoutError:
            log.warning(
                "shutting down with %d requests unfinished after %.0f s", self.in_flight, self.grace
            )

    def install(self) -> None:
        """Take SIGTERM over from the server's handler; `uninstall` gives it back."""
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous):
            return  # no server handler to hand over to
        loop = asyncio.get_running_loop()

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if self._task is not None:  # a second SIGTERM: stop now
                previous(signum, frame)
                return
            loop.call_soon_threadsafe(self._start, previous, signum, frame)

        signal.signal(signal.SIGTERM, on_sigterm)
        self._installed = (on_sigterm, previous)

    def uninstall(self) -> None:
        if self._installed is not None:
            ours, previous = self._installed
            if signal.getsignal(signal.SIGTERM) is ours:
                signal.signal(signal.SIGTERM, previous)
            self._installed = None

    def _start(self, previous: Handler, signum: int, frame: FrameType | None) -> None:
        if self._task is None:
            self._task = asyncio.create_task(
                self._drain_then(previous, signum, frame), name="parley-shutdown"
            )

    async def _drain_then(self, previous: Handler, signum: int, frame: FrameType | None) -> None:
        try:
            await self.drain()
        finally:
            previous(signum, frame)
