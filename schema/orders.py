"""Orders (jobs) and the order events that appear in a conversation's feed."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import strawberry

from parley.models import feed, orders
from parley.models.errors import ConversationRequired
from parley.models.feed_pages import FeedEntry
from parley.models.global_ids import Tag
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.enums import domain_enum
from parley.schema.errors import (
    ConversationRequiredError,
    InvalidInputError,
    InvalidTransitionError,
    NotDiscoverableError,
    NotFoundError,
)
from parley.schema.guarantees import (
    GuaranteeRequest,
    OrderTerms,
    load_current_terms,
    load_guarantee,
    load_latest_guarantee,
    load_terms,
)
from parley.schema.node import Node, global_id

domain_enum(
    orders.OrderStatus,
    name="OrderStatus",
    description="Where an order is in its life.",
    values={
        "OPEN": "Placed; work has not started.",
        "IN_PROGRESS": "The freelancer is working on it.",
        "FINAL_REVIEW": "Delivered; the client is reviewing it (messages pause).",
        "COMPLETED": "Done.",
        "CANCELLED": "Cancelled before completion.",
    },
)
domain_enum(
    feed.OrderEventType,
    name="OrderEventType",
    description="What happened to an order.",
    values={
        "CREATED": "The marketplace created the order.",
        "STATUS_CHANGED": "The order moved to another status (see status and previousStatus).",
        "TERMS_PROPOSED": "One side proposed terms: amount, delivery date and deliverables.",
        "TERMS_COUNTERED": "One side answered proposed terms with terms of its own.",
        "TERMS_ACCEPTED": "The other side accepted the proposed terms: they are agreed.",
        "GUARANTEE_REQUESTED": "One side asked the marketplace to guarantee the agreed terms.",
        "GUARANTEE_ACCEPTED": "The marketplace guarantees the order.",
        "GUARANTEE_DECLINED": "The marketplace declined to guarantee the order.",
        "GUARANTEE_VOIDED": "New terms voided the guarantee request; request it again.",
    },
)

OrderStatus = orders.OrderStatus
OrderEventType = feed.OrderEventType
TERMS_EVENTS = frozenset(
    {OrderEventType.TERMS_PROPOSED, OrderEventType.TERMS_COUNTERED, OrderEventType.TERMS_ACCEPTED}
)
GUARANTEE_EVENTS = frozenset(
    {
        OrderEventType.GUARANTEE_REQUESTED,
        OrderEventType.GUARANTEE_ACCEPTED,
        OrderEventType.GUARANTEE_DECLINED,
        OrderEventType.GUARANTEE_VOIDED,
    }
)


@strawberry.type(description="A job a client ordered from a freelancer.")
class Order(Node):
    _row: strawberry.Private[orders.Order]
    id: strawberry.ID = strawberry.field(description="The order's id.")
    title: str = strawberry.field(description="What the job is.")
    job_type: str = strawberry.field(description="The marketplace's job type, e.g. standard.")
    status: OrderStatus = strawberry.field(description="The order's current status.")
    conversation_id: strawberry.ID = strawberry.field(description="The conversation it belongs to.")
    created_at: datetime = strawberry.field(description="When the order was placed.")
    updated_at: datetime = strawberry.field(description="When the order last changed.")
    messaging_enabled: bool = strawberry.field(
        description="False when the client turned messaging off for this order."
    )
    requires_conversation: bool = strawberry.field(
        description="Work cannot start until both sides exchanged a message about the order."
    )
    conversation_requirement_met: bool = strawberry.field(
        description="True once the required conversation happened (always true when not required)."
    )

    @strawberry.field(description="Why work cannot start yet (show it as is); null when it can.")
    def start_blocked_reason(self) -> str | None:
        if orders.conversation_requirement_met(self._row):
            return None
        return str(ConversationRequired().message)

    @strawberry.field(
        description="The order's current terms: the latest proposal (PROPOSED) or the agreed "
        "terms (ACCEPTED); null before anyone proposed terms.",
        graphql_type=OrderTerms | None,
    )
    def terms(self, info: Info) -> Awaitable[OrderTerms | None]:
        return load_current_terms(info, self._row.id)

    @strawberry.field(
        description="The order's latest guarantee request, whatever its status; null if none.",
        graphql_type=GuaranteeRequest | None,
    )
    def guarantee_request(self, info: Info) -> Awaitable[GuaranteeRequest | None]:
        return load_latest_guarantee(info, self._row.id)

    @classmethod
    def from_model(cls, row: orders.Order) -> Order:
        return cls(
            _row=row,
            id=global_id(Tag.ORDER, row.id),
            title=row.title,
            job_type=row.job_type,
            status=orders.OrderStatus(row.status),
            conversation_id=global_id(Tag.CONVERSATION, row.conversation_id),
            created_at=row.created_at,
            updated_at=row.updated_at,
            messaging_enabled=row.messaging_enabled,
            requires_conversation=row.requires_conversation,
            conversation_requirement_met=orders.conversation_requirement_met(row),
        )


@dataclass(frozen=True, slots=True)
class ReadWithPage:
    """A feed item's author and order, read with its page (models.feed_pages).

    Fields given one resolve at once: no loader, no awaitable for the executor to
    schedule, which is most of what a page's ~250 fields cost otherwise.
    """

    sender: Account | None
    order: Order | None


async def load_order(info: Info, order_id: int | None) -> Order | None:
    if order_id is None:
        return None
    row = await info.context.loaders.order_by_id.load(order_id)
    return Order.from_model(row) if row is not None else None


@strawberry.type(description="A change to an order, shown in the conversation's feed.")
class OrderEvent(Node):
    _row: strawberry.Private[feed.FeedItem | FeedEntry]
    _read: strawberry.Private[ReadWithPage | None] = None
    id: strawberry.ID = strawberry.field(description="The feed item's id.")
    order_event_type: OrderEventType = strawberry.field(
        description="What happened: created, a status change, a terms step or a guarantee step."
    )
    status: OrderStatus = strawberry.field(description="The order's status after this event.")
    previous_status: OrderStatus | None = strawberry.field(
        description="The status before a change; null for creation."
    )
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(
        description="The order this event is about (nullable only so that it can be selected "
        "beside Message.order in one query).",
        graphql_type=Order | None,
    )
    def order(self, info: Info) -> Order | Awaitable[Order | None] | None:
        if self._read is not None:
            return self._read.order
        return load_order(info, self._row.order_id)

    @strawberry.field(
        description="TERMS_* events: the terms proposed, countered or accepted.",
        graphql_type=OrderTerms | None,
    )
    def terms(self, info: Info) -> Awaitable[OrderTerms] | None:
        if self.order_event_type not in TERMS_EVENTS or self._row.subject_id is None:
            return None
        return load_terms(info, self._row.subject_id)

    @strawberry.field(
        description="GUARANTEE_* events: the guarantee request, as it stands now.",
        graphql_type=GuaranteeRequest | None,
    )
    def guarantee_request(self, info: Info) -> Awaitable[GuaranteeRequest] | None:
        if self.order_event_type not in GUARANTEE_EVENTS or self._row.subject_id is None:
            return None
        return load_guarantee(info, self._row.subject_id)

    @classmethod
    def from_model(
        cls, row: feed.FeedItem | FeedEntry, read: ReadWithPage | None = None
    ) -> OrderEvent:
        assert row.event is not None, "an order event without its event"
        return cls(
            _row=row,
            _read=read,
            id=global_id(Tag.FEED_ITEM, row.id),
            order_event_type=feed.OrderEventType(row.event),
            status=orders.OrderStatus(row.order_status or orders.OrderStatus.OPEN),
            previous_status=orders.OrderStatus(row.previous_status)
            if row.previous_status
            else None,
            created_at=row.created_at,
        )


@strawberry.input(description="A new order between a client and a freelancer (service token).")
class CreateOrderInput:
    client_id: strawberry.ID = strawberry.field(description="The ordering client.")
    freelancer_id: strawberry.ID = strawberry.field(description="The freelancer doing the job.")
    title: str = strawberry.field(description="What the job is, 1 to 200 characters.")
    job_type: str = strawberry.field(default="standard", description="The marketplace's job type.")
    requires_conversation: bool = strawberry.field(
        default=False,
        description="Work may start only after both sides exchanged a message about the order.",
    )


CreateOrderResult = Annotated[
    Order | NotFoundError | InvalidInputError | NotDiscoverableError,
    strawberry.union("CreateOrderResult", description="The new order, or why it was refused."),
]

ChangeOrderStatusResult = Annotated[
    Order | NotFoundError | InvalidTransitionError | ConversationRequiredError,
    strawberry.union(
        "ChangeOrderStatusResult", description="The order in its new status, or why not."
    ),
]

RecordReviewResult = Annotated[
    Order | NotFoundError,
    strawberry.union("RecordReviewResult", description="The reviewed order, or NotFound."),
]
