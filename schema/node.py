"""Relay's `Node`: every type with identity, refetchable by its global id through `node(id:)`."""

from __future__ import annotations

import strawberry

from parley.models import global_ids
from parley.models.global_ids import Tag


@strawberry.interface(
    description="An object with a global id: refetch it with node(id:) or nodes(ids:)."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's global id: opaque, type-tagged and stable; pass it back as is."
    )


def global_id(tag: Tag, row_id: int) -> strawberry.ID:
    """The API id of row `row_id` in `tag`'s id space."""
    return strawberry.ID(global_ids.encode(tag, row_id))


def optional_global_id(tag: Tag, row_id: int | None) -> strawberry.ID | None:
    return None if row_id is None else global_id(tag, row_id)
