"""Outside debug, unexpected errors reach clients masked; expected ones keep their code."""

from __future__ import annotations

import logging

import pytest
from tortoise.context import TortoiseContext

from parley.models.accounts import Account
from parley.schema.build import build_schema
from parley.web.services import Services
from tests.support import Executor, account


async def test_unexpected_failures_are_masked_and_expected_ones_are_not(
    services: Services, db: TortoiseContext, client: Account
) -> None:
    production = Executor(build_schema(debug=False), services)
    expected = await production.errors(
        "{ feed(conversationId: 424242) { edges { cursor } } }", as_=account(client.id)
    )
    assert expected[0]["extensions"] == {"code": "NOT_FOUND"}

    await db.close_connections()  # the database goes away: an unexpected failure
    unexpected = await production.errors("{ me { id } }", as_=account(client.id))
    assert unexpected[0]["message"] == "Unexpected error."
    assert "extensions" not in unexpected[0]

    debugging = Executor(build_schema(debug=True), services)
    revealed = await debugging.errors("{ me { id } }", as_=account(client.id))
    assert revealed[0]["message"] != "Unexpected error."


async def test_client_mistakes_stay_out_of_the_error_log_and_bugs_do_not(
    services: Services, db: TortoiseContext, client: Account, caplog: pytest.LogCaptureFixture
) -> None:
    production = Executor(build_schema(debug=False), services)
    with caplog.at_level(logging.INFO):
        await production.errors("{ feed(", as_=account(client.id))  # a syntax error
        await production.errors("{ noSuchField }", as_=account(client.id))
        await production.errors(
            "{ feed(conversationId: 424242) { edges { cursor } } }", as_=account(client.id)
        )
    assert [r.levelname for r in caplog.records if r.name.startswith("strawberry")] == []
    assert len([r for r in caplog.records if r.name == "parley.graphql.client"]) == 3

    caplog.clear()
    await db.close_connections()  # the database goes away: a failure operators must see
    with caplog.at_level(logging.INFO):
        await production.errors("{ me { id } }", as_=account(client.id))
    assert [r.levelname for r in caplog.records if r.name == "strawberry.execution"] == ["ERROR"]


async def test_a_variable_its_scalar_refuses_is_reported_not_masked(
    services: Services, db: TortoiseContext, client: Account
) -> None:
    production = Executor(build_schema(debug=False), services)
    document = "mutation($id: ID!, $at: DateTime!) { acceptCallInvite(id: $id, startsAt: $at) { __typename } }"
    for at in ("not a time", 7):
        (error,) = await production.errors(document, {"id": "1", "at": at}, as_=account(client.id))
        assert error["message"].startswith("Variable '$at' has invalid value"), error
    (error,) = await production.errors(
        "query($n: Int) { notificationLog(first: $n) { id } }", {"n": 2**40}, as_=account(client.id)
    )
    assert error["message"].startswith("Variable '$n' has invalid value"), error
