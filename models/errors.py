"""The domain's expected failures, one small tree.

    ParleyError                 an expected failure: a stable `code`, a message a UI shows
    ├── NotFound                unknown id, or one the caller may not see (told apart by no one)
    ├── InvalidInput            a value is malformed or out of range (`field` names it)
    │   ├── CallTimeRejected    a call time breaks a rule; the rule is the code (TIME_IN_PAST, …)
    │   └── CursorAhead         an event cursor past the account's log (e.g. after a restore)
    ├── IdempotencyKeyReused    the key was used before for a different request
    ├── InvalidTransition       an order cannot move from its status to the one asked for
    ├── ConversationRequired    the order needs a message from both sides before work starts
    ├── MessagingBlocked        a messaging rule forbids this message (models.rules)
    ├── PermissionDenied        the caller's role may not do this at all (e.g. not the service)
    ├── NotDiscoverable         the freelancer opted out of being found (no job requests)
    ├── CallInviteClosed        the invite's status forbids the action (CALL_INVITE_<STATUS>)
    ├── OutsideCallWindow       allowed only from / until a moment (TOO_EARLY, TOO_LATE)
    ├── NoLineAvailable         every PIN of the dial-in pool is taken by an active call
    ├── NoAgreedTerms           a guarantee needs terms both sides agreed on
    ├── GuaranteeAlreadyRequested  the agreed terms already have an open or granted guarantee
    ├── TermsChanged            the terms were replaced since: the proposal or request is void
    └── GuaranteeDecided        the marketplace already accepted or declined the request

Every error carries an `ErrorCode`, the stable machine code clients switch on.
The GraphQL layer maps each to a typed union member; nothing here knows GraphQL.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class ErrorCode(StrEnum):
    """Every code an expected failure can carry; the values are the codes clients see."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    CURSOR_AHEAD = "CURSOR_AHEAD"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONVERSATION_REQUIRED = "CONVERSATION_REQUIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    FREELANCER_NOT_DISCOVERABLE = "FREELANCER_NOT_DISCOVERABLE"
    NO_LINE_AVAILABLE = "NO_LINE_AVAILABLE"
    NO_AGREED_TERMS = "NO_AGREED_TERMS"
    GUARANTEE_ALREADY_REQUESTED = "GUARANTEE_ALREADY_REQUESTED"
    GUARANTEE_ALREADY_DECIDED = "GUARANTEE_ALREADY_DECIDED"
    TERMS_CHANGED = "TERMS_CHANGED"
    RATE_LIMITED = "RATE_LIMITED"

    # CallTimeRejected: the call-time rule a time breaks (models.call_times).
    NO_TIMES = "NO_TIMES"
    TOO_MANY_TIMES = "TOO_MANY_TIMES"
    TIME_WITHOUT_OFFSET = "TIME_WITHOUT_OFFSET"
    TIME_OUT_OF_RANGE = "TIME_OUT_OF_RANGE"
    TIME_IN_PAST = "TIME_IN_PAST"
    TIME_TOO_FAR_AHEAD = "TIME_TOO_FAR_AHEAD"
    DUPLICATE_TIME = "DUPLICATE_TIME"
    TIMES_TOO_CLOSE = "TIMES_TOO_CLOSE"
    TIME_NOT_PROPOSED = "TIME_NOT_PROPOSED"

    # OutsideCallWindow.
    TOO_EARLY = "TOO_EARLY"
    TOO_LATE = "TOO_LATE"

    # CallInviteClosed: CALL_INVITE_<STATUS> for each status of models.calls.CallInviteStatus.
    CALL_INVITE_PENDING = "CALL_INVITE_PENDING"
    CALL_INVITE_ACCEPTED = "CALL_INVITE_ACCEPTED"
    CALL_INVITE_DECLINED = "CALL_INVITE_DECLINED"
    CALL_INVITE_CANCELLED = "CALL_INVITE_CANCELLED"
    CALL_INVITE_EXPIRED = "CALL_INVITE_EXPIRED"
    CALL_INVITE_SUPERSEDED = "CALL_INVITE_SUPERSEDED"
    CALL_INVITE_NO_SHOW = "CALL_INVITE_NO_SHOW"

    # MessagingBlocked: the messaging rule (models.rules.Rule), FREELANCER_NOT_DISCOVERABLE above.
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"
    ACCOUNT_REJECTED = "ACCOUNT_REJECTED"
    ACCOUNT_NEEDS_IMPROVEMENT = "ACCOUNT_NEEDS_IMPROVEMENT"
    NO_RELATIONSHIP = "NO_RELATIONSHIP"
    NEGATIVE_REVIEW = "NEGATIVE_REVIEW"
    MESSAGING_OFF_BY_CLIENT = "MESSAGING_OFF_BY_CLIENT"
    ORDER_MESSAGING_OFF = "ORDER_MESSAGING_OFF"
    JOB_TYPE_WITHOUT_MESSAGING = "JOB_TYPE_WITHOUT_MESSAGING"
    ORDER_IN_FINAL_REVIEW = "ORDER_IN_FINAL_REVIEW"
    CAMPAIGN_MEMBER_NOT_ACCEPTED = "CAMPAIGN_MEMBER_NOT_ACCEPTED"
    UNANSWERED_LIMIT = "UNANSWERED_LIMIT"


class ParleyError(Exception):
    code: ErrorCode

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ParleyError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not found.")
        self.what = what


class InvalidInput(ParleyError):
    code = ErrorCode.INVALID_INPUT

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IdempotencyKeyReused(ParleyError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED

    def __init__(self) -> None:
        super().__init__(
            "This idempotency key was already used for a different message; "
            "use a new key for a new message."
        )


class InvalidTransition(ParleyError):
    code = ErrorCode.INVALID_TRANSITION

    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"An order that is {current} cannot become {requested}.")
        self.current = current
        self.requested = requested


class ConversationRequired(ParleyError):
    code = ErrorCode.CONVERSATION_REQUIRED

    def __init__(self) -> None:
        super().__init__(
            "Work on this order can start once you and the client have each sent at least "
            "one message about it."
        )


class PermissionDenied(ParleyError):
    code = ErrorCode.PERMISSION_DENIED


class CallTimeRejected(InvalidInput):
    """A proposed or chosen call time breaks a rule; `code` names the rule."""

    def __init__(self, code: ErrorCode, field: str, message: str) -> None:
        super().__init__(field, message)
        self.code = code


class CursorAhead(InvalidInput):
    code = ErrorCode.CURSOR_AHEAD

    def __init__(self, field: str) -> None:
        super().__init__(
            field,
            f"'{field}' is ahead of the event log (it was restored or reset): "
            "reload with a fresh query, then subscribe without a cursor or with a new one.",
        )


class NotDiscoverable(ParleyError):
    code = ErrorCode.FREELANCER_NOT_DISCOVERABLE

    def __init__(self) -> None:
        super().__init__(
            "This freelancer does not allow customers to find them in the marketplace, "
            "so they cannot receive call invites or job requests."
        )


class CallInviteClosed(ParleyError):
    """The invite's status does not allow this; the code is CALL_INVITE_<STATUS>."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = ErrorCode(f"CALL_INVITE_{status.upper()}")


class OutsideCallWindow(ParleyError):
    """Allowed only from (TOO_EARLY) or until (TOO_LATE) the instant `at`."""

    def __init__(self, code: ErrorCode, at: datetime, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.at = at


class NoLineAvailable(ParleyError):
    code = ErrorCode.NO_LINE_AVAILABLE

    def __init__(self) -> None:
        super().__init__("No conference line is free right now; please try again later.")


class NoAgreedTerms(ParleyError):
    code = ErrorCode.NO_AGREED_TERMS

    def __init__(self) -> None:
        super().__init__(
            "Agree on the order's terms first: one side proposes them, the other accepts."
        )


class GuaranteeAlreadyRequested(ParleyError):
    code = ErrorCode.GUARANTEE_ALREADY_REQUESTED

    def __init__(self) -> None:
        super().__init__("A guarantee for these terms is already requested or granted.")


class TermsChanged(ParleyError):
    """The terms were replaced after this was asked for: the request or proposal is void."""

    code = ErrorCode.TERMS_CHANGED


class GuaranteeDecided(ParleyError):
    code = ErrorCode.GUARANTEE_ALREADY_DECIDED

    def __init__(self, status: str) -> None:
        super().__init__(f"This guarantee request was already {status}.")
        self.status = status
