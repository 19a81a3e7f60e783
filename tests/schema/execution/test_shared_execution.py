"""One execution of a subscription event serves every subscriber with the same key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.messaging import send_message
from parley.models.orders import create_order
from parley.models.store.clock import ManualClock
from parley.web.services import Services
from tests.ids import gid
from tests.support import WAIT, Executor, account, next_data

FEED = """
subscription($id: ID!) {
  feedUpdates(conversationId: $id) { cursor kind item { ... on Message { body isMine } } }
}
"""
ROOM = 5


async def _open(
    gql: Executor, variables: dict[str, Any], caller_id: int
) -> AsyncGenerator[Any, None]:
    return await gql.subscribe(FEED, variables, as_=account(caller_id))


async def _next(stream: AsyncGenerator[Any, None]) -> dict[str, Any]:
    data: dict[str, Any] = (await next_data(stream))["feedUpdates"]
    return data


async def test_one_execution_serves_every_subscriber_of_the_same_viewer(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    variables = {"id": gid(Tag.CONVERSATION, conversation_with_order)}
    clients = [await _open(gql, variables, client.id) for _ in range(ROOM)]
    freelancers = [await _open(gql, variables, freelancer.id) for _ in range(ROOM)]
    pending = [asyncio.create_task(_next(s)) for s in clients + freelancers]
    hub = services.bus.hub
    await asyncio.wait_for(hub.wait_for_listeners(client.id, ROOM), WAIT)
    await asyncio.wait_for(hub.wait_for_listeners(freelancer.id, ROOM), WAIT)
    executions, item_loads = services.shared_execution.started, hub.loads.started

    sent = await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hi")
    await services.bus.publish(sent.events)
    updates = await asyncio.gather(*pending)

    for update in updates[:ROOM]:
        assert update["item"] == {"body": "Hi", "isMine": True}
    for update in updates[ROOM:]:
        assert update["item"] == {"body": "Hi", "isMine": False}
    # Each viewer's cursor is its own event log's.
    assert len({u["cursor"] for u in updates[:ROOM]}) == 1
    assert len({u["cursor"] for u in updates[ROOM:]}) == 1
    # Two viewers: two executions for ten subscribers; the item read once for all of them.
    assert services.shared_execution.started - executions == 2
    assert hub.loads.started - item_loads == 1
    for stream in clients + freelancers:
        await stream.aclose()
    assert hub.listener_count == 0


async def test_each_subscriber_still_gets_exactly_its_own_events(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    other = await create_account(clock, kind=AccountKind.FREELANCER, name="Other freelancer")
    order = await create_order(clock, client_id=client.id, freelancer_id=other.id, title="Logo")
    second = order.order.conversation_id
    room = [
        await _open(gql, {"id": gid(Tag.CONVERSATION, conversation_with_order)}, client.id)
        for _ in range(ROOM)
    ]
    elsewhere = await _open(gql, {"id": gid(Tag.CONVERSATION, second)}, client.id)
    pending_room = [asyncio.create_task(_next(s)) for s in room]
    pending_elsewhere = asyncio.create_task(_next(elsewhere))
    await asyncio.wait_for(services.bus.hub.wait_for_listeners(client.id, ROOM + 1), WAIT)

    for body, conversation in (("first", conversation_with_order), ("second", second)):
        sent = await send_message(clock, client.id, conversation_id=conversation, body=body)
        await services.bus.publish(sent.events)

    assert [u["item"]["body"] for u in await asyncio.gather(*pending_room)] == ["first"] * ROOM
    assert (await pending_elsewhere)["item"]["body"] == "second"
    # The next frame of each room subscriber is the next event of its own stream.
    following = [asyncio.create_task(_next(s)) for s in room]
    sent = await send_message(
        clock, freelancer.id, conversation_id=conversation_with_order, body="third"
    )
    await services.bus.publish(sent.events)
    assert [u["item"] for u in await asyncio.gather(*following)] == [
        {"body": "third", "isMine": False}
    ] * ROOM
    for stream in [*room, elsewhere]:
        await stream.aclose()
