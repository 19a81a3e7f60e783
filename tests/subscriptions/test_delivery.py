"""Grouped delivery: the live streams woken together share their loads, not their waits."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any

from parley.subscriptions.delivery import Deliveries, start_eagerly
from parley.subscriptions.shared_loads import SharedLoads
from tests.support import WAIT


def _start(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    return start_eagerly(coroutine, contextvars.copy_context())


async def test_a_delivery_that_waits_does_not_hold_up_the_others() -> None:
    deliveries = Deliveries()
    paused_socket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    delivered: list[str] = []
    others_done = asyncio.Event()
    slow_done = asyncio.Event()

    async def slow() -> None:
        await paused_socket
        delivered.append("slow")
        slow_done.set()

    async def fast(name: str) -> None:
        delivered.append(name)
        if len(delivered) == 2:
            others_done.set()

    deliveries.add(lambda: _start(slow()))
    deliveries.add(lambda: _start(fast("a")))
    deliveries.add(lambda: _start(fast("b")))
    await asyncio.wait_for(others_done.wait(), WAIT)
    assert delivered == ["a", "b"]

    paused_socket.set_result(None)  # the socket drains: the slow one goes on where it stopped
    await asyncio.wait_for(slow_done.wait(), WAIT)
    assert delivered == ["a", "b", "slow"]


async def test_a_room_waits_once_for_a_shared_load_and_the_rest_find_it_ready() -> None:
    loads = SharedLoads()
    deliveries = Deliveries(loads)
    loading = asyncio.Event()
    gate = asyncio.Event()
    done = asyncio.Event()
    waited_in_a_task: list[int] = []
    room = 5

    async def fetch() -> str:
        loading.set()
        await gate.wait()
        return "rows"

    async def deliver(number: int) -> None:
        assert await loads.load("event", fetch) == "rows"
        if number == room - 1:
            done.set()

    def start(number: int) -> None:
        if _start(deliver(number)) is not None:
            waited_in_a_task.append(number)

    for number in range(room):
        deliveries.add(lambda number=number: start(number), "one account")  # type: ignore[misc]
    await asyncio.wait_for(loading.wait(), WAIT)
    gate.set()
    await asyncio.wait_for(done.wait(), WAIT)
    assert loads.started == 1
    assert waited_in_a_task == [0]  # only the one that started the load


async def test_another_accounts_delivery_does_not_wait_for_this_ones_load() -> None:
    loads = SharedLoads()
    deliveries = Deliveries(loads)
    gate = asyncio.Event()
    other_done = asyncio.Event()
    first_done = asyncio.Event()

    async def fetch() -> str:
        await gate.wait()
        return "rows"

    async def first() -> None:
        await loads.load("first account's event", fetch)
        first_done.set()

    async def other() -> None:
        other_done.set()

    deliveries.add(lambda: _start(first()), "first account")
    deliveries.add(lambda: _start(other()), "other account")
    await asyncio.wait_for(other_done.wait(), WAIT)
    assert not first_done.is_set()
    gate.set()
    await asyncio.wait_for(first_done.wait(), WAIT)
