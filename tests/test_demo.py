"""The demo data a newcomer gets from `make run` loads through the domain and shows every feature."""

from __future__ import annotations

from tortoise.context import TortoiseContext

from parley.demo import is_empty, load_demo
from parley.models.calls import CallInvite
from parley.models.conversations import unread_summary
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.store.clock import ManualClock


async def test_the_demo_loads_into_an_empty_database_only(
    db: TortoiseContext, clock: ManualClock
) -> None:
    assert await is_empty()
    demo = await load_demo(clock)
    assert not await is_empty()
    assert len(demo.clients) == 3
    summary = await unread_summary(demo.freelancer.id)
    assert (summary.conversations_with_unread, summary.total_unread) == (2, 3)
    assert await FeedItem.filter(kind=FeedItemKind.ORDER_EVENT).count() == 4
    assert await CallInvite.filter(freelancer_id=demo.freelancer.id, status="pending").count() == 1
