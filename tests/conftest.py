"""Fixtures named for the state they create.

Every test gets its own SQLite file, copied from a template migrated once per
session (so migrations, not `generate_schemas`, define the test schema). Tests
that use the database run twice, on SQLite and on PostgreSQL (a database made
from a migrated template per test, see tests/services_env.py).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext

from parley.compat.tortoise import clear_executor_cache
from parley.models.accounts import Account, AccountKind, create_account
from parley.models.orders import create_order
from parley.models.store.clock import ManualClock
from parley.models.store.db import apply_migrations, tune_connection
from parley.schema.build import build_schema
from parley.subscriptions.bus import EventBus
from parley.subscriptions.hub import Hub
from parley.web.auth import Keys, TokenVerifier
from parley.web.services import Services
from parley.web.settings import Settings, tortoise_config
from tests import services_env
from tests.channels import PushService, SmtpSink
from tests.live_server import LiveServer, running_server
from tests.support import Executor
from tests.tokens import SECRET


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "parley.sqlite3"
    asyncio.run(apply_migrations(tortoise_config(f"sqlite://{path}")))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    services_env.require_postgres()
    name = services_env.create_template()
    yield name
    services_env.drop_database(name)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test only."""
    template: str = request.getfixturevalue("postgres_template")
    name = services_env.create_from_template(template)
    yield services_env.database_url(name)
    services_env.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)])
def db_url(request: pytest.FixtureRequest, template_db: Path, tmp_path: Path) -> str:
    # tortoise caches each model's INSERT per connection *name*, not per dialect:
    # with SQLite and PostgreSQL tests in one process it must start empty.
    clear_executor_cache()
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    path = tmp_path / "parley.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite://{path}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        broadcast_url="memory://",
        data_dir=tmp_path / "data",
        jwt_secret=SECRET,
        demo=False,
        debug=True,
        gc_tuning=False,  # gc.freeze() per test server would pin the whole test process
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[TortoiseContext]:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(db_url))
        await tune_connection(ctx)
        yield ctx


@pytest.fixture
async def services(
    db: TortoiseContext, settings: Settings, clock: ManualClock
) -> AsyncIterator[Services]:
    bus = EventBus("memory://", settings.events_channel, Hub(settings.subscriber_queue_size))
    await bus.start()
    keys = Keys("HS256", SECRET, SECRET)
    yield Services(settings=settings, clock=clock, bus=bus, verifier=TokenVerifier(keys, settings))
    await bus.stop()


@pytest.fixture
def gql(services: Services) -> Executor:
    return Executor(build_schema(debug=True), services)


@pytest.fixture
async def freelancer(db: TortoiseContext, clock: ManualClock) -> Account:
    return await create_account(
        clock, kind=AccountKind.FREELANCER, name="Maya", time_zone="Europe/Berlin"
    )


@pytest.fixture
async def client(db: TortoiseContext, clock: ManualClock) -> Account:
    return await create_account(
        clock, kind=AccountKind.CLIENT, name="Acme", time_zone="America/New_York"
    )


@pytest.fixture
async def conversation_with_order(client: Account, freelancer: Account, clock: ManualClock) -> int:
    """An open order between `client` and `freelancer`; returns the conversation id."""
    change = await create_order(
        clock, client_id=client.id, freelancer_id=freelancer.id, title="Blog post"
    )
    return change.order.conversation_id


@pytest.fixture
async def live_server(settings: Settings, clock: ManualClock) -> AsyncIterator[LiveServer]:
    """uvicorn serving the real app on a loopback socket; ready when this yields."""
    async with running_server(settings, clock) as server:
        yield server


@pytest.fixture
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives."""
    async with SmtpSink().running() as sink:
        yield sink


@pytest.fixture
async def push_service() -> AsyncIterator[PushService]:
    """A Web Push service on a loopback port that keeps the (encrypted) pushes it receives."""
    async with PushService().running() as service:
        yield service
