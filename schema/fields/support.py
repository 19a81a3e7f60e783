"""The support-request fields of the root Query and Mutation (see schema.fields.root)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from parley.resolvers import support
from parley.schema.context import Info
from parley.schema.support import (
    SupportRequestConnection,
    UpdateSupportRequestInput,
    UpdateSupportRequestResult,
)


@strawberry.type(description="Support-request reads.")
class SupportQueries:
    @strawberry.field(
        description="The caller's support requests, newest first, with their status, support's "
        "latest note and timestamps."
    )
    async def support_requests(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (default 20, max 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> SupportRequestConnection:
        return await support.support_requests(info, first, after)


@strawberry.type(description="Support-request changes.")
class SupportMutations:
    @strawberry.mutation(
        description="Service: support moves a request along (IN_PROGRESS, RESOLVED, CLOSED) "
        "with a note; the requester gets a feed item and a notification."
    )
    async def update_support_request(
        self,
        info: Info,
        input: Annotated[UpdateSupportRequestInput, strawberry.argument(description="The change.")],
    ) -> UpdateSupportRequestResult:
        return await support.update_support_request(info, input)
