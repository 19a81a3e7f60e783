"""Support requests: the caller opens and reads theirs; the service token moves them along."""

from __future__ import annotations

from parley.models import support
from parley.models.conversations import participant_view
from parley.models.errors import InvalidInput, ParleyError
from parley.models.global_ids import Tag
from parley.models.orders import get_order_for
from parley.resolvers.after_commit import after_commit
from parley.resolvers.cursors import SUPPORT_REQUESTS
from parley.resolvers.inputs import parse_id
from parley.resolvers.paging import page_by_id
from parley.schema.context import Info
from parley.schema.errors import InvalidInputError, NotFoundError, error_result
from parley.schema.support import (
    OpenSupportRequestInput,
    OpenSupportRequestResult,
    SupportRequest,
    SupportRequestConnection,
    SupportRequestEdge,
    UpdateSupportRequestInput,
    UpdateSupportRequestResult,
)


async def open_support_request(
    info: Info, input: OpenSupportRequestInput
) -> OpenSupportRequestResult:
    caller = info.context.account_id()
    try:
        if input.conversation_id is None and input.order_id is None:
            raise InvalidInput("conversationId", "Say which conversation or order it is about.")
        conversation_id = order_id = None
        if input.conversation_id is not None:
            conversation_id = parse_id(input.conversation_id, Tag.CONVERSATION, "The conversation")
            await participant_view(caller, conversation_id)
        if input.order_id is not None:
            order_id = (
                await get_order_for(caller, parse_id(input.order_id, Tag.ORDER, "The order"))
            ).id
        row = await support.open_support_request(
            info.context.services.clock,
            caller,
            support.SupportReason(input.reason),
            details=input.details,
            conversation_id=conversation_id,
            order_id=order_id,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError)
    return SupportRequest.from_model(row)


async def support_requests(
    info: Info, first: int | None, after: str | None
) -> SupportRequestConnection:
    caller = info.context.account_id()
    page, page_info = await page_by_id(
        info,
        SUPPORT_REQUESTS,
        first,
        after,
        lambda size, key: support.support_page(caller, size, key),
    )
    edges = [
        SupportRequestEdge(cursor=cursor, node=SupportRequest.from_model(row))
        for cursor, row in page
    ]
    return SupportRequestConnection(edges=edges, page_info=page_info)


async def update_support_request(
    info: Info, input: UpdateSupportRequestInput
) -> UpdateSupportRequestResult:
    info.context.require_service()
    services = info.context.services
    try:
        change = await support.update_support_request(
            services.clock,
            parse_id(input.id, Tag.SUPPORT_REQUEST, "The support request"),
            support.SupportStatus(input.status),
            input.note,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError)
    await after_commit(services, change.events)
    return SupportRequest.from_model(change.request)
