"""The conversation feed: messages, order and call events in one chronological table.

Every feed item is a row of `feed_items` with an increasing id, so one keyset
scan over (conversation, id) serves any page at any depth, with or without a
kind filter, and never uses OFFSET. Messages are items of kind MESSAGE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from parley.models.accounts import Account
from parley.models.errors import InvalidInput


class FeedItemKind(StrEnum):
    MESSAGE = "message"
    ORDER_EVENT = "order_event"
    CALL_EVENT = "call_event"
    SUPPORT_EVENT = "support_event"  # seen by the requester alone (audience_id)


class OrderEventType(StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    TERMS_PROPOSED = "terms_proposed"
    TERMS_COUNTERED = "terms_countered"
    TERMS_ACCEPTED = "terms_accepted"
    GUARANTEE_REQUESTED = "guarantee_requested"
    GUARANTEE_ACCEPTED = "guarantee_accepted"
    GUARANTEE_DECLINED = "guarantee_declined"
    GUARANTEE_VOIDED = "guarantee_voided"


class CallEventType(StrEnum):
    """What happened to a call invite (see models.calls)."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    NO_SHOW_REPORTED = "no_show_reported"


class FeedItem(Model):
    id = fields.BigIntField(primary_key=True)
    conversation_id = fields.BigIntField()
    kind = fields.CharEnumField(FeedItemKind, max_length=16)
    # The sender of a message; the actor of an event where there is one.
    author: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, null=True
    )
    author_id: int | None
    order_id = fields.BigIntField(null=True)
    campaign_id = fields.BigIntField(null=True)
    body = fields.TextField(null=True)
    idempotency_key = fields.CharField(max_length=128, null=True)
    event = fields.CharEnumField(OrderEventType, max_length=32, null=True)
    order_status = fields.CharField(max_length=32, null=True)
    previous_status = fields.CharField(max_length=32, null=True)
    call_invite_id = fields.BigIntField(null=True)
    call_event = fields.CharEnumField(CallEventType, max_length=32, null=True)
    # What an event is about beyond its order: the terms (terms events), the guarantee
    # request (guarantee events) or the support request (support events).
    subject_id = fields.BigIntField(null=True)
    # The status a support request moved to (support events; the note is the body).
    subject_status = fields.CharField(max_length=32, null=True)
    # When set, only this participant sees the item (a support update is the requester's).
    audience_id = fields.BigIntField(null=True)
    # When the recipient read this message (read receipts).
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "feed_items"
        unique_together = (("author", "idempotency_key"),)
        indexes = (
            ("conversation_id", "id"),
            ("conversation_id", "kind", "id"),
            ("conversation_id", "order_id", "id"),  # one job's thread
            ("kind", "created_at"),  # the retention purge's scan
        )

    @property
    def is_message(self) -> bool:
        return self.kind == FeedItemKind.MESSAGE


async def feed_page(
    conversation_id: int,
    kinds: Sequence[FeedItemKind] | None,
    *,
    last: int | None = None,
    before: int | None = None,
    first: int | None = None,
    after: int | None = None,
    visible_since: datetime | None = None,
) -> tuple[list[FeedItem], bool, bool]:
    """A page of a conversation's feed, oldest first, and (has_older, has_newer).

    `last`/`before` scroll up from the bottom (newest) toward the first item;
    `first`/`after` read forward from a cursor. Exactly one direction is used.
    """
    if first is not None and last is not None:
        raise InvalidInput("first", "Use either first/after or last/before, not both.")
    query = FeedItem.filter(conversation_id=conversation_id)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    if visible_since is not None:
        # Messages past the retention period are gone even before the purge runs.
        query = query.filter(~Q(kind=FeedItemKind.MESSAGE) | Q(created_at__gte=visible_since))
    if first is not None:
        if after is not None:
            query = query.filter(id__gt=after)
        forward = await query.order_by("id").limit(first + 1)
        items = forward[:first]
        return items, after is not None, len(forward) > first
    size = 20 if last is None else last
    if before is not None:
        query = query.filter(id__lt=before)
    backward = await query.order_by("-id").limit(size + 1)
    items = list(reversed(backward[:size]))
    return items, len(backward) > size, before is not None
