"""What the reads of incidents answer: one incident with its timeline, files and what
the caller may do next; lists and counts in scope; a quarter's summary for a report."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.incidents import quarter, repository, rules
from siaga.incidents.context import Context, case_of, load
from siaga.incidents.repository import Filters
from siaga.incidents.schemas import (
    Allowed,
    CategorySeverityCount,
    IncidentCounts,
    IncidentFileRead,
    IncidentPage,
    IncidentRead,
    IncidentSummary,
    LocationRead,
    MonthCount,
    PeriodIncidents,
    SummaryCell,
    TimelineEntry,
)
from siaga.models import Incident, IncidentFile

API_PREFIX = "/api/v1"


def summary_of(
    incident: Incident, region: str, region_name: str, zone: str, now: datetime
) -> IncidentSummary:
    return IncidentSummary(
        number=incident.number,
        region=region,
        region_name=region_name,
        category=incident.category,
        severity=incident.severity,
        state=incident.state,
        level=incident.level,
        title=incident.title,
        occurred_at=incident.occurred_at,
        occurred_on=incident.occurred_on,
        reported_at=incident.reported_at,
        acknowledge_by=rules.acknowledge_by(incident.severity, incident.reported_at),
        overdue=rules.is_overdue(case_of(incident, region), now),
        location=LocationRead(
            district=incident.district,
            village=incident.village,
            lat=incident.latitude,
            lon=incident.longitude,
        ),
        time_zone=zone,
    )


def file_url(number: str, file_id: str) -> str:
    return f"{API_PREFIX}/incidents/{number}/evidence/{file_id}"


def file_read(number: str, file: IncidentFile) -> IncidentFileRead:
    return IncidentFileRead(
        id=file.id,
        name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        location_kept=file.location_kept,
        uploaded_by=file.uploader_label,
        uploaded_at=file.created_at,
        url=file_url(number, file.id),
    )


async def read(session: AsyncSession, ctx: Context) -> IncidentRead:
    incident, case, caller = ctx.incident, ctx.case, ctx.caller
    escalates = rules.may_escalate(caller, case)
    summary = summary_of(incident, ctx.region.code, ctx.region.name, ctx.time_zone, utcnow())
    events = await repository.timeline(session, incident.id)
    attached = await repository.files(session, incident.id)
    return IncidentRead(
        **summary.model_dump(),
        description=incident.description,
        actions_taken=incident.actions_taken,
        reported_by=incident.reporter_label,
        acknowledged_at=incident.acknowledged_at,
        acknowledged_late=rules.acknowledged_late(
            incident.severity, incident.reported_at, incident.acknowledged_at
        ),
        escalated_at=incident.escalated_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        version=incident.version,
        updated_at=incident.updated_at,
        timeline=[
            TimelineEntry(
                kind=e.kind,
                from_state=e.from_state,
                state=e.state,
                level=e.level,
                note=e.note,
                actor=e.actor_label,
                at=e.created_at,
            )
            for e in events
        ],
        files=[file_read(incident.number, f) for f in attached],
        allowed=Allowed(
            states=rules.next_steps(caller, case),
            note=rules.check_update(caller, case, None) is None,
            escalate=escalates,
            escalate_to=rules.escalation_target(caller, case) if escalates else None,
            files=rules.check_file(caller, case) is None,
        ),
    )


async def get_incident(
    session: AsyncSession, principal: Principal, number: str, *, all_: bool, default_zone: str
) -> IncidentRead:
    ctx = await load(session, principal, number, all_=all_, default_zone=default_zone)
    return await read(session, ctx)


async def list_incidents(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    filters: Filters,
    *,
    default_zone: str,
) -> IncidentPage:
    now = utcnow()
    rows, total = await repository.list_incidents(
        session, principal, page, filters, now=now, default_zone=default_zone
    )
    return IncidentPage(
        items=[
            summary_of(row.incident, row.region, row.region_name, row.time_zone, now)
            for row in rows
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def counts(session: AsyncSession, principal: Principal, filters: Filters) -> IncidentCounts:
    cells, months = await repository.counts(session, principal, filters, now=utcnow())
    return IncidentCounts(
        total=sum(c.count for c in cells),
        overdue=sum(c.overdue for c in cells),
        items=[SummaryCell(**asdict(c)) for c in cells],
        by_month=[MonthCount(**asdict(m)) for m in months],
    )


async def period_summary(
    session: AsyncSession, region_code: str, starts_on: date, ends_on: date
) -> PeriodIncidents:
    """For a Pemda report: its (and a province's regencies' and cities') incidents that
    happened within the period's dates."""
    cells = await quarter.summary(session, region_code, starts_on, ends_on)
    by_category: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    for cell in cells:
        by_category[cell.category.value] = by_category.get(cell.category.value, 0) + cell.count
        by_severity[cell.severity.value] = by_severity.get(cell.severity.value, 0) + cell.count
    return PeriodIncidents(
        total=sum(c.count for c in cells),
        open=sum(c.open for c in cells),
        escalated=sum(c.escalated for c in cells),
        by_category=by_category,
        by_severity=by_severity,
        cells=[
            CategorySeverityCount(category=c.category, severity=c.severity, count=c.count)
            for c in cells
        ],
    )
