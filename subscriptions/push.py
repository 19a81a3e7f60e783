"""The Web Push channel: VAPID-signed, encrypted pushes to registered browsers.

Parley generates its VAPID key pair on first start and keeps it in the
database (`shared_vapid`), so every process signs with the same key and a
browser's subscription works whichever process sends; a key an older version
kept in `<data_dir>/vapid-private.pem` is adopted on first start. Browsers
subscribe with the public key (`applicationServerKey`). Other push providers
(APNs, FCM) plug in behind the same `send(device, payload)` shape.

Pushes go out through subscriptions.outbound (the endpoint is user-chosen), and a
failure is worded for the notification log, which its account reads: "push endpoint
refused" when the push service answered with an error, "push endpoint unreachable"
for anything else, whether the policy refused the address or nothing answered. An
internal address and a closed port therefore read the same: the log is no port scanner.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from parley.models import global_ids
from parley.models.global_ids import Tag
from parley.models.outbound_urls import OutboundPolicy
from parley.models.push import PushSubscription
from parley.models.server_keys import shared_key
from parley.models.store.clock import Clock
from parley.subscriptions.outbound import OutboundFailed, OutboundHTTP, OutboundRefused

log = logging.getLogger("parley.push")

KEY_FILE = "vapid-private.pem"
KEY_NAME = "vapid-private-pem"
PUSH_TTL = 24 * 3600
VAPID_LIFETIME = 12 * 3600  # seconds a VAPID signature is valid (RFC 8292: at most 24 h)
REFUSED = "push endpoint refused"
UNREACHABLE = "push endpoint unreachable"


class PushGone(Exception):
    """The push service no longer knows this subscription (404/410): forget it."""


class PushFailed(Exception):
    """The push service refused or could not be reached: retry later."""


@dataclass(frozen=True, slots=True)
class PushPayload:
    title: str
    body: str
    url: str
    conversation_id: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "title": self.title,
                "body": self.body,
                "url": self.url,
                "conversationId": global_ids.encode(Tag.CONVERSATION, self.conversation_id),
            }
        )


async def shared_vapid(clock: Clock, data_dir: Path) -> Any:
    """The VAPID key pair all processes share: stored in the database by the first to start."""
    path = data_dir / KEY_FILE

    def make() -> str:
        if path.exists():  # kept by an older, file-based version: browsers subscribed with it
            return path.read_text()
        vapid = Vapid()
        vapid.generate_keys()
        pem: bytes = vapid.private_pem()
        return pem.decode()

    return Vapid.from_pem((await shared_key(clock, KEY_NAME, make)).encode())


class PushChannel:
    def __init__(self, vapid: Any, subject: str, outbound: OutboundHTTP | None = None) -> None:
        self._vapid = vapid
        self.subject = subject
        self._outbound = outbound or OutboundHTTP(OutboundPolicy())

    @property
    def public_key(self) -> str:
        """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
        raw = self._vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    async def send(self, device: PushSubscription, payload: PushPayload) -> None:
        """Encrypt (RFC 8291, aes128gcm), sign (VAPID, RFC 8292) and POST one push."""
        endpoint = urlsplit(device.endpoint)
        claims = {
            "sub": self.subject,
            "aud": f"{endpoint.scheme}://{endpoint.netloc}",
            "exp": int(time.time()) + VAPID_LIFETIME,  # push services check wall time
        }
        headers = {
            **self._vapid.sign(claims),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(PUSH_TTL),
        }
        body = _encrypt(payload.to_json().encode(), device.p256dh, device.auth)
        try:
            response = await self._outbound.post(device.endpoint, body, headers)
        except (OutboundRefused, OutboundFailed) as exc:
            log.info("push to device %s not sent: %s", device.id, exc)
            raise PushFailed(UNREACHABLE) from exc
        if response.status in (404, 410):
            raise PushGone(f"the push service answered {response.status}")
        if not 200 <= response.status < 300:
            log.info("push to device %s answered %s", device.id, response.status)
            raise PushFailed(REFUSED)


def _encrypt(plain: bytes, p256dh: str, auth: str) -> bytes:
    """The push message body for the browser's keys, with a one-time server key pair."""
    encrypted: bytes = http_ece.encrypt(
        plain,
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=_unb64(p256dh),
        auth_secret=_unb64(auth),
        version="aes128gcm",
    )
    return encrypted


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
