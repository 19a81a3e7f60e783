"""The obvious query is the valid one: no two types a client selects side by side clash.

GraphQL refuses a selection that asks two members of a union (or two implementations of
an interface) for the same field name when the fields' types differ: `Fields 'event'
conflict because they return conflicting types`. Every client hits that in a "whole feed"
query, so the schema never lets it happen.
"""

from __future__ import annotations

from itertools import combinations

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
    parse,
    print_schema,
    validate,
)
from graphql import build_schema as build_sdl

from parley.compat.strawberry import graphql_schema
from parley.schema.build import build_schema


def _schema() -> GraphQLSchema:
    return graphql_schema(build_schema(debug=True))


def _members(schema: GraphQLSchema, abstract: GraphQLNamedType) -> list[GraphQLObjectType]:
    assert isinstance(abstract, GraphQLUnionType | GraphQLInterfaceType)
    return list(schema.get_possible_types(abstract))


def _abstract_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    return [
        named
        for name, named in schema.type_map.items()
        if not name.startswith("__") and isinstance(named, GraphQLUnionType | GraphQLInterfaceType)
    ]


def conflicts(schema: GraphQLSchema) -> list[str]:
    """Each field name that two members of one union or interface give different types."""
    found: list[str] = []
    for abstract in _abstract_types(schema):
        for one, other in combinations(_members(schema, abstract), 2):
            for name in sorted(one.fields.keys() & other.fields.keys()):
                mine, theirs = one.fields[name].type, other.fields[name].type
                if str(mine) != str(theirs):
                    found.append(
                        f"{abstract.name}: {one.name}.{name}: {mine} vs {other.name}.{name}: {theirs}"
                    )
    return found


def test_no_two_members_of_a_union_or_interface_give_one_field_name_two_types() -> None:
    schema = _schema()
    assert _abstract_types(schema), "the schema has unions and interfaces to check"
    assert conflicts(schema) == []


def test_the_check_finds_a_clash_when_there_is_one() -> None:
    """The test above can fail: the feed's old `event` fields are reported, in the feed's
    union and in `Node`, which both types implement."""
    old = {"OrderEvent": "orderEventType", "CallInviteEvent": "callEventType"}
    found = conflicts(_renamed(_schema(), old))
    clash = "OrderEvent.event: OrderEventType! vs CallInviteEvent.event: CallEventType!"
    assert sorted(found) == [f"FeedItem: {clash}", f"Node: {clash}"]


def _renamed(schema: GraphQLSchema, fields: dict[str, str]) -> GraphQLSchema:
    """A copy of `schema` in which each type's field in `fields` is called `event` again."""
    sdl = print_schema(schema)
    for type_name, field in fields.items():
        start = sdl.index(f"type {type_name} ")
        end = sdl.index("\n}", start)
        sdl = sdl[:start] + sdl[start:end].replace(f"  {field}:", "  event:") + sdl[end:]
    return build_sdl(sdl)


def _every_field(schema: GraphQLSchema, object_type: GraphQLObjectType, depth: int) -> str:
    """A selection of every field without arguments, nested objects `depth` levels deep."""
    parts = []
    for name, field in object_type.fields.items():
        if any(is_required_argument(arg) for arg in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif depth > 0 and isinstance(named, GraphQLObjectType):
            parts.append(f"{name} {{ {_every_field(schema, named, depth - 1)} }}")
        elif depth > 0 and isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
            parts.append(f"{name} {{ __typename }}")
    return " ".join(parts)


def test_a_whole_feed_query_without_aliases_validates() -> None:
    """Every field of every feed item kind, side by side, as a client writes it first."""
    schema = _schema()
    feed_item = schema.get_type("FeedItem")
    assert isinstance(feed_item, GraphQLUnionType)
    fragments = " ".join(
        f"... on {member.name} {{ {_every_field(schema, member, depth=1)} }}"
        for member in feed_item.types
    )
    document = parse(
        "query WholeFeed($id: ID!) { feed(conversationId: $id, last: 20) "
        f"{{ edges {{ cursor node {{ __typename {fragments} }} }} }} }}"
    )
    assert validate(schema, document) == []


def test_refetching_every_kind_of_node_at_once_without_aliases_validates() -> None:
    """`nodes(ids:)` over mixed ids, every field of every Node type side by side."""
    schema = _schema()
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    implementations = schema.get_possible_types(node)
    assert len(implementations) == 15
    fragments = " ".join(
        f"... on {member.name} {{ {_every_field(schema, member, depth=1)} }}"
        for member in implementations
    )
    document = parse(f"query Everything($ids: [ID!]!) {{ nodes(ids: $ids) {{ id {fragments} }} }}")
    assert validate(schema, document) == []
