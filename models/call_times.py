"""The rules for call times: what a client may propose and what a freelancer may pick.

Every broken rule is a `CallTimeRejected` whose code names the rule, so a UI
can point at the offending time without parsing the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import pairwise

from models.calls import MAX_TIMES, MIN_GAP
from models.errors import CallTimeRejected

FIELD = "startTimes"


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CallTimeRejected(
            "TIME_WITHOUT_OFFSET",
            field,
            f"{value.isoformat()} has no UTC offset; send times like 2026-03-30T15:00:00Z.",
        )
    return value.astimezone(UTC)


def validate_proposed_times(times: Sequence[datetime], now: datetime) -> list[datetime]:
    """The proposed times as UTC instants, ascending; or the first rule they break."""
    if not times:
        raise CallTimeRejected("NO_TIMES", FIELD, "Propose at least one time.")
    if len(times) > MAX_TIMES:
        raise CallTimeRejected(
            "TOO_MANY_TIMES", FIELD, f"Propose at most {MAX_TIMES} times, not {len(times)}."
        )
    instants = sorted(_aware(value, FIELD) for value in times)
    for instant in instants:
        if instant <= now:
            raise CallTimeRejected(
                "TIME_IN_PAST", FIELD, f"{instant.isoformat()} is not in the future."
            )
    for earlier, later in pairwise(instants):
        if earlier == later:
            raise CallTimeRejected(
                "DUPLICATE_TIME", FIELD, f"{earlier.isoformat()} is proposed twice."
            )
        if later - earlier < MIN_GAP:
            minutes = int(MIN_GAP.total_seconds() // 60)
            raise CallTimeRejected(
                "TIMES_TOO_CLOSE",
                FIELD,
                f"{earlier.isoformat()} and {later.isoformat()} are less than "
                f"{minutes} minutes apart.",
            )
    return instants


def choose_time(proposed: Sequence[datetime], chosen: datetime, now: datetime) -> datetime:
    """`chosen` as one of the proposed instants, still in the future; or why not."""
    instant = _aware(chosen, "startsAt")
    if instant not in proposed:
        raise CallTimeRejected(
            "TIME_NOT_PROPOSED",
            "startsAt",
            f"{instant.isoformat()} is not one of the proposed times; pick one of them, "
            "or decline and say which times suit you.",
        )
    if instant <= now:
        raise CallTimeRejected("TIME_IN_PAST", "startsAt", f"{instant.isoformat()} has passed.")
    return instant
