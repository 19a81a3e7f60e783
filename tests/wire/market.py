"""A marketplace driving a live Parley over HTTP, as the real one would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from parley.models.conversations import Participant
from parley.models.events import Event
from parley.models.feed import FeedItem
from parley.models.orders import Order
from parley.web.auth import SERVICE_ROLE
from tests.live_server import LiveServer
from tests.tokens import token

CREATE_ACCOUNT = """
mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } ... on Error { code message } } }
"""
UPDATE_ACCOUNT = """
mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { __typename ... on Error { code } } }
"""
CREATE_ORDER = """
mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on Order { id conversationId } ... on Error { code message } } }
"""
CHANGE_STATUS = """
mutation($id: ID!, $status: OrderStatus!) { changeOrderStatus(id: $id, status: $status) {
  __typename ... on Order { status startBlockedReason } ... on Error { code message } } }
"""
SEND = """
mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  __typename
  ... on Message { id body }
  ... on Error { code message }
  ... on MessagingBlocked { rule nextStep supportAvailable }
} }
"""
STATUS = """
query($conversationId: ID, $counterpartId: ID, $orderId: ID, $campaignId: ID) {
  messagingStatus(conversationId: $conversationId, counterpartId: $counterpartId, orderId: $orderId, campaignId: $campaignId) {
    canSend blockedBy { code rule message nextStep }
  }
}
"""


@dataclass(frozen=True)
class Snapshot:
    """What a refused send must leave untouched."""

    items: int
    events: int
    unread: list[tuple[int, int, int]]
    orders: list[tuple[int, bool, bool]]


async def snapshot() -> Snapshot:
    sides = await Participant.all().order_by("id").values_list("id", "unread_count", "unanswered")
    orders = (
        await Order.all().order_by("id").values_list("id", "client_messaged", "freelancer_messaged")
    )
    return Snapshot(
        items=await FeedItem.all().count(),
        events=await Event.all().count(),
        unread=[tuple(row) for row in sides],  # type: ignore[misc]
        orders=[tuple(row) for row in orders],  # type: ignore[misc]
    )


class Market:
    def __init__(self, server: LiveServer, http: httpx.AsyncClient) -> None:
        self.server = server
        self.http = http
        self.service_token = token("marketplace", SERVICE_ROLE)

    async def call(self, query: str, variables: dict[str, Any], bearer: str) -> dict[str, Any]:
        response = await self.http.post(
            self.server.http,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def service(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await self.call(query, variables, self.service_token)

    async def as_(self, account: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await self.call(query, variables, token(account))

    async def account(self, kind: str, name: str, **extra: Any) -> str:
        data = await self.service(CREATE_ACCOUNT, {"input": {"kind": kind, "name": name, **extra}})
        return str(data["createAccount"]["id"])

    async def update_account(self, account: str, **changes: Any) -> None:
        data = await self.service(UPDATE_ACCOUNT, {"id": account, "input": changes})
        assert data["updateAccount"]["__typename"] in {"Client", "Freelancer"}, data

    async def order(self, client: str, freelancer: str, **extra: Any) -> tuple[str, str]:
        data = await self.service(
            CREATE_ORDER,
            {"input": {"clientId": client, "freelancerId": freelancer, "title": "Job", **extra}},
        )
        order = data["createOrder"]
        assert order["__typename"] == "Order", order
        return str(order["id"]), str(order["conversationId"])

    async def move(self, order: str, status: str) -> dict[str, Any]:
        data = await self.service(CHANGE_STATUS, {"id": order, "status": status})
        result: dict[str, Any] = data["changeOrderStatus"]
        return result

    async def send(self, sender: str, **message: Any) -> dict[str, Any]:
        message.setdefault("body", "Hello")
        data = await self.as_(sender, SEND, {"input": message})
        result: dict[str, Any] = data["sendMessage"]
        return result

    async def status(self, viewer: str, **target: Any) -> dict[str, Any]:
        data = await self.as_(viewer, STATUS, target)
        result: dict[str, Any] = data["messagingStatus"]
        return result
