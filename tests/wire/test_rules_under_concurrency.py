"""Rules hold when many sends race each other and an order's status change."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from parley.models.feed import FeedItem, FeedItemKind, OrderEventType
from tests.ids import raw
from tests.live_server import LiveServer
from tests.wire.market import Market


@pytest.fixture
async def market(live_server: LiveServer) -> AsyncIterator[Market]:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=50)) as http:
        yield Market(live_server, http)


async def test_no_sixth_unanswered_message_slips_through_a_race(market: Market) -> None:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    _, conversation = await market.order(client, freelancer)
    for i in range(3):
        assert (await market.send(freelancer, conversationId=conversation, body=f"#{i}"))[
            "__typename"
        ] == "Message"

    results = await asyncio.gather(
        *(market.send(freelancer, conversationId=conversation, body=f"race {i}") for i in range(20))
    )
    kinds = [result["__typename"] for result in results]
    assert kinds.count("Message") == 2
    assert {result["code"] for result in results if result["__typename"] != "Message"} == {
        "UNANSWERED_LIMIT"
    }
    stored = await FeedItem.filter(kind=FeedItemKind.MESSAGE, author_id=raw(freelancer)).count()
    assert stored == 5


async def test_no_message_about_an_order_or_about_none_is_stored_once_it_entered_final_review(
    market: Market,
) -> None:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    order, conversation = await market.order(client, freelancer)
    await market.move(order, "IN_PROGRESS")

    # Half the sends name the order, half leave it out: neither may land after the move.
    abouts: list[dict[str, str]] = [{"orderId": order}, {}]
    sends = [
        market.send(sender, conversationId=conversation, body=f"#{i}", **abouts[i % 2])
        for i in range(15)
        for sender in (client, freelancer)
    ]
    results = await asyncio.gather(*sends[:10], market.move(order, "FINAL_REVIEW"), *sends[10:])
    moved = results[10]
    assert moved["status"] == "FINAL_REVIEW"

    review = await FeedItem.get(
        order_id=raw(order),
        kind=FeedItemKind.ORDER_EVENT,
        event=OrderEventType.STATUS_CHANGED,
        order_status="final_review",
    )
    stored = await FeedItem.filter(
        kind=FeedItemKind.MESSAGE, conversation_id=raw(conversation)
    ).values_list("id", flat=True)
    assert all(message_id < review.id for message_id in stored)
    refused = [r for r in results if r.get("code") == "ORDER_IN_FINAL_REVIEW"]
    assert len(stored) + len(refused) == 30
