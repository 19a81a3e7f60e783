"""Support requests: the way out whenever a rule blocks a user or a call goes wrong.

The requester reads their requests back (`support_page`); the marketplace's
support team moves one along (`update_support_request`), and each change is a
feed item in the conversation the request is about, seen by the requester
alone, and a notification intent for them, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from parley.models.errors import InvalidInput, NotFound
from parley.models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.notifications import enqueue
from parley.models.orders import Order
from parley.models.store.clock import Clock
from parley.models.store.scripts import run_script, run_step
from parley.models.text import clean_text

DETAILS_MAX = 5000
NOTE_MAX = 2000


class SupportReason(StrEnum):
    MESSAGING_BLOCKED = "messaging_blocked"
    NO_SHOW = "no_show"
    OTHER = "other"


class SupportStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"  # closed without a resolution


class SupportRequest(Model):
    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    reason = fields.CharEnumField(SupportReason, max_length=32)
    details = fields.TextField(default="")
    conversation_id = fields.BigIntField(null=True)
    order_id = fields.BigIntField(null=True)
    call_invite_id = fields.BigIntField(null=True)
    status = fields.CharEnumField(SupportStatus, max_length=16, default=SupportStatus.OPEN)
    # The support team's latest note to the requester.
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()
    # When support last changed it; null while nobody has.
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "support_requests"
        indexes = (("account_id", "id"),)


@dataclass(frozen=True, slots=True)
class SupportUpdate:
    request: SupportRequest
    item: FeedItem
    events: list[LoggedEvent]


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


async def support_page(
    account_id: int, first: int, before: int | None
) -> tuple[list[SupportRequest], bool]:
    """One page of the account's requests, newest first, and whether older ones follow."""
    query = SupportRequest.filter(account_id=account_id)
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query.order_by("-id").limit(first + 1)
    return rows[:first], len(rows) > first


async def get_support_request_for(account_id: int, request_id: int) -> SupportRequest:
    """One of the account's own support requests; NotFound otherwise."""
    request = await SupportRequest.get_or_none(id=request_id, account_id=account_id)
    if request is None:
        raise NotFound("The support request")
    return request


async def update_support_request(
    clock: Clock, request_id: int, status: SupportStatus, note: str = ""
) -> SupportUpdate:
    """Support moves a request to IN_PROGRESS, RESOLVED or CLOSED, with a note to the requester."""
    note = note.strip()
    if status == SupportStatus.OPEN:
        raise InvalidInput("status", "Support moves a request to in progress, resolved or closed.")
    if len(note) > NOTE_MAX or "\x00" in note:
        raise InvalidInput("note", f"A note has at most {NOTE_MAX:,} characters.")
    found = await SupportRequest.get_or_none(id=request_id)
    if found is None:
        raise NotFound("The support request")
    now = clock.now()
    async with in_transaction():
        # lock order: event logs first, then the request
        await run_script(lambda dialect: lock_event_logs(dialect, (found.account_id,)))
        request = await SupportRequest.filter(id=request_id).select_for_update().get()
        if status == request.status:
            raise InvalidInput("status", f"The request is already {status.value}.")
        request.status = status
        request.note = note
        request.updated_at = now
        await request.save(update_fields=["status", "note", "updated_at"])
        conversation_id = await _conversation_of(request)
        item = await FeedItem.create(
            conversation_id=conversation_id,
            kind=FeedItemKind.SUPPORT_EVENT,
            order_id=request.order_id,
            subject_id=request.id,
            subject_status=status.value,
            body=note,
            audience_id=request.account_id,
            created_at=now,
        )
        events = await run_step(
            append_events(
                (request.account_id,),
                EventKind.SUPPORT,
                conversation_id=conversation_id,
                item_id=item.id,
                now=now,
            )
        )
        await run_step(enqueue(request.account_id, conversation_id, item.id, now))
    return SupportUpdate(request, item, events)


async def _conversation_of(request: SupportRequest) -> int:
    if request.conversation_id is not None:
        return int(request.conversation_id)
    order = await Order.get(id=request.order_id)  # a request names a conversation or an order
    return order.conversation_id
