"""The published SDL is the code's schema, and every part of it is documented."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from parley.compat.strawberry import graphql_schema
from parley.schema.build import build_schema

SDL = Path(__file__).parent.parent / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    assert SDL.read_text().rstrip() == str(build_schema(debug=True)).rstrip(), (
        "schema.graphql is stale: run `make schema` and commit it"
    )


def test_every_type_field_and_argument_has_a_description() -> None:
    missing: list[str] = []
    schema = graphql_schema(build_schema(debug=True))
    for name, gql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in gql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, spec in field.args.items()
                    if not spec.description
                ]
        if isinstance(gql_type, GraphQLInputObjectType):
            missing += [
                f"{name}.{f}" for f, spec in gql_type.fields.items() if not spec.description
            ]
        if isinstance(gql_type, GraphQLEnumType) and not gql_type.description:
            missing.append(name)
    assert not missing, f"undocumented: {missing}"
