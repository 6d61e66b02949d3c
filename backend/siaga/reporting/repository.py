"""Queries of the reports: the report row (locked for its transitions), the answers'
completeness and what is missing (on the answers' grid, aggregated in SQL), a
province's pending regency and city reports, lists in scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.roles import Role
from siaga.core.security import Principal
from siaga.models import (
    Agency,
    Indicator,
    PemdaReport,
    PemdaReportEvent,
    Period,
    Region,
    RegionLevel,
    ReportState,
    Submission,
    SubmissionStatus,
    User,
)
from siaga.regions.repository import effective_zone, subtree_filter
from siaga.submissions.grid import answer_grid

SENT = (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)


def scope_conditions(principal: Principal) -> list[ColumnElement[bool]]:
    """The Pemda whose reports the caller sees, on Region: a coordinator's and an
    operator's own Pemda only (none below it), a subtree for the others."""
    if principal.role in (Role.COORDINATOR, Role.OPERATOR):
        return [Region.code == principal.region_code]
    if principal.region_code is not None:
        return [subtree_filter(principal.region_code)]
    return []


async def pemda(session: AsyncSession, principal: Principal, code: str) -> Region | None:
    return await session.scalar(
        select(Region).where(Region.code == code, *scope_conditions(principal))
    )


async def get(
    session: AsyncSession, period_id: int, region_id: int, *, lock: bool = False
) -> PemdaReport | None:
    """The report; with `lock`, FOR UPDATE: transitions of one report serialise, and an
    acceptance waits for the answer writers holding it FOR SHARE
    (submissions.repository.report_accepted)."""
    where = (PemdaReport.period_id == period_id, PemdaReport.region_id == region_id)
    if lock and session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: a no-op write takes the database's write lock
        # first, so concurrent transitions read the row one after the other.
        await session.execute(
            update(PemdaReport)
            .where(*where)
            .values(version=PemdaReport.version)
            .execution_options(synchronize_session=False)
        )
    stmt = select(PemdaReport).where(*where)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def insert_if_absent(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert the report; its id, or None when another request created it meanwhile
    (ON CONFLICT DO NOTHING on (period, region), as for answers)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(PemdaReport)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[PemdaReport.period_id, PemdaReport.region_id])
        .returning(PemdaReport.id)
    )
    new_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
    return new_id


def _pemda_answers(period_id: int, region_id: int) -> Any:
    return and_(Period.id == period_id, Region.id == region_id)


async def completeness(session: AsyncSession, period_id: int, region_id: int) -> dict[str, int]:
    """The Pemda's applicable answers by state (`not_started` for none yet): one query."""
    stmt = (
        answer_grid(Submission.status, func.count())
        .where(_pemda_answers(period_id, region_id))
        .group_by(Submission.status)
    )
    return {
        "not_started" if status is None else status.value: int(count)
        for status, count in await session.execute(stmt)
    }


class Missing(NamedTuple):
    indicator: str
    indicator_name: str
    agency: str | None
    status: SubmissionStatus | None


async def missing_answers(session: AsyncSession, period_id: int, region_id: int) -> list[Missing]:
    """The applicable answers not submitted nor verified, with the responsible agency."""
    stmt = (
        answer_grid(Indicator.code, Indicator.name, Agency.code, Submission.status)
        .outerjoin(
            Agency,
            and_(Agency.region_id == Region.id, Agency.agency_type_id == Indicator.agency_type_id),
        )
        .where(
            _pemda_answers(period_id, region_id),
            (Submission.id.is_(None)) | Submission.status.not_in(SENT),
        )
        .order_by(Indicator.code)
    )
    return [Missing._make(row) for row in await session.execute(stmt)]


class Pending(NamedTuple):
    region: str
    region_name: str
    state: ReportState | None


async def pending_children(
    session: AsyncSession, period_id: int, province: Region
) -> list[Pending]:
    """The province's regencies and cities whose report for the period is not accepted
    (None: not started)."""
    stmt = (
        select(Region.code, Region.name, PemdaReport.state)
        .outerjoin(
            PemdaReport,
            and_(PemdaReport.region_id == Region.id, PemdaReport.period_id == period_id),
        )
        .where(
            Region.parent_id == province.id,
            (PemdaReport.id.is_(None)) | (PemdaReport.state != ReportState.ACCEPTED),
        )
        .order_by(Region.code)
    )
    return [Pending._make(row) for row in await session.execute(stmt)]


class ChildReport(NamedTuple):
    """A regency's or city's report as its province's PDF lists it (None: not written)."""

    region: str
    region_name: str
    level: RegionLevel
    time_zone: str
    state: ReportState | None
    receipt_number: str | None
    first_submitted_at: datetime | None
    is_late: bool | None


async def children_reports(
    session: AsyncSession, period_id: int, province: Region, default_zone: str
) -> list[ChildReport]:
    """Every regency and city of the province with its report for the period, if any."""
    stmt = (
        select(
            Region.code,
            Region.name,
            Region.level,
            effective_zone(default_zone),
            PemdaReport.state,
            PemdaReport.receipt_number,
            PemdaReport.first_submitted_at,
            PemdaReport.is_late,
        )
        .outerjoin(
            PemdaReport,
            and_(PemdaReport.region_id == Region.id, PemdaReport.period_id == period_id),
        )
        .where(Region.parent_id == province.id)
        .order_by(Region.code)
    )
    return [ChildReport._make(row) for row in await session.execute(stmt)]


async def parent_accepted(session: AsyncSession, period_id: int, region: Region) -> bool:
    """Whether the report one level up (the province's own) is accepted. It is read
    FOR SHARE: the province's acceptance cannot commit past this withdrawal."""
    if region.parent_id is None:
        return False
    stmt = (
        select(PemdaReport.state)
        .where(PemdaReport.period_id == period_id, PemdaReport.region_id == region.parent_id)
        .with_for_update(read=True)
    )
    return await session.scalar(stmt) == ReportState.ACCEPTED


async def receipt_ordinal(session: AsyncSession, period_id: int) -> int:
    """The next receipt's ordinal in the period: receipts given so far, plus one."""
    given = await session.scalar(
        select(func.count())
        .select_from(PemdaReport)
        .where(PemdaReport.period_id == period_id, PemdaReport.receipt_number.is_not(None))
    )
    return (given or 0) + 1


async def usernames(session: AsyncSession, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


async def history(session: AsyncSession, report_id: int) -> Sequence[PemdaReportEvent]:
    stmt = (
        select(PemdaReportEvent)
        .where(PemdaReportEvent.report_id == report_id)
        .order_by(PemdaReportEvent.id)
    )
    return (await session.scalars(stmt)).all()


class SummaryRow(NamedTuple):
    report: PemdaReport
    period: str
    region: str
    region_name: str
    level: Any
    time_zone: str


async def list_reports(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    region: str | None,
    states: Sequence[ReportState],
    default_zone: str,
) -> tuple[list[SummaryRow], int]:
    stmt = (
        select(
            PemdaReport,
            Period.code,
            Region.code,
            Region.name,
            Region.level,
            effective_zone(default_zone),
        )
        .join(Period, Period.id == PemdaReport.period_id)
        .join(Region, Region.id == PemdaReport.region_id)
        .where(*scope_conditions(principal))
    )
    if period is not None:
        stmt = stmt.where(Period.code == period)
    if region is not None:
        stmt = stmt.where(subtree_filter(region))
    if states:
        stmt = stmt.where(PemdaReport.state.in_(states))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Period.code.desc(), Region.code).limit(page.limit).offset(page.offset)
    )
    return [SummaryRow._make(row) for row in rows], total or 0
