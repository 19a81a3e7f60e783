"""The Web Push channel: VAPID-signed, encrypted pushes to registered browsers.

Parley generates its VAPID key pair on first start and keeps it in
`<data_dir>/vapid-private.pem`; browsers subscribe with the public key
(`applicationServerKey`). Other push providers (APNs, FCM) plug in behind the
same `send(device, payload)` shape.
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

from models.push import PushSubscription

KEY_FILE = "vapid-private.pem"
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


def load_or_create_vapid(data_dir: Path) -> Any:
    """Parley's VAPID key pair: read from the data dir, generated there on first start."""
    path = data_dir / KEY_FILE
    if path.exists():
        return Vapid.from_file(str(path))
    data_dir.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    vapid.save_key(str(path))
    path.chmod(0o600)
    return vapid


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
