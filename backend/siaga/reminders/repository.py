"""The reminders' queries: what is due in each zone, who gets it, and the claim of a
reminder (`reminders_sent`, unique per kind, user, subject and day)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Agency,
    Indicator,
    PemdaReport,
    Period,
    PeriodState,
    RecommendationStatus,
    Region,
    ReminderSent,
    ReportRecommendation,
    ReportState,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from siaga.regions.repository import effective_zone, subtree_filter
from siaga.submissions.grid import applies_to_region

_WAITING = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class OpenPeriod(NamedTuple):
    id: int
    code: str
    name: str
    framework_id: int
    deadline: date


class AgencyTasks(NamedTuple):
    agency_id: int
    agency: str
    agency_name: str
    region: str
    open_tasks: int


class Overdue(NamedTuple):
    id: int
    period: str
    region: str
    agency_id: int
    agency: str
    text: str
    due_on: date
    zone: str


class Person(NamedTuple):
    id: int
    region_id: int | None
    region: str | None
    zone: str


async def zones(session: AsyncSession, default: str) -> list[str]:
    """The zones deadlines end in (a handful: Indonesia has three)."""
    found = await session.scalars(select(effective_zone(default)).distinct())
    return sorted({*found, default})


async def open_periods(session: AsyncSession) -> list[OpenPeriod]:
    rows = await session.execute(
        select(Period.id, Period.code, Period.name, Period.framework_id, Period.deadline).where(
            Period.state == PeriodState.OPEN
        )
    )
    return [OpenPeriod._make(row) for row in rows]


async def open_tasks(
    session: AsyncSession, period: OpenPeriod, zone: str, default: str
) -> list[AgencyTasks]:
    """Per agency of the Pemdas in `zone`: its tasks of the period not yet submitted
    (not started, draft or returned), in one GROUP BY."""
    rows = await session.execute(
        select(Agency.id, Agency.code, Agency.name, Region.code, func.count())
        .select_from(Region)
        .join(Indicator, and_(Indicator.framework_id == period.framework_id, applies_to_region()))
        .join(
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
        .where(
            effective_zone(default) == zone,
            or_(Submission.id.is_(None), Submission.status.in_(_WAITING)),
        )
        .group_by(Agency.id, Agency.code, Agency.name, Region.code)
    )
    return [AgencyTasks._make(row) for row in rows]


async def operators(session: AsyncSession, agency_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active operators of each agency."""
    ids = set(agency_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(User.agency_id, User.id).where(
                User.role == Role.OPERATOR, User.is_active.is_(True), User.agency_id.in_(ids)
            )
        )
        for agency_id, user_id in rows:
            if agency_id is not None:  # always, for an operator (models.user)
                found[agency_id].append(user_id)
    return found


async def overdue_recommendations(session: AsyncSession, default: str) -> list[Overdue]:
    """Recommendations not done whose due date has passed somewhere by now (the caller
    checks against the Pemda's own zone)."""
    rows = await session.execute(
        select(
            ReportRecommendation.id,
            Period.code,
            Region.code,
            Agency.id,
            Agency.code,
            ReportRecommendation.text,
            ReportRecommendation.due_on,
            effective_zone(default),
        )
        .join(Period, Period.id == ReportRecommendation.period_id)
        .join(Region, Region.id == ReportRecommendation.region_id)
        .join(Agency, Agency.id == ReportRecommendation.agency_id)
        .where(ReportRecommendation.status != RecommendationStatus.DONE)
    )
    return [Overdue._make(row) for row in rows]


async def working_people(session: AsyncSession, role: Role, default: str) -> list[Person]:
    """Active verifiers or coordinators, with their region and its zone (none: national,
    the deployment's zone)."""
    rows = await session.execute(
        select(User.id, User.region_id, Region.code, effective_zone(default))
        .outerjoin(Region, Region.id == User.region_id)
        .where(User.role == role, User.is_active.is_(True))
    )
    return [Person(row[0], row[1], row[2], row[3] or default) for row in rows]


async def waiting_for_verifier(session: AsyncSession, person: Person) -> tuple[int, int]:
    """Answers submitted in open periods strictly below the verifier's region (the review
    queue's rule), and reports one level below waiting to be accepted."""
    below = [] if person.region is None else [subtree_filter(person.region)]
    answers = await session.scalar(
        select(func.count())
        .select_from(Submission)
        .join(Period, Period.id == Submission.period_id)
        .join(Region, Region.id == Submission.region_id)
        .where(
            Submission.status == SubmissionStatus.SUBMITTED,
            Period.state == PeriodState.OPEN,
            *below,
            *([] if person.region is None else [Region.code != person.region]),
        )
    )
    reports = await session.scalar(
        select(func.count())
        .select_from(PemdaReport)
        .join(Region, Region.id == PemdaReport.region_id)
        .where(
            PemdaReport.state == ReportState.SUBMITTED,
            Region.parent_id == person.region_id
            if person.region_id is not None
            else Region.parent_id.is_(None),
        )
    )
    return int(answers or 0), int(reports or 0)


async def waiting_in_pemdas(
    session: AsyncSession, region_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """Per Pemda, over the open periods: answers not yet submitted (not started or
    draft), and answers returned to be corrected."""
    if not region_ids:
        return {}
    missing = or_(Submission.id.is_(None), Submission.status == SubmissionStatus.DRAFT)
    returned = Submission.status == SubmissionStatus.RETURNED
    rows = await session.execute(
        select(Region.id, func.count().filter(missing), func.count().filter(returned))
        .select_from(Period)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, and_(Region.id.in_(region_ids), applies_to_region()))
        .outerjoin(
            Submission,
            and_(
                Submission.period_id == Period.id,
                Submission.region_id == Region.id,
                Submission.indicator_id == Indicator.id,
            ),
        )
        .where(Period.state == PeriodState.OPEN)
        .group_by(Region.id)
    )
    return {region_id: (int(m), int(r)) for region_id, m, r in rows}


async def claim(session: AsyncSession, rows: list[dict[str, Any]]) -> set[tuple[int, str]]:
    """Insert the reminders not given yet; returns the (user, subject) pairs this call
    inserted. Run by two workers at once, the second waits for the first's commit on
    the unique key and inserts nothing, so each reminder's event is written once."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ReminderSent)
    result = await session.execute(
        insert.values(rows)
        .on_conflict_do_nothing(index_elements=["kind", "user_id", "subject", "day"])
        .returning(ReminderSent.user_id, ReminderSent.subject)
    )
    return {(user_id, subject) for user_id, subject in result}
