"""The conversation feed query."""

from __future__ import annotations

import strawberry

from models.conversations import require_participant
from models.errors import InvalidInput, ParleyError
from models.feed import feed_page
from models.retention import visible_since
from resolvers.inputs import decode_int_cursor, encode_cursor, page_size, parse_id, query_error
from schema.context import Info
from schema.feed import FeedConnection, FeedEdge, FeedFilter, PageInfo, feed_item_from_model

CURSOR = "feed"
DEFAULT_PAGE = 20


def feed_cursor(item_id: int) -> str:
    return encode_cursor(CURSOR, item_id)


async def feed(
    info: Info,
    conversation_id: strawberry.ID,
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
        await require_participant(viewer, parse_id(conversation_id, "The conversation"))
        forward = first is not None or after is not None
        items, has_older, has_newer = await feed_page(
            int(conversation_id),
            filter.kinds(),
            last=None if forward else page_size(last, "last", DEFAULT_PAGE, cap),
            before=decode_int_cursor(before, CURSOR, "before"),
            first=page_size(first, "first", DEFAULT_PAGE, cap) if forward else None,
            after=decode_int_cursor(after, CURSOR, "after"),
            visible_since=visible_since(
                info.context.services.clock, info.context.services.settings.retention_days
            ),
        )
    except ParleyError as exc:
        raise query_error(exc) from exc
    edges = [
        FeedEdge(cursor=feed_cursor(item.id), node=feed_item_from_model(item)) for item in items
    ]
    return FeedConnection(
        edges=edges,
        page_info=PageInfo(
            has_previous_page=has_older,
            has_next_page=has_newer,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
