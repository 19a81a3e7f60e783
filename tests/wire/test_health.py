"""/health/live and /health/ready as a load balancer and an orchestrator see them."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import asyncpg
import httpx
import pytest

from tests import services_env
from tests.live_server import LiveServer
from tests.scrape import scrape

READY = {"status": "ok", "database": "up", "migrations": "applied", "events": "up"}


async def test_a_serving_process_is_live_and_ready(live_server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        live = await http.get(f"{live_server.base}/health/live")
        ready = await http.get(f"{live_server.base}/health/ready")
        alias = await http.get(f"{live_server.base}/health")
    assert live.status_code == 200
    assert (ready.status_code, ready.json()) == (200, READY)
    assert (alias.status_code, alias.json()) == (200, READY)


async def test_a_pending_migration_makes_it_unready_but_still_live(
    live_server: LiveServer, db_url: str
) -> None:
    await forget_migrations(db_url)
    async with httpx.AsyncClient() as http:
        ready = await http.get(f"{live_server.base}/health/ready")
        live = await http.get(f"{live_server.base}/health/live")
    assert ready.status_code == 503
    assert ready.json()["migrations"] == "pending"
    assert live.status_code == 200


async def forget_migrations(db_url: str) -> None:
    """As if the database were older than the code: no migration recorded as applied."""
    statement = "DELETE FROM tortoise_migrations"
    if db_url.startswith("sqlite://"):
        with closing(sqlite3.connect(db_url.removeprefix("sqlite://"))) as connection:
            connection.execute(statement)
            connection.commit()
        return
    connection = await asyncpg.connect(db_url.split("?")[0])
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_lost_database_makes_it_unready_and_is_counted(
    live_server: LiveServer, db_url: str
) -> None:
    name = db_url.split("/")[-1].split("?")[0]
    before = (await scrape(live_server.base)).value(
        "parley_database_errors_total", component="health"
    )
    admin = await asyncpg.connect(f"{services_env.POSTGRES_URL}/postgres")
    try:
        # The database refuses new connections and drops the server's open ones.
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        async with httpx.AsyncClient() as http:
            ready = await http.get(f"{live_server.base}/health/ready")
            live = await http.get(f"{live_server.base}/health/live")
        after = await scrape(live_server.base)
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
    assert (ready.status_code, ready.json()["database"]) == (503, "down")
    assert live.status_code == 200
    assert after.value("parley_database_errors_total", source="health") == before + 1
