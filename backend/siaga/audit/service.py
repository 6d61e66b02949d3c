from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.audit import repository
from siaga.audit.schemas import AuditEventPage, AuditEventRead
from siaga.core.database import session_scope
from siaga.core.pagination import PageParams
from siaga.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts, from where: attached to every audit event a request writes."""

    label: str
    user_id: int | None = None
    api_key_id: int | None = None
    client_addr: str | None = None
    request_id: str | None = None


SYSTEM = Actor(label="system")


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    region_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "success",
) -> AuditEvent:
    """Add an audit event to the current transaction, so it commits with the change."""
    event = AuditEvent(
        action=action,
        actor_label=actor.label,
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        client_addr=actor.client_addr,
        request_id=actor.request_id,
        entity_type=entity_type,
        entity_id=entity_id,
        region_code=region_code,
        before=before,
        after=after,
        outcome=outcome,
    )
    session.add(event)
    return event


async def record_separately(
    sessionmaker: async_sessionmaker[AsyncSession],
    actor: Actor,
    action: str,
    **fields: Any,
) -> None:
    """Record in a transaction of its own: for refusals and failed logins, whose request
    transaction is rolled back with the error that follows."""
    async with session_scope(sessionmaker) as session:
        record(session, actor, action, **fields)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for compact before/after pairs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def list_events(
    session: AsyncSession, page: PageParams, *, scope: str | None, **filters: Any
) -> AuditEventPage:
    events, total = await repository.list_events(session, page, scope=scope, **filters)
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
