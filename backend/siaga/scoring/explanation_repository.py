"""The explanation of one Pemda's score: its indicators with their answers, and progress
per office. One Pemda is a few dozen (indicator) rows, so these start from the shared
(Pemda x indicator) grid, which also lists what was never answered."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Select, and_, bindparam, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

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
from siaga.scoring.expressions import ANSWERED, count_in, indicator_score, share
from siaga.scoring.schemas import View
from siaga.submissions.grid import answer_grid, evidence_count


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One applicable indicator of the Pemda with its answer (None fields: no answer)."""

    dimension: str
    dimension_name: str
    dimension_weight: float
    indicator: str
    indicator_name: str
    answer_type: AnswerType
    target: float | None
    weight: float
    agency: str | None
    status: SubmissionStatus | None
    value: float | None
    is_late: bool | None
    score: float
    evidence_count: int


@dataclass(frozen=True, slots=True)
class AgencyProgressRow:
    agency: str
    name: str
    applicable: int
    answered: int
    verified: int
    returned: int
    not_started: int
    completeness: float | None
    verification_rate: float | None
    timeliness: float | None


def _one_pemda() -> list[Any]:
    """The grid's WHERE for the Pemda bound as `region_id` in the period bound as `period_id`."""
    return [Period.id == bindparam("period_id"), Region.id == bindparam("region_id")]


@lru_cache(maxsize=4)
def _indicator_rows_select(view: View) -> Select[*tuple[Any, ...]]:
    return (
        answer_grid(
            Dimension.code.label("dimension"),
            Dimension.name.label("dimension_name"),
            cast(Dimension.weight, Float).label("dimension_weight"),
            Indicator.code.label("indicator"),
            Indicator.name.label("indicator_name"),
            Indicator.answer_type,
            Indicator.target,
            cast(Indicator.weight, Float).label("weight"),
            Agency.code.label("agency"),
            Submission.status,
            Submission.value,
            Submission.is_late,
            indicator_score(view).label("score"),
            case((Submission.id.is_(None), 0), else_=evidence_count()).label("evidence_count"),
        )
        .join(Dimension, Dimension.id == Indicator.dimension_id)
        .outerjoin(
            Agency,
            and_(Agency.region_id == Region.id, Agency.agency_type_id == Indicator.agency_type_id),
        )
        .where(*_one_pemda())
        .order_by(Dimension.position, Indicator.position)
    )


async def indicator_rows(
    session: AsyncSession, view: View, *, period_id: int, region_id: int
) -> list[IndicatorRow]:
    """The explanation's leaves: every applicable indicator of one Pemda with its answer."""
    result = await session.execute(
        _indicator_rows_select(view), {"period_id": period_id, "region_id": region_id}
    )
    return [IndicatorRow(*row) for row in result]


@lru_cache(maxsize=1)
def _agency_progress_select() -> Select[*tuple[Any, ...]]:
    pairs = (
        answer_grid(
            Indicator.agency_type_id,
            Submission.status,
            Submission.first_submitted_at,
            Submission.is_late,
        )
        .where(*_one_pemda())
        .cte("pairs")
    )
    answered = count_in(pairs.c.status, *ANSWERED)
    verified = count_in(pairs.c.status, SubmissionStatus.VERIFIED)
    ever_submitted = func.count().filter(pairs.c.first_submitted_at.is_not(None))
    timely = func.count().filter(
        pairs.c.first_submitted_at.is_not(None), pairs.c.is_late.is_(False)
    )
    return (
        select(
            Agency.code.label("agency"),
            Agency.name.label("name"),
            func.count().label("applicable"),
            answered.label("answered"),
            verified.label("verified"),
            count_in(pairs.c.status, SubmissionStatus.RETURNED).label("returned"),
            func.count().filter(pairs.c.status.is_(None)).label("not_started"),
            share(answered, func.count()).label("completeness"),
            share(verified, answered).label("verification_rate"),
            share(timely, ever_submitted).label("timeliness"),
        )
        .select_from(pairs)
        .join(
            Agency,
            and_(
                Agency.region_id == bindparam("region_id"),
                Agency.agency_type_id == pairs.c.agency_type_id,
            ),
        )
        .group_by(Agency.code, Agency.name)
        .order_by(Agency.code)
    )


async def agency_progress(
    session: AsyncSession, *, period_id: int, region_id: int
) -> list[AgencyProgressRow]:
    """Per office of one Pemda: completeness, verification rate, timeliness (scoring.md;
    the same in both views: they count statuses, not scores)."""
    result = await session.execute(
        _agency_progress_select(), {"period_id": period_id, "region_id": region_id}
    )
    return [AgencyProgressRow(*row) for row in result]
