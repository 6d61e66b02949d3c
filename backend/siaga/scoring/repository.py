"""Reference data the score services read beside the score statements: the periods, a
framework's dimensions and category thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import CategoryThreshold, Dimension, Period


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    """A category and the lowest R it starts at."""

    category: str
    label: str
    label_en: str
    min_score: float


async def framework_dimensions(session: AsyncSession, framework_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Dimension.id, Dimension.code)
        .where(Dimension.framework_id == framework_id)
        .order_by(Dimension.position, Dimension.id)
    )
    return [(dim_id, code) for dim_id, code in await session.execute(stmt)]


async def periods(session: AsyncSession) -> list[Period]:
    """Every period in time order: few (four a year), and each request needs its period,
    the previous one or all of them."""
    return list((await session.scalars(select(Period).order_by(Period.start_date))).all())


async def thresholds(session: AsyncSession, framework_id: int) -> list[ThresholdRow]:
    stmt = (
        select(
            CategoryThreshold.category,
            CategoryThreshold.label,
            CategoryThreshold.label_en,
            CategoryThreshold.min_score,
        )
        .where(CategoryThreshold.framework_id == framework_id)
        .order_by(CategoryThreshold.min_score.desc())
    )
    return [ThresholdRow(*row) for row in await session.execute(stmt)]
