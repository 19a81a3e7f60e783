"""What a notification says about a feed item: a message's text, or a sentence for a call change."""

from __future__ import annotations

from models.feed import CallEventType, FeedItem, FeedItemKind

# The feed items that notify the other party: messages and call-invite changes.
NOTIFYING_KINDS = (FeedItemKind.MESSAGE, FeedItemKind.CALL_EVENT)

_CALL_SENTENCES = {
    CallEventType.SENT: "{actor} invited you to a call.",
    CallEventType.ACCEPTED: "{actor} accepted your call invite.",
    CallEventType.DECLINED: "{actor} declined your call invite.",
    CallEventType.CANCELLED: "{actor} cancelled the call.",
    CallEventType.EXPIRED: "A call invite expired without an answer.",
    CallEventType.NO_SHOW_REPORTED: "{actor} reported that nobody joined the call.",
}


def is_call_change(item: FeedItem) -> bool:
    return item.kind == FeedItemKind.CALL_EVENT and item.call_event is not None


def describe(item: FeedItem, actor: str) -> str:
    """One line for an email or a push body."""
    if is_call_change(item):
        return _CALL_SENTENCES[CallEventType(item.call_event)].format(actor=actor)
    return item.body or ""


def headline(item: FeedItem, actor: str) -> str:
    """A push notification's title."""
    if is_call_change(item):
        return f"Call update from {actor}"
    return f"New message from {actor}"
