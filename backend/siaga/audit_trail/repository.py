from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import AuditEvent

# Outcomes of requests that were turned away; the audit page filters on them together.
REFUSED_OUTCOMES = ("failure", "denied", "rate_limited")
# Rows fetched per round trip while an export streams (a server-side cursor on PostgreSQL).
EXPORT_PAGE_ROWS = 2000


@dataclass(frozen=True)
class AuditFilters:
    """The filters of GET /audit, shared by its exports so both show the same events."""

    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    # Set by an export: only the events that existed when it counted them.
    up_to_id: int | None = None


def _select(scope: str | None, filters: AuditFilters) -> Select[Any]:
    stmt = select(AuditEvent)
    if scope is not None:
        # Events without a region (national accounts, system jobs) are national matters.
        stmt = stmt.where(
            or_(
                AuditEvent.region_code == scope,
                AuditEvent.region_code.startswith(scope + ".", autoescape=True),
            )
        )
    if filters.actor is not None:
        stmt = stmt.where(AuditEvent.actor_label == filters.actor)
    if filters.action is not None:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.entity is not None:
        stmt = stmt.where(AuditEvent.entity_type == filters.entity)
    if filters.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == filters.entity_id)
    if filters.outcome == "refused":
        stmt = stmt.where(AuditEvent.outcome.in_(REFUSED_OUTCOMES))
    elif filters.outcome is not None:
        stmt = stmt.where(AuditEvent.outcome == filters.outcome)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < filters.until)
    if filters.up_to_id is not None:
        stmt = stmt.where(AuditEvent.id <= filters.up_to_id)
    return stmt


def _newest_first(stmt: Select[Any]) -> Select[Any]:
    return stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


async def count_events(session: AsyncSession, *, scope: str | None, filters: AuditFilters) -> int:
    stmt = _select(scope, filters)
    return await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


async def export_bounds(
    session: AsyncSession, *, scope: str | None, filters: AuditFilters
) -> tuple[int, int]:
    """How many events match, and the highest id among them (0 when none)."""
    sub = _select(scope, filters).subquery()
    row = (await session.execute(select(func.count(), func.max(sub.c.id)).select_from(sub))).one()
    return row[0] or 0, row[1] or 0


async def list_events(
    session: AsyncSession, page: PageParams, *, scope: str | None, filters: AuditFilters
) -> tuple[list[AuditEvent], int]:
    total = await count_events(session, scope=scope, filters=filters)
    rows = await session.scalars(
        _newest_first(_select(scope, filters)).limit(page.limit).offset(page.offset)
    )
    events: list[AuditEvent] = list(rows.all())
    return events, total


async def stream_events(
    session: AsyncSession, *, scope: str | None, filters: AuditFilters, limit: int
) -> AsyncIterator[Sequence[AuditEvent]]:
    """The events newest first, a page at a time, at most `limit` of them."""
    stmt = _newest_first(_select(scope, filters)).limit(limit)
    result = await session.stream_scalars(stmt.execution_options(yield_per=EXPORT_PAGE_ROWS))
    async for page in result.partitions():
        events: Sequence[AuditEvent] = page
        yield events
