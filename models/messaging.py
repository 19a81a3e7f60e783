"""Sending messages and reading them.

`send_message` is the path every message takes, whatever the transport: one
transaction that validates, inserts the message, bumps the recipient's unread
state, and appends both participants' events. A client-chosen idempotency key
makes a retried send return the first message instead of a second row.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import Account, AccountKind
from models.campaigns import Campaign, CampaignMember, has_accepted_membership
from models.clock import Clock
from models.conversations import Conversation, Participant, open_conversation
from models.errors import IdempotencyKeyReused, InvalidInput, NotFound
from models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from models.feed import FeedItem, FeedItemKind
from models.notifications import enqueue as enqueue_notification
from models.orders import Order
from models.rules import MessagingBlocked, SendAttempt, first_violation

BODY_MAX = 5000
DEFAULT_NO_MESSAGING_JOB_TYPES = frozenset({"superhero"})
IDEMPOTENCY_KEY_MAX = 128


@dataclass(frozen=True, slots=True)
class Target:
    """Where a message goes: a conversation or a counterpart, optionally about an order or
    a campaign."""

    conversation_id: int | None = None
    counterpart_id: int | None = None
    order_id: int | None = None
    campaign_id: int | None = None


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
    campaign_id: int | None = None,
    idempotency_key: str | None = None,
    no_messaging_job_types: Collection[str] = DEFAULT_NO_MESSAGING_JOB_TYPES,
) -> SendResult:
    """Send `body` into a conversation (or open one with a counterpart) if the rules allow.

    Raises MessagingBlocked (models.rules) when a rule forbids it; nothing is then stored.
    """
    body = validate_body(body)
    idempotency_key = validate_idempotency_key(idempotency_key)
    target = Target(conversation_id, counterpart_id, order_id, campaign_id)
    if idempotency_key is not None:
        earlier = await FeedItem.get_or_none(author_id=sender_id, idempotency_key=idempotency_key)
        if earlier is not None:
            return _replay(earlier, body, conversation_id, order_id)
    try:
        return await _send(clock, sender_id, body, target, idempotency_key, no_messaging_job_types)
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its message.
        if idempotency_key is None:
            raise
        earlier = await FeedItem.get(author_id=sender_id, idempotency_key=idempotency_key)
        return _replay(earlier, body, conversation_id, order_id)


async def messaging_status(
    viewer_id: int,
    target: Target,
    no_messaging_job_types: Collection[str] = DEFAULT_NO_MESSAGING_JOB_TYPES,
) -> MessagingBlocked | None:
    """What `send_message` would decide for the viewer now: the refusal, or None."""
    pair = await load_pair(viewer_id, target)
    attempt = await load_attempt(pair, target, no_messaging_job_types, lock=False)
    return first_violation(attempt)


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
    target: Target,
    idempotency_key: str | None,
    no_messaging_job_types: Collection[str],
) -> SendResult:
    now = clock.now()
    async with in_transaction():
        pair = await load_pair(sender_id, target)
        # Lock order: the pair's event logs first, then the rows the rules read.
        await lock_event_logs((pair.sender.id, pair.counterpart.id))
        attempt = await load_attempt(pair, target, no_messaging_job_types, lock=True)
        refusal = first_violation(attempt)
        if refusal is not None:
            raise refusal
        conversation = attempt.conversation
        if conversation is None:
            freelancer = attempt.counterpart if attempt.sender is attempt.client else attempt.sender
            conversation = await open_conversation(attempt.client.id, freelancer.id, now)
        recipient_id = conversation.counterpart_of(sender_id)
        message = await FeedItem.create(
            conversation_id=conversation.id,
            kind=FeedItemKind.MESSAGE,
            author_id=sender_id,
            order_id=target.order_id,
            campaign_id=target.campaign_id,
            body=body,
            idempotency_key=idempotency_key,
            created_at=now,
        )
        await Participant.filter(conversation_id=conversation.id, account_id=recipient_id).update(
            unread_count=F("unread_count") + 1,
            has_unread=True,
            last_activity_at=now,
            unanswered=0,
        )
        await Participant.filter(conversation_id=conversation.id, account_id=sender_id).update(
            last_activity_at=now, unanswered=F("unanswered") + 1
        )
        await Conversation.filter(id=conversation.id).update(
            last_message_id=message.id, last_activity_at=now
        )
        if attempt.order is not None:
            side = "client_messaged" if sender_id == attempt.client.id else "freelancer_messaged"
            await Order.filter(id=attempt.order.id).update(**{side: True})
        events = await append_events(
            conversation.participant_ids(),
            EventKind.MESSAGE,
            conversation_id=conversation.id,
            item_id=message.id,
            now=now,
        )
        await enqueue_notification(recipient_id, conversation.id, message.id, now)
    return SendResult(message, events)


async def load_attempt(
    pair: Pair, target: Target, no_messaging_job_types: Collection[str], *, lock: bool
) -> SendAttempt:
    """Load what the rules need; with `lock`, lock the rows a concurrent send could change."""
    sender, counterpart, conversation = pair.sender, pair.counterpart, pair.conversation
    sender_id = sender.id
    client = sender if sender.kind == AccountKind.CLIENT else counterpart
    freelancer = counterpart if client is sender else sender
    sender_side = None
    if conversation is not None:
        side_query = Participant.filter(conversation_id=conversation.id, account_id=sender_id)
        sender_side = await (side_query.select_for_update() if lock else side_query).first()
    order = None
    if target.order_id is not None:
        if conversation is None:
            raise NotFound("The order")
        order_query = Order.filter(id=target.order_id, conversation_id=conversation.id)
        order = await (order_query.select_for_update() if lock else order_query).first()
        if order is None:
            raise NotFound("The order")
    membership = None
    if target.campaign_id is not None:
        campaign = await Campaign.get_or_none(id=target.campaign_id, client_id=client.id)
        if campaign is None:
            raise NotFound("The campaign")
        membership = await CampaignMember.get_or_none(
            campaign_id=campaign.id, freelancer_id=freelancer.id
        )
    relationship = conversation is not None or (
        sender is freelancer and await has_accepted_membership(client.id, freelancer.id)
    )
    return SendAttempt(
        sender=sender,
        counterpart=counterpart,
        client=client,
        conversation=conversation,
        sender_side=sender_side,
        order=order,
        membership=membership,
        campaign_asked=target.campaign_id is not None,
        relationship=relationship,
        no_messaging_job_types=no_messaging_job_types,
    )


@dataclass(frozen=True, slots=True)
class Pair:
    """Who a message goes between, and their conversation if they have one yet."""

    sender: Account
    counterpart: Account
    conversation: Conversation | None


async def load_pair(sender_id: int, target: Target) -> Pair:
    """Resolve the target (unlocked reads: two queries); NotFound for anything not the sender's."""
    if (target.conversation_id is None) == (target.counterpart_id is None):
        raise InvalidInput("conversationId", "Give exactly one of conversationId or counterpartId.")
    conversation = None
    if target.conversation_id is not None:
        conversation = await Conversation.get_or_none(id=target.conversation_id)
        if conversation is None or sender_id not in conversation.participant_ids():
            raise NotFound("The conversation")
        other_id = conversation.counterpart_of(sender_id)
    else:
        assert target.counterpart_id is not None
        other_id = target.counterpart_id
    accounts = {row.id: row for row in await Account.filter(id__in=[sender_id, other_id])}
    sender, other = accounts.get(sender_id), accounts.get(other_id)
    if sender is None or other is None or other.kind == sender.kind:
        raise NotFound("The account")
    if conversation is None:
        client, freelancer = (
            (sender, other) if sender.kind == AccountKind.CLIENT else (other, sender)
        )
        conversation = await Conversation.get_or_none(
            client_id=client.id, freelancer_id=freelancer.id
        )
    return Pair(sender, other, conversation)


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
