"""Run many short deliveries in one task: each runs at once, and only one that waits gets a task.

When the hub dispatches an event to a room of N live subscriptions, each one's
delivery (select, shared execution, socket write) usually finishes without
ever waiting: the shared rows and result are ready, the socket is writable.
Creating N tasks for that is most of the cost. `Deliveries` collects the
subscriptions woken by one dispatch and runs them one after the other in a
single task, each step started eagerly (`start_eagerly`): a delivery that
completes synchronously costs no task; one that does wait (a load still
running, a paused socket, a replay from the log) is handed, where it stopped,
to a task of its own, so a slow socket never holds up the others.

This is Python 3.12's eager task factory, for one call site, on 3.11.
"""

from __future__ import annotations

import asyncio
import contextvars
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any


def start_eagerly(
    coroutine: Coroutine[Any, Any, None], context: contextvars.Context
) -> asyncio.Task[None] | None:
    """Run `coroutine` up to its first wait; None when it finished, else the task finishing it."""
    try:
        waiting_on = context.run(coroutine.send, None)
    except StopIteration:
        return None
    return asyncio.get_running_loop().create_task(_resume(coroutine, waiting_on), context=context)


async def _resume(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    await _continue(coroutine, waiting_on)


@types.coroutine
def _continue(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> Generator[Any, Any, None]:
    # What the task would have done had it started `coroutine`: hand the future it
    # waits on to the event loop, and pass back what the loop sends or throws.
    while True:
        try:
            sent = yield waiting_on
        except BaseException as exc:
            try:
                waiting_on = coroutine.throw(exc)
            except StopIteration:
                return
        else:
            try:
                waiting_on = coroutine.send(sent)
            except StopIteration:
                return


class Deliveries:
    """The subscriptions woken since the last run, run together in one task."""

    __slots__ = ("_pending", "_scheduled")

    def __init__(self) -> None:
        self._pending: list[Callable[[], None]] = []
        self._scheduled = False

    def add(self, start: Callable[[], None]) -> None:
        """Call `start` soon, with the rest woken by the same dispatch."""
        self._pending.append(start)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._run)

    def _run(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, []
        for start in pending:
            try:
                start()
            except Exception as exc:  # one delivery's bug must not strand the others
                asyncio.get_running_loop().call_exception_handler(
                    {"message": "live delivery failed", "exception": exc}
                )
