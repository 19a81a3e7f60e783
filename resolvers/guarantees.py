"""Order terms and guarantee requests: the pair proposes, accepts and asks; the service decides."""

from __future__ import annotations

import strawberry

from parley.models import guarantees as m
from parley.models.errors import ParleyError
from parley.resolvers.after_commit import after_commit
from parley.resolvers.cursors import GUARANTEE_REQUESTS, decode_id_cursor, id_cursor
from parley.resolvers.inputs import page_size, parse_id, query_error
from parley.schema.context import Info
from parley.schema.errors import from_domain
from parley.schema.feed import PageInfo
from parley.schema.guarantees import (
    AcceptTermsResult,
    DecideGuaranteeResult,
    GuaranteeDecision,
    GuaranteeRequest,
    GuaranteeRequestConnection,
    GuaranteeRequestEdge,
    OrderTerms,
    ProposeTermsInput,
    ProposeTermsResult,
    RequestGuaranteeResult,
)

DEFAULT_PAGE = 20


async def propose_terms(info: Info, input: ProposeTermsInput) -> ProposeTermsResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        order_id = parse_id(input.order_id, "The order")
        terms = m.checked_terms(
            services.clock, input.amount, input.currency, input.delivery_date, input.deliverables
        )
        change = await m.propose_terms(services.clock, caller, order_id, terms)
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await after_commit(services, change.events)
    return OrderTerms.from_model(change.terms)


async def accept_terms(info: Info, terms_id: strawberry.ID) -> AcceptTermsResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await m.accept_terms(
            services.clock, caller, parse_id(terms_id, "The terms proposal")
        )
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await after_commit(services, change.events)
    return OrderTerms.from_model(change.terms)


async def request_guarantee(info: Info, order_id: strawberry.ID) -> RequestGuaranteeResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await m.request_guarantee(services.clock, caller, parse_id(order_id, "The order"))
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await after_commit(services, change.events)
    return GuaranteeRequest.from_model(change.request)


async def decide_guarantee(
    info: Info, id: strawberry.ID, decision: GuaranteeDecision, note: str
) -> DecideGuaranteeResult:
    info.context.require_service()
    services = info.context.services
    try:
        change = await m.decide_guarantee(
            services.clock,
            parse_id(id, "The guarantee request"),
            accept=decision is GuaranteeDecision.ACCEPT,
            note=note,
        )
    except ParleyError as exc:
        return from_domain(exc)  # type: ignore[return-value]
    await after_commit(services, change.events)
    return GuaranteeRequest.from_model(change.request)


async def open_guarantee_requests(
    info: Info, first: int | None, after: str | None
) -> GuaranteeRequestConnection:
    info.context.require_service()
    try:
        size = page_size(first, "first", DEFAULT_PAGE, info.context.services.settings.feed_page_max)
        rows, has_more = await m.open_guarantee_page(
            size, decode_id_cursor(after, GUARANTEE_REQUESTS, "after")
        )
    except ParleyError as exc:
        raise query_error(exc) from exc
    edges = [
        GuaranteeRequestEdge(
            cursor=id_cursor(GUARANTEE_REQUESTS, row.id), node=GuaranteeRequest.from_model(row)
        )
        for row in rows
    ]
    return GuaranteeRequestConnection(
        edges=edges,
        page_info=PageInfo.forward([edge.cursor for edge in edges], after=after, has_more=has_more),
    )
