"""Order terms as data, and the guarantee requests made on terms both sides agreed.

    propose ──▶ PROPOSED ──accept (the other side)──▶ ACCEPTED ──▶ request a guarantee
        ▲          │                                      │
        └─ counter ┴──────── a new proposal ──────────────┴──▶ SUPERSEDED

A guarantee request is REQUESTED until the marketplace ACCEPTS or DECLINES it;
a new proposal on the order changes the terms it was made on, which VOIDS it
(granted ones too: the guarantee covered the old terms). Every step is an order
event in the pair's feed, written with the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from parley.models.conversations import Conversation
from parley.models.errors import (
    GuaranteeAlreadyRequested,
    GuaranteeDecided,
    InvalidInput,
    NoAgreedTerms,
    NotFound,
    PermissionDenied,
    TermsChanged,
)
from parley.models.events import LoggedEvent, lock_event_logs
from parley.models.feed import FeedItem, FeedItemKind, OrderEventType
from parley.models.orders import Order, get_order_for, record_activity
from parley.models.store.clock import Clock
from parley.models.store.scripts import run_script

AMOUNT_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")
DELIVERABLES_MAX = 5000
NOTE_MAX = 2000
CURRENCY = re.compile(r"[A-Z]{3}")


class TermsStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"  # countered, or replaced by a later proposal


class GuaranteeStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    VOIDED = "voided"  # the terms changed after the request


class OrderTerms(Model):
    # One proposal of an order's terms: never edited, only accepted or superseded.
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False
    )
    order_id: int
    proposer_id = fields.BigIntField()
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    currency = fields.CharField(max_length=3)
    delivery_date = fields.DateField()
    deliverables = fields.TextField()
    status = fields.CharEnumField(TermsStatus, max_length=16, default=TermsStatus.PROPOSED)
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "order_terms"
        indexes = (("order_id", "status"),)


class GuaranteeRequest(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name=False
    )
    order_id: int
    terms: fields.ForeignKeyRelation[OrderTerms] = fields.ForeignKeyField(
        "models.OrderTerms", related_name=False
    )
    terms_id: int
    requester_id = fields.BigIntField()
    status = fields.CharEnumField(GuaranteeStatus, max_length=16, default=GuaranteeStatus.REQUESTED)
    # The marketplace's note with its decision.
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "guarantee_requests"
        indexes = (("status", "id"), ("order_id", "status"))


@dataclass(frozen=True, slots=True)
class TermsChange:
    terms: OrderTerms
    events: list[LoggedEvent]


@dataclass(frozen=True, slots=True)
class GuaranteeChange:
    request: GuaranteeRequest
    events: list[LoggedEvent]


@dataclass(frozen=True, slots=True)
class Terms:
    """Proposed terms, checked (`checked_terms`)."""

    amount: Decimal
    currency: str
    delivery_date: date
    deliverables: str


def checked_terms(
    clock: Clock, amount: Decimal, currency: str, delivery_date: date, deliverables: str
) -> Terms:
    if not amount.is_finite() or amount <= 0 or amount > AMOUNT_MAX:
        raise InvalidInput("amount", "The amount is a positive number below ten billion.")
    if amount != amount.quantize(CENT):
        raise InvalidInput("amount", "The amount has at most two decimal places.")
    code = currency.strip().upper()
    if not CURRENCY.fullmatch(code):
        raise InvalidInput("currency", "The currency is a three-letter ISO 4217 code, e.g. EUR.")
    if delivery_date < clock.now().date():
        raise InvalidInput("deliveryDate", "The delivery date cannot be in the past.")
    text = deliverables.strip()
    if not text or len(text) > DELIVERABLES_MAX or "\x00" in text:
        raise InvalidInput(
            "deliverables", f"Describe the deliverables in 1 to {DELIVERABLES_MAX:,} characters."
        )
    return Terms(amount.quantize(CENT), code, delivery_date, text)


async def propose_terms(clock: Clock, proposer_id: int, order_id: int, terms: Terms) -> TermsChange:
    """Either side proposes terms; they replace any earlier ones and void guarantees on them."""
    order = await get_order_for(proposer_id, order_id)
    now = clock.now()
    async with in_transaction():
        # event logs first
        await run_script(
            lambda dialect: lock_event_logs(dialect, (order.client_id, order.freelancer_id))
        )
        conversation = await Conversation.get(id=order.conversation_id)
        earlier = await OrderTerms.filter(
            order_id=order.id, status__in=[TermsStatus.PROPOSED, TermsStatus.ACCEPTED]
        ).select_for_update()
        countering = any(
            row.status == TermsStatus.PROPOSED and row.proposer_id != proposer_id for row in earlier
        )
        await OrderTerms.filter(id__in=[row.id for row in earlier]).update(
            status=TermsStatus.SUPERSEDED, decided_at=now
        )
        proposal = await OrderTerms.create(
            order_id=order.id,
            proposer_id=proposer_id,
            amount=terms.amount,
            currency=terms.currency,
            delivery_date=terms.delivery_date,
            deliverables=terms.deliverables,
            status=TermsStatus.PROPOSED,
            created_at=now,
        )
        event = OrderEventType.TERMS_COUNTERED if countering else OrderEventType.TERMS_PROPOSED
        events = await _record(conversation, order, event, proposal.id, proposer_id, now)
        voided = await GuaranteeRequest.filter(
            order_id=order.id, status__in=[GuaranteeStatus.REQUESTED, GuaranteeStatus.ACCEPTED]
        ).select_for_update()
        for request in voided:
            request.status = GuaranteeStatus.VOIDED
            request.decided_at = now
            await request.save(update_fields=["status", "decided_at"])
            events += await _record(
                conversation, order, OrderEventType.GUARANTEE_VOIDED, request.id, proposer_id, now
            )
    return TermsChange(proposal, events)


async def accept_terms(clock: Clock, account_id: int, terms_id: int) -> TermsChange:
    """The side that did not propose the terms accepts them: the order's terms are agreed."""
    found = await OrderTerms.get_or_none(id=terms_id)
    if found is None:
        raise NotFound("The terms proposal")
    try:
        order = await get_order_for(account_id, found.order_id)
    except NotFound:
        raise NotFound("The terms proposal") from None
    if found.proposer_id == account_id:
        raise PermissionDenied("You proposed these terms: the other side accepts or counters them.")
    now = clock.now()
    async with in_transaction():
        # event logs first
        await run_script(
            lambda dialect: lock_event_logs(dialect, (order.client_id, order.freelancer_id))
        )
        terms = await OrderTerms.filter(id=terms_id).select_for_update().get()
        if terms.status == TermsStatus.ACCEPTED:
            return TermsChange(terms, [])  # accepting twice changes nothing
        if terms.status == TermsStatus.SUPERSEDED:
            raise TermsChanged("Newer terms replaced these: accept or counter the latest ones.")
        terms.status = TermsStatus.ACCEPTED
        terms.decided_at = now
        await terms.save(update_fields=["status", "decided_at"])
        conversation = await Conversation.get(id=order.conversation_id)
        events = await _record(
            conversation, order, OrderEventType.TERMS_ACCEPTED, terms.id, account_id, now
        )
    return TermsChange(terms, events)


async def request_guarantee(clock: Clock, account_id: int, order_id: int) -> GuaranteeChange:
    """Either side asks the marketplace to guarantee the order's agreed terms."""
    order = await get_order_for(account_id, order_id)
    now = clock.now()
    async with in_transaction():
        # The event logs serialise two requests of one pair: only one finds none open.
        await run_script(
            lambda dialect: lock_event_logs(dialect, (order.client_id, order.freelancer_id))
        )
        agreed = await OrderTerms.get_or_none(order_id=order.id, status=TermsStatus.ACCEPTED)
        if agreed is None:
            raise NoAgreedTerms()
        if await GuaranteeRequest.exists(
            terms_id=agreed.id, status__in=[GuaranteeStatus.REQUESTED, GuaranteeStatus.ACCEPTED]
        ):
            raise GuaranteeAlreadyRequested()
        request = await GuaranteeRequest.create(
            order_id=order.id,
            terms_id=agreed.id,
            requester_id=account_id,
            status=GuaranteeStatus.REQUESTED,
            created_at=now,
        )
        conversation = await Conversation.get(id=order.conversation_id)
        events = await _record(
            conversation, order, OrderEventType.GUARANTEE_REQUESTED, request.id, account_id, now
        )
    return GuaranteeChange(request, events)


async def decide_guarantee(
    clock: Clock, request_id: int, *, accept: bool, note: str = ""
) -> GuaranteeChange:
    """The marketplace accepts or declines an open request (service token)."""
    note = note.strip()
    if len(note) > NOTE_MAX or "\x00" in note:
        raise InvalidInput("note", f"A note has at most {NOTE_MAX:,} characters.")
    found = await GuaranteeRequest.get_or_none(id=request_id).select_related("order")
    if found is None:
        raise NotFound("The guarantee request")
    order = found.order
    now = clock.now()
    async with in_transaction():
        # event logs first
        await run_script(
            lambda dialect: lock_event_logs(dialect, (order.client_id, order.freelancer_id))
        )
        request = await GuaranteeRequest.filter(id=request_id).select_for_update().get()
        if request.status == GuaranteeStatus.VOIDED:
            raise TermsChanged("The terms changed after this request, which voided it.")
        if request.status != GuaranteeStatus.REQUESTED:
            raise GuaranteeDecided(request.status.value)
        request.status = GuaranteeStatus.ACCEPTED if accept else GuaranteeStatus.DECLINED
        request.note = note
        request.decided_at = now
        await request.save(update_fields=["status", "note", "decided_at"])
        event = OrderEventType.GUARANTEE_ACCEPTED if accept else OrderEventType.GUARANTEE_DECLINED
        conversation = await Conversation.get(id=order.conversation_id)
        events = await _record(conversation, order, event, request.id, None, now)
    return GuaranteeChange(request, events)


async def get_terms_for(viewer_id: int, terms_id: int) -> OrderTerms:
    """A terms proposal on an order the viewer is a party to; NotFound otherwise."""
    terms = await OrderTerms.get_or_none(id=terms_id)
    if terms is None or not await _is_party(viewer_id, terms.order_id):
        raise NotFound("The terms proposal")
    return terms


async def get_guarantee_request_for(viewer_id: int, request_id: int) -> GuaranteeRequest:
    """A guarantee request on an order the viewer is a party to; NotFound otherwise."""
    request = await GuaranteeRequest.get_or_none(id=request_id)
    if request is None or not await _is_party(viewer_id, request.order_id):
        raise NotFound("The guarantee request")
    return request


async def _is_party(viewer_id: int, order_id: int) -> bool:
    try:
        await get_order_for(viewer_id, order_id)
    except NotFound:
        return False
    return True


async def open_guarantee_page(first: int, after: int | None) -> tuple[list[GuaranteeRequest], bool]:
    """Requests waiting for the marketplace, oldest first, and whether more follow."""
    query = GuaranteeRequest.filter(status=GuaranteeStatus.REQUESTED)
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query.order_by("id").limit(first + 1).select_related("terms")
    return rows[:first], len(rows) > first


async def _record(
    conversation: Conversation,
    order: Order,
    event: OrderEventType,
    subject_id: int,
    actor_id: int | None,
    now: datetime,
) -> list[LoggedEvent]:
    item = await FeedItem.create(
        conversation_id=conversation.id,
        kind=FeedItemKind.ORDER_EVENT,
        author_id=actor_id,
        order_id=order.id,
        event=event,
        order_status=order.status,
        subject_id=subject_id,
        created_at=now,
    )
    return await record_activity(conversation, item)
