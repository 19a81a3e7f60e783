"""Test helpers: a GraphQL executor bound to a caller, and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import ExecutionResult
from websockets.asyncio.client import ClientConnection, connect

from parley.schema.context import Context
from parley.web.auth import Caller
from parley.web.services import Services

WAIT = 10.0  # seconds to wait for an event before a test fails


@dataclass
class Executor:
    """Runs documents through `schema.execute`/`schema.subscribe` as a given caller."""

    schema: strawberry.Schema
    services: Services

    def context(self, caller: Caller | None) -> Context:
        return Context(services=self.services, caller=caller)

    async def execute(
        self, document: str, variables: dict[str, Any] | None = None, *, as_: Caller | None
    ) -> dict[str, Any]:
        result = await self.schema.execute(
            document, variable_values=variables, context_value=self.context(as_)
        )
        if result.errors:
            raise AssertionError([error.formatted for error in result.errors])
        assert result.data is not None
        return result.data

    async def subscribe(
        self, document: str, variables: dict[str, Any] | None = None, *, as_: Caller | None
    ) -> AsyncGenerator[Any, None]:
        """An open `schema.subscribe` stream for the caller (results come from next_data)."""
        stream = await self.schema.subscribe(
            document, variable_values=variables, context_value=self.context(as_)
        )
        assert not isinstance(stream, ExecutionResult), stream
        return stream  # type: ignore[return-value]

    async def errors(
        self, document: str, variables: dict[str, Any] | None = None, *, as_: Caller | None
    ) -> list[dict[str, Any]]:
        result = await self.schema.execute(
            document, variable_values=variables, context_value=self.context(as_)
        )
        assert result.errors, "expected errors"
        return [dict(error.formatted) for error in result.errors]


async def next_data(stream: AsyncGenerator[Any, None]) -> dict[str, Any]:
    """The next result's data from a subscription stream, failing on errors or a stall."""
    result = await asyncio.wait_for(anext(stream), WAIT)
    assert not result.errors, result.errors
    data: dict[str, Any] = result.data
    return data


def account(account_id: int) -> Caller:
    return Caller(account_id=account_id)


SERVICE = Caller(account_id=None, is_service=True)


class GraphQLWSClient:
    """A minimal graphql-transport-ws client over a real WebSocket."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._pending: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    async def open(cls, url: str, token: str | None, *, init: bool = True) -> GraphQLWSClient:
        connection = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        client = cls(connection)
        if init:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await client.send({"type": "connection_init", "payload": payload})
            ack = await client.receive()
            assert ack["type"] == "connection_ack", ack
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float | None = WAIT) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        await self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    async def next_payload(self, operation_id: str, timeout: float | None = WAIT) -> dict[str, Any]:
        """The next `next` message's data for `operation_id`; other operations' frames wait."""
        while True:
            waiting = self._pending.get(operation_id)
            if waiting:
                message = waiting.pop(0)
            else:
                message = await self.receive(timeout)
                if message["type"] == "ping":
                    await self.send({"type": "pong"})
                    continue
                if message.get("id") != operation_id:
                    self._pending.setdefault(str(message.get("id")), []).append(message)
                    continue
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            data: dict[str, Any] = message["payload"]["data"]
            return data

    async def close(self) -> None:
        await self.connection.close()


class QueryLog:
    """Captures the SQL tortoise sends while the `with` block runs."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __enter__(self) -> QueryLog:
        import logging

        self._logger = logging.getLogger("tortoise.db_client")
        self._level = self._logger.level
        self._handler = _Collect(self.statements)
        self._logger.addHandler(self._handler)
        self._logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._level)

    @property
    def selects(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


class _Collect:
    level = 0

    def __init__(self, sink: list[str]) -> None:
        self.sink = sink

    def handle(self, record: Any) -> bool:
        self.sink.append(record.getMessage())
        return True

    def __getattr__(self, name: str) -> Any:
        import logging

        return getattr(logging.NullHandler(), name)
