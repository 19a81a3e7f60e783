"""The notification worker, one step at a time with a manual clock, over real SMTP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from parley.models.accounts import Account
from parley.models.call_flow import send_call_invite
from parley.models.global_ids import Tag
from parley.models.messaging import mark_read, send_message
from parley.models.notifications import (
    Delivery,
    DeliveryStatus,
    NotificationLogEntry,
    Outcome,
    update_preferences,
)
from parley.models.store.clock import ManualClock
from parley.subscriptions.email import EmailChannel, SmtpConfig
from parley.subscriptions.notifier import Notifier, NotifierConfig
from parley.subscriptions.routing import Activity
from parley.web.services import Services
from tests.channels import SmtpSink, text_of
from tests.ids import gid
from tests.support import Executor, account

DELAY = timedelta(minutes=2)
CONVERSATION = "query($id: ID!) { conversation(id: $id) { id counterpart { name } } }"


def _notifier(services: Services, port: int, tmp_path: Path, **config: object) -> Notifier:
    email = EmailChannel(
        "Parley <notify@parley.test>", SmtpConfig("127.0.0.1", port, "none"), tmp_path / "out"
    )
    settings = NotifierConfig(app_url="https://app.example", email_delay=DELAY, **config)  # type: ignore[arg-type]
    return Notifier(services.clock, services.presence, services.bus.publish, settings, email=email)


@pytest.fixture
def notifier(services: Services, smtp_sink: SmtpSink, tmp_path: Path) -> Notifier:
    return _notifier(services, smtp_sink.port, tmp_path)


@pytest.fixture
async def freelancer_with_email(freelancer: Account, clock: ManualClock) -> Account:
    await update_preferences(clock, freelancer.id, email="maya@example.com")
    return freelancer


async def _outcomes(account_id: int) -> list[tuple[str, str]]:
    rows = await NotificationLogEntry.filter(account_id=account_id).order_by("id")
    return [(row.channel.value, row.outcome.value) for row in rows]


async def test_an_offline_recipient_gets_one_batched_email_with_a_working_deep_link(
    notifier: Notifier,
    smtp_sink: SmtpSink,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
    gql: Executor,
) -> None:
    for body in ("Hello Maya", "Are you there?", "Call me <soon>"):
        await send_message(clock, client.id, conversation_id=conversation_with_order, body=body)
        await notifier.deliver_due()
        clock.advance(timedelta(seconds=30))
    clock.set(clock.now() - timedelta(seconds=90) + DELAY - timedelta(seconds=1))
    await notifier.deliver_due()
    assert smtp_sink.messages == []

    clock.advance(timedelta(seconds=1))
    await notifier.deliver_due()
    clock.advance(timedelta(hours=1))
    await notifier.deliver_due()

    (mail,) = smtp_sink.messages
    assert mail["To"] == "Maya <maya@example.com>"
    assert mail["Subject"] == "3 new messages from Acme"
    text, html = text_of(mail, "plain"), text_of(mail, "html")
    link = f"https://app.example/conversations/{gid(Tag.CONVERSATION, conversation_with_order)}"
    assert link in text
    assert f'href="{link}"' in html
    assert "Hello Maya" in text
    assert "Are you there?" in text
    assert "Call me &lt;soon&gt;" in html
    linked = link.rsplit("/", 1)[1]
    data = await gql.execute(CONVERSATION, {"id": linked}, as_=account(freelancer_with_email.id))
    assert data["conversation"]["counterpart"]["name"] == "Acme"
    assert ("email", "scheduled") in await _outcomes(freelancer_with_email.id)
    assert (await _outcomes(freelancer_with_email.id)).count(("email", "batched")) == 2
    assert (await _outcomes(freelancer_with_email.id))[-1] == ("email", "sent")


async def test_reading_before_the_delay_cancels_the_email(
    notifier: Notifier,
    smtp_sink: SmtpSink,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hi")
    await notifier.deliver_due()
    clock.advance(timedelta(seconds=60))
    await mark_read(clock, freelancer_with_email.id, conversation_with_order)
    clock.advance(DELAY)
    await notifier.deliver_due()

    assert smtp_sink.messages == []
    last = (
        await NotificationLogEntry.filter(account_id=freelancer_with_email.id)
        .order_by("-id")
        .first()
    )
    assert last is not None
    assert (last.outcome, last.reason) == (Outcome.CANCELLED, "read before the email went out")


async def test_a_partly_read_batch_mails_only_the_unread_messages(
    notifier: Notifier,
    smtp_sink: SmtpSink,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    first = await send_message(
        clock, client.id, conversation_id=conversation_with_order, body="one"
    )
    await notifier.deliver_due()
    await mark_read(clock, freelancer_with_email.id, conversation_with_order, first.message.id)
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="two")
    await notifier.deliver_due()
    clock.advance(DELAY)
    await notifier.deliver_due()

    (mail,) = smtp_sink.messages
    assert "two" in text_of(mail, "plain")
    assert "one" not in text_of(mail, "plain")


async def test_a_failing_smtp_server_is_retried_with_backoff_then_marked_failed(
    services: Services,
    tmp_path: Path,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    notifier = _notifier(services, 1, tmp_path, max_attempts=3, backoff=timedelta(seconds=10))
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hi")
    await notifier.deliver_due()
    clock.advance(DELAY)
    await notifier.deliver_due()
    (delivery,) = await Delivery.filter(account_id=freelancer_with_email.id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.due_at == clock.now() + timedelta(seconds=10)

    clock.advance(timedelta(seconds=9))
    assert await notifier.deliver_due() == 0  # backing off
    clock.advance(timedelta(seconds=1))
    await notifier.deliver_due()
    clock.advance(timedelta(seconds=20))
    await notifier.deliver_due()
    await delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    outcomes = await _outcomes(freelancer_with_email.id)
    assert outcomes[-3:] == [("email", "retrying"), ("email", "retrying"), ("email", "failed")]


async def test_a_muted_conversation_never_notifies(
    notifier: Notifier,
    smtp_sink: SmtpSink,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    from parley.models.conversations import set_muted

    await set_muted(freelancer_with_email.id, conversation_with_order, True)
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hi")
    await notifier.deliver_due()
    clock.advance(DELAY)
    await notifier.deliver_due()
    assert smtp_sink.messages == []
    assert await _outcomes(freelancer_with_email.id) == [
        ("in_app", "skipped"),
        ("push", "skipped"),
        ("email", "skipped"),
    ]


async def test_without_smtp_the_email_is_written_as_an_eml_file(
    services: Services,
    tmp_path: Path,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    email = EmailChannel("Parley <notify@parley.test>", None, tmp_path / "outbox")
    config = NotifierConfig(email_delay=DELAY)
    notifier = Notifier(clock, services.presence, services.bus.publish, config, email=email)
    await send_message(clock, client.id, conversation_id=conversation_with_order, body="Hi")
    await notifier.deliver_due()
    clock.advance(DELAY)
    await notifier.deliver_due()
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert "1 new message from Acme" in eml.read_text()


async def test_an_offline_freelancer_is_emailed_about_a_call_invite(
    notifier: Notifier,
    smtp_sink: SmtpSink,
    clock: ManualClock,
    client: Account,
    freelancer_with_email: Account,
    conversation_with_order: int,
) -> None:
    start = clock.now() + timedelta(days=2)
    await send_call_invite(
        clock,
        client.id,
        freelancer_id=freelancer_with_email.id,
        start_times=[start],
        duration_minutes=30,
    )
    await notifier.deliver_due()
    clock.advance(DELAY)
    await notifier.deliver_due()

    (mail,) = smtp_sink.messages
    assert mail["Subject"] == "1 new update from Acme"
    assert "Acme invited you to a call." in text_of(mail, "plain")
    assert f"/conversations/{gid(Tag.CONVERSATION, conversation_with_order)}" in text_of(
        mail, "plain"
    )
    # The client, who acted, is not notified of its own invite.
    assert await NotificationLogEntry.filter(account_id=client.id).count() == 0


async def test_a_long_live_session_does_not_keep_others_held_notifications_back(
    notifier: Notifier,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    now = clock.now()
    await services.presence.connected(freelancer.id, now)
    await services.presence.report_activity(freelancer.id, Activity.LIVE_SESSION, now)
    await services.presence.connected(client.id, now)
    await services.presence.report_activity(client.id, Activity.LIVE_SESSION, now)
    for body in [f"take {i}" for i in range(105)]:  # more than a step's batch, all held
        await send_message(clock, client.id, conversation_id=conversation_with_order, body=body)
    await send_message(clock, freelancer.id, conversation_id=conversation_with_order, body="ok")
    await notifier.deliver_due()
    await notifier.deliver_due()
    held = Delivery.filter(status=DeliveryStatus.HELD)
    assert await held.filter(account_id=client.id).count() == 1

    await services.presence.report_activity(client.id, Activity.ACTIVE, clock.now())
    await notifier.deliver_due()  # the freelancer's 105 held ones come first by id

    assert await held.filter(account_id=client.id).count() == 0
    assert await held.filter(account_id=freelancer.id).count() == 105
