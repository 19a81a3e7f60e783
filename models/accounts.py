"""Accounts: the marketplace's clients and freelancers, as Parley knows them.

The marketplace owns identity and feeds Parley through the service token; an
account here is the part messaging needs: kind, name, time zone and standing.
"""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tortoise import fields
from tortoise.models import Model

from models.clock import Clock
from models.errors import InvalidInput, NotFound, PermissionDenied

NAME_MAX = 200


class AccountKind(StrEnum):
    CLIENT = "client"
    FREELANCER = "freelancer"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"
    NEEDS_IMPROVEMENT = "needs_improvement"


class Account(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(AccountKind, max_length=16)
    name = fields.CharField(max_length=NAME_MAX)
    time_zone = fields.CharField(max_length=64, default="UTC")
    status = fields.CharEnumField(AccountStatus, max_length=32, default=AccountStatus.ACTIVE)
    # "Allow customers to find me in the marketplace" (freelancers).
    discoverable = fields.BooleanField(default=True)
    # A client's account-wide switch: freelancers may message it (rules, models.rules).
    messaging_enabled = fields.BooleanField(default=True)
    # The newest cursor issued in this account's event log (see models.events).
    event_seq = fields.BigIntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "accounts"


def validate_time_zone(name: str) -> str:
    """Return `name` if it is an IANA time-zone name, else raise InvalidInput."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("timeZone", f"'{name}' is not a known time zone.") from exc
    if name not in available_timezones() and name != "UTC":
        raise InvalidInput("timeZone", f"'{name}' is not a known time zone.")
    return name


def _validate_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput("name", "A name cannot be empty.")
    if len(cleaned) > NAME_MAX:
        raise InvalidInput("name", f"A name has at most {NAME_MAX} characters.")
    return cleaned


async def create_account(
    clock: Clock,
    *,
    kind: AccountKind,
    name: str,
    time_zone: str = "UTC",
    status: AccountStatus = AccountStatus.ACTIVE,
    discoverable: bool = True,
) -> Account:
    now = clock.now()
    return await Account.create(
        kind=kind,
        name=_validate_name(name),
        time_zone=validate_time_zone(time_zone),
        status=status,
        discoverable=discoverable,
        created_at=now,
        updated_at=now,
    )


async def update_account(
    clock: Clock,
    account_id: int,
    *,
    name: str | None = None,
    time_zone: str | None = None,
    status: AccountStatus | None = None,
    discoverable: bool | None = None,
) -> Account:
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise NotFound("The account")
    if name is not None:
        account.name = _validate_name(name)
    if time_zone is not None:
        account.time_zone = validate_time_zone(time_zone)
    if status is not None:
        account.status = status
    if discoverable is not None:
        account.discoverable = discoverable
    account.updated_at = clock.now()
    await account.save()
    return account


async def set_account_messaging(clock: Clock, client_id: int, enabled: bool) -> Account:
    """A client turns messaging from freelancers off or back on, account-wide (rule 2)."""
    account = await get_account(client_id)
    if account.kind != AccountKind.CLIENT:
        raise PermissionDenied("Only clients can turn messaging from freelancers on or off.")
    account.messaging_enabled = enabled
    account.updated_at = clock.now()
    await account.save(update_fields=["messaging_enabled", "updated_at"])
    return account


async def get_account(account_id: int) -> Account:
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise NotFound("The account")
    return account


async def account_exists(account_id: int) -> bool:
    return await Account.filter(id=account_id).exists()
