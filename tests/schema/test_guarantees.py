"""Order terms and guarantee requests through the schema: the flow, its feed and its refusals."""

from __future__ import annotations

from typing import Any

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.guarantees import GuaranteeRequest, OrderTerms
from parley.models.orders import Order, create_order
from parley.models.store.clock import ManualClock
from tests.ids import gid, raw
from tests.support import SERVICE, Executor, account

PROPOSE = """
mutation Propose($input: ProposeTermsInput!) {
  proposeOrderTerms(input: $input) {
    __typename
    ... on OrderTerms { id amount currency deliveryDate deliverables termsStatus proposerId }
    ... on Error { code message }
    ... on InvalidInput { field }
  }
}
"""
ACCEPT = """
mutation Accept($id: ID!) {
  acceptOrderTerms(termsId: $id) {
    __typename ... on OrderTerms { id termsStatus } ... on Error { code message }
  }
}
"""
REQUEST = """
mutation Request($order: ID!) {
  requestGuarantee(orderId: $order) {
    __typename
    ... on GuaranteeRequest { id guaranteeStatus guaranteedTerms { id amount } }
    ... on Error { code message }
  }
}
"""
DECIDE = """
mutation Decide($id: ID!, $decision: GuaranteeDecision!, $note: String) {
  decideGuaranteeRequest(id: $id, decision: $decision, note: $note) {
    __typename
    ... on GuaranteeRequest { id guaranteeStatus note decidedAt }
    ... on Error { code message }
  }
}
"""
OPEN_REQUESTS = """
query Open {
  openGuaranteeRequests(first: 10) {
    edges {
      node {
        id orderId requesterId guaranteeStatus guaranteedTerms { amount currency deliverables }
      }
    }
  }
}
"""
ORDER_FEED = """
query Feed($id: ID!) {
  feed(conversationId: $id, filter: ORDERS, last: 100) {
    edges { node { ... on OrderEvent {
      orderEventType terms { amount currency termsStatus } guaranteeRequest { guaranteeStatus }
    } } }
  }
}
"""
ORDER = """
query Order($id: ID!) {
  order(id: $id) { terms { amount termsStatus } guaranteeRequest { guaranteeStatus } }
}
"""
TERMS = {"currency": "EUR", "deliveryDate": "2026-02-01", "deliverables": "Three articles"}


async def _propose(gql: Executor, caller: int, order: str, amount: Any) -> dict[str, Any]:
    variables = {"input": {"orderId": order, "amount": amount, **TERMS}}
    data = await gql.execute(PROPOSE, variables, as_=account(caller))
    result: dict[str, Any] = data["proposeOrderTerms"]
    return result


async def _call(gql: Executor, document: str, caller: int | None, **variables: Any) -> Any:
    data = await gql.execute(
        document, variables, as_=SERVICE if caller is None else account(caller)
    )
    return next(iter(data.values()))


async def _events(gql: Executor, viewer: int, conversation: int) -> list[dict[str, Any]]:
    variables = {"id": gid(Tag.CONVERSATION, conversation)}
    data = await gql.execute(ORDER_FEED, variables, as_=account(viewer))
    return [edge["node"] for edge in data["feed"]["edges"]]


async def test_terms_are_countered_agreed_and_guaranteed_and_each_step_is_in_the_feed(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    order_id = (await Order.get(conversation_id=conversation_with_order)).id
    order = gid(Tag.ORDER, order_id)
    first = await _propose(gql, freelancer.id, order, "1500.50")
    assert first | {"id": None} == {
        "__typename": "OrderTerms",
        "id": None,
        "amount": "1500.50",
        "proposerId": gid(Tag.ACCOUNT, freelancer.id),
        "termsStatus": "PROPOSED",
        **TERMS,
    }
    counter = await _propose(gql, client.id, order, "1200")
    assert (counter["amount"], counter["termsStatus"]) == ("1200.00", "PROPOSED")
    stale = await _call(gql, ACCEPT, client.id, id=first["id"])
    assert stale["code"] == "TERMS_CHANGED"  # the counter replaced the first proposal
    agreed = await _call(gql, ACCEPT, freelancer.id, id=counter["id"])
    assert agreed == {"__typename": "OrderTerms", "id": counter["id"], "termsStatus": "ACCEPTED"}

    requested = await _call(gql, REQUEST, client.id, order=order)
    assert requested["guaranteeStatus"] == "REQUESTED"
    assert requested["guaranteedTerms"] == {"id": counter["id"], "amount": "1200.00"}
    queue = await _call(gql, OPEN_REQUESTS, None)
    assert [edge["node"] for edge in queue["edges"]] == [
        {
            "id": requested["id"],
            "orderId": order,
            "requesterId": gid(Tag.ACCOUNT, client.id),
            "guaranteeStatus": "REQUESTED",
            "guaranteedTerms": {
                "amount": "1200.00",
                "currency": "EUR",
                "deliverables": "Three articles",
            },
        }
    ]
    granted = await _call(gql, DECIDE, None, id=requested["id"], decision="ACCEPT", note="OK")
    assert (granted["guaranteeStatus"], granted["note"]) == ("ACCEPTED", "OK")
    assert (await _call(gql, OPEN_REQUESTS, None))["edges"] == []

    expected = [
        {"orderEventType": "CREATED", "terms": None, "guaranteeRequest": None},
        {
            "orderEventType": "TERMS_PROPOSED",
            "terms": {"amount": "1500.50", "currency": "EUR", "termsStatus": "SUPERSEDED"},
            "guaranteeRequest": None,
        },
        {
            "orderEventType": "TERMS_COUNTERED",
            "terms": {"amount": "1200.00", "currency": "EUR", "termsStatus": "ACCEPTED"},
            "guaranteeRequest": None,
        },
        {
            "orderEventType": "TERMS_ACCEPTED",
            "terms": {"amount": "1200.00", "currency": "EUR", "termsStatus": "ACCEPTED"},
            "guaranteeRequest": None,
        },
        {
            "orderEventType": "GUARANTEE_REQUESTED",
            "terms": None,
            "guaranteeRequest": {"guaranteeStatus": "ACCEPTED"},
        },
        {
            "orderEventType": "GUARANTEE_ACCEPTED",
            "terms": None,
            "guaranteeRequest": {"guaranteeStatus": "ACCEPTED"},
        },
    ]
    assert await _events(gql, client.id, conversation_with_order) == expected
    assert await _events(gql, freelancer.id, conversation_with_order) == expected
    assert await _call(gql, ORDER, freelancer.id, id=order) == {
        "terms": {"amount": "1200.00", "termsStatus": "ACCEPTED"},
        "guaranteeRequest": {"guaranteeStatus": "ACCEPTED"},
    }


async def test_every_refusal_is_typed_and_new_terms_void_the_guarantee(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    order_id = (await Order.get(conversation_id=conversation_with_order)).id
    order = gid(Tag.ORDER, order_id)
    nothing_agreed = await _call(gql, REQUEST, client.id, order=order)
    assert nothing_agreed["code"] == "NO_AGREED_TERMS"
    terms = await _propose(gql, client.id, order, "300")
    own = await _call(gql, ACCEPT, client.id, id=terms["id"])
    assert own["code"] == "PERMISSION_DENIED"
    assert (await _call(gql, REQUEST, freelancer.id, order=order))["code"] == "NO_AGREED_TERMS"

    await _call(gql, ACCEPT, freelancer.id, id=terms["id"])
    requested = await _call(gql, REQUEST, freelancer.id, order=order)
    again = await _call(gql, REQUEST, client.id, order=order)
    assert again["code"] == "GUARANTEE_ALREADY_REQUESTED"

    # New terms after the request void it; the marketplace can no longer decide it.
    await _propose(gql, freelancer.id, order, "350")
    void = await _call(gql, DECIDE, None, id=requested["id"], decision="ACCEPT")
    assert void["code"] == "TERMS_CHANGED"
    assert (await GuaranteeRequest.get(id=raw(requested["id"]))).status == "voided"
    assert (await _call(gql, REQUEST, client.id, order=order))["code"] == "NO_AGREED_TERMS"
    events = [
        node["orderEventType"] for node in await _events(gql, client.id, conversation_with_order)
    ]
    assert events[-2:] == ["TERMS_PROPOSED", "GUARANTEE_VOIDED"]
    assert await _call(gql, ORDER, client.id, id=order) == {
        "terms": {"amount": "350.00", "termsStatus": "PROPOSED"},
        "guaranteeRequest": {"guaranteeStatus": "VOIDED"},
    }

    # A decided request stays decided.
    latest = await OrderTerms.filter(order_id=order_id).order_by("-id").first()
    assert latest is not None
    await _call(gql, ACCEPT, client.id, id=gid(Tag.ORDER_TERMS, latest.id))
    second = await _call(gql, REQUEST, client.id, order=order)
    declined = await _call(gql, DECIDE, None, id=second["id"], decision="DECLINE", note="No")
    assert declined["guaranteeStatus"] == "DECLINED"
    twice = await _call(gql, DECIDE, None, id=second["id"], decision="ACCEPT")
    assert twice["code"] == "GUARANTEE_ALREADY_DECIDED"
    unknown = gid(Tag.GUARANTEE_REQUEST, 987654)
    assert (await _call(gql, DECIDE, None, id=unknown, decision="ACCEPT"))["code"] == "NOT_FOUND"


async def test_a_stranger_is_told_not_found_and_only_the_service_sees_or_decides_requests(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    order_id = (await Order.get(conversation_id=conversation_with_order)).id
    order = gid(Tag.ORDER, order_id)
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Mallory")
    # The stranger has an order of their own with the same freelancer, not this one.
    await create_order(clock, client_id=stranger.id, freelancer_id=freelancer.id, title="Other")
    terms = await _propose(gql, client.id, order, "10")
    assert (await _propose(gql, stranger.id, order, "10"))["code"] == "NOT_FOUND"
    assert (await _call(gql, ACCEPT, stranger.id, id=terms["id"]))["code"] == "NOT_FOUND"
    assert (await _call(gql, REQUEST, stranger.id, order=order))["code"] == "NOT_FOUND"
    for document, variables in (
        (OPEN_REQUESTS, {}),
        (DECIDE, {"id": gid(Tag.GUARANTEE_REQUEST, 1), "decision": "ACCEPT"}),
    ):
        errors = await gql.errors(document, variables, as_=account(client.id))
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await OrderTerms.filter(order_id=order_id).count() == 1


async def test_malformed_terms_are_refused_naming_the_field_and_nothing_is_stored(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    order_id = (await Order.get(conversation_id=conversation_with_order)).id
    order = gid(Tag.ORDER, order_id)
    cases = [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"deliveryDate": "2026-01-04"}, "deliveryDate"),  # the day before the test clock
        ({"deliverables": "   "}, "deliverables"),
    ]
    for change, field in cases:
        variables = {"input": {"orderId": order, "amount": "100", **TERMS, **change}}
        data = await gql.execute(PROPOSE, variables, as_=account(client.id))
        result = data["proposeOrderTerms"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", field), change
    assert await OrderTerms.filter(order_id=order_id).count() == 0
    lower = await _propose(gql, client.id, order, "99.9")
    assert (lower["amount"], lower["currency"]) == ("99.90", "EUR")
