"""Call invites: the Call Requests list, and sending, accepting, declining and cancelling."""

from __future__ import annotations

from datetime import datetime

import strawberry

from parley.models import call_flow, calls
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.after_commit import after_commit
from parley.resolvers.inputs import parse_id
from parley.schema.calls import (
    AcceptCallInviteResult,
    CallInvite,
    CancelCallInviteResult,
    DeclineCallInviteResult,
    ReportCallNoShowResult,
    SendCallInviteInput,
    SendCallInviteResult,
    viewer_zone,
)
from parley.schema.context import Info
from parley.schema.errors import (
    CallInviteClosedError,
    InvalidInputError,
    MessagingBlockedError,
    NoLineAvailableError,
    NotFoundError,
    OutsideCallWindowError,
    PermissionDeniedError,
    error_result,
)

# What every change to an existing invite can meet: unseen, not the caller's part, closed.
INVITE_ERRORS = (NotFoundError, PermissionDeniedError, CallInviteClosedError)


async def call_invites(info: Info, status: calls.CallInviteStatus | None) -> list[CallInvite]:
    viewer = info.context.account_id()
    services = info.context.services
    zone = await viewer_zone(info)
    now = services.clock.now()
    rows = await calls.call_invites_for(
        viewer,
        None if status is None else calls.CallInviteStatus(status),
        now,
        services.settings.feed_page_max,
    )
    return [CallInvite.from_model(row, zone, now) for row in rows]


async def call_invite(info: Info, id: strawberry.ID) -> CallInvite | None:
    viewer = info.context.account_id()
    zone = await viewer_zone(info)
    try:
        row = await calls.get_call_invite_for(
            viewer, parse_id(id, Tag.CALL_INVITE, "The call invite")
        )
    except ParleyError:
        return None
    return CallInvite.from_model(row, zone, info.context.services.clock.now())


async def send_call_invite(info: Info, input: SendCallInviteInput) -> SendCallInviteResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await call_flow.send_call_invite(
            services.clock,
            caller,
            freelancer_id=parse_id(input.freelancer_id, Tag.ACCOUNT, "The freelancer"),
            start_times=input.start_times,
            duration_minutes=input.duration_minutes,
            topic=input.topic,
            order_id=None
            if input.order_id is None
            else parse_id(input.order_id, Tag.ORDER, "The order"),
            no_messaging_job_types=services.settings.no_messaging_job_types,
            horizon=services.settings.call_time_horizon,
        )
    except ParleyError as exc:
        return error_result(
            exc, MessagingBlockedError, NotFoundError, InvalidInputError, PermissionDeniedError
        )
    return await _published(info, change)


async def accept_call_invite(
    info: Info, id: strawberry.ID, starts_at: datetime
) -> AcceptCallInviteResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await call_flow.accept_call_invite(
            services.clock,
            services.conference_lines(),
            caller,
            parse_id(id, Tag.CALL_INVITE, "The call invite"),
            starts_at,
            horizon=services.settings.call_time_horizon,
        )
    except ParleyError as exc:
        return error_result(exc, *INVITE_ERRORS, InvalidInputError, NoLineAvailableError)
    return await _published(info, change)


async def decline_call_invite(
    info: Info, id: strawberry.ID, message: str | None
) -> DeclineCallInviteResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await call_flow.decline_call_invite(
            services.clock,
            caller,
            parse_id(id, Tag.CALL_INVITE, "The call invite"),
            message,
            services.settings.no_messaging_job_types,
        )
    except ParleyError as exc:
        return error_result(exc, *INVITE_ERRORS, InvalidInputError, MessagingBlockedError)
    return await _published(info, change)


async def cancel_call_invite(info: Info, id: strawberry.ID) -> CancelCallInviteResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await call_flow.cancel_call_invite(
            services.clock,
            services.conference_lines(),
            caller,
            parse_id(id, Tag.CALL_INVITE, "The call invite"),
        )
    except ParleyError as exc:
        return error_result(exc, *INVITE_ERRORS, OutsideCallWindowError)
    return await _published(info, change)


async def report_call_no_show(
    info: Info, id: strawberry.ID, details: str
) -> ReportCallNoShowResult:
    caller = info.context.account_id()
    services = info.context.services
    try:
        change = await call_flow.report_no_show(
            services.clock, caller, parse_id(id, Tag.CALL_INVITE, "The call invite"), details
        )
    except ParleyError as exc:
        return error_result(exc, *INVITE_ERRORS, OutsideCallWindowError, InvalidInputError)
    return await _published(info, change)


async def _published(info: Info, change: call_flow.CallChange) -> CallInvite:
    services = info.context.services
    await after_commit(services, change.events)
    return CallInvite.from_model(change.invite, await viewer_zone(info), services.clock.now())
