from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from siaga.audit_trail import export as audit_export
from siaga.audit_trail import service
from siaga.audit_trail.repository import AuditFilters
from siaga.audit_trail.schemas import AuditEventPage
from siaga.auth.dependencies import Admin, CurrentActor
from siaga.core.csvstyle import RFC4180, CsvStyleQuery
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.params import TimestampQuery
from siaga.exports.http import documented, download

router = APIRouter(prefix="/audit", tags=["audit"])

Text = Annotated[str | None, Query(min_length=1, max_length=120)]


def _filters(
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
) -> AuditFilters:
    return AuditFilters(actor, action, entity, entity_id, outcome, since, until)


# GET /audit and its exports take the very same filters, so a file holds what the page lists.
Filters = Annotated[AuditFilters, Depends(_filters)]


@router.get("", name="list", response_model=AuditEventPage, responses=responses(401, 403))
async def list_audit_events(
    session: DbSession, admin: Admin, page: Pagination, filters: Filters
) -> AuditEventPage:
    """The audit trail in the administrator's scope, newest first."""
    return await service.list_events(session, page, scope=admin.region_code, filters=filters)


@router.get(
    "/export.csv",
    name="export_csv",
    response_class=StreamingResponse,
    responses=documented("csv", 401, 403),
)
async def export_audit_csv(
    request: Request,
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    filters: Filters,
    style: CsvStyleQuery,
) -> StreamingResponse:
    """The events GET /audit lists with the same filters, newest first, as CSV (streamed).

    At most 100,000 events (`audit_export_too_large` beyond: narrow the filters); the
    export is itself recorded as `audit.export`.
    """
    export = await audit_export.export(
        session,
        request.app.state.sessionmaker,
        actor,
        scope=admin.region_code,
        filters=filters,
        fmt="csv",
        style=style,
    )
    return download(export)


@router.get(
    "/export.xlsx",
    name="export_xlsx",
    response_class=StreamingResponse,
    responses=documented("xlsx", 401, 403),
)
async def export_audit_xlsx(
    request: Request, session: DbSession, admin: Admin, actor: CurrentActor, filters: Filters
) -> StreamingResponse:
    """The events GET /audit lists with the same filters, newest first, as a workbook.

    At most 100,000 events (`audit_export_too_large` beyond: narrow the filters); the
    export is itself recorded as `audit.export`.
    """
    export = await audit_export.export(
        session,
        request.app.state.sessionmaker,
        actor,
        scope=admin.region_code,
        filters=filters,
        fmt="xlsx",
        style=RFC4180,
    )
    return download(export)
