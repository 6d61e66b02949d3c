from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK


class OutboxEvent(Base):
    """A state change that others must hear about, written in the transaction that made
    it (siaga.events.outbox) and fanned out by a worker (siaga.events.worker).

    Claim columns: a worker sets `claimed_until` (its lease) and counts the claim in
    `attempts`; a worker that dies lets the lease run out and another retakes the event.
    `processed_at` is set once every channel has made its deliveries for the event, or
    when the worker gives up on it after too many attempts (`last_error` then says why).
    """

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The region the object belongs to (None: national, e.g. periods), so that webhooks
    # of a province's administrator receive only their subtree's events.
    region_code: Mapped[str | None] = mapped_column(String(20))
    # Plain id beside the label, like the audit trail: the event outlives the account.
    actor_user_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    claimed_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # What the worker looks for: the pending events, oldest first. Processed events
        # stay out of the index, so it stays as small as the backlog.
        Index(
            "ix_outbox_events_pending",
            "id",
            postgresql_where=text("processed_at IS NULL"),
            sqlite_where=text("processed_at IS NULL"),
        ),
    )


class Notification(Base):
    """One item in one user's inbox: what an event asks of that user.

    Made by the inbox channel (siaga.events.inbox); unique per user and event, so an
    event fanned out twice (a worker's lease ran out while it was still working) gives
    each user one item. `event_id` is a plain id, without a foreign key: the outbox may
    be pruned of old events, the inbox keeps its items (their text is in `data`).
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    # The event's natural keys and new state, plus names to show (the SPA words it).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The SPA page that needs the user's attention.
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "event_id"),
        # The inbox page, newest first.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The bell's count, asked every minute by every open page.
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )
