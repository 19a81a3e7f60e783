"""Error codes as GraphQL enums: `ErrorCode` and `MessagingRule`, every value described.

The descriptions are what a client developer reads when switching on a code: which error
type carries it and what the client can do next. The domain enums stay in `models/`.
"""

from __future__ import annotations

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
    description="Every code an expected failure can carry, to switch on: `Error.code` in a "
    "mutation's result, and `extensions.code` of a query's or subscription's error. Each "
    "value says which error type carries it and what a client can do.",
    values={
        **{rule: f"MessagingBlocked: {text}" for rule, text in _RULES.items()},
        "NOT_FOUND": "NotFound: the id is unknown, malformed, or names something the caller "
        "may not see (told apart by no one). Refresh the list it came from.",
        "INVALID_INPUT": "InvalidInput: `field` names the input value that is malformed or out "
        "of range; show `message` beside it and let the user correct it.",
        "CURSOR_AHEAD": "A subscription's `after` cursor is ahead of the event log (it was "
        "restored), in the subscription's error: reload with a fresh query and subscribe again.",
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

ErrorCode = errors.ErrorCode
MessagingRule = rules.Rule
