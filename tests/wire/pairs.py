"""Two accounts with an order, a message, a call invite and an accepted campaign, made
through the API itself; and the documents that make them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from parley.web.auth import SERVICE_ROLE
from tests.live_server import LiveServer
from tests.tokens import token

CREATE_ACCOUNT = "mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } ... on Error { code } } }"
CREATE_ORDER = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { id conversationId } ... on Error { code } } }"
SEND_CALL_INVITE = "mutation($input: SendCallInviteInput!) { sendCallInvite(input: $input) { ... on CallInvite { id } ... on Error { code message } } }"
CALL_AT = "2026-01-07T10:00:00+00:00"  # two days after the test clock's start
CREATE_CAMPAIGN = 'mutation($client: ID!) { createCampaign(input: {clientId: $client, title: "Drop"}) { ... on Campaign { id } } }'
ACCEPT_MEMBERSHIP = "mutation($c: ID!, $f: ID!) { setCampaignMembership(campaignId: $c, freelancerId: $f, status: ACCEPTED) { __typename } }"
SEND = "mutation($input: SendMessageInput!) { sendMessage(input: $input) { __typename ... on Message { id } ... on Error { code message } ... on RateLimited { retryAfter } } }"


@dataclass(frozen=True)
class Pair:
    """A client and a freelancer with one order, one message from the client, a call invite,
    and a campaign of the client's with the freelancer accepted in it."""

    client: str
    freelancer: str
    order: str
    conversation: str
    message: str
    invite: str
    campaign: str

    @property
    def client_token(self) -> str:
        return token(self.client)


async def graphql(
    server: LiveServer, query: str, variables: dict[str, Any] | None, bearer: str | None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.http, json={"query": query, "variables": variables or {}}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def make_pair(server: LiveServer, name: str) -> Pair:
    service = token("marketplace", SERVICE_ROLE)
    ids = {}
    for kind in ("CLIENT", "FREELANCER"):
        variables = {"input": {"kind": kind, "name": f"{name} {kind.lower()}"}}
        body = await graphql(server, CREATE_ACCOUNT, variables, service)
        ids[kind] = body["data"]["createAccount"]["id"]
    order_input = {"clientId": ids["CLIENT"], "freelancerId": ids["FREELANCER"], "title": name}
    body = await graphql(server, CREATE_ORDER, {"input": order_input}, service)
    order = body["data"]["createOrder"]
    send = {"input": {"conversationId": order["conversationId"], "body": f"hello from {name}"}}
    body = await graphql(server, SEND, send, token(ids["CLIENT"]))
    message = body["data"]["sendMessage"]["id"]
    invite = {"input": {"freelancerId": ids["FREELANCER"], "startTimes": [CALL_AT]}}
    body = await graphql(server, SEND_CALL_INVITE, invite, token(ids["CLIENT"]))
    campaign = await graphql(server, CREATE_CAMPAIGN, {"client": ids["CLIENT"]}, service)
    campaign_id = campaign["data"]["createCampaign"]["id"]
    await graphql(server, ACCEPT_MEMBERSHIP, {"c": campaign_id, "f": ids["FREELANCER"]}, service)
    return Pair(
        client=ids["CLIENT"],
        freelancer=ids["FREELANCER"],
        order=order["id"],
        conversation=order["conversationId"],
        message=message,
        invite=body["data"]["sendCallInvite"]["id"],
        campaign=campaign_id,
    )
