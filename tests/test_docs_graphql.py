"""Every GraphQL example in the docs is valid against schema.graphql, as codegen takes it:
one named operation a block, each name used once."""

from __future__ import annotations

from collections import Counter

from graphql import (
    GraphQLError,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
)

from tests.graphql_blocks import ROOT, graphql_blocks

SCHEMA = build_schema((ROOT / "schema.graphql").read_text())


def operations_of(text: str) -> list[OperationDefinitionNode]:
    return [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]


def test_the_docs_have_graphql_examples() -> None:
    assert len(graphql_blocks()) > 20


def test_every_graphql_block_is_valid_against_the_schema() -> None:
    problems: list[str] = []
    for block in graphql_blocks():
        try:
            errors = validate(SCHEMA, parse(block.text))
        except GraphQLError as error:  # a syntax error
            errors = [error]
        for error in errors:
            line = block.line + (error.locations[0].line - 1 if error.locations else 0)
            problems.append(f"{block.path.name}:{line}: {error.message}")
    assert problems == []


def test_every_graphql_block_is_one_named_operation() -> None:
    problems = [
        f"{block.where}: {len(ops)} operations, {[op.name.value if op.name else None for op in ops]}"
        for block in graphql_blocks()
        if len(ops := operations_of(block.text)) != 1 or ops[0].name is None
    ]
    assert problems == []


def test_operation_names_are_unique_across_the_docs() -> None:
    names = Counter(
        op.name.value
        for block in graphql_blocks()
        for op in operations_of(block.text)
        if op.name is not None
    )
    assert [name for name, count in names.items() if count > 1] == []
