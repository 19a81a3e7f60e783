"""Support requests: always a way out when a rule blocks a user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import support as m
from schema.errors import InvalidInputError, NotFoundError

strawberry.enum(m.SupportReason, name="SupportReason", description="Why support is needed.")
strawberry.enum(m.SupportStatus, name="SupportStatus", description="Whether support is on it.")


@strawberry.type(description="A request to the marketplace's support team.")
class SupportRequest:
    id: strawberry.ID = strawberry.field(description="The request's id.")
    reason: m.SupportReason = strawberry.field(description="Why it was opened.")
    status: m.SupportStatus = strawberry.field(description="OPEN until support closes it.")
    details: str = strawberry.field(description="What the user wrote.")
    conversation_id: strawberry.ID | None = strawberry.field(description="The conversation.")
    order_id: strawberry.ID | None = strawberry.field(description="The order.")
    created_at: datetime = strawberry.field(description="When it was opened.")

    @classmethod
    def from_model(cls, row: m.SupportRequest) -> SupportRequest:
        def optional(value: int | None) -> strawberry.ID | None:
            return None if value is None else strawberry.ID(str(value))

        return cls(
            id=strawberry.ID(str(row.id)),
            reason=m.SupportReason(row.reason),
            status=m.SupportStatus(row.status),
            details=row.details,
            conversation_id=optional(row.conversation_id),
            order_id=optional(row.order_id),
            created_at=row.created_at,
        )


@strawberry.input(description="What support should look at: a conversation, an order, or both.")
class OpenSupportRequestInput:
    conversation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The conversation it is about."
    )
    order_id: strawberry.ID | None = strawberry.field(default=None, description="The order.")
    reason: m.SupportReason = strawberry.field(
        default=m.SupportReason.MESSAGING_BLOCKED, description="Why support is needed."
    )
    details: str = strawberry.field(default="", description="Anything support should know.")


SupportRequestResult = Annotated[
    SupportRequest | NotFoundError | InvalidInputError,
    strawberry.union("SupportRequestResult", description="The request, or why it was refused."),
]
