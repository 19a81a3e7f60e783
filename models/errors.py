"""The domain's expected failures, one small tree.

    ParleyError                 an expected failure: a stable `code`, a message a UI shows
    ├── NotFound                unknown id, or one the caller may not see (told apart by no one)
    ├── InvalidInput            a value is malformed or out of range (`field` names it)
    ├── IdempotencyKeyReused    the key was used before for a different request
    ├── InvalidTransition       an order cannot move from its status to the one asked for
    ├── ConversationRequired    the order needs a message from both sides before work starts
    ├── MessagingBlocked        a messaging rule forbids this message (models.rules)
    └── PermissionDenied        the caller's role may not do this at all (e.g. not the service)

The GraphQL layer maps each to a typed union member; nothing here knows GraphQL.
"""

from __future__ import annotations


class ParleyError(Exception):
    code = "ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ParleyError):
    code = "NOT_FOUND"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not found.")
        self.what = what


class InvalidInput(ParleyError):
    code = "INVALID_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IdempotencyKeyReused(ParleyError):
    code = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self) -> None:
        super().__init__(
            "This idempotency key was already used for a different message; "
            "use a new key for a new message."
        )


class InvalidTransition(ParleyError):
    code = "INVALID_TRANSITION"

    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"An order that is {current} cannot become {requested}.")
        self.current = current
        self.requested = requested


class ConversationRequired(ParleyError):
    code = "CONVERSATION_REQUIRED"

    def __init__(self) -> None:
        super().__init__(
            "Work on this order can start once you and the client have each sent at least "
            "one message about it."
        )


class PermissionDenied(ParleyError):
    code = "PERMISSION_DENIED"
