"""What one operation may ask for: depth, aliases, tokens, cost; what strangers may learn."""

from __future__ import annotations

import pytest

from parley.schema.build import build_schema
from parley.schema.execution.limits import QueryLimits, without_suggestion
from parley.web.services import Services
from tests.support import Executor, account

DEEP = "{ conversations { edges { node { lastMessage { order { id } sender { id } } } } } }"
ALIASES = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(21)) + " }"
FEED_PAGE = "query($id: ID!) { feed(conversationId: $id, first: 100) { edges { node { __typename ... on Message { id body sender { name } order { title } } } } } }"
COSTLY = (
    "query($id: ID!) { "
    + " ".join(
        f"f{i}: feed(conversationId: $id, first: 100) {{ edges {{ node {{ __typename ... on Message {{ id body sender {{ name }} order {{ title }} }} }} }} }}"
        for i in range(15)
    )
    + " }"
)
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ mee { id } }"


def executor(services: Services, limits: QueryLimits) -> Executor:
    return Executor(build_schema(debug=True, limits=limits), services)


async def test_a_query_deeper_than_the_limit_is_refused(services: Services) -> None:
    errors = await executor(services, QueryLimits(max_depth=4)).errors(DEEP, as_=account(1))
    assert "exceeds maximum operation depth of 4" in errors[0]["message"]
    assert "data" not in errors[0]


async def test_an_alias_bomb_is_refused(services: Services) -> None:
    errors = await executor(services, QueryLimits()).errors(ALIASES, as_=account(1))
    assert "aliases" in errors[0]["message"]


async def test_a_document_with_too_many_tokens_is_refused(services: Services) -> None:
    errors = await executor(services, QueryLimits(max_tokens=20)).errors(DEEP, as_=account(1))
    assert "more than 20 tokens" in errors[0]["message"]


async def test_the_cost_bound_lets_a_full_page_through_and_refuses_fifteen_of_them(
    gql: Executor, services: Services
) -> None:
    allowed = await gql.errors(FEED_PAGE, {"id": "999"}, as_=account(1))
    assert allowed[0]["extensions"]["code"] == "NOT_FOUND", "executed, not refused by cost"
    errors = await gql.errors(COSTLY, {"id": "999"}, as_=account(1))
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert errors[0]["extensions"]["cost"] > QueryLimits().max_cost


async def test_introspection_is_on_in_development_and_off_by_setting(services: Services) -> None:
    data = await executor(services, QueryLimits()).execute(INTROSPECTION, as_=None)
    assert data["__schema"]["queryType"]["name"] == "Query"
    off = executor(services, QueryLimits(introspection=False))
    errors = await off.errors(INTROSPECTION, as_=None)
    assert "introspection" in errors[0]["message"].lower()


@pytest.mark.parametrize("suggestions", [True, False])
async def test_did_you_mean_is_on_in_development_and_off_by_setting(
    services: Services, suggestions: bool
) -> None:
    limits = QueryLimits(suggestions=suggestions)
    errors = await executor(services, limits).errors(TYPO, as_=account(1))
    assert ("Did you mean" in errors[0]["message"]) is suggestions
    assert errors[0]["message"].startswith("Cannot query field 'mee'")


def test_suggestions_are_cut_from_any_message() -> None:
    message = "Value 'AL' does not exist in 'FeedFilter' enum. Did you mean the enum value 'ALL'?"
    assert without_suggestion(message) == "Value 'AL' does not exist in 'FeedFilter' enum."
