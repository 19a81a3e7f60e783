"""Demo data for a newcomer: a freelancer, a few clients, orders and messages.

Loaded through the same domain functions the API uses, with a clock that walks
through the last few days so the feed has a believable history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.call_flow import send_call_invite
from parley.models.messaging import mark_read, send_message
from parley.models.orders import OrderStatus, change_order_status, create_order
from parley.models.store.clock import Clock, ManualClock


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    freelancer: Account
    clients: list[Account]


async def is_empty() -> bool:
    return not await Account.exists()


async def load_demo(now: Clock) -> DemoAccounts:
    clock = ManualClock(now.now() - timedelta(days=3))

    def later(minutes: int) -> ManualClock:
        clock.advance(timedelta(minutes=minutes))
        return clock

    maya = await create_account(
        clock, kind=AccountKind.FREELANCER, name="Maya Lindqvist", time_zone="Europe/Berlin"
    )
    acme = await create_account(
        clock, kind=AccountKind.CLIENT, name="Acme Outdoor Co.", time_zone="America/New_York"
    )
    bright = await create_account(
        clock, kind=AccountKind.CLIENT, name="Brightside Media", time_zone="Europe/London"
    )
    kite = await create_account(
        clock, kind=AccountKind.CLIENT, name="Kite Studio", time_zone="Asia/Tokyo"
    )

    order = await create_order(
        later(5), client_id=acme.id, freelancer_id=maya.id, title="Spring hiking guide, 1,500 words"
    )
    conversation = order.order.conversation_id
    await send_message(
        later(12),
        acme.id,
        conversation_id=conversation,
        order_id=order.order.id,
        body="Hi Maya! Could you focus on beginner-friendly trails in the Rockies?",
    )
    await send_message(
        later(30),
        maya.id,
        conversation_id=conversation,
        order_id=order.order.id,
        body="Happy to. Should it be first or second person, and any competitors to avoid?",
    )
    await send_message(
        later(45),
        acme.id,
        conversation_id=conversation,
        order_id=order.order.id,
        body="Second person, casual tone. Please avoid mentioning other gear brands.",
    )
    await mark_read(later(2), maya.id, conversation)
    await change_order_status(later(60), order.order.id, OrderStatus.IN_PROGRESS)
    await change_order_status(later(600), order.order.id, OrderStatus.FINAL_REVIEW)

    second = await create_order(
        later(90),
        client_id=bright.id,
        freelancer_id=maya.id,
        title="Podcast show notes, 4 episodes",
    )
    await send_message(
        later(3),
        bright.id,
        conversation_id=second.order.conversation_id,
        body="Transcripts are in the shared folder. Deadline is Friday.",
    )
    await send_message(
        later(1),
        bright.id,
        conversation_id=second.order.conversation_id,
        body="Also: episode 3 has a guest, please spell her name Siobhán.",
    )
    await send_message(
        later(20),
        kite.id,
        counterpart_id=maya.id,
        body="Hello! We loved your portfolio. Would you take on a product launch blog series?",
    )
    # A pending call invite for Maya's "Call Requests" list, at times still ahead of `now`.
    tomorrow = now.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    await send_call_invite(
        later(5),
        kite.id,
        freelancer_id=maya.id,
        start_times=[
            tomorrow.replace(hour=15),
            tomorrow.replace(hour=16),
            tomorrow.replace(hour=17) + timedelta(days=1),
        ],
        duration_minutes=30,
        topic="Product launch blog series: scope and timeline",
    )
    return DemoAccounts(freelancer=maya, clients=[acme, bright, kite])
