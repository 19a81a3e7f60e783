"""Hostile input over HTTP to a production server: typed refusals that disclose nothing."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from parley.web.auth import SERVICE_ROLE
from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import CREATE_ACCOUNT, SEND, Pair, graphql

HUGE_ZONE = "Europe/" + "x" * 10_000
INVITES = "query($tz: String) { callInvites { proposedTimes { local(timeZone: $tz) { text } } } }"
ACCEPT = (
    "mutation($id: ID!, $at: DateTime!) { acceptCallInvite(id: $id, startsAt: $at) { __typename } }"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"debug": False})


def _discloses_nothing(message: str) -> None:
    assert message != "Unexpected error."
    assert str(Path.cwd()) not in message
    assert "x" * 50 not in message


async def test_hostile_values_get_typed_answers_in_production(
    live_server: LiveServer, alice: Pair
) -> None:
    service = token("marketplace", SERVICE_ROLE)
    created = await graphql(
        live_server,
        CREATE_ACCOUNT,
        {"input": {"kind": "CLIENT", "name": "Zed", "timeZone": HUGE_ZONE}},
        service,
    )
    assert created["data"]["createAccount"] == {"code": "INVALID_INPUT"}

    listed = await graphql(live_server, INVITES, {"tz": HUGE_ZONE}, token(alice.freelancer))
    (error,) = listed["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "timeZone"}
    _discloses_nothing(error["message"])

    for body in ("\x00", "nul \x00 inside", "\u200b"):
        send = {"input": {"conversationId": alice.conversation, "body": body}}
        sent = await graphql(live_server, SEND, send, alice.client_token)
        assert sent["data"]["sendMessage"]["code"] == "INVALID_INPUT"

    accept = {"id": alice.invite, "at": "not a time"}
    (error,) = (await graphql(live_server, ACCEPT, accept, token(alice.freelancer)))["errors"]
    _discloses_nothing(error["message"])


async def test_a_lone_surrogate_in_the_request_body_is_a_client_error(
    live_server: LiveServer, alice: Pair
) -> None:
    send = {
        "query": SEND,
        "variables": {"input": {"conversationId": alice.conversation, "body": "\ud800"}},
    }
    async with httpx.AsyncClient() as http:
        response = await http.post(
            live_server.http,
            content=json.dumps(send).encode(),  # ensure_ascii: the surrogate travels as \\ud800
            headers={
                "Authorization": f"Bearer {alice.client_token}",
                "Content-Type": "application/json",
            },
        )
    # Not UTF-8 once decoded: refused before any resolver, like any body that is not JSON.
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{"message": "Unable to parse request body as JSON"}]}
