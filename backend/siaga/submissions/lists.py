"""Lists of answers: the answer list, the review queue, and the task list of a period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import Period, PeriodState, SubmissionStatus
from siaga.periods.dependencies import period_or_404
from siaga.regions import repository as regions_repository
from siaga.regions import time_zones
from siaga.regions.time_zones import deadline_cutoff
from siaga.submissions import list_repository
from siaga.submissions.list_repository import SummaryRow, TaskRow
from siaga.submissions.schemas import (
    RegionCount,
    ReviewQueuePage,
    SubmissionPage,
    SubmissionSummary,
    TaskPage,
    TaskRead,
)


def _summary(row: SummaryRow) -> SubmissionSummary:
    return SubmissionSummary(**row._asdict(), etag=f'"{row.id}-{row.version}"')


async def list_answers(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    region: str | None,
    indicator: str | None,
    agency: str | None,
    statuses: list[SubmissionStatus],
    late: bool | None,
    oldest_first: bool,
) -> SubmissionPage:
    rows, total = await list_repository.list_submissions(
        session,
        principal,
        page,
        period=period,
        region=region,
        indicator=indicator,
        agency=agency,
        statuses=statuses,
        late=late,
        oldest_first=oldest_first,
    )
    return SubmissionPage(
        items=[_summary(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


async def review_queue(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    include_closed: bool,
    region: str | None,
    agency: str | None,
    dimension: str | None,
    indicator: str | None,
    older_than_days: int | None,
) -> ReviewQueuePage:
    rows, total, counts = await list_repository.review_queue(
        session,
        principal,
        page,
        period=period,
        include_closed=include_closed,
        region=region,
        agency=agency,
        dimension=dimension,
        indicator=indicator,
        submitted_before=None
        if older_than_days is None
        else utcnow() - timedelta(days=older_than_days),
    )
    return ReviewQueuePage(
        items=[_summary(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
        by_region=[
            RegionCount(region=c.region, region_name=c.region_name, count=c.waiting) for c in counts
        ],
    )


async def list_tasks(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period_code: str,
    region: str | None,
    status: str | None,
    overdue: bool | None = None,
    timezone: str = "Asia/Jakarta",
) -> TaskPage:
    # A query parameter of the route rather than periods.dependencies.PeriodInQuery: as a
    # dependency it would move in, and change, the published document's parameter list.
    period = await period_or_404(session, period_code)
    # Only an open period has overdue tasks: a closed one takes no more answers, a
    # planned one has not asked for any yet. Where the deadline is over depends on the
    # Pemda's zone: midnight comes to WIT two hours before WIB.
    now = utcnow()
    candidates = {time_zones.WIB, time_zones.WITA, time_zones.WIT, timezone}
    passed = sorted(z for z in candidates if now >= deadline_cutoff(period.deadline, z))
    rows, total = await list_repository.list_tasks(
        session,
        principal,
        page,
        period=period,
        region=region,
        status=status,
        past_deadline=list_repository.deadline_passed_for_region(
            passed if period.state == PeriodState.OPEN else [], timezone
        ),
        overdue=overdue,
    )
    zones = await regions_repository.time_zones_by_code(
        session, sorted({row.region for row in rows}), timezone
    )
    items = [_task(period, row, zones.get(row.region, timezone)) for row in rows]
    return TaskPage(items=items, total=total, limit=page.limit, offset=page.offset)


def _task(period: Period, row: TaskRow, zone: str) -> TaskRead:
    answered = row.id is not None
    return TaskRead(
        period=period.code,
        deadline=period.deadline,
        deadline_at=deadline_cutoff(period.deadline, zone),
        time_zone=zone,
        time_zone_abbreviation=time_zones.abbreviation(zone),
        region=row.region,
        region_name=row.region_name,
        indicator=row.indicator,
        indicator_name=row.indicator_name,
        dimension=row.dimension,
        answer_type=row.answer_type,
        target=row.target,
        guidance=row.guidance,
        evidence_required=row.evidence_required,
        evidence_guidance=row.evidence_guidance,
        agency=row.agency,
        agency_name=row.agency_name,
        status=row.status if answered and row.status is not None else "not_started",
        value=row.value,
        version=row.version,
        etag=f'"{row.id}-{row.version}"' if answered else None,
        is_late=bool(row.is_late),
        overdue=bool(row.overdue),
        evidence_count=row.evidence_count or 0,
        last_reason=row.last_reason,
        unread_comments=row.unread_comments or 0,
    )
