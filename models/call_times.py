"""The rules for call times: what a client may propose and what a freelancer may pick.

Every broken rule is a `CallTimeRejected` whose code names the rule, so a UI
can point at the offending time without parsing the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from parley.models.calls import CALL_TIME_HORIZON, MAX_TIMES, MIN_GAP
from parley.models.errors import CallTimeRejected, ErrorCode

FIELD = "startTimes"


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CallTimeRejected(
            ErrorCode.TIME_WITHOUT_OFFSET,
            field,
            f"{value.isoformat()} has no UTC offset; send times like 2026-03-30T15:00:00Z.",
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is before the first UTC instant
        raise CallTimeRejected(
            ErrorCode.TIME_OUT_OF_RANGE,
            field,
            f"{value.isoformat()} is not a time a call can have.",
        ) from None


def _within_horizon(instant: datetime, now: datetime, horizon: timedelta, field: str) -> None:
    if instant - now > horizon:
        raise CallTimeRejected(
            ErrorCode.TIME_TOO_FAR_AHEAD,
            field,
            f"{instant.isoformat()} is more than {horizon.days} days ahead; "
            "propose times closer to now.",
        )


def validate_proposed_times(
    times: Sequence[datetime], now: datetime, horizon: timedelta = CALL_TIME_HORIZON
) -> list[datetime]:
    """The proposed times as UTC instants, ascending, none more than `horizon` ahead;
    or the first rule they break."""
    if not times:
        raise CallTimeRejected(ErrorCode.NO_TIMES, FIELD, "Propose at least one time.")
    if len(times) > MAX_TIMES:
        raise CallTimeRejected(
            ErrorCode.TOO_MANY_TIMES, FIELD, f"Propose at most {MAX_TIMES} times, not {len(times)}."
        )
    instants = sorted(_aware(value, FIELD) for value in times)
    for instant in instants:
        if instant <= now:
            raise CallTimeRejected(
                ErrorCode.TIME_IN_PAST, FIELD, f"{instant.isoformat()} is not in the future."
            )
        _within_horizon(instant, now, horizon, FIELD)
    for earlier, later in pairwise(instants):
        if earlier == later:
            raise CallTimeRejected(
                ErrorCode.DUPLICATE_TIME, FIELD, f"{earlier.isoformat()} is proposed twice."
            )
        if later - earlier < MIN_GAP:
            minutes = int(MIN_GAP.total_seconds() // 60)
            raise CallTimeRejected(
                ErrorCode.TIMES_TOO_CLOSE,
                FIELD,
                f"{earlier.isoformat()} and {later.isoformat()} are less than "
                f"{minutes} minutes apart.",
            )
    return instants


def choose_time(
    proposed: Sequence[datetime],
    chosen: datetime,
    now: datetime,
    horizon: timedelta = CALL_TIME_HORIZON,
) -> datetime:
    """`chosen` as one of the proposed instants, in the future and within `horizon`; or why not.

    The horizon also guards invites stored before it existed (a year-9999 time cannot get
    a conference line whose end is past the last representable instant).
    """
    instant = _aware(chosen, "startsAt")
    if instant not in proposed:
        raise CallTimeRejected(
            ErrorCode.TIME_NOT_PROPOSED,
            "startsAt",
            f"{instant.isoformat()} is not one of the proposed times; pick one of them, "
            "or decline and say which times suit you.",
        )
    if instant <= now:
        raise CallTimeRejected(
            ErrorCode.TIME_IN_PAST, "startsAt", f"{instant.isoformat()} has passed."
        )
    _within_horizon(instant, now, horizon, "startsAt")
    return instant
