"""Relay's node(id:) and nodes(ids:): every object refetched as its own query showed it.

Ids are the API's own, read from its answers. What a viewer may not see answers exactly
as an id that names nothing does: null, no error, the same bytes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from graphql import GraphQLInterfaceType

from parley.compat.strawberry import graphql_schema
from parley.models.accounts import AccountKind
from parley.models.global_ids import Tag
from parley.models.notifications import DeliveryChannel, Outcome, record
from parley.schema.build import build_schema
from parley.schema.execution.limits import QueryLimits
from parley.web.auth import Caller
from tests.ids import gid, raw, tag_of
from tests.schema.world import (
    ACCEPT_TERMS,
    CAMPAIGN,
    CONVERSATION,
    CONVERSATIONS,
    CREATE_CAMPAIGN,
    CREATORS,
    FIELDS,
    ME,
    MY_ID,
    NODE_ONLY,
    NOTIFICATION_LOG,
    ORDER,
    ORDER_TERMS,
    REFETCH_MANY,
    REFETCH_THREE,
    REGISTER_PUSH,
    REQUEST_GUARANTEE,
    SET_MEMBERSHIP,
    SUPPORT_REQUESTS,
    UNKNOWN_ROW,
    UPDATE_SUPPORT,
    Pair,
    new_account,
)
from tests.support import SERVICE, Executor, account


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
    assert {tag_of(item["id"]) for _, item in shown} == set(Tag), "every id space is refetched"
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
    creator = await new_account(pair.clock, AccountKind.FREELANCER, "Noor")
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
