"""Support requests: the way out whenever a rule blocks a user or a call goes wrong."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.clock import Clock
from models.text import clean_text

DETAILS_MAX = 5000


class SupportReason(StrEnum):
    MESSAGING_BLOCKED = "messaging_blocked"
    NO_SHOW = "no_show"
    OTHER = "other"


class SupportStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SupportRequest(Model):
    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    reason = fields.CharEnumField(SupportReason, max_length=32)
    details = fields.TextField(default="")
    conversation_id = fields.BigIntField(null=True)
    order_id = fields.BigIntField(null=True)
    call_invite_id = fields.BigIntField(null=True)
    status = fields.CharEnumField(SupportStatus, max_length=16, default=SupportStatus.OPEN)
    created_at = fields.DatetimeField()

    class Meta:
        table = "support_requests"
        indexes = (("account_id", "id"),)


async def open_support_request(
    clock: Clock,
    account_id: int,
    reason: SupportReason,
    *,
    details: str = "",
    conversation_id: int | None = None,
    order_id: int | None = None,
    call_invite_id: int | None = None,
) -> SupportRequest:
    """Record a request for the marketplace's support team (the caller checked access)."""
    details = clean_text(
        details, "details", label="Details", max_length=DETAILS_MAX, required=False, multiline=True
    )
    return await SupportRequest.create(
        account_id=account_id,
        reason=reason,
        details=details,
        conversation_id=conversation_id,
        order_id=order_id,
        call_invite_id=call_invite_id,
        created_at=clock.now(),
    )
