"""Client-test fixtures: a pair with a conversation and a call invite, made through the API."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.compat.tortoise import clear_executor_cache
from parley.models.accounts import Account
from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import SEND, Pair, graphql, make_pair

# What the client sends after make_pair's "hello from …", oldest first.
MORE = ("one", "two", "three")


@pytest.fixture
def db_url(template_db: Path, tmp_path: Path) -> str:
    """SQLite only: the clients see the API, which the wire tests check on both databases."""
    clear_executor_cache()
    path = tmp_path / "parley.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite://{path}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The test writes through the API while the server runs; SQLite allows one writer, so
    # the server's background writers (notifier, call expiry) stay idle.
    quiet = {"notify_poll_seconds": 3600.0, "call_expiry_interval_seconds": 3600.0}
    return settings.model_copy(update=quiet)


@dataclass(frozen=True)
class Conversation:
    """A pair whose client wrote four messages the freelancer has not read. The API's ids
    are `pair`'s; tokens name the accounts' own (database) ids."""

    pair: Pair
    name: str
    client: Account
    freelancer: Account

    @property
    def freelancer_token(self) -> str:
        return token(self.freelancer.id)

    async def client_sends(self, server: LiveServer, body: str) -> None:
        send = {"input": {"conversationId": self.pair.conversation, "body": body}}
        result = await graphql(server, SEND, send, token(self.client.id))
        assert result["data"]["sendMessage"]["__typename"] == "Message", result


@pytest.fixture
async def unread_conversation(live_server: LiveServer) -> Conversation:
    pair = await make_pair(live_server, "Ada")
    made = Conversation(
        pair,
        "Ada",
        client=await Account.get(name="Ada client"),
        freelancer=await Account.get(name="Ada freelancer"),
    )
    for body in MORE:
        await made.client_sends(live_server, body)
    return made
