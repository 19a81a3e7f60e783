"""Resolvers without arguments, called directly, answer as strawberry's wrapped call does."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import FieldExtension

from parley.schema.execution.direct_resolvers import shorten_resolvers


class Shout(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Thing:
    label: str

    @strawberry.field
    def with_self(self) -> str:
        return f"self:{self.label}"

    @strawberry.field
    def with_info(self, info: strawberry.Info) -> str:
        return f"{info.field_name}:{info.context['who']}:{self.label}"

    @strawberry.field
    @staticmethod
    def with_root(root: Thing) -> str:
        return f"root:{root.label}"

    @strawberry.field
    @staticmethod
    def with_parent(parent: strawberry.Parent[Thing], info: strawberry.Info) -> str:
        return f"parent:{parent.label}:{info.path.key}"

    @strawberry.field
    async def later(self) -> str:
        return f"later:{self.label}"

    @strawberry.field
    def with_argument(self, suffix: str = "!") -> str:
        return self.label + suffix

    @strawberry.field(extensions=[Shout()])
    def shouted(self) -> str:
        return self.label

    @strawberry.field
    def failing(self) -> str:
        raise ValueError("no")


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [Thing(label="a"), Thing(label="b")]


DOCUMENT = """{ things {
  withSelf withInfo withRoot withParent later withArgument(suffix: "?") shouted failing
  alias: withInfo
} }"""


async def test_direct_calls_answer_as_strawberry_does() -> None:
    wrapped = strawberry.Schema(query=Query)
    direct = strawberry.Schema(query=Query)
    # withSelf, withInfo, withRoot, withParent, later, failing; and Query.things.
    assert shorten_resolvers(direct) == 7
    context = {"who": "me"}
    expected = await wrapped.execute(DOCUMENT, context_value=context)
    result = await direct.execute(DOCUMENT, context_value=context)
    assert result.data == expected.data
    assert [e.formatted for e in result.errors or []] == [
        e.formatted for e in expected.errors or []
    ]
    assert result.data is None  # failing is non-null: the error nulls the list
    partial = await direct.execute(DOCUMENT.replace(" failing", ""), context_value=context)
    assert partial.data == {
        "things": [
            {
                "withSelf": f"self:{label}",
                "withInfo": f"withInfo:me:{label}",
                "withRoot": f"root:{label}",
                "withParent": f"parent:{label}:withParent",
                "later": f"later:{label}",
                "withArgument": f"{label}?",
                "shouted": label.upper(),
                "alias": f"withInfo:me:{label}",
            }
            for label in ("a", "b")
        ]
    }
