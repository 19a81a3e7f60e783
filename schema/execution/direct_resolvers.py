"""Resolvers that take no arguments, called without strawberry's per-call wrapping.

For every field with a resolver, strawberry wraps the call: it builds its
`Info`, converts the (here: absent) arguments, lets field extensions reshape
them, chains the extensions' resolvers, then calls the function. A feed page
calls three such resolvers per message (`isMine`, `sender`, `order`): ~60 per
page, each paying for machinery it does not use. `shorten_resolvers` replaces,
in the built schema, the resolver of each field that has no arguments, no field
extensions and no exception handlers by a direct call that passes exactly what
strawberry would pass (the source as `self`, `root` or `parent`; `info` as
strawberry's Info): the same call, without the layers around it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from parley.compat.strawberry import graphql_schema, has_field_exception_handlers, info_factory


def shorten_resolvers(schema: strawberry.Schema) -> int:
    """Replace the qualifying resolvers of `schema`; returns how many were replaced."""
    replaced = 0
    names = schema.config.name_converter
    for type_name, graphql_type in graphql_schema(schema).type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name in _ROOTS_SKIPPED:
            continue
        definition = graphql_type.extensions.get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            graphql_field = graphql_type.fields.get(names.get_graphql_name(field))
            if graphql_field is None or not _qualifies(schema, field, graphql_field.args):
                continue
            graphql_field.resolve = _direct(schema, field)
            replaced += 1
    return replaced


# Subscriptions resolve through their source streams; leave them to strawberry.
_ROOTS_SKIPPED = frozenset({"Subscription"})


def _qualifies(schema: strawberry.Schema, field: StrawberryField, args: dict[str, Any]) -> bool:
    resolver = field.base_resolver
    return (
        resolver is not None
        and not args
        and not resolver.arguments
        and callable(resolver.wrapped_func)
        and not field.extensions
        and not field.is_subscription
        and not has_field_exception_handlers(schema, field)
    )


def _direct(schema: strawberry.Schema, field: StrawberryField) -> Callable[..., Any]:
    resolver = field.base_resolver
    assert resolver is not None
    function = cast("Callable[..., Any]", resolver.wrapped_func)
    make_info = info_factory(schema, field)
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    source_names = [
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    ]
    passes_self = resolver.self_parameter is not None

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        kwargs: dict[str, Any] = dict.fromkeys(source_names, source)
        if info_name is not None:
            kwargs[info_name] = make_info(info)
        if passes_self:
            return function(source, **kwargs)
        return function(**kwargs)

    return resolve
