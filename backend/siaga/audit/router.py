from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from siaga.audit import service
from siaga.audit.schemas import AuditEventPage
from siaga.auth.dependencies import Admin
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import TimestampQuery

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
    outcome: Annotated[
        Literal["success", "failure", "denied", "rate_limited", "refused"] | None,
        Query(description="`refused`: every refusal (failure, denied, rate_limited)"),
    ] = None,
    since: TimestampQuery = None,
    until: TimestampQuery = None,
) -> AuditEventPage:
    """The audit trail in the administrator's scope, newest first."""
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
