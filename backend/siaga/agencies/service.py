from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.agencies import repository
from siaga.agencies.schemas import AgencyPage, AgencyRead, AgencyTypeRead
from siaga.core.errors import NotFound
from siaga.core.pagination import PageParams


class AgencyNotFound(NotFound):
    code = "agency_not_found"


async def list_agencies(
    session: AsyncSession, page: PageParams, *, region: str | None, type_code: str | None
) -> AgencyPage:
    rows, total = await repository.list_agencies(
        session, page, region_code=region, type_code=type_code
    )
    return AgencyPage(
        items=[AgencyRead.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_agency(session: AsyncSession, code: str) -> AgencyRead:
    row = await repository.get_agency(session, code)
    if row is None:
        raise AgencyNotFound(f"Perangkat daerah {code!r} tidak ditemukan (agency not found)")
    return AgencyRead.model_validate(row, from_attributes=True)


async def list_agency_types(session: AsyncSession) -> list[AgencyTypeRead]:
    return [
        AgencyTypeRead(code=t.code, name=t.name)
        for t in await repository.list_agency_types(session)
    ]
