"""Browser push subscriptions: where an account's devices receive Web Push messages.

A browser's `PushSubscription` (endpoint + p256dh and auth keys) is registered
by the account; registering the same endpoint again updates it (a browser
re-subscribes with new keys), and an endpoint the push service says is gone
is removed.

An endpoint registered to one account moves to another only when the request
carries the same p256dh and auth keys: that is the same browser, now signed in
as someone else (only the browser and Parley know the auth secret). Anyone
else who learned the URL gets INVALID_INPUT, and its owner keeps the pushes.
The URL itself must pass models.outbound_urls (https, no private address).
"""

from __future__ import annotations

import base64
import binascii

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from parley.models.errors import InvalidInput, NotFound
from parley.models.outbound_urls import OutboundPolicy
from parley.models.store.clock import Clock
from parley.models.text import clean_text

ENDPOINT_MAX = 2000
KEY_MAX = 200


class PushSubscription(Model):
    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    endpoint = fields.CharField(max_length=ENDPOINT_MAX, unique=True)
    p256dh = fields.CharField(max_length=KEY_MAX)
    auth = fields.CharField(max_length=KEY_MAX)
    created_at = fields.DatetimeField()

    class Meta:
        table = "push_subscriptions"
        indexes = (("account_id", "id"),)


def _key(value: str, field: str, size: int) -> str:
    value = clean_text(value, field, label=f"The {field} key", max_length=KEY_MAX)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput(field, f"{field} is not base64url.") from None
    if len(raw) != size:
        raise InvalidInput(field, f"{field} has the wrong length.")
    return value


async def register(
    clock: Clock,
    account_id: int,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    policy: OutboundPolicy,
) -> PushSubscription:
    """Register (or re-key) the browser subscription at `endpoint` for the account."""
    endpoint = clean_text(endpoint, "endpoint", label="The endpoint", max_length=ENDPOINT_MAX)
    policy.check_url(endpoint, "endpoint")
    p256dh = _key(p256dh, "p256dh", 65)
    auth = _key(auth, "auth", 16)
    try:
        return await _claim(clock, account_id, endpoint, p256dh, auth)
    except IntegrityError:  # a racing first registration of this endpoint won: judge it
        return await _claim(clock, account_id, endpoint, p256dh, auth)


async def _claim(
    clock: Clock, account_id: int, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    async with in_transaction():
        row = await PushSubscription.select_for_update().get_or_none(endpoint=endpoint)
        if row is None:
            return await PushSubscription.create(
                account_id=account_id,
                endpoint=endpoint,
                p256dh=p256dh,
                auth=auth,
                created_at=clock.now(),
            )
        if row.account_id != account_id and (row.p256dh, row.auth) != (p256dh, auth):
            raise InvalidInput(
                "endpoint",
                "This endpoint is registered to another account; subscribe again in the "
                "browser to get a new one.",
            )
        row.account_id = account_id
        row.p256dh, row.auth = p256dh, auth
        row.created_at = clock.now()
        await row.save()
        return row


async def unregister(account_id: int, endpoint: str) -> bool:
    return await PushSubscription.filter(account_id=account_id, endpoint=endpoint).delete() > 0


async def devices(account_id: int) -> list[PushSubscription]:
    return await PushSubscription.filter(account_id=account_id).order_by("id")


async def get_device_for(account_id: int, device_id: int) -> PushSubscription:
    """One of the account's own push devices; NotFound otherwise."""
    device = await PushSubscription.get_or_none(id=device_id, account_id=account_id)
    if device is None:
        raise NotFound("The push device")
    return device


async def forget(subscription_id: int) -> None:
    """The push service said the endpoint is gone (404/410)."""
    await PushSubscription.filter(id=subscription_id).delete()
