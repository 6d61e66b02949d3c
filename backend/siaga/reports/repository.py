"""Aggregates the report needs beyond the score services: per-indicator means over a
province and outstanding answers per office. The indicator score s is scoring's own SQL
expression, so the report cannot disagree with the scores it sits next to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Subquery

from siaga.models import (
    Agency,
    AgencyType,
    Dimension,
    Indicator,
    LevelRubric,
    Period,
    Region,
    RegionLevel,
    Submission,
    SubmissionStatus,
)
from siaga.regions.repository import subtree_filter
from siaga.scoring.expressions import indicator_score
from siaga.scoring.schemas import View
from siaga.submissions.grid import answer_grid

_Parent = aliased(Region)


@dataclass(frozen=True, slots=True)
class ReportRegion:
    """The region a report is about, with its province (None for a province)."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    parent_name: str | None


@dataclass(frozen=True, slots=True)
class IndicatorMean:
    """One indicator's mean s over the Pemda of a subtree it applies to."""

    dimension: str
    indicator: str
    name: str
    pemda: int
    mean: float


@dataclass(frozen=True, slots=True)
class OutstandingRow:
    """One office's applicable indicators not yet verified, by where they are stuck
    (agency None: the office is not registered yet)."""

    region: str
    region_name: str
    agency_type: str
    agency: str | None
    agency_name: str | None
    applicable: int
    not_started: int
    draft: int
    returned: int
    submitted: int
    outstanding: int


@dataclass(frozen=True, slots=True)
class DimensionRow:
    code: str
    name: str
    weight: float


async def get_region(session: AsyncSession, code: str) -> ReportRegion | None:
    stmt = (
        select(
            Region.code,
            Region.name,
            Region.level,
            _Parent.code.label("parent_code"),
            _Parent.name.label("parent_name"),
        )
        .outerjoin(_Parent, Region.parent_id == _Parent.id)
        .where(Region.code == code)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else ReportRegion(*row)


def _pairs(
    view: View,
    *,
    period_id: int,
    scope_code: str | None,
    region_code: str,
    only_region: bool = False,
) -> Subquery:
    """Every (Pemda, indicator) pair the period asks for in the region, with the answer's
    status (NULL when never started) and its score s in the view."""
    conditions: list[ColumnElement[bool]] = [
        Region.code == region_code if only_region else subtree_filter(region_code)
    ]
    if scope_code is not None:
        conditions.append(subtree_filter(scope_code))
    return (
        answer_grid(
            Region.id.label("region_id"),
            Indicator.id.label("indicator_id"),
            Indicator.dimension_id.label("dimension_id"),
            Indicator.agency_type_id.label("agency_type_id"),
            indicator_score(view, Submission.value, Submission.status).label("s"),
            Submission.status.label("status"),
        )
        .where(Period.id == period_id, *conditions)
        .subquery("pairs")
    )


async def indicator_means(
    session: AsyncSession,
    view: View,
    *,
    period_id: int,
    scope_code: str | None,
    region_code: str,
) -> list[IndicatorMean]:
    """Per indicator: the mean s over the Pemda of the subtree it applies to, lowest first."""
    pairs = _pairs(view, period_id=period_id, scope_code=scope_code, region_code=region_code)
    stmt = (
        select(
            Dimension.code.label("dimension"),
            Indicator.code.label("indicator"),
            Indicator.name.label("name"),
            func.count().label("pemda"),
            cast(func.avg(pairs.c.s), Float).label("mean"),
        )
        .select_from(pairs)
        .join(Indicator, Indicator.id == pairs.c.indicator_id)
        .join(Dimension, Dimension.id == pairs.c.dimension_id)
        .group_by(
            Dimension.position, Dimension.code, Indicator.position, Indicator.code, Indicator.name
        )
        .order_by(Dimension.position, func.avg(pairs.c.s), Indicator.position, Indicator.code)
    )
    return [IndicatorMean(*row) for row in await session.execute(stmt)]


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def outstanding_by_agency(
    session: AsyncSession,
    *,
    period_id: int,
    scope_code: str | None,
    region_code: str,
    only_region: bool,
) -> list[OutstandingRow]:
    """Per office: applicable indicators not yet verified, by where they are stuck.

    Offices with nothing outstanding are left out; the most behind come first.
    """
    pairs = _pairs(
        "official",
        period_id=period_id,
        scope_code=scope_code,
        region_code=region_code,
        only_region=only_region,
    )
    status = pairs.c.status
    not_started = _count(status.is_(None))
    draft = _count(status == SubmissionStatus.DRAFT)
    returned = _count(status == SubmissionStatus.RETURNED)
    submitted = _count(status == SubmissionStatus.SUBMITTED)
    outstanding = _count(status.is_(None) | (status != SubmissionStatus.VERIFIED))
    stmt = (
        select(
            Region.code.label("region"),
            Region.name.label("region_name"),
            AgencyType.name.label("agency_type"),
            Agency.code.label("agency"),
            Agency.name.label("agency_name"),
            func.count().label("applicable"),
            not_started.label("not_started"),
            draft.label("draft"),
            returned.label("returned"),
            submitted.label("submitted"),
            outstanding.label("outstanding"),
        )
        .select_from(pairs)
        .join(Region, Region.id == pairs.c.region_id)
        .join(AgencyType, AgencyType.id == pairs.c.agency_type_id)
        .outerjoin(
            Agency,
            (Agency.region_id == pairs.c.region_id)
            & (Agency.agency_type_id == pairs.c.agency_type_id),
        )
        .group_by(
            Region.code, Region.name, AgencyType.name, AgencyType.code, Agency.code, Agency.name
        )
        .having(outstanding > 0)
        .order_by(outstanding.desc(), Region.code, AgencyType.code)
    )
    return [OutstandingRow(*row) for row in await session.execute(stmt)]


async def dimensions(session: AsyncSession, framework_id: int) -> list[DimensionRow]:
    stmt = (
        select(Dimension.code, Dimension.name, Dimension.weight)
        .where(Dimension.framework_id == framework_id)
        .order_by(Dimension.position, Dimension.code)
    )
    return [DimensionRow(*row) for row in await session.execute(stmt)]


async def level_rubric(session: AsyncSession, framework_id: int) -> dict[int, str]:
    """What each level of a `level` indicator means in the framework, to name a value."""
    stmt = select(LevelRubric.level, LevelRubric.label).where(
        LevelRubric.framework_id == framework_id
    )
    return {level: label for level, label in await session.execute(stmt)}
