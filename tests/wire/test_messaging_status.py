"""messagingStatus and sendMessage make the same decision, case by case, across all rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.wire.market import Market

REVIEW = "mutation($id: ID!) { recordReview(orderId: $id, negative: true) { __typename } }"
SWITCH = "mutation($e: Boolean!, $o: ID) { setMessagingEnabled(enabled: $e, orderId: $o) { __typename } }"
CAMPAIGN = 'mutation($c: ID!) { createCampaign(input: {clientId: $c, title: "C"}) { ... on Campaign { id } } }'
MEMBER = """mutation($c: ID!, $f: ID!, $s: MembershipStatus!) {
  setCampaignMembership(campaignId: $c, freelancerId: $f, status: $s) { __typename } }"""

Case = Callable[[Market], Awaitable[tuple[str, dict[str, Any]]]]


async def _pair(m: Market, **order: Any) -> tuple[str, str, str, str]:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    order_id, conversation = await m.order(client, freelancer, **order)
    return client, freelancer, order_id, conversation


async def allowed(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, order, conversation = await _pair(m)
    return freelancer, {"conversationId": conversation, "orderId": order}


async def suspended(m: Market) -> tuple[str, dict[str, Any]]:
    client, _, _, conversation = await _pair(m)
    await m.update_account(client, status="SUSPENDED")
    return client, {"conversationId": conversation}


async def needs_improvement(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, _, conversation = await _pair(m)
    await m.update_account(freelancer, status="NEEDS_IMPROVEMENT")
    return freelancer, {"conversationId": conversation}


async def switched_off(m: Market) -> tuple[str, dict[str, Any]]:
    client, freelancer, _, conversation = await _pair(m)
    await m.as_(client, SWITCH, {"e": False})
    return freelancer, {"conversationId": conversation}


async def order_switched_off(m: Market) -> tuple[str, dict[str, Any]]:
    client, freelancer, order, conversation = await _pair(m)
    await m.as_(client, SWITCH, {"e": False, "o": order})
    return freelancer, {"conversationId": conversation, "orderId": order}


async def superhero(m: Market) -> tuple[str, dict[str, Any]]:
    client, _, order, conversation = await _pair(m, jobType="superhero")
    return client, {"conversationId": conversation, "orderId": order}


async def final_review(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, order, conversation = await _pair(m)
    await m.move(order, "IN_PROGRESS")
    await m.move(order, "FINAL_REVIEW")
    return freelancer, {"conversationId": conversation, "orderId": order}


async def five_unanswered(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, _, conversation = await _pair(m)
    for _ in range(5):
        await m.send(freelancer, conversationId=conversation)
    return freelancer, {"conversationId": conversation}


async def four_unanswered(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, _, conversation = await _pair(m)
    for _ in range(4):
        await m.send(freelancer, conversationId=conversation)
    return freelancer, {"conversationId": conversation}


async def negative_review(m: Market) -> tuple[str, dict[str, Any]]:
    _, freelancer, order, conversation = await _pair(m)
    await m.service(REVIEW, {"id": order})
    return freelancer, {"conversationId": conversation}


async def campaign_invited(m: Market) -> tuple[str, dict[str, Any]]:
    client, freelancer, _, conversation = await _pair(m)
    campaign = (await m.service(CAMPAIGN, {"c": client}))["createCampaign"]["id"]
    await m.service(MEMBER, {"c": campaign, "f": freelancer, "s": "INVITED"})
    return client, {"conversationId": conversation, "campaignId": campaign}


async def campaign_accepted_first_message(m: Market) -> tuple[str, dict[str, Any]]:
    brand = await m.account("CLIENT", "B")
    creator = await m.account("FREELANCER", "Cr")
    campaign = (await m.service(CAMPAIGN, {"c": brand}))["createCampaign"]["id"]
    await m.service(MEMBER, {"c": campaign, "f": creator, "s": "ACCEPTED"})
    return creator, {"counterpartId": brand, "campaignId": campaign}


async def hidden_freelancer(m: Market) -> tuple[str, dict[str, Any]]:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F", discoverable=False)
    return client, {"counterpartId": freelancer}


async def inquiry(m: Market) -> tuple[str, dict[str, Any]]:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    return client, {"counterpartId": freelancer}


async def cold_freelancer(m: Market) -> tuple[str, dict[str, Any]]:
    client = await m.account("CLIENT", "C")
    freelancer = await m.account("FREELANCER", "F")
    return freelancer, {"counterpartId": client}


CASES: list[tuple[Case, str | None]] = [
    (allowed, None),
    (suspended, "ACCOUNT_SUSPENDED"),
    (needs_improvement, "ACCOUNT_NEEDS_IMPROVEMENT"),
    (switched_off, "MESSAGING_OFF_BY_CLIENT"),
    (order_switched_off, "ORDER_MESSAGING_OFF"),
    (superhero, "JOB_TYPE_WITHOUT_MESSAGING"),
    (final_review, "ORDER_IN_FINAL_REVIEW"),
    (four_unanswered, None),
    (five_unanswered, "UNANSWERED_LIMIT"),
    (negative_review, "NEGATIVE_REVIEW"),
    (campaign_invited, "CAMPAIGN_MEMBER_NOT_ACCEPTED"),
    (campaign_accepted_first_message, None),
    (hidden_freelancer, "FREELANCER_NOT_DISCOVERABLE"),
    (inquiry, None),
    (cold_freelancer, "NO_RELATIONSHIP"),
]


@pytest.fixture
async def market(live_server: LiveServer) -> AsyncIterator[Market]:
    async with httpx.AsyncClient() as http:
        yield Market(live_server, http)


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[case.__name__ for case, _ in CASES])
async def test_the_status_query_and_send_agree(
    market: Market, case: Case, expected: str | None
) -> None:
    sender, target = await case(market)
    status = await market.status(sender, **target)
    result = await market.send(sender, **target)

    assert status["canSend"] == (expected is None)
    assert (result["__typename"] == "Message") == (expected is None), result
    if expected is not None:
        assert status["blockedBy"]["code"] == result["code"] == expected
        assert status["blockedBy"]["message"] == result["message"]
        assert status["blockedBy"]["nextStep"] == result["nextStep"]
