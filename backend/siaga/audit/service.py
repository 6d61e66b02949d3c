from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent


def record(
    session: AsyncSession,
    action: str,
    *,
    actor_label: str,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    region_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "success",
    client_addr: str | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction, so it commits with the change."""
    event = AuditEvent(
        action=action,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        actor_api_key_id=actor_api_key_id,
        entity_type=entity_type,
        entity_id=entity_id,
        region_code=region_code,
        before=before,
        after=after,
        outcome=outcome,
        client_addr=client_addr,
        request_id=request_id,
    )
    session.add(event)
    return event
