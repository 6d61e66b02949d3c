"""The outbox's queries: is anything due, claim a batch under a lease, mark it done or
failed. The claim is one statement on both databases (see siaga.events.outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.events.channels import ClaimedEvent
from siaga.models import OutboxEvent

# Long enough for an exception's message; the traceback goes to the log.
ERROR_MAX_LENGTH = 2000


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxEvent.processed_at.is_(None),
        or_(OutboxEvent.claimed_until.is_(None), OutboxEvent.claimed_until <= now),
    )


async def has_due(session: AsyncSession, now: datetime) -> bool:
    """Whether any event waits: a read, so that an idle worker never takes SQLite's write
    lock from the requests (the claim below always would)."""
    found = await session.scalar(select(OutboxEvent.id).where(_due(now)).limit(1))
    return found is not None


async def claim(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[ClaimedEvent]:
    """Take up to `limit` due events, oldest first, until `lease_until`.

    PostgreSQL: the inner SELECT locks the rows it picks and skips those another worker
    is claiming at this moment, so concurrent claims never pick the same row; the lease
    written in the same statement keeps them taken once this transaction commits. SQLite
    ignores FOR UPDATE and runs the statement under its single write lock: one claimer
    at a time.
    """
    picked = (
        select(OutboxEvent.id)
        .where(_due(now))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(picked.scalar_subquery()))
        .values(claimed_until=lease_until, attempts=OutboxEvent.attempts + 1)
        .returning(
            OutboxEvent.id,
            OutboxEvent.type,
            OutboxEvent.occurred_at,
            OutboxEvent.region_code,
            OutboxEvent.actor_user_id,
            OutboxEvent.actor_label,
            OutboxEvent.data,
            OutboxEvent.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    return sorted((ClaimedEvent(*row) for row in rows), key=lambda event: event.id)


async def mark_processed(session: AsyncSession, ids: list[int], now: datetime) -> None:
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(ids), OutboxEvent.processed_at.is_(None))
        .values(processed_at=now, claimed_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def mark_failed(
    session: AsyncSession,
    event_id: int,
    error: str,
    *,
    retry_at: datetime | None,
    now: datetime,
) -> None:
    """Record why the event's fan-out failed: retried from `retry_at` (its lease becomes
    the back-off), or, with None, given up (processed, with the error kept)."""
    values: dict[str, object] = {"last_error": error[:ERROR_MAX_LENGTH]}
    if retry_at is None:
        values.update(processed_at=now, claimed_until=None)
    else:
        values["claimed_until"] = retry_at
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id, OutboxEvent.processed_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
