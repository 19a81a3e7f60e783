"""Live feeds built on the account event stream: new messages and feed changes.

A select's result depends only on its arguments and the batch (an account's
events by cursor, which never change), so in a room it is made once per
(conversation, filter, account, batch) and handed to every subscriber with the
same (`Hub.loads`), not made again for each.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Collection, Hashable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime

from parley.models.events import EventKind, LoggedEvent
from parley.models.feed import FeedItem, FeedItemKind
from parley.subscriptions.hub import Hub
from parley.subscriptions.live_stream import Select
from parley.subscriptions.streams import account_events

# The oldest instant a message may have and still be delivered (models.retention).
VisibleSince = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class FeedChange:
    """One feed change for one account: a new item, or a read pointer that moved."""

    event: LoggedEvent
    item: FeedItem | None  # None when the item was purged before delivery


async def _load_items(ids: frozenset[int]) -> dict[int, FeedItem]:
    return {row.id: row for row in await FeedItem.filter(id__in=ids)}


async def _with_items(hub: Hub, events: list[LoggedEvent]) -> list[FeedChange]:
    """The events with their feed items, read once per process for all subscribers.

    The key names (kind, item) pairs, so a read receipt re-reads the item it marks read.
    """
    ids = frozenset(event.item_id for event in events if event.item_id is not None)
    rows: dict[int, FeedItem] = {}
    if ids:
        key = ("feed_items", frozenset((event.kind, event.item_id) for event in events))
        rows = await hub.loads.load(key, lambda: _load_items(ids))
    return [FeedChange(event, rows.get(event.item_id or 0)) for event in events]


def _batch_key(name: str, batch: list[LoggedEvent], *arguments: object) -> Hashable:
    return (name, *arguments, batch[0].account_id, tuple(event.seq for event in batch))


def _unexpired(changes: list[FeedChange], since: VisibleSince) -> list[FeedChange]:
    """The changes without messages past the retention period (a replay can reach them)."""
    oldest = since()
    return [
        change
        for change in changes
        if change.item is None
        or change.item.kind != FeedItemKind.MESSAGE
        or change.item.created_at >= oldest
    ]


def message_select(hub: Hub, since: VisibleSince) -> Select[FeedChange]:
    """A batch's new messages, with their items (read once per process)."""

    async def select(batch: list[LoggedEvent]) -> list[FeedChange]:
        key = _batch_key("messages", batch)
        if (made := hub.loads.ready(key)) is None:
            wanted = [event for event in batch if event.kind == EventKind.MESSAGE]
            made = [change for change in await _with_items(hub, wanted) if change.item is not None]
            hub.loads.remember(key, made)
        return _unexpired(made, since)

    return select


async def new_messages(
    hub: Hub, account_id: int, after: int | None, since: VisibleSince
) -> AsyncGenerator[FeedChange, None]:
    """Every new message in any of the account's conversations (sent or received)."""
    select = message_select(hub, since)
    async with aclosing(account_events(hub, account_id, after)) as batches:
        async for batch in batches:
            for change in await select(batch):
                yield change


def _kinds_for(event: LoggedEvent) -> FeedItemKind:
    if event.kind == EventKind.ITEM:
        return FeedItemKind.ORDER_EVENT
    if event.kind == EventKind.CALL:
        return FeedItemKind.CALL_EVENT
    if event.kind == EventKind.SUPPORT:
        return FeedItemKind.SUPPORT_EVENT
    return FeedItemKind.MESSAGE  # messages and read receipts


def feed_select(
    hub: Hub,
    conversation_id: int,
    kinds: Collection[FeedItemKind] | None,
    since: VisibleSince,
    order_id: int | None = None,
) -> Select[FeedChange]:
    """A batch's new items and read receipts of one conversation (with `order_id`: of one
    job's thread, whose read receipts show the read item only when it is the order's)."""
    wanted_kinds = None if kinds is None else frozenset(kinds)

    async def select(batch: list[LoggedEvent]) -> list[FeedChange]:
        key = _batch_key("feed", batch, conversation_id, wanted_kinds, order_id)
        if (made := hub.loads.ready(key)) is None:
            wanted = [
                event
                for event in batch
                if event.conversation_id == conversation_id
                and (kinds is None or _kinds_for(event) in kinds)
            ]
            made = [
                _in_thread(change, order_id)
                for change in await _with_items(hub, wanted)
                if change.event.kind == EventKind.READ
                or (
                    change.item is not None
                    and (order_id is None or change.item.order_id == order_id)
                )
            ]
            hub.loads.remember(key, made)
        return _unexpired(made, since)

    return select


def _in_thread(change: FeedChange, order_id: int | None) -> FeedChange:
    """A read receipt in a job's thread names no item of another order."""
    if order_id is None or change.item is None or change.item.order_id == order_id:
        return change
    return FeedChange(change.event, None)


async def feed_changes(
    hub: Hub,
    account_id: int,
    conversation_id: int,
    kinds: Collection[FeedItemKind] | None,
    after: int | None,
    since: VisibleSince,
    order_id: int | None = None,
) -> AsyncGenerator[FeedChange, None]:
    """New items and read receipts of one conversation (or one job's thread), as one
    participant sees them."""
    select = feed_select(hub, conversation_id, kinds, since, order_id)
    async with aclosing(account_events(hub, account_id, after)) as batches:
        async for batch in batches:
            for change in await select(batch):
                yield change
