"""The conversation feed: messages, order and call events in one chronological table.

Every feed item is a row of `feed_items` with an increasing id, so one keyset
scan over (conversation, id) serves any page at any depth, with or without a
kind filter, and never uses OFFSET. Messages are items of kind MESSAGE.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from parley.models.accounts import Account
from parley.models.conversations import require_participant
from parley.models.errors import NotFound


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


async def get_feed_item_for(viewer_id: int, item_id: int, visible_since: datetime) -> FeedItem:
    """One item as the viewer's feed would show it; NotFound for anything the feed hides.

    The feed's own filters (models.feed_pages): the viewer is in the item's conversation,
    an item meant for one participant (a support update) is theirs, and a message is not
    past retention (`visible_since`, models.retention).
    """
    item = await FeedItem.get_or_none(id=item_id)
    if (
        item is None
        or item.audience_id not in (None, viewer_id)
        or (item.is_message and item.created_at < visible_since)
    ):
        raise NotFound("The feed item")
    try:
        await require_participant(viewer_id, item.conversation_id)
    except NotFound:
        raise NotFound("The feed item") from None
    return item
