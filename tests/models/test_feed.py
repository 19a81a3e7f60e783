"""The feed as a participant reads it: filters, scrolling up to the first item, keyset paging."""

from __future__ import annotations

from datetime import timedelta

from parley.models.accounts import Account
from parley.models.feed import FeedItemKind
from parley.models.feed_pages import read_page
from parley.models.messaging import send_message
from parley.models.orders import OrderStatus, change_order_status, create_order
from parley.models.store.clock import ManualClock


async def _busy_conversation(
    clock: ManualClock, client: Account, freelancer: Account
) -> tuple[int, list[int]]:
    """An order, 10 messages either way, and two status changes: 13 items in order."""
    change = await create_order(
        clock, client_id=client.id, freelancer_id=freelancer.id, title="Guide"
    )
    conversation = change.order.conversation_id
    ids = [change.item.id]
    for i in range(10):
        clock.advance(timedelta(minutes=1))
        sender = client.id if i % 2 == 0 else freelancer.id
        sent = await send_message(clock, sender, conversation_id=conversation, body=f"m{i}")
        ids.append(sent.message.id)
        if i == 4:
            moved = await change_order_status(clock, change.order.id, OrderStatus.IN_PROGRESS)
            ids.append(moved.item.id)
    moved = await change_order_status(clock, change.order.id, OrderStatus.FINAL_REVIEW)
    ids.append(moved.item.id)
    return conversation, ids


async def test_scrolling_up_reaches_the_first_item_in_chronological_pages(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, ids = await _busy_conversation(clock, client, freelancer)
    seen: list[int] = []
    before: int | None = None
    pages = 0
    while True:
        page = await read_page(client.id, conversation, None, last=4, before=before)
        pages += 1
        assert [item.id for item in page.items] == sorted(item.id for item in page.items)
        assert page.has_newer == (before is not None)
        seen = [item.id for item in page.items] + seen
        if not page.has_older:
            break
        before = page.items[0].id
    assert seen == ids
    assert pages == 4  # 13 items in pages of 4


async def test_filters_keep_only_orders_or_only_messages(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, _ = await _busy_conversation(clock, client, freelancer)
    orders = (await read_page(client.id, conversation, [FeedItemKind.ORDER_EVENT], last=100)).items
    messages = (await read_page(client.id, conversation, [FeedItemKind.MESSAGE], last=100)).items
    everything = (await read_page(client.id, conversation, None, last=100)).items
    assert {item.kind for item in orders} == {FeedItemKind.ORDER_EVENT}
    assert len(orders) == 3
    assert {item.kind for item in messages} == {FeedItemKind.MESSAGE}
    assert len(messages) == 10
    assert sorted(item.id for item in orders + messages) == [item.id for item in everything]


async def test_reading_forward_from_a_cursor(
    clock: ManualClock, client: Account, freelancer: Account
) -> None:
    conversation, ids = await _busy_conversation(clock, client, freelancer)
    page = await read_page(freelancer.id, conversation, None, first=5, after=ids[2])
    assert [item.id for item in page.items] == ids[3:8]
    assert page.has_older
    assert page.has_newer
