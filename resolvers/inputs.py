"""Turning API input into domain values: ids and page sizes (cursors: resolvers.cursors).

Ids are global ids (models.global_ids). A malformed id, a raw row id or another type's id
is an unknown id (NotFound), so ids cannot be used to probe;
a malformed cursor or page size is InvalidInput naming the argument.
"""

from __future__ import annotations

from graphql import GraphQLError

from parley.models import global_ids
from parley.models.errors import InvalidInput, NotFound, ParleyError
from parley.models.global_ids import Tag


def parse_id(value: str | None, tag: Tag, what: str) -> int:
    """The row id a global id of `tag` names; anything else is NotFound(what).

    A raw row id, another type's id and garbage all answer as an unknown id would.
    """
    decoded = global_ids.decode(value)
    if decoded is None or decoded[0] is not tag:
        raise NotFound(what)
    return decoded[1]


def page_size(value: int | None, argument: str, default: int, cap: int) -> int:
    if value is None:
        return default
    if value < 0 or value > cap:
        raise InvalidInput(argument, f"'{argument}' must be between 0 and {cap}.")
    return value


def query_error(exc: ParleyError) -> GraphQLError:
    """Queries have no result union: expected failures become coded GraphQL errors."""
    extensions: dict[str, object] = {"code": exc.code.value}
    if isinstance(exc, InvalidInput):
        extensions["field"] = exc.field
    return GraphQLError(exc.message, extensions=extensions)
