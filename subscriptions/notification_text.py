"""What a notification says about a feed item: a message's text, or a sentence for a change."""

from __future__ import annotations

from parley.models.feed import CallEventType, FeedItem, FeedItemKind

# The feed items that notify: messages and call-invite changes (the other party), and
# support updates (the requester).
NOTIFYING_KINDS = (FeedItemKind.MESSAGE, FeedItemKind.CALL_EVENT, FeedItemKind.SUPPORT_EVENT)

_CALL_SENTENCES = {
    CallEventType.SENT: "{actor} invited you to a call.",
    CallEventType.ACCEPTED: "{actor} accepted your call invite.",
    CallEventType.DECLINED: "{actor} declined your call invite.",
    CallEventType.CANCELLED: "{actor} cancelled the call.",
    CallEventType.EXPIRED: "A call invite expired without an answer.",
    CallEventType.NO_SHOW_REPORTED: "{actor} reported that nobody joined the call.",
}


SUPPORT_SENDER = "Parley support"  # who an email of support updates alone is from
_SUPPORT_SENTENCES = {
    "in_progress": "Support is working on your request.",
    "resolved": "Support resolved your request.",
    "closed": "Support closed your request.",
}


def is_support_update(item: FeedItem) -> bool:
    return item.kind == FeedItemKind.SUPPORT_EVENT


def is_call_change(item: FeedItem) -> bool:
    return item.kind == FeedItemKind.CALL_EVENT and item.call_event is not None


def describe(item: FeedItem, actor: str) -> str:
    """One line for an email or a push body."""
    if is_call_change(item):
        return _CALL_SENTENCES[CallEventType(item.call_event)].format(actor=actor)
    if is_support_update(item):
        sentence = _SUPPORT_SENTENCES.get(item.subject_status or "", "Support updated a request.")
        return f"{sentence} {item.body}" if item.body else sentence
    return item.body or ""


def headline(item: FeedItem, actor: str) -> str:
    """A push notification's title."""
    if is_call_change(item):
        return f"Call update from {actor}"
    if is_support_update(item):
        return "Support request update"
    return f"New message from {actor}"
