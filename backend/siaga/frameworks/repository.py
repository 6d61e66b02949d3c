from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from siaga.core.pagination import PageParams
from siaga.models import AgencyType, Dimension, Framework, FrameworkStatus, Indicator


@dataclass(frozen=True, slots=True)
class FrameworkRow:
    code: str
    name: str
    description: str
    is_active: bool
    status: FrameworkStatus
    published_at: datetime | None
    copied_from: str | None
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
        Framework.status,
        Framework.published_at,
        Framework.copied_from,
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
        # Fresh from the database even when the session already holds an older tree
        # (the answer to a PUT is read right after the content was replaced).
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one_or_none()


async def lock_framework(session: AsyncSession, code: str) -> Framework | None:
    """The version's row, locked until the transaction ends (PostgreSQL), so that edits
    and publishes of one draft take turns and each sees the status the last one left."""
    stmt = select(Framework).where(Framework.code == code).with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def agency_type_ids(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(AgencyType.code, AgencyType.id))
    return {code: id_ for code, id_ in rows}


async def mark_published(session: AsyncSession, framework_id: int, at: datetime) -> bool:
    """Draft -> published in one conditional statement: of concurrent publishes exactly
    one finds the row still a draft (also on SQLite, which has no row locks)."""
    result = await session.execute(
        update(Framework)
        .where(Framework.id == framework_id, Framework.status == FrameworkStatus.DRAFT)
        .values(status=FrameworkStatus.PUBLISHED, published_at=at, is_active=True)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
