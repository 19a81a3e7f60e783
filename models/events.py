"""The per-account event log: the truth that live subscriptions replay from.

Every change a client must see appends one `Event` per account concerned, in
the same transaction as the change. Each account has its own gap-free cursor
(`seq`): it is taken by incrementing `accounts.event_seq`, which holds that
account's row lock until commit, so an account's events commit in cursor order
on every backend. Pub/sub only rings the doorbell (see subscriptions.bus).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.fields.data import JSON_DUMPS
from tortoise.models import Model

from parley.models.accounts import Account
from parley.models.errors import CursorAhead
from parley.models.store.scripts import Dialect, Row, Script, placeholders


class EventKind(StrEnum):
    MESSAGE = "message"  # a new message: item_id
    ITEM = "item"  # another new feed item (an order event): item_id
    READ = "read"  # a participant read up to data["up_to"]
    CALL = "call"  # a call invite changed: item_id (a call event feed item)
    SUPPORT = "support"  # a support request the account opened changed: item_id
    NOTIFICATION = "notification"  # an in-app notification: data (item in data, not item_id)


class Event(Model):
    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.CASCADE, db_constraint=True
    )
    account_id: int
    seq = fields.BigIntField()
    kind = fields.CharEnumField(EventKind, max_length=16)
    conversation_id = fields.BigIntField()
    item_id = fields.BigIntField(null=True)
    data: dict[str, Any] | None = fields.JSONField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "events"
        unique_together = (("account", "seq"),)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One entry of an account's event log, as stored and as sent over the bus."""

    account_id: int
    seq: int
    kind: EventKind
    conversation_id: int
    item_id: int | None
    data: dict[str, Any] | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Event) -> LoggedEvent:
        return cls(
            account_id=row.account_id,
            seq=row.seq,
            kind=EventKind(row.kind),
            conversation_id=row.conversation_id,
            item_id=row.item_id,
            data=row.data,
            created_at=row.created_at,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "a": self.account_id,
            "s": self.seq,
            "k": self.kind.value,
            "c": self.conversation_id,
            "i": self.item_id,
            "d": self.data,
            "t": self.created_at.isoformat(),
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> LoggedEvent:
        return cls(
            account_id=int(wire["a"]),
            seq=int(wire["s"]),
            kind=EventKind(wire["k"]),
            conversation_id=int(wire["c"]),
            item_id=None if wire["i"] is None else int(wire["i"]),
            data=wire["d"],
            created_at=datetime.fromisoformat(wire["t"]),
        )


_ID_COLUMN = '"id"'


def lock_event_logs(
    dialect: Dialect, account_ids: Iterable[int], *, columns: str | None = None, lock: bool = True
) -> Script[list[Row]]:
    """Lock the accounts' event logs (ascending id) before creating what the events describe;
    with `columns`, return those columns of the accounts, read as locked.

    Taken before the feed item is inserted, the lock makes item ids and event
    cursors agree in order, so a live stream never shows a later message first.
    Lock order everywhere: event logs first, then any other row. SQLite
    serialises writers anyway, so there it takes no lock (and, without `columns`,
    runs no statement).
    """
    ids = sorted(set(account_ids))
    locking = lock and dialect == "postgres"
    if not ids or (columns is None and not locking):
        return []
    for_update = " FOR UPDATE" if locking else ""
    rows = yield (
        f'SELECT {columns or _ID_COLUMN} FROM "accounts" WHERE "id" IN ({placeholders(len(ids))}) '
        f'ORDER BY "id"{for_update}',
        ids,
    )
    return rows


@dataclass(frozen=True)
class NewEvent:
    """An event to append to `account_id`'s log (its cursor is taken when appended)."""

    account_id: int
    kind: EventKind
    conversation_id: int
    item_id: int | None = None
    data: dict[str, Any] | None = None


def append_events(
    recipients: Iterable[int],
    kind: EventKind,
    *,
    conversation_id: int,
    now: datetime,
    item_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Script[list[LoggedEvent]]:
    """Append one event per recipient, in ascending account id (see `append_new_events`)."""
    return append_new_events(
        [
            NewEvent(account_id, kind, conversation_id, item_id, data)
            for account_id in sorted(set(recipients))
        ],
        now,
    )


def append_new_events(events: Sequence[NewEvent], now: datetime) -> Script[list[LoggedEvent]]:
    """Append `events` to their accounts' logs: every cursor in one statement, then the rows.

    Call inside the transaction of the change, after `lock_event_logs` (the logs are then
    locked; the cursors are taken in ascending account id, so two transactions touching
    the same pair of accounts can never deadlock on PostgreSQL). An account with several
    events gets consecutive cursors, in the order of `events`.
    """
    counts = Counter(event.account_id for event in events)
    ids = sorted(counts)
    if all(count == 1 for count in counts.values()):
        step, params = "1", list(ids)
    else:
        cases = " ".join("WHEN ? THEN CAST(? AS BIGINT)" for _ in ids)
        step = f'CASE "id" {cases} END'
        params = [*(value for account in ids for value in (account, counts[account])), *ids]
    rows = yield (
        f'UPDATE "accounts" SET "event_seq" = "event_seq" + {step} '
        f'WHERE "id" IN ({placeholders(len(ids))}) RETURNING "id", "event_seq"',
        params,
    )
    next_seq = {int(row["id"]): int(row["event_seq"]) - counts[int(row["id"])] + 1 for row in rows}
    logged = []
    for event in events:
        seq = next_seq[event.account_id]
        next_seq[event.account_id] = seq + 1
        logged.append(
            LoggedEvent(
                event.account_id,
                seq,
                event.kind,
                event.conversation_id,
                event.item_id,
                event.data,
                now,
            )
        )
    values = ", ".join(f"({placeholders(7)})" for _ in logged)
    yield (
        'INSERT INTO "events" ("account_id", "seq", "kind", "conversation_id", "item_id", '
        f'"data", "created_at") VALUES {values}',
        [
            value
            for event in logged
            for value in (
                event.account_id,
                event.seq,
                event.kind.value,
                event.conversation_id,
                event.item_id,
                None if event.data is None else JSON_DUMPS(event.data),
                now,
            )
        ],
    )
    return logged


async def events_after(account_id: int, after: int, limit: int = 500) -> list[LoggedEvent]:
    """The account's events with a cursor above `after`, oldest first."""
    rows = await Event.filter(account_id=account_id, seq__gt=after).order_by("seq").limit(limit)
    return [LoggedEvent.from_row(row) for row in rows]


async def latest_seq(account_id: int) -> int:
    rows = await Account.filter(id=account_id).limit(1).values("event_seq")
    return int(rows[0]["event_seq"]) if rows else 0


async def check_cursor(account_id: int, after: int, field: str = "after") -> None:
    """Refuse a cursor the account's log has not reached (CursorAhead): live events up to it
    would otherwise be dropped as duplicates without a word."""
    if after > await latest_seq(account_id):
        raise CursorAhead(field)
