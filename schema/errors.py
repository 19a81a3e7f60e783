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
from parley.schema.enums import domain_enum

_SUPPORT = " Show `message` and `nextStep`; openSupportRequest stays available."
_RULES = {
    "ACCOUNT_SUSPENDED": "The sender's account is suspended: nothing can be sent." + _SUPPORT,
    "ACCOUNT_REJECTED": "The sender's account was not approved: messaging is unavailable."
    + _SUPPORT,
    "ACCOUNT_NEEDS_IMPROVEMENT": "Messaging is paused until the sender makes the profile "
    "changes the marketplace asked for." + _SUPPORT,
    "FREELANCER_NOT_DISCOVERABLE": "The freelancer opted out of being found: no call invites, "
    "and no first message unless they accepted one of the client's campaigns." + _SUPPORT,
    "NO_RELATIONSHIP": "A freelancer cannot write first: the client must order, accept them "
    "into a campaign or write to them." + _SUPPORT,
    "NEGATIVE_REVIEW": "The client reviewed the freelancer negatively: the freelancer cannot "
    "message them any more." + _SUPPORT,
    "MESSAGING_OFF_BY_CLIENT": "The client turned messaging from freelancers off (their "
    "setMessagingEnabled)." + _SUPPORT,
    "ORDER_MESSAGING_OFF": "The client turned messaging off for the order the message is "
    "about (or one of the pair's live orders)." + _SUPPORT,
    "JOB_TYPE_WITHOUT_MESSAGING": "The order's job type has no messaging, or it is the only "
    "kind of job the pair shares." + _SUPPORT,
    "ORDER_IN_FINAL_REVIEW": "Messaging is paused while the client does the order's final "
    "review; it resumes when the order moves on." + _SUPPORT,
    "CAMPAIGN_MEMBER_NOT_ACCEPTED": "The creator has not accepted the campaign the message "
    "is about." + _SUPPORT,
    "UNANSWERED_LIMIT": "The freelancer sent five messages in a row without a reply; they can "
    "write again when the client replies or orders." + _SUPPORT,
}
_CALL_INVITE_CLOSED = "CallInviteClosed: the invite is {status}, so this action no longer applies"

domain_enum(
    rules.Rule,
    name="MessagingRule",
    description="The marketplace rule that stopped a message (see README, Messaging rules).",
    values=_RULES,
)
domain_enum(
    errors.ErrorCode,
    name="ErrorCode",
    description="Every code an expected failure (`Error.code`) can carry: switch on it. Each "
    "value says which error type carries it and what a client can do.",
    values={
        **{rule: f"MessagingBlocked: {text}" for rule, text in _RULES.items()},
        "NOT_FOUND": "NotFound: the id is unknown, malformed, or names something the caller "
        "may not see (told apart by no one). Refresh the list it came from.",
        "INVALID_INPUT": "InvalidInput: `field` names the input value that is malformed or out "
        "of range; show `message` beside it and let the user correct it.",
        "CURSOR_AHEAD": "InvalidInput: an event cursor is ahead of the event log (it was "
        "restored); reload with a fresh query and subscribe again.",
        "IDEMPOTENCY_KEY_REUSED": "IdempotencyKeyReused: the key was used for a different "
        "message; send again with a new key.",
        "INVALID_TRANSITION": "InvalidTransition: the order cannot move from `current` to "
        "`requested`; reload the order's status.",
        "CONVERSATION_REQUIRED": "ConversationRequired: work starts once each side sent a "
        "message about the order; ask both sides to write first.",
        "PERMISSION_DENIED": "PermissionDenied: the caller's role may not do this (e.g. a "
        "freelancer sending a call invite); hide the action for this role.",
        "FREELANCER_NOT_DISCOVERABLE": "NotDiscoverable (job requests) or MessagingBlocked (call "
        "invites, first messages): the freelancer opted out of being found; suggest another.",
        "NO_LINE_AVAILABLE": "NoLineAvailable: every dial-in line is busy; try again in a few "
        "minutes.",
        "NO_AGREED_TERMS": "NoAgreedTerms: a guarantee needs terms both sides agreed on; propose "
        "terms and have the other side accept them.",
        "GUARANTEE_ALREADY_REQUESTED": "GuaranteeAlreadyRequested: the agreed terms already have "
        "an open or granted guarantee request; show that one.",
        "GUARANTEE_ALREADY_DECIDED": "GuaranteeAlreadyDecided: the request was accepted or "
        "declined before (`current`); reload it.",
        "TERMS_CHANGED": "TermsChanged: newer terms replaced the ones this was about; reload "
        "and act on the latest terms.",
        "RATE_LIMITED": "RateLimited: too many requests of this kind; retry after `retryAfter` "
        "seconds.",
        "NO_TIMES": "InvalidInput (startTimes): no time was proposed; propose at least one.",
        "TOO_MANY_TIMES": "InvalidInput (startTimes): more times than allowed were proposed; "
        "propose at most five.",
        "TIME_WITHOUT_OFFSET": "InvalidInput: a time has no UTC offset; send RFC 3339 times "
        "such as 2026-03-30T15:00:00Z.",
        "TIME_OUT_OF_RANGE": "InvalidInput: a time is outside the range a call can have; pick a "
        "real date.",
        "TIME_IN_PAST": "InvalidInput: a time is not in the future (any more); pick a later one.",
        "TIME_TOO_FAR_AHEAD": "InvalidInput: a time is further ahead than calls may be "
        "scheduled; pick a nearer one.",
        "DUPLICATE_TIME": "InvalidInput (startTimes): the same time is proposed twice; remove "
        "the duplicate.",
        "TIMES_TOO_CLOSE": "InvalidInput (startTimes): two proposed times are less than 15 "
        "minutes apart; spread them out.",
        "TIME_NOT_PROPOSED": "InvalidInput (startsAt): the time is not one the client "
        "proposed; pick one of the invite's times, or decline and say which suit.",
        "TOO_EARLY": "OutsideCallWindow: allowed only from `at` (e.g. reporting a no-show); "
        "offer the action again then.",
        "TOO_LATE": "OutsideCallWindow: allowed only until `at` (e.g. cancelling before the "
        "call starts); the moment has passed.",
        "CALL_INVITE_PENDING": _CALL_INVITE_CLOSED.format(status="still pending (not accepted)")
        + "; reload it.",
        "CALL_INVITE_ACCEPTED": _CALL_INVITE_CLOSED.format(status="already accepted")
        + "; reload it.",
        "CALL_INVITE_DECLINED": _CALL_INVITE_CLOSED.format(status="declined")
        + "; the client may send a new one.",
        "CALL_INVITE_CANCELLED": _CALL_INVITE_CLOSED.format(status="cancelled by the client")
        + "; reload it.",
        "CALL_INVITE_EXPIRED": _CALL_INVITE_CLOSED.format(status="expired (every time passed)")
        + "; the client may send a new one.",
        "CALL_INVITE_SUPERSEDED": _CALL_INVITE_CLOSED.format(status="replaced by a newer one")
        + "; act on the newer invite.",
        "CALL_INVITE_NO_SHOW": _CALL_INVITE_CLOSED.format(status="reported as a no-show")
        + "; support handles it now.",
    },
)


@strawberry.interface(
    description="An expected failure: a stable machine code and a message a UI can show as is."
)
class Error:
    code: errors.ErrorCode = strawberry.field(
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
    rule: rules.Rule = strawberry.field(description="Which rule applies (equals `code`).")
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
        return cls(code=errors.ErrorCode.RATE_LIMITED, message=message, retry_after=retry_after)


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
