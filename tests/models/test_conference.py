"""The local conference provider: numbers from the pool, PINs of the configured length."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.models.conference import LineRequest, LocalConferenceProvider
from parley.models.errors import NoLineAvailable

AT = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)


def request(call_id: int, taken: set[str]) -> LineRequest:
    return LineRequest(call_id, AT, AT + timedelta(minutes=30), taken)


async def test_pins_have_the_configured_length_and_avoid_the_taken_ones() -> None:
    provider = LocalConferenceProvider(["+1 555 0100", "+1 555 0101"], pin_length=6)
    taken: set[str] = set()
    for call_id in range(200):
        line = await provider.open_line(request(call_id, taken))
        assert len(line.pin) == 6
        assert line.pin.isdigit()
        assert line.pin not in taken
        assert line.dial_in_number in provider.numbers
        taken.add(line.pin)


async def test_a_full_pool_raises_no_line_available() -> None:
    provider = LocalConferenceProvider(["+1 555 0100"], pin_length=1)
    every_pin = {str(digit) for digit in range(10)}
    with pytest.raises(NoLineAvailable):
        await provider.open_line(request(1, every_pin))
    line = await provider.open_line(request(1, every_pin - {"7"}))
    assert line.pin == "7"
