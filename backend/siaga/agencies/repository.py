from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Agency, AgencyType, Region
from siaga.regions.repository import subtree_filter


@dataclass(frozen=True, slots=True)
class AgencyRow:
    code: str
    name: str
    type_code: str
    type_name: str
    region_code: str
    region_name: str
    is_active: bool


def _select_agencies() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Agency.code,
            Agency.name,
            AgencyType.code.label("type_code"),
            AgencyType.name.label("type_name"),
            Region.code.label("region_code"),
            Region.name.label("region_name"),
            Agency.is_active,
        )
        .join(AgencyType, Agency.agency_type_id == AgencyType.id)
        .join(Region, Agency.region_id == Region.id)
    )


async def list_agencies(
    session: AsyncSession,
    page: PageParams,
    *,
    region_code: str | None,
    type_code: str | None,
) -> tuple[list[AgencyRow], int]:
    stmt = _select_agencies()
    if region_code is not None:
        stmt = stmt.where(Region.code == region_code)
    if type_code is not None:
        stmt = stmt.where(AgencyType.code == type_code)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(stmt.order_by(Agency.code).limit(page.limit).offset(page.offset))
    return [AgencyRow(**row._asdict()) for row in rows], total or 0


async def get_agency(
    session: AsyncSession, code: str, scope: str | None = None
) -> AgencyRow | None:
    stmt = _select_agencies().where(Agency.code == code)
    if scope is not None:
        stmt = stmt.where(subtree_filter(scope))
    row = (await session.execute(stmt)).first()
    return AgencyRow(**row._asdict()) if row else None


async def list_agency_types(session: AsyncSession) -> list[AgencyType]:
    return list((await session.scalars(select(AgencyType).order_by(AgencyType.code))).all())


async def agency_for_update(session: AsyncSession, code: str) -> tuple[Agency, str] | None:
    """The agency (locked) with its region's code, for a change."""
    stmt = (
        select(Agency, Region.code)
        .join(Region, Agency.region_id == Region.id)
        .where(Agency.code == code)
        .with_for_update(of=Agency)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def region_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Region.id).where(Region.code == code))


async def agency_type_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(AgencyType.id).where(AgencyType.code == code))


async def agency_exists(session: AsyncSession, code: str) -> bool:
    return (await session.scalar(select(Agency.id).where(Agency.code == code))) is not None
