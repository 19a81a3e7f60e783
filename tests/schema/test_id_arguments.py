"""Every ID argument takes global ids only (issue 16): a raw row id names nothing.

For each ID argument of the schema (root arguments and input-object fields, in queries,
mutations and subscriptions), the caller's own real object is asked for twice: by its raw
row id, which answers "not found", and by its global id, which does not. The second call
proves the object is there and the caller's to reach, so the refusal is the id format's.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from strawberry.types import ExecutionResult

from parley.compat.strawberry import graphql_schema
from parley.resolvers.cursors import event_cursor
from parley.schema.build import build_schema
from parley.web.auth import Caller
from tests.ids import raw
from tests.schema.world import (
    ACCEPT_TERMS,
    CREATE_CAMPAIGN,
    MONDAY_3PM,
    REQUEST_GUARANTEE,
    Pair,
)
from tests.support import SERVICE, WAIT

SET_MEMBERSHIP = """
mutation Member($campaign: ID!, $creator: ID!) {
  setCampaignMembership(campaignId: $campaign, freelancerId: $creator, status: ACCEPTED) {
    __typename
  }
}
"""
ROOTS = ("Query", "Mutation", "Subscription")
NOT_FOUND = "NOT_FOUND"


def _id_slots(type_: GraphQLInputType, path: str) -> Iterator[tuple[str, GraphQLInputType]]:
    named = get_named_type(type_)
    if named is GraphQLID:
        yield path, type_
    elif isinstance(named, GraphQLInputObjectType):
        for name, field in named.fields.items():
            yield from _id_slots(field.type, f"{path}.{name}")


def id_arguments(schema: GraphQLSchema) -> dict[str, GraphQLInputType]:
    """Each ID argument path (`Mutation.sendMessage.input.conversationId`) and its type."""
    found: dict[str, GraphQLInputType] = {}
    for root in ROOTS:
        kind = schema.get_type(root)
        assert isinstance(kind, GraphQLObjectType), root
        for field_name, field in kind.fields.items():
            for name, argument in field.args.items():
                found.update(_id_slots(argument.type, f"{root}.{field_name}.{name}"))
    return found


@dataclass
class World(Pair):
    """The pair with one of everything an ID argument names, each id as the API gave it."""

    message_id: str
    invite_id: str
    terms_id: str
    guarantee_id: str
    support_request_id: str
    campaign_id: str

    @property
    def service(self) -> Caller:
        return SERVICE


@pytest.fixture
async def world(pair: Pair) -> World:
    message = await pair.message(pair.client, "Hello Maya")
    invite = await pair.invite()
    terms = await pair.terms()
    await pair.run(pair.client, ACCEPT_TERMS, id=terms["id"])
    guarantee = await pair.shown(
        pair.client, REQUEST_GUARANTEE, "GuaranteeRequest", "requestGuarantee", order=pair.order_id
    )
    request_id = await pair.support_request()
    input = {"clientId": pair.client_id, "title": "Spring"}
    campaign_id = (await pair.run(SERVICE, CREATE_CAMPAIGN, input=input))["createCampaign"]["id"]
    await pair.run(SERVICE, SET_MEMBERSHIP, campaign=campaign_id, creator=pair.freelancer_id)
    return World(
        **vars(pair),
        message_id=message["id"],
        invite_id=invite["id"],
        terms_id=terms["id"],
        guarantee_id=guarantee["id"],
        support_request_id=request_id,
        campaign_id=campaign_id,
    )


@dataclass(frozen=True)
class Row:
    """`caller` (a World attribute) calls `path`'s field with `target`'s id at `path`."""

    path: str
    caller: str
    target: str
    given: Callable[[World], dict[str, Any]] = lambda world: {}  # the call's other variables

    def __str__(self) -> str:
        return self.path


START_TIMES = [MONDAY_3PM.isoformat()]
TERMS = {
    "amount": "1600.00",
    "currency": "EUR",
    "deliveryDate": "2026-02-01",
    "deliverables": "Two launch posts",
}


ROWS = [
    Row("Query.callInvite.id", "client", "invite_id"),
    Row("Query.node.id", "client", "order_id"),
    Row("Query.nodes.ids", "client", "order_id"),
    Row("Query.conversations.campaignId", "client", "campaign_id"),
    Row("Query.campaign.id", "client", "campaign_id"),
    Row("Query.conversation.id", "client", "conversation_id"),
    Row("Query.feed.conversationId", "client", "conversation_id"),
    Row(
        "Query.feed.orderId", "client", "order_id", lambda w: {"conversationId": w.conversation_id}
    ),
    Row("Query.order.id", "client", "order_id"),
    Row("Query.messagingStatus.conversationId", "client", "conversation_id"),
    Row("Query.messagingStatus.counterpartId", "client", "freelancer_id"),
    Row(
        "Query.messagingStatus.orderId",
        "client",
        "order_id",
        lambda w: {"conversationId": w.conversation_id},
    ),
    Row(
        "Query.messagingStatus.campaignId",
        "client",
        "campaign_id",
        lambda w: {"counterpartId": w.freelancer_id},
    ),
    Row(
        "Mutation.sendCallInvite.input.freelancerId",
        "client",
        "freelancer_id",
        lambda w: {"input": {"startTimes": START_TIMES}},
    ),
    Row(
        "Mutation.sendCallInvite.input.orderId",
        "client",
        "order_id",
        lambda w: {"input": {"freelancerId": w.freelancer_id, "startTimes": START_TIMES}},
    ),
    Row(
        "Mutation.acceptCallInvite.id",
        "freelancer",
        "invite_id",
        lambda w: {"startsAt": MONDAY_3PM.isoformat()},
    ),
    Row("Mutation.declineCallInvite.id", "freelancer", "invite_id"),
    Row("Mutation.cancelCallInvite.id", "client", "invite_id"),
    Row("Mutation.reportCallNoShow.id", "freelancer", "invite_id"),
    Row("Mutation.muteConversation.conversationId", "client", "conversation_id"),
    Row(
        "Mutation.updateSupportRequest.input.id",
        "service",
        "support_request_id",
        lambda w: {"input": {"status": "IN_PROGRESS"}},
    ),
    Row(
        "Mutation.proposeOrderTerms.input.orderId",
        "freelancer",
        "order_id",
        lambda w: {"input": TERMS},
    ),
    Row("Mutation.acceptOrderTerms.termsId", "client", "terms_id"),
    Row("Mutation.requestGuarantee.orderId", "client", "order_id"),
    Row(
        "Mutation.decideGuaranteeRequest.id",
        "service",
        "guarantee_id",
        lambda w: {"decision": "ACCEPT"},
    ),
    Row(
        "Mutation.sendMessage.input.conversationId",
        "client",
        "conversation_id",
        lambda w: {"input": {"body": "Hi"}},
    ),
    Row(
        "Mutation.sendMessage.input.counterpartId",
        "client",
        "freelancer_id",
        lambda w: {"input": {"body": "Hi"}},
    ),
    Row(
        "Mutation.sendMessage.input.orderId",
        "client",
        "order_id",
        lambda w: {"input": {"body": "Hi", "conversationId": w.conversation_id}},
    ),
    Row(
        "Mutation.sendMessage.input.campaignId",
        "client",
        "campaign_id",
        lambda w: {"input": {"body": "Hi", "counterpartId": w.freelancer_id}},
    ),
    Row("Mutation.markRead.conversationId", "freelancer", "conversation_id"),
    Row(
        "Mutation.markRead.upTo",
        "freelancer",
        "message_id",
        lambda w: {"conversationId": w.conversation_id},
    ),
    Row("Mutation.setMessagingEnabled.orderId", "client", "order_id", lambda w: {"enabled": False}),
    Row(
        "Mutation.openSupportRequest.input.conversationId",
        "client",
        "conversation_id",
        lambda w: {"input": {}},
    ),
    Row("Mutation.openSupportRequest.input.orderId", "client", "order_id", lambda w: {"input": {}}),
    Row("Mutation.recordReview.orderId", "service", "order_id", lambda w: {"negative": False}),
    Row(
        "Mutation.createCampaign.input.clientId",
        "service",
        "client_id",
        lambda w: {"input": {"title": "Summer"}},
    ),
    Row(
        "Mutation.setCampaignMembership.campaignId",
        "service",
        "campaign_id",
        lambda w: {"freelancerId": w.freelancer_id, "status": "INVITED"},
    ),
    Row(
        "Mutation.setCampaignMembership.freelancerId",
        "service",
        "freelancer_id",
        lambda w: {"campaignId": w.campaign_id, "status": "INVITED"},
    ),
    Row(
        "Mutation.updateAccount.id", "service", "client_id", lambda w: {"input": {"name": "Acme 2"}}
    ),
    Row(
        "Mutation.createOrder.input.clientId",
        "service",
        "client_id",
        lambda w: {"input": {"freelancerId": w.freelancer_id, "title": "Second post"}},
    ),
    Row(
        "Mutation.createOrder.input.freelancerId",
        "service",
        "freelancer_id",
        lambda w: {"input": {"clientId": w.client_id, "title": "Second post"}},
    ),
    Row(
        "Mutation.changeOrderStatus.id", "service", "order_id", lambda w: {"status": "IN_PROGRESS"}
    ),
    Row(
        "Subscription.feedUpdates.conversationId",
        "client",
        "conversation_id",
        lambda w: {"after": event_cursor(0)},
    ),
    Row(
        "Subscription.feedUpdates.orderId",
        "client",
        "order_id",
        lambda w: {"conversationId": w.conversation_id, "after": event_cursor(0)},
    ),
]

SCHEMA = graphql_schema(build_schema(debug=True))
ID_ARGUMENTS = id_arguments(SCHEMA)


def document(path: str, variables: dict[str, Any]) -> str:
    """The operation calling `path`'s root field, each variable passed as its argument."""
    root, field_name = path.split(".")[:2]
    kind = SCHEMA.get_type(root)
    assert isinstance(kind, GraphQLObjectType), root
    arguments = kind.fields[field_name].args
    declared = ", ".join(f"${name}: {arguments[name].type}" for name in variables)
    passed = ", ".join(f"{name}: ${name}" for name in variables)
    return f"{root.lower()} Row({declared}) {{ {field_name}({passed}) {{ __typename }} }}"


def variables(row: Row, world: World, id: str) -> dict[str, Any]:
    """The row's variables with `id` at its path (in a one-item list for a list of ids)."""
    given = copy.deepcopy(row.given(world))
    *parents, leaf = row.path.split(".")[2:]
    slot = given
    for step in parents:
        slot = slot.setdefault(step, {})
    slot[leaf] = [id] if is_list_type(get_nullable_type(ID_ARGUMENTS[row.path])) else id
    return given


async def outcome(row: Row, world: World, id: str) -> str:
    """What the row's call with `id` answers: NOT_FOUND (a coded error, a null node or a
    NotFound result), another error code, or the answer's __typename."""
    values = variables(row, world, id)
    operation = document(row.path, values)
    context = world.gql.context(getattr(world, row.caller))
    if row.path.startswith("Subscription."):
        stream = await world.gql.schema.subscribe(
            operation, variable_values=values, context_value=context
        )
        if isinstance(stream, ExecutionResult):
            result = stream
        else:
            try:
                result = await asyncio.wait_for(anext(stream), WAIT)
            finally:
                await stream.aclose()
    else:
        result = await world.gql.schema.execute(
            operation, variable_values=values, context_value=context
        )
    if result.errors:
        return " ".join(str((error.extensions or {}).get("code")) for error in result.errors)
    assert result.data is not None, row.path
    answer = result.data[row.path.split(".")[1]]
    if isinstance(answer, list):  # nodes(ids:), asked for one id
        (answer,) = answer
    if answer is None or answer["__typename"] == "NotFound":
        return NOT_FOUND
    return str(answer["__typename"])


@pytest.mark.parametrize("row", ROWS, ids=str)
async def test_a_raw_row_id_names_nothing_where_the_global_id_finds_the_object(
    row: Row, world: World
) -> None:
    real = getattr(world, row.target)
    # The raw-id call first: the control may change the world.
    assert await outcome(row, world, str(raw(real))) == NOT_FOUND, "the raw row id was accepted"
    assert await outcome(row, world, real) not in (NOT_FOUND, "PermissionDenied")


def test_every_id_argument_has_a_row() -> None:
    paths = [row.path for row in ROWS]
    assert len(paths) == len(set(paths)), "one row per ID argument"
    assert sorted(ID_ARGUMENTS.keys() - set(paths)) == [], "ID arguments without a row"
    assert sorted(set(paths) - ID_ARGUMENTS.keys()) == [], "rows for no ID argument"
