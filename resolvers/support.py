"""Opening a support request about one of the caller's conversations or orders."""

from __future__ import annotations

from models import support as m
from models.conversations import participant_view
from models.errors import InvalidInput, ParleyError
from models.orders import get_order_for
from resolvers.inputs import parse_id
from schema.context import Info
from schema.errors import from_domain
from schema.support import OpenSupportRequestInput, SupportRequest, SupportRequestResult


async def open_support_request(info: Info, input: OpenSupportRequestInput) -> SupportRequestResult:
    caller = info.context.account_id()
    try:
        if input.conversation_id is None and input.order_id is None:
            raise InvalidInput("conversationId", "Say which conversation or order it is about.")
        conversation_id = order_id = None
        if input.conversation_id is not None:
            conversation_id = parse_id(input.conversation_id, "The conversation")
            await participant_view(caller, conversation_id)
        if input.order_id is not None:
            order_id = (await get_order_for(caller, parse_id(input.order_id, "The order"))).id
        row = await m.open_support_request(
            info.context.services.clock,
            caller,
            m.SupportReason(input.reason),
            details=input.details,
            conversation_id=conversation_id,
            order_id=order_id,
        )
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    return SupportRequest.from_model(row)
