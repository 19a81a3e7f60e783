"""Notifications, durably: the outbox, the per-account log, and preferences.

`enqueue` writes a notification intent in the same transaction as the message
it is about, so nothing that should notify is lost in a crash. The worker
(subscriptions.notifier) routes each intent once and turns it into
deliveries: rows of the outbox that a worker claims with a lease before
sending, so a delivery is never sent by two workers, and one whose worker died
mid-send is picked up again when its lease runs out. Every decision is written
to the notification log with its reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.models import Model

from parley.models.errors import InvalidInput, NotFound
from parley.models.store.clock import Clock
from parley.models.store.db import current_connection
from parley.models.store.scripts import Script
from parley.models.text import clean_text

EMAIL_MAX = 254
REASON_MAX = 500


class DeliveryChannel(StrEnum):
    IN_APP = "in_app"
    PUSH = "push"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for due_at
    HELD = "held"  # in-app, waiting for the live session to end
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Outcome(StrEnum):
    SENT = "sent"
    HELD = "held"
    SCHEDULED = "scheduled"
    BATCHED = "batched"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    RETRYING = "retrying"
    FAILED = "failed"


class NotificationIntent(Model):
    """Something that should reach `account_id`: written with the change, routed once."""

    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    conversation_id = fields.BigIntField()
    item_id = fields.BigIntField()
    created_at = fields.DatetimeField()
    routed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification_intents"
        indexes = (("routed_at", "id"),)


class Delivery(Model):
    """One send on one channel (an email delivery batches a conversation's messages)."""

    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    conversation_id = fields.BigIntField()
    channel = fields.CharEnumField(DeliveryChannel, max_length=16)
    status = fields.CharEnumField(DeliveryStatus, max_length=16)
    first_item_id = fields.BigIntField()
    last_item_id = fields.BigIntField()
    item_count = fields.IntField(default=1)
    due_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "notification_deliveries"
        indexes = (("status", "due_at"), ("account_id", "conversation_id", "channel", "status"))


class NotificationLogEntry(Model):
    """One decision about one notification: what happened on a channel, and why."""

    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    conversation_id = fields.BigIntField()
    item_id = fields.BigIntField(null=True)
    delivery_id = fields.BigIntField(null=True)
    channel = fields.CharEnumField(DeliveryChannel, max_length=16)
    outcome = fields.CharEnumField(Outcome, max_length=16)
    reason = fields.CharField(max_length=REASON_MAX)
    created_at = fields.DatetimeField()

    class Meta:
        table = "notification_log"
        indexes = (("account_id", "id"),)


class NotificationPreferences(Model):
    """An account's channels (an account without a row has the defaults)."""

    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField(unique=True)
    email = fields.CharField(max_length=EMAIL_MAX, null=True)
    email_enabled = fields.BooleanField(default=True)
    push_enabled = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "notification_preferences"


def enqueue(account_id: int, conversation_id: int, item_id: int, now: datetime) -> Script[None]:
    """Record that `item_id` should reach `account_id`, in the change's transaction."""
    yield (
        'INSERT INTO "notification_intents" ("account_id", "conversation_id", "item_id", '
        '"created_at") VALUES (?, ?, ?, ?)',
        (account_id, conversation_id, item_id, now),
    )


async def record(
    account_id: int,
    conversation_id: int,
    channel: DeliveryChannel,
    outcome: Outcome,
    reason: str,
    now: datetime,
    *,
    item_id: int | None = None,
    delivery_id: int | None = None,
) -> None:
    await NotificationLogEntry.create(
        account_id=account_id,
        conversation_id=conversation_id,
        item_id=item_id,
        delivery_id=delivery_id,
        channel=channel,
        outcome=outcome,
        reason=reason[:REASON_MAX],
        created_at=now,
    )


async def accounts_holding() -> list[int]:
    """The accounts with in-app notifications held until their live session ends."""
    # Raw SQL: every step of the worker asks, and the answer is nearly always "none".
    rows = await current_connection().execute_query_dict(
        'SELECT DISTINCT "account_id" FROM "notification_deliveries" '
        """WHERE "status" = 'held' AND "channel" = 'in_app'"""
    )
    return [int(row["account_id"]) for row in rows]


async def due_deliveries(now: datetime, limit: int = 100) -> list[Delivery]:
    """Pending deliveries that are due, and sends whose worker's lease ran out."""
    # Every step of the worker asks, and the answer is mostly "none": a raw probe first,
    # since building the ORM's query cost more than the answer.
    db = current_connection()
    mark = "$1" if db.capabilities.dialect == "postgres" else "?"
    due = (
        'SELECT 1 FROM "notification_deliveries" '
        f"""WHERE ("status" = 'pending' AND "due_at" <= {mark}) """
        f"""OR ("status" = 'sending' AND "lease_until" <= {mark}) LIMIT 1"""
    )
    if not await db.execute_query_dict(due, [now] if mark == "$1" else [now, now]):
        return []
    return (
        await Delivery.filter(
            Q(status=DeliveryStatus.PENDING, due_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, lease_until__lte=now)
        )
        .order_by("due_at", "id")
        .limit(limit)
    )


async def due_by_channel(now: datetime) -> dict[DeliveryChannel, int]:
    """How many pending deliveries of each channel are due (the notifier's backlog)."""
    rows = (
        await Delivery.filter(status=DeliveryStatus.PENDING, due_at__lte=now)
        .group_by("channel")
        .annotate(count=Count("id"))
        .values("channel", "count")
    )
    due = dict.fromkeys((DeliveryChannel.PUSH, DeliveryChannel.EMAIL), 0)
    due.update({DeliveryChannel(row["channel"]): row["count"] for row in rows})
    return due


async def claim_delivery(delivery: Delivery, now: datetime, lease: timedelta) -> bool:
    """Take the delivery for one send attempt; False if another worker holds it."""
    claimable = Q(status=DeliveryStatus.PENDING, due_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lte=now
    )
    claimed = await Delivery.filter(claimable, id=delivery.id).update(
        status=DeliveryStatus.SENDING,
        lease_until=now + lease,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if claimed == 1:
        await delivery.refresh_from_db()
    return claimed == 1


async def finish_delivery(
    delivery: Delivery, status: DeliveryStatus, now: datetime, error: str | None = None
) -> None:
    await Delivery.filter(id=delivery.id).update(
        status=status, lease_until=None, last_error=error, updated_at=now
    )


async def retry_later(delivery: Delivery, due_at: datetime, now: datetime, error: str) -> None:
    await Delivery.filter(id=delivery.id).update(
        status=DeliveryStatus.PENDING,
        due_at=due_at,
        lease_until=None,
        last_error=error,
        updated_at=now,
    )


async def preferences(account_id: int) -> NotificationPreferences:
    """The account's preferences (the defaults, unsaved, if it never set any)."""
    row = await NotificationPreferences.get_or_none(account_id=account_id)
    if row is None:
        return NotificationPreferences(account_id=account_id, email=None)
    return row


async def update_preferences(
    clock: Clock,
    account_id: int,
    *,
    email: str | None = None,
    email_enabled: bool | None = None,
    push_enabled: bool | None = None,
) -> NotificationPreferences:
    """Change the given preferences; an empty `email` removes the address."""
    row = await preferences(account_id)
    if email is not None:
        email = clean_text(
            email, "email", label="An email address", max_length=EMAIL_MAX, required=False
        )
        if email and ("@" not in email or len(email) > EMAIL_MAX or not email.isprintable()):
            raise InvalidInput("email", "That is not an email address.")
        row.email = email or None
    if email_enabled is not None:
        row.email_enabled = email_enabled
    if push_enabled is not None:
        row.push_enabled = push_enabled
    row.updated_at = clock.now()
    await row.save()
    return row


async def recent_log(account_id: int, first: int) -> list[NotificationLogEntry]:
    """The account's newest notification decisions, newest first."""
    return await NotificationLogEntry.filter(account_id=account_id).order_by("-id").limit(first)


async def get_log_entry_for(account_id: int, entry_id: int) -> NotificationLogEntry:
    """One of the account's own notification decisions; NotFound otherwise."""
    entry = await NotificationLogEntry.get_or_none(id=entry_id, account_id=account_id)
    if entry is None:
        raise NotFound("The notification")
    return entry
