"""Routing a batch of intents decides and stores exactly what routing them one at a time does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from parley.models.accounts import AccountKind, create_account
from parley.models.conversations import set_muted
from parley.models.events import Event, EventKind
from parley.models.messaging import send_message
from parley.models.notifications import (
    Delivery,
    DeliveryChannel,
    NotificationIntent,
    NotificationLogEntry,
    update_preferences,
)
from parley.models.orders import create_order
from parley.models.push import PushSubscription
from parley.models.store.clock import ManualClock
from parley.subscriptions.email import EmailChannel
from parley.subscriptions.notifier import Notifier, NotifierConfig
from parley.subscriptions.presence import Presence, PresenceState
from parley.subscriptions.push import PushChannel
from parley.subscriptions.routing import Activity
from parley.web.services import Services
from tests.support import WAIT

ROLES = ("ana", "ben", "cat", "dan", "eve", "fay")
# (client, freelancer) of each conversation
CONVERSATIONS = (("ana", "dan"), ("ana", "eve"), ("ben", "dan"), ("cat", "fay"), ("ben", "fay"))
# (sender, conversation): both directions, several per conversation, interleaved
SENDS = (
    ("ana", 0), ("ana", 1), ("dan", 0), ("ben", 2), ("cat", 3), ("ana", 0),
    ("fay", 3), ("eve", 1), ("ben", 4), ("dan", 2), ("ana", 0), ("fay", 4),
    ("ana", 1), ("ben", 2), ("cat", 3), ("dan", 0),
)  # fmt: skip


@dataclass
class Scene:
    """One copy of the situation; each run gets its own accounts."""

    started: datetime
    accounts: dict[int, str]
    conversations: dict[int, int]
    items: dict[int, int]


async def _scene(services: Services, clock: ManualClock) -> Scene:
    ids: dict[str, int] = {}
    for role in ROLES:
        kind = AccountKind.CLIENT if role in ("ana", "ben", "cat") else AccountKind.FREELANCER
        ids[role] = (await create_account(clock, kind=kind, name=role.title())).id
    conversations: dict[int, int] = {}
    for index, (client, freelancer) in enumerate(CONVERSATIONS):
        order = await create_order(
            clock, client_id=ids[client], freelancer_id=ids[freelancer], title="Post"
        )
        conversations[order.order.conversation_id] = index
    cid = {index: conversation for conversation, index in conversations.items()}
    now, presence = clock.now(), services.presence
    # ana: active in the app; ben: in a live session; cat: online, idle, one device;
    # dan: offline with email and two devices; eve: offline, email off; fay: offline, email,
    # muted conversation 3 but not 4.
    await presence.connected(ids["ana"], now)
    await presence.report_activity(ids["ana"], Activity.ACTIVE, now)
    await presence.connected(ids["ben"], now)
    await presence.report_activity(ids["ben"], Activity.LIVE_SESSION, now)
    await presence.connected(ids["cat"], now)
    await presence.report_activity(ids["cat"], Activity.IDLE, now)
    for role, endpoint in (("cat", "c1"), ("dan", "d1"), ("dan", "d2")):
        await PushSubscription.create(
            account_id=ids[role],
            endpoint=f"https://push.example/{ids[role]}/{endpoint}",
            p256dh="k",
            auth="a",
            created_at=now,
        )
    for role in ("dan", "eve", "fay"):
        await update_preferences(clock, ids[role], email=f"{role}@example.com")
    await update_preferences(clock, ids["eve"], email_enabled=False)
    await set_muted(ids["fay"], cid[3], True)
    return Scene(now, {i: role for role, i in ids.items()}, conversations, {})


def _notifier(services: Services, tmp_path: Path, presence: Presence | None = None) -> Notifier:
    email = EmailChannel("Parley <notify@parley.test>", None, tmp_path / "out")
    push = PushChannel(vapid=None, subject="mailto:ops@parley.test")  # routing never sends
    config = NotifierConfig(email_delay=timedelta(minutes=2))
    return Notifier(
        services.clock,
        presence or services.presence,
        services.bus.publish,
        config,
        email=email,
        push=push,
    )


async def _send(scene: Scene, clock: ManualClock, number: int) -> None:
    sender, conversation = SENDS[number]
    ids = {role: i for i, role in scene.accounts.items()}
    cid = {index: conversation for conversation, index in scene.conversations.items()}
    sent = await send_message(clock, ids[sender], conversation_id=cid[conversation], body="hi")
    scene.items[sent.message.id] = number
    clock.advance(timedelta(seconds=1))  # well within the activity reports' TTL


async def _stored(scene: Scene) -> dict[str, Any]:
    """What routing stored for the scene's accounts, in terms that do not depend on ids."""
    accounts = list(scene.accounts)

    def item(item_id: int | None) -> int | None:
        return None if item_id is None else scene.items.get(item_id, -1)

    deliveries = await Delivery.filter(account_id__in=accounts).order_by("id")
    key = {d.id: (d.channel.value, item(d.first_item_id)) for d in deliveries}
    log = await NotificationLogEntry.filter(account_id__in=accounts).order_by("id")
    events = await Event.filter(account_id__in=accounts).order_by("account_id", "seq")
    for account in accounts:  # every account's cursor stays gap-free
        seqs = [e.seq for e in events if e.account_id == account]
        assert seqs == list(range(1, len(seqs) + 1))
    return {
        "log": [
            (
                scene.accounts[e.account_id],
                scene.conversations[e.conversation_id],
                item(e.item_id),
                key.get(e.delivery_id) if e.delivery_id is not None else None,
                e.channel.value,
                e.outcome.value,
                e.reason,
            )
            for e in log
            if item(e.item_id) != -1  # the orders' own notifications, routed before
        ],
        "deliveries": sorted(
            (
                scene.accounts[d.account_id],
                scene.conversations[d.conversation_id],
                d.channel.value,
                d.status.value,
                item(d.first_item_id),
                item(d.last_item_id),
                d.item_count,
                # an email falls due after the delay from its message; others when routed
                d.due_at - scene.started if d.channel == DeliveryChannel.EMAIL else None,
            )
            for d in deliveries
        ),
        "in_app": [
            (
                scene.accounts[e.account_id],
                scene.conversations[e.conversation_id],
                item(e.data["item"]) if e.data else None,
                e.data["reason"] if e.data else None,
            )
            for e in events
            if e.kind == EventKind.NOTIFICATION and e.data and item(e.data["item"]) != -1
        ],
    }


async def test_a_batch_routes_as_routing_one_intent_at_a_time_did(
    services: Services, clock: ManualClock, tmp_path: Path
) -> None:
    notifier = _notifier(services, tmp_path)

    one_by_one = await _scene(services, clock)
    await notifier.route_intents(clock.now())  # the orders' own notifications
    for number in range(len(SENDS)):
        await _send(one_by_one, clock, number)
        assert await notifier.route_intents(clock.now()) == 1

    batched = await _scene(services, clock)
    await notifier.route_intents(clock.now())
    for number in range(len(SENDS)):
        await _send(batched, clock, number)
        if number == 6:  # two batches: the second adds to emails the first scheduled
            assert await notifier.route_intents(clock.now()) == 7
    assert await notifier.route_intents(clock.now()) == len(SENDS) - 7
    assert await notifier.route_intents(clock.now()) == 0

    expected, got = await _stored(one_by_one), await _stored(batched)
    assert got["log"] == expected["log"]
    assert got["deliveries"] == expected["deliveries"]
    assert got["in_app"] == expected["in_app"]
    outcomes = {(entry[4], entry[5]) for entry in got["log"]}
    assert {("in_app", "sent"), ("in_app", "held"), ("in_app", "skipped")} <= outcomes
    assert {("push", "scheduled"), ("push", "skipped"), ("email", "scheduled")} <= outcomes
    assert ("email", "batched") in outcomes


class MeetingPresence:
    """The real presence, plus a meeting point for two routers.

    A router asks for its recipients' presence after it read its batch and before it
    claims it. Holding each router's first question until both have asked forces the
    race: both have read the whole backlog before either claims any of it.
    """

    def __init__(self, presence: Presence, meeting: asyncio.Barrier) -> None:
        self.presence = presence
        self.meeting = meeting
        self.met = False

    async def state(self, account_id: int, now: datetime) -> PresenceState:
        if not self.met:
            self.met = True
            async with asyncio.timeout(WAIT):
                await self.meeting.wait()
        return await self.presence.state(account_id, now)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.presence, name)


async def test_two_routers_racing_over_one_backlog_route_each_intent_once(
    services: Services, clock: ManualClock, tmp_path: Path
) -> None:
    scene = await _scene(services, clock)
    await _notifier(services, tmp_path).route_intents(clock.now())  # the orders' own
    for number in range(len(SENDS)):
        await _send(scene, clock, number)
    meeting = asyncio.Barrier(2)
    first, second = (
        _notifier(services, tmp_path, MeetingPresence(services.presence, meeting)) for _ in range(2)
    )

    # Both read the backlog, then both claim it: on PostgreSQL each router's transaction
    # has its own connection, and whichever locks the recipients first claims every intent.
    routed = await asyncio.gather(
        first.route_intents(clock.now()), second.route_intents(clock.now())
    )

    assert routed == [len(SENDS), len(SENDS)]  # both saw the whole backlog
    assert await NotificationIntent.filter(routed_at__isnull=True).count() == 0
    stored = await _stored(scene)
    decided = [(entry[2], entry[4]) for entry in stored["log"]]
    assert sorted(decided) == sorted(
        (number, channel) for number in range(len(SENDS)) for channel in ("in_app", "push", "email")
    )
    pending_emails = [d for d in stored["deliveries"] if d[2] == "email" and d[3] == "pending"]
    assert len(pending_emails) == len({(d[0], d[1]) for d in pending_emails})
