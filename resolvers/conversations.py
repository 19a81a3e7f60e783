"""The client list, one conversation, the unread summary, and marking read."""

from __future__ import annotations

import strawberry

import parley.models.conversations
from parley.models import messaging
from parley.models.campaigns import campaign_scope
from parley.models.conversations import (
    ConversationKey,
    Participant,
    conversation_page,
    participant_view,
)
from parley.models.errors import InvalidInput, ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.after_commit import after_commit
from parley.resolvers.cursors import conversation_cursor, decode_conversation_cursor
from parley.resolvers.inputs import page_size, parse_id, query_error
from parley.schema.context import Info
from parley.schema.conversations import (
    Conversation,
    ConversationConnection,
    ConversationEdge,
    MarkReadResult,
    UnreadSummary,
)
from parley.schema.errors import NotFoundError, error_result
from parley.schema.feed import PageInfo

CURSOR = "conv"


async def conversations(
    info: Info,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    campaign_id: strawberry.ID | None = None,
) -> ConversationConnection:
    viewer = info.context.account_id()
    cap = info.context.services.settings.feed_page_max
    try:
        if (first is not None or after is not None) and (last is not None or before is not None):
            raise InvalidInput("first", "Page with first/after or with last/before, not both.")
        within = None
        if campaign_id is not None:
            within = await campaign_scope(
                viewer, parse_id(campaign_id, Tag.CAMPAIGN, "The campaign")
            )
        if last is not None or before is not None:
            page = await conversation_page(
                viewer,
                last=page_size(last, "last", 20, cap),
                before=_decode_key(before, "before"),
                within=within,
            )
        else:
            page = await conversation_page(
                viewer,
                first=page_size(first, "first", 20, cap),
                after=_decode_key(after, "after"),
                within=within,
            )
    except ParleyError as exc:
        raise query_error(exc) from exc
    edges = [
        ConversationEdge(cursor=_encode_key(row), node=Conversation.from_model(row))
        for row in page.rows
    ]
    return ConversationConnection(
        edges=edges,
        page_info=PageInfo(
            has_previous_page=page.has_previous,
            has_next_page=page.has_next,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def conversation(info: Info, id: strawberry.ID) -> Conversation | None:
    viewer = info.context.account_id()
    try:
        row = await participant_view(viewer, parse_id(id, Tag.CONVERSATION, "The conversation"))
    except ParleyError:
        return None
    return Conversation.from_model(row)


async def unread_summary(info: Info) -> UnreadSummary:
    # This resolver has the domain function's name, so the domain one goes by its full path.
    return UnreadSummary.from_model(
        await parley.models.conversations.unread_summary(info.context.account_id())
    )


async def mark_read(
    info: Info, conversation_id: strawberry.ID, up_to: strawberry.ID | None
) -> MarkReadResult:
    reader = info.context.account_id()
    services = info.context.services
    try:
        result = await messaging.mark_read(
            services.clock,
            reader,
            parse_id(conversation_id, Tag.CONVERSATION, "The conversation"),
            None if up_to is None else parse_id(up_to, Tag.FEED_ITEM, "The message"),
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError)
    await after_commit(services, result.events)
    return Conversation.from_model(
        await participant_view(reader, result.participant.conversation_id)
    )


def _encode_key(row: Participant) -> str:
    return conversation_cursor(row.has_unread, row.last_activity_at, row.id)


def _decode_key(value: str | None, argument: str) -> ConversationKey | None:
    if value is None:
        return None
    return ConversationKey(*decode_conversation_cursor(value, argument))
