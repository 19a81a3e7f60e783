"""Subscriptions through schema.subscribe: live delivery and cursor replay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from parley.models.accounts import Account
from parley.models.events import latest_seq
from parley.models.global_ids import Tag
from parley.models.messaging import mark_read, send_message
from parley.models.store.clock import ManualClock
from parley.web.services import Services
from tests.ids import gid
from tests.support import WAIT, Executor, account, next_data

MESSAGES = "subscription($after: String) { messageReceived(after: $after) { cursor message { body isMine } } }"
FEED = """
subscription($id: ID!, $filter: FeedFilter, $after: String) {
  feedUpdates(conversationId: $id, filter: $filter, after: $after) {
    cursor kind readBy readUpTo
    item { __typename ... on Message { body readAt } ... on OrderEvent { status } }
  }
}
"""
UNREAD = """
subscription($after: String) {
  unreadIndicators(after: $after) { cursor conversation { id hasUnread unreadCount } summary { totalUnread conversationsWithUnread } }
}
"""
PRESENCE = "subscription { presenceChanged { accountId online lastSeenAt } }"


async def _open(
    gql: Executor, document: str, variables: dict[str, Any], caller_id: int
) -> AsyncGenerator[Any, None]:
    return await gql.subscribe(document, variables, as_=account(caller_id))


_next = next_data


async def _started(
    stream: AsyncGenerator[Any, None], services: Services, account_id: int, count: int
) -> asyncio.Task[Any]:
    """Begin pulling from `stream` and return once its listener is registered."""
    task = asyncio.create_task(_next(stream))
    await asyncio.wait_for(services.bus.hub.wait_for_listeners(account_id, count), WAIT)
    return task


async def test_both_participants_receive_a_new_message_live(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    theirs = await _open(gql, MESSAGES, {}, freelancer.id)
    mine = await _open(gql, MESSAGES, {}, client.id)
    pending_theirs = await _started(theirs, services, freelancer.id, 1)
    pending_mine = await _started(mine, services, client.id, 1)

    sent = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Live!"
    )
    await services.bus.publish(sent.events)

    assert (await pending_theirs)["messageReceived"]["message"] == {
        "body": "Live!",
        "isMine": False,
    }
    assert (await pending_mine)["messageReceived"]["message"] == {"body": "Live!", "isMine": True}
    await theirs.aclose()
    await mine.aclose()
    assert services.bus.hub.listener_count == 0


async def test_feed_updates_carry_new_items_and_read_receipts_to_both_sides(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    variables = {"id": gid(Tag.CONVERSATION, conversation_with_order)}
    client_feed = await _open(gql, FEED, variables, client.id)
    pending = await _started(client_feed, services, client.id, 1)
    sent = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Read me"
    )
    await services.bus.publish(sent.events)
    added = (await pending)["feedUpdates"]
    assert added["kind"] == "ADDED"
    assert added["item"] == {
        "__typename": "Message",
        "body": "Read me",
        "readAt": None,
    }

    pending = asyncio.create_task(_next(client_feed))
    read = await mark_read(clock, freelancer.id, conversation_with_order)
    await services.bus.publish(read.events)
    receipt = (await pending)["feedUpdates"]
    assert receipt["kind"] == "READ"
    assert receipt["readBy"] == gid(Tag.ACCOUNT, freelancer.id)
    assert receipt["readUpTo"] == gid(Tag.FEED_ITEM, sent.message.id)
    await client_feed.aclose()


async def test_a_resumed_subscription_replays_exactly_what_it_missed(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    stream = await _open(gql, MESSAGES, {}, freelancer.id)
    pending = await _started(stream, services, freelancer.id, 1)
    first = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="before the drop"
    )
    await services.bus.publish(first.events)
    cursor = (await pending)["messageReceived"]["cursor"]
    await stream.aclose()

    # While disconnected: three messages, one of whose doorbells is lost entirely.
    for body in ("missed 1", "missed 2", "missed 3"):
        sent = await send_message(
            clock, client.id, conversation_id=conversation_with_order, body=body
        )
        if body != "missed 2":
            await services.bus.publish(sent.events)

    resumed = await _open(gql, MESSAGES, {"after": cursor}, freelancer.id)
    bodies = [(await _next(resumed))["messageReceived"]["message"]["body"] for _ in range(3)]
    assert bodies == ["missed 1", "missed 2", "missed 3"]

    # Live again afterwards, with no duplicate of what was replayed.
    pending = asyncio.create_task(_next(resumed))
    live = await send_message(
        clock, freelancer.id, conversation_id=conversation_with_order, body="back"
    )
    await services.bus.publish(live.events)
    assert (await pending)["messageReceived"]["message"]["body"] == "back"
    await resumed.aclose()


async def test_a_lost_doorbell_is_filled_from_the_log_in_order(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    stream = await _open(gql, MESSAGES, {}, freelancer.id)
    pending = await _started(stream, services, freelancer.id, 1)
    lost = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="lost doorbell"
    )
    rung = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="rung"
    )
    await services.bus.publish(rung.events)
    assert lost.events
    assert (await pending)["messageReceived"]["message"]["body"] == "lost doorbell"
    assert (await _next(stream))["messageReceived"]["message"]["body"] == "rung"
    await stream.aclose()


async def test_unread_indicators_follow_sends_and_reads(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    stream = await _open(gql, UNREAD, {}, freelancer.id)
    pending = await _started(stream, services, freelancer.id, 1)
    sent = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="ping"
    )
    await services.bus.publish(sent.events)
    change = (await pending)["unreadIndicators"]
    assert change["conversation"] == {
        "id": gid(Tag.CONVERSATION, conversation_with_order),
        "hasUnread": True,
        "unreadCount": 1,
    }
    assert change["summary"] == {"totalUnread": 1, "conversationsWithUnread": 1}

    pending = asyncio.create_task(_next(stream))
    read = await mark_read(clock, freelancer.id, conversation_with_order)
    await services.bus.publish(read.events)
    change = (await pending)["unreadIndicators"]
    assert change["conversation"]["hasUnread"] is False
    assert change["summary"] == {"totalUnread": 0, "conversationsWithUnread": 0}
    await stream.aclose()


async def test_a_stranger_cannot_subscribe_to_a_conversation(
    gql: Executor, clock: ManualClock, conversation_with_order: int
) -> None:
    from parley.models.accounts import AccountKind, create_account

    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    variables = {"id": gid(Tag.CONVERSATION, conversation_with_order)}
    stream = await _open(gql, FEED, variables, stranger.id)
    result = await asyncio.wait_for(anext(stream), WAIT)
    assert result.errors
    assert result.errors[0].extensions == {"code": "NOT_FOUND"}


async def test_a_cursor_ahead_of_the_log_is_refused_with_cursor_ahead(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    """After a database restore a saved cursor is ahead: the client must resync, not wait."""
    from parley.resolvers.cursors import event_cursor

    await send_message(clock, client.id, conversation_id=conversation_with_order, body="one")
    newest = await latest_seq(freelancer.id)
    for document in (MESSAGES, UNREAD_AFTER, NOTIFICATIONS_AFTER):
        ahead = await _open(gql, document, {"after": event_cursor(newest + 1)}, freelancer.id)
        result = await asyncio.wait_for(anext(ahead), WAIT)
        assert result.errors, document
        assert result.errors[0].extensions == {"code": "CURSOR_AHEAD", "field": "after"}

    # The newest cursor itself is where a caught-up client resumes: accepted, and live.
    stream = await _open(gql, MESSAGES, {"after": event_cursor(newest)}, freelancer.id)
    pending = asyncio.create_task(_next(stream))
    sent = await send_message(clock, client.id, conversation_id=conversation_with_order, body="two")
    await gql.services.bus.publish(sent.events)
    assert (await pending)["messageReceived"]["message"]["body"] == "two"
    await stream.aclose()


UNREAD_AFTER = "subscription($after: String) { unreadIndicators(after: $after) { cursor } }"
NOTIFICATIONS_AFTER = "subscription($after: String) { notifications(after: $after) { cursor } }"


async def test_presence_starts_with_the_state_of_each_counterpart(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    stream = await _open(gql, PRESENCE, {}, client.id)
    assert (await _next(stream))["presenceChanged"] == {
        "accountId": gid(Tag.ACCOUNT, freelancer.id),
        "online": False,
        "lastSeenAt": None,
    }
    await stream.aclose()


FEED_EDGES = """
subscription($id: ID!) {
  feedUpdates(conversationId: $id) { cursor kind edge { cursor node { __typename ... on Message { id body } } } }
}
"""
FEED_PAGE = """
query($id: ID!, $after: String) {
  feed(conversationId: $id, first: 20, after: $after) {
    edges { cursor node { __typename ... on Message { id body } } }
  }
}
"""
FEED_BEFORE = """
query($id: ID!, $before: String) {
  feed(conversationId: $id, last: 20, before: $before) {
    edges { cursor node { __typename ... on Message { id body } } }
  }
}
"""


async def test_a_live_item_comes_as_the_feed_edge_the_feed_query_would_give(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    """A cache appends `edge` as is: the same cursor and node as the feed's own page, and
    that cursor pages on from there (an event cursor would be refused as `after`)."""
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    stream = await _open(gql, FEED_EDGES, {"id": conversation}, client.id)
    pending = await _started(stream, services, client.id, 1)
    sent = await send_message(
        clock, freelancer.id, conversation_id=conversation_with_order, body="Fresh"
    )
    await services.bus.publish(sent.events)
    update = (await pending)["feedUpdates"]
    await stream.aclose()

    page = await gql.execute(FEED_PAGE, {"id": conversation}, as_=account(client.id))
    assert update == {
        "cursor": update["cursor"],
        "kind": "ADDED",
        "edge": page["feed"]["edges"][-1],
    }
    stream_position = {"id": conversation, "after": update["cursor"]}
    refused = await gql.errors(FEED_PAGE, stream_position, as_=account(client.id))
    assert refused[0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}
    assert update["edge"]["node"]["body"] == "Fresh"
    cursor = update["edge"]["cursor"]
    after = await gql.execute(
        FEED_PAGE, {"id": conversation, "after": cursor}, as_=account(client.id)
    )
    assert after["feed"]["edges"] == []
    newer = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Next"
    )
    after = await gql.execute(
        FEED_PAGE, {"id": conversation, "after": cursor}, as_=account(client.id)
    )
    assert [edge["node"]["id"] for edge in after["feed"]["edges"]] == [
        gid(Tag.FEED_ITEM, newer.message.id)
    ]
    before = await gql.execute(
        FEED_BEFORE, {"id": conversation, "before": cursor}, as_=account(client.id)
    )
    assert page["feed"]["edges"][:-1] == before["feed"]["edges"]
