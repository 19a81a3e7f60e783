"""The email channel: one message per conversation, rendered from templates, sent by SMTP.

With SMTP configured, messages go out through aiosmtplib. Without it (a fresh
`make run`), each email is written as an `.eml` file under `<data_dir>/outbox/`
so a newcomer can open it in any mail client. The Message-ID is derived from
the delivery, so a resend after a crash is recognisable as the same email.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from string import Template
from typing import Literal

import aiosmtplib

PREVIEW_MAX = 500

SUBJECT = Template("$count new $noun$plural from $sender")

TEXT = Template(
    """Hi $recipient,

$sender sent you $count new $noun$plural on Parley:

$messages

Open the conversation to reply:
$link

You get this email because you were offline. Change your notification
preferences in the app.
"""
)

HTML = Template(
    """<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hi $recipient,</p>
<p><strong>$sender</strong> sent you $count new $noun$plural on Parley:</p>
$messages
<p><a href="$link" style="display:inline-block;padding:10px 16px;background:#1a73e8;
color:#fff;text-decoration:none;border-radius:4px">Open the conversation</a></p>
<p style="color:#666;font-size:12px">You get this email because you were offline.
Change your notification preferences in the app.</p>
</body></html>
"""
)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class ConversationEmail:
    """What one batched email says."""

    delivery_id: int
    to: str
    recipient_name: str
    sender_name: str
    link: str
    messages: list[str]
    noun: str = "message"  # "update" when call changes are among them


def _preview(body: str) -> str:
    return body if len(body) <= PREVIEW_MAX else body[: PREVIEW_MAX - 1] + "…"


def render(email: ConversationEmail, sender: str) -> EmailMessage:
    count = len(email.messages)
    values = {
        "recipient": email.recipient_name,
        "sender": email.sender_name,
        "count": str(count),
        "plural": "" if count == 1 else "s",
        "noun": email.noun,
        "link": email.link,
    }
    text_messages = "\n\n".join(f"  > {_preview(body)}" for body in email.messages)
    html_messages = "\n".join(
        f'<blockquote style="border-left:3px solid #ccc;margin:8px 0;padding-left:8px">'
        f"{html.escape(_preview(body))}</blockquote>"
        for body in email.messages
    )
    safe = {key: html.escape(value) for key, value in values.items()}
    message = EmailMessage()
    message["Subject"] = SUBJECT.substitute(values)
    message["From"] = sender
    message["To"] = formataddr((email.recipient_name, email.to))
    message["Message-ID"] = f"<parley-delivery-{email.delivery_id}@parley.invalid>"
    message.set_content(TEXT.substitute(values, messages=text_messages))
    message.add_alternative(HTML.substitute(safe, messages=html_messages), subtype="html")
    return message


class EmailChannel:
    def __init__(self, sender: str, smtp: SmtpConfig | None, outbox_dir: Path) -> None:
        self.sender = sender
        self.smtp = smtp
        self.outbox_dir = outbox_dir

    async def send(self, email: ConversationEmail) -> None:
        """Send (or write) the email; raises on any SMTP failure, for the worker to retry."""
        message = render(email, self.sender)
        if self.smtp is None:
            await asyncio.to_thread(self._write, email.delivery_id, bytes(message))
            return
        await aiosmtplib.send(
            message,
            hostname=self.smtp.host,
            port=self.smtp.port,
            username=self.smtp.username,
            password=self.smtp.password,
            use_tls=self.smtp.security == "tls",
            start_tls=self.smtp.security == "starttls",
            timeout=self.smtp.timeout,
        )

    def _write(self, delivery_id: int, raw: bytes) -> None:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        (self.outbox_dir / f"delivery-{delivery_id}.eml").write_bytes(raw)
