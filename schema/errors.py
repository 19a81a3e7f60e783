"""Expected failures as data: every mutation result union draws from these types."""

from __future__ import annotations

from datetime import datetime

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
    name="PermissionDenied", description="The caller's role may not do this (e.g. not the invitee)."
)
class PermissionDeniedError(Error):
    pass


@strawberry.type(
    name="NotDiscoverable",
    description="The freelancer opted out of being found in the marketplace: no call invites, "
    "no job requests (code FREELANCER_NOT_DISCOVERABLE).",
)
class NotDiscoverableError(Error):
    pass


@strawberry.type(
    name="CallInviteClosed",
    description="The call invite's status does not allow this; code is CALL_INVITE_<STATUS>, "
    "e.g. CALL_INVITE_ACCEPTED when accepting twice.",
)
class CallInviteClosedError(Error):
    current: str = strawberry.field(description="The invite's current status, e.g. EXPIRED.")


@strawberry.type(
    name="OutsideCallWindow",
    description="Allowed only from a moment (TOO_EARLY) or only until one (TOO_LATE).",
)
class OutsideCallWindowError(Error):
    at: datetime = strawberry.field(
        description="TOO_EARLY: when it becomes allowed; TOO_LATE: since when it is not."
    )


@strawberry.type(
    name="NoLineAvailable",
    description="Every PIN of the dial-in pool is taken by an active call; try again later.",
)
class NoLineAvailableError(Error):
    pass


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
    if isinstance(exc, errors.PermissionDenied):
        return PermissionDeniedError(code=exc.code, message=exc.message)
    if isinstance(exc, errors.NotDiscoverable):
        return NotDiscoverableError(code=exc.code, message=exc.message)
    if isinstance(exc, errors.CallInviteClosed):
        return CallInviteClosedError(code=exc.code, message=exc.message, current=exc.status.upper())
    if isinstance(exc, errors.OutsideCallWindow):
        return OutsideCallWindowError(code=exc.code, message=exc.message, at=exc.at)
    if isinstance(exc, errors.NoLineAvailable):
        return NoLineAvailableError(code=exc.code, message=exc.message)
    raise TypeError(f"no schema type for {type(exc).__name__}")  # a bug, not user input
