"""Parley's command line: serve, migrate, demo data, development tokens, the SDL.

python -m parley.cli serve            migrate, load demo data into an empty database, serve
python -m parley.cli migrate          apply migrations to DATABASE_URL
python -m parley.cli makemigrations   write a migration for model changes
python -m parley.cli demo             load demo data (empty database only) and print tokens
python -m parley.cli token ID         print a bearer token for account ID (--role service)
python -m parley.cli export-schema    print the GraphQL SDL (schema.graphql)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import timedelta
from typing import Any

from tortoise.context import TortoiseContext

from parley.demo import is_empty, load_demo
from parley.models import global_ids
from parley.models.accounts import Account
from parley.models.global_ids import Tag
from parley.models.retention import purge_expired
from parley.models.store.clock import SystemClock
from parley.models.store.db import apply_migrations
from parley.web.auth import SERVICE_ROLE, issue_token, load_keys
from parley.web.settings import Settings, tortoise_config


def _token(settings: Settings, subject: str, role: str | None = None) -> str:
    """A token as long-lived as the server accepts (PARLEY_JWT_MAX_LIFETIME_SECONDS)."""
    ttl = timedelta(seconds=settings.jwt_max_lifetime_seconds)
    return issue_token(load_keys(settings), subject, role=role, ttl=ttl, now=SystemClock().now())


async def _prepare(settings: Settings, *, demo: bool) -> list[Account] | None:
    """Migrate; with demo on and an empty database, load the demo data."""
    config = tortoise_config(settings.database_url)
    await apply_migrations(config)
    if not demo:
        return None
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        if not await is_empty():
            return None
        loaded = await load_demo(SystemClock())
        return [loaded.freelancer, *loaded.clients]


def _print_tokens(settings: Settings, accounts: list[Account]) -> None:
    url = f"http://{settings.host}:{settings.port}/graphql"
    print("\nParley demo data is loaded. Open GraphiQL at", url)
    print("Paste one of these into GraphiQL's Headers tab:\n")
    for account in accounts:
        account_id = global_ids.encode(Tag.ACCOUNT, account.id)
        header = {"Authorization": f"Bearer {_token(settings, account_id)}"}
        print(f"  {account.name} ({account.kind}, id {account_id}):")
        print(f"  {json.dumps(header)}\n")
    service = {"Authorization": f"Bearer {_token(settings, 'marketplace', SERVICE_ROLE)}"}
    print("  The marketplace's service token (create accounts and orders):")
    print(f"  {json.dumps(service)}\n")
    if settings.inbox_page_on:
        inbox = f"http://{settings.host}:{settings.port}/inbox"
        print(f"The reference inbox page is at {inbox}: paste the token alone (after Bearer).\n")


async def _purge(settings: Settings) -> int:
    config = tortoise_config(settings.database_url)
    await apply_migrations(config)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        return await purge_expired(SystemClock(), settings.retention)


def serve(settings: Settings) -> None:
    import uvicorn

    from parley.server import create_app

    accounts = asyncio.run(_prepare(settings, demo=settings.demo))
    if accounts:
        _print_tokens(settings, accounts)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        **uvicorn_websocket_options(settings),
    )


def uvicorn_websocket_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's WebSocket options from the settings (the production command in README)."""
    return {
        "ws_max_size": settings.ws_max_message_bytes,  # refused before it is read (1009)
        "ws_per_message_deflate": settings.ws_compression,
        "ws_ping_interval": settings.ws_ping_interval_seconds,
        "ws_ping_timeout": settings.ws_ping_timeout_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parley", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="migrate, load demo data if empty, and serve")
    commands.add_parser("migrate", help="apply migrations")
    commands.add_parser("makemigrations", help="write a migration for model changes")
    commands.add_parser("demo", help="load demo data into an empty database")
    token = commands.add_parser("token", help="print a development bearer token")
    token.add_argument("account", nargs="?", default="marketplace")
    token.add_argument("--role", choices=[SERVICE_ROLE], default=None)
    commands.add_parser("export-schema", help="print the GraphQL SDL")
    commands.add_parser("purge", help="delete messages past the retention period now")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()

    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        asyncio.run(apply_migrations(tortoise_config(settings.database_url)))
        print("Migrations applied.")
    elif args.command == "makemigrations":
        from tortoise.cli.cli import main as tortoise_main

        sys.argv = ["tortoise", "makemigrations"]
        tortoise_main()
    elif args.command == "demo":
        accounts = asyncio.run(_prepare(settings, demo=True))
        if accounts:
            _print_tokens(settings, accounts)
        else:
            print("The database is not empty: demo data is only loaded into an empty one.")
    elif args.command == "purge":
        purged = asyncio.run(_purge(settings))
        print(f"Purged {purged} messages older than {settings.retention} (PARLEY_RETENTION).")
    elif args.command == "token":
        print(_token(settings, args.account, args.role))
    elif args.command == "export-schema":
        from parley.schema.build import build_schema

        print(str(build_schema(debug=True)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
