"""A small GraphQL-over-HTTP client for the service tests, and the documents they send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from parley.web.auth import SERVICE_ROLE
from tests.tokens import token

CREATE_ACCOUNT = "mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } } }"
CREATE_ORDER = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { conversationId } } }"
SEND = "mutation($input: SendMessageInput!) { sendMessage(input: $input) { __typename ... on Message { id body } ... on Error { code } } }"
MARK_READ = "mutation($id: ID!) { markRead(conversationId: $id) { __typename } }"
UNREAD = "{ unreadSummary { conversationsWithUnread totalUnread } }"
MESSAGES = "subscription($after: String) { messageReceived(after: $after) { cursor message { id body conversationId } } }"
INDICATORS = "subscription($after: String) { unreadIndicators(after: $after) { cursor summary { totalUnread } } }"


@dataclass(frozen=True)
class Pair:
    client: str
    freelancer: str
    conversation: str


async def post(
    http: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], bearer: str
) -> dict[str, Any]:
    response = await http.post(
        url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {bearer}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def make_pair(http: httpx.AsyncClient, url: str, name: str = "Acme") -> Pair:
    """A client and a freelancer with an order between them, made by the marketplace."""
    service = token("marketplace", SERVICE_ROLE)
    ids = []
    for kind in ("CLIENT", "FREELANCER"):
        data = await post(
            http, url, CREATE_ACCOUNT, {"input": {"kind": kind, "name": f"{name} {kind}"}}, service
        )
        ids.append(data["createAccount"]["id"])
    data = await post(
        http,
        url,
        CREATE_ORDER,
        {"input": {"clientId": ids[0], "freelancerId": ids[1], "title": "Work"}},
        service,
    )
    return Pair(ids[0], ids[1], data["createOrder"]["conversationId"])


async def send(
    http: httpx.AsyncClient, url: str, pair: Pair, body: str, key: str | None = None
) -> dict[str, Any]:
    data = await post(
        http,
        url,
        SEND,
        {"input": {"conversationId": pair.conversation, "body": body, "idempotencyKey": key}},
        token(pair.client),
    )
    message: dict[str, Any] = data["sendMessage"]
    assert message["__typename"] == "Message", message
    return message
