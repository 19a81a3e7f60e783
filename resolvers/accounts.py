"""Accounts: the caller's own, and the service token's create/update."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from parley.models import accounts
from parley.models.errors import NotFound, ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.inputs import parse_id
from parley.schema.accounts import (
    Account,
    CreateAccountInput,
    CreateAccountResult,
    UpdateAccountInput,
    UpdateAccountResult,
)
from parley.schema.context import Info
from parley.schema.errors import InvalidInputError, NotFoundError, error_result


async def me(info: Info) -> Account:
    try:
        row = await accounts.get_account(info.context.account_id())
    except NotFound as exc:
        raise GraphQLError(
            "The token's account does not exist.", extensions={"code": "UNAUTHENTICATED"}
        ) from exc
    return Account.from_model(row)


async def create_account(info: Info, input: CreateAccountInput) -> CreateAccountResult:
    info.context.require_service()
    try:
        row = await accounts.create_account(
            info.context.services.clock,
            kind=accounts.AccountKind(input.kind),
            name=input.name,
            time_zone=input.time_zone,
            status=accounts.AccountStatus(input.status),
            discoverable=input.discoverable,
        )
    except ParleyError as exc:
        return error_result(exc, InvalidInputError)
    return Account.from_model(row)


async def update_account(
    info: Info, id: strawberry.ID, input: UpdateAccountInput
) -> UpdateAccountResult:
    info.context.require_service()
    try:
        row = await accounts.update_account(
            info.context.services.clock,
            parse_id(id, Tag.ACCOUNT, "The account"),
            name=input.name,
            time_zone=input.time_zone,
            status=None if input.status is None else accounts.AccountStatus(input.status),
            discoverable=input.discoverable,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError)
    return Account.from_model(row)
