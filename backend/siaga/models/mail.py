"""E-mail: each user's choices, the messages the e-mail channel queues with every attempt
to send them (siaga.mail), and the reminders already given (siaga.mail.reminders)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, str_enum


class EmailPreference(Base):
    """Whether one event type also reaches one user by e-mail. Only the choices a user
    made are stored; a type without a row follows the default (siaga.mail.preferences)."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    event_type: Mapped[str] = mapped_column(String(60), primary_key=True)
    enabled: Mapped[bool]


class EmailDeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # every attempt of the schedule failed


class EmailDelivery(Base):
    """One event's message to one user, rendered when queued (address, subject and both
    bodies), so that every retry sends the same message with the same Message-ID.

    Unique per (event, user): an event fanned out twice queues one message. `event_id`
    is a plain id, as in the inbox: the outbox may be pruned, the log is kept.
    """

    __tablename__ = "email_deliveries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[EmailDeliveryState] = mapped_column(
        str_enum(EmailDeliveryState, "email_delivery_state"), default=EmailDeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The worker sending it; a worker that dies lets the lease run out for another.
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        # What the worker looks for: pending messages by when they are due.
        Index(
            "ix_email_deliveries_pending",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
    )


class EmailAttempt(Base):
    """One try at handing a message to the SMTP server, and what went wrong if it failed."""

    __tablename__ = "email_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("email_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(500))


class ReminderSent(Base):
    """A reminder given: one row per (kind, user, subject, day), inserted before the
    reminder's event is written, in the same transaction. Any number of workers may run
    the schedule at once; the unique key lets exactly one of them write each reminder."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # What it is about, e.g. `2024-Q1/64.72.kesbangpol/3` or a recommendation's id.
    subject: Mapped[str] = mapped_column(String(200))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "user_id", "subject", "day"),)
