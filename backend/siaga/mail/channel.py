"""The e-mail channel: the people the inbox notifies of an event, who have an address and
want that type by e-mail, get a message (siaga.mail.templates) through SIAGA_SMTP_URL.

`fan_out` renders and queues the messages in the worker's transaction, one per (event,
user) under a unique constraint, so a repeated fan-out queues nothing new. `deliver_due`
claims due messages under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), sends them on
one SMTP connection, and logs every attempt: a failure is retried on the schedule
SIAGA_MAIL_RETRY_DELAYS, so an SMTP server that is down loses nothing; it is sent when
the server is back. Without SIAGA_SMTP_URL the channel does nothing at all: e-mail is
off, and start-up says so (`log_status`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.core.database import session_scope
from siaga.core.settings import Settings, get_settings
from siaga.events import inbox
from siaga.events.channels import Channel, ClaimedEvent
from siaga.mail import preferences, repository, templates
from siaga.mail.repository import Addressee, DueMail
from siaga.mail.smtp import SmtpConfig, SmtpConnection, parse_smtp_url
from siaga.models import EmailDeliveryState, Role

logger = logging.getLogger(__name__)

# Messages claimed and sent per SMTP connection, and attempted per worker pass at most.
BATCH_SIZE = 20
PASS_BUDGET = 200


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The SMTP server to use; None when e-mail is off (no SIAGA_SMTP_URL)."""
    if settings.smtp_url is None or not settings.smtp_url.get_secret_value().strip():
        return None
    return parse_smtp_url(settings.smtp_url.get_secret_value())


def log_status(settings: Settings) -> None:
    """Say at start-up whether e-mail goes out, and where (never the password)."""
    config = smtp_config(settings)
    if config is None:
        logger.warning(
            "e-mail is off: SIAGA_SMTP_URL is not set (notifications reach the inbox only)"
        )
    else:
        logger.info("e-mail is on: via %s from %s", config.safe_url, settings.mail_from)


class EmailChannel(Channel):
    name = "email"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.config = smtp_config(self.settings)
        base = self.settings.public_url.rstrip("/")
        self._base_url = base
        self._domain = parseaddr(self.settings.mail_from)[1].rpartition("@")[2] or "localhost"
        # Long enough for a whole batch to time out message by message, and then some.
        self._lease = timedelta(seconds=2 * BATCH_SIZE * self.settings.mail_timeout_seconds + 60)

    @property
    def enabled(self) -> bool:
        return self.config is not None

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        if self.config is None:
            return
        mailable = [e for e in events if templates.renders(e.type)]
        targeted = [e for e in mailable if inbox.is_targeted(e)]
        working = [e for e in mailable if inbox.reaches_everyone_working(e)]
        if not targeted and not working:
            return
        found = await inbox.recipients(session, targeted) if targeted else {}
        ids = {user_id for people in found.values() for user_id, _ in people}
        reachable = await repository.addressees(session, ids)
        chosen = await repository.choices(session, reachable)
        names = await inbox.item_names(session, [*targeted, *working])
        rows: list[dict[str, Any]] = []
        for event in targeted:
            for user_id, role in found[event.id]:
                person = reachable.get(user_id)
                if person and preferences.wanted(event.type, chosen.get(user_id, {})):
                    rows.append(self._row(event, names.get(event.id, {}), person, role))
        for event in working:
            for person in await repository.working_addressees(
                session, event.type, event.actor_user_id
            ):
                rows.append(self._row(event, names.get(event.id, {}), person, person.role))
        await repository.insert_deliveries(session, rows)

    def _row(
        self, event: ClaimedEvent, names: dict[str, str], person: Addressee, role: Role
    ) -> dict[str, Any]:
        data = {**event.data, **names}
        rendered = templates.render(
            event.type,
            data,
            url=self._base_url + inbox.link(event.type, event.data, role),
            settings_url=f"{self._base_url}/profil",
            instance=self.settings.instance_name,
            greeting_name=person.full_name,
        )
        return {
            "event_id": event.id,
            "user_id": person.id,
            "type": event.type,
            "to_address": person.email,
            "subject": rendered.subject,
            "text_body": rendered.text,
            "html_body": rendered.html,
            # The same on every retry: a receiving server that got it once recognises it.
            "message_id": f"<siaga.{event.id}.{person.id}.{secrets.token_hex(6)}@{self._domain}>",
            "state": EmailDeliveryState.PENDING,
            "attempts": 0,
            "next_attempt_at": event.occurred_at,
            "created_at": event.occurred_at,
        }

    def message(self, mail: DueMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(mail.created_at)
        message["Message-ID"] = mail.message_id
        # Out-of-office replies and the like should not answer a machine (RFC 3834).
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.text_body)
        message.add_alternative(mail.html_body, subtype="html")
        return message

    async def deliver_due(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
    ) -> int:
        if self.config is None:
            return 0
        attempted = 0
        while attempted < PASS_BUDGET:
            async with session_scope(sessionmaker) as session:
                if not await repository.has_due(session, now):
                    break
            async with session_scope(sessionmaker) as session:
                batch = await repository.claim(session, now, now + self._lease, BATCH_SIZE)
            if not batch:
                break
            outcomes = []
            async with SmtpConnection(self.config, self.settings.mail_timeout_seconds) as smtp:
                for mail in batch:
                    outcomes.append((mail, await smtp.send(self.message(mail))))
            async with session_scope(sessionmaker) as session:
                await repository.record(
                    session, outcomes, now=now, schedule=self.settings.mail_retry_schedule
                )
            failed = [result.error for _, result in outcomes if not result.ok]
            if failed:
                logger.warning("%s of %s e-mails not sent: %s", len(failed), len(batch), failed[0])
            attempted += len(batch)
            if len(batch) < BATCH_SIZE:
                break
        return attempted
