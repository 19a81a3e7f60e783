"""What the live subscriptions push: new messages, feed updates and unread indicators.

Every payload carries a `cursor`; pass the last one you saw as `after` when you
reconnect and the server replays exactly what you missed before going live.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from parley.models.events import EventKind
from parley.models.global_ids import Tag
from parley.resolvers.cursors import feed_cursor
from parley.schema.conversations import Conversation, UnreadSummary
from parley.schema.feed import FeedEdge, FeedItem, feed_item_from_model
from parley.schema.messaging import Message
from parley.schema.node import global_id
from parley.subscriptions.feed import FeedChange
from parley.subscriptions.unread import UnreadChange


@strawberry.type(description="A new message in one of the caller's conversations.")
class MessageEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    message: Message = strawberry.field(description="The message (sent by either side).")

    @classmethod
    def from_change(cls, change: FeedChange, cursor: str) -> MessageEvent:
        assert change.item is not None
        return cls(cursor=cursor, message=Message.from_model(change.item))


@strawberry.enum(description="What changed in the feed.")
class FeedUpdateKind(Enum):
    ADDED = strawberry.enum_value("added", description="A new item in the feed (see item).")
    READ = strawberry.enum_value(
        "read", description="A read receipt: readBy read every item up to readUpTo."
    )


@strawberry.type(description="A new feed item, or a read receipt, in one conversation.")
class FeedUpdate:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this update.")
    conversation_id: strawberry.ID = strawberry.field(description="The conversation.")
    kind: FeedUpdateKind = strawberry.field(description="ADDED for a new item, READ for a receipt.")
    item: FeedItem | None = strawberry.field(
        description="The new item (ADDED), or the newest message read (READ; null in a job's "
        "thread when that message is about another order or none)."
    )
    edge: FeedEdge | None = strawberry.field(
        description="ADDED: the new item as an edge of the conversation's feed, its cursor one "
        "that feed(after:, before:) takes: append it to a cached feed connection as is. "
        "(`cursor` above is the update's place in the event stream, for resuming this "
        "subscription.) Null for READ."
    )
    read_by: strawberry.ID | None = strawberry.field(
        description="READ: the account that read the conversation."
    )
    read_up_to: strawberry.ID | None = strawberry.field(
        description="READ: every item up to this id is read."
    )
    read_at: datetime | None = strawberry.field(description="READ: when it was read.")

    @classmethod
    def from_change(cls, change: FeedChange, cursor: str) -> FeedUpdate:
        event = change.event
        item = feed_item_from_model(change.item) if change.item is not None else None
        conversation_id = global_id(Tag.CONVERSATION, event.conversation_id)
        if event.kind == EventKind.READ and event.data is not None:
            return cls(
                cursor=cursor,
                conversation_id=conversation_id,
                item=item,
                edge=None,
                kind=FeedUpdateKind.READ,
                read_by=global_id(Tag.ACCOUNT, int(event.data["reader"])),
                read_up_to=global_id(Tag.FEED_ITEM, int(event.data["up_to"])),
                read_at=datetime.fromisoformat(event.data["read_at"]),
            )
        return cls(
            cursor=cursor,
            conversation_id=conversation_id,
            item=item,
            edge=_edge(change, item),
            kind=FeedUpdateKind.ADDED,
            read_by=None,
            read_up_to=None,
            read_at=None,
        )


def _edge(change: FeedChange, item: FeedItem | None) -> FeedEdge | None:
    if item is None or change.item is None:
        return None
    return FeedEdge(cursor=feed_cursor(change.event.conversation_id, change.item.id), node=item)


@strawberry.type(
    description="A conversation's unread indicator and the menu bubble, as they are now."
)
class UnreadIndicator:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this change.")
    conversation: Conversation = strawberry.field(
        description="The conversation whose indicator changed (hasUnread, unreadCount)."
    )
    summary: UnreadSummary = strawberry.field(description="The caller's menu-bubble totals.")

    @classmethod
    def from_change(cls, change: UnreadChange, cursor: str) -> UnreadIndicator:
        return cls(
            cursor=cursor,
            conversation=Conversation.from_model(change.participant),
            summary=UnreadSummary.from_model(change.summary),
        )
