"""The client list: unread first, then by last activity, keyset-paged."""

from __future__ import annotations

from datetime import timedelta

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conversations import ConversationKey, conversation_page
from parley.models.messaging import mark_read, send_message
from parley.models.orders import create_order
from parley.models.store.clock import ManualClock


async def test_unread_conversations_come_first_then_newest_activity(
    clock: ManualClock, freelancer: Account
) -> None:
    clients = [
        await create_account(clock, kind=AccountKind.CLIENT, name=f"Client {i}") for i in range(5)
    ]
    conversations = []
    for c in clients:
        clock.advance(timedelta(minutes=1))
        change = await create_order(clock, client_id=c.id, freelancer_id=freelancer.id, title="Job")
        conversations.append(change.order.conversation_id)
    # Clients 1 and 3 write (3 last); the freelancer reads 1; then order activity on 4.
    clock.advance(timedelta(minutes=1))
    await send_message(clock, clients[1].id, conversation_id=conversations[1], body="hi")
    clock.advance(timedelta(minutes=1))
    await send_message(clock, clients[3].id, conversation_id=conversations[3], body="hi")
    clock.advance(timedelta(minutes=1))
    await send_message(clock, clients[0].id, conversation_id=conversations[0], body="hi")
    await mark_read(clock, freelancer.id, conversations[0])
    clock.advance(timedelta(minutes=1))
    await send_message(clock, freelancer.id, conversation_id=conversations[2], body="ping")

    whole = await conversation_page(freelancer.id, first=10)
    assert not whole.has_next
    order = [row.conversation_id for row in whole.rows]
    assert order == [
        conversations[3],
        conversations[1],
        conversations[2],
        conversations[0],
        conversations[4],
    ]

    # The same order, two at a time through cursors.
    paged: list[int] = []
    key: ConversationKey | None = None
    while True:
        page = await conversation_page(freelancer.id, first=2, after=key)
        paged += [row.conversation_id for row in page.rows]
        if not page.has_next:
            break
        last = page.rows[-1]
        key = ConversationKey(last.has_unread, last.last_activity_at, last.id)
    assert paged == order
