"""Order terms and guarantee requests: the pair proposes, accepts and asks; the service decides."""

from __future__ import annotations

import strawberry

from parley.models import guarantees
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.after_commit import after_commit
from parley.resolvers.cursors import GUARANTEE_REQUESTS
from parley.resolvers.inputs import parse_id
from parley.resolvers.paging import page_by_id
from parley.schema.context import Info
from parley.schema.errors import (
    GuaranteeAlreadyDecidedError,
    GuaranteeAlreadyRequestedError,
    InvalidInputError,
    NoAgreedTermsError,
    NotFoundError,
    PermissionDeniedError,
    TermsChangedError,
    error_result,
)
from parley.schema.guarantees import (
    AcceptOrderTermsResult,
    DecideGuaranteeRequestResult,
    GuaranteeDecision,
    GuaranteeRequest,
    GuaranteeRequestConnection,
    GuaranteeRequestEdge,
    OrderTerms,
    ProposeOrderTermsResult,
    ProposeTermsInput,
    RequestGuaranteeResult,
)


async def propose_terms(info: Info, input: ProposeTermsInput) -> ProposeOrderTermsResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        order_id = parse_id(input.order_id, Tag.ORDER, "The order")
        terms = guarantees.checked_terms(
            services.clock, input.amount, input.currency, input.delivery_date, input.deliverables
        )
        change = await guarantees.propose_terms(services.clock, caller, order_id, terms)
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError)
    await after_commit(services, change.events)
    return OrderTerms.from_model(change.terms)


async def accept_terms(info: Info, terms_id: strawberry.ID) -> AcceptOrderTermsResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await guarantees.accept_terms(
            services.clock, caller, parse_id(terms_id, Tag.ORDER_TERMS, "The terms proposal")
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, PermissionDeniedError, TermsChangedError)
    await after_commit(services, change.events)
    return OrderTerms.from_model(change.terms)


async def request_guarantee(info: Info, order_id: strawberry.ID) -> RequestGuaranteeResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await guarantees.request_guarantee(
            services.clock, caller, parse_id(order_id, Tag.ORDER, "The order")
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, NoAgreedTermsError, GuaranteeAlreadyRequestedError)
    await after_commit(services, change.events)
    return GuaranteeRequest.from_model(change.request)


async def decide_guarantee(
    info: Info, id: strawberry.ID, decision: GuaranteeDecision, note: str
) -> DecideGuaranteeRequestResult:
    info.context.require_service()
    services = info.context.services
    try:
        change = await guarantees.decide_guarantee(
            services.clock,
            parse_id(id, Tag.GUARANTEE_REQUEST, "The guarantee request"),
            accept=decision is GuaranteeDecision.ACCEPT,
            note=note,
        )
    except ParleyError as exc:
        return error_result(
            exc, NotFoundError, InvalidInputError, TermsChangedError, GuaranteeAlreadyDecidedError
        )
    await after_commit(services, change.events)
    return GuaranteeRequest.from_model(change.request)


async def open_guarantee_requests(
    info: Info, first: int | None, after: str | None
) -> GuaranteeRequestConnection:
    info.context.require_service()
    page, page_info = await page_by_id(
        info, GUARANTEE_REQUESTS, first, after, guarantees.open_guarantee_page
    )
    edges = [
        GuaranteeRequestEdge(cursor=cursor, node=GuaranteeRequest.from_model(row))
        for cursor, row in page
    ]
    return GuaranteeRequestConnection(edges=edges, page_info=page_info)
