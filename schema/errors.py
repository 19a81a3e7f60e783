"""Expected failures as data: every mutation result union draws from these types."""

from __future__ import annotations

import strawberry

from models import errors


@strawberry.interface(
    description="An expected failure: a stable machine code and a message a UI can show as is."
)
class Error:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. NOT_FOUND.")
    message: str = strawberry.field(description="Human-readable explanation, fit to show a user.")


@strawberry.type(
    name="NotFound", description="The thing does not exist, or the caller may not see it."
)
class NotFoundError(Error):
    pass


@strawberry.type(name="InvalidInput", description="An input value is malformed or out of range.")
class InvalidInputError(Error):
    field: str = strawberry.field(description="The input field at fault (camelCase).")


@strawberry.type(
    name="IdempotencyKeyReused",
    description="The idempotency key was used before for a different request.",
)
class IdempotencyKeyReusedError(Error):
    pass


@strawberry.type(
    name="InvalidTransition",
    description="The order cannot move from its status to the one asked for.",
)
class InvalidTransitionError(Error):
    current: str = strawberry.field(description="The order's current status.")
    requested: str = strawberry.field(description="The status that was asked for.")


@strawberry.type(
    name="RateLimited",
    description="Too many requests of this kind from the caller: wait retryAfter seconds.",
)
class RateLimitedError(Error):
    retry_after: int = strawberry.field(description="Seconds to wait before trying again.")


def from_domain(exc: errors.ParleyError) -> Error:
    """The schema type for a domain error (the union member a mutation returns)."""
    if isinstance(exc, errors.NotFound):
        return NotFoundError(code=exc.code, message=exc.message)
    if isinstance(exc, errors.InvalidInput):
        return InvalidInputError(code=exc.code, message=exc.message, field=exc.field)
    if isinstance(exc, errors.IdempotencyKeyReused):
        return IdempotencyKeyReusedError(code=exc.code, message=exc.message)
    if isinstance(exc, errors.InvalidTransition):
        return InvalidTransitionError(
            code=exc.code, message=exc.message, current=exc.current, requested=exc.requested
        )
    raise TypeError(f"no schema type for {type(exc).__name__}")  # a bug, not user input
