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

from models.accounts import Account
from models.clock import Clock
from models.conversations import Conversation, Participant, open_conversation
from models.errors import InvalidInput, InvalidTransition, NotFound
from models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from models.feed import FeedItem, FeedItemKind, OrderEventType

TITLE_MAX = 200


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
    job_type = fields.CharField(max_length=64, default="standard")
    status = fields.CharEnumField(OrderStatus, max_length=32, default=OrderStatus.OPEN)
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
    clock: Clock, *, client_id: int, freelancer_id: int, title: str, job_type: str = "standard"
) -> OrderChange:
    cleaned = title.strip()
    if not cleaned or len(cleaned) > TITLE_MAX:
        raise InvalidInput("title", f"An order title has 1 to {TITLE_MAX} characters.")
    if not job_type.strip() or len(job_type) > 64:
        raise InvalidInput("jobType", "A job type has 1 to 64 characters.")
    now = clock.now()
    async with in_transaction():
        conversation = await open_conversation(client_id, freelancer_id, now)
        order = await Order.create(
            conversation_id=conversation.id,
            client_id=client_id,
            freelancer_id=freelancer_id,
            title=cleaned,
            job_type=job_type.strip(),
            status=OrderStatus.OPEN,
            created_at=now,
            updated_at=now,
        )
        await lock_event_logs((client_id, freelancer_id))
        item = await FeedItem.create(
            conversation_id=conversation.id,
            kind=FeedItemKind.ORDER_EVENT,
            author_id=client_id,
            order_id=order.id,
            event=OrderEventType.CREATED,
            order_status=OrderStatus.OPEN,
            created_at=now,
        )
        events = await _record_activity(conversation, item)
    return OrderChange(order, item, events)


async def change_order_status(clock: Clock, order_id: int, status: OrderStatus) -> OrderChange:
    now = clock.now()
    async with in_transaction():
        order = await Order.filter(id=order_id).select_for_update().first()
        if order is None:
            raise NotFound("The order")
        current = OrderStatus(order.status)
        if status not in TRANSITIONS[current]:
            raise InvalidTransition(current.value, status.value)
        order.status = status
        order.updated_at = now
        await order.save(update_fields=["status", "updated_at"])
        await lock_event_logs((order.client_id, order.freelancer_id))
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
        events = await _record_activity(conversation, item)
    return OrderChange(order, item, events)


async def _record_activity(conversation: Conversation, item: FeedItem) -> list[LoggedEvent]:
    await Participant.filter(conversation_id=conversation.id).update(
        last_activity_at=item.created_at
    )
    await Conversation.filter(id=conversation.id).update(last_activity_at=item.created_at)
    return await append_events(
        conversation.participant_ids(),
        EventKind.ITEM,
        conversation_id=conversation.id,
        item_id=item.id,
        now=item.created_at,
    )


async def get_order_for(viewer_id: int, order_id: int) -> Order:
    """An order the viewer is a party to; NotFound otherwise."""
    order = await Order.get_or_none(id=order_id)
    if order is None or viewer_id not in (order.client_id, order.freelancer_id):
        raise NotFound("The order")
    return order
