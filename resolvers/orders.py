"""Orders: a party reads them; the service token creates them and moves them along."""

from __future__ import annotations

import strawberry

from parley.models import orders
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.after_commit import after_commit
from parley.resolvers.inputs import parse_id
from parley.schema.context import Info
from parley.schema.errors import (
    ConversationRequiredError,
    InvalidInputError,
    InvalidTransitionError,
    NotDiscoverableError,
    NotFoundError,
    error_result,
)
from parley.schema.orders import (
    ChangeOrderStatusResult,
    CreateOrderInput,
    CreateOrderResult,
    Order,
    OrderStatus,
    RecordReviewResult,
)


async def order(info: Info, id: strawberry.ID) -> Order | None:
    viewer = info.context.account_id()
    try:
        row = await orders.get_order_for(viewer, parse_id(id, Tag.ORDER, "The order"))
    except ParleyError:
        return None
    return Order.from_model(row)


async def create_order(info: Info, input: CreateOrderInput) -> CreateOrderResult:
    info.context.require_service()
    services = info.context.services
    try:
        change = await orders.create_order(
            services.clock,
            client_id=parse_id(input.client_id, Tag.ACCOUNT, "The client"),
            freelancer_id=parse_id(input.freelancer_id, Tag.ACCOUNT, "The freelancer"),
            title=input.title,
            job_type=input.job_type,
            requires_conversation=input.requires_conversation,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError, NotDiscoverableError)
    await after_commit(services, change.events)
    return Order.from_model(change.order)


async def record_review(info: Info, order_id: strawberry.ID, negative: bool) -> RecordReviewResult:
    info.context.require_service()
    try:
        row = await orders.record_review(
            info.context.services.clock,
            parse_id(order_id, Tag.ORDER, "The order"),
            negative=negative,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError)
    return Order.from_model(row)


async def change_order_status(
    info: Info, id: strawberry.ID, status: OrderStatus
) -> ChangeOrderStatusResult:
    info.context.require_service()
    services = info.context.services
    try:
        change = await orders.change_order_status(
            services.clock, parse_id(id, Tag.ORDER, "The order"), orders.OrderStatus(status)
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidTransitionError, ConversationRequiredError)
    await after_commit(services, change.events)
    return Order.from_model(change.order)
