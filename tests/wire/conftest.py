"""Wire fixtures: real accounts, orders and messages made through the API itself."""

from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext

from parley.models.accounts import AccountKind, create_account
from parley.models.store.clock import ManualClock
from tests.live_server import LiveServer
from tests.wire.pairs import Pair, make_pair


@pytest.fixture
async def accounts_one_to_nine(
    live_server: LiveServer, db: TortoiseContext, clock: ManualClock
) -> None:
    """Accounts 1 to 9 exist, for tests that sign in as `token(n)`: tokens name real accounts."""
    for number in range(1, 10):
        made = await create_account(clock, kind=AccountKind.CLIENT, name=f"Client {number}")
        assert made.id == number


@pytest.fixture
async def alice(live_server: LiveServer) -> Pair:
    return await make_pair(live_server, "Alice")


@pytest.fixture
async def mallory(live_server: LiveServer, alice: Pair) -> Pair:
    return await make_pair(live_server, "Mallory")
