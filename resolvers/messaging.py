"""Sending, the pre-send status check, the client's switches, and the retention policy."""

from __future__ import annotations

import strawberry

from parley.models import accounts, messaging, orders, rules
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.models.retention import visible_since
from parley.resolvers.after_commit import after_commit
from parley.resolvers.inputs import parse_id, query_error
from parley.schema.context import Info
from parley.schema.errors import (
    IdempotencyKeyReusedError,
    InvalidInputError,
    MessagingBlockedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    error_result,
)
from parley.schema.messaging import (
    Message,
    MessagingAction,
    MessagingScope,
    MessagingStatus,
    MessagingSwitch,
    RetentionPolicy,
    SendMessageInput,
    SendMessageResult,
    SetMessagingEnabledResult,
)
from parley.schema.node import global_id
from parley.telemetry.tracing import span


def _optional_id(value: str | None, tag: Tag, what: str) -> int | None:
    return None if value is None else parse_id(value, tag, what)


def _target(
    conversation_id: str | None,
    counterpart_id: str | None,
    order_id: str | None,
    campaign_id: str | None,
) -> messaging.Target:
    return messaging.Target(
        conversation_id=_optional_id(conversation_id, Tag.CONVERSATION, "The conversation"),
        counterpart_id=_optional_id(counterpart_id, Tag.ACCOUNT, "The account"),
        order_id=_optional_id(order_id, Tag.ORDER, "The order"),
        campaign_id=_optional_id(campaign_id, Tag.CAMPAIGN, "The campaign"),
    )


async def send_message(info: Info, input: SendMessageInput) -> SendMessageResult:
    sender = info.context.account_id()
    services = info.context.services
    limits = services.rate_limits
    wait = await limits.retry_after(limits.sends, "sends", str(sender))
    if wait is not None:
        return RateLimitedError.after(wait, f"You are sending too fast: try again in {wait} s.")
    try:
        target = _target(
            input.conversation_id, input.counterpart_id, input.order_id, input.campaign_id
        )
        with span(services.tracer, "parley.send_message.transaction"):
            result = await messaging.send_message(
                services.clock,
                sender,
                body=input.body,
                conversation_id=target.conversation_id,
                counterpart_id=target.counterpart_id,
                order_id=target.order_id,
                campaign_id=target.campaign_id,
                idempotency_key=input.idempotency_key,
                no_messaging_job_types=services.settings.no_messaging_job_types,
            )
    except ParleyError as exc:
        return error_result(
            exc, MessagingBlockedError, NotFoundError, InvalidInputError, IdempotencyKeyReusedError
        )
    await after_commit(services, result.events)
    return Message.from_model(result.message)


async def messaging_status(
    info: Info,
    conversation_id: strawberry.ID | None,
    counterpart_id: strawberry.ID | None,
    order_id: strawberry.ID | None,
    campaign_id: strawberry.ID | None,
    action: MessagingAction,
) -> MessagingStatus:
    viewer = info.context.account_id()
    try:
        refusal = await messaging.messaging_status(
            viewer,
            _target(conversation_id, counterpart_id, order_id, campaign_id),
            info.context.services.settings.no_messaging_job_types,
            rules.Action[action.name],
        )
    except ParleyError as exc:
        raise query_error(exc) from exc
    if refusal is None:
        return MessagingStatus(can_send=True, blocked_by=None)
    return MessagingStatus(can_send=False, blocked_by=MessagingBlockedError.from_domain(refusal))


async def set_messaging_enabled(
    info: Info, enabled: bool, order_id: strawberry.ID | None
) -> SetMessagingEnabledResult:
    caller = info.context.account_id()
    clock = info.context.services.clock
    try:
        if order_id is None:
            await accounts.set_account_messaging(clock, caller, enabled)
            return MessagingSwitch(scope=MessagingScope.ACCOUNT, order_id=None, enabled=enabled)
        order = await orders.set_order_messaging(
            clock, caller, parse_id(order_id, Tag.ORDER, "The order"), enabled
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, PermissionDeniedError)
    return MessagingSwitch(
        scope=MessagingScope.ORDER, order_id=global_id(Tag.ORDER, order.id), enabled=enabled
    )


def retention(info: Info) -> RetentionPolicy:
    services = info.context.services
    retention = services.settings.retention
    return RetentionPolicy.of(retention, visible_since(services.clock, retention))
