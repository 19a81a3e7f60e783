"""Sending messages and reading them.

`send_message` is the path every message takes, whatever the transport: one
transaction that validates, inserts the message, bumps the recipient's unread
state, and appends both participants' events. A client-chosen idempotency key
makes a retried send return the first message instead of a second row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import Account, AccountKind
from models.clock import Clock
from models.conversations import Conversation, Participant, open_conversation
from models.errors import IdempotencyKeyReused, InvalidInput, NotFound
from models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from models.feed import FeedItem, FeedItemKind
from models.orders import Order

BODY_MAX = 5000
IDEMPOTENCY_KEY_MAX = 128


@dataclass(frozen=True, slots=True)
class SendResult:
    message: FeedItem
    events: list[LoggedEvent] = field(default_factory=list)
    replayed: bool = False  # True when an idempotent retry returned the first message


@dataclass(frozen=True, slots=True)
class ReadResult:
    participant: Participant
    events: list[LoggedEvent] = field(default_factory=list)


def validate_body(body: str) -> str:
    if not body.strip():
        raise InvalidInput("body", "A message cannot be empty.")
    if len(body) > BODY_MAX:
        raise InvalidInput("body", f"A message has at most {BODY_MAX:,} characters.")
    return body


def validate_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise InvalidInput(
            "idempotencyKey",
            f"An idempotency key has 1 to {IDEMPOTENCY_KEY_MAX} printable characters.",
        )
    return key


async def send_message(
    clock: Clock,
    sender_id: int,
    *,
    body: str,
    conversation_id: int | None = None,
    counterpart_id: int | None = None,
    order_id: int | None = None,
    idempotency_key: str | None = None,
) -> SendResult:
    """Send `body` into a conversation the sender is part of (or opens with a counterpart)."""
    body = validate_body(body)
    idempotency_key = validate_idempotency_key(idempotency_key)
    if (conversation_id is None) == (counterpart_id is None):
        raise InvalidInput("conversationId", "Give exactly one of conversationId or counterpartId.")
    if idempotency_key is not None:
        earlier = await FeedItem.get_or_none(author_id=sender_id, idempotency_key=idempotency_key)
        if earlier is not None:
            return _replay(earlier, body, conversation_id, order_id)
    try:
        return await _send(
            clock, sender_id, body, conversation_id, counterpart_id, order_id, idempotency_key
        )
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its message.
        if idempotency_key is None:
            raise
        earlier = await FeedItem.get(author_id=sender_id, idempotency_key=idempotency_key)
        return _replay(earlier, body, conversation_id, order_id)


def _replay(
    earlier: FeedItem, body: str, conversation_id: int | None, order_id: int | None
) -> SendResult:
    same = earlier.body == body and earlier.order_id == order_id
    if conversation_id is not None:
        same = same and earlier.conversation_id == conversation_id
    if not same:
        raise IdempotencyKeyReused()
    return SendResult(earlier, [], replayed=True)


async def _send(
    clock: Clock,
    sender_id: int,
    body: str,
    conversation_id: int | None,
    counterpart_id: int | None,
    order_id: int | None,
    idempotency_key: str | None,
) -> SendResult:
    now = clock.now()
    async with in_transaction():
        conversation = await _conversation_for(sender_id, conversation_id, counterpart_id, now)
        if order_id is not None:
            order = await Order.get_or_none(id=order_id, conversation_id=conversation.id)
            if order is None:
                raise NotFound("The order")
        recipient_id = conversation.counterpart_of(sender_id)
        await lock_event_logs(conversation.participant_ids())
        message = await FeedItem.create(
            conversation_id=conversation.id,
            kind=FeedItemKind.MESSAGE,
            author_id=sender_id,
            order_id=order_id,
            body=body,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        await Participant.filter(conversation_id=conversation.id, account_id=recipient_id).update(
            unread_count=F("unread_count") + 1, has_unread=True, last_activity_at=now
        )
        await Participant.filter(conversation_id=conversation.id, account_id=sender_id).update(
            last_activity_at=now
        )
        await Conversation.filter(id=conversation.id).update(
            last_message_id=message.id, last_activity_at=now
        )
        events = await append_events(
            conversation.participant_ids(),
            EventKind.MESSAGE,
            conversation_id=conversation.id,
            item_id=message.id,
            now=now,
        )
    return SendResult(message, events)


async def _conversation_for(
    sender_id: int, conversation_id: int | None, counterpart_id: int | None, now: datetime
) -> Conversation:
    if conversation_id is not None:
        conversation = await Conversation.get_or_none(id=conversation_id)
        if conversation is None or sender_id not in conversation.participant_ids():
            raise NotFound("The conversation")
        return conversation
    assert counterpart_id is not None
    sender = await Account.get(id=sender_id)
    if sender.kind == AccountKind.CLIENT:
        client_id, freelancer_id = sender_id, counterpart_id
    else:
        client_id, freelancer_id = counterpart_id, sender_id
    existing = await Conversation.get_or_none(client_id=client_id, freelancer_id=freelancer_id)
    if existing is not None:
        return existing
    if sender.kind != AccountKind.CLIENT:
        # A freelancer writes only within an existing relationship.
        raise NotFound("The conversation")
    return await open_conversation(client_id, freelancer_id, now)


async def mark_read(
    clock: Clock, reader_id: int, conversation_id: int, up_to: int | None = None
) -> ReadResult:
    """Move the reader's read pointer to `up_to` (default: the newest item)."""
    now = clock.now()
    async with in_transaction():
        conversation = await Conversation.get_or_none(id=conversation_id)
        if conversation is not None and reader_id in conversation.participant_ids():
            await lock_event_logs(conversation.participant_ids())  # before the participant row
        participant = (
            await Participant.filter(account_id=reader_id, conversation_id=conversation_id)
            .select_for_update()
            .first()
        )
        if participant is None:
            raise NotFound("The conversation")
        if up_to is None:
            newest = (
                await FeedItem.filter(conversation_id=conversation_id)
                .order_by("-id")
                .limit(1)
                .values("id")
            )
            up_to = int(newest[0]["id"]) if newest else 0
        elif not await FeedItem.exists(id=up_to, conversation_id=conversation_id):
            raise NotFound("The message")
        if up_to <= participant.read_up_to:
            return ReadResult(participant)
        counterpart_id = participant.counterpart_id
        await FeedItem.filter(
            conversation_id=conversation_id,
            author_id=counterpart_id,
            kind=FeedItemKind.MESSAGE,
            id__lte=up_to,
            read_at__isnull=True,
        ).update(read_at=now)
        remaining = await FeedItem.filter(
            conversation_id=conversation_id,
            author_id=counterpart_id,
            kind=FeedItemKind.MESSAGE,
            id__gt=up_to,
        ).count()
        participant.read_up_to = up_to
        participant.last_read_at = now
        participant.unread_count = remaining
        participant.has_unread = remaining > 0
        await participant.save(
            update_fields=["read_up_to", "last_read_at", "unread_count", "has_unread"]
        )
        events = await append_events(
            (reader_id, counterpart_id),
            EventKind.READ,
            conversation_id=conversation_id,
            item_id=up_to,
            data={"reader": reader_id, "up_to": up_to, "read_at": now.isoformat()},
            now=now,
        )
    return ReadResult(participant, events)
