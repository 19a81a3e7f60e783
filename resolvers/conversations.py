"""The client list, one conversation, the unread summary, and marking read."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import conversations as m
from models.errors import InvalidInput, ParleyError
from models.messaging import mark_read as mark_read_model
from resolvers.after_commit import after_commit
from resolvers.inputs import decode_cursor, encode_cursor, page_size, parse_id, query_error
from schema.context import Info
from schema.conversations import (
    Conversation,
    ConversationConnection,
    ConversationEdge,
    MarkReadResult,
    UnreadSummary,
)
from schema.errors import from_domain
from schema.feed import PageInfo

CURSOR = "conv"


async def conversations(info: Info, first: int | None, after: str | None) -> ConversationConnection:
    viewer = info.context.account_id()
    try:
        size = page_size(first, "first", 20, info.context.services.settings.feed_page_max)
        key = _decode_key(after) if after is not None else None
        rows, has_more = await m.conversation_page(viewer, size, key)
    except ParleyError as exc:
        raise query_error(exc) from exc
    edges = [
        ConversationEdge(cursor=_encode_key(row), node=Conversation.from_model(row)) for row in rows
    ]
    return ConversationConnection(
        edges=edges,
        page_info=PageInfo.forward([edge.cursor for edge in edges], after=after, has_more=has_more),
    )


async def conversation(info: Info, id: strawberry.ID) -> Conversation | None:
    viewer = info.context.account_id()
    try:
        row = await m.participant_view(viewer, parse_id(id, "The conversation"))
    except ParleyError:
        return None
    return Conversation.from_model(row)


async def unread_summary(info: Info) -> UnreadSummary:
    return UnreadSummary.from_model(await m.unread_summary(info.context.account_id()))


async def mark_read(
    info: Info, conversation_id: strawberry.ID, up_to: strawberry.ID | None
) -> MarkReadResult:
    reader = info.context.account_id()
    services = info.context.services
    try:
        result = await mark_read_model(
            services.clock,
            reader,
            parse_id(conversation_id, "The conversation"),
            None if up_to is None else parse_id(up_to, "The message"),
        )
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await after_commit(services, result.events)
    return Conversation.from_model(
        await m.participant_view(reader, result.participant.conversation_id)
    )


def _encode_key(row: m.Participant) -> str:
    return encode_cursor(CURSOR, int(row.has_unread), row.last_activity_at.isoformat(), row.id)


def _decode_key(value: str) -> m.ConversationKey:
    unread, when, participant = decode_cursor(value, CURSOR, "after", parts=3)
    try:
        return m.ConversationKey(unread == "1", datetime.fromisoformat(when), int(participant))
    except ValueError:
        raise InvalidInput("after", "'after' is not a cursor this list gave out.") from None
