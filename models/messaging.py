"""Sending messages and reading them.

`send_message` is the path every message takes, whatever the transport: one
transaction that validates, inserts the message, bumps the recipient's unread
state, and appends both participants' events. A client-chosen idempotency key
makes a retried send return the first message instead of a second row.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from parley.compat.tortoise import from_row
from parley.models.accounts import Account, AccountKind
from parley.models.calls import CLIENTS_INVITE
from parley.models.campaigns import CampaignMember, MembershipStatus
from parley.models.conversations import Conversation, Participant, open_conversation
from parley.models.errors import IdempotencyKeyReused, InvalidInput, NotFound, PermissionDenied
from parley.models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.notifications import enqueue
from parley.models.orders import Order, OrderStatus
from parley.models.rules import (
    Action,
    MessagingBlocked,
    SendAttempt,
    first_violation,
    only_jobs_without_messaging,
)
from parley.models.store.clock import Clock
from parley.models.store.scripts import Dialect, Script, run_script, run_step
from parley.models.text import clean_text

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
    """The body as stored: kept as written (no trimming), but see models.text."""
    return clean_text(
        body, "body", label="A message", max_length=BODY_MAX, multiline=True, strip=False
    )


def validate_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = clean_text(
        key,
        "idempotencyKey",
        label="An idempotency key",
        max_length=IDEMPOTENCY_KEY_MAX,
        strip=False,
    )
    if not key.isprintable():
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
    One script (models.store.scripts): on SQLite the whole transaction is one hand-off.
    """
    body = validate_body(body)
    idempotency_key = validate_idempotency_key(idempotency_key)
    target = _checked(Target(conversation_id, counterpart_id, order_id, campaign_id))
    now = clock.now()
    try:
        return await run_script(
            lambda dialect: _send(
                dialect, now, sender_id, body, target, idempotency_key, no_messaging_job_types
            )
        )
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
    action: Action = Action.MESSAGE,
) -> MessagingBlocked | None:
    """What `send_message` (or, for CALL_INVITE, `send_call_invite`) would decide for the
    viewer now: the refusal, or None."""
    return await first_refusal(
        viewer_id, _checked(target), no_messaging_job_types, action=action, lock=False
    )


async def first_refusal(
    sender_id: int,
    target: Target,
    no_messaging_job_types: Collection[str],
    *,
    action: Action,
    lock: bool,
) -> MessagingBlocked | None:
    """The rules' decision on `action` by the sender toward `target`; with `lock`, inside the
    caller's transaction on locked rows (see `load_attempt`)."""
    attempt = await run_script(
        lambda dialect: load_attempt(
            dialect, sender_id, target, no_messaging_job_types, lock=lock, action=action
        )
    )
    return first_violation(attempt)


def _checked(target: Target) -> Target:
    if (target.conversation_id is None) == (target.counterpart_id is None):
        raise InvalidInput("conversationId", "Give exactly one of conversationId or counterpartId.")
    return target


def _replay(
    earlier: FeedItem, body: str, conversation_id: int | None, order_id: int | None
) -> SendResult:
    same = earlier.body == body and earlier.order_id == order_id
    if conversation_id is not None:
        same = same and earlier.conversation_id == conversation_id
    if not same:
        raise IdempotencyKeyReused()
    return SendResult(earlier, [], replayed=True)


def _send(
    dialect: Dialect,
    now: datetime,
    sender_id: int,
    body: str,
    target: Target,
    idempotency_key: str | None,
    no_messaging_job_types: Collection[str],
) -> Script[SendResult]:
    """The send transaction: replay, or check the rules on locked rows and write it all."""
    if idempotency_key is not None:
        rows = yield (
            'SELECT * FROM "feed_items" WHERE "author_id" = ? AND "idempotency_key" = ?',
            (sender_id, idempotency_key),
        )
        if rows:
            earlier = from_row(FeedItem, rows[0])
            return _replay(earlier, body, target.conversation_id, target.order_id)
    attempt = yield from load_attempt(dialect, sender_id, target, no_messaging_job_types, lock=True)
    refusal = first_violation(attempt)
    if refusal is not None:
        raise refusal
    conversation = attempt.conversation
    if conversation is None:
        freelancer = attempt.counterpart if attempt.sender is attempt.client else attempt.sender
        conversation = yield from open_conversation(attempt.client.id, freelancer.id, now)
    recipient_id = conversation.counterpart_of(sender_id)
    rows = yield (
        'INSERT INTO "feed_items" ("conversation_id", "kind", "author_id", "order_id", '
        '"campaign_id", "body", "idempotency_key", "created_at") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            conversation.id,
            FeedItemKind.MESSAGE.value,
            sender_id,
            target.order_id,
            target.campaign_id,
            body,
            idempotency_key,
            now,
        ),
    )
    message = from_row(FeedItem, rows[0])
    yield (
        'UPDATE "participants" SET "unread_count" = "unread_count" + 1, "has_unread" = ?, '
        '"last_activity_at" = ?, "unanswered" = 0 '
        'WHERE "conversation_id" = ? AND "account_id" = ?',
        (True, now, conversation.id, recipient_id),
    )
    yield (
        'UPDATE "participants" SET "last_activity_at" = ?, "unanswered" = "unanswered" + 1 '
        'WHERE "conversation_id" = ? AND "account_id" = ?',
        (now, conversation.id, sender_id),
    )
    yield (
        'UPDATE "conversations" SET "last_message_id" = ?, "last_activity_at" = ? WHERE "id" = ?',
        (message.id, now, conversation.id),
    )
    if attempt.order is not None:
        side = "client_messaged" if sender_id == attempt.client.id else "freelancer_messaged"
        yield (f'UPDATE "orders" SET "{side}" = ? WHERE "id" = ?', (True, attempt.order.id))
    events = yield from append_events(
        conversation.participant_ids(),
        EventKind.MESSAGE,
        conversation_id=conversation.id,
        item_id=message.id,
        now=now,
    )
    yield from enqueue(recipient_id, conversation.id, message.id, now)
    return SendResult(message, events)


_ACCOUNT_COLUMNS = '"id", "kind", "status", "discoverable", "messaging_enabled"'
_CONVERSATION_COLUMNS = (
    '"id", "client_id", "freelancer_id", "last_message_id", "negative_review_at"'
)
_LIVE_ORDER_COLUMNS = '"id", "title", "job_type", "status", "messaging_enabled"'
_LIVE_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.IN_PROGRESS, OrderStatus.FINAL_REVIEW)


def load_attempt(
    dialect: Dialect,
    sender_id: int,
    target: Target,
    no_messaging_job_types: Collection[str],
    *,
    lock: bool,
    action: Action = Action.MESSAGE,
) -> Script[SendAttempt]:
    """Resolve the target and load what the rules need (NotFound for anything not the
    sender's); with `lock`, the pair's event logs first, then the rows a concurrent send
    could change.

    The accounts, conversation and sender's side are partial rows: only the columns the
    rules and the send read (hydrating whole rows was a third of a send's SQLite work).
    """
    for_update = " FOR UPDATE" if lock and dialect == "postgres" else ""
    conversation = None
    if target.conversation_id is not None:
        rows = yield (
            f'SELECT {_CONVERSATION_COLUMNS} FROM "conversations" WHERE "id" = ?',
            (target.conversation_id,),
        )
        conversation = from_row(Conversation, rows[0]) if rows else None
        if conversation is None or sender_id not in conversation.participant_ids():
            raise NotFound("The conversation")
        other_id = conversation.counterpart_of(sender_id)
    else:
        assert target.counterpart_id is not None
        other_id = target.counterpart_id
    # Lock order: the pair's event logs first (their account rows, read as locked).
    rows = yield from lock_event_logs(
        dialect, (sender_id, other_id), columns=_ACCOUNT_COLUMNS, lock=lock
    )
    accounts = {int(row["id"]): from_row(Account, row) for row in rows}
    sender, counterpart = accounts.get(sender_id), accounts.get(other_id)
    if action == Action.CALL_INVITE and sender is not None and sender.kind != AccountKind.CLIENT:
        raise PermissionDenied(CLIENTS_INVITE)
    if sender is None or counterpart is None or counterpart.kind == sender.kind:
        raise NotFound("The account")
    client = sender if sender.kind == AccountKind.CLIENT else counterpart
    freelancer = counterpart if client is sender else sender
    if conversation is None:
        rows = yield (
            f'SELECT {_CONVERSATION_COLUMNS} FROM "conversations" '
            'WHERE "client_id" = ? AND "freelancer_id" = ?',
            (client.id, freelancer.id),
        )
        conversation = from_row(Conversation, rows[0]) if rows else None
    sender_side = None
    order = None
    live_orders: tuple[Order, ...] = ()
    job_types: frozenset[str] = frozenset()
    if conversation is not None:
        rows = yield (
            'SELECT "id", "unanswered" FROM "participants" '
            'WHERE "conversation_id" = ? AND "account_id" = ?' + for_update,
            (conversation.id, sender_id),
        )
        sender_side = from_row(Participant, rows[0]) if rows else None
        if target.order_id is None:
            # A message about no order is judged by every live order of the pair.
            rows = yield (
                f'SELECT {_LIVE_ORDER_COLUMNS} FROM "orders" '
                'WHERE "conversation_id" = ? AND "status" IN (?, ?, ?) ORDER BY "id"' + for_update,
                (conversation.id, *(status.value for status in _LIVE_ORDER_STATUSES)),
            )
            live_orders = tuple(from_row(Order, row) for row in rows)
            rows = yield (
                'SELECT DISTINCT "job_type" FROM "orders" WHERE "conversation_id" = ?',
                (conversation.id,),
            )
            job_types = frozenset(str(row["job_type"]) for row in rows)
    if target.order_id is not None:
        if conversation is None:
            raise NotFound("The order")
        rows = yield (
            'SELECT * FROM "orders" WHERE "id" = ? AND "conversation_id" = ?' + for_update,
            (target.order_id, conversation.id),
        )
        if not rows:
            raise NotFound("The order")
        order = from_row(Order, rows[0])
    membership = None
    if target.campaign_id is not None:
        rows = yield (
            'SELECT "id" FROM "campaigns" WHERE "id" = ? AND "client_id" = ?',
            (target.campaign_id, client.id),
        )
        if not rows:
            raise NotFound("The campaign")
        rows = yield (
            'SELECT * FROM "campaign_members" WHERE "campaign_id" = ? AND "freelancer_id" = ?',
            (target.campaign_id, freelancer.id),
        )
        membership = from_row(CampaignMember, rows[0]) if rows else None
    accepted_membership = False
    if conversation is None or only_jobs_without_messaging(job_types, no_messaging_job_types):
        rows = yield (
            'SELECT 1 AS "found" FROM "campaign_members" AS "m" '
            'JOIN "campaigns" AS "c" ON "c"."id" = "m"."campaign_id" '
            'WHERE "c"."client_id" = ? AND "m"."freelancer_id" = ? AND "m"."status" = ? LIMIT 1',
            (client.id, freelancer.id, MembershipStatus.ACCEPTED.value),
        )
        accepted_membership = bool(rows)
    return SendAttempt(
        sender=sender,
        counterpart=counterpart,
        client=client,
        conversation=conversation,
        sender_side=sender_side,
        order=order,
        membership=membership,
        campaign_asked=target.campaign_id is not None,
        live_orders=live_orders,
        job_types=job_types,
        accepted_membership=accepted_membership,
        no_messaging_job_types=no_messaging_job_types,
        action=action,
    )


async def mark_read(
    clock: Clock, reader_id: int, conversation_id: int, up_to: int | None = None
) -> ReadResult:
    """Move the reader's read pointer to `up_to` (default: the newest item)."""
    now = clock.now()
    async with in_transaction():
        conversation = await Conversation.get_or_none(id=conversation_id)
        if conversation is not None and reader_id in conversation.participant_ids():
            ids = conversation.participant_ids()  # their event logs before the participant row
            await run_script(lambda dialect: lock_event_logs(dialect, ids))
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
        events = await run_step(
            append_events(
                (reader_id, counterpart_id),
                EventKind.READ,
                conversation_id=conversation_id,
                item_id=up_to,
                data={"reader": reader_id, "up_to": up_to, "read_at": now.isoformat()},
                now=now,
            )
        )
    return ReadResult(participant, events)
