"""Run many short deliveries in one task: each runs at once, and only one that waits gets a task.

When the hub dispatches an event to a room of N live subscriptions, each one's
delivery (select, shared execution, socket write) needs what the first one
loads (the event's rows, its execution per viewer: subscriptions.shared_loads)
and, once that is ready, finishes without waiting. Creating N tasks, each
waiting on the same load, was most of the cost. `Deliveries` collects the
subscriptions woken by one dispatch and runs them one after the other in a
single task, each started eagerly (`start_eagerly`): a delivery that completes
synchronously costs no task; one that does wait (a paused socket, a replay
from the log) is handed, where it stopped, to a task of its own, so a slow
socket never holds up the others. When a delivery leaves a shared load in
flight and the next one is of the same group (the same account: the same
events, so most likely the same loads), the group waits for the load once
before starting it, and the rest of the group find it ready. Deliveries of
different groups (a conversation's two participants in most dispatches) do
not wait for each other's loads.

This is Python 3.12's eager task factory, for one call site, on 3.11.
"""

from __future__ import annotations

import asyncio
import contextvars
import types
from collections import deque
from collections.abc import Callable, Coroutine, Generator, Hashable
from typing import Any

from parley.subscriptions.shared_loads import SharedLoads


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
    """The subscriptions woken since the group last ran, run together in one task."""

    __slots__ = ("_loads", "_pending", "_scheduled")

    def __init__(self, *loads: SharedLoads) -> None:
        self._loads = list(loads)
        self._pending: deque[tuple[Callable[[], object], Hashable]] = deque()
        self._scheduled = False

    def share(self, loads: SharedLoads) -> None:
        """Also wait once for `loads`' loads (the schema's shared executions)."""
        if loads not in self._loads:
            self._loads.append(loads)

    def add(self, start: Callable[[], object], group: Hashable = None) -> None:
        """Call `start` soon, with the rest woken by the same dispatch."""
        self._pending.append((start, group))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        pending = self._pending
        try:
            while pending:
                start, group = pending.popleft()
                try:
                    start()
                except Exception as exc:  # one delivery's bug must not strand the others
                    asyncio.get_running_loop().call_exception_handler(
                        {"message": "live delivery failed", "exception": exc}
                    )
                if pending and pending[0][1] == group and (loading := self._in_flight()):
                    # What the rest of the group needs too: wait once, not once each.
                    await asyncio.wait(loading)
        finally:
            self._scheduled = False

    def _in_flight(self) -> list[asyncio.Future[Any]]:
        return [load for loads in self._loads for load in loads.in_flight]
