"""Trusted documents (PARLEY_TRUSTED_DOCUMENTS): only the manifest's documents run.

The manifest is what GraphQL Code Generator's client preset (sha256 keys) and
Relay's compiler (its own ids) write. A request names a document by `documentId`,
Apollo's persisted-query hash or Relay's `doc_id`, or sends exactly a manifest
document's text; anything else is refused on HTTP and WebSocket. Parley's
GraphiQL page is exempt in debug only. A manifest that cannot be used stops start-up.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from parley.server import create_app
from parley.web.documents import GRAPHIQL_HEADER
from parley.web.settings import Settings
from parley.web.trusted_documents import ManifestError
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token

CODEGEN = "query Codegen { __typename }"
RELAY = "query Relay { __typename }"
UNTRUSTED = "query Untrusted { __typename }"
RELAY_ID = "5f1bc4d0b7a6e9c1b1f9f0a1d2c3e4f5"
TYPENAME = {"data": {"__typename": "Query"}}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha256(CODEGEN): CODEGEN, RELAY_ID: RELAY}))
    return path


@pytest.fixture
def settings(settings: Settings, manifest: Path) -> Settings:
    return settings.model_copy(
        update={"trusted_documents": manifest, "rate_limit_unauthenticated": "1000/minute"}
    )


async def post(
    server: LiveServer, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.http, json=body, headers=headers or {})
    result: dict[str, Any] = response.json()
    return result


def refused(body: dict[str, Any]) -> bool:
    errors = body.get("errors") or []
    return (
        "data" not in body
        and len(errors) == 1
        and errors[0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
        and "only trusted documents" in errors[0]["message"]
    )


@pytest.mark.parametrize(
    "body",
    [
        {"documentId": sha256(CODEGEN)},
        {"documentId": f"sha256:{sha256(CODEGEN)}"},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(CODEGEN)}}},
        {"doc_id": RELAY_ID},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(RELAY)}}},
        {"query": CODEGEN},
        {"query": RELAY},
    ],
    ids=[
        "documentId",
        "sha256-documentId",
        "apollo-hash",
        "relay-doc_id",
        "hash-of-relay",
        "text",
        "relay-text",
    ],
)
async def test_a_manifest_document_runs_by_id_hash_or_exact_text(
    live_server: LiveServer, body: dict[str, Any]
) -> None:
    assert await post(live_server, body) == TYPENAME


@pytest.mark.parametrize(
    "body",
    [
        {"query": UNTRUSTED},
        {"query": CODEGEN + " "},  # not exactly the manifest's text
        {"documentId": "no-such-id"},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(UNTRUSTED)}}},
        {
            "query": UNTRUSTED,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(UNTRUSTED)}},
        },
    ],
    ids=["other-text", "near-text", "unknown-id", "unknown-hash", "apq-registration"],
)
async def test_anything_else_is_refused_saying_that_only_trusted_documents_run(
    live_server: LiveServer, body: dict[str, Any]
) -> None:
    assert refused(await post(live_server, body))
    # and an APQ registration attempt stored nothing
    assert refused(
        await post(
            live_server,
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(UNTRUSTED)}}},
        )
    )


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_on_a_websocket_only_manifest_documents_run(live_server: LiveServer) -> None:
    client = await GraphQLWSClient.open(live_server.ws, token(1))
    try:
        await client.send({"id": "1", "type": "subscribe", "payload": {"documentId": RELAY_ID}})
        assert await client.next_payload("1") == {"__typename": "Query"}

        await client.subscribe("2", UNTRUSTED)
        message = await client.receive()
        while message.get("id") == "1":  # the first operation's complete
            message = await client.receive()
        assert message["id"] == "2"
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
    finally:
        await client.close()


async def test_graphiql_is_exempt_in_debug(live_server: LiveServer) -> None:
    body = await post(live_server, {"query": UNTRUSTED}, {GRAPHIQL_HEADER: "1"})

    assert body == TYPENAME


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_graphiql_on_a_websocket_is_exempt_in_debug(live_server: LiveServer) -> None:
    client = await GraphQLWSClient.open(live_server.ws, None, init=False)
    try:
        payload = {"authorization": f"Bearer {token(1)}", "parleyGraphiQL": True}
        await client.send({"type": "connection_init", "payload": payload})
        assert (await client.receive())["type"] == "connection_ack"
        await client.subscribe("1", UNTRUSTED)
        assert await client.next_payload("1") == {"__typename": "Query"}
    finally:
        await client.close()


class TestOutsideDebug:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"debug": False, "log_format": "text"})

    async def test_the_graphiql_mark_is_not_honoured(self, live_server: LiveServer) -> None:
        body = await post(live_server, {"query": UNTRUSTED}, {GRAPHIQL_HEADER: "1"})

        assert refused(body)
        assert await post(live_server, {"query": CODEGEN}) == TYPENAME


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read it"),
        ("{not json", "not JSON"),
        ('["query A { __typename }"]', "expected a JSON object"),
        (
            json.dumps({"good": CODEGEN, "broken-1": "query Broken { noSuchField }"}),
            "'broken-1' is invalid: Cannot query field 'noSuchField'",
        ),
        (json.dumps({"unparsable-2": "query {"}), "'unparsable-2' is invalid: Syntax Error"),
        (json.dumps({"not-text": 42}), "'not-text' is not a string"),
    ],
    ids=["missing", "not-json", "not-an-object", "invalid", "unparsable", "not-a-string"],
)
def test_a_manifest_that_cannot_be_used_stops_start_up_naming_the_document_and_the_problem(
    settings: Settings, tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(ManifestError, match="manifest") as stopped:
        create_app(settings.model_copy(update={"trusted_documents": path}))

    assert problem in str(stopped.value)
