"""Turning API input into domain values: ids and page sizes (cursors: resolvers.cursors).

A malformed id is an unknown id (NotFound), so ids cannot be used to probe;
a malformed cursor or page size is InvalidInput naming the argument.
"""

from __future__ import annotations

from graphql import GraphQLError

from parley.models.errors import InvalidInput, NotFound, ParleyError


def parse_id(value: str | None, what: str) -> int:
    try:
        parsed = int(str(value))
    except (TypeError, ValueError):
        raise NotFound(what) from None
    if parsed <= 0 or parsed >= 2**63:
        raise NotFound(what)
    return parsed


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
