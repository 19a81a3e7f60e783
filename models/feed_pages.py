"""Reading a feed page for display: one statement, rows without ORM hydration.

`feed_page` (models.feed) is the ORM's keyset page. Serving a page to the API
needed four statements (the participant check, the page, the senders, the
orders), each a hop to the database driver, and a tortoise model per item
whose dates were parsed by iso8601: most of a page's cost. `read_page` asks the
same keyset question in one statement that also checks membership (EXISTS) and
joins each item's author and order, reads the items as plain `FeedEntry`
records (dates through `datetime.fromisoformat`), and hydrates one model per
distinct author and order. The models stay the schema of record: the column
lists come from their metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.timezone import get_default_timezone

from models.accounts import Account
from models.conversations import require_participant
from models.errors import InvalidInput
from models.feed import CallEventType, FeedItem, FeedItemKind, OrderEventType
from models.orders import Order

M = TypeVar("M", bound=Model)

# The feed item columns a page shows, in FeedEntry's order.
_ITEM_COLUMNS = (
    "id",
    "conversation_id",
    "kind",
    "author_id",
    "order_id",
    "body",
    "event",
    "order_status",
    "previous_status",
    "call_invite_id",
    "call_event",
    "read_at",
    "created_at",
)


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """A feed item as a page shows it (the columns of `FeedItem` that the API reads)."""

    id: int
    conversation_id: int
    kind: FeedItemKind
    author_id: int | None
    order_id: int | None
    body: str | None
    event: OrderEventType | None
    order_status: str | None
    previous_status: str | None
    call_invite_id: int | None
    call_event: CallEventType | None
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


def _columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(model._meta.fields_db_projection.values())


class _Statement:
    """Parameter placeholders in the connection's style (`?` for SQLite, `$n` for asyncpg)."""

    def __init__(self, dialect: str) -> None:
        self.numbered = dialect == "postgres"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"


def _when(value: Any) -> datetime:
    """A stored date as tortoise gives it: aware, in the configured zone."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = get_default_timezone()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


async def read_page(
    viewer_id: int,
    conversation_id: int,
    kinds: Sequence[FeedItemKind] | None,
    *,
    last: int | None = None,
    before: int | None = None,
    first: int | None = None,
    after: int | None = None,
    visible_since: datetime | None = None,
) -> FeedPage:
    """The page `models.feed.feed_page` gives, for a participant; NotFound for anyone else.

    `last`/`before` scroll up from the newest item; `first`/`after` read forward.
    """
    if first is not None and last is not None:
        raise InvalidInput("first", "Use either first/after or last/before, not both.")
    forward = first is not None
    size = first if first is not None else (20 if last is None else last)
    connection = FeedItem._meta.db
    p = _Statement(connection.capabilities.dialect)
    account_columns, order_columns = _columns(Account), _columns(Order)
    select = ", ".join(
        [f'f."{c}"' for c in _ITEM_COLUMNS]
        + [f'a."{c}"' for c in account_columns]
        + [f'o."{c}"' for c in order_columns]
    )
    where = [
        f'f."conversation_id" = {p(conversation_id)}',
        'EXISTS (SELECT 1 FROM "participants" m WHERE '
        f'm."account_id" = {p(viewer_id)} AND m."conversation_id" = {p(conversation_id)})',
    ]
    if kinds is not None:
        where.append(f'f."kind" IN ({", ".join(p(str(kind)) for kind in kinds) or "NULL"})')
    if visible_since is not None:
        # Messages past the retention period are gone even before the purge runs.
        where.append(
            f'(f."kind" <> {p(str(FeedItemKind.MESSAGE))} OR f."created_at" >= {p(visible_since)})'
        )
    if forward and after is not None:
        where.append(f'f."id" > {p(after)}')
    if not forward and before is not None:
        where.append(f'f."id" < {p(before)}')
    sql = (
        f'SELECT {select} FROM "feed_items" f '
        f'LEFT JOIN "accounts" a ON a."id" = f."author_id" '
        f'LEFT JOIN "orders" o ON o."id" = f."order_id" '
        f"WHERE {' AND '.join(where)} "
        f'ORDER BY f."id" {"ASC" if forward else "DESC"} LIMIT {p(size + 1)}'
    )
    _, rows = await connection.execute_query(sql, p.values)
    if not rows:
        # Nothing to show, or not the viewer's conversation: tell the two apart.
        await require_participant(viewer_id, conversation_id)
    page = rows[:size]
    if not forward:
        page = page[::-1]
    authors: dict[int, Account] = {}
    orders: dict[int, Order] = {}
    items: list[FeedEntry] = []
    n_items, n_accounts = len(_ITEM_COLUMNS), len(account_columns)
    order_id_at = order_columns.index("id")
    for row in page:
        values = tuple(row)
        item = _entry(values[:n_items])
        items.append(item)
        author_id, order_id = item.author_id, item.order_id
        if author_id is not None and author_id not in authors:
            authors[author_id] = _hydrate(
                Account, account_columns, values[n_items : n_items + n_accounts]
            )
        if order_id is not None and order_id not in orders:
            order = values[n_items + n_accounts :]
            if order[order_id_at] is not None:  # no order row: shown as no order
                orders[order_id] = _hydrate(Order, order_columns, order)
    has_more = len(rows) > size
    if forward:
        return FeedPage(items, after is not None, has_more, authors, orders)
    return FeedPage(items, has_more, before is not None, authors, orders)


def _entry(values: Sequence[Any]) -> FeedEntry:
    (id_, conversation, kind, author, order, body, event, status, previous, invite, call) = values[
        :-2
    ]
    read_at, created_at = values[-2:]
    return FeedEntry(
        id=id_,
        conversation_id=conversation,
        kind=FeedItemKind(kind),
        author_id=author,
        order_id=order,
        body=body,
        event=OrderEventType(event) if event is not None else None,
        order_status=status,
        previous_status=previous,
        call_invite_id=invite,
        call_event=CallEventType(call) if call is not None else None,
        read_at=_when(read_at) if read_at is not None else None,
        created_at=_when(created_at),
    )


def _hydrate(model: type[M], columns: Sequence[str], values: Sequence[Any]) -> M:
    """One model instance from its joined columns, as a query through the ORM would build it."""
    return model._init_from_db(**dict(zip(columns, values, strict=True)))
