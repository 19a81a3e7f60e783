"""Orders (jobs) and their lifecycle, driven by the marketplace's service token.

    open ──▶ in_progress ──▶ final_review ──▶ completed
      │           │    ▲            │
      └───────────┴────┴── cancelled ◀┘      (final_review may go back to in_progress)

Creating an order opens the pair's conversation; every change is a feed item.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from parley.models.accounts import Account, AccountKind
from parley.models.conversations import Conversation, Participant, open_conversation
from parley.models.errors import (
    ConversationRequired,
    InvalidTransition,
    NotDiscoverable,
    NotFound,
    PermissionDenied,
)
from parley.models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from parley.models.feed import FeedItem, FeedItemKind, OrderEventType
from parley.models.store.clock import Clock
from parley.models.store.scripts import run_script, run_step
from parley.models.text import clean_text

TITLE_MAX = 200
JOB_TYPE_MAX = 64


class OrderStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FINAL_REVIEW = "final_review"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED}),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.FINAL_REVIEW, OrderStatus.CANCELLED}),
    OrderStatus.FINAL_REVIEW: frozenset(
        {OrderStatus.COMPLETED, OrderStatus.IN_PROGRESS, OrderStatus.CANCELLED}
    ),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "models.Conversation", related_name=False
    )
    conversation_id: int
    client: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    client_id: int
    freelancer: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    freelancer_id: int
    title = fields.CharField(max_length=TITLE_MAX)
    job_type = fields.CharField(max_length=JOB_TYPE_MAX, default="standard")
    status = fields.CharEnumField(OrderStatus, max_length=32, default=OrderStatus.OPEN)
    # The client's per-order messaging switch (rule 2).
    messaging_enabled = fields.BooleanField(default=True)
    # Work may not start until both sides exchanged a message about the order (rule 9).
    requires_conversation = fields.BooleanField(default=False)
    client_messaged = fields.BooleanField(default=False)
    freelancer_messaged = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "orders"
        indexes = (("conversation_id", "id"),)


@dataclass(frozen=True, slots=True)
class OrderChange:
    order: Order
    item: FeedItem
    events: list[LoggedEvent]


async def create_order(
    clock: Clock,
    *,
    client_id: int,
    freelancer_id: int,
    title: str,
    job_type: str = "standard",
    requires_conversation: bool = False,
) -> OrderChange:
    cleaned = clean_text(title, "title", label="An order title", max_length=TITLE_MAX)
    job_type = clean_text(job_type, "jobType", label="A job type", max_length=JOB_TYPE_MAX)
    freelancer = await Account.get_or_none(id=freelancer_id)
    if freelancer is not None and not freelancer.discoverable:
        raise NotDiscoverable()  # opting out of the marketplace also blocks job requests
    client = await Account.get_or_none(id=client_id)
    if client is None or client.kind != AccountKind.CLIENT:
        raise NotFound("The client")
    if freelancer is None or freelancer.kind != AccountKind.FREELANCER:
        raise NotFound("The freelancer")
    now = clock.now()
    async with in_transaction():
        # lock order: event logs first
        await run_script(lambda dialect: lock_event_logs(dialect, (client_id, freelancer_id)))
        conversation = await run_step(open_conversation(client_id, freelancer_id, now))
        order = await Order.create(
            conversation_id=conversation.id,
            client_id=client_id,
            freelancer_id=freelancer_id,
            title=cleaned,
            job_type=job_type,
            status=OrderStatus.OPEN,
            requires_conversation=requires_conversation,
            created_at=now,
            updated_at=now,
        )
        # A new order from the client lifts the five-unanswered block (rule 5).
        await Participant.filter(conversation_id=conversation.id).update(unanswered=0)
        item = await FeedItem.create(
            conversation_id=conversation.id,
            kind=FeedItemKind.ORDER_EVENT,
            author_id=client_id,
            order_id=order.id,
            event=OrderEventType.CREATED,
            order_status=OrderStatus.OPEN,
            created_at=now,
        )
        events = await record_activity(conversation, item)
    return OrderChange(order, item, events)


async def change_order_status(clock: Clock, order_id: int, status: OrderStatus) -> OrderChange:
    now = clock.now()
    async with in_transaction():
        parties = await Order.filter(id=order_id).values_list("client_id", "freelancer_id")
        if not parties:
            raise NotFound("The order")
        # lock order: event logs first, then the order
        await run_script(lambda dialect: lock_event_logs(dialect, parties[0]))
        order = await Order.filter(id=order_id).select_for_update().first()
        if order is None:
            raise NotFound("The order")
        current = OrderStatus(order.status)
        if status not in TRANSITIONS[current]:
            raise InvalidTransition(current.value, status.value)
        if status == OrderStatus.IN_PROGRESS and not conversation_requirement_met(order):
            raise ConversationRequired()
        order.status = status
        order.updated_at = now
        await order.save(update_fields=["status", "updated_at"])
        item = await FeedItem.create(
            conversation_id=order.conversation_id,
            kind=FeedItemKind.ORDER_EVENT,
            order_id=order.id,
            event=OrderEventType.STATUS_CHANGED,
            order_status=status,
            previous_status=current,
            created_at=now,
        )
        conversation = await Conversation.get(id=order.conversation_id)
        events = await record_activity(conversation, item)
    return OrderChange(order, item, events)


async def record_activity(conversation: Conversation, item: FeedItem) -> list[LoggedEvent]:
    """Bump the pair's activity and log the new item for both (inside its transaction)."""
    await Participant.filter(conversation_id=conversation.id).update(
        last_activity_at=item.created_at
    )
    await Conversation.filter(id=conversation.id).update(last_activity_at=item.created_at)
    return await run_step(
        append_events(
            conversation.participant_ids(),
            EventKind.ITEM,
            conversation_id=conversation.id,
            item_id=item.id,
            now=item.created_at,
        )
    )


def conversation_requirement_met(order: Order) -> bool:
    """Rule 9: work may start once both sides exchanged a message about the order."""
    return not order.requires_conversation or (order.client_messaged and order.freelancer_messaged)


async def set_order_messaging(clock: Clock, client_id: int, order_id: int, enabled: bool) -> Order:
    """The client turns messaging about one order off or back on (rule 2)."""
    order = await Order.get_or_none(id=order_id)
    if order is None or client_id not in (order.client_id, order.freelancer_id):
        raise NotFound("The order")
    if order.client_id != client_id:
        raise PermissionDenied("Only the client of an order can turn its messaging on or off.")
    order.messaging_enabled = enabled
    order.updated_at = clock.now()
    await order.save(update_fields=["messaging_enabled", "updated_at"])
    return order


async def record_review(clock: Clock, order_id: int, *, negative: bool) -> Order:
    """The marketplace records the client's review; a negative one ends messaging (rule 6)."""
    order = await Order.get_or_none(id=order_id)
    if order is None:
        raise NotFound("The order")
    if negative:
        await Conversation.filter(id=order.conversation_id, negative_review_at__isnull=True).update(
            negative_review_at=clock.now()
        )
    return order


async def require_order_in(conversation_id: int, order_id: int) -> None:
    """NotFound unless the order is one of the conversation's (its job thread exists)."""
    if not await Order.exists(id=order_id, conversation_id=conversation_id):
        raise NotFound("The order")


async def get_order_for(viewer_id: int, order_id: int) -> Order:
    """An order the viewer is a party to; NotFound otherwise."""
    order = await Order.get_or_none(id=order_id)
    if order is None or viewer_id not in (order.client_id, order.freelancer_id):
        raise NotFound("The order")
    return order
