"""Hostile input through the schema: a typed refusal that discloses nothing, and no change.

Text (models.text), time zones (models.accounts) and call times (models.call_times),
wherever the API accepts them, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from parley.models.accounts import Account
from parley.models.call_flow import send_call_invite
from parley.models.calls import CallInvite
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.web.services import Services
from tests.database_state import all_rows
from tests.ids import gid
from tests.support import SERVICE, Executor, account

REFUSAL = "__typename ... on Error { code message } ... on InvalidInput { field }"
CREATE_ACCOUNT = f"""
mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{ {REFUSAL} }} }}
"""
UPDATE_ACCOUNT = f"""
mutation($id: ID!, $input: UpdateAccountInput!) {{
  updateAccount(id: $id, input: $input) {{ {REFUSAL} }}
}}
"""
SEND = f"""
mutation($input: SendMessageInput!) {{
  sendMessage(input: $input) {{ {REFUSAL} ... on Message {{ body }} }}
}}
"""
SEND_INVITE = f"""
mutation($input: SendCallInviteInput!) {{
  sendCallInvite(input: $input) {{ {REFUSAL} ... on CallInvite {{ id topic }} }}
}}
"""
ACCEPT = f"""
mutation($id: ID!, $at: DateTime!) {{
  acceptCallInvite(id: $id, startsAt: $at) {{ {REFUSAL} ... on CallInvite {{ inviteStatus }} }}
}}
"""
DECLINE = f"""
mutation($id: ID!, $message: String) {{
  declineCallInvite(id: $id, message: $message) {{ {REFUSAL} }}
}}
"""
SUPPORT = f"""
mutation($input: OpenSupportRequestInput!) {{
  openSupportRequest(input: $input) {{ {REFUSAL} }}
}}
"""
LOCAL = "local { local timeZone text }"
INVITES = """
query($tz: String) {
  callInvites { id proposedTimes { startsAt local(timeZone: $tz) { local timeZone text } } }
}
"""
INVITE = """
query($id: ID!, $tz: String) {
  callInvite(id: $id) { proposedTimes { local(timeZone: $tz) { text } } }
}
"""
FEED_INVITES = f"""
query($id: ID!) {{
  feed(conversationId: $id, last: 20) {{ edges {{ node {{
    ... on CallInviteEvent {{ invite {{ proposedTimes {{ {LOCAL} }} }} }}
  }} }} }}
}}
"""

HUGE_ZONE = "Europe/" + "x" * 10_000
SOON = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # a week after the clock fixture's start


def _refused(result: dict[str, Any], code: str = "INVALID_INPUT") -> dict[str, Any]:
    assert result["code"] == code, result
    return result


async def _unchanged(gql: Executor, document: str, variables: dict[str, Any], as_: Any) -> Any:
    """Run a document that must be refused with a typed result; the database stays as it was."""
    before = await all_rows()
    data = await gql.execute(document, variables, as_=as_)
    assert await all_rows() == before
    (result,) = data.values()
    return result


BAD_ZONES = [HUGE_ZONE, "../../../etc/passwd", "Europe/Berlin\x00", "Mars/Base", ""]
CONTROLS = ["\x00", "a\x00b", "\x1b[31m", "\x7f", "\ud800"]
INVISIBLE = ["\u200b", " \u2060\ufeff ", "\u3164", "\u200d\u034f", "\r\n\t"]


async def test_a_bad_time_zone_is_a_typed_refusal_that_discloses_nothing(
    gql: Executor, client: Account, freelancer: Account, clock: ManualClock
) -> None:
    """Accounts refuse it; a call time asked for in it is a coded error (with an invite to show)."""
    change = await send_call_invite(
        clock, client.id, freelancer_id=freelancer.id, start_times=[SOON], duration_minutes=30
    )
    for zone in BAD_ZONES:
        await _refuse_zone(gql, client, freelancer, zone, change.invite.id)


async def _refuse_zone(
    gql: Executor, client: Account, freelancer: Account, zone: str, invite: int
) -> None:
    created = await _unchanged(
        gql, CREATE_ACCOUNT, {"input": {"kind": "CLIENT", "name": "X", "timeZone": zone}}, SERVICE
    )
    updated = await _unchanged(
        gql,
        UPDATE_ACCOUNT,
        {"id": gid(Tag.ACCOUNT, client.id), "input": {"timeZone": zone}},
        SERVICE,
    )
    for refusal in (created, updated):
        assert _refused(refusal)["field"] == "timeZone"
    query_errors = [
        *await gql.errors(INVITES, {"tz": zone}, as_=account(freelancer.id)),
        *await gql.errors(
            INVITE, {"id": gid(Tag.CALL_INVITE, invite), "tz": zone}, as_=account(freelancer.id)
        ),
    ]
    assert [error["extensions"]["code"] for error in query_errors] == ["INVALID_INPUT"] * 2
    for message in [created["message"], updated["message"]] + [e["message"] for e in query_errors]:
        assert "x" * 50 not in message
        assert str(Path.cwd()) not in message
        assert "Error" not in message  # no exception name (OSError, ValueError …)


async def test_control_characters_are_refused_in_every_text_input(
    gql: Executor,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
    clock: ManualClock,
) -> None:
    invite = await send_call_invite(
        clock, client.id, freelancer_id=freelancer.id, start_times=[SOON], duration_minutes=30
    )
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    for bad in CONTROLS:
        attempts: list[tuple[str, dict[str, Any], Any, str]] = [
            (
                SEND,
                {"input": {"conversationId": conversation, "body": bad}},
                client,
                "body",
            ),
            (CREATE_ACCOUNT, {"input": {"kind": "CLIENT", "name": bad}}, SERVICE, "name"),
            (
                UPDATE_ACCOUNT,
                {"id": gid(Tag.ACCOUNT, client.id), "input": {"name": bad}},
                SERVICE,
                "name",
            ),
            (
                SEND_INVITE,
                {
                    "input": {
                        "freelancerId": gid(Tag.ACCOUNT, freelancer.id),
                        "startTimes": [SOON.isoformat()],
                        "topic": bad,
                    }
                },
                client,
                "topic",
            ),
            (
                DECLINE,
                {"id": gid(Tag.CALL_INVITE, invite.invite.id), "message": bad},
                freelancer,
                "body",
            ),
            (
                SUPPORT,
                {"input": {"conversationId": conversation, "details": bad}},
                client,
                "details",
            ),
        ]
        for document, variables, caller, field in attempts:
            as_ = caller if caller is SERVICE else account(caller.id)
            result = await _unchanged(gql, document, variables, as_)
            assert _refused(result)["field"] == field, (document, result)


async def test_a_body_of_invisible_characters_counts_as_empty(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    for invisible in INVISIBLE:
        variables = {"input": {"conversationId": conversation, "body": invisible}}
        result = await _unchanged(gql, SEND, variables, account(client.id))
        assert _refused(result)["message"] == "A message cannot be empty.", invisible


async def test_text_is_stored_in_nfc_with_one_line_ending(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    body = "Cafe\u0301 at 10?\r\nOr the cafe\u0301 at noon,\rtab\there"
    variables = {
        "input": {"conversationId": gid(Tag.CONVERSATION, conversation_with_order), "body": body}
    }
    data = await gql.execute(SEND, variables, as_=account(client.id))
    assert data["sendMessage"]["body"] == "Café at 10?\nOr the café at noon,\ntab\there"


OUT_OF_BOUNDS = {
    "9999-12-31T23:00:00Z": "TIME_TOO_FAR_AHEAD",
    "2027-01-06T09:00:00Z": "TIME_TOO_FAR_AHEAD",  # a year and a day after the clock's start
    "0001-01-01T00:00:00+01:00": "TIME_OUT_OF_RANGE",
    "1970-01-01T00:00:00Z": "TIME_IN_PAST",
}


async def test_proposed_times_are_bounded(
    gql: Executor, client: Account, freelancer: Account
) -> None:
    for start, code in OUT_OF_BOUNDS.items():
        variables = {
            "input": {"freelancerId": gid(Tag.ACCOUNT, freelancer.id), "startTimes": [start]}
        }
        result = await _unchanged(gql, SEND_INVITE, variables, account(client.id))
        assert _refused(result, code)["field"] == "startTimes"


async def test_the_horizon_is_a_setting(
    gql: Executor, services: Services, client: Account, freelancer: Account, clock: ManualClock
) -> None:
    in_ten_days = (clock.now() + timedelta(days=10)).isoformat()
    variables = {
        "input": {"freelancerId": gid(Tag.ACCOUNT, freelancer.id), "startTimes": [in_ten_days]}
    }
    services.settings = services.settings.model_copy(update={"call_time_horizon_days": 7})
    refused = await _unchanged(gql, SEND_INVITE, variables, account(client.id))
    assert _refused(refused, "TIME_TOO_FAR_AHEAD")["message"].endswith(
        "is more than 7 days ahead; propose times closer to now."
    )
    services.settings = services.settings.model_copy(update={"call_time_horizon_days": 365})
    sent = await gql.execute(SEND_INVITE, variables, as_=account(client.id))
    assert sent["sendCallInvite"]["__typename"] == "CallInvite"


async def test_a_stored_year_9999_invite_fails_nothing_for_a_freelancer_in_berlin(
    gql: Executor, client: Account, freelancer: Account, clock: ManualClock
) -> None:
    """Planted before times were bounded: the list, the feed and accepting all still answer."""
    change = await send_call_invite(
        clock, client.id, freelancer_id=freelancer.id, start_times=[SOON], duration_minutes=30
    )
    last = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    await CallInvite.filter(id=change.invite.id).update(
        proposed_times=[SOON.isoformat(), last.isoformat()], last_proposed_at=last
    )
    berlin = account(freelancer.id)

    (listed,) = (await gql.execute(INVITES, {"tz": None}, as_=berlin))["callInvites"]
    shown = [time["local"] for time in listed["proposedTimes"]]
    assert shown[0]["timeZone"] == "Europe/Berlin"
    assert shown[1] == {
        "local": "9999-12-31T23:30:00+00:00",
        "timeZone": "UTC",
        "text": "Fri 31 Dec 9999, 23:30 UTC",
    }

    feed = await gql.execute(
        FEED_INVITES, {"id": gid(Tag.CONVERSATION, change.invite.conversation_id)}, as_=berlin
    )
    (edge,) = feed["feed"]["edges"]
    assert edge["node"]["invite"]["proposedTimes"][1]["local"]["timeZone"] == "UTC"

    invite = gid(Tag.CALL_INVITE, change.invite.id)
    accept = {"id": invite, "at": last.isoformat()}
    refused = await _unchanged(gql, ACCEPT, accept, berlin)
    assert _refused(refused, "TIME_TOO_FAR_AHEAD")["field"] == "startsAt"
    accepted = await gql.execute(ACCEPT, {"id": invite, "at": SOON.isoformat()}, as_=berlin)
    assert accepted["acceptCallInvite"] == {"__typename": "CallInvite", "inviteStatus": "ACCEPTED"}
