"""The API's date, time and money scalars, each with the specification it follows (@specifiedBy).

Strawberry's own DateTime, Date and Decimal carry no @specifiedBy, so code generators
type them `unknown`. These replace them (`build_schema`'s scalar_map) with the same
wire format: ISO 8601 / RFC 3339 text for instants and dates, a decimal string for money.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import date, datetime

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
XSD_DECIMAL = "https://www.w3.org/TR/xmlschema11-2/#decimal"


def _parser(
    parse: Callable[[str], object],
    name: str,
    errors: tuple[type[Exception], ...] = (ValueError,),
    *,
    accept_numbers: bool = False,
) -> Callable[[object], object]:
    """`parse` for a variable's value: anything it refuses is the client's typed error."""

    def parse_value(value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and accept_numbers:
            value = str(value)
        if not isinstance(value, str):
            raise StrawberryInputCoercionError(
                f'Value cannot represent a {name}: "{value}". Expected a string.'
            )
        try:
            return parse(value)
        except errors:
            raise StrawberryInputCoercionError(
                f'Value cannot represent a {name}: "{value}".'
            ) from None

    return parse_value


DateTime = strawberry.scalar(
    name="DateTime",
    description="An instant as RFC 3339 text with its UTC offset, e.g. "
    "2026-03-30T15:00:00+00:00 (TypeScript: string).",
    specified_by_url=RFC_3339,
    serialize=datetime.isoformat,
    parse_value=_parser(datetime.fromisoformat, "DateTime"),
)

Date = strawberry.scalar(
    name="Date",
    description="A calendar date as RFC 3339 full-date text, e.g. 2026-03-30 (TypeScript: string).",
    specified_by_url=RFC_3339,
    serialize=date.isoformat,
    parse_value=_parser(date.fromisoformat, "Date"),
)

Decimal = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number as a string, e.g. "1500.00" (TypeScript: string); '
    "input may also be a JSON number.",
    specified_by_url=XSD_DECIMAL,
    serialize=str,
    parse_value=_parser(
        decimal.Decimal, "Decimal", (decimal.DecimalException,), accept_numbers=True
    ),
)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    datetime: DateTime,
    date: Date,
    decimal.Decimal: Decimal,
}
