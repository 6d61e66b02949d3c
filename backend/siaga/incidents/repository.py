"""Queries of the quick incident reports: scope in SQL, the race-free number, the row
locked for its changes, lists and counts (aggregated in SQL). A quarterly report's
incidents are incidents/quarter.py's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.roles import Role
from siaga.core.security import Principal
from siaga.incidents.checks import Bounds
from siaga.incidents.rules import ACKNOWLEDGE_WITHIN
from siaga.models import (
    AgencyType,
    EvidenceBlob,
    Incident,
    IncidentCategory,
    IncidentCounter,
    IncidentEvent,
    IncidentFile,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    Region,
    RegionBoundary,
    RegionLevel,
)
from siaga.regions.repository import effective_zone, subtree_filter

KESBANGPOL = "kesbangpol"
# Rows fetched per round trip of an export.
PAGE_ROWS = 1000


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    states: Sequence[IncidentState] = ()
    severities: Sequence[IncidentSeverity] = ()
    categories: Sequence[IncidentCategory] = ()
    since: date | None = None
    until: date | None = None
    overdue: bool | None = None
    # The Ministry's "on request, all": without it a national caller sees the provinces'
    # own incidents and those escalated to it.
    all: bool = False


def scope_conditions(principal: Principal, *, all_: bool = False) -> list[ColumnElement[bool]]:
    """The incidents the caller sees, on Incident joined to Region: a coordinator's and
    an operator's own Pemda; a subtree for the others; for a national scope every
    province's own and everything escalated to the Ministry, or all with `all_`."""
    if principal.role in (Role.COORDINATOR, Role.OPERATOR):
        return [Region.code == principal.region_code]
    if principal.region_code is not None:
        return [subtree_filter(principal.region_code)]
    if all_:
        return []
    return [or_(Region.level == RegionLevel.PROVINCE, Incident.level == IncidentLevel.NATIONAL)]


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """Still reported after its severity's window: the same rule as rules.is_overdue."""
    return and_(
        Incident.state == IncidentState.REPORTED,
        or_(
            *(
                and_(Incident.severity == severity, Incident.reported_at < now - window)
                for severity, window in ACKNOWLEDGE_WITHIN.items()
            )
        ),
    )


def _filtered(
    stmt: Select[*tuple[Any, ...]], principal: Principal, filters: Filters, now: datetime
) -> Any:
    stmt = stmt.where(*scope_conditions(principal, all_=filters.all))
    if filters.region is not None:
        stmt = stmt.where(subtree_filter(filters.region))
    if filters.states:
        stmt = stmt.where(Incident.state.in_(filters.states))
    if filters.severities:
        stmt = stmt.where(Incident.severity.in_(filters.severities))
    if filters.categories:
        stmt = stmt.where(Incident.category.in_(filters.categories))
    if filters.since is not None:
        stmt = stmt.where(Incident.occurred_on >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Incident.occurred_on <= filters.until)
    if filters.overdue is not None:
        condition = overdue_condition(now)
        stmt = stmt.where(condition if filters.overdue else ~condition)
    return stmt


# --- filing ---------------------------------------------------------------------------


async def region_by_code(session: AsyncSession, code: str) -> Region | None:
    return await session.scalar(select(Region).where(Region.code == code))


def _corners(coordinates: Any) -> Iterator[tuple[float, float]]:
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(c, int | float) for c in coordinates[:2])
    ):
        yield float(coordinates[0]), float(coordinates[1])
        return
    if isinstance(coordinates, list):
        for item in coordinates:
            yield from _corners(item)


async def outline_bounds(session: AsyncSession, region_id: int) -> Bounds | None:
    """The box (west, south, east, north) around the region's map outline, if it has
    one: the few hundred points of a simplified outline, read in Python."""
    geometry = await session.scalar(
        select(RegionBoundary.geometry).where(RegionBoundary.region_id == region_id)
    )
    if not isinstance(geometry, dict):
        return None
    points = list(_corners(geometry.get("coordinates")))
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


async def agency_type_code(session: AsyncSession, agency_type_id: int | None) -> str | None:
    if agency_type_id is None:
        return None
    return await session.scalar(select(AgencyType.code).where(AgencyType.id == agency_type_id))


def is_kesbangpol(type_code: str | None) -> bool:
    return type_code is not None and type_code.lower() == KESBANGPOL


async def next_seq(session: AsyncSession, region_id: int, year: int) -> int:
    """The next number of the region's year, with one atomic upsert on its counter row:
    concurrent filings queue on that row (PostgreSQL waits for the first to commit), so
    each gets its own consecutive number; a filing rolled back takes its number back."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(IncidentCounter)
        .values(region_id=region_id, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=[IncidentCounter.region_id, IncidentCounter.year],
            set_={"last_seq": IncidentCounter.last_seq + 1},
        )
        .returning(IncidentCounter.last_seq)
    )
    seq: int = (await session.execute(stmt)).scalar_one()
    return seq


# --- one incident ---------------------------------------------------------------------


class Found(NamedTuple):
    incident: Incident
    region: Region
    time_zone: str


async def get(
    session: AsyncSession,
    principal: Principal,
    number: str,
    *,
    all_: bool,
    default_zone: str,
    lock: bool = False,
) -> Found | None:
    """The incident by number if the caller sees it; FOR UPDATE with `lock`, so that
    two steps of one incident serialise and the second finds the first's state."""
    if lock and session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: a no-op write takes the database's write lock first.
        await session.execute(
            update(Incident)
            .where(Incident.number == number)
            .values(version=Incident.version)
            .execution_options(synchronize_session=False)
        )
    stmt = (
        select(Incident, Region, effective_zone(default_zone))
        .join(Region, Region.id == Incident.region_id)
        .where(Incident.number == number, *scope_conditions(principal, all_=all_))
    )
    if lock:
        stmt = stmt.with_for_update(of=Incident)
    row = (await session.execute(stmt.execution_options(populate_existing=True))).first()
    return None if row is None else Found._make(row)


async def timeline(session: AsyncSession, incident_id: int) -> Sequence[IncidentEvent]:
    stmt = (
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id)
    )
    return (await session.scalars(stmt)).all()


async def files(session: AsyncSession, incident_id: int) -> Sequence[IncidentFile]:
    stmt = (
        select(IncidentFile)
        .where(IncidentFile.incident_id == incident_id)
        .order_by(IncidentFile.created_at, IncidentFile.id)
    )
    return (await session.scalars(stmt)).all()


async def count_files(session: AsyncSession, incident_id: int) -> int:
    stmt = select(func.count()).where(IncidentFile.incident_id == incident_id)
    return await session.scalar(stmt) or 0


async def has_file_with_hash(session: AsyncSession, incident_id: int, sha256: str) -> bool:
    stmt = select(IncidentFile.id).where(
        IncidentFile.incident_id == incident_id, IncidentFile.blob_sha256 == sha256
    )
    return (await session.scalar(stmt.limit(1))) is not None


class FileRow(NamedTuple):
    file: IncidentFile
    storage_key: str
    number: str


async def file_with_incident(session: AsyncSession, file_id: str) -> FileRow | None:
    stmt = (
        select(IncidentFile, EvidenceBlob.storage_key, Incident.number)
        .join(EvidenceBlob, EvidenceBlob.sha256 == IncidentFile.blob_sha256)
        .join(Incident, Incident.id == IncidentFile.incident_id)
        .where(IncidentFile.id == file_id)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else FileRow._make(row)


# --- lists and counts -----------------------------------------------------------------


def _list_select(default_zone: str) -> Select[*tuple[Any, ...]]:
    return (
        select(Incident, Region.code, Region.name, effective_zone(default_zone))
        .select_from(Incident)
        .join(Region, Region.id == Incident.region_id)
    )


class ListRow(NamedTuple):
    incident: Incident
    region: str
    region_name: str
    time_zone: str


async def list_incidents(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    filters: Filters,
    *,
    now: datetime,
    default_zone: str,
) -> tuple[list[ListRow], int]:
    stmt = _filtered(_list_select(default_zone), principal, filters, now)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(Incident.reported_at.desc(), Incident.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return [ListRow._make(row) for row in rows], total or 0


async def stream_incidents(
    session: AsyncSession,
    principal: Principal,
    filters: Filters,
    *,
    now: datetime,
    default_zone: str,
) -> AsyncIterator[list[ListRow]]:
    """Every incident the filters select, oldest first, a page at a time."""
    stmt = _filtered(_list_select(default_zone), principal, filters, now).order_by(
        Incident.reported_at, Incident.id
    )
    result = await session.stream(stmt.execution_options(yield_per=PAGE_ROWS))
    async for page in result.partitions():
        yield [ListRow._make(row) for row in page]


def _month(session: AsyncSession) -> ColumnElement[str]:
    # The day's `YYYY-MM`: SQLite stores dates as ISO text; PostgreSQL formats its date.
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(Incident.occurred_on, "YYYY-MM")
    return func.substr(Incident.occurred_on, 1, 7)


@dataclass(frozen=True, slots=True)
class Cell:
    region: str
    region_name: str
    severity: IncidentSeverity
    state: IncidentState
    count: int
    overdue: int


@dataclass(frozen=True, slots=True)
class MonthRow:
    month: str
    category: IncidentCategory
    count: int


async def counts(
    session: AsyncSession, principal: Principal, filters: Filters, *, now: datetime
) -> tuple[list[Cell], list[MonthRow]]:
    """Per Pemda x severity x state (with how many are overdue), and per month x
    category: two grouped queries."""
    overdue = func.sum(case((overdue_condition(now), 1), else_=0))
    cells_stmt = _filtered(
        select(Region.code, Region.name, Incident.severity, Incident.state, func.count(), overdue)
        .select_from(Incident)
        .join(Region, Region.id == Incident.region_id),
        principal,
        filters,
        now,
    ).group_by(Region.code, Region.name, Incident.severity, Incident.state)
    cells = [
        Cell(code, name, severity, state, int(n), int(late or 0))
        for code, name, severity, state, n, late in await session.execute(
            cells_stmt.order_by(Region.code, Incident.severity, Incident.state)
        )
    ]
    month = _month(session).label("month")
    months_stmt = _filtered(
        select(month, Incident.category, func.count())
        .select_from(Incident)
        .join(Region, Region.id == Incident.region_id),
        principal,
        filters,
        now,
    ).group_by(month, Incident.category)
    months = [
        MonthRow(str(m), category, int(n))
        for m, category, n in await session.execute(months_stmt.order_by(month, Incident.category))
    ]
    return cells, months
