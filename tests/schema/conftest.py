"""Fixtures for schema tests that need the whole world of tests/schema/world.py."""

from __future__ import annotations

import pytest

from parley.models.accounts import Account, AccountKind
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from tests.ids import gid
from tests.schema.world import CREATE_ORDER, Pair, new_account
from tests.support import SERVICE, Executor, account


@pytest.fixture
async def pair(gql: Executor, client: Account, freelancer: Account, clock: ManualClock) -> Pair:
    stranger = await new_account(clock, AccountKind.CLIENT, "Stranger Ltd")
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
