"""The executor's short path for plain leaf fields answers exactly as graphql-core's full path."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from parley.compat.strawberry import graphql_schema
from parley.schema.build import build_schema
from parley.schema.execution.executor import FastLeafExecutor, executor_for


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Item:
    name: str
    nickname: str | None
    colour: Colour
    count: int

    @strawberry.field
    async def twice(self) -> int:
        return 2 * self.count

    @strawberry.field
    async def thrice(self) -> int:
        return 3 * self.count


class Broken:
    """Not what the schema says an Item is: nulls, a wrong enum value, a missing attribute."""

    name = None
    nickname = None
    colour = "purple"


@strawberry.type
class Query:
    @strawberry.field
    def good(self) -> Item:
        return Item(name="a", nickname=None, colour=Colour.RED, count=3)

    @strawberry.field
    async def later(self) -> list[Item]:
        return [Item(name=f"b{i}", nickname="n", colour=Colour.RED, count=i) for i in range(3)]

    @strawberry.field
    def bad(self) -> Item | None:
        return Broken()  # type: ignore[return-value]


DOCUMENT = """{
  good { __typename name nickname colour count again: name twice }
  later { name twice count thrice }
  bad { name }
}"""
EACH_ERROR = ["{ bad { name } }", "{ bad { nickname colour } }", "{ bad { count } }"]


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    full = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query, execution_context_class=FastLeafExecutor)
    fast.execution_context_class = executor_for(graphql_schema(fast))
    return full, fast


async def _answer(schema: strawberry.Schema, document: str) -> tuple[Any, list[Any]]:
    result = await schema.execute(document)
    return result.data, [error.formatted for error in result.errors or []]


async def test_results_and_errors_match_the_full_path() -> None:
    full, fast = _schemas()
    for document in [DOCUMENT, *EACH_ERROR]:
        assert await _answer(fast, document) == await _answer(full, document), document
    data, errors = await _answer(fast, DOCUMENT)
    assert data["good"] == {
        "__typename": "Item",
        "name": "a",
        "nickname": None,
        "colour": "RED",
        "count": 3,
        "again": "a",
        "twice": 6,
    }
    assert data["later"][2] == {"name": "b2", "twice": 4, "count": 2, "thrice": 6}
    assert list(data["later"][0]) == ["name", "twice", "count", "thrice"]
    assert errors


def test_the_feed_types_plain_fields_take_the_short_path() -> None:
    plans = build_schema(debug=False).execution_context_class.plans  # type: ignore[attr-defined]
    assert {"body", "createdAt"} <= set(plans["Message"])
    assert "cursor" in plans["FeedEdge"]
    assert "isMine" not in plans["Message"]  # a resolver: the full path


async def test_selections_that_depend_on_variables_are_collected_per_operation() -> None:
    full, fast = _schemas()
    document = "query($x: Boolean!) { good { name count @include(if: $x) } later { name } }"
    for x in (True, False, True):
        expected = await full.execute(document, variable_values={"x": x})
        result = await fast.execute(document, variable_values={"x": x})
        assert result.data == expected.data
        assert ("count" in result.data["good"]) is x  # type: ignore[index]


async def test_a_repeated_document_answers_the_same_each_time() -> None:
    full, fast = _schemas()
    expected = await _answer(full, DOCUMENT)
    for _ in range(3):
        assert await _answer(fast, DOCUMENT) == expected
