from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Agency, AgencyType, Region


@dataclass(frozen=True, slots=True)
class AgencyRow:
    code: str
    name: str
    type_code: str
    type_name: str
    region_code: str
    region_name: str


def _select_agencies() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Agency.code,
            Agency.name,
            AgencyType.code.label("type_code"),
            AgencyType.name.label("type_name"),
            Region.code.label("region_code"),
            Region.name.label("region_name"),
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


async def get_agency(session: AsyncSession, code: str) -> AgencyRow | None:
    row = (await session.execute(_select_agencies().where(Agency.code == code))).first()
    return AgencyRow(**row._asdict()) if row else None


async def list_agency_types(session: AsyncSession) -> list[AgencyType]:
    return list((await session.scalars(select(AgencyType).order_by(AgencyType.code))).all())
