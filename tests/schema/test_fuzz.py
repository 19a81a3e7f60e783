"""Every root field with generated arguments: never an untyped error, never a refused change.

The strategies are derived from the schema (tests/graphql_strategies.py), so a new
root field or argument is fuzzed without a change here, and a scalar without a
strategy fails the test. Arguments mix valid ids, times and cursors of a seeded
scene with hostile values (NUL, lone surrogates, huge numbers, long strings, bad
zones and cursors, far dates), sent as each kind of caller.

The single assertion, per answer: no error is internal (masked in production) or
lacks a code once a resolver ran, none discloses the server's paths, and when the
answer is a refusal every table holds what it held before.

Bounded for `make test`: a fixed seed (derandomize) and a fixed number of examples
per root field. `PARLEY_FUZZ_PROFILE=long` runs many more (README, Tests).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.call_flow import send_call_invite
from parley.models.campaigns import create_campaign
from parley.models.global_ids import Tag
from parley.models.messaging import send_message
from parley.models.orders import Order
from parley.models.store.clock import ManualClock
from parley.resolvers.cursors import event_cursor
from parley.schema.build import MASKED_MESSAGE, build_schema, mask_unexpected
from parley.schema.context import Context
from parley.schema.execution.limits import QueryLimits
from parley.web.auth import Caller
from parley.web.services import Services
from tests.database_state import all_rows
from tests.graphql_strategies import (
    HUGE_NUMBER_CURSORS,
    Operation,
    Values,
    operation,
    root_field,
    root_fields,
)
from tests.ids import gid
from tests.support import SERVICE, WAIT, Executor, account

# No shrinking: the scene changes as operations succeed, so a replayed example can differ;
# the first failing example is reported as it was.
settings.register_profile(
    "parley-ci",
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "parley-long", settings.get_profile("parley-ci"), max_examples=200, derandomize=False
)
PROFILE = os.environ.get("PARLEY_FUZZ_PROFILE", "ci")
FUZZ = settings(settings.get_profile(f"parley-{PROFILE}"))
# The suite's 120 s per test bounds the CI profile; a long run by hand takes minutes.
TIME_LIMIT = pytest.mark.timeout(120 if PROFILE == "ci" else 3600)

# Unmasked, so a failure shows the real error; `problems_in` masks as production would.
# The operation limits are tested on their own (tests/schema/test_limits.py): here they are
# wide, so that deep selections reach every resolver.
SCHEMA = build_schema(
    debug=True,
    limits=QueryLimits(max_depth=20, max_aliases=100, max_tokens=100_000, max_cost=10**9),
)
SDL = graphql.build_schema(SCHEMA.as_str())
ERROR_TYPES = {
    name
    for name, named in SDL.type_map.items()
    if isinstance(named, graphql.GraphQLObjectType)
    and any(interface.name == "Error" for interface in named.interfaces)
}
FEED_CURSORS = "query($id: ID!) { feed(conversationId: $id, last: 5) { edges { cursor } } }"
CONVERSATION_CURSORS = "{ conversations(first: 5) { edges { cursor } } }"
# How long a subscription may take to fail on its arguments before it counts as open.
OPENING = 0.2


@dataclass
class Scene:
    values: Values
    callers: list[Caller | None]


@pytest.fixture
async def scene(
    gql: Executor,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    clock: ManualClock,
) -> Scene:
    """Two clients, a freelancer, an order, messages, a pending call invite and a campaign."""
    other = await create_account(clock, kind=AccountKind.CLIENT, name="Brightside")
    sent = await send_message(
        clock, client.id, body="About the brief", conversation_id=conversation_with_order
    )
    soon = clock.now() + timedelta(days=7)
    invite = await send_call_invite(
        clock, client.id, freelancer_id=freelancer.id, start_times=[soon], duration_minutes=30
    )
    campaign = await create_campaign(clock, client.id, "Spring launch")
    order = await Order.get(conversation_id=conversation_with_order)
    rows = [
        (Tag.ACCOUNT, client.id),
        (Tag.ACCOUNT, freelancer.id),
        (Tag.ACCOUNT, other.id),
        (Tag.CONVERSATION, conversation_with_order),
        (Tag.ORDER, order.id),
        (Tag.FEED_ITEM, sent.message.id),
        (Tag.CALL_INVITE, invite.invite.id),
        (Tag.CAMPAIGN, campaign.id),
    ]
    # The API's ids of the scene's objects, and their bare row ids, which it must refuse.
    ids = sorted({gid(tag, row_id) for tag, row_id in rows} | {str(row_id) for _, row_id in rows})
    feed = await gql.execute(
        FEED_CURSORS, {"id": gid(Tag.CONVERSATION, conversation_with_order)}, as_=account(client.id)
    )
    listed = await gql.execute(CONVERSATION_CURSORS, as_=account(client.id))
    cursors = [edge["cursor"] for edge in feed["feed"]["edges"]]
    cursors += [edge["cursor"] for edge in listed["conversations"]["edges"]]
    cursors += [event_cursor(0), event_cursor(1)]
    times = [soon.isoformat(), (soon + timedelta(hours=2)).isoformat()]
    return Scene(
        Values(ids=ids, times=times, cursors=cursors),
        [account(client.id), account(freelancer.id), account(other.id), SERVICE, None],
    )


def problems_in(result: ExecutionResult) -> list[str]:
    """What is wrong with an answer's errors: internal, uncoded after a resolver, or leaking."""
    problems = []
    errors = list(result.errors or [])
    for original, shown in zip(errors, mask_unexpected(errors), strict=True):
        code = (shown.extensions or {}).get("code")
        if shown.message == MASKED_MESSAGE:
            problems.append(f"internal error: {original.message!r}")
        elif shown.path and not code:
            problems.append(f"error without a code at {shown.path}: {shown.message!r}")
        if str(Path.cwd()) in shown.message:
            problems.append(f"error discloses a server path: {shown.message!r}")
    return problems


def refused(result: ExecutionResult) -> bool:
    if result.errors or not result.data:
        return True
    (answer,) = result.data.values()
    return answer is None or (isinstance(answer, dict) and answer.get("__typename") in ERROR_TYPES)


class Fuzzer:
    """Runs operations on the test's event loop from hypothesis's thread; tracks the tables."""

    def __init__(self, services: Services, loop: asyncio.AbstractEventLoop) -> None:
        self.services = services
        self.loop = loop
        self.rows: dict[str, list[str]] = {}

    def run(self, operation: Operation, caller: Caller | None) -> list[str]:
        future = asyncio.run_coroutine_threadsafe(self.attempt(operation, caller), self.loop)
        return future.result(WAIT * 3)

    async def attempt(self, operation: Operation, caller: Caller | None) -> list[str]:
        context = Context(services=self.services, caller=caller)
        if operation.root == "subscription":
            result = await self._opened(operation, context)
        else:
            result = await SCHEMA.execute(
                operation.document, variable_values=operation.variables, context_value=context
            )
        problems = problems_in(result)
        rows = await all_rows()
        if refused(result) and rows != self.rows:
            changed = [table for table in rows if rows[table] != self.rows.get(table)]
            problems.append(f"refused, yet these tables changed: {changed}")
        self.rows = rows
        return problems

    async def _opened(self, operation: Operation, context: Context) -> ExecutionResult:
        """The subscription's first answer, or an empty one once it waits for live events."""
        stream = await SCHEMA.subscribe(
            operation.document, variable_values=operation.variables, context_value=context
        )
        if isinstance(stream, ExecutionResult):
            return stream
        try:
            first: ExecutionResult = await asyncio.wait_for(anext(stream), OPENING)  # type: ignore[arg-type]
        except TimeoutError:
            first = ExecutionResult(data={operation.field: {"__typename": "open"}}, errors=None)
        finally:
            await stream.aclose()  # type: ignore[union-attr]
        return first


def fuzz(
    fuzzer: Fuzzer, fields: list[tuple[str, str]], values: Values, callers: list[Caller | None]
) -> dict[str, str]:
    """Each root field's falsifying example, if hypothesis found one (runs in a thread)."""
    failures = {}
    for root, name in fields:
        check = _checker(fuzzer, operation(SDL, root, name, values), st.sampled_from(callers))
        try:
            check()
        except Exception as exc:  # hypothesis re-raises the shrunk failure; collect them all
            failures[f"{root}.{name}"] = f"{type(exc).__name__}: {exc}"
    return failures


def _checker(
    fuzzer: Fuzzer, operations: st.SearchStrategy[Operation], callers: st.SearchStrategy[Any]
) -> Callable[[], None]:
    @FUZZ
    @given(operations, callers)
    def check(operation: Operation, caller: Caller | None) -> None:
        problems = fuzzer.run(operation, caller)
        assert not problems, (problems, operation.document, operation.variables, caller)

    return check


@TIME_LIMIT
async def test_no_input_gets_an_untyped_error_or_changes_anything_when_refused(
    scene: Scene, services: Services
) -> None:
    fuzzer = Fuzzer(services, asyncio.get_running_loop())
    fuzzer.rows = await all_rows()
    fields = root_fields(SDL)
    assert {root for root, _ in fields} == {"query", "mutation", "subscription"}
    failures = await asyncio.to_thread(fuzz, fuzzer, fields, scene.values, scene.callers)
    assert not failures, "\n\n".join(f"{field}: {why}" for field, why in failures.items())


@TIME_LIMIT
async def test_huge_numbers_in_cursors_are_typed_refusals(scene: Scene, services: Services) -> None:
    fuzzer = Fuzzer(services, asyncio.get_running_loop())
    fuzzer.rows = await all_rows()
    fields = [
        (root, name)
        for root, name in root_fields(SDL)
        if {"after", "before"} & set(root_field(SDL, root, name).args)
    ]
    values = Values(
        ids=scene.values.ids,
        times=scene.values.times,
        cursors=[],
        hostile_cursors=HUGE_NUMBER_CURSORS,
    )
    failures = await asyncio.to_thread(fuzz, fuzzer, fields, values, scene.callers)
    assert not failures, "\n\n".join(f"{field}: {why}" for field, why in failures.items())
