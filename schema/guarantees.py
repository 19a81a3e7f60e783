"""Order terms and guarantee requests, as the API shows them."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from parley.models import guarantees
from parley.models.global_ids import Tag
from parley.schema.context import Info
from parley.schema.enums import domain_enum
from parley.schema.errors import (
    GuaranteeAlreadyDecidedError,
    GuaranteeAlreadyRequestedError,
    InvalidInputError,
    NoAgreedTermsError,
    NotFoundError,
    PermissionDeniedError,
    TermsChangedError,
)
from parley.schema.node import Node, global_id

if TYPE_CHECKING:
    from parley.schema.feed import PageInfo

domain_enum(
    guarantees.TermsStatus,
    name="TermsStatus",
    description="Where proposed order terms stand.",
    values={
        "PROPOSED": "Proposed by one side, waiting for the other to accept or counter.",
        "ACCEPTED": "Accepted by the other side: these are the order's agreed terms.",
        "SUPERSEDED": "Countered, or replaced by terms proposed later; no longer in force.",
    },
)
domain_enum(
    guarantees.GuaranteeStatus,
    name="GuaranteeStatus",
    description="Where a guarantee request stands.",
    values={
        "REQUESTED": "Waiting for the marketplace's guarantor officer to decide.",
        "ACCEPTED": "The marketplace guarantees the order on its agreed terms.",
        "DECLINED": "The marketplace declined to guarantee the order.",
        "VOIDED": "The terms changed after the request; request again on the new terms.",
    },
)


@strawberry.enum(description="The marketplace's answer to a guarantee request.")
class GuaranteeDecision(Enum):
    ACCEPT = strawberry.enum_value("accept", description="Guarantee the order.")
    DECLINE = strawberry.enum_value("decline", description="Do not guarantee the order.")


@strawberry.type(description="One proposal of an order's terms; a new proposal replaces it.")
class OrderTerms(Node):
    id: strawberry.ID = strawberry.field(description="The proposal's id (accept it by this id).")
    order_id: strawberry.ID = strawberry.field(description="The order.")
    proposer_id: strawberry.ID = strawberry.field(description="The side that proposed them.")
    amount: Decimal = strawberry.field(
        description="The price, a decimal string with at most two decimal places."
    )
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    delivery_date: date = strawberry.field(description="When the deliverables are due.")
    deliverables: str = strawberry.field(description="What will be delivered.")
    terms_status: guarantees.TermsStatus = strawberry.field(
        description="Proposed, accepted or superseded."
    )
    created_at: datetime = strawberry.field(description="When they were proposed.")

    @classmethod
    def from_model(cls, row: guarantees.OrderTerms) -> OrderTerms:
        return cls(
            id=global_id(Tag.ORDER_TERMS, row.id),
            order_id=global_id(Tag.ORDER, row.order_id),
            proposer_id=global_id(Tag.ACCOUNT, row.proposer_id),
            amount=Decimal(row.amount).quantize(guarantees.CENT),
            currency=row.currency,
            delivery_date=row.delivery_date,
            deliverables=row.deliverables,
            terms_status=guarantees.TermsStatus(row.status),
            created_at=row.created_at,
        )


async def load_terms(info: Info, terms_id: int) -> OrderTerms:
    row = await info.context.loaders.order_terms_by_id.load(terms_id)
    assert row is not None, "terms are never deleted while their order exists"
    return OrderTerms.from_model(row)


async def load_current_terms(info: Info, order_id: int) -> OrderTerms | None:
    row = await info.context.loaders.current_terms_by_order.load(order_id)
    return None if row is None else OrderTerms.from_model(row)


@strawberry.type(description="A request to the marketplace to guarantee an order's agreed terms.")
class GuaranteeRequest(Node):
    _terms_id: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="The request's id.")
    order_id: strawberry.ID = strawberry.field(description="The order.")
    requester_id: strawberry.ID = strawberry.field(description="The side that asked.")
    guarantee_status: guarantees.GuaranteeStatus = strawberry.field(
        description="Where the request stands."
    )
    note: str = strawberry.field(description="The marketplace's note with its decision.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    decided_at: datetime | None = strawberry.field(
        description="When it was accepted, declined or voided; null while open."
    )

    @strawberry.field(description="The agreed terms it asks to guarantee.", graphql_type=OrderTerms)
    def guaranteed_terms(self, info: Info) -> Awaitable[OrderTerms]:
        return load_terms(info, self._terms_id)

    @classmethod
    def from_model(cls, row: guarantees.GuaranteeRequest) -> GuaranteeRequest:
        return cls(
            _terms_id=row.terms_id,
            id=global_id(Tag.GUARANTEE_REQUEST, row.id),
            order_id=global_id(Tag.ORDER, row.order_id),
            requester_id=global_id(Tag.ACCOUNT, row.requester_id),
            guarantee_status=guarantees.GuaranteeStatus(row.status),
            note=row.note,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )


async def load_guarantee(info: Info, request_id: int) -> GuaranteeRequest:
    row = await info.context.loaders.guarantee_request_by_id.load(request_id)
    assert row is not None, "guarantee requests are never deleted while their order exists"
    return GuaranteeRequest.from_model(row)


@strawberry.type(description="A guarantee request with its cursor.")
class GuaranteeRequestEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the requests after it.")
    node: GuaranteeRequest = strawberry.field(description="The request.")


@strawberry.type(description="A page of open guarantee requests, oldest first.")
class GuaranteeRequestConnection:
    edges: list[GuaranteeRequestEdge] = strawberry.field(description="This page's requests.")
    page_info: Annotated[PageInfo, strawberry.lazy("parley.schema.feed")] = strawberry.field(
        description="Paging state (hasNextPage: newer requests follow)."
    )


@strawberry.input(description="Terms for an order; proposing them replaces any earlier terms.")
class ProposeTermsInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    amount: Decimal = strawberry.field(
        description="The price: a positive decimal with at most two decimal places; send it as "
        'a string ("1500.00") to keep it exact.'
    )
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    delivery_date: date = strawberry.field(description="When the deliverables are due (not past).")
    deliverables: str = strawberry.field(description="What will be delivered, 1 to 5,000 chars.")


ProposeOrderTermsResult = Annotated[
    OrderTerms | NotFoundError | InvalidInputError,
    strawberry.union("ProposeOrderTermsResult", description="The proposal, or why it was refused."),
]
AcceptOrderTermsResult = Annotated[
    OrderTerms | NotFoundError | PermissionDeniedError | TermsChangedError,
    strawberry.union("AcceptOrderTermsResult", description="The agreed terms, or why not."),
]
RequestGuaranteeResult = Annotated[
    GuaranteeRequest | NotFoundError | NoAgreedTermsError | GuaranteeAlreadyRequestedError,
    strawberry.union("RequestGuaranteeResult", description="The request, or why it was refused."),
]
DecideGuaranteeRequestResult = Annotated[
    GuaranteeRequest
    | NotFoundError
    | InvalidInputError
    | TermsChangedError
    | GuaranteeAlreadyDecidedError,
    strawberry.union(
        "DecideGuaranteeRequestResult", description="The decided request, or why not."
    ),
]


async def load_latest_guarantee(info: Info, order_id: int) -> GuaranteeRequest | None:
    row = await info.context.loaders.latest_guarantee_by_order.load(order_id)
    return None if row is None else GuaranteeRequest.from_model(row)
