"""Expected failures as data: every mutation result union draws from these types.

Each mutation has its own result union listing exactly the errors it can return; a
resolver turns a domain error into its member with `error_result`, naming those error
types, so mypy checks the result against the union. `code` is the domain's `ErrorCode`,
one GraphQL enum clients can switch on exhaustively.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar, overload

import strawberry

from parley.models import errors, rules
from parley.schema.error_codes import ErrorCode, MessagingRule


@strawberry.interface(
    description="An expected failure: a stable machine code and a message a UI can show as is."
)
class Error:
    code: ErrorCode = strawberry.field(
        description="Stable machine code to switch on, e.g. NOT_FOUND."
    )
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
    name="MessagingBlocked",
    description="A messaging rule forbids this message. Show `message` and `nextStep` as they are.",
)
class MessagingBlockedError(Error):
    rule: MessagingRule = strawberry.field(description="Which rule applies (equals `code`).")
    next_step: str = strawberry.field(description="What the user can do now.")
    support_available: bool = strawberry.field(
        description="Always true: openSupportRequest reaches the marketplace's support team."
    )

    @classmethod
    def from_domain(cls, exc: rules.MessagingBlocked) -> MessagingBlockedError:
        return cls(
            code=exc.code,
            message=exc.message,
            rule=exc.rule,
            next_step=exc.next_step,
            support_available=True,
        )


@strawberry.type(
    name="ConversationRequired",
    description="The order needs a message from each side before work can start.",
)
class ConversationRequiredError(Error):
    pass


@strawberry.type(name="PermissionDenied", description="The caller's role may not do this.")
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


@strawberry.type(
    name="RateLimited",
    description="Too many requests of this kind from the caller: wait retryAfter seconds.",
)
class RateLimitedError(Error):
    retry_after: int = strawberry.field(description="Seconds to wait before trying again.")

    @classmethod
    def after(cls, retry_after: int, message: str) -> RateLimitedError:
        return cls(code=ErrorCode.RATE_LIMITED, message=message, retry_after=retry_after)


@strawberry.type(
    name="NoAgreedTerms",
    description="A guarantee needs terms both sides agreed on: propose terms, and the other "
    "side accepts them.",
)
class NoAgreedTermsError(Error):
    pass


@strawberry.type(
    name="GuaranteeAlreadyRequested",
    description="The agreed terms already have a guarantee request that is open or granted.",
)
class GuaranteeAlreadyRequestedError(Error):
    pass


@strawberry.type(
    name="TermsChanged",
    description="Newer terms replaced the ones this was about: a proposal can no longer be "
    "accepted, and a guarantee request made on them is void.",
)
class TermsChangedError(Error):
    pass


@strawberry.type(
    name="GuaranteeAlreadyDecided",
    description="The marketplace already accepted or declined this guarantee request.",
)
class GuaranteeAlreadyDecidedError(Error):
    current: str = strawberry.field(description="The request's status, e.g. ACCEPTED.")


def _schema_error(exc: errors.ParleyError) -> Error:
    """The schema type for a domain error, whichever mutation it comes from."""
    code = exc.code
    if isinstance(exc, errors.NotFound):
        return NotFoundError(code=code, message=exc.message)
    if isinstance(exc, errors.InvalidInput):
        return InvalidInputError(code=code, message=exc.message, field=exc.field)
    if isinstance(exc, errors.IdempotencyKeyReused):
        return IdempotencyKeyReusedError(code=code, message=exc.message)
    if isinstance(exc, errors.InvalidTransition):
        return InvalidTransitionError(
            code=code, message=exc.message, current=exc.current, requested=exc.requested
        )
    if isinstance(exc, rules.MessagingBlocked):
        return MessagingBlockedError.from_domain(exc)
    if isinstance(exc, errors.ConversationRequired):
        return ConversationRequiredError(code=code, message=exc.message)
    if isinstance(exc, errors.PermissionDenied):
        return PermissionDeniedError(code=code, message=exc.message)
    if isinstance(exc, errors.NotDiscoverable):
        return NotDiscoverableError(code=code, message=exc.message)
    if isinstance(exc, errors.CallInviteClosed):
        return CallInviteClosedError(code=code, message=exc.message, current=exc.status.upper())
    if isinstance(exc, errors.OutsideCallWindow):
        return OutsideCallWindowError(code=code, message=exc.message, at=exc.at)
    if isinstance(exc, errors.NoLineAvailable):
        return NoLineAvailableError(code=code, message=exc.message)
    if isinstance(exc, errors.NoAgreedTerms):
        return NoAgreedTermsError(code=code, message=exc.message)
    if isinstance(exc, errors.GuaranteeAlreadyRequested):
        return GuaranteeAlreadyRequestedError(code=code, message=exc.message)
    if isinstance(exc, errors.TermsChanged):
        return TermsChangedError(code=code, message=exc.message)
    if isinstance(exc, errors.GuaranteeDecided):
        return GuaranteeAlreadyDecidedError(
            code=code, message=exc.message, current=exc.status.upper()
        )
    raise TypeError(f"no schema type for {type(exc).__name__}")  # a bug, not user input


E1 = TypeVar("E1", bound=Error)
E2 = TypeVar("E2", bound=Error)
E3 = TypeVar("E3", bound=Error)
E4 = TypeVar("E4", bound=Error)
E5 = TypeVar("E5", bound=Error)
E6 = TypeVar("E6", bound=Error)
E7 = TypeVar("E7", bound=Error)


@overload
def error_result(exc: errors.ParleyError, e1: type[E1], /) -> E1: ...
@overload
def error_result(exc: errors.ParleyError, e1: type[E1], e2: type[E2], /) -> E1 | E2: ...
@overload
def error_result(
    exc: errors.ParleyError, e1: type[E1], e2: type[E2], e3: type[E3], /
) -> E1 | E2 | E3: ...
@overload
def error_result(
    exc: errors.ParleyError, e1: type[E1], e2: type[E2], e3: type[E3], e4: type[E4], /
) -> E1 | E2 | E3 | E4: ...
@overload
def error_result(
    exc: errors.ParleyError,
    e1: type[E1],
    e2: type[E2],
    e3: type[E3],
    e4: type[E4],
    e5: type[E5],
    /,
) -> E1 | E2 | E3 | E4 | E5: ...
@overload
def error_result(
    exc: errors.ParleyError,
    e1: type[E1],
    e2: type[E2],
    e3: type[E3],
    e4: type[E4],
    e5: type[E5],
    e6: type[E6],
    /,
) -> E1 | E2 | E3 | E4 | E5 | E6: ...
@overload
def error_result(
    exc: errors.ParleyError,
    e1: type[E1],
    e2: type[E2],
    e3: type[E3],
    e4: type[E4],
    e5: type[E5],
    e6: type[E6],
    e7: type[E7],
    /,
) -> E1 | E2 | E3 | E4 | E5 | E6 | E7: ...
def error_result(exc: errors.ParleyError, /, *members: type[Error]) -> Error:
    """The union member a mutation returns for `exc`: one of `members`, its error types.

    The static type is the union of `members`, so mypy rejects a resolver that names an
    error its result union lacks. A domain error none of `members` stands for is a bug
    (the domain raised what the mutation does not declare): it becomes a top-level error.
    """
    error = _schema_error(exc)
    if not isinstance(error, members):
        names = ", ".join(member.__name__ for member in members)
        raise TypeError(
            f"{type(exc).__name__} is none of this mutation's errors ({names})"
        ) from exc
    return error
