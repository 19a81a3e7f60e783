"""Relay's refetch fields of the root Query: node(id:) and nodes(ids:) (see schema.fields.root)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from parley.resolvers import nodes
from parley.schema.context import Info
from parley.schema.node import Node


@strawberry.type(description="Refetching any object by its global id.")
class NodeQueries:
    @strawberry.field(
        description="Any object the caller may see, by its global id (Relay's refetch). Null, "
        "with no error, when the id is malformed, unknown or not the caller's to see: the "
        "same rules as the query that first showed the object."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="A global id, as the API gave it.")
        ],
    ) -> Node | None:
        return await nodes.node(info, id)

    @strawberry.field(
        description="Several objects by global id, in the order asked (duplicates too); "
        "null in each place where node(id:) would be null. At most 100 ids (INVALID_INPUT "
        "beyond)."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="Global ids, as the API gave them (at most 100)."),
        ],
    ) -> list[Node | None]:
        return await nodes.nodes(info, ids)
