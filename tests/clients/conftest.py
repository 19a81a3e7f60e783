"""Client-test fixtures: a pair with a conversation and a call invite, made through the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parley.compat.tortoise import clear_executor_cache
from parley.models.accounts import Account
from parley.web.settings import Settings
from tests.clients.conversation import Conversation
from tests.live_server import LiveServer
from tests.wire.pairs import make_pair

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
