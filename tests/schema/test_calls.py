"""Call invites through the schema: the whole lifecycle for both roles, with a controlled clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.types import ExecutionResult

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conference import LocalConferenceProvider
from parley.models.global_ids import Tag
from parley.models.orders import Order
from parley.models.store.clock import ManualClock
from parley.models.store.job_lock import Exclusive
from parley.models.support import SupportReason, SupportRequest
from parley.subscriptions.call_expiry import CallExpirySweep
from parley.web.services import Services
from tests.ids import gid, raw
from tests.support import SERVICE, WAIT, Executor, account

INVITE_FIELDS = """
  id inviteStatus topic durationMinutes supersedesId supersededById supportRequestId
  lineOpensAt noShowReportableFrom expiresAt
  proposedTimes { startsAt isChosen hasPassed }
  scheduledTime { startsAt }
  dialIn { number pin isOpen note }
  declineMessage { body }
  client { name } freelancer { name }
"""
SENT = f"""
  __typename
  ... on CallInvite {{ {INVITE_FIELDS} }}
  ... on Error {{ code message }}
  ... on InvalidInput {{ field }}
"""
# Each change has its own result union: a fragment on an error it cannot return is invalid.
CHANGED = f"""
  __typename
  ... on CallInvite {{ {INVITE_FIELDS} }}
  ... on Error {{ code message }}
  ... on CallInviteClosed {{ current }}
"""
FIELD = "... on InvalidInput { field }"
AT = "... on OutsideCallWindow { at }"
SEND = f"mutation($input: SendCallInviteInput!) {{ sendCallInvite(input: $input) {{ {SENT} }} }}"
ACCEPT = f"mutation($id: ID!, $at: DateTime!) {{ acceptCallInvite(id: $id, startsAt: $at) {{ {CHANGED} {FIELD} }} }}"
DECLINE = f"mutation($id: ID!, $message: String) {{ declineCallInvite(id: $id, message: $message) {{ {CHANGED} {FIELD} }} }}"
CANCEL = f"mutation($id: ID!) {{ cancelCallInvite(id: $id) {{ {CHANGED} {AT} }} }}"
NO_SHOW = f'mutation($id: ID!) {{ reportCallNoShow(id: $id, details: "Waited 10 minutes") {{ {CHANGED} {FIELD} {AT} }} }}'
INVITE = f"query($id: ID!) {{ callInvite(id: $id) {{ {INVITE_FIELDS} }} }}"
INVITES = "query($status: CallInviteStatus) { callInvites(status: $status) { id inviteStatus } }"
FEED = """
query($id: ID!, $filter: FeedFilter) {
  feed(conversationId: $id, filter: $filter, last: 50) {
    edges { node {
      __typename
      ... on Message { body }
      ... on CallInviteEvent { callEventType actor { name } invite { id inviteStatus } }
    } }
  }
}
"""
CREATE_ORDER = """
mutation($client: ID!, $freelancer: ID!) {
  createOrder(input: {clientId: $client, freelancerId: $freelancer, title: "Launch post"}) {
    __typename ... on Error { code }
  }
}
"""

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the clock fixture's start
MONDAY_3PM = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
TUESDAY_3PM = MONDAY_3PM + timedelta(days=1)
WEDNESDAY_3PM = MONDAY_3PM + timedelta(days=2)


def iso(*instants: datetime) -> list[str]:
    return [instant.isoformat() for instant in instants]


async def send(
    gql: Executor, client: Account, freelancer: Account, *times: datetime, **extra: Any
) -> dict[str, Any]:
    payload = {"freelancerId": gid(Tag.ACCOUNT, freelancer.id), "startTimes": iso(*times), **extra}
    data = await gql.execute(SEND, {"input": payload}, as_=account(client.id))
    result: dict[str, Any] = data["sendCallInvite"]
    return result


async def act(gql: Executor, document: str, caller: Account, **variables: Any) -> dict[str, Any]:
    data = await gql.execute(document, variables, as_=account(caller.id))
    result: dict[str, Any] = next(iter(data.values()))
    return result


async def feed_events(gql: Executor, viewer: Account, conversation_id: int) -> list[str]:
    data = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_id), "filter": "CALLS"},
        as_=account(viewer.id),
    )
    return [edge["node"]["callEventType"] for edge in data["feed"]["edges"]]


@pytest.fixture
async def pending_invite(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> dict[str, Any]:
    """A pending invite for Monday, Tuesday or Wednesday at 15:00 UTC, 45 minutes."""
    order = await Order.get(conversation_id=conversation_with_order)
    invite = await send(
        gql,
        client,
        freelancer,
        WEDNESDAY_3PM,
        MONDAY_3PM,
        TUESDAY_3PM,
        durationMinutes=45,
        topic="Tone of voice for the launch post",
        orderId=gid(Tag.ORDER, order.id),
    )
    assert invite["__typename"] == "CallInvite", invite
    return invite


@pytest.fixture
async def accepted_call(
    gql: Executor, freelancer: Account, pending_invite: dict[str, Any]
) -> dict[str, Any]:
    """The pending invite, accepted for Tuesday 15:00 UTC."""
    accepted = await act(
        gql, ACCEPT, freelancer, id=pending_invite["id"], at=TUESDAY_3PM.isoformat()
    )
    assert accepted["__typename"] == "CallInvite", accepted
    return accepted


async def test_the_freelancer_sees_the_request_and_accepts_one_time_and_both_sides_get_the_line(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    pending_invite: dict[str, Any],
) -> None:
    assert pending_invite["inviteStatus"] == "PENDING"
    assert [t["startsAt"] for t in pending_invite["proposedTimes"]] == iso(
        MONDAY_3PM, TUESDAY_3PM, WEDNESDAY_3PM
    )
    requests = await gql.execute(INVITES, {"status": "PENDING"}, as_=account(freelancer.id))
    assert requests["callInvites"] == [{"id": pending_invite["id"], "inviteStatus": "PENDING"}]

    accepted = await act(
        gql, ACCEPT, freelancer, id=pending_invite["id"], at="2026-01-13T16:00:00+01:00"
    )
    assert accepted["inviteStatus"] == "ACCEPTED"
    assert accepted["scheduledTime"] == {"startsAt": TUESDAY_3PM.isoformat()}
    assert [t["isChosen"] for t in accepted["proposedTimes"]] == [False, True, False]
    assert accepted["lineOpensAt"] == (TUESDAY_3PM - timedelta(minutes=5)).isoformat()
    line = accepted["dialIn"]
    assert line["isOpen"] is False
    assert "opens at Tue 13 Jan 2026, 15:55 CET" in line["note"]  # the freelancer is in Berlin
    assert "not recorded" in line["note"]

    seen_by_client = (await gql.execute(INVITE, {"id": accepted["id"]}, as_=account(client.id)))[
        "callInvite"
    ]
    assert (seen_by_client["dialIn"]["number"], seen_by_client["dialIn"]["pin"]) == (
        line["number"],
        line["pin"],
    )
    assert "09:55 EST" in seen_by_client["dialIn"]["note"]  # the client is in New York

    clock.set(TUESDAY_3PM - timedelta(minutes=5, seconds=1))
    before = await gql.execute(INVITE, {"id": accepted["id"]}, as_=account(freelancer.id))
    assert before["callInvite"]["dialIn"]["isOpen"] is False
    clock.set(TUESDAY_3PM - timedelta(minutes=5))
    opened = await gql.execute(INVITE, {"id": accepted["id"]}, as_=account(freelancer.id))
    assert opened["callInvite"]["dialIn"]["isOpen"] is True

    assert await feed_events(gql, client, conversation_with_order) == ["SENT", "ACCEPTED"]
    assert await feed_events(gql, freelancer, conversation_with_order) == ["SENT", "ACCEPTED"]


async def test_accepting_twice_or_at_a_time_not_proposed_changes_nothing(
    gql: Executor, freelancer: Account, pending_invite: dict[str, Any]
) -> None:
    off_list = await act(
        gql, ACCEPT, freelancer, id=pending_invite["id"], at="2026-01-12T15:30:00Z"
    )
    assert (off_list["code"], off_list["field"]) == ("TIME_NOT_PROPOSED", "startsAt")
    first = await act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=MONDAY_3PM.isoformat())
    assert first["inviteStatus"] == "ACCEPTED"
    again = await act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=TUESDAY_3PM.isoformat())
    assert (again["__typename"], again["code"], again["current"]) == (
        "CallInviteClosed",
        "CALL_INVITE_ACCEPTED",
        "ACCEPTED",
    )
    now = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(freelancer.id))
    assert now["callInvite"]["scheduledTime"] == {"startsAt": MONDAY_3PM.isoformat()}
    assert now["callInvite"]["dialIn"]["pin"] == first["dialIn"]["pin"]


async def test_freelancers_cannot_propose_times_or_answer_for_the_client(
    gql: Executor, client: Account, freelancer: Account, pending_invite: dict[str, Any]
) -> None:
    proposal = await send(gql, freelancer, freelancer, MONDAY_3PM)  # a freelancer as sender
    assert proposal["code"] == "PERMISSION_DENIED"
    by_client = await act(gql, ACCEPT, client, id=pending_invite["id"], at=MONDAY_3PM.isoformat())
    assert by_client["code"] == "PERMISSION_DENIED"
    cancel_by_freelancer = await act(gql, CANCEL, freelancer, id=pending_invite["id"])
    assert cancel_by_freelancer["code"] == "PERMISSION_DENIED"


async def test_a_decline_posts_the_message_and_a_new_invite_supersedes_the_old_one(
    gql: Executor,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    pending_invite: dict[str, Any],
) -> None:
    suits = "None of these work; Thursday or Friday 14:00-17:00 UTC would suit me."
    declined = await act(gql, DECLINE, freelancer, id=pending_invite["id"], message=suits)
    assert declined["inviteStatus"] == "DECLINED"
    assert declined["declineMessage"] == {"body": suits}
    messages = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, conversation_with_order), "filter": "MESSAGES"},
        as_=account(client.id),
    )
    assert [edge["node"]["body"] for edge in messages["feed"]["edges"]] == [suits]
    unread = await gql.execute("{ unreadSummary { totalUnread } }", as_=account(client.id))
    assert unread["unreadSummary"]["totalUnread"] == 1

    thursday = datetime(2026, 1, 15, 14, 0, tzinfo=UTC)
    again = await send(gql, client, freelancer, thursday, thursday + timedelta(days=1))
    assert again["inviteStatus"] == "PENDING"
    assert again["supersedesId"] == pending_invite["id"]
    old = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(freelancer.id))
    assert old["callInvite"]["inviteStatus"] == "DECLINED"
    assert old["callInvite"]["supersededById"] == again["id"]
    accepted = await act(gql, ACCEPT, freelancer, id=again["id"], at=thursday.isoformat())
    assert accepted["inviteStatus"] == "ACCEPTED"
    assert await feed_events(gql, client, conversation_with_order) == [
        "SENT",
        "DECLINED",
        "SENT",
        "ACCEPTED",
    ]


async def test_a_new_invite_supersedes_a_pending_one(
    gql: Executor, client: Account, freelancer: Account, pending_invite: dict[str, Any]
) -> None:
    newer = await send(gql, client, freelancer, WEDNESDAY_3PM + timedelta(hours=2))
    old = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(freelancer.id))
    assert old["callInvite"]["inviteStatus"] == "SUPERSEDED"
    stale = await act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=MONDAY_3PM.isoformat())
    assert stale["code"] == "CALL_INVITE_SUPERSEDED"
    requests = await gql.execute(INVITES, {"status": "PENDING"}, as_=account(freelancer.id))
    assert requests["callInvites"] == [{"id": newer["id"], "inviteStatus": "PENDING"}]


async def test_the_client_cancels_a_pending_invite_and_an_accepted_call_before_it_starts(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    pending_invite: dict[str, Any],
) -> None:
    cancelled = await act(gql, CANCEL, client, id=pending_invite["id"])
    assert cancelled["inviteStatus"] == "CANCELLED"
    late = await act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=MONDAY_3PM.isoformat())
    assert (late["code"], late["current"]) == ("CALL_INVITE_CANCELLED", "CANCELLED")

    second = await send(gql, client, freelancer, MONDAY_3PM, TUESDAY_3PM)
    accepted = await act(gql, ACCEPT, freelancer, id=second["id"], at=MONDAY_3PM.isoformat())
    assert accepted["dialIn"] is not None
    called_off = await act(gql, CANCEL, client, id=second["id"])
    assert called_off["inviteStatus"] == "CANCELLED"
    assert called_off["dialIn"] is None
    twice = await act(gql, CANCEL, client, id=second["id"])
    assert twice["code"] == "CALL_INVITE_CANCELLED"

    third = await send(gql, client, freelancer, TUESDAY_3PM)
    await act(gql, ACCEPT, freelancer, id=third["id"], at=TUESDAY_3PM.isoformat())
    clock.set(TUESDAY_3PM)
    too_late = await act(gql, CANCEL, client, id=third["id"])
    assert (too_late["code"], too_late["at"]) == ("TOO_LATE", TUESDAY_3PM.isoformat())

    assert await feed_events(gql, freelancer, conversation_with_order) == [
        "SENT",
        "CANCELLED",
        "SENT",
        "ACCEPTED",
        "CANCELLED",
        "SENT",
        "ACCEPTED",
    ]


async def test_an_invite_whose_times_all_passed_expires_on_its_own(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    pending_invite: dict[str, Any],
) -> None:
    clock.set(TUESDAY_3PM + timedelta(minutes=1))  # one time is left
    past_time = await act(
        gql, ACCEPT, freelancer, id=pending_invite["id"], at=MONDAY_3PM.isoformat()
    )
    assert (past_time["code"], past_time["field"]) == ("TIME_IN_PAST", "startsAt")

    clock.set(WEDNESDAY_3PM)
    seen = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(freelancer.id))
    assert seen["callInvite"]["inviteStatus"] == "EXPIRED"
    assert all(time["hasPassed"] for time in seen["callInvite"]["proposedTimes"])
    pending = await gql.execute(INVITES, {"status": "PENDING"}, as_=account(freelancer.id))
    assert pending["callInvites"] == []
    expired = await gql.execute(INVITES, {"status": "EXPIRED"}, as_=account(client.id))
    assert expired["callInvites"] == [{"id": pending_invite["id"], "inviteStatus": "EXPIRED"}]
    too_late = await act(
        gql, ACCEPT, freelancer, id=pending_invite["id"], at=WEDNESDAY_3PM.isoformat()
    )
    assert too_late["code"] == "CALL_INVITE_EXPIRED"
    declined = await act(gql, DECLINE, freelancer, id=pending_invite["id"], message="Sorry")
    assert declined["code"] == "CALL_INVITE_EXPIRED"

    sweep = CallExpirySweep(clock, services.bus, interval=60)
    assert await sweep.sweep() == 2  # one event for each participant
    assert await sweep.sweep() == 0
    assert await feed_events(gql, client, conversation_with_order) == ["SENT", "EXPIRED"]


async def test_sweeps_racing_in_two_processes_record_one_expiry(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    conversation_with_order: int,
    pending_invite: dict[str, Any],
) -> None:
    clock.set(WEDNESDAY_3PM)
    first = Exclusive()
    # SQLite is one process by design (one Exclusive); on PostgreSQL two stand for two processes.
    second = first if services.settings.is_sqlite else Exclusive()
    sweeps = [CallExpirySweep(clock, services.bus, 60, exclusive) for exclusive in (first, second)]
    logged = await asyncio.gather(*(sweep.sweep() for sweep in sweeps))
    assert sorted(logged) == [0, 2]
    assert await feed_events(gql, client, conversation_with_order) == ["SENT", "EXPIRED"]


async def test_a_no_show_can_be_reported_from_five_minutes_after_the_start(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    accepted_call: dict[str, Any],
) -> None:
    five_past = TUESDAY_3PM + timedelta(minutes=5)
    assert accepted_call["noShowReportableFrom"] == five_past.isoformat()
    by_client = await act(gql, NO_SHOW, client, id=accepted_call["id"])
    assert by_client["code"] == "PERMISSION_DENIED"

    clock.set(five_past - timedelta(seconds=1))
    early = await act(gql, NO_SHOW, freelancer, id=accepted_call["id"])
    assert (early["__typename"], early["code"], early["at"]) == (
        "OutsideCallWindow",
        "TOO_EARLY",
        five_past.isoformat(),
    )
    assert not await SupportRequest.exists()

    clock.set(five_past)
    reported = await act(gql, NO_SHOW, freelancer, id=accepted_call["id"])
    assert reported["inviteStatus"] == "NO_SHOW"
    assert reported["dialIn"] is None
    request = await SupportRequest.get(id=raw(reported["supportRequestId"]))
    assert (request.account_id, request.reason, request.call_invite_id) == (
        freelancer.id,
        SupportReason.NO_SHOW,
        raw(accepted_call["id"]),
    )
    assert request.details == "Waited 10 minutes"
    again = await act(gql, NO_SHOW, freelancer, id=accepted_call["id"])
    assert again["code"] == "CALL_INVITE_NO_SHOW"
    assert await feed_events(gql, client, conversation_with_order) == [
        "SENT",
        "ACCEPTED",
        "NO_SHOW_REPORTED",
    ]


async def test_a_no_show_needs_an_accepted_call(
    gql: Executor, freelancer: Account, pending_invite: dict[str, Any]
) -> None:
    pending = await act(gql, NO_SHOW, freelancer, id=pending_invite["id"])
    assert pending["code"] == "CALL_INVITE_PENDING"


async def test_a_freelancer_who_opted_out_gets_no_invites_and_no_job_requests(
    gql: Executor, clock: ManualClock, client: Account
) -> None:
    hidden = await create_account(
        clock, kind=AccountKind.FREELANCER, name="Quiet Writer", discoverable=False
    )
    refused = await send(gql, client, hidden, MONDAY_3PM)
    assert (refused["__typename"], refused["code"]) == (
        "MessagingBlocked",
        "FREELANCER_NOT_DISCOVERABLE",
    )
    order = await gql.execute(
        CREATE_ORDER,
        {"client": gid(Tag.ACCOUNT, client.id), "freelancer": gid(Tag.ACCOUNT, hidden.id)},
        as_=SERVICE,
    )
    assert order["createOrder"] == {
        "__typename": "NotDiscoverable",
        "code": "FREELANCER_NOT_DISCOVERABLE",
    }
    invites = await gql.execute(INVITES, {}, as_=account(client.id))
    assert invites["callInvites"] == []


@pytest.mark.parametrize(
    ("times", "code"),
    [
        ([], "NO_TIMES"),
        ([START - timedelta(minutes=1)], "TIME_IN_PAST"),
        ([START], "TIME_IN_PAST"),
        ([MONDAY_3PM, MONDAY_3PM], "DUPLICATE_TIME"),
        ([MONDAY_3PM, MONDAY_3PM + timedelta(minutes=14)], "TIMES_TOO_CLOSE"),
        ([MONDAY_3PM + timedelta(hours=h) for h in range(6)], "TOO_MANY_TIMES"),
    ],
)
async def test_bad_times_are_typed_errors_and_change_nothing(
    gql: Executor, client: Account, freelancer: Account, times: list[datetime], code: str
) -> None:
    refused = await send(gql, client, freelancer, *times)
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "InvalidInput",
        code,
        "startTimes",
    )
    assert (await gql.execute(INVITES, {}, as_=account(client.id)))["callInvites"] == []


async def test_duplicates_are_the_same_instant_whatever_the_offset(
    gql: Executor, client: Account, freelancer: Account
) -> None:
    data = await gql.execute(
        SEND,
        {
            "input": {
                "freelancerId": gid(Tag.ACCOUNT, freelancer.id),
                "startTimes": ["2026-01-12T15:00:00Z", "2026-01-12T16:00:00+01:00"],
            }
        },
        as_=account(client.id),
    )
    assert data["sendCallInvite"]["code"] == "DUPLICATE_TIME"


async def test_times_without_an_offset_are_refused(
    gql: Executor, client: Account, freelancer: Account
) -> None:
    data = await gql.execute(
        SEND,
        {
            "input": {
                "freelancerId": gid(Tag.ACCOUNT, freelancer.id),
                "startTimes": ["2026-01-12T15:00:00"],
            }
        },
        as_=account(client.id),
    )
    assert data["sendCallInvite"]["code"] == "TIME_WITHOUT_OFFSET"


async def test_someone_elses_invite_answers_exactly_like_an_unknown_one(
    gql: Executor, clock: ManualClock, pending_invite: dict[str, Any]
) -> None:
    stranger = await create_account(clock, kind=AccountKind.FREELANCER, name="Eve")
    for document, variables in [
        (ACCEPT, {"at": MONDAY_3PM.isoformat()}),
        (DECLINE, {"message": "no"}),
        (CANCEL, {}),
        (NO_SHOW, {}),
    ]:
        foreign = await act(gql, document, stranger, id=pending_invite["id"], **variables)
        unknown = await act(gql, document, stranger, id=gid(Tag.CALL_INVITE, 999999), **variables)
        row_id = await act(gql, document, stranger, id="999999", **variables)
        assert (
            foreign
            == unknown
            == row_id
            == {
                "__typename": "NotFound",
                "code": "NOT_FOUND",
                "message": "The call invite was not found.",
            }
        )
    seen = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(stranger.id))
    assert seen["callInvite"] is None


async def test_two_concurrent_accepts_of_one_invite_exactly_one_wins(
    gql: Executor, freelancer: Account, pending_invite: dict[str, Any]
) -> None:
    results = await asyncio.gather(
        act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=MONDAY_3PM.isoformat()),
        act(gql, ACCEPT, freelancer, id=pending_invite["id"], at=TUESDAY_3PM.isoformat()),
    )
    kinds = sorted(result["__typename"] for result in results)
    assert kinds == ["CallInvite", "CallInviteClosed"]
    winner = next(result for result in results if result["__typename"] == "CallInvite")
    loser = next(result for result in results if result["__typename"] != "CallInvite")
    assert loser["code"] == "CALL_INVITE_ACCEPTED"
    now = await gql.execute(INVITE, {"id": pending_invite["id"]}, as_=account(freelancer.id))
    assert now["callInvite"]["scheduledTime"] == winner["scheduledTime"]


@pytest.fixture
def ten_pin_pool(services: Services) -> None:
    """A local conference provider with one number and one-digit PINs: ten lines."""
    services.conference = LocalConferenceProvider(["+1 555 0199"], pin_length=1)


async def test_pins_are_unique_among_active_calls_and_free_again_when_a_call_is_cancelled(
    gql: Executor, ten_pin_pool: None, client: Account, freelancer: Account
) -> None:
    pins: list[str] = []
    ids: list[str] = []
    for day in range(10):
        at = MONDAY_3PM + timedelta(days=day)
        invite = await send(gql, client, freelancer, at)
        accepted = await act(gql, ACCEPT, freelancer, id=invite["id"], at=at.isoformat())
        pins.append(accepted["dialIn"]["pin"])
        ids.append(accepted["id"])
    assert sorted(pins) == [str(digit) for digit in range(10)]

    eleventh_at = MONDAY_3PM + timedelta(days=20)
    eleventh = await send(gql, client, freelancer, eleventh_at)
    busy = await act(gql, ACCEPT, freelancer, id=eleventh["id"], at=eleventh_at.isoformat())
    assert busy["code"] == "NO_LINE_AVAILABLE"

    await act(gql, CANCEL, client, id=ids[3])
    accepted = await act(gql, ACCEPT, freelancer, id=eleventh["id"], at=eleventh_at.isoformat())
    assert accepted["dialIn"]["pin"] == pins[3]


async def test_a_pin_is_free_again_after_its_call_is_over(
    gql: Executor,
    ten_pin_pool: None,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    accepted_call: dict[str, Any],
) -> None:
    clock.set(TUESDAY_3PM + timedelta(minutes=45 + 60))  # the end, plus the line's grace hour
    over = await gql.execute(INVITE, {"id": accepted_call["id"]}, as_=account(client.id))
    assert over["callInvite"]["dialIn"] is None
    pins = set()
    for day in range(10):  # all ten PINs, the finished call's among them
        at = clock.now() + timedelta(days=day + 1)
        invite = await send(gql, client, freelancer, at)
        accepted = await act(gql, ACCEPT, freelancer, id=invite["id"], at=at.isoformat())
        assert accepted["__typename"] == "CallInvite", accepted
        pins.add(accepted["dialIn"]["pin"])
    assert accepted_call["dialIn"]["pin"] in pins
    assert len(pins) == 10


FEED_UPDATES = """
subscription($id: ID!, $filter: FeedFilter) {
  feedUpdates(conversationId: $id, filter: $filter) {
    kind
    item { __typename ... on CallInviteEvent { callEventType invite { id inviteStatus } } ... on Message { body } }
  }
}
"""


async def _next_update(stream: Any) -> dict[str, Any]:
    result = await asyncio.wait_for(anext(stream), WAIT)
    assert not result.errors, result.errors
    update: dict[str, Any] = result.data["feedUpdates"]
    return update


@pytest.mark.parametrize("filter_", ["CALLS", "ALL"])
async def test_every_change_is_pushed_through_feed_updates_to_the_invitee(
    gql: Executor,
    services: Services,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    filter_: str,
) -> None:
    stream = await gql.schema.subscribe(
        FEED_UPDATES,
        variable_values={"id": gid(Tag.CONVERSATION, conversation_with_order), "filter": filter_},
        context_value=gql.context(account(freelancer.id)),
    )
    assert not isinstance(stream, ExecutionResult), stream
    pending = asyncio.create_task(_next_update(stream))
    await asyncio.wait_for(services.bus.hub.wait_for_listeners(freelancer.id, 1), WAIT)

    invite = await send(gql, client, freelancer, MONDAY_3PM)
    sent = await pending
    assert sent == {
        "kind": "ADDED",
        "item": {
            "__typename": "CallInviteEvent",
            "callEventType": "SENT",
            "invite": {"id": invite["id"], "inviteStatus": "PENDING"},
        },
    }
    await act(gql, CANCEL, client, id=invite["id"])
    cancelled = await _next_update(stream)
    assert cancelled["item"]["callEventType"] == "CANCELLED"
    assert cancelled["item"]["invite"]["inviteStatus"] == "CANCELLED"
    await stream.aclose()


async def test_the_messages_filter_leaves_call_events_out(
    gql: Executor,
    services: Services,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    stream = await gql.schema.subscribe(
        FEED_UPDATES,
        variable_values={
            "id": gid(Tag.CONVERSATION, conversation_with_order),
            "filter": "MESSAGES",
        },
        context_value=gql.context(account(client.id)),
    )
    assert not isinstance(stream, ExecutionResult), stream
    pending = asyncio.create_task(_next_update(stream))
    await asyncio.wait_for(services.bus.hub.wait_for_listeners(client.id, 1), WAIT)
    invite = await send(gql, client, freelancer, MONDAY_3PM)
    await act(gql, DECLINE, freelancer, id=invite["id"], message="Friday morning suits me.")
    assert await pending == {
        "kind": "ADDED",
        "item": {"__typename": "Message", "body": "Friday morning suits me."},
    }
    await stream.aclose()
