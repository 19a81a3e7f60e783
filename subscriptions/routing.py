"""The routing decision: which channel nudges a person about something new, and why.

One pure function, `route`, of what Parley knows at that moment (activity ×
presence × preferences × read state). It decides at two stages:

ARRIVAL     when the message arrives: in-app, push and email each get an action
EMAIL_DUE   when a scheduled email falls due: send it, or not (read meanwhile…)

Every decision carries a reason, recorded in the notification log, so an
account can ask why it did or did not get notified.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Activity(StrEnum):
    """What the client app last reported (UNKNOWN: nothing, or the report expired)."""

    ACTIVE = "active"
    IDLE = "idle"
    LIVE_SESSION = "live_session"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    IN_APP = "in_app"
    PUSH = "push"
    EMAIL = "email"


class Action(StrEnum):
    SEND = "send"  # deliver now
    HOLD = "hold"  # deliver in-app when the live session ends
    SCHEDULE = "schedule"  # email after the delay, batched per conversation
    SKIP = "skip"


class Stage(StrEnum):
    ARRIVAL = "arrival"
    EMAIL_DUE = "email_due"


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything the decision depends on, read just before deciding."""

    activity: Activity
    online: bool  # at least one authenticated WebSocket, on any device
    muted: bool
    read: bool  # the recipient already read what this notification is about
    email_enabled: bool = True
    has_email_address: bool = True
    push_enabled: bool = True
    push_devices: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    channel: Channel
    action: Action
    reason: str


def route(situation: Situation, stage: Stage = Stage.ARRIVAL) -> list[Decision]:
    """The decision for each channel at `stage` (ARRIVAL: all three; EMAIL_DUE: email)."""
    if stage == Stage.EMAIL_DUE:
        return [_email_due(situation)]
    return [_in_app(situation), _push(situation), _email(situation)]


def _silenced(situation: Situation) -> str | None:
    if situation.muted:
        return "the conversation is muted"
    if situation.read:
        return "already read"
    return None


def _in_app(s: Situation) -> Decision:
    why = _silenced(s)
    if why is not None:
        return Decision(Channel.IN_APP, Action.SKIP, why)
    if s.activity == Activity.ACTIVE:
        return Decision(Channel.IN_APP, Action.SEND, "active in the app")
    if s.activity == Activity.LIVE_SESSION:
        return Decision(Channel.IN_APP, Action.HOLD, "in a live session: held until it ends")
    return Decision(Channel.IN_APP, Action.SKIP, "not active in the app")


def _push(s: Situation) -> Decision:
    why = _silenced(s)
    if why is not None:
        return Decision(Channel.PUSH, Action.SKIP, why)
    if s.activity == Activity.ACTIVE:
        return Decision(Channel.PUSH, Action.SKIP, "active in the app: no interruption")
    if s.activity == Activity.LIVE_SESSION:
        return Decision(Channel.PUSH, Action.SKIP, "in a live session: no interruption")
    if not s.push_enabled:
        return Decision(Channel.PUSH, Action.SKIP, "push notifications are turned off")
    if s.push_devices == 0:
        return Decision(Channel.PUSH, Action.SKIP, "no device registered for push")
    where = "online but not active in the app" if s.online else "offline"
    return Decision(Channel.PUSH, Action.SEND, f"{where}: push to {s.push_devices} device(s)")


def _email(s: Situation) -> Decision:
    why = _silenced(s)
    if why is not None:
        return Decision(Channel.EMAIL, Action.SKIP, why)
    if s.activity in (Activity.ACTIVE, Activity.LIVE_SESSION):
        return Decision(Channel.EMAIL, Action.SKIP, "using the app")
    if s.online:
        return Decision(Channel.EMAIL, Action.SKIP, "online: no email")
    if not s.email_enabled:
        return Decision(Channel.EMAIL, Action.SKIP, "email notifications are turned off")
    if not s.has_email_address:
        return Decision(Channel.EMAIL, Action.SKIP, "no email address on file")
    return Decision(Channel.EMAIL, Action.SCHEDULE, "offline: email after the delay, batched")


def _email_due(s: Situation) -> Decision:
    if s.muted:
        return Decision(Channel.EMAIL, Action.SKIP, "the conversation was muted meanwhile")
    if s.read:
        return Decision(Channel.EMAIL, Action.SKIP, "read before the email went out")
    if not s.email_enabled:
        return Decision(Channel.EMAIL, Action.SKIP, "email notifications were turned off")
    if not s.has_email_address:
        return Decision(Channel.EMAIL, Action.SKIP, "no email address on file")
    return Decision(Channel.EMAIL, Action.SEND, "still unread after the delay")
