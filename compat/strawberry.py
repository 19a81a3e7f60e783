"""strawberry internals Parley borrows, in one place, for strawberry-graphql 0.341.2 only.

- `CoreExecutionContext`: strawberry's graphql-core executor class, which the
  schema's executor subclasses (`schema.execution.shared_execution`);
- `graphql_schema`: the graphql-core schema a strawberry Schema built (`Schema._schema`;
  strawberry has no public accessor);
- `has_field_exception_handlers`, `info_factory`, `attribute_field`: what the direct
  resolvers and the executor's leaf plans need to call a field exactly as strawberry
  would (its converter's per-field exception handlers, its `Info(_raw_info=, _field=)`,
  and its attribute-reading resolver, recognised by its name `_get_basic_result`);
- `accept_transport_ws`: the start of the view's WebSocket handshake (origin check,
  subprotocol choice, accept), which `web.view.ParleyGraphQL` runs itself so that a
  graphql-transport-ws socket is served by Parley's handler without strawberry's
  `run` frame held for the socket's life.

tests/test_library_internals.py names each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLResolveInfo, GraphQLSchema
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.field import StrawberryField

from parley.compat.versions import require_installed

require_installed("strawberry-graphql", "0.341.2", __name__)

CoreExecutionContext = StrawberryGraphQLCoreExecutionContext


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built for `schema`."""
    return schema._schema


def has_field_exception_handlers(schema: strawberry.Schema, field: StrawberryField) -> bool:
    """Whether the schema's exception handlers may turn an error of `field` into a result."""
    return bool(schema.schema_converter._get_field_exception_handlers(field))


def info_factory(
    schema: strawberry.Schema, field: StrawberryField
) -> Callable[[GraphQLResolveInfo[Any]], Any]:
    """Strawberry's `Info` for a call of `field`, built as its own resolver wrapper builds it."""
    info_class = schema.config.info_class

    def info(raw: GraphQLResolveInfo[Any]) -> Any:
        return info_class(_raw_info=raw, _field=field)

    return info


def attribute_field(resolve: Callable[..., Any] | None) -> StrawberryField | None:
    """The field behind strawberry's attribute-reading resolver (`getattr`), if `resolve` is one."""
    if getattr(resolve, "__name__", None) != "_get_basic_result":
        return None
    for cell in getattr(resolve, "__closure__", None) or ():
        field = cell.cell_contents
        if (
            isinstance(field, StrawberryField)
            and field.is_basic_field
            and field.default_resolver is getattr
        ):
            return field
    return None


async def accept_transport_ws(view: GraphQL[Any, Any], websocket: WebSocket) -> bool:
    """Accept a graphql-transport-ws handshake the way strawberry's view would, and say so.

    Anything else (an origin refused with 403, the legacy graphql-ws subprotocol,
    no acceptable subprotocol: 4406) is left to strawberry's own `run`, and False is
    returned once it is done with the socket.
    """
    if (
        not view._check_websocket_origin(websocket)
        or await view.pick_websocket_subprotocol(websocket) != GRAPHQL_TRANSPORT_WS_PROTOCOL
    ):
        await view.run(websocket)
        return False
    await view.create_websocket_response(websocket, GRAPHQL_TRANSPORT_WS_PROTOCOL)
    return True


__all__ = [
    "CoreExecutionContext",
    "accept_transport_ws",
    "attribute_field",
    "graphql_schema",
    "has_field_exception_handlers",
    "info_factory",
]
