"""The in-app notification stream: what the worker decided should pop up in the app.

In-app notifications are entries of the account's event log (kind NOTIFICATION,
appended by subscriptions.notifier), so they resume by cursor like every other
subscription, and a notification held during a live session simply arrives
when the worker releases it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass

from parley.models.events import EventKind, LoggedEvent
from parley.models.feed import FeedItem
from parley.subscriptions.feed import VisibleSince
from parley.subscriptions.hub import Hub
from parley.subscriptions.streams import account_events


@dataclass(frozen=True, slots=True)
class InAppNotification:
    event: LoggedEvent
    item: FeedItem
    reason: str


async def in_app_notifications(
    hub: Hub, account_id: int, after: int | None, since: VisibleSince
) -> AsyncGenerator[InAppNotification, None]:
    """The account's in-app notifications after the cursor, but none about an expired message."""
    async with aclosing(account_events(hub, account_id, after)) as batches:
        async for batch in batches:
            wanted = [e for e in batch if e.kind == EventKind.NOTIFICATION and e.data]
            if not wanted:
                continue
            ids = {int(e.data["item"]) for e in wanted if e.data}
            rows = {row.id: row for row in await FeedItem.filter(id__in=ids)}
            for event in wanted:
                assert event.data is not None
                item = rows.get(int(event.data["item"]))
                if item is not None and item.created_at >= since():  # not purged or expired
                    yield InAppNotification(event, item, str(event.data["reason"]))
