"""Hypothesis strategies for any root field of a GraphQL schema, derived from the schema itself.

`operation(schema, root, field, values)` draws a document calling one root field with
a value for its arguments (passed as variables, so any string reaches the resolver)
and selecting what it returns a few levels deep, through every union member. Values
come from `Values`: valid ones from a seeded scene, mixed with hostile ones. A scalar
with no strategy raises `NoStrategy`, so a new scalar cannot go unfuzzed unnoticed;
a new root field or argument is covered without a change here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationType,
    Undefined,
)
from hypothesis import strategies as st

from parley.resolvers.cursors import VERSION

ROOTS = ("query", "mutation", "subscription")
# How deep selections go below the root field: deep enough for a feed item's call invite's
# times on the viewer's wall clock (feed.edges.node.invite.proposedTimes.local).
DEPTH = 5


class NoStrategy(Exception):
    """A type in the schema has no strategy: add one to `Values`."""


def cursor(kind: str, *fields: object) -> str:
    """A cursor in Parley's encoding (resolvers/cursors.py) holding any fields at all."""
    raw = json.dumps([VERSION, kind, *fields]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\ud800",
    "\u200b",
    " \u2060 ",
    "\r\n",
    "x" * 10_001,
    "🙂" * 2_600,
    "'; DROP TABLE accounts; --",
    "%s%n{0}",
    "../../../etc/passwd",
]
HOSTILE_IDS = ["0", "-1", "1.5", "1e3", " 7", "abc", "\x00", str(2**63), str(2**64), "9" * 40, ""]
HOSTILE_INTS = [-1, -(2**31), 2**31 - 1, 2**31, 2**63, 10**30]
HOSTILE_ZONES = ["Europe/" + "x" * 10_000, "../../etc/passwd", "Europe/Berlin\x00", "Mars/Base", ""]
HOSTILE_DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "yesterday", ""]
HOSTILE_DECIMALS = ["-1", "0", "1e30", "1.001", "NaN", "Infinity", "9" * 400, "abc", ""]
HOSTILE_TIMES = [
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:30:00-05:00",
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00Z",
    "2026-01-12T15:00:00",
    "1970-01-01T00:00:00Z",
    "not a time",
    "2026-13-45T25:61:00Z",
    "",
]
# Cursors that decode but point nowhere or hold the wrong shape.
MALFORMED_CURSORS = [
    "",
    "!!!",
    "\x00",
    cursor("feed"),
    cursor("feed", 1, "abc"),
    cursor("feed", 1, -5),
    cursor("ev", 1, 2),
    cursor("conv", True, "not a time", 3),
    cursor("conv", True, "2026-01-05T09:00:00+00:00", "x"),
    cursor("other", 1),
    "x" * 5_000,
]
HUGE_NUMBER_CURSORS = [
    cursor("feed", 1, 10**20),
    cursor("ev", 10**20),
    cursor("conv", True, "2026-01-05T09:00:00+00:00", 10**20),
    cursor("support", 10**20),
]


@dataclass
class Values:
    """Where argument values come from: valid ones from the scene, and hostile ones."""

    ids: Sequence[str]
    times: Sequence[str]
    cursors: Sequence[str]
    hostile_cursors: Sequence[str] = field(default_factory=lambda: list(MALFORMED_CURSORS))
    push_keys: dict[str, str] = field(
        default_factory=lambda: {
            "p256dh": base64.urlsafe_b64encode(b"\x04" + b"k" * 64).decode().rstrip("="),
            "auth": base64.urlsafe_b64encode(b"a" * 16).decode().rstrip("="),
        }
    )

    def text(self) -> st.SearchStrategy[str]:
        return st.one_of(
            st.sampled_from(["Hello", "Cafe\u0301 at 10?\r\nOk", " padded ", *HOSTILE_TEXT]),
            st.text(max_size=30),
        )

    def string(self, name: str) -> st.SearchStrategy[str]:
        """A String value; the argument's name says which kind of string is plausible."""
        if name == "timeZone":
            return st.sampled_from(["UTC", "Europe/Berlin", "Asia/Tokyo", *HOSTILE_ZONES])
        if name in ("after", "before"):
            return st.sampled_from([*self.cursors, *self.hostile_cursors])
        if name == "email":
            return st.one_of(st.just("maya@example.com"), self.text())
        if name == "endpoint":
            return st.one_of(st.just("https://push.example/send/abc"), self.text())
        if name in self.push_keys:
            return st.one_of(st.just(self.push_keys[name]), self.text())
        return self.text()

    def scalar(self, name: str, scalar: GraphQLScalarType) -> st.SearchStrategy[Any]:
        if scalar.name == "ID":
            # Mostly real ids, so that calls get past "not found" to the rules and the rows.
            return st.sampled_from([*self.ids, *self.ids, *self.ids, *HOSTILE_IDS])
        if scalar.name == "String":
            return self.string(name)
        if scalar.name == "Int":
            return st.one_of(st.integers(-3, 120), st.sampled_from(HOSTILE_INTS))
        if scalar.name == "Boolean":
            return st.booleans()
        if scalar.name == "DateTime":
            return st.sampled_from([*self.times, *HOSTILE_TIMES])
        if scalar.name == "Date":
            plausible = sorted({time[:10] for time in self.times})
            return st.sampled_from([*plausible, *HOSTILE_DATES])
        if scalar.name == "Decimal":
            return st.sampled_from(["120.00", "0.5", *HOSTILE_DECIMALS])
        raise NoStrategy(f"no strategy for the scalar {scalar.name} (argument {name})")

    def value(self, name: str, of: GraphQLInputType) -> st.SearchStrategy[Any]:
        if isinstance(of, GraphQLNonNull):
            return self._non_null(name, of.of_type)
        return st.one_of(st.none(), self._non_null(name, of))

    def _non_null(self, name: str, of: GraphQLInputType) -> st.SearchStrategy[Any]:
        if isinstance(of, GraphQLList):
            return st.lists(self.value(name, of.of_type), max_size=6)
        if isinstance(of, GraphQLEnumType):
            return st.sampled_from(list(of.values))
        if isinstance(of, GraphQLInputObjectType):
            required, optional = {}, {}
            for key, input_field in of.fields.items():
                strategy = self.value(key, input_field.type)
                is_required = (
                    isinstance(input_field.type, GraphQLNonNull)
                    and input_field.default_value is Undefined
                )
                (required if is_required else optional)[key] = strategy
            return st.fixed_dictionaries(required, optional=optional)
        if isinstance(of, GraphQLScalarType):
            return self.scalar(name, of)
        raise NoStrategy(f"no strategy for {of} (argument {name})")


def root_fields(schema: GraphQLSchema) -> list[tuple[str, str]]:
    """Every (root, field) pair: each query, mutation and subscription field."""
    pairs = []
    for root in ROOTS:
        root_type = schema.get_root_type(OperationType(root))
        if root_type is not None:
            pairs += [(root, name) for name in root_type.fields]
    return pairs


def root_field(schema: GraphQLSchema, root: str, name: str) -> GraphQLField:
    root_type = schema.get_root_type(OperationType(root))
    assert root_type is not None, root
    return root_type.fields[name]


def _named(of: GraphQLOutputType) -> GraphQLNamedType:
    while isinstance(of, GraphQLNonNull | GraphQLList):
        of = of.of_type
    return of


def _conflicts(union: GraphQLUnionType) -> set[str]:
    """Field names that union members give different types (they need aliases to coexist)."""
    types: dict[str, set[str]] = {}
    for member in union.types:
        for name, child in member.fields.items():
            types.setdefault(name, set()).add(str(child.type))
    return {name for name, seen in types.items() if len(seen) > 1}


def selection(of: GraphQLOutputType, depth: int, aliased: set[str] | None = None) -> str:
    """Every argument-free field of `of`, `depth` levels deep; every member of a union.

    Fields named in `aliased` get an alias (`OrderEvent_event: event`), so that union
    members whose same-named fields differ in type can be selected side by side.
    """
    named = _named(of)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if isinstance(named, GraphQLUnionType):
        members = " ".join(
            f"... on {member.name} {selection(member, depth, _conflicts(named))}"
            for member in named.types
        )
        return f"{{ __typename {members} }}"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType), named
    parts = ["__typename"]
    for name, child in named.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in child.args.values()):
            continue
        key = f"{named.name}_{name}: {name}" if aliased and name in aliased else name
        if isinstance(_named(child.type), GraphQLScalarType | GraphQLEnumType):
            parts.append(key)
        elif depth > 0:
            parts.append(f"{key} {selection(child.type, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


@dataclass(frozen=True)
class Operation:
    root: str
    field: str
    document: str
    variables: dict[str, Any]


def operation(
    schema: GraphQLSchema, root: str, name: str, values: Values
) -> st.SearchStrategy[Operation]:
    """One call of `root`.`name` with drawn arguments; optional ones are sometimes left out."""
    target = root_field(schema, root, name)
    required, optional = {}, {}
    for arg_name, arg in target.args.items():
        strategy = values.value(arg_name, arg.type)
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            required[arg_name] = strategy
        else:
            optional[arg_name] = strategy
    body = selection(target.type, DEPTH)

    def build(arguments: dict[str, Any]) -> Operation:
        declared = ", ".join(f"${key}: {target.args[key].type}" for key in arguments)
        passed = ", ".join(f"{key}: ${key}" for key in arguments)
        head = f"{root} Fuzz({declared})" if declared else f"{root} Fuzz"
        call = f"{name}({passed})" if passed else name
        return Operation(root, name, f"{head} {{ {call} {body} }}", arguments)

    return st.fixed_dictionaries(required, optional=optional).map(build)
