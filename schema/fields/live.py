"""Subscriptions: live messages, feed updates and unread indicators, resumable by cursor.

Every payload carries a `cursor`; pass the last one you saw as `after` when you
reconnect and the server replays exactly what you missed before going live.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLError

from parley.models.conversations import require_participant
from parley.models.errors import ParleyError
from parley.models.events import EventKind
from parley.models.orders import require_order_in
from parley.models.retention import visibility
from parley.resolvers.cursors import event_cursor
from parley.resolvers.inputs import parse_id, query_error
from parley.schema.context import Context, Info
from parley.schema.conversations import Conversation, UnreadSummary
from parley.schema.feed import FeedFilter, FeedItem, feed_item_from_model
from parley.schema.fields.notifications import NotificationSubscription, resume_cursor
from parley.schema.messaging import Message
from parley.subscriptions.feed import FeedChange, VisibleSince, feed_select, message_select
from parley.subscriptions.live_stream import LiveStream, Opening, mapped
from parley.subscriptions.streams import StreamClosed
from parley.subscriptions.unread import UnreadChange, unread_select


def _visibility(context: Context) -> VisibleSince:
    return visibility(context.services.clock, context.services.settings.retention)


def _closed(exc: StreamClosed) -> Exception:
    return GraphQLError(
        f"The stream was closed by the server ({exc}); resubscribe with your last cursor.",
        extensions={"code": "STREAM_CLOSED"},
    )


@strawberry.type(description="A new message in one of the caller's conversations.")
class MessageEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    message: Message = strawberry.field(description="The message (sent by either side).")


@strawberry.enum(description="What changed in the feed.")
class FeedUpdateKind(Enum):
    ADDED = "added"
    READ = "read"


@strawberry.type(description="A new feed item, or a read receipt, in one conversation.")
class FeedUpdate:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this update.")
    conversation_id: strawberry.ID = strawberry.field(description="The conversation.")
    kind: FeedUpdateKind = strawberry.field(description="ADDED for a new item, READ for a receipt.")
    item: FeedItem | None = strawberry.field(
        description="The new item (ADDED), or the newest message read (READ; null in a job's "
        "thread when that message is about another order or none)."
    )
    read_by: strawberry.ID | None = strawberry.field(
        description="READ: the account that read the conversation."
    )
    read_up_to: strawberry.ID | None = strawberry.field(
        description="READ: every item up to this id is read."
    )
    read_at: datetime | None = strawberry.field(description="READ: when it was read.")

    @classmethod
    def from_change(cls, change: FeedChange) -> FeedUpdate:
        event = change.event
        item = feed_item_from_model(change.item) if change.item is not None else None
        cursor = event_cursor(event.seq)
        conversation_id = strawberry.ID(str(event.conversation_id))
        if event.kind == EventKind.READ and event.data is not None:
            return cls(
                cursor=cursor,
                conversation_id=conversation_id,
                item=item,
                kind=FeedUpdateKind.READ,
                read_by=strawberry.ID(str(event.data["reader"])),
                read_up_to=strawberry.ID(str(event.data["up_to"])),
                read_at=datetime.fromisoformat(event.data["read_at"]),
            )
        return cls(
            cursor=cursor,
            conversation_id=conversation_id,
            item=item,
            kind=FeedUpdateKind.ADDED,
            read_by=None,
            read_up_to=None,
            read_at=None,
        )


@strawberry.type(
    description="A conversation's unread indicator and the menu bubble, as they are now."
)
class UnreadIndicator:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this change.")
    conversation: Conversation = strawberry.field(
        description="The conversation whose indicator changed (hasUnread, unreadCount)."
    )
    summary: UnreadSummary = strawberry.field(description="The caller's menu-bubble totals.")


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
        context = info.context
        hub = context.services.bus.hub

        def event(change: FeedChange) -> MessageEvent:
            assert change.item is not None
            context.fresh_loaders()
            return MessageEvent(
                cursor=event_cursor(change.event.seq),
                message=Message.from_model(change.item),
            )

        async def opening() -> Opening[MessageEvent]:
            account = context.account_id()
            return Opening(
                account,
                await resume_cursor(account, after),
                mapped(message_select(hub, _visibility(context)), event),
            )

        return LiveStream(hub, opening, _closed)

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
        context = info.context
        hub = context.services.bus.hub

        def update(change: FeedChange) -> FeedUpdate:
            context.fresh_loaders()
            return FeedUpdate.from_change(change)

        async def opening() -> Opening[FeedUpdate]:
            account = context.account_id()
            try:
                conversation = parse_id(conversation_id, "The conversation")
                await require_participant(account, conversation)
                order = None if order_id is None else parse_id(order_id, "The order")
                if order is not None:
                    await require_order_in(conversation, order)
            except ParleyError as exc:
                raise query_error(exc) from exc
            select = feed_select(hub, conversation, filter.kinds(), _visibility(context), order)
            return Opening(account, await resume_cursor(account, after), mapped(select, update))

        return LiveStream(hub, opening, _closed)

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
        context = info.context

        def indicator(change: UnreadChange) -> UnreadIndicator:
            context.fresh_loaders()
            return UnreadIndicator(
                cursor=event_cursor(change.event.seq),
                conversation=Conversation.from_model(change.participant),
                summary=UnreadSummary.from_model(change.summary),
            )

        async def opening() -> Opening[UnreadIndicator]:
            account = context.account_id()
            return Opening(
                account,
                await resume_cursor(account, after),
                mapped(unread_select(account), indicator),
            )

        return LiveStream(context.services.bus.hub, opening, _closed)
