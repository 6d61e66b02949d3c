"""A quarter's incidents, for the Pemda's quarterly report: those of the region's subtree
(a Pemda's own; a province's with its regencies' and cities') that happened between the
period's first and last day. The report's API carries the counts (`summary`); the signed
PDF lists them too (`listed`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.incidents.rules import OPEN
from siaga.models import (
    Incident,
    IncidentCategory,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    Region,
)
from siaga.regions.repository import effective_zone, subtree_filter


def _within(region_code: str, starts_on: date, ends_on: date) -> list[ColumnElement[bool]]:
    return [
        subtree_filter(region_code),
        Incident.occurred_on >= starts_on,
        Incident.occurred_on <= ends_on,
    ]


@dataclass(frozen=True, slots=True)
class PeriodCell:
    category: IncidentCategory
    severity: IncidentSeverity
    count: int
    open: int
    escalated: int


async def summary(
    session: AsyncSession, region_code: str, starts_on: date, ends_on: date
) -> list[PeriodCell]:
    """Per category and severity: how many, how many still open, how many escalated."""
    open_ = func.sum(case((Incident.state.in_(OPEN), 1), else_=0))
    escalated = func.sum(case((Incident.level != IncidentLevel.PEMDA, 1), else_=0))
    stmt = (
        select(Incident.category, Incident.severity, func.count(), open_, escalated)
        .select_from(Incident)
        .join(Region, Region.id == Incident.region_id)
        .where(*_within(region_code, starts_on, ends_on))
        .group_by(Incident.category, Incident.severity)
        .order_by(Incident.category, Incident.severity)
    )
    return [
        PeriodCell(category, severity, int(n), int(o or 0), int(e or 0))
        for category, severity, n, o, e in await session.execute(stmt)
    ]


class Listed(NamedTuple):
    number: str
    region_name: str
    time_zone: str
    occurred_at: datetime
    district: str
    category: IncidentCategory
    severity: IncidentSeverity
    state: IncidentState
    level: IncidentLevel
    title: str


async def listed(
    session: AsyncSession,
    region_code: str,
    starts_on: date,
    ends_on: date,
    *,
    default_zone: str,
    limit: int,
) -> list[Listed]:
    """The quarter's incidents, most severe first and then in the order they happened,
    at most `limit` of them."""
    rank = case(
        {s: i for i, s in enumerate(reversed(IncidentSeverity))},
        value=Incident.severity,
    )
    stmt = (
        select(
            Incident.number,
            Region.name,
            effective_zone(default_zone),
            Incident.occurred_at,
            Incident.district,
            Incident.category,
            Incident.severity,
            Incident.state,
            Incident.level,
            Incident.title,
        )
        .select_from(Incident)
        .join(Region, Region.id == Incident.region_id)
        .where(*_within(region_code, starts_on, ends_on))
        .order_by(rank, Incident.occurred_at, Incident.id)
        .limit(limit)
    )
    return [Listed._make(row) for row in await session.execute(stmt)]
