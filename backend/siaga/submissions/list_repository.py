"""Queries for lists of answers: the answer list, the review queue and the task list,
always filtered by the caller's scope in SQL and returned as typed rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.models import (
    Agency,
    AnswerType,
    Dimension,
    Indicator,
    Period,
    PeriodState,
    Region,
    Submission,
    SubmissionStatus,
)
from siaga.regions.repository import effective_zone, subtree_filter
from siaga.submissions.grid import (
    answer_filters,
    applies_to_region,
    evidence_count,
    last_review_reason,
    reviewable_conditions,
    scope_conditions,
    unread_comments,
)


class SummaryRow(NamedTuple):
    """One answer of a list (the columns of _list_select, in its order)."""

    period: str
    region: str
    region_name: str
    indicator: str
    indicator_name: str
    answer_type: AnswerType
    agency: str | None
    id: int
    value: float | None
    status: SubmissionStatus
    version: int
    is_late: bool
    updated_at: datetime
    submitted_at: datetime | None
    evidence_count: int


class TaskRow(NamedTuple):
    """One (Pemda, indicator) pair of the task list; the answer's columns are None when
    it is not started."""

    region: str
    region_name: str
    indicator: str
    indicator_name: str
    dimension: str
    answer_type: AnswerType
    target: float | None
    guidance: str
    evidence_required: bool
    evidence_guidance: str
    agency: str | None
    agency_name: str | None
    id: int | None
    status: SubmissionStatus | None
    value: float | None
    version: int | None
    is_late: bool | None
    overdue: bool
    evidence_count: int | None
    last_reason: str | None
    unread_comments: int


class RegionWaiting(NamedTuple):
    region: str
    region_name: str
    waiting: int


def _list_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Period.code.label("period"),
            Region.code.label("region"),
            Region.name.label("region_name"),
            Indicator.code.label("indicator"),
            Indicator.name.label("indicator_name"),
            Indicator.answer_type,
            Agency.code.label("agency"),
            Submission.id,
            Submission.value,
            Submission.status,
            Submission.version,
            Submission.is_late,
            Submission.updated_at,
            Submission.submitted_at,
            evidence_count().label("evidence_count"),
        )
        .select_from(Submission)
        .join(Period, Submission.period_id == Period.id)
        .join(Region, Submission.region_id == Region.id)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .outerjoin(Agency, Submission.agency_id == Agency.id)
    )


async def list_submissions(
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
) -> tuple[list[SummaryRow], int]:
    stmt = _list_select().where(
        *scope_conditions(principal),
        *answer_filters(
            region=region, indicator=indicator, agency=agency, statuses=statuses, late=late
        ),
    )
    if period is not None:
        stmt = stmt.where(Period.code == period)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    order = (
        (Submission.submitted_at.asc(), Submission.id.asc())
        if oldest_first
        else (Period.code, Region.code, Indicator.code)
    )
    rows = await session.execute(stmt.order_by(*order).limit(page.limit).offset(page.offset))
    return [SummaryRow._make(row) for row in rows], total or 0


def deadline_passed_for_region(passed_zones: list[str], default_zone: str) -> ColumnElement[bool]:
    """Whether the row's Pemda is in one of `passed_zones`, the zones where the deadline
    is over: its own zone, else its province's, else the deployment's."""
    if not passed_zones:
        return false()
    return effective_zone(default_zone).in_(passed_zones)


def _task_columns(is_overdue: ColumnElement[bool], unread: Any) -> list[Any]:
    """The columns of TaskRow, in its order."""
    return [
        Region.code.label("region"),
        Region.name.label("region_name"),
        Indicator.code.label("indicator"),
        Indicator.name.label("indicator_name"),
        Dimension.code.label("dimension"),
        Indicator.answer_type,
        Indicator.target,
        Indicator.guidance,
        Indicator.evidence_required,
        Indicator.evidence_guidance,
        Agency.code.label("agency"),
        Agency.name.label("agency_name"),
        Submission.id,
        Submission.status,
        Submission.value,
        Submission.version,
        Submission.is_late,
        is_overdue.label("overdue"),
        evidence_count().label("evidence_count"),
        last_review_reason().label("last_reason"),
        unread.label("unread_comments"),
    ]


async def list_tasks(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: Period,
    region: str | None,
    status: str | None,
    past_deadline: ColumnElement[bool] | None = None,
    overdue: bool | None = None,
) -> tuple[list[TaskRow], int]:
    """Every (Pemda, indicator) pair the period asks for in scope, with its answer if any.

    `past_deadline` says, per row, whether the period is open and its deadline has passed
    for the row's Pemda (none: not past); a task is overdue when it also still waits on
    the agency.
    """
    if past_deadline is None:
        past_deadline = false()
    waiting = or_(
        Submission.id.is_(None),
        Submission.status.in_([SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]),
    )
    is_overdue = and_(past_deadline, waiting)
    stmt = (
        select(*_task_columns(is_overdue, unread_comments(principal.user_id, period.id)))
        .select_from(Region)
        .join(Indicator, Indicator.framework_id == period.framework_id)
        .join(Dimension, Indicator.dimension_id == Dimension.id)
        .outerjoin(
            Agency,
            and_(Agency.region_id == Region.id, Agency.agency_type_id == Indicator.agency_type_id),
        )
        .outerjoin(
            Submission,
            and_(
                Submission.period_id == period.id,
                Submission.region_id == Region.id,
                Submission.indicator_id == Indicator.id,
            ),
        )
        .where(applies_to_region(), *scope_conditions(principal))
    )
    if region is not None:
        stmt = stmt.where(Region.code == region)
    if status == "not_started":
        stmt = stmt.where(Submission.id.is_(None))
    elif status is not None:
        stmt = stmt.where(Submission.status == status)
    if overdue is not None:
        stmt = stmt.where(is_overdue if overdue else ~is_overdue)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Region.code, Dimension.position, Indicator.position)
        .limit(page.limit)
        .offset(page.offset)
    )
    return [TaskRow._make(row) for row in rows], total or 0


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
    submitted_before: datetime | None,
) -> tuple[list[SummaryRow], int, list[RegionWaiting]]:
    """Submitted answers waiting for review, oldest submission first, and how many per
    Pemda for the same filters (one GROUP BY, not a count over the page)."""
    conditions: list[ColumnElement[bool]] = [
        *scope_conditions(principal),
        # Not the reviewer's own region: those wait for the level above (separation).
        *reviewable_conditions(principal),
        Submission.status == SubmissionStatus.SUBMITTED,
    ]
    if period is not None:
        conditions.append(Period.code == period)
    elif not include_closed:
        # A finished period's leftovers should not bury the work that still has a deadline.
        conditions.append(Period.state == PeriodState.OPEN)
    if region is not None:
        conditions.append(subtree_filter(region))
    if agency is not None:
        conditions.append(Agency.code == agency)
    if dimension is not None:
        conditions.append(
            Indicator.dimension_id.in_(select(Dimension.id).where(Dimension.code == dimension))
        )
    if indicator is not None:
        conditions.append(Indicator.code == indicator)
    if submitted_before is not None:
        conditions.append(Submission.submitted_at <= submitted_before)
    stmt = _list_select().where(*conditions)
    rows = await session.execute(
        stmt.order_by(Submission.submitted_at.asc(), Submission.id.asc())
        .limit(page.limit)
        .offset(page.offset)
    )
    # Counted over the same filtered list, so the counts cannot disagree with the items;
    # the total is their sum (no second count query).
    listed = stmt.subquery()
    counts = (
        await session.execute(
            select(listed.c.region, listed.c.region_name, func.count().label("waiting"))
            .group_by(listed.c.region, listed.c.region_name)
            .order_by(func.count().desc(), listed.c.region)
        )
    ).all()
    waiting = [RegionWaiting._make(c) for c in counts]
    return [SummaryRow._make(row) for row in rows], sum(c.waiting for c in waiting), waiting
