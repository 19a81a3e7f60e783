"""Turning API input into domain values: ids, cursors and page sizes.

A malformed id is an unknown id (NotFound), so ids cannot be used to probe;
a malformed cursor or page size is InvalidInput naming the argument.
"""

from __future__ import annotations

import base64
import binascii

from graphql import GraphQLError

from models.errors import InvalidInput, NotFound, ParleyError


def parse_id(value: str | None, what: str) -> int:
    try:
        parsed = int(str(value))
    except (TypeError, ValueError):
        raise NotFound(what) from None
    if parsed <= 0 or parsed >= 2**63:
        raise NotFound(what)
    return parsed


def encode_cursor(kind: str, *parts: object) -> str:
    raw = ":".join([kind, *(str(part) for part in parts)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(value: str, kind: str, argument: str, parts: int = 1) -> list[str]:
    try:
        padded = value + "=" * (-len(value) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidInput(argument, f"'{argument}' is not a cursor this list gave out.") from None
    fields = raw.split(":", parts)
    if len(fields) != parts + 1 or fields[0] != kind:
        raise InvalidInput(argument, f"'{argument}' is not a cursor this list gave out.")
    return fields[1:]


def decode_int_cursor(value: str | None, kind: str, argument: str) -> int | None:
    if value is None:
        return None
    (number,) = decode_cursor(value, kind, argument)
    try:
        return int(number)
    except ValueError:
        raise InvalidInput(argument, f"'{argument}' is not a cursor this list gave out.") from None


def page_size(value: int | None, argument: str, default: int, cap: int) -> int:
    if value is None:
        return default
    if value < 0 or value > cap:
        raise InvalidInput(argument, f"'{argument}' must be between 0 and {cap}.")
    return value


def query_error(exc: ParleyError) -> GraphQLError:
    """Queries have no result union: expected failures become coded GraphQL errors."""
    extensions: dict[str, object] = {"code": exc.code}
    if isinstance(exc, InvalidInput):
        extensions["field"] = exc.field
    return GraphQLError(exc.message, extensions=extensions)
