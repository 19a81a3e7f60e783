"""Conversations as one side sees them, the client list, and the unread summary."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from parley.models import conversations
from parley.models.global_ids import Tag
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.errors import NotFoundError
from parley.schema.feed import PageInfo
from parley.schema.messaging import Message
from parley.schema.node import Node, global_id
from parley.schema.orders import Order

if TYPE_CHECKING:
    from parley.schema.notifications import Presence


@strawberry.type(description="All messages and orders between the caller and one counterpart.")
class Conversation(Node):
    _row: strawberry.Private[conversations.Participant]
    id: strawberry.ID = strawberry.field(description="The conversation's id.")
    has_unread: bool = strawberry.field(
        description="One indicator, however many messages are unread."
    )
    unread_count: int = strawberry.field(description="How many messages the caller has not read.")
    last_activity_at: datetime = strawberry.field(
        description="When the last message or order event happened."
    )
    last_read_at: datetime | None = strawberry.field(
        description="When the caller last marked the conversation read."
    )
    muted: bool = strawberry.field(
        description="True when the caller muted it: its messages never notify."
    )

    @strawberry.field(description="The other party: the freelancer for a client, and vice versa.")
    async def counterpart(self, info: Info) -> Account:
        row = await info.context.loaders.account_by_id.load(self._row.counterpart_id)
        assert row is not None
        return Account.from_model(row)

    @strawberry.field(description="Whether the counterpart is online now (the green dot).")
    async def counterpart_presence(
        self, info: Info
    ) -> Annotated[Presence, strawberry.lazy("parley.schema.notifications")]:
        from parley.schema.notifications import Presence

        services = info.context.services
        state = await services.presence.state(self._row.counterpart_id, services.clock.now())
        return Presence.from_state(state)

    @strawberry.field(description="The newest message, if any.")
    async def last_message(self, info: Info) -> Message | None:
        message_id = self._row.conversation.last_message_id
        if message_id is None:
            return None
        row = await info.context.loaders.feed_item_by_id.load(message_id)
        return Message.from_model(row) if row is not None else None

    @strawberry.field(description="Every order between the two, oldest first.")
    async def orders(self, info: Info) -> list[Order]:
        rows = await info.context.loaders.orders_by_conversation.load(self._row.conversation_id)
        return [Order.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, row: conversations.Participant) -> Conversation:
        return cls(
            _row=row,
            id=global_id(Tag.CONVERSATION, row.conversation_id),
            has_unread=row.has_unread,
            unread_count=row.unread_count,
            last_activity_at=row.last_activity_at,
            last_read_at=row.last_read_at,
            muted=row.muted,
        )


@strawberry.type(description="A conversation with its cursor.")
class ConversationEdge:
    cursor: str = strawberry.field(description="Opaque position of this conversation.")
    node: Conversation = strawberry.field(description="The conversation.")


@strawberry.type(description="The caller's conversations: unread first, then by last activity.")
class ConversationConnection:
    edges: list[ConversationEdge] = strawberry.field(description="This page's conversations.")
    page_info: PageInfo = strawberry.field(description="Paging state.")


@strawberry.type(description="What the menu bubble shows.")
class UnreadSummary:
    conversations_with_unread: int = strawberry.field(
        description="How many conversations have unread messages."
    )
    total_unread: int = strawberry.field(description="How many messages are unread in all.")

    @classmethod
    def from_model(cls, summary: conversations.UnreadSummary) -> UnreadSummary:
        return cls(
            conversations_with_unread=summary.conversations_with_unread,
            total_unread=summary.total_unread,
        )


MarkReadResult = Annotated[
    Conversation | NotFoundError,
    strawberry.union(
        "MarkReadResult",
        description="The conversation with its new read state, or why it could not be marked.",
    ),
]

MuteConversationResult = Annotated[
    Conversation | NotFoundError,
    strawberry.union(
        "MuteConversationResult", description="The conversation, muted or not, or NotFound."
    ),
]
