from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from siaga.core.pagination import PageParams
from siaga.models import Dimension, Framework, Indicator


@dataclass(frozen=True, slots=True)
class FrameworkRow:
    code: str
    name: str
    description: str
    is_active: bool
    dimension_count: int
    indicator_count: int


async def list_frameworks(
    session: AsyncSession, page: PageParams
) -> tuple[list[FrameworkRow], int]:
    dimension_count = (
        select(func.count())
        .where(Dimension.framework_id == Framework.id)
        .correlate(Framework)
        .scalar_subquery()
    )
    indicator_count = (
        select(func.count())
        .where(Indicator.framework_id == Framework.id)
        .correlate(Framework)
        .scalar_subquery()
    )
    stmt = select(
        Framework.code,
        Framework.name,
        Framework.description,
        Framework.is_active,
        dimension_count.label("dimension_count"),
        indicator_count.label("indicator_count"),
    )
    total = await session.scalar(select(func.count()).select_from(Framework))
    rows = await session.execute(
        stmt.order_by(Framework.is_active.desc(), Framework.code)
        .limit(page.limit)
        .offset(page.offset)
    )
    return [FrameworkRow(**row._asdict()) for row in rows], total or 0


async def get_framework_tree(session: AsyncSession, code: str) -> Framework | None:
    """The framework with dimensions, indicators (and their agency type) in a few queries."""
    stmt = (
        select(Framework)
        .where(Framework.code == code)
        .options(
            selectinload(Framework.dimensions)
            .selectinload(Dimension.indicators)
            .selectinload(Indicator.agency_type),
            selectinload(Framework.thresholds),
            selectinload(Framework.level_rubric),
        )
    )
    return (await session.scalars(stmt)).one_or_none()
