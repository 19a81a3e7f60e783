"""Support updates and the guarantee flow over the wire: HTTP mutations, live WebSocket feeds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from parley.web.auth import SERVICE_ROLE
from parley.web.settings import Settings
from tests.channels import SmtpSink, text_of
from tests.ids import raw
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token
from tests.wire.pairs import Pair, graphql

SERVICE = token("marketplace", SERVICE_ROLE)
OPEN = 'mutation($id: ID!) { openSupportRequest(input: {orderId: $id, details: "Refund?"}) { ... on SupportRequest { id } } }'
UPDATE = "mutation($input: UpdateSupportRequestInput!) { updateSupportRequest(input: $input) { __typename ... on SupportRequest { supportStatus } } }"
MINE = "query { supportRequests { edges { node { id supportStatus note } } } }"
EMAIL_ME = (
    'mutation { updateNotificationPreferences(input: {email: "acme@example.com"}) { __typename } }'
)
REPORT = "mutation { reportActivity(state: ACTIVE) { state } }"
SUPPORT_FEED = "subscription($id: ID!, $after: String) { feedUpdates(conversationId: $id, filter: SUPPORT, after: $after) { cursor item { ... on SupportRequestEvent { requestId supportStatus note } } } }"
NOTIFICATIONS = "subscription { notifications { conversationId message { body } item { __typename ... on SupportRequestEvent { supportStatus note } } } }"
PROPOSE = "mutation($input: ProposeTermsInput!) { proposeOrderTerms(input: $input) { ... on OrderTerms { id } } }"
ACCEPT = "mutation($id: ID!) { acceptOrderTerms(termsId: $id) { __typename } }"
REQUEST = "mutation($id: ID!) { requestGuarantee(orderId: $id) { __typename ... on GuaranteeRequest { id } ... on Error { code } } }"
QUEUE = "query { openGuaranteeRequests { edges { node { id orderId guaranteedTerms { amount currency } } } } }"
DECIDE = 'mutation($id: ID!) { decideGuaranteeRequest(id: $id, decision: DECLINE, note: "Too late") { __typename } }'
ORDER_FEED = "subscription($id: ID!) { feedUpdates(conversationId: $id, filter: ORDERS) { item { ... on OrderEvent { orderEventType terms { amount } guaranteeRequest { guaranteeStatus note } } } } }"


@pytest.fixture
def settings(settings: Settings, smtp_sink: SmtpSink) -> Settings:
    """Emails go to a real SMTP sink; the worker polls rarely (tests call deliver_due)."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_sink.port,
            "smtp_security": "none",
            "notify_poll_seconds": 3600.0,
        }
    )


async def _data(server: LiveServer, query: str, variables: dict[str, Any], bearer: str) -> Any:
    body = await graphql(server, query, variables, bearer)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def test_a_support_update_arrives_live_as_a_feed_item_and_a_notification_and_resumes(
    live_server: LiveServer, alice: Pair
) -> None:
    request = (await _data(live_server, OPEN, {"id": alice.order}, alice.client_token))["id"]
    ws = await GraphQLWSClient.open(live_server.ws, alice.client_token)
    await ws.subscribe("feed", SUPPORT_FEED, {"id": alice.conversation})
    await ws.subscribe("notes", NOTIFICATIONS)
    await live_server.services.bus.hub.wait_for_listeners(raw(alice.client), 2)
    await _data(live_server, REPORT, {}, alice.client_token)

    change = {"id": request, "status": "IN_PROGRESS", "note": "On it"}
    assert (await _data(live_server, UPDATE, {"input": change}, SERVICE))[
        "supportStatus"
    ] == "IN_PROGRESS"
    update = (await ws.next_payload("feed"))["feedUpdates"]
    assert update["item"] == {"requestId": request, "supportStatus": "IN_PROGRESS", "note": "On it"}
    assert live_server.services.notifier is not None
    await live_server.services.notifier.deliver_due()
    note = (await ws.next_payload("notes"))["notifications"]
    assert note == {
        "conversationId": alice.conversation,
        "message": None,
        "item": {
            "__typename": "SupportRequestEvent",
            "supportStatus": "IN_PROGRESS",
            "note": "On it",
        },
    }
    await ws.close()

    # Resolved while the requester was away: a reconnect after the last cursor replays it.
    change = {"id": request, "status": "RESOLVED", "note": "Refunded"}
    await _data(live_server, UPDATE, {"input": change}, SERVICE)
    ws = await GraphQLWSClient.open(live_server.ws, alice.client_token)
    await ws.subscribe("feed", SUPPORT_FEED, {"id": alice.conversation, "after": update["cursor"]})
    replayed = (await ws.next_payload("feed"))["feedUpdates"]
    assert replayed["item"] == {
        "requestId": request,
        "supportStatus": "RESOLVED",
        "note": "Refunded",
    }
    await ws.close()
    mine = await _data(live_server, MINE, {}, alice.client_token)
    assert [edge["node"] for edge in mine["edges"]] == [
        {"id": request, "supportStatus": "RESOLVED", "note": "Refunded"}
    ]


async def test_the_freelancer_sees_each_guarantee_step_live_while_the_pair_and_service_act(
    live_server: LiveServer, alice: Pair
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(alice.freelancer))
    await ws.subscribe("orders", ORDER_FEED, {"id": alice.conversation})
    await live_server.services.bus.hub.wait_for_listeners(raw(alice.freelancer), 1)

    async def step() -> dict[str, Any]:
        item: dict[str, Any] = (await ws.next_payload("orders"))["feedUpdates"]["item"]
        return item

    terms = {"orderId": alice.order, "amount": "80.00", "currency": "USD"}
    terms |= {"deliveryDate": "2026-03-01", "deliverables": "A logo"}
    proposal = await _data(live_server, PROPOSE, {"input": terms}, alice.client_token)
    assert await step() == {
        "orderEventType": "TERMS_PROPOSED",
        "terms": {"amount": "80.00"},
        "guaranteeRequest": None,
    }
    await _data(live_server, ACCEPT, {"id": proposal["id"]}, token(alice.freelancer))
    assert (await step())["orderEventType"] == "TERMS_ACCEPTED"
    await _data(live_server, REQUEST, {"id": alice.order}, alice.client_token)
    assert await step() == {
        "orderEventType": "GUARANTEE_REQUESTED",
        "terms": None,
        "guaranteeRequest": {"guaranteeStatus": "REQUESTED", "note": ""},
    }
    queue = await _data(live_server, QUEUE, {}, SERVICE)
    (open_request,) = [edge["node"] for edge in queue["edges"]]
    assert open_request["guaranteedTerms"] == {"amount": "80.00", "currency": "USD"}
    await _data(live_server, DECIDE, {"id": open_request["id"]}, SERVICE)
    assert await step() == {
        "orderEventType": "GUARANTEE_DECLINED",
        "terms": None,
        "guaranteeRequest": {"guaranteeStatus": "DECLINED", "note": "Too late"},
    }
    await ws.close()


async def test_an_offline_requester_gets_the_support_update_by_email_from_support(
    live_server: LiveServer, alice: Pair, smtp_sink: SmtpSink
) -> None:
    request = (await _data(live_server, OPEN, {"id": alice.order}, alice.client_token))["id"]
    await _data(live_server, EMAIL_ME, {}, alice.client_token)
    change = {"id": request, "status": "RESOLVED", "note": "Refunded"}
    await _data(live_server, UPDATE, {"input": change}, SERVICE)
    notifier = live_server.services.notifier
    assert notifier is not None
    await notifier.deliver_due()
    live_server.clock.advance(timedelta(minutes=3))
    await notifier.deliver_due()

    (mail,) = await smtp_sink.wait_for(1)
    assert mail["To"] == "Alice client <acme@example.com>"
    assert mail["Subject"] == "1 new update from Parley support"
    assert "Support resolved your request. Refunded" in text_of(mail, "plain")
