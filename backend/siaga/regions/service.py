from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.pagination import PageParams
from siaga.core.security import in_subtree
from siaga.models import Region, RegionLevel
from siaga.regions import repository, time_zones
from siaga.regions.exceptions import RegionNotFound
from siaga.regions.repository import RegionRow
from siaga.regions.schemas import RegionDetail, RegionPage, RegionUpdate


@dataclass(frozen=True, slots=True)
class _Zoned:
    """A region as RegionRead and RegionDetail read it (from its attributes): with the zone
    its deadlines end in; the counts only for the detail."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    parent_name: str | None
    bps_code: str | None
    own_time_zone: str | None
    time_zone: str
    time_zone_abbreviation: str
    children_count: int = 0
    agencies_count: int = 0


def _with_zone(row: RegionRow, default: str) -> _Zoned:
    zone = time_zones.effective(row.own_time_zone, row.parent_time_zone, default)
    return _Zoned(
        code=row.code,
        name=row.name,
        level=row.level,
        parent_code=row.parent_code,
        parent_name=row.parent_name,
        bps_code=row.bps_code,
        own_time_zone=row.own_time_zone,
        time_zone=zone,
        time_zone_abbreviation=time_zones.abbreviation(zone),
    )


async def list_regions(
    session: AsyncSession,
    page: PageParams,
    *,
    level: RegionLevel | None,
    parent: str | None,
    q: str | None,
    default_time_zone: str,
) -> RegionPage:
    rows, total = await repository.list_regions(
        session, page, level=level, parent_code=parent, query=q
    )
    # One validation of the whole page in pydantic-core, rather than a model per row.
    return RegionPage.model_validate(
        {
            "items": [_with_zone(row, default_time_zone) for row in rows],
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
        },
        from_attributes=True,
    )


async def get_region(session: AsyncSession, code: str, default_time_zone: str) -> RegionDetail:
    row = await repository.get_region_row(session, code)
    if row is None:
        raise RegionNotFound(code)
    children, agencies = await repository.count_children_and_agencies(session, row.id)
    zoned = _with_zone(row, default_time_zone)
    return RegionDetail.model_validate(
        replace(zoned, children_count=children, agencies_count=agencies), from_attributes=True
    )


async def update_region(
    session: AsyncSession,
    code: str,
    data: RegionUpdate,
    *,
    scope: str | None,
    actor: Actor,
    default_time_zone: str,
) -> RegionDetail:
    """Set (or clear) the zone a region's deadlines end in, within the admin's scope."""
    region = await session.scalar(select(Region).where(Region.code == code).with_for_update())
    # Outside the scope reads as absent: the caller learns nothing about other regions.
    if region is None or not in_subtree(scope, code):
        raise RegionNotFound(code)
    zone = data.time_zone
    if zone is None and region.level == RegionLevel.PROVINCE:
        # A province always has a zone when its code tells one; clearing means "the default".
        zone = time_zones.province_zone(code)
    if zone != region.time_zone:
        before = {"time_zone": region.time_zone}
        region.time_zone = zone
        await session.flush()
        record(
            session,
            actor,
            "region.update",
            entity_type="region",
            entity_id=code,
            region_code=code,
            before=before,
            after={"time_zone": zone},
        )
    return await get_region(session, code, default_time_zone)
