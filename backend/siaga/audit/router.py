from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from siaga.audit import service
from siaga.audit.schemas import AuditEventPage
from siaga.auth.dependencies import Admin
from siaga.core.deps import DbSession
from siaga.core.errors import InvalidInput, responses
from siaga.core.pagination import Pagination

router = APIRouter(prefix="/audit", tags=["audit"])

Text = Annotated[str | None, Query(min_length=1, max_length=120)]


@router.get("", name="list", response_model=AuditEventPage, responses=responses(401, 403))
async def list_audit_events(
    session: DbSession,
    admin: Admin,
    page: Pagination,
    actor: Text = None,
    action: Text = None,
    entity: Text = None,
    entity_id: Text = None,
    outcome: Literal["success", "failure", "denied", "rate_limited"] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditEventPage:
    """The audit trail in the administrator's scope, newest first."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(
                f"{name} needs a time zone, e.g. 2024-01-10T00:00:00+07:00",
                details=[{"loc": ["query", name], "message": "timezone required"}],
            )
    return await service.list_events(
        session,
        page,
        scope=admin.region_code,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        outcome=outcome,
        since=since,
        until=until,
    )
