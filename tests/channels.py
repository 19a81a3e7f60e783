"""Real channel endpoints on loopback for notification tests: an SMTP server and a
Web Push service, each recording what it received and letting a test wait for it."""

from __future__ import annotations

import asyncio
import base64
import email
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import http_ece
import uvicorn
from aiosmtpd.smtp import SMTP
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support import WAIT


class SmtpSink:
    """aiosmtpd on a loopback port, in the test's own event loop."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = asyncio.Condition()
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        async with self._arrived:
            self._arrived.notify_all()
        return "250 OK"

    async def wait_for(self, count: int, timeout: float = WAIT) -> list[Message]:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.messages) >= count), timeout
            )
        return self.messages

    @asynccontextmanager
    async def running(self) -> AsyncIterator[SmtpSink]:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(self, hostname="localhost", loop=loop), "127.0.0.1", 0
        )
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            server.close()
            await server.wait_closed()


def text_of(message: Message, subtype: str) -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class BrowserKeys:
    """What a browser generates when it subscribes to push: an ECDH key pair and a secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        public = self.private_key.public_key()
        return _b64(public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return _b64(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        plain: bytes = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return plain


@dataclass
class Push:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """A Web Push service on loopback: accepts POSTs to /push/<id> with 201 (or `status`)."""

    def __init__(self) -> None:
        self.received: list[Push] = []
        self.status = 201
        self.answer = b""  # the response body
        self.location: str | None = None  # with a 3xx status: where it redirects
        self._arrived = asyncio.Condition()
        self.base = ""

    async def _push(self, request: Request) -> Response:
        self.received.append(Push(request.url.path, dict(request.headers), await request.body()))
        async with self._arrived:
            self._arrived.notify_all()
        headers = {"location": self.location} if self.location else None
        return Response(self.answer, status_code=self.status, headers=headers)

    async def wait_for(self, count: int, timeout: float = WAIT) -> list[Push]:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.received) >= count), timeout
            )
        return self.received

    @asynccontextmanager
    async def running(self) -> AsyncIterator[PushService]:
        app = Starlette(routes=[Route("/push/{device}", self._push, methods=["POST"])])
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        config.load()
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[sock])
        task = asyncio.create_task(server.main_loop())
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            yield self
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 10)
            await server.shutdown(sockets=[sock])
            sock.close()
