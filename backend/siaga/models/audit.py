from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK


class AuditEvent(Base):
    """Append-only record of who did what. Never updated or deleted by the application.

    `region_code` is the region the object belongs to, so admins of a province see
    only their subtree's events with the same prefix filter as everything else.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who acted, as plain ids with no foreign key: this history is append-only, and a key
    # (ON DELETE SET NULL) would rewrite it if an account were removed (migration 0004).
    actor_user_id: Mapped[int | None]
    actor_api_key_id: Mapped[int | None]
    # Username or key prefix as it was at the time, kept if the account is removed.
    actor_label: Mapped[str] = mapped_column(String(120), default="system")
    action: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    entity_type: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(120))
    region_code: Mapped[str | None] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    client_addr: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        # Only searched for a user: events of API keys and the system stay out of it.
        Index(
            "ix_audit_events_actor_user_id",
            "actor_user_id",
            postgresql_where=text("actor_user_id IS NOT NULL"),
            sqlite_where=text("actor_user_id IS NOT NULL"),
        ),
    )
