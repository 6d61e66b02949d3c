"""Idempotent loaders for reference data: regions, agency types, agencies, frameworks, periods,
and the map outlines shipped with the package.

Each loader upserts by natural key, so running a seed twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import SYSTEM
from siaga.models import (
    Agency,
    AgencyType,
    CategoryThreshold,
    Dimension,
    Framework,
    Indicator,
    LevelRubric,
    Period,
    PeriodState,
    Region,
    RegionLevel,
)
from siaga.regions import repository as regions_repository
from siaga.regions import time_zones
from siaga.regions.boundaries import import_boundaries


def load_json(name: str) -> Any:
    """A data file shipped with the package. Its shape is the file's (a framework, a list
    of regions), trusted as the package's own: callers index it as they know it."""
    return json.loads(resources.files("siaga.seed").joinpath("data", name).read_text("utf-8"))


async def load_boundaries_if_missing(session: AsyncSession, name: str, *, parent_code: str) -> int:
    """Load a shipped GeoJSON file of `parent_code`'s regions; the number of outlines created.

    Only when none of those regions has an outline yet: outlines an administrator loaded
    later (a finer file) survive a re-seed. The file goes through the same importer as an
    upload, so it is validated and stored exactly like one.
    """
    stored, _ = await regions_repository.boundaries_signature(
        session, parent_code=parent_code, level=None
    )
    if stored:
        return 0
    raw = resources.files("siaga.seed").joinpath("data", name).read_bytes()
    result = await import_boundaries(session, raw, scope=None, actor=SYSTEM, source=name)
    return result.created


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    bps_code: str | None = None
    time_zone: str | None = None  # IANA name; default: the province's by its code


async def upsert_regions(session: AsyncSession, rows: list[RegionRow]) -> dict[str, Region]:
    """Create or update regions; parents must come before children in `rows`."""
    existing = {
        r.code: r
        for r in (
            await session.scalars(select(Region).where(Region.code.in_([x.code for x in rows])))
        ).all()
    }
    parent_codes = {r.parent_code for r in rows if r.parent_code} - existing.keys()
    if parent_codes:
        for parent in (
            await session.scalars(select(Region).where(Region.code.in_(parent_codes)))
        ).all():
            existing[parent.code] = parent
    for row in rows:
        parent_id = existing[row.parent_code].id if row.parent_code else None
        region = existing.get(row.code)
        if region is None:
            region = Region(code=row.code)
            session.add(region)
            existing[row.code] = region
        region.name = row.name
        region.level = row.level
        region.parent_id = parent_id
        if row.bps_code:
            region.bps_code = row.bps_code
        if row.time_zone:
            region.time_zone = row.time_zone
        elif region.time_zone is None and row.level == RegionLevel.PROVINCE:
            # Children keep NULL and inherit; a zone an administrator set is kept.
            region.time_zone = time_zones.province_zone(row.code)
        # Flush per level so children can reference their parent's id.
        if row.level == RegionLevel.PROVINCE:
            await session.flush()
    await session.flush()
    return existing


async def upsert_agency_types(
    session: AsyncSession, rows: Sequence[Mapping[str, str]]
) -> dict[str, AgencyType]:
    """Agency types from the framework file's `agency_types` ({code, name} objects)."""
    existing = {t.code: t for t in (await session.scalars(select(AgencyType))).all()}
    for row in rows:
        agency_type = existing.get(row["code"])
        if agency_type is None:
            agency_type = AgencyType(code=row["code"])
            session.add(agency_type)
            existing[row["code"]] = agency_type
        agency_type.name = row["name"]
    await session.flush()
    return existing


async def upsert_framework(
    session: AsyncSession, data: Mapping[str, Any], agency_types: dict[str, AgencyType]
) -> Framework:
    """The framework file (a JSON document: thresholds, rubric, dimensions with their
    indicators), upserted by code."""
    framework = await session.scalar(select(Framework).where(Framework.code == data["code"]))
    if framework is None:
        framework = Framework(code=data["code"])
        session.add(framework)
    framework.name = data["name"]
    framework.description = data.get("description", "")
    framework.is_active = True
    await session.flush()

    thresholds = {
        t.category: t
        for t in await session.scalars(
            select(CategoryThreshold).where(CategoryThreshold.framework_id == framework.id)
        )
    }
    for row in data["thresholds"]:
        threshold = thresholds.get(row["category"]) or CategoryThreshold(
            framework_id=framework.id, category=row["category"]
        )
        threshold.label = row["label"]
        threshold.label_en = row.get("label_en", "")
        threshold.min_score = float(row["min_score"])
        session.add(threshold)

    rubric = {
        r.level: r
        for r in await session.scalars(
            select(LevelRubric).where(LevelRubric.framework_id == framework.id)
        )
    }
    for row in data["level_rubric"]:
        entry = rubric.get(row["level"]) or LevelRubric(
            framework_id=framework.id, level=row["level"]
        )
        entry.label = row["label"]
        session.add(entry)

    dimensions = {
        d.code: d
        for d in await session.scalars(
            select(Dimension).where(Dimension.framework_id == framework.id)
        )
    }
    indicators = {
        i.code: i
        for i in await session.scalars(
            select(Indicator).where(Indicator.framework_id == framework.id)
        )
    }
    for d_pos, d_row in enumerate(data["dimensions"], start=1):
        dimension = dimensions.get(d_row["code"])
        if dimension is None:
            dimension = Dimension(framework_id=framework.id, code=d_row["code"])
            session.add(dimension)
        dimension.name = d_row["name"]
        dimension.weight = float(d_row["weight"])
        dimension.position = d_pos
        await session.flush()
        for i_pos, i_row in enumerate(d_row["indicators"], start=1):
            indicator = indicators.get(i_row["code"])
            if indicator is None:
                indicator = Indicator(framework_id=framework.id, code=i_row["code"])
                session.add(indicator)
            levels = set(i_row["levels"])
            indicator.dimension_id = dimension.id
            indicator.name = i_row["name"]
            indicator.guidance = i_row.get("guidance", "")
            indicator.answer_type = i_row["answer_type"]
            indicator.target = i_row.get("target")
            indicator.weight = float(i_row["weight"])
            indicator.agency_type_id = agency_types[i_row["agency_type"]].id
            indicator.applies_province = RegionLevel.PROVINCE in levels
            indicator.applies_regency = RegionLevel.REGENCY in levels
            indicator.applies_city = RegionLevel.CITY in levels
            indicator.evidence_required = bool(i_row["evidence_required"])
            indicator.evidence_guidance = i_row.get("evidence_guidance", "")
            indicator.position = i_pos
    await session.flush()
    return framework


def indicator_applies(indicator: Indicator, level: RegionLevel) -> bool:
    return {
        RegionLevel.PROVINCE: indicator.applies_province,
        RegionLevel.REGENCY: indicator.applies_regency,
        RegionLevel.CITY: indicator.applies_city,
    }[level]


def agency_name(type_name: str, region: Region) -> str:
    place = f"Provinsi {region.name}" if region.level == RegionLevel.PROVINCE else region.name
    return f"{type_name} {place}"


async def upsert_agencies(
    session: AsyncSession,
    regions: list[Region],
    agency_types: dict[str, AgencyType],
    indicators: list[Indicator],
) -> dict[str, Agency]:
    """One agency per type that some applicable indicator needs, in every Pemda."""
    types_by_id = {t.id: t for t in agency_types.values()}
    existing = {
        a.code: a
        for a in await session.scalars(
            select(Agency).where(Agency.region_id.in_([r.id for r in regions]))
        )
    }
    for region in regions:
        needed = sorted(
            {i.agency_type_id for i in indicators if indicator_applies(i, region.level)},
            key=lambda type_id: types_by_id[type_id].code,
        )
        for type_id in needed:
            agency_type = types_by_id[type_id]
            code = f"{region.code}.{agency_type.code}"
            agency = existing.get(code)
            if agency is None:
                agency = Agency(code=code, region_id=region.id, agency_type_id=type_id)
                session.add(agency)
                existing[code] = agency
            agency.name = agency_name(agency_type.name, region)
    await session.flush()
    return existing


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date, date]:
    """First day, last day and deadline (10th of the following month) of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    next_start = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, next_start - timedelta(days=1), next_start + timedelta(days=9)


async def upsert_periods(
    session: AsyncSession, framework: Framework, states: dict[str, PeriodState]
) -> dict[str, Period]:
    existing = {p.code: p for p in await session.scalars(select(Period))}
    for code, state in states.items():
        year, quarter = int(code[:4]), int(code[-1])
        start, end, deadline = quarter_bounds(year, quarter)
        period = existing.get(code)
        if period is None:
            # The state is set only on creation: an admin may have opened or closed the
            # period since, and a re-seed must not undo that.
            period = Period(code=code, framework_id=framework.id, state=state)
            if state != PeriodState.PLANNED:
                period.opened_at = datetime.combine(start, time(0, 0), tzinfo=UTC)
            if state == PeriodState.CLOSED:
                period.closed_at = datetime.combine(
                    deadline + timedelta(days=5), time(0, 0), tzinfo=UTC
                )
            session.add(period)
            existing[code] = period
        period.name = f"Triwulan {_ROMAN[quarter]} {year}"
        period.start_date, period.end_date, period.deadline = start, end, deadline
    await session.flush()
    return existing
