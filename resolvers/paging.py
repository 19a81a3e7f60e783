"""Lists ordered by row id alone (support requests, open guarantee requests): one way to
read a page of them forward, with cursors of the list's kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from parley.models.errors import ParleyError
from parley.resolvers.cursors import decode_id_cursor, id_cursor
from parley.resolvers.inputs import page_size, query_error
from parley.schema.context import Info
from parley.schema.feed import PageInfo

DEFAULT_PAGE = 20


class _Row(Protocol):
    id: int


Row = TypeVar("Row", bound=_Row)
# (page size, the id to continue after) -> (rows in list order, whether more follow)
Loader = Callable[[int, int | None], Awaitable[tuple[list[Row], bool]]]


async def page_by_id(
    info: Info, kind: str, first: int | None, after: str | None, load: Loader[Row]
) -> tuple[list[tuple[str, Row]], PageInfo]:
    """The page's (cursor, row) pairs and its PageInfo; bad arguments are query errors."""
    try:
        size = page_size(first, "first", DEFAULT_PAGE, info.context.services.settings.feed_page_max)
        rows, has_more = await load(size, decode_id_cursor(after, kind, "after"))
    except ParleyError as exc:
        raise query_error(exc) from exc
    cursors = [id_cursor(kind, row.id) for row in rows]
    return list(zip(cursors, rows, strict=True)), PageInfo.forward(
        cursors, after=after, has_more=has_more
    )
