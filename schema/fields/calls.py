"""The call-invite fields of the root Query and Mutation (see schema.fields.root)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from parley.resolvers import calls
from parley.schema.calls import (
    AcceptCallInviteResult,
    CallInvite,
    CallInviteStatus,
    CancelCallInviteResult,
    DeclineCallInviteResult,
    ReportCallNoShowResult,
    SendCallInviteInput,
    SendCallInviteResult,
)
from parley.schema.context import Info

_INVITE = strawberry.argument(description="The call invite.")


@strawberry.type(description="Call-invite reads.")
class CallQueries:
    @strawberry.field(
        description="The Call Requests list: invites the caller received (freelancer) or sent "
        "(client), newest first. Local times are in the caller's own time zone; a time's "
        "local(timeZone:) shows it in another."
    )
    async def call_invites(
        self,
        info: Info,
        status: Annotated[
            CallInviteStatus | None,
            strawberry.argument(description="Only invites in this status (PENDING: still open)."),
        ] = None,
    ) -> list[CallInvite]:
        return await calls.call_invites(info, status)

    @strawberry.field(
        description="One of the caller's call invites; null if unknown or not theirs."
    )
    async def call_invite(
        self,
        info: Info,
        id: Annotated[strawberry.ID, _INVITE],
    ) -> CallInvite | None:
        return await calls.call_invite(info, id)


@strawberry.type(description="Call-invite changes.")
class CallMutations:
    @strawberry.mutation(
        description="Client: invite a freelancer to a call at one of 1–5 proposed times. "
        "Replaces the pair's pending or declined invite. The messaging rules apply "
        "(messagingStatus(action: CALL_INVITE) asks first)."
    )
    async def send_call_invite(
        self,
        info: Info,
        input: Annotated[SendCallInviteInput, strawberry.argument(description="The invite.")],
    ) -> SendCallInviteResult:
        return await calls.send_call_invite(info, input)

    @strawberry.mutation(
        description="Freelancer: accept at exactly one of the proposed times; both sides get "
        "the dial-in number and PIN."
    )
    async def accept_call_invite(
        self,
        info: Info,
        id: Annotated[strawberry.ID, _INVITE],
        starts_at: Annotated[
            datetime, strawberry.argument(description="One of the proposed start times.")
        ],
    ) -> AcceptCallInviteResult:
        return await calls.accept_call_invite(info, id, starts_at)

    @strawberry.mutation(
        description="Freelancer: decline; the message (say which times would suit you) is "
        "posted to the conversation, and the client may send a new invite."
    )
    async def decline_call_invite(
        self,
        info: Info,
        id: Annotated[strawberry.ID, _INVITE],
        message: Annotated[
            str | None,
            strawberry.argument(description="Which times would suit you (1–5,000 characters)."),
        ] = None,
    ) -> DeclineCallInviteResult:
        return await calls.decline_call_invite(info, id, message)

    @strawberry.mutation(
        description="Client: cancel a pending invite, or an accepted call before it starts."
    )
    async def cancel_call_invite(
        self, info: Info, id: Annotated[strawberry.ID, _INVITE]
    ) -> CancelCallInviteResult:
        return await calls.cancel_call_invite(info, id)

    @strawberry.mutation(
        description="Freelancer: no one else joined the call. Allowed from 5 minutes after the "
        "start; opens a support request."
    )
    async def report_call_no_show(
        self,
        info: Info,
        id: Annotated[strawberry.ID, _INVITE],
        details: Annotated[
            str, strawberry.argument(description="Anything support should know.")
        ] = "",
    ) -> ReportCallNoShowResult:
        return await calls.report_call_no_show(info, id, details)
