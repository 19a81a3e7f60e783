"""The conversation feed query."""

from __future__ import annotations

import strawberry

from parley.models.conversations import require_participant
from parley.models.errors import InvalidInput, ParleyError
from parley.models.feed import FeedItemKind
from parley.models.feed_pages import FeedPage, read_page
from parley.models.global_ids import Tag
from parley.models.orders import require_order_in
from parley.models.retention import visible_since
from parley.resolvers.cursors import decode_feed_cursor, feed_cursor
from parley.resolvers.inputs import page_size, parse_id, query_error
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.feed import FeedConnection, FeedEdge, FeedFilter, PageInfo, feed_item_from_model
from parley.schema.orders import Order, ReadWithPage

DEFAULT_PAGE = 20


async def feed(
    info: Info,
    conversation_id: strawberry.ID,
    order_id: strawberry.ID | None,
    filter: FeedFilter,
    last: int | None,
    before: str | None,
    first: int | None,
    after: str | None,
) -> FeedConnection:
    viewer = info.context.account_id()
    cap = info.context.services.settings.feed_page_max
    try:
        if (first is not None or after is not None) and (last is not None or before is not None):
            raise InvalidInput("first", "Page with first/after or with last/before, not both.")
        conversation = parse_id(conversation_id, Tag.CONVERSATION, "The conversation")
        order = None if order_id is None else parse_id(order_id, Tag.ORDER, "The order")
        forward = first is not None or after is not None
        try:
            size_last = None if forward else page_size(last, "last", DEFAULT_PAGE, cap)
            before_id = decode_feed_cursor(before, conversation, "before")
            size_first = page_size(first, "first", DEFAULT_PAGE, cap) if forward else None
            after_id = decode_feed_cursor(after, conversation, "after")
        except InvalidInput:
            # Someone else's conversation or order is unknown, whatever the other arguments say.
            await require_participant(viewer, conversation)
            if order is not None:
                await require_order_in(conversation, order)
            raise
        page = await read_page(
            viewer,
            conversation,
            filter.kinds(),
            order_id=order,
            last=size_last,
            before=before_id,
            first=size_first,
            after=after_id,
            visible_since=visible_since(
                info.context.services.clock, info.context.services.settings.retention
            ),
        )
    except ParleyError as exc:
        raise query_error(exc) from exc
    return _connection(info, page)


def _connection(info: Info, page: FeedPage) -> FeedConnection:
    senders = {key: Account.from_model(row) for key, row in page.authors.items()}
    orders = {key: Order.from_model(row) for key, row in page.orders.items()}
    if any(item.kind == FeedItemKind.CALL_EVENT for item in page.items):
        # Call events resolve their actor (and the viewer's zone) through the loader.
        info.context.loaders.account_by_id.prime_many(page.authors)
    edges = [
        FeedEdge(
            cursor=feed_cursor(item.conversation_id, item.id),
            node=feed_item_from_model(
                item,
                ReadWithPage(
                    sender=senders.get(item.author_id) if item.author_id is not None else None,
                    order=orders.get(item.order_id) if item.order_id is not None else None,
                ),
            ),
        )
        for item in page.items
    ]
    return FeedConnection(
        edges=edges,
        page_info=PageInfo(
            has_previous_page=page.has_older,
            has_next_page=page.has_newer,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
