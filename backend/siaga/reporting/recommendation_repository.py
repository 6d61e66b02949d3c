"""Queries of the recommendations: a report's list with the ones carried from the
Pemda's earlier reports, overdue computed in SQL; one recommendation in scope, locked for
its follow-up; the responsible agency of a Pemda; the evidence files of the follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.security import Principal
from siaga.models import (
    Agency,
    EvidenceBlob,
    Period,
    RecommendationEvidence,
    RecommendationStatus,
    Region,
    ReportRecommendation,
    User,
)
from siaga.reporting.repository import scope_conditions

R = ReportRecommendation


class Row(NamedTuple):
    """One recommendation as RecommendationRead shows it (less the ETag)."""

    id: int
    period: str
    region: str
    agency: str
    agency_name: str
    text: str
    due_on: date
    status: RecommendationStatus
    follow_up: str
    overdue: bool
    carried: bool
    version: int
    created_at: datetime
    created_by: str | None
    updated_at: datetime
    updated_by: str | None
    done_at: datetime | None


def _flag(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return case((condition, true()), else_=false())


def overdue(today: date) -> ColumnElement[bool]:
    """Not done and past the due day; `today` is the date in the Pemda's zone
    (recommendation_rules.local_today), the same for every row of one Pemda."""
    return _flag(and_(R.status != RecommendationStatus.DONE, R.due_on < today))


def _select(today: date, made_in: Any, carried: ColumnElement[bool]) -> Any:
    creator, updater = aliased(User), aliased(User)
    return (
        select(
            R.id,
            made_in.code,
            Region.code,
            Agency.code,
            Agency.name,
            R.text,
            R.due_on,
            R.status,
            R.follow_up,
            overdue(today),
            carried,
            R.version,
            R.created_at,
            creator.username,
            R.updated_at,
            updater.username,
            R.done_at,
        )
        .join(made_in, made_in.id == R.period_id)
        .join(Region, Region.id == R.region_id)
        .join(Agency, Agency.id == R.agency_id)
        .outerjoin(creator, creator.id == R.created_by_id)
        .outerjoin(updater, updater.id == R.updated_by_id)
    )


async def for_report(
    session: AsyncSession, region_id: int, period: Period, today: date
) -> list[Row]:
    """The recommendations made in this report, then those of the Pemda's earlier
    reports not done yet (carried), oldest first."""
    made_in = aliased(Period)
    earlier = made_in.start_date < period.start_date
    stmt = (
        _select(today, made_in, _flag(earlier))
        .where(
            R.region_id == region_id,
            or_(
                R.period_id == period.id,
                and_(earlier, R.status != RecommendationStatus.DONE),
            ),
        )
        .order_by(made_in.start_date, R.id)
    )
    return [Row._make(row) for row in await session.execute(stmt)]


async def one(session: AsyncSession, recommendation_id: int, today: date) -> Row:
    stmt = _select(today, aliased(Period), literal(False))
    return Row._make((await session.execute(stmt.where(R.id == recommendation_id))).one())


class Located(NamedTuple):
    recommendation: ReportRecommendation
    region: Region


async def locate(
    session: AsyncSession, principal: Principal, recommendation_id: int, *, lock: bool
) -> Located | None:
    """The recommendation if its Pemda is in the caller's scope (reports' scope), FOR
    UPDATE with `lock`: two follow-ups of one recommendation serialise."""
    stmt = (
        select(R, Region)
        .join(Region, Region.id == R.region_id)
        .where(R.id == recommendation_id, *scope_conditions(principal))
    )
    if lock:
        stmt = stmt.with_for_update(of=R)
    row = (await session.execute(stmt.execution_options(populate_existing=True))).one_or_none()
    return None if row is None else Located._make(row)


async def agency_of(session: AsyncSession, region_id: int, code: str) -> int | None:
    """The id of the Pemda's active agency with that code."""
    agency_id: int | None = await session.scalar(
        select(Agency.id).where(
            Agency.code == code, Agency.region_id == region_id, Agency.is_active.is_(True)
        )
    )
    return agency_id


E = RecommendationEvidence


class EvidenceRow(NamedTuple):
    file: RecommendationEvidence
    uploaded_by: str | None


async def evidence_of(
    session: AsyncSession, recommendation_ids: Sequence[int]
) -> dict[int, list[EvidenceRow]]:
    """The files of these recommendations, oldest first, in one query for a whole list."""
    out: dict[int, list[EvidenceRow]] = {rec_id: [] for rec_id in recommendation_ids}
    if not recommendation_ids:
        return out
    stmt = (
        select(E, User.username)
        .outerjoin(User, User.id == E.uploaded_by_id)
        .where(E.recommendation_id.in_(list(recommendation_ids)))
        .order_by(E.recommendation_id, E.created_at, E.id)
    )
    for file, username in await session.execute(stmt):
        out[file.recommendation_id].append(EvidenceRow(file, username))
    return out


async def count_evidence(session: AsyncSession, recommendation_id: int) -> int:
    stmt = select(func.count()).where(E.recommendation_id == recommendation_id)
    return await session.scalar(stmt) or 0


async def has_evidence_with_hash(
    session: AsyncSession, recommendation_id: int, sha256: str
) -> bool:
    stmt = select(E.id).where(E.recommendation_id == recommendation_id, E.blob_sha256 == sha256)
    return (await session.scalar(stmt.limit(1))) is not None


class StoredEvidence(NamedTuple):
    file: RecommendationEvidence
    storage_key: str


async def evidence_file(
    session: AsyncSession, recommendation_id: int, file_id: str
) -> StoredEvidence | None:
    """One file of this recommendation (a file of another one is not found) and where its
    content is stored."""
    stmt = (
        select(E, EvidenceBlob.storage_key)
        .join(EvidenceBlob, EvidenceBlob.sha256 == E.blob_sha256)
        .where(E.id == file_id, E.recommendation_id == recommendation_id)
    )
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else StoredEvidence._make(row)
