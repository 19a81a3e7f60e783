"""Sending and reading, as plain domain functions on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conversations import Participant, unread_summary
from parley.models.errors import IdempotencyKeyReused, InvalidInput, NotFound
from parley.models.events import EventKind, events_after
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.messaging import mark_read, send_message
from parley.models.rules import MessagingBlocked
from parley.models.store.clock import ManualClock


async def _state() -> tuple[int, int, int]:
    return (await FeedItem.all().count(), await Participant.filter(has_unread=True).count(), 0)


async def test_send_bumps_unread_for_the_recipient_only(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hello")
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Again")

    mine = await Participant.get(account_id=client.id, conversation_id=conversation_with_order)
    theirs = await Participant.get(
        account_id=freelancer.id, conversation_id=conversation_with_order
    )
    assert (mine.unread_count, mine.has_unread) == (0, False)
    assert (theirs.unread_count, theirs.has_unread) == (2, True)
    summary = await unread_summary(freelancer.id)
    assert (summary.conversations_with_unread, summary.total_unread) == (1, 2)


async def test_retried_send_with_the_same_key_returns_the_first_message(
    clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    first = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Hi", idempotency_key="k1"
    )
    again = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Hi", idempotency_key="k1"
    )
    assert again.message.id == first.message.id
    assert again.replayed
    assert not again.events
    assert await FeedItem.filter(kind=FeedItemKind.MESSAGE).count() == 1
    theirs = await Participant.get(account_id=first.message.conversation_id and client.id)
    assert theirs.unread_count == 0


async def test_concurrent_retries_store_one_row(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    results = await asyncio.gather(
        *(
            send_message(
                clock,
                client.id,
                conversation_id=conversation_with_order,
                body="Once",
                idempotency_key="same",
            )
            for _ in range(10)
        )
    )
    assert len({result.message.id for result in results}) == 1
    assert await FeedItem.filter(kind=FeedItemKind.MESSAGE).count() == 1
    theirs = await Participant.get(account_id=freelancer.id)
    assert theirs.unread_count == 1


async def test_a_key_reused_for_another_body_is_refused(
    clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="A", idempotency_key="k"
    )
    with pytest.raises(IdempotencyKeyReused):
        await send_message(
            clock, client.id, conversation_id=conversation_with_order, body="B", idempotency_key="k"
        )
    assert await FeedItem.filter(kind=FeedItemKind.MESSAGE).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("   \n", "body"), ("x" * 5001, "body")],
)
async def test_bad_bodies_are_refused_and_change_nothing(
    clock: ManualClock, client: Account, conversation_with_order: int, body: str, field: str
) -> None:
    before = await FeedItem.all().count()
    with pytest.raises(InvalidInput) as refused:
        await send_message(clock, client.id, conversation_id=conversation_with_order, body=body)
    assert refused.value.field == field
    assert await FeedItem.all().count() == before
    assert await Participant.filter(has_unread=True).count() == 0


async def test_a_body_of_exactly_5000_characters_is_sent(
    clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    result = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="é" * 5000
    )
    assert len(result.message.body or "") == 5000


async def test_strangers_cannot_send_into_a_conversation(
    clock: ManualClock, conversation_with_order: int
) -> None:
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    with pytest.raises(NotFound):
        await send_message(clock, stranger.id, conversation_id=conversation_with_order, body="hi")
    with pytest.raises(NotFound):
        await send_message(clock, stranger.id, conversation_id=999_999, body="hi")


async def test_mark_read_sets_read_receipts_and_clears_the_indicator(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    first = await send_message(clock, client.id, conversation_id=conversation_with_order, body="1")
    second = await send_message(clock, client.id, conversation_id=conversation_with_order, body="2")
    clock.advance(timedelta(minutes=5))

    result = await mark_read(clock, freelancer.id, conversation_with_order, first.message.id)
    assert result.participant.unread_count == 1
    assert result.participant.has_unread
    assert (await FeedItem.get(id=first.message.id)).read_at == clock.now()
    assert (await FeedItem.get(id=second.message.id)).read_at is None

    result = await mark_read(clock, freelancer.id, conversation_with_order)
    assert result.participant.unread_count == 0
    assert not result.participant.has_unread
    assert (await unread_summary(freelancer.id)).total_unread == 0
    # Both sides' logs learn of the receipt.
    for account in (client.id, freelancer.id):
        kinds = [event.kind for event in await events_after(account, 0)]
        assert kinds[-1] == EventKind.READ


async def test_marking_an_older_point_read_again_changes_nothing(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    sent = await send_message(clock, client.id, conversation_id=conversation_with_order, body="1")
    await mark_read(clock, freelancer.id, conversation_with_order)
    before = len(await events_after(freelancer.id, 0))
    result = await mark_read(clock, freelancer.id, conversation_with_order, sent.message.id)
    assert result.events == []
    assert len(await events_after(freelancer.id, 0)) == before


async def test_event_cursors_are_gap_free_per_account(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    await asyncio.gather(
        *(
            send_message(clock, client.id, conversation_id=conversation_with_order, body=str(i))
            for i in range(20)
        )
    )
    for account in (client.id, freelancer.id):
        seqs = [event.seq for event in await events_after(account, 0)]
        assert seqs == list(range(1, len(seqs) + 1))


async def test_concurrent_sends_refused_by_a_rule_store_nothing_and_the_others_all_land(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    # Sent together (on SQLite: likely one group commit), a reused key and the sixth
    # unanswered message are refused alone; every other send is stored with its events.
    await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Hi", idempotency_key="k"
    )
    sends = [
        send_message(clock, freelancer.id, conversation_id=conversation_with_order, body=str(i))
        for i in range(8)
    ]
    reused = send_message(
        clock, client.id, conversation_id=conversation_with_order, body="Bye", idempotency_key="k"
    )
    results = await asyncio.gather(*sends[:4], reused, *sends[4:], return_exceptions=True)

    assert isinstance(results[4], IdempotencyKeyReused)
    blocked = [r for r in results if isinstance(r, MessagingBlocked)]
    assert [r.code for r in blocked] == ["UNANSWERED_LIMIT"] * 3
    assert sum(isinstance(r, Exception) for r in results) == 4
    stored = await FeedItem.filter(author_id=freelancer.id, kind=FeedItemKind.MESSAGE).count()
    assert stored == 5
    theirs = await Participant.get(account_id=client.id, conversation_id=conversation_with_order)
    assert theirs.unread_count == 5
    for account in (client.id, freelancer.id):
        events = await events_after(account, 0)
        assert [event.seq for event in events] == list(range(1, len(events) + 1))
        assert sum(event.kind == EventKind.MESSAGE for event in events) == 6
