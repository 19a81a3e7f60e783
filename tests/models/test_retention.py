"""Retention with a clock the test controls: old messages go, counts stay right, new ones stay."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from pydantic import ValidationError
from tortoise.context import TortoiseContext

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conversations import Conversation, Participant, unread_summary
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.global_ids import Tag
from parley.models.messaging import mark_read, send_message
from parley.models.orders import create_order
from parley.models.retention import purge_expired
from parley.models.store.clock import ManualClock
from parley.models.store.job_lock import Exclusive
from parley.resolvers.cursors import event_cursor
from parley.schema.build import build_schema
from parley.server import create_app
from parley.web.services import Services
from parley.web.settings import Settings, tortoise_config
from tests.ids import gid
from tests.support import WAIT, Executor, account, next_data

FEED = "query($id: ID!) { feed(conversationId: $id, last: 100) { edges { node { __typename ... on Message { body } } } } }"
POLICY = "query Policy { retention { duration seconds oldestVisibleAt } }"
RETENTION = timedelta(days=365)


async def test_purge_removes_only_expired_messages_and_recounts_unread(
    clock: ManualClock, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    old = [
        await send_message(
            clock, client.id, conversation_id=conversation_with_order, body=f"old {i}"
        )
        for i in range(3)
    ]
    await mark_read(clock, freelancer.id, conversation_with_order, old[0].message.id)
    clock.advance(timedelta(days=200))
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="recent")
    await send_message(clock, freelancer.id, conversation_id=conversation_with_order, body="reply")
    side = await Participant.get(account_id=freelancer.id)
    assert side.unread_count == 3  # old 1, old 2, recent

    clock.advance(timedelta(days=170))  # the old ones are now 370 days old, the recent 170
    purged = await purge_expired(clock, RETENTION, batch_size=2)

    assert purged == 3
    bodies = (
        await FeedItem.filter(kind=FeedItemKind.MESSAGE)
        .order_by("id")
        .values_list("body", flat=True)
    )
    assert bodies == ["recent", "reply"]
    assert await FeedItem.filter(kind=FeedItemKind.ORDER_EVENT).count() == 1  # order history stays
    side = await Participant.get(account_id=freelancer.id)
    assert (side.unread_count, side.has_unread) == (1, True)
    assert (await unread_summary(freelancer.id)).total_unread == 1
    conversation = await Conversation.get(id=conversation_with_order)
    assert conversation.last_message_id == (await FeedItem.get(body="reply")).id
    assert await purge_expired(clock, RETENTION) == 0


async def test_a_purge_skips_while_another_process_purges_then_runs_in_batches(
    db: TortoiseContext, clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    for i in range(3):
        await send_message(clock, client.id, conversation_id=conversation_with_order, body=f"{i}")
    clock.advance(timedelta(days=400))
    first = Exclusive()
    # SQLite is one process by design (one Exclusive); on PostgreSQL two stand for two processes.
    second = first if db.db().capabilities.dialect == "sqlite" else Exclusive()
    inside, release = asyncio.Event(), asyncio.Event()

    async def elsewhere() -> None:
        inside.set()
        await release.wait()

    holder = asyncio.create_task(first.run("retention-purge", elsewhere))
    await asyncio.wait_for(inside.wait(), WAIT)
    assert await purge_expired(clock, RETENTION, batch_size=2, exclusive=second) == 0
    release.set()
    await asyncio.wait_for(holder, WAIT)
    assert await purge_expired(clock, RETENTION, batch_size=2, exclusive=second) == 3
    assert await FeedItem.filter(kind=FeedItemKind.MESSAGE).count() == 0


async def test_feeds_hide_expired_messages_before_the_purge_runs(
    gql: Executor, clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="ancient")
    clock.advance(timedelta(days=366))
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="fresh")

    data = await gql.execute(
        FEED, {"id": gid(Tag.CONVERSATION, conversation_with_order)}, as_=account(client.id)
    )
    nodes = [edge["node"] for edge in data["feed"]["edges"]]
    assert nodes == [{"__typename": "OrderEvent"}, {"__typename": "Message", "body": "fresh"}]

    policy = await gql.execute(POLICY, as_=account(client.id))
    assert policy["retention"]["duration"] == "P365D"
    assert policy["retention"]["oldestVisibleAt"] == (clock.now() - timedelta(days=365)).isoformat()


async def test_the_server_purges_expired_messages_when_it_starts(
    db_url: str, settings: Settings, clock: ManualClock
) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(db_url))
        c = await create_account(clock, kind=AccountKind.CLIENT, name="C")
        f = await create_account(clock, kind=AccountKind.FREELANCER, name="F")
        order = await create_order(clock, client_id=c.id, freelancer_id=f.id, title="Job")
        await send_message(clock, c.id, conversation_id=order.order.conversation_id, body="old")
    clock.advance(timedelta(days=400))

    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        assert await FeedItem.filter(kind=FeedItemKind.MESSAGE).count() == 0
        assert await Participant.filter(has_unread=True).count() == 0


SEEN = """
query Seen($id: ID!) {
  feed(conversationId: $id, filter: MESSAGES, last: 100) { edges { node { ... on Message { body } } } }
  conversation(id: $id) { unreadCount hasUnread }
  unreadSummary { totalUnread conversationsWithUnread }
}
"""
REPLAY_FEED = """
subscription ReplayFeed($id: ID!, $after: String) {
  feedUpdates(conversationId: $id, filter: MESSAGES, after: $after) { item { ... on Message { body } } }
}
"""
REPLAY_MESSAGES = """
subscription ReplayMessages($after: String) { messageReceived(after: $after) { message { body } } }
"""


async def test_a_one_hour_retention_expires_messages_from_every_view_and_the_purge_deletes_them(
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    hourly = replace(
        services, settings=Settings(**{**services.settings.model_dump(), "retention": "1h"})
    )
    gql = Executor(build_schema(debug=True), hourly)
    reader = account(freelancer.id)
    for body in ("old 1", "old 2"):
        await send_message(clock, client.id, conversation_id=conversation_with_order, body=body)
    clock.advance(timedelta(minutes=40))
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="fresh")
    variables = {"id": gid(Tag.CONVERSATION, conversation_with_order)}
    assert (await gql.execute(SEEN, variables, as_=reader))["unreadSummary"]["totalUnread"] == 3

    clock.advance(timedelta(minutes=25))  # "old" are 65 minutes old, "fresh" 25

    seen = await gql.execute(SEEN, variables, as_=reader)
    assert [edge["node"]["body"] for edge in seen["feed"]["edges"]] == ["fresh"]
    replay = {**variables, "after": event_cursor(0)}
    feed_updates = await gql.subscribe(REPLAY_FEED, replay, as_=reader)
    assert (await next_data(feed_updates))["feedUpdates"]["item"] == {"body": "fresh"}
    await feed_updates.aclose()
    messages = await gql.subscribe(REPLAY_MESSAGES, {"after": event_cursor(0)}, as_=reader)
    assert (await next_data(messages))["messageReceived"]["message"] == {"body": "fresh"}
    await messages.aclose()
    policy = (await gql.execute(POLICY, as_=reader))["retention"]
    assert (policy["duration"], policy["seconds"]) == ("PT1H", 3600)
    assert policy["oldestVisibleAt"] == (clock.now() - timedelta(hours=1)).isoformat()

    assert await purge_expired(clock, hourly.settings.retention) == 2

    seen = await gql.execute(SEEN, variables, as_=reader)
    assert [edge["node"]["body"] for edge in seen["feed"]["edges"]] == ["fresh"]
    assert seen["conversation"] == {"unreadCount": 1, "hasUnread": True}
    assert seen["unreadSummary"] == {"totalUnread": 1, "conversationsWithUnread": 1}
    bodies = await FeedItem.filter(kind=FeedItemKind.MESSAGE).values_list("body", flat=True)
    assert bodies == ["fresh"]


def test_retention_is_a_duration_and_the_days_setting_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for given, meant in {
        "P90D": timedelta(days=90),
        "PT1H": timedelta(hours=1),
        "90d": timedelta(days=90),
        "1h": timedelta(hours=1),
        "30m": timedelta(minutes=30),
        "45s": timedelta(seconds=45),
    }.items():
        monkeypatch.setenv("PARLEY_RETENTION", given)
        assert Settings().retention == meant, given
    for bad in ("365", "0s", "-1d", "soon"):
        monkeypatch.setenv("PARLEY_RETENTION", bad)
        with pytest.raises(ValidationError, match="retention"):
            Settings()
    monkeypatch.delenv("PARLEY_RETENTION")
    monkeypatch.setenv("PARLEY_RETENTION_DAYS", "7")
    assert Settings().retention == timedelta(days=7)
    monkeypatch.setenv("PARLEY_RETENTION", "2h")
    assert Settings().retention == timedelta(hours=2)  # the new setting wins
