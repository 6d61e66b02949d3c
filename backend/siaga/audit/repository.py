from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import AuditEvent

# Outcomes of requests that were turned away; the audit page filters on them together.
REFUSED_OUTCOMES = ("failure", "denied", "rate_limited")


async def list_events(
    session: AsyncSession,
    page: PageParams,
    *,
    scope: str | None,
    actor: str | None,
    action: str | None,
    entity: str | None,
    entity_id: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if scope is not None:
        # Events without a region (national accounts, system jobs) are national matters.
        stmt = stmt.where(
            or_(
                AuditEvent.region_code == scope,
                AuditEvent.region_code.startswith(scope + ".", autoescape=True),
            )
        )
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor_label == actor)
    if action is not None:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if entity is not None:
        stmt = stmt.where(AuditEvent.entity_type == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if outcome == "refused":
        stmt = stmt.where(AuditEvent.outcome.in_(REFUSED_OUTCOMES))
    elif outcome is not None:
        stmt = stmt.where(AuditEvent.outcome == outcome)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.scalars(
        stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return list(rows.all()), total or 0
