"""Queries of the import: reference lookups read once per import and existing rows read
once per chunk (the stored batches are batch_repository's). Plain columns, never ORM
entities per row: an import of 100,000 answers must not build 100,000 objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, and_, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Agency,
    AgencyType,
    Dimension,
    EvidenceFile,
    Framework,
    FrameworkStatus,
    Indicator,
    PemdaReport,
    Period,
    Region,
    ReportState,
    Submission,
    SubmissionStatus,
)
from siaga.regions.repository import subtree_filter


def _in_scope(scope: str | None) -> list[Any]:
    return [] if scope is None else [subtree_filter(scope)]


async def periods(session: AsyncSession) -> Sequence[Any]:
    stmt = select(Period.id, Period.code, Period.framework_id, Period.state, Period.deadline)
    return (await session.execute(stmt)).all()


async def regions(session: AsyncSession, scope: str | None) -> Sequence[Any]:
    stmt = select(
        Region.id, Region.code, Region.name, Region.level, Region.bps_code, Region.time_zone
    ).where(*_in_scope(scope))
    return (await session.execute(stmt)).all()


async def region_codes_outside(session: AsyncSession, codes: list[str]) -> set[str]:
    """Which of `codes` exist at all (used to tell a taken code from a free one)."""
    if not codes:
        return set()
    return set((await session.scalars(select(Region.code).where(Region.code.in_(codes)))).all())


async def indicators(session: AsyncSession) -> Sequence[Any]:
    stmt = select(
        Indicator.id,
        Indicator.framework_id,
        Indicator.dimension_id,
        Indicator.code,
        Indicator.name,
        Indicator.guidance,
        Indicator.answer_type,
        Indicator.target,
        Indicator.weight,
        Indicator.agency_type_id,
        Indicator.applies_province,
        Indicator.applies_regency,
        Indicator.applies_city,
        Indicator.evidence_required,
        Indicator.evidence_guidance,
        Indicator.position,
    )
    return (await session.execute(stmt)).all()


async def answered_indicator_ids(session: AsyncSession) -> set[int]:
    stmt = select(Submission.indicator_id).distinct()
    return set((await session.scalars(stmt)).all())


async def frameworks(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(Framework.code, Framework.id))).all()
    return {code: id_ for code, id_ in rows}


async def published_framework_ids(session: AsyncSession) -> set[int]:
    stmt = select(Framework.id).where(Framework.status == FrameworkStatus.PUBLISHED)
    return set((await session.scalars(stmt)).all())


async def dimensions(session: AsyncSession) -> dict[tuple[int, str], int]:
    rows = (
        await session.execute(select(Dimension.framework_id, Dimension.code, Dimension.id))
    ).all()
    return {(fw, code): id_ for fw, code, id_ in rows}


async def agency_types(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(AgencyType.code, AgencyType.id))).all()
    return {code: id_ for code, id_ in rows}


async def agencies(session: AsyncSession, scope: str | None) -> Sequence[Any]:
    stmt = (
        select(
            Agency.id,
            Agency.code,
            Agency.name,
            Agency.region_id,
            Agency.agency_type_id,
            Agency.is_active,
            Region.code.label("region_code"),
        )
        .join(Region, Region.id == Agency.region_id)
        .where(*_in_scope(scope))
    )
    return (await session.execute(stmt)).all()


async def agency_codes_taken(session: AsyncSession, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return set((await session.scalars(select(Agency.code).where(Agency.code.in_(codes)))).all())


class ExistingAnswer(NamedTuple):
    """A stored answer as the submissions import reads it, by the chunk."""

    id: int
    period_id: int
    region_id: int
    indicator_id: int
    value: float | None
    narrative: str
    status: SubmissionStatus
    version: int
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    is_late: bool


async def existing_submissions(
    session: AsyncSession, keys: list[tuple[int, int, int]]
) -> list[ExistingAnswer]:
    """The answers of the (period, region) pairs of these (period, region, indicator) keys:
    one query per chunk, a superset of the keys' answers (callers look them up by key).

    Asking by pair, not by key, probes the unique index once per Pemda and period (a
    chunk's 5,000 rows hold a few hundred pairs) instead of once per row; a pair has at
    most one answer per indicator, so the extra rows stay few.
    """
    if not keys:
        return []
    pairs = sorted({(k[0], k[1]) for k in keys})
    stmt = select(
        Submission.id,
        Submission.period_id,
        Submission.region_id,
        Submission.indicator_id,
        Submission.value,
        Submission.narrative,
        Submission.status,
        Submission.version,
        Submission.first_submitted_at,
        Submission.submitted_at,
        Submission.is_late,
    )
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL plans a long IN list of tuples as as many ORs (seconds per chunk); two
        # arrays unnested into a derived table join the unique index instead.
        ids = ARRAY(BigInteger)
        wanted = (
            func.unnest(
                bindparam("periods", [p[0] for p in pairs], type_=ids),
                bindparam("regions", [p[1] for p in pairs], type_=ids),
            )
            .table_valued("p", "r")
            .render_derived(name="wanted")
        )
        stmt = stmt.join(
            wanted,
            and_(Submission.period_id == wanted.c.p, Submission.region_id == wanted.c.r),
        )
    else:
        stmt = stmt.where(tuple_(Submission.period_id, Submission.region_id).in_(pairs))
    return [ExistingAnswer._make(row) for row in (await session.execute(stmt)).all()]


async def evidence_hashes(session: AsyncSession, submission_ids: list[int]) -> dict[int, list[str]]:
    if not submission_ids:
        return {}
    stmt = (
        select(EvidenceFile.submission_id, EvidenceFile.blob_sha256)
        .where(EvidenceFile.submission_id.in_(submission_ids))
        .order_by(EvidenceFile.submission_id, EvidenceFile.created_at, EvidenceFile.id)
    )
    found: dict[int, list[str]] = {}
    for submission_id, sha in (await session.execute(stmt)).all():
        found.setdefault(submission_id, []).append(sha)
    return found


async def accepted_reports(session: AsyncSession, scope: str | None) -> set[tuple[int, int]]:
    """(period id, region id) of the accepted Pemda reports in scope, locked FOR SHARE
    until the import commits: their answers may not change (submissions.workflow)."""
    stmt = (
        select(PemdaReport.period_id, PemdaReport.region_id)
        .join(Region, Region.id == PemdaReport.region_id)
        .where(PemdaReport.state == ReportState.ACCEPTED, *_in_scope(scope))
        .with_for_update(of=PemdaReport, read=True)
    )
    return {(period_id, region_id) for period_id, region_id in await session.execute(stmt)}
