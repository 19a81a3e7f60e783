"""messagingStatus and the action it asks about make the same decision, case by case,
across all rules: sendMessage (about an order or about none), sendCallInvite
(messagingStatus(action: CALL_INVITE)) and a declined call invite's message."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.market import Market
from tests.wire.pairs import CALL_AT

REVIEW = "mutation($id: ID!) { recordReview(orderId: $id, negative: true) { __typename } }"
SWITCH = "mutation($e: Boolean!, $o: ID) { setMessagingEnabled(enabled: $e, orderId: $o) { __typename } }"
CAMPAIGN = 'mutation($c: ID!) { createCampaign(input: {clientId: $c, title: "C"}) { ... on Campaign { id } } }'
MEMBER = """mutation($c: ID!, $f: ID!, $s: MembershipStatus!) {
  setCampaignMembership(campaignId: $c, freelancerId: $f, status: $s) { __typename } }"""
STATUS = """
query Status($conversationId: ID, $counterpartId: ID, $orderId: ID, $campaignId: ID,
             $action: MessagingAction! = MESSAGE) {
  messagingStatus(conversationId: $conversationId, counterpartId: $counterpartId,
                  orderId: $orderId, campaignId: $campaignId, action: $action) {
    canSend blockedBy { code rule message nextStep }
  }
}
"""
INVITE = """
mutation Invite($input: SendCallInviteInput!) { sendCallInvite(input: $input) {
  __typename ... on CallInvite { id } ... on Error { code message } ... on MessagingBlocked { nextStep } } }
"""
DECLINE = """
mutation Decline($id: ID!, $message: String) { declineCallInvite(id: $id, message: $message) {
  __typename ... on Error { code message } ... on MessagingBlocked { nextStep } } }
"""
Decision = tuple[str | None, str | None, str | None]  # code, message, next step; None: allowed


@dataclass(frozen=True)
class Probe:
    """An action someone is about to take, and the messagingStatus question that predicts it."""

    viewer: str
    status: dict[str, Any]
    act: Callable[[Market], Awaitable[dict[str, Any]]]


def message(sender: str, **target: Any) -> Probe:
    return Probe(sender, target, lambda m: m.send(sender, **target))


def call_invite(client: str, freelancer: str, order: str | None = None) -> Probe:
    async def act(m: Market) -> dict[str, Any]:
        invite = {"freelancerId": freelancer, "startTimes": [CALL_AT], "orderId": order}
        result: dict[str, Any] = (await m.as_(client, INVITE, {"input": invite}))["sendCallInvite"]
        return result

    target = {"counterpartId": freelancer, "orderId": order, "action": "CALL_INVITE"}
    return Probe(client, target, act)


async def status_decision(m: Market, probe: Probe) -> Decision:
    response = await m.http.post(
        m.server.http,
        json={"query": STATUS, "variables": probe.status},
        headers={"Authorization": f"Bearer {token(probe.viewer)}"},
    )
    body = response.json()
    if "errors" in body:  # a refusal that is not a rule, e.g. PERMISSION_DENIED
        error = body["errors"][0]
        return error["extensions"]["code"], error["message"], None
    status = body["data"]["messagingStatus"]
    if status["canSend"]:
        assert status["blockedBy"] is None
        return None, None, None
    blocked = status["blockedBy"]
    assert blocked["rule"] == blocked["code"]
    return blocked["code"], blocked["message"], blocked["nextStep"]


def act_decision(result: dict[str, Any]) -> Decision:
    if result["__typename"] in {"Message", "CallInvite"}:
        return None, None, None
    return result["code"], result["message"], result.get("nextStep")


Case = Callable[[Market], Awaitable[Probe]]


async def _pair(m: Market, **order: Any) -> tuple[str, str, str, str]:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    order_id, conversation = await m.order(client, freelancer, **order)
    return client, freelancer, order_id, conversation


async def _pair_in_final_review(m: Market) -> tuple[str, str, str, str]:
    client, freelancer, order, conversation = await _pair(m)
    await m.move(order, "IN_PROGRESS")
    await m.move(order, "FINAL_REVIEW")
    return client, freelancer, order, conversation


async def allowed(m: Market) -> Probe:
    _, freelancer, order, conversation = await _pair(m)
    return message(freelancer, conversationId=conversation, orderId=order)


async def suspended(m: Market) -> Probe:
    client, _, _, conversation = await _pair(m)
    await m.update_account(client, status="SUSPENDED")
    return message(client, conversationId=conversation)


def freelancer_in_standing(standing: str) -> Case:
    async def case(m: Market) -> Probe:
        _, freelancer, _, conversation = await _pair(m)
        await m.update_account(freelancer, status=standing)
        return message(freelancer, conversationId=conversation)

    case.__name__ = standing.lower()
    return case


async def switched_off(m: Market) -> Probe:
    client, freelancer, _, conversation = await _pair(m)
    await m.as_(client, SWITCH, {"e": False})
    return message(freelancer, conversationId=conversation)


async def order_switched_off(m: Market) -> Probe:
    client, freelancer, order, conversation = await _pair(m)
    await m.as_(client, SWITCH, {"e": False, "o": order})
    return message(freelancer, conversationId=conversation, orderId=order)


async def superhero(m: Market) -> Probe:
    client, _, order, conversation = await _pair(m, jobType="superhero")
    return message(client, conversationId=conversation, orderId=order)


async def final_review(m: Market) -> Probe:
    _, freelancer, order, conversation = await _pair_in_final_review(m)
    return message(freelancer, conversationId=conversation, orderId=order)


async def five_unanswered(m: Market) -> Probe:
    _, freelancer, _, conversation = await _pair(m)
    for _ in range(5):
        await m.send(freelancer, conversationId=conversation)
    return message(freelancer, conversationId=conversation)


async def four_unanswered(m: Market) -> Probe:
    _, freelancer, _, conversation = await _pair(m)
    for _ in range(4):
        await m.send(freelancer, conversationId=conversation)
    return message(freelancer, conversationId=conversation)


async def negative_review(m: Market) -> Probe:
    _, freelancer, order, conversation = await _pair(m)
    await m.service(REVIEW, {"id": order})
    return message(freelancer, conversationId=conversation)


async def campaign_invited(m: Market) -> Probe:
    client, freelancer, _, conversation = await _pair(m)
    campaign = (await m.service(CAMPAIGN, {"c": client}))["createCampaign"]["id"]
    await m.service(MEMBER, {"c": campaign, "f": freelancer, "s": "INVITED"})
    return message(client, conversationId=conversation, campaignId=campaign)


async def _brand_and_creator(
    m: Market, membership: str, discoverable: bool = True
) -> tuple[str, str, str]:
    brand = await m.account("CLIENT", "B")
    creator = await m.account("FREELANCER", "Cr", discoverable=discoverable)
    campaign = (await m.service(CAMPAIGN, {"c": brand}))["createCampaign"]["id"]
    await m.service(MEMBER, {"c": campaign, "f": creator, "s": membership})
    return brand, creator, campaign


async def campaign_accepted_first_message(m: Market) -> Probe:
    brand, creator, campaign = await _brand_and_creator(m, "ACCEPTED")
    return message(creator, counterpartId=brand, campaignId=campaign)


async def hidden_freelancer(m: Market) -> Probe:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F", discoverable=False)
    return message(client, counterpartId=freelancer)


async def inquiry(m: Market) -> Probe:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    return message(client, counterpartId=freelancer)


async def cold_freelancer(m: Market) -> Probe:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    return message(freelancer, counterpartId=client)


async def final_review_about_no_order(m: Market) -> Probe:
    _, freelancer, _, conversation = await _pair_in_final_review(m)
    return message(freelancer, conversationId=conversation)


async def final_review_client_about_no_order(m: Market) -> Probe:
    client, _, _, conversation = await _pair_in_final_review(m)
    return message(client, conversationId=conversation)


async def final_review_about_another_order(m: Market) -> Probe:
    client, freelancer, _, conversation = await _pair_in_final_review(m)
    other, _ = await m.order(client, freelancer)
    return message(freelancer, conversationId=conversation, orderId=other)


async def completed_order_about_no_order(m: Market) -> Probe:
    _, freelancer, order, conversation = await _pair(m)
    for status in ("IN_PROGRESS", "FINAL_REVIEW", "COMPLETED"):
        await m.move(order, status)
    return message(freelancer, conversationId=conversation)


async def order_switched_off_about_no_order(m: Market) -> Probe:
    client, freelancer, order, conversation = await _pair(m)
    await m.as_(client, SWITCH, {"e": False, "o": order})
    return message(freelancer, conversationId=conversation)


async def superhero_only_about_no_order(m: Market) -> Probe:
    _, freelancer, _, conversation = await _pair(m, jobType="superhero")
    return message(freelancer, conversationId=conversation)


async def superhero_and_standard_about_no_order(m: Market) -> Probe:
    client, freelancer, _, conversation = await _pair(m, jobType="superhero")
    await m.order(client, freelancer)
    return message(client, conversationId=conversation)


async def hidden_creator_accepted_first_message(m: Market) -> Probe:
    brand, creator, _ = await _brand_and_creator(m, "ACCEPTED", discoverable=False)
    return message(brand, counterpartId=creator)


async def hidden_creator_invited_first_message(m: Market) -> Probe:
    brand, creator, _ = await _brand_and_creator(m, "INVITED", discoverable=False)
    return message(brand, counterpartId=creator)


async def call_allowed(m: Market) -> Probe:
    client, freelancer, order, _ = await _pair(m)
    return call_invite(client, freelancer, order)


async def call_opening_a_thread(m: Market) -> Probe:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    return call_invite(client, freelancer)


async def call_from_a_suspended_client(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair(m)
    await m.update_account(client, status="SUSPENDED")
    return call_invite(client, freelancer)


async def call_to_a_hidden_freelancer(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair(m)
    await m.update_account(freelancer, discoverable=False)
    return call_invite(client, freelancer)


async def call_superhero_only(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair(m, jobType="superhero")
    return call_invite(client, freelancer)


async def call_during_final_review(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair_in_final_review(m)
    return call_invite(client, freelancer)


async def call_about_an_order_in_final_review(m: Market) -> Probe:
    client, freelancer, order, _ = await _pair_in_final_review(m)
    return call_invite(client, freelancer, order)


async def call_from_a_freelancer(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair(m)
    return call_invite(freelancer, client)


async def call_about_another_pairs_order(m: Market) -> Probe:
    client, freelancer, _, _ = await _pair(m)
    _, _, stranger_order, _ = await _pair(m)
    return call_invite(client, freelancer, stranger_order)


async def decline_message_during_final_review(m: Market) -> Probe:
    client, freelancer, order, conversation = await _pair(m)
    await m.move(order, "IN_PROGRESS")
    invite = await call_invite(client, freelancer, order).act(m)
    await m.move(order, "FINAL_REVIEW")

    async def act(m: Market) -> dict[str, Any]:
        variables = {"id": invite["id"], "message": "Next week?"}
        result: dict[str, Any] = (await m.as_(freelancer, DECLINE, variables))["declineCallInvite"]
        return result

    return Probe(freelancer, {"conversationId": conversation, "orderId": order}, act)


CASES: list[tuple[Case, str | None]] = [
    (allowed, None),
    (suspended, "ACCOUNT_SUSPENDED"),
    (freelancer_in_standing("REJECTED"), "ACCOUNT_REJECTED"),
    (freelancer_in_standing("NEEDS_IMPROVEMENT"), "ACCOUNT_NEEDS_IMPROVEMENT"),
    (switched_off, "MESSAGING_OFF_BY_CLIENT"),
    (order_switched_off, "ORDER_MESSAGING_OFF"),
    (order_switched_off_about_no_order, "ORDER_MESSAGING_OFF"),
    (superhero, "JOB_TYPE_WITHOUT_MESSAGING"),
    (superhero_only_about_no_order, "JOB_TYPE_WITHOUT_MESSAGING"),
    (superhero_and_standard_about_no_order, None),
    (final_review, "ORDER_IN_FINAL_REVIEW"),
    (final_review_about_no_order, "ORDER_IN_FINAL_REVIEW"),
    (final_review_client_about_no_order, "ORDER_IN_FINAL_REVIEW"),
    (final_review_about_another_order, None),
    (completed_order_about_no_order, None),
    (four_unanswered, None),
    (five_unanswered, "UNANSWERED_LIMIT"),
    (negative_review, "NEGATIVE_REVIEW"),
    (campaign_invited, "CAMPAIGN_MEMBER_NOT_ACCEPTED"),
    (campaign_accepted_first_message, None),
    (hidden_freelancer, "FREELANCER_NOT_DISCOVERABLE"),
    (hidden_creator_accepted_first_message, None),
    (hidden_creator_invited_first_message, "FREELANCER_NOT_DISCOVERABLE"),
    (inquiry, None),
    (cold_freelancer, "NO_RELATIONSHIP"),
    (call_allowed, None),
    (call_opening_a_thread, None),
    (call_from_a_suspended_client, "ACCOUNT_SUSPENDED"),
    (call_to_a_hidden_freelancer, "FREELANCER_NOT_DISCOVERABLE"),
    (call_superhero_only, "JOB_TYPE_WITHOUT_MESSAGING"),
    (call_during_final_review, "ORDER_IN_FINAL_REVIEW"),
    (call_about_an_order_in_final_review, "ORDER_IN_FINAL_REVIEW"),
    (call_from_a_freelancer, "PERMISSION_DENIED"),
    (call_about_another_pairs_order, "NOT_FOUND"),
    (decline_message_during_final_review, "ORDER_IN_FINAL_REVIEW"),
]


@pytest.fixture
async def market(live_server: LiveServer) -> AsyncIterator[Market]:
    async with httpx.AsyncClient() as http:
        yield Market(live_server, http)


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[case.__name__ for case, _ in CASES])
async def test_the_status_query_and_the_action_agree(
    market: Market, case: Case, expected: str | None
) -> None:
    probe = await case(market)
    predicted = await status_decision(market, probe)
    result = await probe.act(market)
    assert act_decision(result) == predicted, result
    assert predicted[0] == expected
