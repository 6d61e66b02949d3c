from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.core.pagination import PageParams
from siaga.core.security import in_subtree
from siaga.models import Region, RegionLevel
from siaga.regions import repository, time_zones
from siaga.regions.exceptions import (
    ProvinceNeedsNationalAdmin,
    RegionExists,
    RegionNotFound,
    invalid_region,
)
from siaga.regions.repository import RegionRow
from siaga.regions.schemas import RegionCreate, RegionDetail, RegionPage, RegionUpdate


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
    """Rename a region, set its BPS code or the zone its deadlines end in, within the
    admin's scope; only the fields sent change."""
    region = await session.scalar(select(Region).where(Region.code == code).with_for_update())
    # Outside the scope reads as absent: the caller learns nothing about other regions.
    if region is None or not in_subtree(scope, code):
        raise RegionNotFound(code)
    sent = data.model_fields_set
    wanted: dict[str, str | None] = {}
    if "name" in sent and data.name is not None:
        wanted["name"] = data.name
    if "bps_code" in sent:
        wanted["bps_code"] = data.bps_code
    if "time_zone" in sent:
        zone = data.time_zone
        if zone is None and region.level == RegionLevel.PROVINCE:
            # A province always has a zone when its code tells one; clearing means "the
            # default".
            zone = time_zones.province_zone(code)
        wanted["time_zone"] = zone
    current = {"name": region.name, "bps_code": region.bps_code, "time_zone": region.time_zone}
    changed = {k: v for k, v in wanted.items() if current[k] != v}
    if changed:
        before = {k: current[k] for k in changed}
        for key, value in changed.items():
            setattr(region, key, value)
        await session.flush()
        record(
            session,
            actor,
            AuditAction.REGION_UPDATE,
            entity_type=AuditEntity.REGION,
            entity_id=code,
            region_code=code,
            before=before,
            after=changed,
        )
    return await get_region(session, code, default_time_zone)


async def create_region(
    session: AsyncSession,
    data: RegionCreate,
    *,
    scope: str | None,
    actor: Actor,
    default_time_zone: str,
) -> RegionDetail:
    """Add a province (national admins only) or a regency or city under its province (in
    the admin's scope), e.g. after a split."""
    parent = await _checked_placement(session, data, scope)
    if await repository.get_region_row(session, data.code) is not None:
        raise RegionExists(data.code)
    zone = data.time_zone
    if zone is None and data.level == RegionLevel.PROVINCE:
        zone = time_zones.province_zone(data.code)
    region = Region(
        code=data.code,
        name=data.name,
        level=data.level,
        parent_id=None if parent is None else parent.id,
        bps_code=data.bps_code,
        time_zone=zone,
    )
    try:
        # A savepoint: a concurrent twin's insert fails on the unique code alone, and the
        # request's transaction stays usable for its error response.
        async with session.begin_nested():
            session.add(region)
    except IntegrityError as exc:
        raise RegionExists(data.code) from exc
    record(
        session,
        actor,
        AuditAction.REGION_CREATE,
        entity_type=AuditEntity.REGION,
        entity_id=data.code,
        region_code=data.code,
        before=None,
        after={
            "code": data.code,
            "name": data.name,
            "level": data.level.value,
            "parent": data.parent,
            "bps_code": data.bps_code,
            "time_zone": zone,
        },
    )
    return await get_region(session, data.code, default_time_zone)


async def _checked_placement(
    session: AsyncSession, data: RegionCreate, scope: str | None
) -> Region | None:
    """The new region's parent, once level, code and parent agree; a parent outside the
    admin's scope reads as absent (404)."""
    if data.level == RegionLevel.PROVINCE:
        if "." in data.code:
            raise invalid_region("code", "a province's code is two digits, e.g. 64")
        if data.parent is not None:
            raise invalid_region("parent", "a province has no parent")
        if scope is not None:
            # A provincial admin's scope is its own province: a new one is national work.
            raise ProvinceNeedsNationalAdmin()
        return None
    if "." not in data.code:
        raise invalid_region("code", "a regency's or city's code is NN.NN, e.g. 64.72")
    if data.parent is None:
        raise invalid_region("parent", "a regency or city needs its province as parent")
    if data.parent != data.code.split(".")[0]:
        raise invalid_region(
            "parent", f"the parent of {data.code} is the province {data.code.split('.')[0]}"
        )
    if not in_subtree(scope, data.parent):
        raise RegionNotFound(data.parent)
    parent = await session.scalar(select(Region).where(Region.code == data.parent))
    if parent is None:
        raise RegionNotFound(data.parent)
    if parent.level != RegionLevel.PROVINCE:
        raise invalid_region("parent", "the parent must be a province")
    return parent
