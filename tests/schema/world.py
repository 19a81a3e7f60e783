"""A world for schema tests: a client and a freelancer with an order, as the API shows them.

`Pair` holds their ids as the API gave them (global ids) and the calls that create one
object of each kind; `seen(typename)` is the fragment of fields each type shows, and the
documents here show or refetch each kind. The `pair` fixture (tests/schema/conftest.py)
builds one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.web.auth import Caller
from tests.ids import gid
from tests.support import Executor

# What each type shows, selected alike by the query that first returns it and by node(id:).
FIELDS = {
    "Client": "name timeZone accountStatus messagingEnabled",
    "Freelancer": "name timeZone accountStatus discoverable",
    "Conversation": "unreadCount muted counterpart { __typename id } orders { id }",
    "Order": "title status conversationId messagingEnabled",
    "Message": "body conversationId isMine sender { __typename id } order { id }",
    "OrderEvent": "orderEventType status order { id }",
    "CallInvite": "inviteStatus topic durationMinutes conversationId "
    "proposedTimes { startsAt local { local timeZone } } client { id } freelancer { id }",
    "CallInviteEvent": "callEventType actor { id } invite { id inviteStatus }",
    "Campaign": "title clientId creators { status creator { id } }",
    "OrderTerms": "orderId proposerId amount currency termsStatus",
    "GuaranteeRequest": "orderId requesterId guaranteeStatus guaranteedTerms { id }",
    "SupportRequest": "reason supportStatus details aboutOrderId",
    "SupportRequestEvent": "requestId supportStatus note aboutOrderId",
    "PushDevice": "endpoint createdAt",
    "NotificationLogEntry": "conversationId channel outcome outcomeReason",
}
REFETCH = "query Refetch($id: ID!) { node(id: $id) { __typename ...Seen } }"
REFETCH_MANY = "query RefetchMany($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
NODE_ONLY = "query Node($id: ID!) { node(id: $id) { __typename id } }"
CONVERSATION = "query Conversation($id: ID!) { conversation(id: $id) { id } }"
MY_ID = "query MyId { me { id } }"

# The queries and mutations that first show each object (with the type's `Seen` fragment).
ME = "query Me { me { __typename ...Seen } }"
CONVERSATIONS = (
    "query Conversations { conversations(first: 10) { edges { node { __typename ...Seen } } } }"
)
ORDER = "query Order($id: ID!) { order(id: $id) { __typename ...Seen } }"
FEED = """
query Feed($id: ID!, $filter: FeedFilter!) {
  feed(conversationId: $id, filter: $filter, last: 50) { edges { node { __typename ...Seen } } }
}
"""
ORDER_TERMS = "query Terms($id: ID!) { order(id: $id) { terms { __typename ...Seen } } }"
CAMPAIGN = "query Campaign($id: ID!) { campaign(id: $id) { __typename ...Seen } }"
CREATORS = (
    "query Creators($id: ID!) { campaign(id: $id) { creators { creator { __typename ...Seen } } } }"
)
SUPPORT_REQUESTS = (
    "query Mine { supportRequests(first: 10) { edges { node { __typename ...Seen } } } }"
)
NOTIFICATION_LOG = "query Log { notificationLog(first: 10) { __typename ...Seen } }"
SEND_MESSAGE = """
mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { __typename ...Seen } }
"""
SEND_INVITE = """
mutation Invite($input: SendCallInviteInput!) { sendCallInvite(input: $input) { __typename ...Seen } }
"""
PROPOSE_TERMS = """
mutation Propose($input: ProposeTermsInput!) { proposeOrderTerms(input: $input) { __typename ...Seen } }
"""
ACCEPT_TERMS = "mutation Accept($id: ID!) { acceptOrderTerms(termsId: $id) { __typename } }"
REQUEST_GUARANTEE = """
mutation Guarantee($order: ID!) { requestGuarantee(orderId: $order) { __typename ...Seen } }
"""
OPEN_SUPPORT = """
mutation Help($input: OpenSupportRequestInput!) {
  openSupportRequest(input: $input) { __typename ... on SupportRequest { id } }
}
"""
UPDATE_SUPPORT = """
mutation Update($input: UpdateSupportRequestInput!) {
  updateSupportRequest(input: $input) { __typename }
}
"""
REGISTER_PUSH = """
mutation Push($input: PushSubscriptionInput!) {
  registerPushSubscription(input: $input) { __typename ...Seen }
}
"""
CREATE_ORDER = """
mutation Order($input: CreateOrderInput!) {
  createOrder(input: $input) { __typename ... on Order { id conversationId } }
}
"""
CREATE_CAMPAIGN = """
mutation Campaign($input: CreateCampaignInput!) {
  createCampaign(input: $input) { __typename ... on Campaign { id } }
}
"""
SET_MEMBERSHIP = """
mutation Member($campaign: ID!, $creator: ID!) {
  setCampaignMembership(campaignId: $campaign, freelancerId: $creator, status: INVITED) {
    __typename
  }
}
"""

MONDAY_3PM = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # a week after the clock fixture's start
UNKNOWN_ROW = 999_999
# Three ids written into the document, so the cost bound knows how many items come back.
THREE_UNKNOWN = [gid(Tag.ORDER, UNKNOWN_ROW + n) for n in range(3)]
REFETCH_THREE = f"query RefetchThree {{ nodes(ids: {json.dumps(THREE_UNKNOWN)}) {{ id }} }}"


def seen(typename: str) -> str:
    return f"fragment Seen on {typename} {{ id {FIELDS[typename]} }}"


@dataclass
class Pair:
    """A client and a freelancer with an order (ids as the API gave them), and a stranger."""

    gql: Executor
    clock: ManualClock
    client: Caller
    freelancer: Caller
    stranger: Caller
    client_id: str
    freelancer_id: str
    order_id: str
    conversation_id: str

    async def run(self, caller: Caller, document: str, **variables: Any) -> dict[str, Any]:
        return await self.gql.execute(document, variables, as_=caller)

    async def shown(
        self, caller: Caller, document: str, typename: str, *path: str | int, **variables: Any
    ) -> dict[str, Any]:
        """The object of `typename` at `path` in the answer to `document` (with `Seen`)."""
        found: Any = await self.run(caller, f"{document}\n{seen(typename)}", **variables)
        for step in path:
            found = found[step]
        assert found["__typename"] == typename, found
        return dict(found)

    async def refetched(self, caller: Caller, shown: dict[str, Any]) -> dict[str, Any] | None:
        document = f"{REFETCH}\n{seen(shown['__typename'])}"
        node: dict[str, Any] | None = (await self.run(caller, document, id=shown["id"]))["node"]
        return node

    async def feed_item(self, caller: Caller, filter: str, typename: str) -> dict[str, Any]:
        """The newest item of the feed filtered by `filter`, as `caller` sees it."""
        data = await self.run(
            caller, f"{FEED}\n{seen(typename)}", id=self.conversation_id, filter=filter
        )
        node: dict[str, Any] = data["feed"]["edges"][-1]["node"]
        assert node["__typename"] == typename, node
        return node

    async def message(self, caller: Caller, body: str) -> dict[str, Any]:
        input = {"conversationId": self.conversation_id, "body": body}
        return await self.shown(caller, SEND_MESSAGE, "Message", "sendMessage", input=input)

    async def invite(self) -> dict[str, Any]:
        input = {
            "freelancerId": self.freelancer_id,
            "startTimes": [MONDAY_3PM.isoformat()],
            "orderId": self.order_id,
            "topic": "Kick-off",
        }
        return await self.shown(
            self.client, SEND_INVITE, "CallInvite", "sendCallInvite", input=input
        )

    async def terms(self) -> dict[str, Any]:
        input = {
            "orderId": self.order_id,
            "amount": "1500.00",
            "currency": "EUR",
            "deliveryDate": "2026-02-01",
            "deliverables": "A launch post",
        }
        return await self.shown(
            self.freelancer, PROPOSE_TERMS, "OrderTerms", "proposeOrderTerms", input=input
        )

    async def support_request(self) -> str:
        input = {"orderId": self.order_id, "details": "The call line did not work"}
        data = await self.run(self.client, OPEN_SUPPORT, input=input)
        request_id: str = data["openSupportRequest"]["id"]
        return request_id


async def new_account(clock: ManualClock, kind: AccountKind, name: str) -> Account:
    return await create_account(clock, kind=kind, name=name, time_zone="Asia/Tokyo")
