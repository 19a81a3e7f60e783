"""Rate limits: a flood of sends from one account, anonymous requests per address, Redis storage."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from limits import parse

from parley.models.accounts import Account
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.web.ratelimit import LocalMovingWindow, RateLimits, Throttled
from parley.web.settings import Settings
from tests.ids import gid
from tests.live_server import LiveServer
from tests.support import Executor, account
from tests.tokens import token

SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    __typename
    ... on Message { id }
    ... on RateLimited { code message retryAfter }
  }
}
"""
REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"rate_limit_sends": "5/minute", "rate_limit_unauthenticated": "3/minute"}
    )


async def test_a_flood_of_sends_is_held_at_the_limit_and_others_are_unaffected(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    sent = {
        "input": {"conversationId": gid(Tag.CONVERSATION, conversation_with_order), "body": "spam"}
    }
    results = [
        (await gql.execute(SEND, sent, as_=account(client.id)))["sendMessage"] for _ in range(12)
    ]
    assert [r["__typename"] for r in results] == ["Message"] * 5 + ["RateLimited"] * 7
    refused = results[-1]
    assert refused["code"] == "RATE_LIMITED"
    assert 1 <= refused["retryAfter"] <= 60
    assert str(refused["retryAfter"]) in refused["message"]

    reply = {
        "input": {"conversationId": gid(Tag.CONVERSATION, conversation_with_order), "body": "hi"}
    }
    answer = await gql.execute(SEND, reply, as_=account(freelancer.id))
    assert answer["sendMessage"]["__typename"] == "Message", "the other account is unaffected"
    stored = await FeedItem.filter(
        conversation_id=conversation_with_order, kind=FeedItemKind.MESSAGE
    ).count()
    assert stored == 6, "nothing past the limit was stored"


async def test_the_limit_lifts_when_the_window_has_passed_on_the_services_clock(
    gql: Executor, client: Account, conversation_with_order: int, clock: ManualClock
) -> None:
    sent = {
        "input": {"conversationId": gid(Tag.CONVERSATION, conversation_with_order), "body": "hello"}
    }

    async def send() -> dict[str, Any]:
        result: dict[str, Any] = (await gql.execute(SEND, sent, as_=account(client.id)))[
            "sendMessage"
        ]
        return result

    for _ in range(5):
        assert (await send())["__typename"] == "Message"
    clock.advance(timedelta(seconds=20))
    refused = await send()
    assert refused["__typename"] == "RateLimited"
    assert refused["retryAfter"] == 40, "the first send leaves the window 60 s after it"
    clock.advance(timedelta(seconds=39))
    assert (await send())["__typename"] == "RateLimited"
    clock.advance(timedelta(seconds=1))
    assert (await send())["__typename"] == "Message"


async def test_requests_without_a_token_are_limited_per_address(
    live_server: LiveServer, freelancer: Account
) -> None:
    async with httpx.AsyncClient() as http:
        statuses = [
            (await http.post(live_server.http, json={"query": "{ __typename }"})).status_code
            for _ in range(4)
        ]
        refused = await http.post(live_server.http, json={"query": "{ __typename }"})
        signed_in = await http.post(
            live_server.http,
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {token(freelancer.id)}"},
        )
    assert statuses == [200, 200, 200, 429]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "retry in" in refused.json()["errors"][0]["message"]
    assert signed_in.status_code == 200, "a signed-in caller is not counted per address"


async def _redis_or_skip() -> None:
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError:
        if os.environ.get("PARLEY_REQUIRE_SERVICES"):
            raise
        pytest.skip("Redis is not running on loopback")
    finally:
        await client.aclose()


@pytest.mark.services
async def test_limits_are_shared_through_redis_when_configured(settings: Settings) -> None:
    await _redis_or_skip()
    shared = settings.model_copy(
        update={"rate_limit_storage_url": REDIS_URL, "rate_limit_sends": "2/minute"}
    )
    prefix = f"parley-test-{uuid.uuid4().hex}"  # never collides with another run; keys expire
    one, two = RateLimits(shared, key_prefix=prefix), RateLimits(shared, key_prefix=prefix)
    await one.check(one.sends, "sends", "1")
    await two.check(two.sends, "sends", "1")
    with pytest.raises(Throttled) as throttled:
        await one.check(one.sends, "sends", "1")
    assert 1 <= throttled.value.retry_after <= 60
    await two.check(two.sends, "sends", "2")
    await one.aclose()
    await two.aclose()


async def test_the_in_memory_window_moves_and_forgets_idle_keys() -> None:
    now = [1000.0]
    window = LocalMovingWindow(clock=lambda: now[0])
    two = parse("2/minute")
    assert await window.hit(two, "sends", "1")
    now[0] += 30
    assert await window.hit(two, "sends", "1")
    assert not await window.hit(two, "sends", "1"), "a third hit within the minute"
    assert not await window.test(two, "sends", "1")
    assert (await window.get_window_stats(two, "sends", "1")).reset_time == 1060.0
    assert await window.hit(two, "sends", "2"), "another key has its own window"
    now[0] += 30.5
    assert await window.hit(two, "sends", "1"), "the first hit left the window"
    assert not await window.hit(two, "sends", "1")
    now[0] += 120
    for _ in range(LocalMovingWindow.SWEEP_EVERY):
        await window.hit(two, "other", "3")
        now[0] += 60
    assert len(window) == 1, "keys whose windows emptied are swept"
