"""Conference lines for accepted calls: the provider interface and a local implementation.

A provider hands out a dial-in number and a PIN for one call. The rules in
`models.calls` guarantee that a PIN is unique among active calls (a unique
column backs it); the provider is told which PINs are taken so it can avoid
them. `LocalConferenceProvider` draws from a configured number pool; a real
conferencing service implements the same protocol and is plugged in through
the server's `Services`.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from parley.models.errors import NoLineAvailable

# Below this many possible PINs the free ones are listed; above it, drawn at random.
_ENUMERATE_UP_TO = 10_000
_RANDOM_ATTEMPTS = 64


@dataclass(frozen=True, slots=True)
class ConferenceLine:
    dial_in_number: str
    pin: str


@dataclass(frozen=True, slots=True)
class LineRequest:
    call_id: int
    starts_at: datetime
    ends_at: datetime
    pins_in_use: Collection[str]


class ConferenceProvider(Protocol):
    async def open_line(self, request: LineRequest) -> ConferenceLine:
        """A line for the call; raises NoLineAvailable when none is free."""
        ...

    async def close_line(self, line: ConferenceLine) -> None:
        """Give the line back (the call was cancelled, or the accept lost a race)."""
        ...


class LocalConferenceProvider:
    """Numbers from a fixed pool, random PINs of a fixed length; no recording, ever."""

    def __init__(self, numbers: Sequence[str], pin_length: int) -> None:
        if not numbers:
            raise ValueError("the dial-in number pool is empty")
        if pin_length < 1:
            raise ValueError("a PIN has at least one digit")
        self.numbers = list(numbers)
        self.pin_length = pin_length

    async def open_line(self, request: LineRequest) -> ConferenceLine:
        number = self.numbers[request.call_id % len(self.numbers)]
        return ConferenceLine(dial_in_number=number, pin=self._free_pin(request.pins_in_use))

    async def close_line(self, line: ConferenceLine) -> None:
        return None

    def _free_pin(self, taken: Collection[str]) -> str:
        space = 10**self.pin_length
        if len(taken) >= space:
            raise NoLineAvailable()
        if space <= _ENUMERATE_UP_TO:
            free = [pin for pin in map(self._format, range(space)) if pin not in taken]
            if not free:
                raise NoLineAvailable()
            return secrets.choice(free)
        for _ in range(_RANDOM_ATTEMPTS):
            pin = self._format(secrets.randbelow(space))
            if pin not in taken:
                return pin
        raise NoLineAvailable()

    def _format(self, number: int) -> str:
        return str(number).zfill(self.pin_length)
