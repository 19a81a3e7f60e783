"""Signing in over the wire: a token must be well formed, short-lived and for an existing
account, and only failed sign-ins count against an address (real httpx and websockets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from tortoise.context import TortoiseContext
from websockets.exceptions import ConnectionClosed

from parley.models.accounts import Account
from parley.models.global_ids import Tag
from parley.models.notifications import NotificationPreferences
from parley.models.push import PushSubscription
from parley.web.auth import SERVICE_ROLE
from tests.channels import BrowserKeys
from tests.ids import gid, raw
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import SECRET, token

ME = "query Me { me { id } }"
LOG = "query Log { notificationLog(first: 1) { channel } }"
CREATE_ACCOUNT = "mutation Create($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } } }"
PREFS = "mutation Prefs($email: String) { updateNotificationPreferences(input: {email: $email}) { __typename } }"
READ_PREFS = "query ReadPrefs { notificationPreferences { email } }"
REGISTER = "mutation Register($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { __typename } }"


async def _post(
    http: httpx.AsyncClient, server: LiveServer, query: str, bearer: str, **variables: Any
) -> httpx.Response:
    return await http.post(
        server.http,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {bearer}"},
    )


async def _unauthenticated(response: httpx.Response) -> str:
    """The message of a top-level UNAUTHENTICATED answer (and nothing else)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED", body
    message: str = error["message"]
    return message


async def _ws_close_code(server: LiveServer, bearer: str) -> int:
    ws = await GraphQLWSClient.open(server.ws, None, init=False)
    await ws.send({"type": "connection_init", "payload": {"authorization": f"Bearer {bearer}"}})
    with pytest.raises(ConnectionClosed) as closed:
        await ws.receive()
    assert closed.value.rcvd is not None, "the server sent no close frame"
    return closed.value.rcvd.code


async def _new_account(http: httpx.AsyncClient, server: LiveServer, name: str) -> str:
    """An account made by the marketplace's service token; its id."""
    service = token("marketplace", SERVICE_ROLE)
    made = await _post(
        http, server, CREATE_ACCOUNT, service, input={"kind": "CLIENT", "name": name}
    )
    account_id: str = made.json()["data"]["createAccount"]["id"]
    return account_id


def _signed(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256")


async def test_a_signed_token_for_no_account_is_refused_and_writes_nothing(
    live_server: LiveServer, db: TortoiseContext
) -> None:
    async with httpx.AsyncClient() as http:
        next_id = raw(await _new_account(http, live_server, "Acme")) + 1
        orphan = token(next_id)  # validly signed, but no account has this id yet
        keys = BrowserKeys()
        device = {"endpoint": "https://push.example/d/1", "p256dh": keys.p256dh, "auth": keys.auth}

        refused = [
            await _post(http, live_server, ME, orphan),
            await _post(http, live_server, PREFS, orphan, email="someone@example.com"),
            await _post(http, live_server, REGISTER, orphan, input=device),
        ]
        bad_token = await _unauthenticated(await _post(http, live_server, ME, "forged"))
        assert await _ws_close_code(live_server, orphan) == 4403

        assert bad_token == "The token is not valid."
        for response in refused:
            assert await _unauthenticated(response) == "The token's account does not exist."
        assert await NotificationPreferences.filter(account_id=next_id).count() == 0
        assert await PushSubscription.filter(account_id=next_id).count() == 0

        # Once the marketplace creates that account, the same token works at once: an
        # unknown id is never remembered as unknown.
        assert await _new_account(http, live_server, "Bo") == gid(Tag.ACCOUNT, next_id)
        prefs = (await _post(http, live_server, READ_PREFS, orphan)).json()
        assert prefs["data"]["notificationPreferences"]["email"] is None
    ws = await GraphQLWSClient.open(live_server.ws, orphan)
    await ws.close()


async def test_a_remembered_account_that_was_removed_stops_signing_in(
    live_server: LiveServer, db: TortoiseContext
) -> None:
    async with httpx.AsyncClient() as http:
        account_id = await _new_account(http, live_server, "Acme")
        assert (await _post(http, live_server, ME, token(account_id))).json()["data"]["me"]
        await Account.filter(id=raw(account_id)).delete()  # outside Parley: SQL, a restore
        ttl = live_server.services.settings.auth_account_cache_seconds
        live_server.clock.advance(timedelta(seconds=ttl - 1))
        remembered = await _post(http, live_server, LOG, token(account_id))
        assert remembered.json() == {"data": {"notificationLog": []}}, "remembered within the TTL"
        live_server.clock.advance(timedelta(seconds=1))
        await _unauthenticated(await _post(http, live_server, LOG, token(account_id)))


SUBJECTS = [str(2**64), str(2**63), str(2**63 - 1), "-1", "0", "abc", "1e3", "9" * 5000, "١٢"]


async def test_subjects_that_are_not_account_ids_are_unauthenticated_never_internal(
    live_server: LiveServer,
) -> None:
    now = datetime.now(UTC)
    async with httpx.AsyncClient() as http:
        for subject in SUBJECTS:
            bearer = _signed({"sub": subject, "iat": now, "exp": now + timedelta(minutes=5)})
            await _unauthenticated(await _post(http, live_server, ME, bearer))
            assert await _ws_close_code(live_server, bearer) == 4403, subject


async def test_tokens_without_exp_or_living_too_long_are_unauthenticated(
    live_server: LiveServer,
) -> None:
    now = datetime.now(UTC)
    cases = {
        "no 'exp' claim": _signed({"sub": "1", "iat": now}),
        "longer than the allowed 86400 seconds": _signed(
            {"sub": "1", "iat": now, "exp": now + timedelta(days=30)}
        ),
    }
    async with httpx.AsyncClient() as http:
        for reason, bearer in cases.items():
            assert reason in await _unauthenticated(await _post(http, live_server, ME, bearer))
            assert await _ws_close_code(live_server, bearer) == 4403


async def test_failed_sign_ins_from_an_address_never_refuse_a_valid_token_from_it(
    live_server: LiveServer,
) -> None:
    limit = 60  # PARLEY_RATE_LIMIT_UNAUTHENTICATED's default: 60/minute per address
    async with httpx.AsyncClient() as http:
        account_id = await _new_account(http, live_server, "Acme")
        valid = token(account_id)
        for _ in range(limit - 10):
            await _unauthenticated(await _post(http, live_server, ME, "guess"))
        for _ in range(10):
            assert await _ws_close_code(live_server, "guess") == 4403

        ws = await GraphQLWSClient.open(live_server.ws, valid)  # acked: not refused
        signed_in = await _post(http, live_server, ME, valid)
        assert signed_in.json()["data"]["me"]["id"] == account_id

        another = await _post(http, live_server, ME, "guess")
        assert another.status_code == 429
        assert 1 <= int(another.headers["retry-after"]) <= 60
        assert await _ws_close_code(live_server, "guess") == 1013
        assert await _ws_close_code(live_server, token(10**12)) == 1013, (
            "a signed token for no account is a failure too"
        )
    await ws.close()
