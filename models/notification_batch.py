"""Routing many notification intents at once: one read, then one script per batch.

The worker (subscriptions.notifier) decides each intent's channels from what
`unrouted` reads for the whole batch in one statement (the intents with their
participants' state, preferences and push-device counts), then stores the
whole batch with `route_batch_script` in one transaction (models.store.scripts,
one hand-off on SQLite):

1. lock the recipients' event logs, all at once (event logs first, then any row);
2. claim the batch's intents with one conditional UPDATE: only those still
   unrouted are routed here, another worker may have claimed the others;
3. add emails to the conversations' pending emails (a sealed one, already
   claimed by a sender, is not added to: a new one is scheduled), create the
   other deliveries with one INSERT, append in-app events, and log every
   decision with one INSERT.

Holding the recipients' event logs serialises routers in different processes,
so a conversation never has two pending emails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from parley.models.events import EventKind, LoggedEvent, NewEvent, append_new_events
from parley.models.notifications import (
    REASON_MAX,
    DeliveryChannel,
    DeliveryStatus,
    Outcome,
)
from parley.models.store.db import current_connection
from parley.models.store.scripts import Dialect, Script, placeholders


@dataclass(frozen=True, slots=True)
class Unrouted:
    """An intent not routed yet, with what its routing decision depends on in the database."""

    intent_id: int
    account_id: int
    conversation_id: int
    item_id: int
    created_at: datetime
    member: bool  # the account still takes part in the conversation
    muted: bool
    read_up_to: int
    email: str | None  # the account's preferences (the defaults without a row)
    email_enabled: bool
    push_enabled: bool
    push_devices: int


# One statement for the batch: the intents with their participants' state, the
# recipients' preferences and push-device counts (index lookups per intent).
_UNROUTED = (
    'SELECT i."id", i."account_id", i."conversation_id", i."item_id", i."created_at", '
    'p."id" AS "participant", p."muted", p."read_up_to", '
    'np."email", np."email_enabled", np."push_enabled", '
    '(SELECT COUNT(*) FROM "push_subscriptions" s WHERE s."account_id" = i."account_id") '
    'AS "devices" '
    'FROM "notification_intents" i '
    'LEFT JOIN "participants" p '
    'ON p."conversation_id" = i."conversation_id" AND p."account_id" = i."account_id" '
    'LEFT JOIN "notification_preferences" np ON np."account_id" = i."account_id" '
    'WHERE i."routed_at" IS NULL ORDER BY i."id" LIMIT {limit}'
)


async def unrouted(limit: int) -> list[Unrouted]:
    """The oldest `limit` intents not routed yet, each with what routing needs to know."""
    db = current_connection()
    postgres = db.capabilities.dialect == "postgres"
    # Raw SQL: building and hydrating ORM queries was most of a small batch's cost.
    rows = await db.execute_query_dict(_UNROUTED.format(limit="$1" if postgres else "?"), [limit])
    return [
        Unrouted(
            intent_id=int(row["id"]),
            account_id=int(row["account_id"]),
            conversation_id=int(row["conversation_id"]),
            item_id=int(row["item_id"]),
            created_at=_datetime(row["created_at"]),
            member=row["participant"] is not None,
            muted=bool(row["muted"]),
            read_up_to=int(row["read_up_to"] or 0),
            email=row["email"],
            email_enabled=row["email_enabled"] is None or bool(row["email_enabled"]),
            push_enabled=row["push_enabled"] is None or bool(row["push_enabled"]),
            push_devices=int(row["devices"]),
        )
        for row in rows
    ]


def _datetime(value: datetime | str) -> datetime:
    """A stored time as an aware datetime (SQLite returns the text it stored)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Step(StrEnum):
    """What one decision stores."""

    SKIP = "skip"  # only its log entry
    IN_APP = "in_app"  # an in-app notification on the account's event log
    EMAIL = "email"  # into the conversation's pending email, or a new one
    PUSH = "push"  # a push delivery, due now
    HOLD = "hold"  # an in-app delivery held until the live session ends


@dataclass(frozen=True, slots=True)
class Planned:
    """One decision about one intent."""

    channel: DeliveryChannel
    step: Step
    reason: str


@dataclass(frozen=True, slots=True)
class RoutedIntent:
    """One intent and its decisions, in the order they are logged."""

    intent_id: int
    account_id: int
    conversation_id: int
    item_id: int
    email_due_at: datetime  # when an email scheduled by it falls due
    decisions: Sequence[Planned]


@dataclass(frozen=True, slots=True)
class BatchResult:
    claimed: int
    events: list[LoggedEvent]


@dataclass(slots=True)
class _NewDelivery:
    account_id: int
    conversation_id: int
    channel: DeliveryChannel
    status: DeliveryStatus
    first_item_id: int
    last_item_id: int
    item_count: int
    due_at: datetime
    id: int | None = None


@dataclass(slots=True)
class _Entry:
    """A notification-log row whose delivery may be created later in the script."""

    intent: RoutedIntent
    planned: Planned
    outcome: Outcome
    delivery: _NewDelivery | int | None


_DELIVERY_COLUMNS = (
    '"account_id", "conversation_id", "channel", "status", "first_item_id", "last_item_id", '
    '"item_count", "due_at", "attempts", "created_at", "updated_at"'
)
_LOG_COLUMNS = (
    '"account_id", "conversation_id", "item_id", "delivery_id", "channel", "outcome", '
    '"reason", "created_at"'
)


def route_batch_script(
    dialect: Dialect, batch: Sequence[RoutedIntent], now: datetime
) -> Script[BatchResult]:
    """Store the batch's decisions in one transaction (see the module docstring)."""
    if not batch:
        return BatchResult(0, [])
    recipients = sorted({intent.account_id for intent in batch})
    if dialect == "postgres":  # SQLite serialises writers anyway
        yield (
            f'SELECT "id" FROM "accounts" WHERE "id" IN ({placeholders(len(recipients))}) '
            'ORDER BY "id" FOR UPDATE',
            recipients,
        )
    ids = [intent.intent_id for intent in batch]
    rows = yield (
        f'UPDATE "notification_intents" SET "routed_at" = ? '
        f'WHERE "id" IN ({placeholders(len(ids))}) AND "routed_at" IS NULL RETURNING "id"',
        [now, *ids],
    )
    claimed_ids = {int(row["id"]) for row in rows}
    claimed = [intent for intent in batch if intent.intent_id in claimed_ids]
    if not claimed:
        return BatchResult(0, [])

    pending = yield from _pending_emails(claimed, now)
    entries: list[_Entry] = []
    created: list[_NewDelivery] = []
    in_app: list[tuple[RoutedIntent, Planned]] = []
    for intent in claimed:
        for planned in intent.decisions:
            entries.append(_entry(intent, planned, now, pending, created, in_app))
    if created:
        yield from _create_deliveries(created, now)
    events = (yield from _append_in_app(in_app, now)) if in_app else []
    values = ", ".join(f"({placeholders(8)})" for _ in entries)
    params: list[object] = []
    for entry in entries:
        delivery = entry.delivery
        delivery_id = delivery.id if isinstance(delivery, _NewDelivery) else delivery
        params += (
            entry.intent.account_id,
            entry.intent.conversation_id,
            entry.intent.item_id,
            delivery_id,
            entry.planned.channel.value,
            entry.outcome.value,
            entry.planned.reason[:REASON_MAX],
            now,
        )
    yield f'INSERT INTO "notification_log" ({_LOG_COLUMNS}) VALUES {values}', params
    return BatchResult(len(claimed), events)


def _pending_emails(
    claimed: Sequence[RoutedIntent], now: datetime
) -> Script[dict[tuple[int, int], _NewDelivery | int]]:
    """The conversations' pending emails, each with the batch's emails added (by id).

    An email a sender claimed meanwhile is sealed: it is left out, so the batch
    schedules a new one, as routing one intent at a time did.
    """
    added: dict[tuple[int, int], list[int]] = defaultdict(list)
    for intent in claimed:
        for planned in intent.decisions:
            if planned.step == Step.EMAIL:
                added[(intent.account_id, intent.conversation_id)].append(intent.item_id)
    if not added:
        return {}
    accounts = sorted({account for account, _ in added})
    conversations = sorted({conversation for _, conversation in added})
    rows = yield (
        'SELECT "id", "account_id", "conversation_id" FROM "notification_deliveries" '
        'WHERE "channel" = ? AND "status" = ? '
        f'AND "account_id" IN ({placeholders(len(accounts))}) '
        f'AND "conversation_id" IN ({placeholders(len(conversations))}) ORDER BY "id"',
        [DeliveryChannel.EMAIL.value, DeliveryStatus.PENDING.value, *accounts, *conversations],
    )
    found: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (int(row["account_id"]), int(row["conversation_id"]))
        if key in added and key not in found:
            found[key] = int(row["id"])
    pending: dict[tuple[int, int], _NewDelivery | int] = {}
    for key, delivery_id in found.items():
        items = added[key]
        # Only while still pending: a batch a worker already claimed is sealed.
        updated = yield (
            'UPDATE "notification_deliveries" SET "last_item_id" = ?, '
            '"item_count" = "item_count" + ?, "updated_at" = ? '
            'WHERE "id" = ? AND "status" = ? RETURNING "id"',
            [items[-1], len(items), now, delivery_id, DeliveryStatus.PENDING.value],
        )
        if updated:
            pending[key] = delivery_id
    return pending


def _entry(
    intent: RoutedIntent,
    planned: Planned,
    now: datetime,
    pending: dict[tuple[int, int], _NewDelivery | int],
    created: list[_NewDelivery],
    in_app: list[tuple[RoutedIntent, Planned]],
) -> _Entry:
    """The log entry of one decision, noting what it creates on the way."""
    if planned.step == Step.SKIP:
        return _Entry(intent, planned, Outcome.SKIPPED, None)
    if planned.step == Step.IN_APP:
        in_app.append((intent, planned))
        return _Entry(intent, planned, Outcome.SENT, None)
    if planned.step == Step.EMAIL:
        key = (intent.account_id, intent.conversation_id)
        into = pending.get(key)
        if isinstance(into, _NewDelivery):  # scheduled earlier in this batch
            into.last_item_id = intent.item_id
            into.item_count += 1
        if into is not None:
            return _Entry(intent, planned, Outcome.BATCHED, into)
        email = _NewDelivery(
            intent.account_id,
            intent.conversation_id,
            DeliveryChannel.EMAIL,
            DeliveryStatus.PENDING,
            intent.item_id,
            intent.item_id,
            1,
            # The delay counts from the message, even if routing ran late (a restart).
            intent.email_due_at,
        )
        created.append(email)
        pending[key] = email
        return _Entry(intent, planned, Outcome.SCHEDULED, email)
    held = planned.step == Step.HOLD
    delivery = _NewDelivery(
        intent.account_id,
        intent.conversation_id,
        planned.channel,
        DeliveryStatus.HELD if held else DeliveryStatus.PENDING,
        intent.item_id,
        intent.item_id,
        1,
        now,
    )
    created.append(delivery)
    return _Entry(intent, planned, Outcome.HELD if held else Outcome.SCHEDULED, delivery)


def _create_deliveries(created: list[_NewDelivery], now: datetime) -> Script[None]:
    """Insert the new deliveries in one statement and note their ids."""
    values = ", ".join(f"({placeholders(11)})" for _ in created)
    params: list[object] = []
    for d in created:
        params += (
            d.account_id,
            d.conversation_id,
            d.channel.value,
            d.status.value,
            d.first_item_id,
            d.last_item_id,
            d.item_count,
            d.due_at,
            0,
            now,
            now,
        )
    rows = yield (
        f'INSERT INTO "notification_deliveries" ({_DELIVERY_COLUMNS}) VALUES {values} '
        'RETURNING "id", "account_id", "channel", "first_item_id"',
        params,
    )
    # RETURNING promises no order: match rows by what identifies them (an account has one
    # delivery per channel and first item), ids ascending as the VALUES if ever not.
    ids: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: int(row["id"])):
        ids[(int(row["account_id"]), str(row["channel"]), int(row["first_item_id"]))].append(
            int(row["id"])
        )
    for d in created:
        d.id = ids[(d.account_id, d.channel.value, d.first_item_id)].pop(0)


def _append_in_app(
    in_app: list[tuple[RoutedIntent, Planned]], now: datetime
) -> Script[list[LoggedEvent]]:
    """Append the in-app notifications to their accounts' event logs (already locked)."""
    return append_new_events(
        [
            NewEvent(
                intent.account_id,
                EventKind.NOTIFICATION,
                intent.conversation_id,
                data={"item": intent.item_id, "reason": planned.reason},
            )
            for intent, planned in in_app
        ],
        now,
    )
