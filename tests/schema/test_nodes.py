"""Relay's node(id:) and nodes(ids:): every object refetched as its own query showed it.

Ids are the API's own, read from its answers. What a viewer may not see answers exactly
as an id that names nothing does: null, no error, the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLInterfaceType

from parley.compat.strawberry import graphql_schema
from parley.models.accounts import Account, AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.notifications import DeliveryChannel, Outcome, record
from parley.models.store.clock import ManualClock
from parley.schema.build import build_schema
from parley.schema.execution.limits import QueryLimits
from parley.web.auth import Caller
from tests.ids import gid, raw
from tests.support import SERVICE, Executor, account

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


async def _account(clock: ManualClock, kind: AccountKind, name: str) -> Account:
    return await create_account(clock, kind=kind, name=name, time_zone="Asia/Tokyo")


@pytest.fixture
async def pair(gql: Executor, client: Account, freelancer: Account, clock: ManualClock) -> Pair:
    stranger = await _account(clock, AccountKind.CLIENT, "Stranger Ltd")
    client_id, freelancer_id = gid(Tag.ACCOUNT, client.id), gid(Tag.ACCOUNT, freelancer.id)
    input = {"clientId": client_id, "freelancerId": freelancer_id, "title": "Launch post"}
    order = (await gql.execute(CREATE_ORDER, {"input": input}, as_=SERVICE))["createOrder"]
    assert order["__typename"] == "Order", order
    return Pair(
        gql,
        clock,
        account(client.id),
        account(freelancer.id),
        account(stranger.id),
        client_id,
        freelancer_id,
        order["id"],
        order["conversationId"],
    )


async def _every_kind_of_node(pair: Pair) -> list[tuple[Caller, dict[str, Any]]]:
    """One object of each Node type, with the caller whose query showed it."""
    client, freelancer = pair.client, pair.freelancer
    seen: list[tuple[Caller, dict[str, Any]]] = []

    async def show(
        caller: Caller, document: str, typename: str, *path: str | int, **variables: Any
    ) -> None:
        seen.append((caller, await pair.shown(caller, document, typename, *path, **variables)))

    await show(client, ME, "Client", "me")
    await show(freelancer, ME, "Freelancer", "me")
    await show(client, ORDER, "Order", "order", id=pair.order_id)
    seen.append((client, await pair.message(client, "Hello Maya")))
    seen.append((client, await pair.feed_item(client, "ORDERS", "OrderEvent")))
    seen.append((client, await pair.invite()))
    seen.append((freelancer, await pair.feed_item(freelancer, "CALLS", "CallInviteEvent")))

    terms = await pair.terms()
    await pair.run(client, ACCEPT_TERMS, id=terms["id"])
    # The terms as they are now: accepting them changed their status.
    await show(freelancer, ORDER_TERMS, "OrderTerms", "order", "terms", id=pair.order_id)
    await show(
        client, REQUEST_GUARANTEE, "GuaranteeRequest", "requestGuarantee", order=pair.order_id
    )

    request_id = await pair.support_request()
    await pair.run(SERVICE, UPDATE_SUPPORT, input={"id": request_id, "status": "IN_PROGRESS"})
    await show(client, SUPPORT_REQUESTS, "SupportRequest", "supportRequests", "edges", 0, "node")
    seen.append((client, await pair.feed_item(client, "SUPPORT", "SupportRequestEvent")))

    input = {"clientId": pair.client_id, "title": "Spring"}
    campaign_id = (await pair.run(SERVICE, CREATE_CAMPAIGN, input=input))["createCampaign"]["id"]
    await pair.run(SERVICE, SET_MEMBERSHIP, campaign=campaign_id, creator=pair.freelancer_id)
    await show(client, CAMPAIGN, "Campaign", "campaign", id=campaign_id)

    device = {"endpoint": "https://push.example.com/device/1", "p256dh": "B" * 87, "auth": "C" * 22}
    await show(client, REGISTER_PUSH, "PushDevice", "registerPushSubscription", input=device)

    # The notification worker's decision, as it records it.
    client_row, conversation_row = raw(pair.client_id), raw(pair.conversation_id)
    now = pair.clock.now()
    await record(client_row, conversation_row, DeliveryChannel.EMAIL, Outcome.SENT, "offline", now)
    await show(client, NOTIFICATION_LOG, "NotificationLogEntry", "notificationLog", 0)

    await show(client, CONVERSATIONS, "Conversation", "conversations", "edges", 0, "node")
    return seen


def _node_types(gql: Executor) -> set[str]:
    schema = graphql_schema(gql.schema)
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    return {kind.name for kind in schema.get_possible_types(node)}


async def test_every_node_type_refetches_as_its_query_showed_it(pair: Pair) -> None:
    shown = await _every_kind_of_node(pair)
    assert {item["__typename"] for _, item in shown} == _node_types(pair.gql) == set(FIELDS)
    for caller, item in shown:
        assert await pair.refetched(caller, item) == item


async def test_a_stranger_refetches_nothing_of_the_pair(pair: Pair) -> None:
    shown = await _every_kind_of_node(pair)
    for _, item in shown:
        assert await pair.refetched(pair.stranger, item) is None, item["__typename"]


async def test_nodes_keeps_the_order_asked_with_null_in_place(pair: Pair) -> None:
    message = await pair.message(pair.client, "Hello")
    mine = await pair.run(pair.stranger, MY_ID)
    ids = [
        pair.order_id,
        gid(Tag.ORDER, UNKNOWN_ROW),
        message["id"],
        mine["me"]["id"],  # the stranger's own account: not the client's to see
        pair.order_id,
        "not an id",
        pair.conversation_id,
        pair.freelancer_id,
    ]
    data = await pair.run(pair.client, REFETCH_MANY, ids=ids)
    assert data["nodes"] == [
        {"__typename": "Order", "id": pair.order_id},
        None,
        {"__typename": "Message", "id": message["id"]},
        None,
        {"__typename": "Order", "id": pair.order_id},
        None,
        {"__typename": "Conversation", "id": pair.conversation_id},
        {"__typename": "Freelancer", "id": pair.freelancer_id},
    ]


async def _response(pair: Pair, caller: Caller, document: str, **variables: Any) -> str:
    result = await pair.gql.schema.execute(
        document, variable_values=variables, context_value=pair.gql.context(caller)
    )
    errors = [error.formatted for error in result.errors or ()]
    return json.dumps({"data": result.data, "errors": errors}, sort_keys=True)


async def test_foreign_unknown_malformed_and_raw_ids_answer_byte_for_byte_alike(
    pair: Pair,
) -> None:
    order_row = raw(pair.order_id)
    padded = pair.order_id + "=" * (-len(pair.order_id) % 4 or 4)
    unseen = [
        pair.order_id,  # foreign: the pair's order, asked by the stranger
        gid(Tag.ORDER, UNKNOWN_ROW),  # unknown
        "not an id",  # malformed
        padded,  # the same id, not in its canonical form
        str(order_row),  # a raw row id
        gid(Tag.PUSH_DEVICE, order_row),  # another tag's id for the same row
        gid(Tag.CONVERSATION, UNKNOWN_ROW),
        "",
    ]
    single = {await _response(pair, pair.stranger, NODE_ONLY, id=id) for id in unseen}
    assert single == {'{"data": {"node": null}, "errors": []}'}
    many = await _response(pair, pair.stranger, REFETCH_MANY, ids=unseen)
    assert many == json.dumps({"data": {"nodes": [None] * len(unseen)}, "errors": []})


async def test_client_and_freelancer_ids_come_back_as_their_own_type(pair: Pair) -> None:
    as_freelancer = await pair.run(pair.freelancer, NODE_ONLY, id=pair.client_id)
    as_client = await pair.run(pair.client, NODE_ONLY, id=pair.freelancer_id)
    assert as_freelancer["node"] == {"__typename": "Client", "id": pair.client_id}
    assert as_client["node"] == {"__typename": "Freelancer", "id": pair.freelancer_id}


async def test_a_brand_refetches_the_creators_its_campaign_shows(pair: Pair) -> None:
    creator = await _account(pair.clock, AccountKind.FREELANCER, "Noor")
    creator_id = gid(Tag.ACCOUNT, creator.id)
    campaign = await pair.run(
        SERVICE, CREATE_CAMPAIGN, input={"clientId": pair.client_id, "title": "Spring"}
    )
    campaign_id = campaign["createCampaign"]["id"]
    await pair.run(SERVICE, SET_MEMBERSHIP, campaign=campaign_id, creator=creator_id)
    shown = await pair.shown(
        pair.client, CREATORS, "Freelancer", "campaign", "creators", 0, "creator", id=campaign_id
    )
    assert await pair.refetched(pair.client, shown) == shown
    brand = await pair.run(account(creator.id), NODE_ONLY, id=pair.client_id)
    assert brand["node"] == {"__typename": "Client", "id": pair.client_id}
    # No conversation and no campaign between the creator and the freelancer.
    assert (await pair.run(account(creator.id), NODE_ONLY, id=pair.freelancer_id))["node"] is None


async def test_each_kind_of_feed_item_comes_back_as_its_type(pair: Pair) -> None:
    message = await pair.message(pair.client, "Hello Maya")
    await pair.invite()
    request_id = await pair.support_request()
    await pair.run(SERVICE, UPDATE_SUPPORT, input={"id": request_id, "status": "IN_PROGRESS"})
    items = [
        message,
        await pair.feed_item(pair.client, "ORDERS", "OrderEvent"),
        await pair.feed_item(pair.client, "CALLS", "CallInviteEvent"),
        await pair.feed_item(pair.client, "SUPPORT", "SupportRequestEvent"),
    ]
    data = await pair.run(pair.client, REFETCH_MANY, ids=[item["id"] for item in items])
    assert [node["__typename"] for node in data["nodes"]] == [
        "Message",
        "OrderEvent",
        "CallInviteEvent",
        "SupportRequestEvent",
    ]


async def test_a_support_update_is_the_requesters_alone(pair: Pair) -> None:
    request_id = await pair.support_request()
    await pair.run(SERVICE, UPDATE_SUPPORT, input={"id": request_id, "status": "IN_PROGRESS"})
    update = await pair.feed_item(pair.client, "SUPPORT", "SupportRequestEvent")
    # The freelancer is in the conversation, but its feed does not show the client's request.
    assert (await pair.run(pair.freelancer, NODE_ONLY, id=update["id"]))["node"] is None
    assert (await pair.run(pair.freelancer, NODE_ONLY, id=request_id))["node"] is None


async def test_a_message_past_retention_is_null_as_in_the_feed(pair: Pair) -> None:
    message = await pair.message(pair.client, "Soon gone")
    order_event = await pair.feed_item(pair.client, "ORDERS", "OrderEvent")
    pair.clock.advance(pair.gql.services.settings.retention + timedelta(minutes=1))
    assert await pair.feed_item(pair.client, "ALL", "OrderEvent") == order_event
    assert (await pair.run(pair.client, NODE_ONLY, id=message["id"]))["node"] is None
    # Order events are the record: retention keeps them.
    assert await pair.refetched(pair.client, order_event) == order_event


async def test_nodes_over_the_page_cap_is_invalid_input_naming_ids(pair: Pair) -> None:
    cap = pair.gql.services.settings.feed_page_max
    at_cap = await pair.run(pair.client, REFETCH_MANY, ids=[pair.order_id] * cap)
    assert len(at_cap["nodes"]) == cap
    errors = await pair.gql.errors(
        REFETCH_MANY, {"ids": [pair.order_id] * (cap + 1)}, as_=pair.client
    )
    assert [(error["extensions"]["code"], error["extensions"]["field"]) for error in errors] == [
        ("INVALID_INPUT", "ids")
    ]


async def test_the_service_token_gets_what_other_viewer_queries_give_it(pair: Pair) -> None:
    conversation = await pair.gql.errors(CONVERSATION, {"id": pair.conversation_id}, as_=SERVICE)
    node = await pair.gql.errors(NODE_ONLY, {"id": pair.conversation_id}, as_=SERVICE)
    assert [error["extensions"] for error in node] == [
        error["extensions"] for error in conversation
    ]
    assert [error["message"] for error in node] == [error["message"] for error in conversation]


async def test_nodes_costs_as_many_items_as_ids_it_may_return(pair: Pair) -> None:
    # 1 for nodes, plus 1 (the id) per item: 101 with a variable (as many as the page cap),
    # 4 for 3 ids written out; a plain list would count 10 items whatever the ids.
    strict = Executor(build_schema(debug=True, limits=QueryLimits(max_cost=50)), pair.gql.services)
    errors = await strict.errors(REFETCH_MANY, {"ids": [pair.order_id]}, as_=pair.client)
    assert [(error["extensions"]["code"], error["extensions"]["cost"]) for error in errors] == [
        ("QUERY_TOO_COSTLY", 101)
    ]
    data = await strict.execute(REFETCH_THREE, as_=pair.client)
    assert data["nodes"] == [None, None, None]
