"""Presence shared through Redis: two `RedisPresence` objects stand for two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from redis import asyncio as redis

from parley.models.store.clock import ManualClock
from parley.subscriptions.presence import PresenceState
from parley.subscriptions.presence_redis import RedisPresence
from parley.subscriptions.routing import Activity
from tests import services_env
from tests.support import WAIT

pytestmark = pytest.mark.services

Make = Callable[..., RedisPresence]


@pytest.fixture
async def processes(clock: ManualClock) -> AsyncIterator[Make]:
    """A factory of started presences on one namespace of the shared Redis, cleaned up after."""
    services_env.require_redis()
    namespace = services_env.unique_name("parley.test.presence")
    made: list[RedisPresence] = []

    async def make(**options: float) -> RedisPresence:
        presence = RedisPresence(services_env.REDIS_URL, namespace, clock.now, **options)  # type: ignore[arg-type]
        await presence.start()
        made.append(presence)
        return presence

    yield make  # type: ignore[misc]
    for presence in made:
        await presence.stop()
    client = redis.Redis.from_url(services_env.REDIS_URL)
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def next_where(
    watch: AsyncIterator[PresenceState], wanted: Callable[[PresenceState], bool]
) -> PresenceState:
    async def find() -> PresenceState:
        async for state in watch:
            if wanted(state):
                return state
        raise AssertionError("watch ended")

    return await asyncio.wait_for(find(), WAIT)


async def test_an_account_connected_to_one_process_is_online_in_another(
    processes: Make, clock: ManualClock
) -> None:
    a, b = await processes(), await processes()
    await a.connected(7, clock.now())
    await b.connected(7, clock.now())  # a second device, on the other process
    assert (await b.state(7, clock.now())).online is True
    await a.disconnected(7, clock.now())
    assert (await a.state(7, clock.now())).online is True
    left = clock.advance(timedelta(minutes=1))
    await b.disconnected(7, left)
    state = await a.state(7, clock.advance(timedelta(hours=1)))
    assert (state.online, state.last_seen_at) == (False, left)


async def test_watchers_in_another_process_are_pushed_each_change(
    processes: Make, clock: ManualClock
) -> None:
    a, b = await processes(), await processes()
    watch = b.watch([7], clock.now())
    assert (await anext(watch)).online is False
    await a.connected(7, clock.now())
    assert (await next_where(watch, lambda s: s.online)).account_id == 7
    await a.report_activity(7, Activity.LIVE_SESSION, clock.now())
    await next_where(watch, lambda s: s.activity == Activity.LIVE_SESSION)
    await a.disconnected(7, clock.now())
    assert (await next_where(watch, lambda s: not s.online)).activity == Activity.UNKNOWN
    await watch.aclose()


async def test_reported_activity_is_shared_and_lapses_on_the_clock(
    processes: Make, clock: ManualClock
) -> None:
    a, b = await processes(activity_ttl=timedelta(seconds=60)), await processes()
    await a.connected(7, clock.now())
    until = await a.report_activity(7, Activity.ACTIVE, clock.now())
    assert until == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=59))
    assert (await b.state(7, clock.now())).activity == Activity.ACTIVE
    clock.advance(timedelta(seconds=1))
    assert (await b.state(7, clock.now())).activity == Activity.UNKNOWN


async def test_a_process_that_stops_its_heartbeat_has_its_connections_lapse(
    processes: Make, clock: ManualClock
) -> None:
    a = await processes(heartbeat=0.2, ttl=1.0)
    b = await processes(heartbeat=0.2, ttl=1.0)
    await a.connected(7, clock.now())
    watch = b.watch([7], clock.now())
    assert (await anext(watch)).online is True
    for task in a._tasks:  # what SIGKILL does to it: no heartbeat, no goodbye
        task.cancel()
    gone = await next_where(watch, lambda s: not s.online)  # b reaped a and said so
    assert gone.last_seen_at == clock.now()
    assert (await b.state(7, clock.now())).online is False
    await watch.aclose()


async def test_a_process_that_lapsed_writes_its_connections_back_when_it_beats_again(
    processes: Make, clock: ManualClock
) -> None:
    a, b = await processes(), await processes()
    await a.connected(7, clock.now())
    for task in a._tasks[:1]:  # a's heartbeat: driven by hand below
        task.cancel()
    client = redis.Redis.from_url(services_env.REDIS_URL)
    watch = b.watch([7], clock.now())
    assert (await anext(watch)).online is True
    # As if a's lease had run out during an outage longer than the TTL: b reaps it...
    await client.delete(f"{a._ns}:alive:{a.pid}")
    await b._beat()
    await next_where(watch, lambda s: not s.online)
    # ...and a's next heartbeat writes back what it still holds.
    await a._beat()
    await next_where(watch, lambda s: s.online)
    await client.aclose()
    await watch.aclose()


async def test_stopping_a_process_withdraws_its_connections_at_once(
    processes: Make, clock: ManualClock
) -> None:
    a, b = await processes(), await processes()
    await a.connected(7, clock.now())
    await a.stop()
    assert (await b.state(7, clock.now())).online is False
