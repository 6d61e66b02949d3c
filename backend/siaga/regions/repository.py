"""Queries of regions, their effective time zones and their map outlines; rows are typed
tuples of plain columns (lists of 500 regions are a hot path)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.jsontypes import JsonObject
from siaga.core.pagination import PageParams
from siaga.models import Agency, Region, RegionBoundary, RegionLevel
from siaga.regions import time_zones

_Parent = aliased(Region)
T = TypeVar("T")


def subtree_filter(code: str) -> ColumnElement[bool]:
    """SQL condition for a region and everything below it, by Kemendagri code prefix."""
    return or_(Region.code == code, Region.code.startswith(code + ".", autoescape=True))


class RegionRow(NamedTuple):
    """A region with its parent's code, name and zone (own_time_zone: its stored zone)."""

    id: int
    code: str
    name: str
    level: RegionLevel
    bps_code: str | None
    own_time_zone: str | None
    parent_time_zone: str | None
    parent_code: str | None
    parent_name: str | None


def _select_regions() -> Select[*tuple[Any, ...]]:
    # Plain columns, not ORM entities: lists of 500 regions are a hot path and
    # identity-map bookkeeping would triple their cost.
    return select(
        Region.id,
        Region.code,
        Region.name,
        Region.level,
        Region.bps_code,
        Region.time_zone.label("own_time_zone"),
        _Parent.time_zone.label("parent_time_zone"),
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
) -> tuple[list[RegionRow], int]:
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
    return [RegionRow._make(row) for row in rows], total or 0


async def get_region_row(session: AsyncSession, code: str) -> RegionRow | None:
    row = (await session.execute(_select_regions().where(Region.code == code))).first()
    return None if row is None else RegionRow._make(row)


def effective_zone(default: str) -> ColumnElement[str]:
    """The zone a region's deadlines end in, as SQL over `Region`: its own, else its
    province's, else `default` (time_zones.effective is the same rule over fetched values),
    so lists can filter and sort on it."""
    parent = aliased(Region)
    parent_zone = select(parent.time_zone).where(parent.id == Region.parent_id).scalar_subquery()
    return func.coalesce(Region.time_zone, parent_zone, default)


async def time_zone_of(session: AsyncSession, region: Region, default: str) -> str:
    """The zone a region's deadlines end in: its own, its province's, else `default`."""
    if region.time_zone is not None or region.parent_id is None:
        return time_zones.effective(region.time_zone, None, default)
    return (await time_zones_by_id(session, [region.id], default))[region.id]


async def time_zone_by_code(session: AsyncSession, code: str, default: str) -> str:
    return (await time_zones_by_code(session, [code], default)).get(code, default)


async def time_zones_by_code(
    session: AsyncSession, codes: Sequence[str], default: str
) -> dict[str, str]:
    """The effective zone of regions by code, for lists that carry codes."""
    found: dict[str, str] = {}
    for chunk in _chunks(codes):
        rows = await session.execute(
            select(Region.code, effective_zone(default)).where(Region.code.in_(chunk))
        )
        found.update((key, zone) for key, zone in rows)
    return found


async def time_zones_by_id(
    session: AsyncSession, region_ids: Sequence[int], default: str
) -> dict[int, str]:
    """The effective zone of many regions at once, for imports."""
    found: dict[int, str] = {}
    for chunk in _chunks(region_ids):
        rows = await session.execute(
            select(Region.id, effective_zone(default)).where(Region.id.in_(chunk))
        )
        found.update((key, zone) for key, zone in rows)
    return found


async def count_children_and_agencies(session: AsyncSession, region_id: int) -> tuple[int, int]:
    children = select(func.count()).where(Region.parent_id == region_id).scalar_subquery()
    agencies = select(func.count()).where(Agency.region_id == region_id).scalar_subquery()
    row = (await session.execute(select(children, agencies))).one()
    return int(row[0]), int(row[1])


# Bound parameters per statement stay well under SQLite's limit (32,766) and PostgreSQL's.
_CHUNK = 500


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


async def region_ids_by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(codes):
        rows = await session.execute(select(Region.code, Region.id).where(Region.code.in_(chunk)))
        found.update({code: region_id for code, region_id in rows})
    return found


class StoredOutline(NamedTuple):
    geometry: Mapping[str, object]  # a GeoJSON geometry, as the model's JSON column holds it
    source: str | None


@dataclass(frozen=True, slots=True)
class Outline:
    """A region's outline as written: its GeoJSON geometry and where it came from."""

    region_id: int
    geometry: JsonObject
    point_count: int
    source: str | None
    updated_at: datetime

    def params(self) -> dict[str, Any]:
        return {
            "region_id": self.region_id,
            "geometry": self.geometry,
            "point_count": self.point_count,
            "source": self.source,
            "updated_at": self.updated_at,
        }


class OutlineRow(NamedTuple):
    code: str
    name: str
    level: RegionLevel
    geometry: JsonObject


async def boundaries_by_region(
    session: AsyncSession, region_ids: Sequence[int]
) -> dict[int, StoredOutline]:
    """Stored geometry and source per region, to tell changed outlines from unchanged."""
    found: dict[int, StoredOutline] = {}
    for chunk in _chunks(region_ids):
        rows = await session.execute(
            select(RegionBoundary.region_id, RegionBoundary.geometry, RegionBoundary.source).where(
                RegionBoundary.region_id.in_(chunk)
            )
        )
        found.update({rid: StoredOutline(geometry, source) for rid, geometry, source in rows})
    return found


async def insert_boundaries(session: AsyncSession, outlines: list[Outline]) -> None:
    if outlines:
        await session.execute(insert(RegionBoundary), [o.params() for o in outlines])


async def update_boundaries(session: AsyncSession, outlines: list[Outline]) -> None:
    # Parameters keyed by primary key: SQLAlchemy's bulk UPDATE, one executemany.
    if outlines:
        await session.execute(update(RegionBoundary), [o.params() for o in outlines])


def _boundaries_where(
    stmt: Select[*tuple[Any, ...]], parent_code: str | None, level: RegionLevel | None
) -> Select[*tuple[Any, ...]]:
    stmt = stmt.join(Region, Region.id == RegionBoundary.region_id)
    if parent_code is not None:
        stmt = stmt.join(_Parent, Region.parent_id == _Parent.id).where(_Parent.code == parent_code)
    if level is not None:
        stmt = stmt.where(Region.level == level)
    return stmt


async def boundaries_signature(
    session: AsyncSession, *, parent_code: str | None, level: RegionLevel | None
) -> tuple[int, datetime | None]:
    """Count and latest change of the boundaries a query returns: one cheap aggregate."""
    stmt = _boundaries_where(
        select(func.count(), func.max(RegionBoundary.updated_at)).select_from(RegionBoundary),
        parent_code,
        level,
    )
    count, latest = (await session.execute(stmt)).one()
    return int(count), latest


async def list_boundaries(
    session: AsyncSession, *, parent_code: str | None, level: RegionLevel | None
) -> list[OutlineRow]:
    stmt = _boundaries_where(
        select(Region.code, Region.name, Region.level, RegionBoundary.geometry).select_from(
            RegionBoundary
        ),
        parent_code,
        level,
    )
    rows = await session.execute(stmt.order_by(Region.code))
    return [OutlineRow._make(row) for row in rows]
