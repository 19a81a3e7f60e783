"""CORS and the WebSocket Origin check: one allow-list, over a real server, as browsers ask."""

from __future__ import annotations

import httpx
import pytest
from tortoise.context import TortoiseContext
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from parley.models.accounts import AccountKind, create_account
from parley.models.store.clock import ManualClock
from parley.web.settings import Settings
from tests.live_server import LiveServer, running_server
from tests.support import GraphQLWSClient
from tests.tokens import token

APP = "http://localhost:3000"
STRANGER = "https://evil.example"
TYPENAME = "query { __typename }"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Production (debug off) with one web app allowed."""
    return Settings.model_validate(
        settings.model_dump() | {"debug": False, "allowed_origins": [APP]}
    )


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-")
    }


async def preflight(url: str, origin: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.options(url, headers={"Origin": origin, **PREFLIGHT})


async def post_query(url: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(url, json={"query": TYPENAME}, headers=headers)


async def handshake(url: str, origin: str | None) -> GraphQLWSClient:
    connection = await connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=origin,  # type: ignore[arg-type]
    )
    ws = GraphQLWSClient(connection)
    payload = {"authorization": f"Bearer {token(1)}"}
    await ws.send({"type": "connection_init", "payload": payload})
    assert (await ws.receive())["type"] == "connection_ack"
    return ws


async def test_a_preflight_from_an_allowed_origin_lists_methods_headers_and_max_age(
    live_server: LiveServer,
) -> None:
    response = await preflight(live_server.http, APP)

    assert response.status_code == 200
    cors = {name.lower(): value for name, value in cors_headers(response).items()}
    assert cors["access-control-allow-origin"] == APP
    assert set(cors["access-control-allow-methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    allowed_headers = {h.lower() for h in cors["access-control-allow-headers"].split(", ")}
    assert {"authorization", "content-type"} <= allowed_headers
    assert cors["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in cors


async def test_a_post_from_an_allowed_origin_may_be_read_by_its_page(
    live_server: LiveServer,
) -> None:
    response = await post_query(live_server.http, {"Origin": APP})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == APP
    assert "origin" in response.headers["vary"].lower()
    assert "access-control-allow-credentials" not in response.headers


async def test_a_preflight_from_another_origin_is_400_without_cors_headers(
    live_server: LiveServer,
) -> None:
    response = await preflight(live_server.http, STRANGER)

    assert response.status_code == 400
    assert response.text == "Disallowed CORS origin"
    assert cors_headers(response) == {}


async def test_a_post_from_another_origin_carries_no_cors_headers(
    live_server: LiveServer,
) -> None:
    response = await post_query(live_server.http, {"Origin": STRANGER})

    assert cors_headers(response) == {}
    assert "origin" in response.headers["vary"].lower()


async def test_a_client_without_origin_is_served_without_cors_headers(
    live_server: LiveServer,
) -> None:
    response = await post_query(live_server.http, {})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert cors_headers(response) == {}


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_a_websocket_from_an_allowed_origin_is_accepted(live_server: LiveServer) -> None:
    ws = await handshake(live_server.ws, APP)
    await ws.close()


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_a_websocket_without_origin_is_accepted(live_server: LiveServer) -> None:
    ws = await handshake(live_server.ws, None)
    await ws.close()


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_a_websocket_from_another_origin_is_refused_with_403(
    live_server: LiveServer,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await handshake(live_server.ws, STRANGER)
    assert refused.value.response.status_code == 403


async def account_one(clock: ManualClock) -> None:
    """Account 1 exists, so that `token(1)` signs in: call once the server has migrated."""
    made = await create_account(clock, kind=AccountKind.CLIENT, name="Client 1")
    assert made.id == 1


async def test_the_deprecated_websocket_setting_governs_http_too(
    settings: Settings, clock: ManualClock, db: TortoiseContext, caplog: pytest.LogCaptureFixture
) -> None:
    old_style = Settings.model_validate(
        settings.model_dump() | {"allowed_origins": None, "ws_allowed_origins": [STRANGER]}
    )
    async with running_server(old_style, clock) as server:
        assert "PARLEY_WS_ALLOWED_ORIGINS is deprecated" in caplog.text
        await account_one(clock)
        assert cors_headers(await preflight(server.http, APP)) == {}
        allowed = await preflight(server.http, STRANGER)
        assert allowed.headers["access-control-allow-origin"] == STRANGER
        ws = await handshake(server.ws, STRANGER)
        await ws.close()
        with pytest.raises(InvalidStatus):
            await handshake(server.ws, APP)


async def test_debug_allows_the_local_dev_servers_and_nothing_else(
    settings: Settings, clock: ManualClock, db: TortoiseContext
) -> None:
    debug = Settings.model_validate(
        settings.model_dump() | {"debug": True, "allowed_origins": None}
    )
    async with running_server(debug, clock) as server:
        await account_one(clock)
        vite = await preflight(server.http, "http://127.0.0.1:5173")
        assert vite.headers["access-control-allow-origin"] == "http://127.0.0.1:5173"
        assert cors_headers(await preflight(server.http, STRANGER)) == {}
        ws = await handshake(server.ws, "http://localhost:3000")
        await ws.close()


async def test_credentials_are_allowed_only_when_configured(
    settings: Settings, clock: ManualClock
) -> None:
    with_cookies = Settings.model_validate(
        settings.model_dump() | {"allowed_origins_credentials": True}
    )
    async with running_server(with_cookies, clock) as server:
        response = await preflight(server.http, APP)
        assert response.headers["access-control-allow-credentials"] == "true"
        assert cors_headers(await post_query(server.http, {"Origin": STRANGER})) == {}


async def test_apollo_clients_identification_headers_pass_the_preflight(
    live_server: LiveServer,
) -> None:
    # Apollo Client sends these when its `name`/`version` options are set.
    apollo = "apollographql-client-name,apollographql-client-version,content-type"
    async with httpx.AsyncClient() as http:
        response = await http.options(
            live_server.http,
            headers={
                "Origin": APP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": apollo,
            },
        )

    assert response.status_code == 200
    allowed = {h.lower() for h in response.headers["access-control-allow-headers"].split(", ")}
    assert set(apollo.split(",")) <= allowed


async def test_a_preflight_asking_for_an_unlisted_header_is_refused(
    live_server: LiveServer,
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.options(
            live_server.http,
            headers={
                "Origin": APP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-something-else",
            },
        )

    assert response.status_code == 400
