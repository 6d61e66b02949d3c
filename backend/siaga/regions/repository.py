from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.pagination import PageParams
from siaga.models import Agency, Region, RegionLevel

_Parent = aliased(Region)


def subtree_filter(code: str) -> ColumnElement[bool]:
    """SQL condition for a region and everything below it, by Kemendagri code prefix."""
    return or_(Region.code == code, Region.code.startswith(code + ".", autoescape=True))


def _select_regions() -> Select[*tuple[Any, ...]]:
    # Plain columns, not ORM entities: lists of 500 regions are a hot path and
    # identity-map bookkeeping would triple their cost.
    return select(
        Region.id,
        Region.code,
        Region.name,
        Region.level,
        Region.bps_code,
        _Parent.code.label("parent_code"),
        _Parent.name.label("parent_name"),
    ).outerjoin(_Parent, Region.parent_id == _Parent.id)


async def list_regions(
    session: AsyncSession,
    page: PageParams,
    *,
    level: RegionLevel | None = None,
    parent_code: str | None = None,
    query: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    stmt = _select_regions()
    if level is not None:
        stmt = stmt.where(Region.level == level)
    if parent_code is not None:
        stmt = stmt.where(_Parent.code == parent_code)
    if query:
        # autoescape: a search for "%" or "_" means those characters, not wildcards.
        stmt = stmt.where(
            or_(
                func.lower(Region.name).contains(query.lower(), autoescape=True),
                Region.code.startswith(query, autoescape=True),
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    # Kemendagri codes sort correctly as text: two digits per part, zero padded.
    rows = await session.execute(stmt.order_by(Region.code).limit(page.limit).offset(page.offset))
    return [row._asdict() for row in rows], total or 0


async def get_region_row(session: AsyncSession, code: str) -> dict[str, Any] | None:
    row = (await session.execute(_select_regions().where(Region.code == code))).mappings().first()
    return dict(row) if row else None


async def get_region_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Region.id).where(Region.code == code))


async def count_children_and_agencies(session: AsyncSession, region_id: int) -> tuple[int, int]:
    children = select(func.count()).where(Region.parent_id == region_id).scalar_subquery()
    agencies = select(func.count()).where(Agency.region_id == region_id).scalar_subquery()
    row = (await session.execute(select(children, agencies))).one()
    return int(row[0]), int(row[1])
