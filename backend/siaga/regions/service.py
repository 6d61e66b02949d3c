from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import RegionLevel
from siaga.regions import repository
from siaga.regions.exceptions import RegionNotFound
from siaga.regions.schemas import RegionDetail, RegionPage


async def list_regions(
    session: AsyncSession,
    page: PageParams,
    *,
    level: RegionLevel | None,
    parent: str | None,
    q: str | None,
) -> RegionPage:
    rows, total = await repository.list_regions(
        session, page, level=level, parent_code=parent, query=q
    )
    # One validation of the whole page in pydantic-core, rather than a model per row.
    return RegionPage.model_validate(
        {"items": rows, "total": total, "limit": page.limit, "offset": page.offset}
    )


async def get_region(session: AsyncSession, code: str) -> RegionDetail:
    row = await repository.get_region_row(session, code)
    if row is None:
        raise RegionNotFound(code)
    children, agencies = await repository.count_children_and_agencies(session, row["id"])
    return RegionDetail.model_validate(
        {**row, "children_count": children, "agencies_count": agencies}
    )
