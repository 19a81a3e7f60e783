"""Reading a feed page for display: one statement, rows without ORM hydration.

A page is a keyset question on a conversation's feed items. Through the ORM it
needed four statements (the participant check, the page, the senders, the
orders), each a hop to the database driver, and a tortoise model per item
whose dates were parsed by iso8601. `read_page` asks it in one statement that
also checks membership (EXISTS) and joins each item's author and order, reads
the items as plain `FeedEntry` records (dates through `datetime.fromisoformat`),
and hydrates one model per distinct author and order. The models stay the
schema of record: the column lists come from their description
(`Model.describe`). tests/models/test_feed_pages.py keeps the ORM's page as
its reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from typing import Any

from tortoise.fields import DatetimeField
from tortoise.models import Model
from tortoise.timezone import get_default_timezone

from parley.compat.tortoise import from_row
from parley.models.accounts import Account
from parley.models.conversations import require_participant
from parley.models.errors import InvalidInput
from parley.models.feed import CallEventType, FeedItemKind, OrderEventType
from parley.models.orders import Order, require_order_in
from parley.models.store.db import current_connection

# The feed item columns a page shows, in FeedEntry's order.
_ITEM_COLUMNS = (
    "id",
    "conversation_id",
    "kind",
    "author_id",
    "order_id",
    "campaign_id",
    "body",
    "event",
    "order_status",
    "previous_status",
    "call_invite_id",
    "call_event",
    "subject_id",
    "subject_status",
    "read_at",
    "created_at",
)


@dataclass(slots=True)
class FeedEntry:
    """A feed item as a page shows it (the columns of `FeedItem` that the API reads)."""

    id: int
    conversation_id: int
    kind: FeedItemKind
    author_id: int | None
    order_id: int | None
    campaign_id: int | None
    body: str | None
    event: OrderEventType | None
    order_status: str | None
    previous_status: str | None
    call_invite_id: int | None
    call_event: CallEventType | None
    subject_id: int | None
    subject_status: str | None
    read_at: datetime | None
    created_at: datetime


@dataclass(slots=True)
class FeedPage:
    """A page, oldest first, with (has_older, has_newer) and its items' authors and orders."""

    items: list[FeedEntry]
    has_older: bool
    has_newer: bool
    authors: dict[int, Account]
    orders: dict[int, Order]


@dataclass(frozen=True, slots=True)
class _Joined:
    """A joined model's columns, and which of them hold dates."""

    model: type[Model]
    columns: tuple[str, ...]
    dates: tuple[int, ...]

    @classmethod
    def of(cls, model: type[Model]) -> _Joined:
        described = model.describe(serializable=False)
        fields = [described["pk_field"], *described["data_fields"]]
        columns = tuple(str(field["db_column"]) for field in fields)
        dates = tuple(
            at for at, field in enumerate(fields) if issubclass(field["field_type"], DatetimeField)
        )
        return cls(model, columns, dates)


@cache
def _joined() -> tuple[_Joined, _Joined]:
    return _Joined.of(Account), _Joined.of(Order)


@cache
def _statement(
    dialect: str,
    kinds: int | None,
    retention: bool,
    forward: bool,
    cursor: bool,
    order: bool = False,
) -> str:
    """The page's SQL for one shape of question; parameters in `read_page`'s order."""
    numbered = dialect == "postgres"
    count = 0

    def p() -> str:
        nonlocal count
        count += 1
        return f"${count}" if numbered else "?"

    accounts, orders = _joined()
    select = ", ".join(
        [f'f."{c}"' for c in _ITEM_COLUMNS]
        + [f'a."{c}"' for c in accounts.columns]
        + [f'o."{c}"' for c in orders.columns]
    )
    where = [
        f'f."conversation_id" = {p()}',
        f'EXISTS (SELECT 1 FROM "participants" m WHERE m."account_id" = {p()} '
        f'AND m."conversation_id" = {p()})',
        # Items for one participant alone (support updates) are only theirs to see.
        f'(f."audience_id" IS NULL OR f."audience_id" = {p()})',
    ]
    if kinds is not None:  # (an empty filter admits nothing)
        where.append(f'f."kind" IN ({", ".join(p() for _ in range(kinds))})' if kinds else "1 = 0")
    if order:  # one job's thread
        where.append(f'f."order_id" = {p()}')
    if retention:
        # Messages past the retention period are gone even before the purge runs.
        where.append(f'(f."kind" <> {p()} OR f."created_at" >= {p()})')
    if cursor:
        where.append(f'f."id" {">" if forward else "<"} {p()}')
    return (
        f'SELECT {select} FROM "feed_items" f '
        'LEFT JOIN "accounts" a ON a."id" = f."author_id" '
        'LEFT JOIN "orders" o ON o."id" = f."order_id" '
        f"WHERE {' AND '.join(where)} "
        f'ORDER BY f."id" {"ASC" if forward else "DESC"} LIMIT {p()}'
    )


async def read_page(
    viewer_id: int,
    conversation_id: int,
    kinds: Sequence[FeedItemKind] | None,
    *,
    order_id: int | None = None,
    last: int | None = None,
    before: int | None = None,
    first: int | None = None,
    after: int | None = None,
    visible_since: datetime | None = None,
) -> FeedPage:
    """A page of the conversation's feed, oldest first, for a participant; NotFound for
    anyone else.

    With `order_id`, only that order's items: the job's own thread (NotFound when the
    order is not the conversation's). `last`/`before` scroll up from the newest item;
    `first`/`after` read forward.
    """
    if first is not None and last is not None:
        raise InvalidInput("first", "Use either first/after or last/before, not both.")
    forward = first is not None
    size = first if first is not None else (20 if last is None else last)
    cursor = after if forward else before
    values: list[Any] = [conversation_id, viewer_id, conversation_id, viewer_id]
    if kinds is not None:
        values += [str(kind) for kind in kinds]
    if order_id is not None:
        values.append(order_id)
    if visible_since is not None:
        values += [str(FeedItemKind.MESSAGE), visible_since]
    if cursor is not None:
        values.append(cursor)
    values.append(size + 1)
    connection = current_connection()
    sql = _statement(
        connection.capabilities.dialect,
        None if kinds is None else len(kinds),
        visible_since is not None,
        forward,
        cursor is not None,
        order_id is not None,
    )
    _, rows = await connection.execute_query(sql, values)
    if not rows:
        # Nothing to show, or not the viewer's conversation: tell the two apart.
        await require_participant(viewer_id, conversation_id)
        if order_id is not None:
            await require_order_in(conversation_id, order_id)
    page = rows[:size]
    if not forward:
        page = page[::-1]
    zone = get_default_timezone()
    accounts, orders = _joined()
    n_items = len(_ITEM_COLUMNS)
    n_accounts = n_items + len(accounts.columns)
    order_id_at = n_accounts + orders.columns.index("id")
    authors: dict[int, Account] = {}
    read_orders: dict[int, Order] = {}
    items: list[FeedEntry] = []
    for row in page:
        columns = tuple(row)
        (
            id_,
            conv,
            kind,
            author_id,
            item_order,
            campaign,
            body,
            event,
            status,
            previous,
            invite,
            call,
            subject_id,
            subject_status,
            read_at,
            created_at,
        ) = columns[:n_items]
        items.append(
            FeedEntry(
                id_,
                conv,
                FeedItemKind(kind),
                author_id,
                item_order,
                campaign,
                body,
                None if event is None else OrderEventType(event),
                status,
                previous,
                invite,
                None if call is None else CallEventType(call),
                subject_id,
                subject_status,
                None if read_at is None else _when(read_at, zone),
                _when(created_at, zone),
            )
        )
        if author_id is not None and author_id not in authors:
            authors[author_id] = _hydrate(accounts, columns[n_items:n_accounts], zone)
        if item_order is not None and item_order not in read_orders and columns[order_id_at]:
            # (an order id without an order row is shown as no order)
            read_orders[item_order] = _hydrate(orders, columns[n_accounts:], zone)
    has_more = len(rows) > size
    if forward:
        return FeedPage(items, after is not None, has_more, authors, read_orders)
    return FeedPage(items, has_more, before is not None, authors, read_orders)


def _when(value: Any, zone: tzinfo) -> datetime:
    """A stored date as tortoise gives it: aware, in the configured zone."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _hydrate(joined: _Joined, values: Sequence[Any], zone: tzinfo) -> Any:
    """One model instance from its joined columns, as a query through the ORM would build it."""
    row = list(values)
    for at in joined.dates:
        if row[at] is not None:
            row[at] = _when(row[at], zone)
    return from_row(joined.model, dict(zip(joined.columns, row, strict=True)))
