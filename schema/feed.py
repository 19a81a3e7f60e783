"""The conversation feed: a Relay-style connection of messages and order events."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from parley.models import feed
from parley.models.feed_pages import FeedEntry
from parley.schema.calls import CallInviteEvent
from parley.schema.messaging import Message
from parley.schema.orders import OrderEvent, ReadWithPage
from parley.schema.support import SupportRequestEvent

FeedItem = Annotated[
    Message | OrderEvent | CallInviteEvent | SupportRequestEvent,
    strawberry.union(
        "FeedItem",
        description="One entry of a conversation's feed: a message, an order event (terms and "
        "guarantee steps too), a call-invite event, or an update to the viewer's support "
        "request.",
    ),
]


@strawberry.enum(description="Which feed items to show.")
class FeedFilter(Enum):
    ALL = strawberry.enum_value("all", description="Every item.")
    ORDERS = strawberry.enum_value("orders", description="Order events only.")
    MESSAGES = strawberry.enum_value("messages", description="Messages only.")
    CALLS = strawberry.enum_value("calls", description="Call invite events only.")
    SUPPORT = strawberry.enum_value(
        "support", description="Updates to the caller's own support requests only."
    )

    def kinds(self) -> list[feed.FeedItemKind] | None:
        if self is FeedFilter.ORDERS:
            return [feed.FeedItemKind.ORDER_EVENT]
        if self is FeedFilter.MESSAGES:
            return [feed.FeedItemKind.MESSAGE]
        if self is FeedFilter.CALLS:
            return [feed.FeedItemKind.CALL_EVENT]
        if self is FeedFilter.SUPPORT:
            return [feed.FeedItemKind.SUPPORT_EVENT]
        return None

    def admits(self, kind: feed.FeedItemKind) -> bool:
        kinds = self.kinds()
        return kinds is None or kind in kinds


def feed_item_from_model(
    row: feed.FeedItem | FeedEntry, read: ReadWithPage | None = None
) -> Message | OrderEvent | CallInviteEvent | SupportRequestEvent:
    """The API's item for a row; `read`: its author and order, when read with the page."""
    if row.kind == feed.FeedItemKind.MESSAGE:
        return Message.from_model(row, read)
    if row.kind == feed.FeedItemKind.CALL_EVENT:
        return CallInviteEvent.from_model(row)
    if row.kind == feed.FeedItemKind.SUPPORT_EVENT:
        return SupportRequestEvent.from_model(row)
    return OrderEvent.from_model(row, read)


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_previous_page: bool = strawberry.field(
        description="True when older items exist before this page (scroll up for more)."
    )
    has_next_page: bool = strawberry.field(description="True when newer items follow this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the page's last item.")

    @classmethod
    def forward(cls, cursors: list[str], *, after: str | None, has_more: bool) -> PageInfo:
        """A page read forward (first/after): older items exist when it started after one."""
        return cls(
            has_previous_page=after is not None,
            has_next_page=has_more,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="A feed item with its cursor.")
class FeedEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: FeedItem = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a conversation's feed, oldest first (newest at the bottom)."
)
class FeedConnection:
    edges: list[FeedEdge] = strawberry.field(description="The page's items, oldest first.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
