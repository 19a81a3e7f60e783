"""Support requests read back, moved along by the service, and their updates in the feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any

from parley.models.accounts import Account
from parley.models.global_ids import Tag
from parley.models.orders import Order
from parley.models.store.clock import ManualClock
from tests.ids import gid, raw
from tests.support import SERVICE, WAIT, Executor, account, next_data

OPEN = """
mutation Open($input: OpenSupportRequestInput!) {
  openSupportRequest(input: $input) { __typename ... on SupportRequest { id } }
}
"""
UPDATE = """
mutation Update($input: UpdateSupportRequestInput!) {
  updateSupportRequest(input: $input) {
    __typename
    ... on SupportRequest { id supportStatus note updatedAt }
    ... on Error { code message }
    ... on InvalidInput { field }
  }
}
"""
MINE = """
query Mine($first: Int, $after: String) {
  supportRequests(first: $first, after: $after) {
    edges { cursor node { id reason supportStatus note details aboutOrderId createdAt updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
FEED = """
query Feed($id: ID!, $filter: FeedFilter!) {
  feed(conversationId: $id, filter: $filter, last: 100) {
    edges { node { __typename ... on SupportRequestEvent { requestId supportStatus note aboutOrderId } } }
  }
}
"""
LIVE = """
subscription Live($id: ID!) {
  feedUpdates(conversationId: $id, filter: SUPPORT) {
    item { __typename ... on SupportRequestEvent { requestId supportStatus note } }
  }
}
"""


async def _started(
    gql: Executor, stream: AsyncGenerator[Any, None], account_id: int
) -> asyncio.Task[dict[str, Any]]:
    """Begin pulling from `stream` and return once its listener is registered."""
    task = asyncio.create_task(next_data(stream))
    await asyncio.wait_for(gql.services.bus.hub.wait_for_listeners(account_id, 1), WAIT)
    return task


async def _open(gql: Executor, caller: int, **about: Any) -> str:
    data = await gql.execute(OPEN, {"input": {"details": "Help", **about}}, as_=account(caller))
    request_id: str = data["openSupportRequest"]["id"]
    return request_id


async def _update(gql: Executor, request_id: str, status: str, note: str = "") -> dict[str, Any]:
    variables = {"input": {"id": request_id, "status": status, "note": note}}
    data = await gql.execute(UPDATE, variables, as_=SERVICE)
    result: dict[str, Any] = data["updateSupportRequest"]
    return result


async def _support_items(gql: Executor, viewer: int, conversation: str) -> list[dict[str, Any]]:
    data = await gql.execute(FEED, {"id": conversation, "filter": "ALL"}, as_=account(viewer))
    return [
        edge["node"]
        for edge in data["feed"]["edges"]
        if edge["node"]["__typename"] == "SupportRequestEvent"
    ]


async def test_the_requester_reads_back_status_note_and_times_and_sees_each_change_in_the_feed(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    order = gid(Tag.ORDER, (await Order.get(conversation_id=conversation_with_order)).id)
    about_chat = await _open(gql, client.id, conversationId=conversation)
    clock.advance(timedelta(minutes=1))
    about_order = await _open(gql, client.id, orderId=order, reason="OTHER")
    opened_at = clock.now()

    clock.advance(timedelta(hours=1))
    taken = await _update(gql, about_order, "IN_PROGRESS", "Looking into it")
    assert taken == {
        "__typename": "SupportRequest",
        "id": about_order,
        "supportStatus": "IN_PROGRESS",
        "note": "Looking into it",
        "updatedAt": clock.now().isoformat(),
    }
    clock.advance(timedelta(hours=1))
    await _update(gql, about_order, "RESOLVED", "Refunded")

    data = await gql.execute(MINE, as_=account(client.id))
    nodes = [edge["node"] for edge in data["supportRequests"]["edges"]]
    assert [node["id"] for node in nodes] == [about_order, about_chat]  # newest first
    assert nodes[0] | {"id": None} == {
        "id": None,
        "reason": "OTHER",
        "supportStatus": "RESOLVED",
        "note": "Refunded",
        "details": "Help",
        "aboutOrderId": order,
        "createdAt": opened_at.isoformat(),
        "updatedAt": clock.now().isoformat(),
    }
    assert (nodes[1]["supportStatus"], nodes[1]["updatedAt"]) == ("OPEN", nodes[1]["createdAt"])

    expected = [
        {"__typename": "SupportRequestEvent", "requestId": about_order, "aboutOrderId": order}
        | {"supportStatus": status, "note": note}
        for status, note in (("IN_PROGRESS", "Looking into it"), ("RESOLVED", "Refunded"))
    ]
    assert await _support_items(gql, client.id, conversation) == expected
    support_only = await gql.execute(
        FEED, {"id": conversation, "filter": "SUPPORT"}, as_=account(client.id)
    )
    assert [edge["node"] for edge in support_only["feed"]["edges"]] == expected

    # The counterpart sees neither the requests nor their updates.
    assert await _support_items(gql, freelancer.id, conversation) == []
    theirs = await gql.execute(MINE, as_=account(freelancer.id))
    assert theirs["supportRequests"]["edges"] == []


async def test_pages_of_requests_join_into_the_whole_list(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    opened = [await _open(gql, client.id, conversationId=conversation) for _ in range(5)]
    seen: list[str] = []
    after = None
    while True:
        data = await gql.execute(MINE, {"first": 2, "after": after}, as_=account(client.id))
        page = data["supportRequests"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == opened[::-1]


async def test_bad_updates_are_refused_with_a_typed_error_and_change_nothing(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    request_id = await _open(gql, client.id, conversationId=conversation)
    await _update(gql, request_id, "IN_PROGRESS")
    before = await gql.execute(MINE, as_=account(client.id))
    feed_before = await _support_items(gql, client.id, conversation)

    refusals = [
        (await _update(gql, request_id, "OPEN"), "INVALID_INPUT", "status"),
        (await _update(gql, request_id, "IN_PROGRESS"), "INVALID_INPUT", "status"),
        (await _update(gql, request_id, "RESOLVED", "x" * 2001), "INVALID_INPUT", "note"),
        (await _update(gql, gid(Tag.SUPPORT_REQUEST, 987654), "RESOLVED"), "NOT_FOUND", None),
        # the request's raw row id, or its row id under another tag, names nothing
        (await _update(gql, str(raw(request_id)), "RESOLVED"), "NOT_FOUND", None),
        (await _update(gql, gid(Tag.ORDER, raw(request_id)), "RESOLVED"), "NOT_FOUND", None),
    ]
    for result, code, field in refusals:
        assert (result["code"], result.get("field")) == (code, field), result
    errors = await gql.errors(
        UPDATE, {"input": {"id": request_id, "status": "RESOLVED"}}, as_=account(client.id)
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"

    assert await gql.execute(MINE, as_=account(client.id)) == before
    assert await _support_items(gql, client.id, conversation) == feed_before


async def test_the_requester_gets_the_update_live_and_the_counterpart_does_not(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    request_id = await _open(gql, client.id, conversationId=conversation)
    theirs = await gql.subscribe(LIVE, {"id": conversation}, as_=account(freelancer.id))
    mine = await gql.subscribe(LIVE, {"id": conversation}, as_=account(client.id))
    their_next = await _started(gql, theirs, freelancer.id)
    my_next = await _started(gql, mine, client.id)

    await _update(gql, request_id, "RESOLVED", "Done")
    update = await my_next
    assert update["feedUpdates"]["item"] == {
        "__typename": "SupportRequestEvent",
        "requestId": request_id,
        "supportStatus": "RESOLVED",
        "note": "Done",
    }
    # The freelancer's own request is the next (and only) support item they see.
    own = await _open(gql, freelancer.id, conversationId=conversation)
    await _update(gql, own, "CLOSED")
    update = await their_next
    assert update["feedUpdates"]["item"]["requestId"] == own
    await mine.aclose()
    await theirs.aclose()
