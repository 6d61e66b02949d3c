"""Queries behind the exports: one statement per export, read in pages, scope in SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.models import (
    Agency,
    AnswerType,
    Dimension,
    Indicator,
    Period,
    Region,
    Submission,
    SubmissionStatus,
)
from siaga.submissions.grid import (
    answer_filters,
    evidence_count,
    last_review_reason,
    scope_conditions,
)

# Rows fetched per round trip: large enough that the national set (~100k answers) needs
# ~100 fetches, small enough that memory stays flat however large the export grows.
PAGE_ROWS = 1000


class AnswerExportRow(NamedTuple):
    """One answer as the answers export lists it (the columns of `submissions_select`)."""

    period: str
    region: str
    region_name: str
    dimension: str
    indicator: str
    indicator_name: str
    agency: str | None
    agency_name: str | None
    answer_type: AnswerType
    value: float | None
    narrative: str | None
    status: SubmissionStatus
    is_late: bool
    version: int
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    verified_at: datetime | None
    updated_at: datetime
    last_reason: str | None
    evidence_count: int | None


async def get_region(session: AsyncSession, code: str) -> Region | None:
    return (await session.scalars(select(Region).where(Region.code == code))).one_or_none()


async def dimensions(session: AsyncSession, framework_id: int) -> list[tuple[str, str]]:
    """(code, name) of the framework's dimensions, in the framework's order."""
    stmt = (
        select(Dimension.code, Dimension.name)
        .where(Dimension.framework_id == framework_id)
        .order_by(Dimension.position, Dimension.code)
    )
    return [(code, name) for code, name in await session.execute(stmt)]


async def region_names(session: AsyncSession, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(Region.code, Region.name).where(Region.code.in_(sorted(codes)))
    return {code: name for code, name in await session.execute(stmt)}


def submissions_select(
    principal: Principal,
    *,
    period_id: int,
    region: str | None,
    indicator: str | None,
    agency: str | None,
    statuses: Sequence[SubmissionStatus],
    late: bool | None,
) -> Select[*tuple[Any, ...]]:
    """Every answer of the period in the caller's scope, filtered like GET /submissions."""
    stmt = (
        select(
            Period.code.label("period"),
            Region.code.label("region"),
            Region.name.label("region_name"),
            Dimension.code.label("dimension"),
            Indicator.code.label("indicator"),
            Indicator.name.label("indicator_name"),
            Agency.code.label("agency"),
            Agency.name.label("agency_name"),
            Indicator.answer_type,
            Submission.value,
            Submission.narrative,
            Submission.status,
            Submission.is_late,
            Submission.version,
            Submission.first_submitted_at,
            Submission.submitted_at,
            Submission.verified_at,
            Submission.updated_at,
            last_review_reason().label("last_reason"),
            evidence_count().label("evidence_count"),
        )
        .select_from(Submission)
        .join(Period, Submission.period_id == Period.id)
        .join(Region, Submission.region_id == Region.id)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .join(Dimension, Indicator.dimension_id == Dimension.id)
        .outerjoin(Agency, Submission.agency_id == Agency.id)
        .where(
            Submission.period_id == period_id,
            *scope_conditions(principal),
            *answer_filters(
                region=region, indicator=indicator, agency=agency, statuses=statuses, late=late
            ),
        )
    )
    return stmt.order_by(Region.code, Dimension.position, Indicator.position, Indicator.code)


async def stream_answers(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]]
) -> AsyncIterator[list[AnswerExportRow]]:
    """The rows of a `submissions_select`, a page at a time (a server-side cursor on
    PostgreSQL)."""
    result = await session.stream(stmt.execution_options(yield_per=PAGE_ROWS))
    async for page in result.partitions():
        yield [AnswerExportRow._make(row) for row in page]
