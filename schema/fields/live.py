"""The root Subscription: live messages, feed updates and unread indicators.

Each field declares its arguments and calls one resolver in `resolvers.live`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Annotated

import strawberry

from parley.resolvers import live
from parley.schema.context import Info
from parley.schema.feed import FeedFilter
from parley.schema.fields.notifications import NotificationSubscription
from parley.schema.live import FeedUpdate, MessageEvent, UnreadIndicator


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription(NotificationSubscription):
    @strawberry.subscription(
        description="Every new message in any of the caller's conversations, sent or received."
    )
    def message_received(
        self,
        info: Info,
        after: Annotated[
            str | None,
            strawberry.argument(description="Resume after this cursor (replays what was missed)."),
        ] = None,
    ) -> AsyncIterable[MessageEvent]:
        return live.message_received(info, after)

    @strawberry.subscription(
        description="New feed items and read receipts of one conversation, for both "
        "participants; with orderId, of one job's thread."
    )
    def feed_updates(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The conversation.")
        ],
        filter: Annotated[
            FeedFilter, strawberry.argument(description="Which kinds of items to push.")
        ] = FeedFilter.ALL,
        order_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this order's items: the job's own thread (read receipts "
                "still come, with `item` null when it is another order's)."
            ),
        ] = None,
        after: Annotated[
            str | None,
            strawberry.argument(description="Resume after this cursor (replays what was missed)."),
        ] = None,
    ) -> AsyncIterable[FeedUpdate]:
        return live.feed_updates(info, conversation_id, filter, order_id, after)

    @strawberry.subscription(
        description="The caller's unread indicators: each changed conversation and the totals."
    )
    def unread_indicators(
        self,
        info: Info,
        after: Annotated[
            str | None, strawberry.argument(description="Resume after this cursor.")
        ] = None,
    ) -> AsyncIterable[UnreadIndicator]:
        return live.unread_indicators(info, after)
