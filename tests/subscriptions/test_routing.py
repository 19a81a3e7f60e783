"""The routing table, through the real function: activity × presence × preferences × read."""

from __future__ import annotations

import pytest

from parley.subscriptions.routing import Action, Activity, Situation, Stage, route

A, IDLE, L, U = Activity.ACTIVE, Activity.IDLE, Activity.LIVE_SESSION, Activity.UNKNOWN
SEND, HOLD, SCHED, SKIP = Action.SEND, Action.HOLD, Action.SCHEDULE, Action.SKIP

# activity, online, muted, read, email on, address, push on, devices -> in-app, push, email
ARRIVAL = [
    pytest.param(A, True, False, False, True, True, True, 1, SEND, SKIP, SKIP, id="active"),
    pytest.param(A, False, False, False, True, True, True, 1, SEND, SKIP, SKIP, id="active-no-ws"),
    pytest.param(L, True, False, False, True, True, True, 1, HOLD, SKIP, SKIP, id="live-session"),
    pytest.param(IDLE, True, False, False, True, True, True, 2, SKIP, SEND, SKIP, id="idle-online"),
    pytest.param(
        U, True, False, False, True, True, True, 1, SKIP, SEND, SKIP, id="online-elsewhere"
    ),
    pytest.param(U, False, False, False, True, True, True, 1, SKIP, SEND, SCHED, id="offline"),
    pytest.param(
        U, False, False, False, True, True, True, 0, SKIP, SKIP, SCHED, id="offline-no-device"
    ),
    pytest.param(U, False, False, False, True, True, False, 1, SKIP, SKIP, SCHED, id="push-off"),
    pytest.param(U, False, False, False, False, True, True, 1, SKIP, SEND, SKIP, id="email-off"),
    pytest.param(U, False, False, False, True, False, True, 1, SKIP, SEND, SKIP, id="no-address"),
    pytest.param(
        IDLE, False, False, False, True, True, True, 1, SKIP, SEND, SCHED, id="idle-offline"
    ),
    pytest.param(U, False, True, False, True, True, True, 1, SKIP, SKIP, SKIP, id="muted"),
    pytest.param(A, True, True, False, True, True, True, 1, SKIP, SKIP, SKIP, id="muted-active"),
    pytest.param(U, False, False, True, True, True, True, 1, SKIP, SKIP, SKIP, id="already-read"),
]


@pytest.mark.parametrize(
    (
        "activity",
        "online",
        "muted",
        "read",
        "email",
        "address",
        "push",
        "devices",
        "in_app",
        "push_action",
        "email_action",
    ),
    ARRIVAL,
)
def test_arrival_routing(
    activity: Activity,
    online: bool,
    muted: bool,
    read: bool,
    email: bool,
    address: bool,
    push: bool,
    devices: int,
    in_app: Action,
    push_action: Action,
    email_action: Action,
) -> None:
    situation = Situation(activity, online, muted, read, email, address, push, devices)
    decisions = route(situation)
    assert [d.action for d in decisions] == [in_app, push_action, email_action]
    assert all(d.reason for d in decisions)


# muted, read, email on, address -> action, reason contains
EMAIL_DUE = [
    pytest.param(False, False, True, True, SEND, "unread", id="still-unread"),
    pytest.param(False, True, True, True, SKIP, "read before", id="read-in-time"),
    pytest.param(True, False, True, True, SKIP, "muted", id="muted-meanwhile"),
    pytest.param(False, False, False, True, SKIP, "turned off", id="email-turned-off"),
    pytest.param(False, False, True, False, SKIP, "address", id="address-removed"),
]


@pytest.mark.parametrize(("muted", "read", "email", "address", "action", "reason"), EMAIL_DUE)
def test_email_due_routing(
    muted: bool, read: bool, email: bool, address: bool, action: Action, reason: str
) -> None:
    situation = Situation(U, False, muted, read, email, address)
    (decision,) = route(situation, Stage.EMAIL_DUE)
    assert decision.action == action
    assert reason in decision.reason
