"""Webhook endpoints, their deliveries and every attempt (siaga.webhooks)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, TimestampMixin, str_enum


class WebhookState(enum.StrEnum):
    ACTIVE = "active"
    # Paused by an administrator: nothing new is queued, what is queued waits.
    PAUSED = "paused"
    # By the worker: the receiver answered 410 Gone, or failed for too long.
    DISABLED = "disabled"


class WebhookDeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt of the schedule failed


class WebhookEndpoint(TimestampMixin, Base):
    """A receiver of events, owned by an administrator's scope (`region_id`, null for
    the nation): it gets the events of that subtree, and only its admins see it.

    The signing secret is not stored: it is derived from SIAGA_SECRET_KEY and the random
    `secret_nonce` (webhooks.signing), so that a copy of this table alone cannot forge a
    delivery. Changing SIAGA_SECRET_KEY therefore changes every endpoint's secret.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="RESTRICT"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[WebhookState] = mapped_column(
        str_enum(WebhookState, "webhook_endpoint_state"), default=WebhookState.ACTIVE
    )
    # `gone` (a 410 answer) or `failing` (webhooks.rules.should_disable); null otherwise.
    disabled_reason: Mapped[str | None] = mapped_column(String(20))
    disabled_at: Mapped[datetime | None]
    secret_nonce: Mapped[str] = mapped_column(String(64))
    # The secret before the last rotation, which also signs until `previous_secret_until`.
    previous_secret_nonce: Mapped[str | None] = mapped_column(String(64))
    previous_secret_until: Mapped[datetime | None]
    secret_rotated_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    # The first failed attempt since the last success; null while the endpoint works.
    failing_since: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    # The worker holding the endpoint's queue (webhooks.delivery): deliveries of one
    # endpoint go out one at a time, in order, and a dead worker's lease runs out.
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(36))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class WebhookDelivery(Base):
    """One event (or ping) for one endpoint: the message, its state and its schedule.

    `msg_id` is the `webhook-id` header, the same on every attempt and on replays, so
    that receivers can recognise a message they already have.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # The outbox event's id; no foreign key, as outbox rows may be pruned while the log
    # is kept. Null for pings.
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[WebhookDeliveryState] = mapped_column(
        str_enum(WebhookDeliveryState, "webhook_delivery_state"),
        default=WebhookDeliveryState.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Failed attempts since the delivery was queued or last retried by hand: which delay
    # of SIAGA_WEBHOOK_RETRY_DELAYS comes next.
    schedule_step: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # An event fanned out twice (the outbox worker's lease ran out) adds nothing.
        UniqueConstraint("endpoint_id", "event_id"),
        # The head of each endpoint's queue: its oldest pending delivery.
        Index(
            "ix_webhook_deliveries_pending",
            "endpoint_id",
            "id",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )


class WebhookAttempt(Base):
    """One POST to a receiver and what came back (the delivery log)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    # At most the first 4 KiB of the answer's body (webhooks.sender).
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(500))
