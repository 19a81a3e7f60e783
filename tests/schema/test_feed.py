"""The feed query through the schema: filters, paging, cursors, query budget."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.messaging import send_message
from parley.models.orders import Order, OrderStatus, change_order_status
from parley.models.store.clock import ManualClock
from tests.ids import gid, raw
from tests.support import Executor, QueryLog, account

FEED = """
query Feed($id: ID!, $filter: FeedFilter, $last: Int, $before: String, $first: Int, $after: String) {
  feed(conversationId: $id, filter: $filter, last: $last, before: $before, first: $first, after: $after) {
    edges {
      cursor
      node {
        __typename
        ... on Message { id body createdAt readAt isMine sender { id name } order { id title } }
        ... on OrderEvent { id orderEventType status previousStatus order { id status } }
      }
    }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}
"""


@pytest.fixture
async def conversation_with_60_items(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> int:
    """An order event, 58 messages about it, and a status change: 60 items."""
    for i in range(58):
        clock.advance(timedelta(seconds=30))
        sender = client.id if i % 3 else freelancer.id
        await send_message(
            clock, sender, conversation_id=conversation_with_order, body=f"message {i}", order_id=1
        )
    await change_order_status(clock, 1, OrderStatus.IN_PROGRESS)
    return conversation_with_order


async def test_the_newest_page_is_chronological_with_the_newest_at_the_bottom(
    gql: Executor, client: Account, conversation_with_60_items: int
) -> None:
    data = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "last": 5},
        as_=account(client.id),
    )
    nodes = [edge["node"] for edge in data["feed"]["edges"]]
    assert [n["__typename"] for n in nodes] == ["Message"] * 4 + ["OrderEvent"]
    assert [n["body"] for n in nodes[:4]] == [f"message {i}" for i in range(54, 58)]
    assert nodes[-1]["status"] == "IN_PROGRESS"
    assert nodes[-1]["previousStatus"] == "OPEN"
    assert data["feed"]["pageInfo"]["hasPreviousPage"] is True
    assert data["feed"]["pageInfo"]["hasNextPage"] is False


async def test_scrolling_up_with_cursors_reaches_the_order_that_started_it(
    gql: Executor, freelancer: Account, conversation_with_60_items: int
) -> None:
    before = None
    seen: list[dict[str, str]] = []
    while True:
        data = await gql.execute(
            FEED,
            {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "last": 25, "before": before},
            as_=account(freelancer.id),
        )
        page = data["feed"]
        seen = [edge["node"] for edge in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert len(seen) == 60
    assert seen[0]["__typename"] == "OrderEvent"
    assert seen[0]["orderEventType"] == "CREATED"
    ids = [raw(node["id"]) for node in seen]
    assert ids == sorted(ids)


@pytest.mark.parametrize(
    ("filter_", "typenames"), [("ORDERS", {"OrderEvent"}), ("MESSAGES", {"Message"})]
)
async def test_filters(
    gql: Executor,
    client: Account,
    conversation_with_60_items: int,
    filter_: str,
    typenames: set[str],
) -> None:
    data = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "filter": filter_, "last": 100},
        as_=account(client.id),
    )
    nodes = [edge["node"] for edge in data["feed"]["edges"]]
    assert {node["__typename"] for node in nodes} == typenames
    assert len(nodes) == (2 if filter_ == "ORDERS" else 58)


async def test_a_deep_page_is_a_keyset_scan_with_a_bounded_number_of_queries(
    gql: Executor, client: Account, conversation_with_60_items: int
) -> None:
    newest = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "last": 5},
        as_=account(client.id),
    )
    cursor = newest["feed"]["pageInfo"]["startCursor"]
    with QueryLog() as log:
        data = await gql.execute(
            FEED,
            {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "last": 50, "before": cursor},
            as_=account(client.id),
        )
    assert len(data["feed"]["edges"]) == 50
    assert log.statements, "the query log captured nothing"
    assert not any("OFFSET" in sql.upper() for sql in log.statements), log.statements
    # membership, the page, its senders and its orders: one statement, no query per item.
    assert len(log.selects) == 1, log.selects


async def test_senders_and_orders_come_with_the_page(
    gql: Executor, client: Account, freelancer: Account, conversation_with_60_items: int
) -> None:
    data = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "last": 4},
        as_=account(freelancer.id),
    )
    nodes = [edge["node"] for edge in data["feed"]["edges"]]
    # The freelancer sends every third message (57); the client the others.
    assert [(n["body"], n["sender"]["name"], n["isMine"]) for n in nodes[:3]] == [
        ("message 55", "Acme", False),
        ("message 56", "Acme", False),
        ("message 57", "Maya", True),
    ]
    assert {n["order"]["id"] for n in nodes} == {gid(Tag.ORDER, 1)}
    assert nodes[3]["order"]["status"] == "IN_PROGRESS"


async def test_a_page_before_the_first_item_is_empty_not_unknown(
    gql: Executor, client: Account, conversation_with_60_items: int
) -> None:
    first = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "first": 1},
        as_=account(client.id),
    )
    cursor = first["feed"]["pageInfo"]["startCursor"]
    data = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_60_items), "before": cursor},
        as_=account(client.id),
    )
    assert data["feed"]["edges"] == []
    assert data["feed"]["pageInfo"] == {
        "hasPreviousPage": False,
        "hasNextPage": True,
        "startCursor": None,
        "endCursor": None,
    }


async def test_page_sizes_over_the_cap_and_bad_cursors_are_typed_errors(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    errors = await gql.errors(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_order), "last": 101},
        as_=account(client.id),
    )
    assert errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "last"}
    errors = await gql.errors(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_order), "before": "bm9wZQ"},
        as_=account(client.id),
    )
    assert errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "before"}
    errors = await gql.errors(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_order), "last": 2, "first": 2},
        as_=account(client.id),
    )
    assert errors[0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    "conversation_id",
    [
        gid(Tag.CONVERSATION, 999999),
        "999999",
        "abc",
        "-1",
        "1e3",
        "99999999999999999999999",
    ],
)
async def test_unknown_and_foreign_conversations_answer_alike_as_not_found(
    gql: Executor, clock: ManualClock, conversation_with_order: int, conversation_id: str
) -> None:
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    unknown = await gql.errors(FEED, {"id": conversation_id}, as_=account(stranger.id))
    foreign = await gql.errors(
        FEED, {"id": gid(Tag.CONVERSATION, conversation_with_order)}, as_=account(stranger.id)
    )
    assert unknown[0]["message"] == foreign[0]["message"] == "The conversation was not found."
    assert unknown[0]["extensions"] == foreign[0]["extensions"] == {"code": "NOT_FOUND"}


async def test_a_participant_naming_the_conversation_by_row_id_or_wrong_tag_gets_not_found(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    order = await Order.get(conversation_id=conversation_with_order)
    for not_its_id in [str(conversation_with_order), gid(Tag.ORDER, order.id)]:
        errors = await gql.errors(FEED, {"id": not_its_id}, as_=account(client.id))
        assert errors[0]["message"] == "The conversation was not found."
        assert errors[0]["extensions"] == {"code": "NOT_FOUND"}


@pytest.mark.parametrize(
    "arguments", [{"before": "bm9wZQ"}, {"last": 101}, {"first": -1}, {"after": "bm9wZQ"}]
)
async def test_bad_arguments_on_a_foreign_conversation_still_answer_not_found(
    gql: Executor, clock: ManualClock, conversation_with_order: int, arguments: dict[str, object]
) -> None:
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    unknown = await gql.errors(
        FEED, {"id": gid(Tag.CONVERSATION, 999999), **arguments}, as_=account(stranger.id)
    )
    foreign = await gql.errors(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_order), **arguments},
        as_=account(stranger.id),
    )
    assert unknown == foreign
    assert foreign[0]["extensions"] == {"code": "NOT_FOUND"}


async def test_anonymous_callers_are_told_to_sign_in(
    gql: Executor, conversation_with_order: int
) -> None:
    errors = await gql.errors(
        FEED, {"id": gid(Tag.CONVERSATION, conversation_with_order)}, as_=None
    )
    assert errors[0]["extensions"] == {"code": "UNAUTHENTICATED"}
