"""Support requests: always a way out when a rule blocks a user."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from parley.models import feed, support
from parley.models.feed_pages import FeedEntry
from parley.models.global_ids import Tag
from parley.schema.enums import domain_enum
from parley.schema.errors import InvalidInputError, NotFoundError
from parley.schema.node import Node, global_id, optional_global_id

if TYPE_CHECKING:
    from parley.schema.feed import PageInfo

domain_enum(
    support.SupportReason,
    name="SupportReason",
    description="Why support is needed.",
    values={
        "MESSAGING_BLOCKED": "A messaging rule stops the user from writing.",
        "NO_SHOW": "No one joined an accepted call (reportCallNoShow opens it).",
        "OTHER": "Anything else (say what in details).",
    },
)
domain_enum(
    support.SupportStatus,
    name="SupportStatus",
    description="Where support is with a request.",
    values={
        "OPEN": "Received; support has not looked at it yet.",
        "IN_PROGRESS": "Support is working on it.",
        "RESOLVED": "Support resolved it (the note says how).",
        "CLOSED": "Closed without a resolution (the note says why).",
    },
)


@strawberry.type(description="A request to the marketplace's support team.")
class SupportRequest(Node):
    id: strawberry.ID = strawberry.field(description="The request's id.")
    reason: support.SupportReason = strawberry.field(description="Why it was opened.")
    support_status: support.SupportStatus = strawberry.field(
        description="Where support is with it."
    )
    details: str = strawberry.field(description="What the user wrote.")
    note: str = strawberry.field(description="Support's latest note to the user; empty if none.")
    about_conversation_id: strawberry.ID | None = strawberry.field(
        description="The conversation it is about, if any."
    )
    about_order_id: strawberry.ID | None = strawberry.field(
        description="The order it is about, if any."
    )
    created_at: datetime = strawberry.field(description="When it was opened.")
    updated_at: datetime = strawberry.field(
        description="When support last changed it (its opening time until then)."
    )

    @classmethod
    def from_model(cls, row: support.SupportRequest) -> SupportRequest:
        return cls(
            id=global_id(Tag.SUPPORT_REQUEST, row.id),
            reason=support.SupportReason(row.reason),
            support_status=support.SupportStatus(row.status),
            details=row.details,
            note=row.note,
            about_conversation_id=optional_global_id(Tag.CONVERSATION, row.conversation_id),
            about_order_id=optional_global_id(Tag.ORDER, row.order_id),
            created_at=row.created_at,
            updated_at=row.updated_at or row.created_at,
        )


@strawberry.type(
    description="Support changed one of the caller's requests: a feed item only the requester "
    "sees, in the conversation the request is about."
)
class SupportRequestEvent(Node):
    id: strawberry.ID = strawberry.field(description="The feed item's id.")
    request_id: strawberry.ID = strawberry.field(description="The support request.")
    support_status: support.SupportStatus = strawberry.field(
        description="The status the request moved to."
    )
    note: str = strawberry.field(description="Support's note with the change; empty if none.")
    about_order_id: strawberry.ID | None = strawberry.field(
        description="The order the request is about, if any."
    )
    created_at: datetime = strawberry.field(description="When it happened.")

    @classmethod
    def from_model(cls, row: feed.FeedItem | FeedEntry) -> SupportRequestEvent:
        assert row.subject_id is not None, "a support event without its request"
        return cls(
            id=global_id(Tag.FEED_ITEM, row.id),
            request_id=global_id(Tag.SUPPORT_REQUEST, row.subject_id),
            support_status=support.SupportStatus(row.subject_status or support.SupportStatus.OPEN),
            note=row.body or "",
            about_order_id=optional_global_id(Tag.ORDER, row.order_id),
            created_at=row.created_at,
        )


@strawberry.type(description="A support request with its cursor.")
class SupportRequestEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the requests after it.")
    node: SupportRequest = strawberry.field(description="The request.")


@strawberry.type(description="A page of the caller's support requests, newest first.")
class SupportRequestConnection:
    edges: list[SupportRequestEdge] = strawberry.field(description="This page's requests.")
    page_info: Annotated[PageInfo, strawberry.lazy("parley.schema.feed")] = strawberry.field(
        description="Paging state (hasNextPage: older requests follow)."
    )


@strawberry.input(description="What support should look at: a conversation, an order, or both.")
class OpenSupportRequestInput:
    conversation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The conversation it is about."
    )
    order_id: strawberry.ID | None = strawberry.field(default=None, description="The order.")
    reason: support.SupportReason = strawberry.field(
        default=support.SupportReason.MESSAGING_BLOCKED, description="Why support is needed."
    )
    details: str = strawberry.field(default="", description="Anything support should know.")


@strawberry.input(description="Support's change to a request (service token).")
class UpdateSupportRequestInput:
    id: strawberry.ID = strawberry.field(description="The support request.")
    status: support.SupportStatus = strawberry.field(
        description="IN_PROGRESS, RESOLVED or CLOSED (a request is OPEN only until support "
        "takes it)."
    )
    note: str = strawberry.field(
        default="", description="What the user should know, up to 2,000 characters."
    )


OpenSupportRequestResult = Annotated[
    SupportRequest | NotFoundError | InvalidInputError,
    strawberry.union(
        "OpenSupportRequestResult", description="The new request, or why it was refused."
    ),
]

UpdateSupportRequestResult = Annotated[
    SupportRequest | NotFoundError | InvalidInputError,
    strawberry.union(
        "UpdateSupportRequestResult",
        description="The request after the change, or why it was refused.",
    ),
]
