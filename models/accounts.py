"""Accounts: the marketplace's clients and freelancers, as Parley knows them.

The marketplace owns identity and feeds Parley through the service token; an
account here is the part messaging needs: kind, name, time zone and standing.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from zoneinfo import available_timezones

from tortoise import fields
from tortoise.models import Model

from parley.models.errors import InvalidInput, NotFound, PermissionDenied
from parley.models.store.clock import Clock
from parley.models.text import clean_text

NAME_MAX = 200
TIME_ZONE_MAX = 64


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
    time_zone = fields.CharField(max_length=TIME_ZONE_MAX, default="UTC")
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


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


def validate_time_zone(name: str) -> str:
    """Return `name` if it is an IANA time-zone name, else raise InvalidInput.

    The name is looked up in the list of known zones before any file is opened, and
    the message never repeats it: a hostile name can neither reach the file system
    nor be echoed back.
    """
    if len(name) > TIME_ZONE_MAX or name not in _known_zones():
        raise InvalidInput(
            "timeZone", "That is not a known IANA time zone; use a name like Europe/Berlin."
        )
    return name


def _validate_name(name: str) -> str:
    return clean_text(name, "name", label="A name", max_length=NAME_MAX)


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
