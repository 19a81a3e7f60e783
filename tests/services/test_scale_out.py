"""Two real processes agree on presence and do background work exactly once.

Presence is shared through Redis (a process killed with SIGKILL stops counting
within its lease); the notification worker, the call-invite sweep and the VAPID
key pair are shared through PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.channels import SmtpSink
from tests.ids import raw
from tests.services.api import make_pair, post, send
from tests.services.processes import ParleyProcess, make_processes
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

PRESENCE = "subscription { presenceChanged { accountId online lastSeenAt } }"
COUNTERPART = "query($id: ID!) { conversation(id: $id) { counterpartPresence { online } } }"
PREFERENCES = "mutation($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { __typename } }"
INVITE = "mutation($input: SendCallInviteInput!) { sendCallInvite(input: $input) { __typename ... on CallInvite { id } } }"
PUBLIC_KEY = "{ webPushPublicKey }"
LEASE = 2.0  # PARLEY_PRESENCE_TTL_SECONDS of these processes


@pytest.fixture
async def start() -> AsyncIterator[Callable[..., Awaitable[list[ParleyProcess]]]]:
    """Start two processes with extra settings; all are closed after the test."""
    started: list[ParleyProcess] = []

    async def run(processes: list[ParleyProcess]) -> list[ParleyProcess]:
        started.extend(processes)
        await asyncio.gather(*(process.start() for process in processes))
        return processes

    yield run
    for process in started:
        process.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = WAIT) -> None:
    """Poll another process's database writes: there is no event to wait on (bounded loop)."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


async def fetch(database_url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database_url.split("?")[0])
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def test_presence_on_one_process_is_seen_on_the_other_and_lapses_when_it_is_killed(
    start: Any, postgres_url: str, shared_redis: str, channel: str, tmp_path: Path
) -> None:
    a, b = await start(
        make_processes(
            2,
            postgres_url,
            shared_redis,
            channel,
            tmp_path,
            PARLEY_PRESENCE_TTL_SECONDS=str(LEASE),
            PARLEY_PRESENCE_HEARTBEAT_SECONDS="0.5",
        )
    )
    async with httpx.AsyncClient(timeout=10) as http:
        pair = await make_pair(http, b.http)
        watcher = await GraphQLWSClient.open(b.ws, token(pair.client))
        await watcher.subscribe("p", PRESENCE)
        assert (await watcher.next_payload("p"))["presenceChanged"]["online"] is False

        device = await GraphQLWSClient.open(a.ws, token(pair.freelancer))  # online on A
        pushed = (await watcher.next_payload("p"))["presenceChanged"]
        assert (pushed["accountId"], pushed["online"]) == (pair.freelancer, True)
        seen = await post(http, b.http, COUNTERPART, {"id": pair.conversation}, token(pair.client))
        assert seen["conversation"]["counterpartPresence"]["online"] is True

        killed_at = time.monotonic()
        a.kill()  # no close frame, no goodbye: only the lease can tell
        gone = (await watcher.next_payload("p", timeout=LEASE + WAIT))["presenceChanged"]
        assert (gone["accountId"], gone["online"]) == (pair.freelancer, False)
        assert gone["lastSeenAt"] is not None
        assert time.monotonic() - killed_at < LEASE + 3  # the lease plus a heartbeat or so
        seen = await post(http, b.http, COUNTERPART, {"id": pair.conversation}, token(pair.client))
        assert seen["conversation"]["counterpartPresence"]["online"] is False
        await watcher.close()
        await device.connection.close()  # already dead on the server side


async def test_a_due_email_is_sent_exactly_once_by_two_racing_workers(
    start: Any, postgres_url: str, shared_redis: str, channel: str, tmp_path: Path
) -> None:
    async with SmtpSink().running() as smtp:
        a, b = await start(
            make_processes(
                2,
                postgres_url,
                shared_redis,
                channel,
                tmp_path,
                PARLEY_SMTP_HOST="127.0.0.1",
                PARLEY_SMTP_PORT=str(smtp.port),
                PARLEY_SMTP_SECURITY="none",
                PARLEY_EMAIL_DELAY_SECONDS="1",
                PARLEY_NOTIFY_POLL_SECONDS="0.05",
            )
        )
        async with httpx.AsyncClient(timeout=10) as http:
            pairs = [await make_pair(http, a.http, f"Shop {i}") for i in range(3)]
            for i, pair in enumerate(pairs):
                address = {"input": {"email": f"freelancer{i}@example.test"}}
                await post(http, b.http, PREFERENCES, address, token(pair.freelancer))
                for n in range(2):  # two messages: one batched email per conversation
                    await send(http, (a, b)[n].http, pair, f"message {n}")
            await smtp.wait_for(3)

        async def all_sent() -> bool:
            rows = await fetch(
                postgres_url,
                "SELECT status FROM notification_deliveries WHERE channel = 'email'",
            )
            return len(rows) == 3 and all(row["status"] == "sent" for row in rows)

        await eventually(all_sent)
    assert sorted(parseaddr(str(message["To"]))[1] for message in smtp.messages) == [
        f"freelancer{i}@example.test" for i in range(3)
    ]


async def test_an_expired_invite_becomes_one_feed_item_with_two_sweeping_processes(
    start: Any, postgres_url: str, shared_redis: str, channel: str, tmp_path: Path
) -> None:
    a, b = await start(
        make_processes(
            2,
            postgres_url,
            shared_redis,
            channel,
            tmp_path,
            PARLEY_CALL_EXPIRY_INTERVAL_SECONDS="0.05",
        )
    )
    async with httpx.AsyncClient(timeout=10) as http:
        pair = await make_pair(http, a.http)
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
        invite = {"freelancerId": pair.freelancer, "startTimes": [tomorrow.isoformat()]}
        sent = await post(http, b.http, INVITE, {"input": invite}, token(pair.client))
        invite_id = raw(sent["sendCallInvite"]["id"])
    # Its only time passes (the processes run on the system clock, so move the time back).
    await fetch(
        postgres_url,
        "UPDATE call_invites SET last_proposed_at = now() - interval '1 minute' WHERE id = $1",
        invite_id,
    )

    async def expired() -> bool:
        rows = await fetch(postgres_url, "SELECT status FROM call_invites WHERE id = $1", invite_id)
        return bool(rows[0]["status"] == "expired")

    await eventually(expired)
    items = await fetch(
        postgres_url,
        "SELECT id FROM feed_items WHERE call_invite_id = $1 AND call_event = 'expired'",
        invite_id,
    )
    assert len(items) == 1


async def test_both_processes_sign_pushes_with_one_vapid_key(
    start: Any, postgres_url: str, shared_redis: str, channel: str, tmp_path: Path
) -> None:
    # Separate data directories: only the database can make the key the same.
    processes = [
        make_processes(1, postgres_url, shared_redis, channel, tmp_path / name)[0]
        for name in ("a", "b")
    ]
    for process in processes:
        Path(process.env["PARLEY_DATA_DIR"]).parent.mkdir(parents=True, exist_ok=True)
    a, b = await start(processes)
    async with httpx.AsyncClient(timeout=10) as http:
        pair = await make_pair(http, a.http)
        keys = {
            (await post(http, p.http, PUBLIC_KEY, {}, token(pair.client)))["webPushPublicKey"]
            for p in (a, b)
        }
    assert len(keys) == 1
    assert None not in keys
