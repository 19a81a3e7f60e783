"""Domain enums as GraphQL enums, each value with its description.

The domain (`models/`) knows nothing of GraphQL, so its enums cannot carry
`strawberry.enum_value` descriptions; `domain_enum` registers one with strawberry
and describes every value, refusing an enum with a value left undescribed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import strawberry


def domain_enum(cls: type[Enum], *, name: str, description: str, values: Mapping[str, str]) -> None:
    """`strawberry.enum(cls)`, with `values` (member name -> description) for every member."""
    strawberry.enum(cls, name=name, description=description)
    members = {member.name for member in cls}
    if members != set(values):
        raise ValueError(
            f"{name}: describe every value exactly once "
            f"(missing {sorted(members - set(values))}, unknown {sorted(set(values) - members)})"
        )
    # The definition strawberry.enum attached; its values become the SDL's enum values.
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
