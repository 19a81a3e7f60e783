"""Global ids in tests: what the API shows for a row, and ids it must refuse."""

from __future__ import annotations

from parley.models import global_ids
from parley.models.global_ids import Tag


def gid(tag: Tag, row_id: int | str) -> str:
    """The API id of row `row_id` in `tag`'s id space."""
    return global_ids.encode(tag, int(row_id))


def raw(value: str) -> int:
    """The row id behind a global id (any tag)."""
    decoded = global_ids.decode(value)
    assert decoded is not None, f"{value!r} is not a global id"
    return decoded[1]


def tag_of(value: str) -> Tag:
    """The id space a global id names."""
    decoded = global_ids.decode(value)
    assert decoded is not None, f"{value!r} is not a global id"
    return decoded[0]
