"""The subscriptions: check the caller and the cursor, open the stream, map what it yields.

Every stream resumes from its `after` cursor: the server replays from the
account's event log what the client missed, then goes live. A stream the
server closes (bus down, shutdown) ends with a STREAM_CLOSED error that tells
the client to resubscribe with its last cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Protocol, TypeVar

import strawberry
from graphql import GraphQLError

from parley.models.conversations import counterparts_of, require_participant
from parley.models.errors import ParleyError
from parley.models.events import LoggedEvent, check_cursor
from parley.models.global_ids import Tag
from parley.models.orders import require_order_in
from parley.models.retention import visibility
from parley.resolvers.cursors import decode_event_cursor, event_cursor
from parley.resolvers.inputs import parse_id, query_error
from parley.schema.context import Context, Info
from parley.schema.feed import FeedFilter, feed_item_from_model
from parley.schema.live import FeedUpdate, MessageEvent, UnreadIndicator
from parley.schema.messaging import Message
from parley.schema.node import global_id
from parley.schema.notifications import InAppNotification, Presence
from parley.subscriptions.feed import VisibleSince, feed_select, message_select
from parley.subscriptions.live_stream import LiveStream, Opening, mapped
from parley.subscriptions.notifications import in_app_notifications
from parley.subscriptions.streams import StreamClosed
from parley.subscriptions.unread import unread_select


class _Change(Protocol):
    @property
    def event(self) -> LoggedEvent: ...


C = TypeVar("C", bound=_Change)
P = TypeVar("P")


async def _resume_cursor(account: int, value: str | None) -> int | None:
    """The decoded `after` cursor, refused if malformed or ahead of the account's log."""
    try:
        after = decode_event_cursor(value, "after")
        if after is not None:
            await check_cursor(account, after)
    except ParleyError as exc:
        raise query_error(exc) from exc
    return after


def _visibility(context: Context) -> VisibleSince:
    return visibility(context.services.clock, context.services.settings.retention)


def _closed(exc: StreamClosed) -> Exception:
    return GraphQLError(
        f"The stream was closed by the server ({exc}); resubscribe with your last cursor.",
        extensions={"code": "STREAM_CLOSED"},
    )


def _payloads(context: Context, to: Callable[[C, str], P]) -> Callable[[C], P]:
    """Each change as its payload, with the change's cursor.

    A subscription's context lives as long as its connection: loaders start afresh per event.
    """

    def payload(change: C) -> P:
        context.fresh_loaders()
        return to(change, event_cursor(change.event.seq))

    return payload


def message_received(info: Info, after: str | None) -> LiveStream[MessageEvent]:
    context = info.context
    hub = context.services.bus.hub

    async def opening() -> Opening[MessageEvent]:
        account = context.account_id()
        select = message_select(hub, _visibility(context))
        return Opening(
            account,
            await _resume_cursor(account, after),
            mapped(select, _payloads(context, MessageEvent.from_change)),
        )

    return LiveStream(hub, opening, _closed)


def feed_updates(
    info: Info,
    conversation_id: strawberry.ID,
    filter: FeedFilter,
    order_id: strawberry.ID | None,
    after: str | None,
) -> LiveStream[FeedUpdate]:
    context = info.context
    hub = context.services.bus.hub

    async def opening() -> Opening[FeedUpdate]:
        account = context.account_id()
        try:
            conversation = parse_id(conversation_id, Tag.CONVERSATION, "The conversation")
            await require_participant(account, conversation)
            order = None if order_id is None else parse_id(order_id, Tag.ORDER, "The order")
            if order is not None:
                await require_order_in(conversation, order)
        except ParleyError as exc:
            raise query_error(exc) from exc
        select = feed_select(hub, conversation, filter.kinds(), _visibility(context), order)
        return Opening(
            account,
            await _resume_cursor(account, after),
            mapped(select, _payloads(context, FeedUpdate.from_change)),
        )

    return LiveStream(hub, opening, _closed)


def unread_indicators(info: Info, after: str | None) -> LiveStream[UnreadIndicator]:
    context = info.context

    async def opening() -> Opening[UnreadIndicator]:
        account = context.account_id()
        return Opening(
            account,
            await _resume_cursor(account, after),
            mapped(unread_select(account), _payloads(context, UnreadIndicator.from_change)),
        )

    return LiveStream(context.services.bus.hub, opening, _closed)


async def notifications(info: Info, after: str | None) -> AsyncGenerator[InAppNotification, None]:
    account = info.context.account_id()
    services = info.context.services
    stream = in_app_notifications(
        services.bus.hub,
        account,
        await _resume_cursor(account, after),
        _visibility(info.context),
    )
    try:
        async with aclosing(stream):
            async for note in stream:
                info.context.fresh_loaders()
                yield InAppNotification(
                    cursor=event_cursor(note.event.seq),
                    conversation_id=global_id(Tag.CONVERSATION, note.event.conversation_id),
                    message=Message.from_model(note.item) if note.item.is_message else None,
                    item=feed_item_from_model(note.item),
                    reason=note.reason,
                    created_at=note.event.created_at,
                )
    except StreamClosed as exc:
        raise _closed(exc) from exc


async def presence_changed(info: Info) -> AsyncGenerator[Presence, None]:
    account = info.context.account_id()
    services = info.context.services
    changes = services.presence.watch(await counterparts_of(account), services.clock.now())
    async with aclosing(changes):
        async for state in changes:
            yield Presence.from_state(state)
