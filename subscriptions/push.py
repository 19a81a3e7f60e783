"""The Web Push channel: VAPID-signed, encrypted pushes to registered browsers.

Parley generates its VAPID key pair on first start and keeps it in the
database (`shared_vapid`), so every process signs with the same key and a
browser's subscription works whichever process sends; a key an older version
kept in `<data_dir>/vapid-private.pem` is adopted on first start. Browsers
subscribe with the public key (`applicationServerKey`). Other push providers
(APNs, FCM) plug in behind the same `send(device, payload)` shape.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid
from pywebpush import WebPushException, webpush_async

from models.clock import Clock
from models.push import PushSubscription
from models.server_keys import shared_key

KEY_FILE = "vapid-private.pem"
KEY_NAME = "vapid-private-pem"
PUSH_TTL = 24 * 3600


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
                "conversationId": str(self.conversation_id),
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
    def __init__(self, vapid: Any, subject: str, timeout: float = 10.0) -> None:
        self._vapid = vapid
        self.subject = subject
        self.timeout = timeout

    @property
    def public_key(self) -> str:
        """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
        raw = self._vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    async def send(self, device: PushSubscription, payload: PushPayload) -> None:
        subscription: dict[str, Any] = {
            "endpoint": device.endpoint,
            "keys": {"p256dh": device.p256dh, "auth": device.auth},
        }
        try:
            await webpush_async(
                subscription,
                data=payload.to_json(),
                vapid_private_key=self._vapid,
                vapid_claims={"sub": self.subject},
                timeout=self.timeout,
                ttl=PUSH_TTL,
            )
        except WebPushException as exc:
            if exc.status_code in (404, 410):
                raise PushGone(str(exc)) from exc
            raise PushFailed(str(exc)) from exc
        except (OSError, aiohttp.ClientError) as exc:
            raise PushFailed(f"push endpoint unreachable: {exc}") from exc
