"""Call times in the viewer's zone: the account setting, a per-request override, and DST."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type

from parley.compat.strawberry import graphql_schema
from parley.models.accounts import Account, update_account
from parley.models.call_flow import send_call_invite
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.schema.build import build_schema
from tests.ids import gid
from tests.support import Executor, account

LIST = """
query($tz: String) {
  callInvites {
    proposedTimes { startsAt local(timeZone: $tz) { local timeZone utcOffset abbreviation text } }
  }
}
"""

# Proposed on 1 March 2026, when Europe and North America are on winter time.
PROPOSED_ON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# 5 March: still winter time everywhere. 30 March: after the US (8 March) and EU
# (29 March) switches to summer time, before Sydney's switch back (5 April).
BEFORE_DST = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
AFTER_DST = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
async def invite_across_dst(clock: ManualClock, client: Account, freelancer: Account) -> int:
    clock.set(PROPOSED_ON)
    change = await send_call_invite(
        clock,
        client.id,
        freelancer_id=freelancer.id,
        start_times=[AFTER_DST, BEFORE_DST],
        duration_minutes=30,
    )
    return change.invite.id


async def _times(gql: Executor, viewer: Account, zone: str | None) -> list[dict[str, Any]]:
    data = await gql.execute(LIST, {"tz": zone}, as_=account(viewer.id))
    (invite,) = data["callInvites"]
    times: list[dict[str, Any]] = invite["proposedTimes"]
    assert {time["local"]["timeZone"] for time in times} == {zone or viewer.time_zone}
    assert [time["startsAt"] for time in times] == [BEFORE_DST.isoformat(), AFTER_DST.isoformat()]
    return [time["local"] for time in times]


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (
            "Europe/Berlin",
            ("2026-03-05T16:00:00+01:00", "+01:00", "CET", "Thu 5 Mar 2026, 16:00 CET"),
            ("2026-03-30T17:00:00+02:00", "+02:00", "CEST", "Mon 30 Mar 2026, 17:00 CEST"),
        ),
        (
            "America/Los_Angeles",
            ("2026-03-05T07:00:00-08:00", "-08:00", "PST", "Thu 5 Mar 2026, 07:00 PST"),
            ("2026-03-30T08:00:00-07:00", "-07:00", "PDT", "Mon 30 Mar 2026, 08:00 PDT"),
        ),
        (
            "Asia/Kolkata",
            ("2026-03-05T20:30:00+05:30", "+05:30", "IST", "Thu 5 Mar 2026, 20:30 IST"),
            ("2026-03-30T20:30:00+05:30", "+05:30", "IST", "Mon 30 Mar 2026, 20:30 IST"),
        ),
        (
            "Australia/Sydney",
            ("2026-03-06T02:00:00+11:00", "+11:00", "AEDT", "Fri 6 Mar 2026, 02:00 AEDT"),
            ("2026-03-31T02:00:00+11:00", "+11:00", "AEDT", "Tue 31 Mar 2026, 02:00 AEDT"),
        ),
    ],
)
async def test_one_invite_shown_in_each_viewers_zone_with_the_offset_of_the_call_date(
    gql: Executor,
    freelancer: Account,
    invite_across_dst: int,
    zone: str,
    before: tuple[str, str, str, str],
    after: tuple[str, str, str, str],
) -> None:
    shown = await _times(gql, freelancer, zone)
    assert [
        (time["local"], time["utcOffset"], time["abbreviation"], time["text"]) for time in shown
    ] == [before, after]
    assert {time["timeZone"] for time in shown} == {zone}


async def test_without_an_override_times_follow_the_accounts_current_zone(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    invite_across_dst: int,
) -> None:
    berlin = await _times(gql, freelancer, None)  # the freelancer's setting: Europe/Berlin
    assert [time["text"] for time in berlin] == [
        "Thu 5 Mar 2026, 16:00 CET",
        "Mon 30 Mar 2026, 17:00 CEST",
    ]
    new_york = await _times(gql, client, None)  # the client's: America/New_York
    assert [time["utcOffset"] for time in new_york] == ["-05:00", "-04:00"]

    travelling = await update_account(clock, freelancer.id, time_zone="Asia/Tokyo")
    tokyo = await _times(gql, travelling, None)
    assert [time["text"] for time in tokyo] == [
        "Fri 6 Mar 2026, 00:00 JST",
        "Tue 31 Mar 2026, 00:00 JST",
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "utc+2"])
async def test_an_unknown_zone_name_is_a_coded_error(
    gql: Executor, freelancer: Account, invite_across_dst: int, zone: str
) -> None:
    errors = await gql.errors(LIST, {"tz": zone}, as_=account(freelancer.id))
    assert errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "timeZone"}


BERLIN_LIST_TOKYO_ONE = """
query($id: ID!) {
  callInvites { id proposedTimes { startsAt local(timeZone: "Europe/Berlin") { text } } }
  callInvite(id: $id) { id proposedTimes { startsAt local(timeZone: "Asia/Tokyo") { text } } }
}
"""


async def test_a_zone_asked_for_in_one_place_changes_no_value_a_cache_shares_with_another(
    gql: Executor, freelancer: Account, invite_across_dst: int
) -> None:
    """The list in Berlin and the single invite in Tokyo: a normalized cache stores both
    under one CallInvite, so the zone lives on the field that shows it (`local(timeZone:)`,
    a cache key of its own) and never on the query that fetched the invite."""
    data = await gql.execute(
        BERLIN_LIST_TOKYO_ONE,
        {"id": gid(Tag.CALL_INVITE, invite_across_dst)},
        as_=account(freelancer.id),
    )
    (listed,) = data["callInvites"]
    single = data["callInvite"]
    assert listed["id"] == single["id"] == gid(Tag.CALL_INVITE, invite_across_dst)
    assert [time["local"]["text"] for time in listed["proposedTimes"]] == [
        "Thu 5 Mar 2026, 16:00 CET",
        "Mon 30 Mar 2026, 17:00 CEST",
    ]
    assert [time["local"]["text"] for time in single["proposedTimes"]] == [
        "Fri 6 Mar 2026, 00:00 JST",
        "Tue 31 Mar 2026, 00:00 JST",
    ]


def test_only_a_field_that_shows_a_wall_clock_takes_a_time_zone() -> None:
    """Every field of the schema checked for the pattern: an argument that changes the values
    of the objects a field returns would make cached objects answer for the wrong zone."""
    schema = graphql_schema(build_schema(debug=True))
    zoned = schema.get_type("ZonedTime")
    taking_a_zone = {
        f"{type_name}.{field_name}": get_named_type(field.type)
        for type_name, named in schema.type_map.items()
        if isinstance(named, GraphQLObjectType)
        for field_name, field in named.fields.items()
        if "timeZone" in field.args
    }
    assert taking_a_zone, "call times take a time zone"
    assert {name: kind for name, kind in taking_a_zone.items() if kind is not zoned} == {}
