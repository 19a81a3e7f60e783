"""sendMessage: the one mutation every message goes through."""

from __future__ import annotations

from models import messaging
from models.errors import ParleyError
from resolvers.inputs import parse_id
from schema.context import Info
from schema.errors import RateLimitedError, from_domain
from schema.messaging import Message, SendMessageInput, SendMessageResult


async def send_message(info: Info, input: SendMessageInput) -> SendMessageResult:
    sender = info.context.account_id()
    services = info.context.services
    limits = services.rate_limits
    wait = await limits.retry_after(limits.sends, "sends", str(sender))
    if wait is not None:
        return RateLimitedError(
            code="RATE_LIMITED",
            message=f"You are sending too fast: try again in {wait} s.",
            retry_after=wait,
        )
    try:
        result = await messaging.send_message(
            services.clock,
            sender,
            body=input.body,
            conversation_id=_optional_id(input.conversation_id, "The conversation"),
            counterpart_id=_optional_id(input.counterpart_id, "The account"),
            order_id=_optional_id(input.order_id, "The order"),
            idempotency_key=input.idempotency_key,
        )
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await services.bus.publish(result.events)
    return Message.from_model(result.message)


def _optional_id(value: str | None, what: str) -> int | None:
    return None if value is None else parse_id(value, what)
