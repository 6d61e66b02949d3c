from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit_trail import repository
from siaga.audit_trail.repository import AuditFilters
from siaga.audit_trail.schemas import AuditEventPage, AuditEventRead
from siaga.core.pagination import PageParams


async def list_events(
    session: AsyncSession, page: PageParams, *, scope: str | None, filters: AuditFilters
) -> AuditEventPage:
    events, total = await repository.list_events(session, page, scope=scope, filters=filters)
    return AuditEventPage(
        items=[
            AuditEventRead(
                id=e.id,
                occurred_at=e.occurred_at,
                actor=e.actor_label,
                action=e.action,
                outcome=e.outcome,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                region_code=e.region_code,
                before=e.before,
                after=e.after,
                client_addr=e.client_addr,
                request_id=e.request_id,
            )
            for e in events
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
