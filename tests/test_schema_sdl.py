"""The published SDL is the code's schema, and every part of it is documented."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)

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
        if isinstance(gql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value}" for value, spec in gql_type.values.items() if not spec.description
            ]
    assert not missing, f"undocumented: {missing}"


def test_every_custom_scalar_names_its_specification() -> None:
    """Code generators map a scalar to a type by its @specifiedBy (DateTime is RFC 3339)."""
    schema = graphql_schema(build_schema(debug=True))
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    scalars = {
        name: gql_type.specified_by_url
        for name, gql_type in schema.type_map.items()
        if isinstance(gql_type, GraphQLScalarType) and name not in builtin
    }
    assert scalars["DateTime"] == "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
    assert all(scalars.values()), f"scalars without @specifiedBy: {scalars}"
