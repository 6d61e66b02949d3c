"""Queries for answers, always filtered by the caller's scope in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.models import (
    Agency,
    Dimension,
    EvidenceFile,
    Indicator,
    Period,
    PeriodState,
    Region,
    Review,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    User,
)
from siaga.regions.repository import effective_zone, subtree_filter
from siaga.submissions.grid import (
    applies_to_region,
    evidence_count,
    last_review_reason,
    scope_conditions,
)


async def get_context(
    session: AsyncSession,
    principal: Principal,
    period_code: str,
    region_code: str,
    indicator_code: str,
) -> Any:
    """Period, region and indicator of one answer, if the caller may see that answer."""
    stmt = (
        select(Period, Region, Indicator)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, Region.code == region_code)
        .where(
            Period.code == period_code,
            Indicator.code == indicator_code,
            applies_to_region(),
            *scope_conditions(principal),
        )
    )
    return (await session.execute(stmt)).first()


async def newest_answer_created_at(
    session: AsyncSession, period_id: int, region_id: int
) -> datetime | None:
    stmt = select(func.max(Submission.created_at)).where(
        Submission.period_id == period_id, Submission.region_id == region_id
    )
    created_at: datetime | None = await session.scalar(stmt)
    return created_at


async def get_submission(
    session: AsyncSession, period_id: int, region_id: int, indicator_id: int, *, lock: bool
) -> Submission | None:
    stmt = select(Submission).where(
        Submission.period_id == period_id,
        Submission.region_id == region_id,
        Submission.indicator_id == indicator_id,
    )
    if lock:
        # Serialises concurrent changes of one answer on PostgreSQL.
        stmt = stmt.with_for_update()
        if session.get_bind().dialect.name == "sqlite":
            # SQLite ignores FOR UPDATE and reads outside any transaction until the
            # first write, so two requests could both pass the If-Match check on the
            # same version (the second then fails on the version's unique key, a 500).
            # A no-op write takes SQLite's write lock first: the others wait for it
            # (busy_timeout) and then read the committed row.
            await session.execute(
                update(Submission)
                .where(
                    Submission.period_id == period_id,
                    Submission.region_id == region_id,
                    Submission.indicator_id == indicator_id,
                )
                .values(version=Submission.version)
                .execution_options(synchronize_session=False)
            )
    return (await session.scalars(stmt)).one_or_none()


async def insert_submission_if_absent(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert a new answer; its id, or None if the answer exists already.

    ON CONFLICT DO NOTHING on the answer's natural key rather than check-then-insert: two
    requests that both found no answer cannot both create it. On PostgreSQL the second
    waits here for the first to commit, then finds its row; the transaction stays usable.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Submission)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[Submission.period_id, Submission.region_id, Submission.indicator_id]
        )
        .returning(Submission.id)
    )
    new_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
    return new_id


async def find_agency(session: AsyncSession, region_id: int, agency_type_id: int) -> Agency | None:
    stmt = select(Agency).where(
        Agency.region_id == region_id, Agency.agency_type_id == agency_type_id
    )
    return (await session.scalars(stmt)).one_or_none()


async def evidence_rows(session: AsyncSession, submission_id: int) -> list[Any]:
    stmt = (
        select(EvidenceFile, User.username)
        .outerjoin(User, EvidenceFile.uploaded_by_id == User.id)
        .where(EvidenceFile.submission_id == submission_id)
        .order_by(EvidenceFile.created_at, EvidenceFile.id)
    )
    return list((await session.execute(stmt)).all())


async def evidence_hashes(session: AsyncSession, submission_id: int) -> list[str]:
    stmt = (
        select(EvidenceFile.blob_sha256)
        .where(EvidenceFile.submission_id == submission_id)
        .order_by(EvidenceFile.blob_sha256)
    )
    return list((await session.scalars(stmt)).all())


async def last_review(session: AsyncSession, submission_id: int) -> Any:
    stmt = (
        select(Review, User.username)
        .outerjoin(User, Review.reviewer_id == User.id)
        .where(Review.submission_id == submission_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).first()


async def history(session: AsyncSession, submission_id: int) -> list[Any]:
    stmt = (
        select(SubmissionVersion, User.username)
        .outerjoin(User, SubmissionVersion.actor_user_id == User.id)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(SubmissionVersion.version)
    )
    return list((await session.execute(stmt)).all())


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
) -> tuple[list[dict[str, Any]], int]:
    stmt = _list_select().where(*scope_conditions(principal))
    if period is not None:
        stmt = stmt.where(Period.code == period)
    if region is not None:
        stmt = stmt.where(subtree_filter(region))
    if indicator is not None:
        stmt = stmt.where(Indicator.code == indicator)
    if agency is not None:
        stmt = stmt.where(Agency.code == agency)
    if statuses:
        stmt = stmt.where(Submission.status.in_(statuses))
    if late is not None:
        stmt = stmt.where(Submission.is_late.is_(late))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    order = (
        (Submission.submitted_at.asc(), Submission.id.asc())
        if oldest_first
        else (Period.code, Region.code, Indicator.code)
    )
    rows = await session.execute(stmt.order_by(*order).limit(page.limit).offset(page.offset))
    return [row._asdict() for row in rows], total or 0


def deadline_passed_for_region(passed_zones: list[str], default_zone: str) -> ColumnElement[bool]:
    """Whether the row's Pemda is in one of `passed_zones`, the zones where the deadline
    is over: its own zone, else its province's, else the deployment's."""
    if not passed_zones:
        return false()
    return effective_zone(default_zone).in_(passed_zones)


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
) -> tuple[list[dict[str, Any]], int]:
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
        select(
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
        )
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
    return [row._asdict() for row in rows], total or 0


async def previous_period(session: AsyncSession, period: Period) -> Period | None:
    stmt = (
        select(Period)
        .where(Period.start_date < period.start_date, Period.framework_id == period.framework_id)
        .order_by(Period.start_date.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).one_or_none()


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
) -> tuple[list[dict[str, Any]], int, list[Any]]:
    """Submitted answers waiting for review, oldest submission first, and how many per
    Pemda for the same filters (one GROUP BY, not a count over the page)."""
    conditions: list[ColumnElement[bool]] = [
        *scope_conditions(principal),
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
    total = sum(c.waiting for c in counts)
    return [row._asdict() for row in rows], total, list(counts)
