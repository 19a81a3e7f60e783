"""In-process presence: connections across devices, activity that expires, watchers."""

from __future__ import annotations

from datetime import timedelta

from parley.models.store.clock import ManualClock
from parley.subscriptions.presence import InProcessPresence
from parley.subscriptions.routing import Activity


async def test_an_account_stays_online_until_its_last_device_disconnects(
    clock: ManualClock,
) -> None:
    presence = InProcessPresence()
    await presence.connected(7, clock.now())
    await presence.connected(7, clock.now())
    await presence.disconnected(7, clock.advance(timedelta(minutes=1)))
    assert (await presence.state(7, clock.now())).online is True
    left = clock.advance(timedelta(minutes=1))
    await presence.disconnected(7, left)
    state = await presence.state(7, clock.advance(timedelta(hours=1)))
    assert (state.online, state.last_seen_at) == (False, left)


async def test_reported_activity_lapses_after_the_ttl_unless_reported_again(
    clock: ManualClock,
) -> None:
    presence = InProcessPresence(activity_ttl=timedelta(seconds=60))
    await presence.connected(7, clock.now())
    until = await presence.report_activity(7, Activity.LIVE_SESSION, clock.now())
    assert until == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=59))
    assert (await presence.state(7, clock.now())).activity == Activity.LIVE_SESSION
    await presence.report_activity(7, Activity.LIVE_SESSION, clock.now())
    clock.advance(timedelta(seconds=59))
    assert (await presence.state(7, clock.now())).activity == Activity.LIVE_SESSION
    clock.advance(timedelta(seconds=1))
    assert (await presence.state(7, clock.now())).activity == Activity.UNKNOWN


async def test_watchers_get_the_current_state_then_each_change(clock: ManualClock) -> None:
    presence = InProcessPresence()
    watch = presence.watch([7], clock.now())
    assert (await anext(watch)).online is False
    await presence.connected(8, clock.now())  # not watched
    await presence.connected(7, clock.now())
    assert (await anext(watch)).online is True
    await watch.aclose()
