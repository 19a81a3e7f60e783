"""GraphQL over HTTP on the wire: media types, status codes, and hostile requests.

Each abuse answers with a clear error, stores nothing, and the server still answers.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.wire.pairs import SEND, Pair, graphql

GRAPHQL_RESPONSE = "application/graphql-response+json"
FEED = "query($id: ID!) { feed(conversationId: $id, filter: MESSAGES) { edges { cursor } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"rate_limit_unauthenticated": "1000/minute", "http_max_body_bytes": 20_000}
    )


async def post(
    server: LiveServer, content: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(
            server.http,
            content=content,
            headers={"content-type": "application/json", **(headers or {})},
        )


async def messages_in(server: LiveServer, pair: Pair) -> int:
    body = await graphql(server, FEED, {"id": pair.conversation}, pair.client_token)
    return len(body["data"]["feed"]["edges"])


async def still_answers(server: LiveServer) -> None:
    response = await post(server, b'{"query": "{ __typename }"}')
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{", None),  # parse failure
        ("{ nope }", None),  # validation failure
        ("query($id: ID!) { conversation(id: $id) { id } }", {"id": {"not": "an id"}}),  # coercion
    ],
)
async def test_request_errors_are_400_without_data_in_graphql_response_json(
    live_server: LiveServer, query: str, variables: dict[str, Any] | None
) -> None:
    payload = json.dumps({"query": query, "variables": variables}).encode()
    response = await post(live_server, payload, {"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in response.json()
    assert response.json()["errors"]
    legacy = await post(live_server, payload, {"accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"
    assert "data" not in legacy.json()


async def test_a_field_error_keeps_200_and_data(live_server: LiveServer) -> None:
    response = await post(live_server, b'{"query": "{ me { id } }"}', {"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_mutations_over_get_are_405_and_store_nothing(
    live_server: LiveServer, alice: Pair
) -> None:
    mutation = f'mutation {{ sendMessage(input: {{conversationId: "{alice.conversation}", body: "x"}}) {{ __typename }} }}'
    async with httpx.AsyncClient() as http:
        response = await http.get(
            live_server.http,
            params={"query": mutation},
            headers={"Authorization": f"Bearer {alice.client_token}", "accept": GRAPHQL_RESPONSE},
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert await messages_in(live_server, alice) == 1


async def test_queries_over_get_work(live_server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(live_server.http, params={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


def send_body(pair: Pair, text: str) -> dict[str, Any]:
    return {
        "query": SEND,
        "variables": {"input": {"conversationId": pair.conversation, "body": text}},
    }


@pytest.mark.parametrize(
    ("name", "status", "content", "headers"),
    [
        ("malformed JSON", 400, b'{"query": "mutation', {}),
        ("invalid UTF-8", 400, b'{"query": "\xff\xfe"}', {}),
        ("a JSON string", 400, b'"mutation"', {}),
        ("a batch", 400, b"[]", {}),
        ("nesting too deep", 400, b"[" * 15_000, {}),
        ("text/plain", 415, b'{"query": "{ __typename }"}', {"content-type": "text/plain"}),
        ("multipart", 415, b"--x--", {"content-type": "multipart/form-data; boundary=x"}),
        ("form", 415, b"query=x", {"content-type": "application/x-www-form-urlencoded"}),
        ("an oversized body", 413, b" " * 30_000, {}),
    ],
)
async def test_hostile_bodies_get_a_clear_error_and_change_nothing(
    live_server: LiveServer,
    alice: Pair,
    name: str,
    status: int,
    content: bytes,
    headers: dict[str, str],
) -> None:
    response = await post(
        live_server, content, {"Authorization": f"Bearer {alice.client_token}", **headers}
    )
    assert response.status_code == status, name
    assert response.json()["errors"][0]["message"]
    assert await messages_in(live_server, alice) == 1
    await still_answers(live_server)


async def test_huge_variables_are_refused_and_store_nothing(
    live_server: LiveServer, alice: Pair
) -> None:
    headers = {"Authorization": f"Bearer {alice.client_token}"}
    over = json.dumps(send_body(alice, "x" * 25_000)).encode()
    assert (await post(live_server, over, headers)).status_code == 413
    within = json.dumps(send_body(alice, "x" * 15_000)).encode()
    answer = (await post(live_server, within, headers)).json()
    assert answer["data"]["sendMessage"]["code"] == "INVALID_INPUT"
    assert await messages_in(live_server, alice) == 1
    await still_answers(live_server)


async def test_alias_bombs_token_floods_and_deep_documents_are_refused(
    live_server: LiveServer, alice: Pair
) -> None:
    headers = {"Authorization": f"Bearer {alice.client_token}", "accept": GRAPHQL_RESPONSE}
    alias_bomb = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(500)) + " }"
    many_tokens = "{ me { " + "id " * 5_000 + "} }"
    deep = "{" * 2_000 + "}" * 2_000
    for document in (alias_bomb, many_tokens, deep):
        response = await post(live_server, json.dumps({"query": document}).encode(), headers)
        assert response.status_code == 400, response.text[:200]
        assert "data" not in response.json()
    await still_answers(live_server)
