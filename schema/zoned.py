"""Instants shown on a viewer's wall clock: a call time in the zone the viewer is in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


@strawberry.type(
    description="One instant on the wall clock of a time zone, with the offset in force "
    "on that date (so a daylight-saving change between now and then is accounted for)."
)
class ZonedTime:
    local: datetime = strawberry.field(
        description="ISO 8601 local date and time with its offset, e.g. 2026-03-30T17:00:00+02:00."
    )
    time_zone: str = strawberry.field(
        description="The IANA time zone, e.g. Europe/Berlin; UTC when the instant cannot be "
        "shown in the requested zone (a wall clock past the year 9999)."
    )
    utc_offset: str = strawberry.field(description="The offset on that date, e.g. +02:00.")
    abbreviation: str = strawberry.field(description="The zone's abbreviation then, e.g. CEST.")
    text: str = strawberry.field(description="Ready to show, e.g. 'Mon 30 Mar 2026, 17:00 CEST'.")

    @classmethod
    def at(cls, instant: datetime, time_zone: str) -> ZonedTime:
        """`instant` on the wall clock of `time_zone`; in UTC if that clock cannot show it.

        Total on purpose: one unshowable time must not fail a whole list of call invites.
        """
        try:
            local = instant.astimezone(ZoneInfo(time_zone))
        except (OverflowError, ZoneInfoNotFoundError, ValueError):
            local, time_zone = instant.astimezone(UTC), "UTC"
        abbreviation = local.tzname() or time_zone
        return cls(
            local=local,
            time_zone=time_zone,
            utc_offset=_offset(local.utcoffset()),
            abbreviation=abbreviation,
            text=f"{local:%a} {local.day} {local:%b %Y, %H:%M} {abbreviation}",
        )
