"""A feed page read for display: the same page as the ORM's, with authors and orders.

The ORM's page (`orm_page`) is this test's own reference: the question `read_page` answers
in one statement, asked the plain way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from tortoise.expressions import Q

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.errors import NotFound
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.feed_pages import read_page
from parley.models.orders import Order
from parley.models.store.clock import ManualClock
from tests.models.test_feed import _busy_conversation

QUESTIONS: list[dict[str, Any]] = [
    {"last": 5},
    {"last": 0},
    {"last": 100},
    {"first": 4},
    {"first": 4, "after": 3},
    {"last": 3, "before": 9},
    {"first": 100, "after": 0},
]
FILTERS: list[list[FeedItemKind] | None] = [
    None,
    [FeedItemKind.MESSAGE],
    [FeedItemKind.ORDER_EVENT],
    [FeedItemKind.ORDER_EVENT, FeedItemKind.CALL_EVENT],
    [],
]


async def orm_page(
    conversation_id: int,
    kinds: Sequence[FeedItemKind] | None,
    *,
    last: int | None = None,
    before: int | None = None,
    first: int | None = None,
    after: int | None = None,
    visible_since: datetime | None = None,
) -> tuple[list[FeedItem], bool, bool]:
    """A page of a conversation's feed through the ORM, oldest first, and (has_older, has_newer)."""
    query = FeedItem.filter(conversation_id=conversation_id)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    if visible_since is not None:
        query = query.filter(~Q(kind=FeedItemKind.MESSAGE) | Q(created_at__gte=visible_since))
    if first is not None:
        if after is not None:
            query = query.filter(id__gt=after)
        forward = await query.order_by("id").limit(first + 1)
        return forward[:first], after is not None, len(forward) > first
    size = 20 if last is None else last
    if before is not None:
        query = query.filter(id__lt=before)
    backward = await query.order_by("-id").limit(size + 1)
    return list(reversed(backward[:size])), len(backward) > size, before is not None


async def test_every_question_gets_the_orm_pages_items_and_flags(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, ids = await _busy_conversation(clock, client, freelancer)
    # Messages sent in the first minutes are past the retention line below.
    since = clock.now() - timedelta(minutes=7)
    for question in QUESTIONS:
        for kinds in FILTERS:
            for visible_since in (None, since):
                arguments = dict(question)
                for key in ("after", "before"):
                    if key in arguments:
                        arguments[key] = ids[arguments[key]]
                expected, older, newer = await orm_page(
                    conversation, kinds, visible_since=visible_since, **arguments
                )
                page = await read_page(
                    client.id, conversation, kinds, visible_since=visible_since, **arguments
                )
                context = (question, kinds, visible_since)
                assert [item.id for item in page.items] == [row.id for row in expected], context
                assert (page.has_older, page.has_newer) == (older, newer), context
                for item, row in zip(page.items, expected, strict=True):
                    assert _shown(item) == _shown(row), context


def _shown(row: Any) -> tuple[Any, ...]:
    return (
        row.kind,
        row.author_id,
        row.order_id,
        row.body,
        row.event,
        row.order_status,
        row.previous_status,
        row.call_event,
        row.read_at,
        row.created_at,
        row.created_at.tzinfo,
    )


async def test_authors_and_orders_are_the_rows_the_orm_reads(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, _ = await _busy_conversation(clock, client, freelancer)
    page = await read_page(freelancer.id, conversation, None, last=100)
    assert set(page.authors) == {client.id, freelancer.id}
    for account_id, account in page.authors.items():
        stored = await Account.get(id=account_id)
        assert _fields(account) == _fields(stored)
    (order_id,) = page.orders
    assert _fields(page.orders[order_id]) == _fields(await Order.get(id=order_id))


def _fields(row: Account | Order) -> dict[str, Any]:
    described = row.describe(serializable=False)
    return {
        field["name"]: getattr(row, field["name"])
        for field in [described["pk_field"], *described["data_fields"]]
    }


async def test_an_order_without_its_row_reads_as_no_order(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, _ = await _busy_conversation(clock, client, freelancer)
    newest = await FeedItem.filter(conversation_id=conversation).order_by("-id").first()
    assert newest is not None
    await FeedItem.filter(id=newest.id).update(order_id=999_999)
    page = await read_page(client.id, conversation, None, last=1)
    assert page.items[0].order_id == 999_999
    assert page.orders == {}


async def test_strangers_get_not_found_for_full_and_empty_pages(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, ids = await _busy_conversation(clock, client, freelancer)
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    with pytest.raises(NotFound):
        await read_page(stranger.id, conversation, None, last=5)
    with pytest.raises(NotFound):
        await read_page(stranger.id, conversation, None, last=5, before=ids[0])
    empty = await read_page(client.id, conversation, None, last=5, before=ids[0])
    assert (empty.items, empty.has_older, empty.has_newer) == ([], False, True)
