"""The order-terms and guarantee fields of the root Query and Mutation (see schema.fields.root)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from parley.resolvers import guarantees
from parley.schema.context import Info
from parley.schema.guarantees import (
    AcceptOrderTermsResult,
    DecideGuaranteeRequestResult,
    GuaranteeDecision,
    GuaranteeRequestConnection,
    ProposeOrderTermsResult,
    ProposeTermsInput,
    RequestGuaranteeResult,
)


@strawberry.type(description="Guarantee reads.")
class GuaranteeQueries:
    @strawberry.field(
        description="Service: guarantee requests waiting for the marketplace, oldest first."
    )
    async def open_guarantee_requests(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (default 20, max 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> GuaranteeRequestConnection:
        return await guarantees.open_guarantee_requests(info, first, after)


@strawberry.type(description="Order-terms and guarantee changes.")
class GuaranteeMutations:
    @strawberry.mutation(
        description="Either side of an order proposes its terms (amount, currency, delivery "
        "date, deliverables); a proposal replaces earlier terms, and voids a guarantee "
        "requested on them. Proposing while the other side's proposal waits is a counter."
    )
    async def propose_order_terms(
        self,
        info: Info,
        input: Annotated[ProposeTermsInput, strawberry.argument(description="The terms.")],
    ) -> ProposeOrderTermsResult:
        return await guarantees.propose_terms(info, input)

    @strawberry.mutation(
        description="The side that did not propose the terms accepts them: they are agreed."
    )
    async def accept_order_terms(
        self,
        info: Info,
        terms_id: Annotated[
            strawberry.ID, strawberry.argument(description="The proposal (OrderTerms.id).")
        ],
    ) -> AcceptOrderTermsResult:
        return await guarantees.accept_terms(info, terms_id)

    @strawberry.mutation(
        description="Either side asks the marketplace to guarantee the order's agreed terms."
    )
    async def request_guarantee(
        self,
        info: Info,
        order_id: Annotated[strawberry.ID, strawberry.argument(description="The order.")],
    ) -> RequestGuaranteeResult:
        return await guarantees.request_guarantee(info, order_id)

    @strawberry.mutation(description="Service: accept or decline an open guarantee request.")
    async def decide_guarantee_request(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The guarantee request.")],
        decision: Annotated[
            GuaranteeDecision, strawberry.argument(description="ACCEPT or DECLINE.")
        ],
        note: Annotated[
            str, strawberry.argument(description="Why, for the pair (up to 2,000 characters).")
        ] = "",
    ) -> DecideGuaranteeRequestResult:
        return await guarantees.decide_guarantee(info, id, decision, note)
