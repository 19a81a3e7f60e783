"""Automatic persisted queries on the wire, in Apollo's protocol: POST, GET and WebSocket.

A hash alone that the server does not know is answered as Apollo's link expects to
send the query next; a hash with its query registers it, and the hash alone then
runs it anywhere. A wrong hash, another version, an oversized or invalid document
are refused and leave nothing stored; the cache forgets the least recently used.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token

GRAPHQL_RESPONSE = "application/graphql-response+json"
FIRST = "query First { __typename }"
SECOND = "query Second { __typename }"
THIRD = "query Third { __typename }"
INVALID = "query Invalid { noSuchField }"
NOT_FOUND = {
    "message": "PersistedQueryNotFound",
    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
}

pytestmark = pytest.mark.usefixtures("accounts_one_to_nine")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_unauthenticated": "1000/minute",
            "persisted_queries_max_entries": 2,
            "persisted_query_max_bytes": 200,
        }
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256(text)}}


async def post(
    server: LiveServer, body: dict[str, Any], accept: str = "application/json"
) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(server.http, json=body, headers={"accept": accept})


async def get(server: LiveServer, text: str) -> httpx.Response:
    """What Apollo's link sends with useGETForHashedQueries: no query, extensions as JSON."""
    params = {"operationName": "First", "extensions": json.dumps(persisted(text))}
    async with httpx.AsyncClient() as http:
        return await http.get(server.http, params=params, headers={"accept": "*/*"})


async def registered(server: LiveServer, text: str) -> bool:
    """Whether the hash alone runs `text` (a miss answers PersistedQueryNotFound)."""
    body = (await post(server, {"extensions": persisted(text)})).json()
    if body.get("errors") == [NOT_FOUND]:
        return False
    assert body == {"data": {"__typename": "Query"}}, body
    return True


@pytest.mark.parametrize(("accept", "status"), [("application/json", 200), (GRAPHQL_RESPONSE, 400)])
async def test_an_unknown_hash_is_answered_persisted_query_not_found_as_apollo_expects(
    live_server: LiveServer, accept: str, status: int
) -> None:
    response = await post(live_server, {"extensions": persisted(FIRST)}, accept)

    assert response.status_code == status
    assert response.headers["content-type"].startswith(accept)
    assert response.json() == {"errors": [NOT_FOUND]}
    assert "no-cache" in response.headers["cache-control"]


async def test_a_get_with_an_unknown_hash_is_not_found_and_not_the_graphiql_page(
    live_server: LiveServer,
) -> None:
    response = await get(live_server, FIRST)

    assert response.json() == {"errors": [NOT_FOUND]}


async def test_once_registered_with_its_query_the_hash_alone_runs_over_post_get_and_websocket(
    live_server: LiveServer,
) -> None:
    first = await post(live_server, {"query": FIRST, "extensions": persisted(FIRST)})
    assert first.json() == {"data": {"__typename": "Query"}}

    assert await registered(live_server, FIRST)
    assert (await get(live_server, FIRST)).json() == {"data": {"__typename": "Query"}}
    client = await GraphQLWSClient.open(live_server.ws, token(1))
    try:
        await client.send(
            {"id": "1", "type": "subscribe", "payload": {"extensions": persisted(FIRST)}}
        )
        assert await client.next_payload("1") == {"__typename": "Query"}
    finally:
        await client.close()


async def test_on_a_websocket_an_unknown_hash_is_an_error_for_that_subscription_and_its_query_registers_it(
    live_server: LiveServer,
) -> None:
    client = await GraphQLWSClient.open(live_server.ws, token(1))
    try:
        await client.send(
            {"id": "a", "type": "subscribe", "payload": {"extensions": persisted(SECOND)}}
        )
        assert await client.receive() == {"id": "a", "type": "error", "payload": [NOT_FOUND]}

        payload = {"query": SECOND, "extensions": persisted(SECOND)}
        await client.send({"id": "b", "type": "subscribe", "payload": payload})
        assert await client.next_payload("b") == {"__typename": "Query"}
    finally:
        await client.close()

    assert await registered(live_server, SECOND)


async def test_a_hash_that_is_not_the_querys_sha256_is_refused_and_nothing_is_stored(
    live_server: LiveServer,
) -> None:
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": sha256(SECOND)}}

    body = (await post(live_server, {"query": FIRST, "extensions": wrong})).json()

    assert body == {
        "errors": [
            {
                "message": "provided sha does not match query",
                "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
            }
        ]
    }
    assert not await registered(live_server, FIRST)
    assert not await registered(live_server, SECOND)


async def test_a_version_other_than_1_is_refused(live_server: LiveServer) -> None:
    body = (await post(live_server, {"query": FIRST, "extensions": persisted(FIRST, 2)})).json()

    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"
    assert not await registered(live_server, FIRST)


async def test_a_document_over_the_size_limit_is_refused_and_not_stored(
    live_server: LiveServer,
) -> None:
    big = "query Big { " + " ".join(["__typename"] * 30) + " }"  # over the 200 bytes set above

    body = (await post(live_server, {"query": big, "extensions": persisted(big)})).json()

    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_TOO_LARGE"
    assert "200 bytes" in body["errors"][0]["message"]
    miss = (await post(live_server, {"extensions": persisted(big)})).json()
    assert miss == {"errors": [NOT_FOUND]}


async def test_a_document_that_does_not_validate_runs_into_its_error_and_is_not_stored(
    live_server: LiveServer,
) -> None:
    body = (await post(live_server, {"query": INVALID, "extensions": persisted(INVALID)})).json()

    assert "noSuchField" in body["errors"][0]["message"]
    miss = (await post(live_server, {"extensions": persisted(INVALID)})).json()
    assert miss == {"errors": [NOT_FOUND]}


async def test_past_the_bound_the_least_recently_used_document_is_forgotten(
    live_server: LiveServer,
) -> None:
    for text in (FIRST, SECOND):
        await post(live_server, {"query": text, "extensions": persisted(text)})
    assert await registered(live_server, FIRST)  # used: SECOND is now the oldest

    await post(live_server, {"query": THIRD, "extensions": persisted(THIRD)})

    assert not await registered(live_server, SECOND)
    assert await registered(live_server, FIRST)
    assert await registered(live_server, THIRD)


async def test_operators_see_hits_misses_and_registrations_in_the_metrics(
    live_server: LiveServer,
) -> None:
    async def counts() -> dict[str, float]:
        async with httpx.AsyncClient() as http:
            text = (await http.get(live_server.base + "/metrics")).text
        found = {}
        for line in text.splitlines():
            if line.startswith("parley_persisted_queries_total{"):
                outcome = line.split('outcome="')[1].split('"')[0]
                found[outcome] = float(line.rsplit(" ", 1)[1])
        return found

    before = await counts()
    await registered(live_server, THIRD)
    await post(live_server, {"query": THIRD, "extensions": persisted(THIRD)})
    await registered(live_server, THIRD)
    after = await counts()

    def grew(outcome: str) -> float:
        return after.get(outcome, 0) - before.get(outcome, 0)

    assert (grew("miss"), grew("registered"), grew("hit")) == (1, 1, 1)
