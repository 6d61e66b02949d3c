"""Recommendations as the API shows them, shared by the report (service.read) and the
recommendations' own routes (recommendations.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import Period, Region
from siaga.regions import repository as regions_repository
from siaga.reporting import recommendation_repository as repository
from siaga.reporting import recommendation_rules as rules
from siaga.reporting.schemas import RecommendationRead


def etag_of(recommendation_id: int, version: int) -> str:
    return f'"recommendation-{recommendation_id}-{version}"'


def to_read(row: repository.Row) -> RecommendationRead:
    return RecommendationRead(**row._asdict(), etag=etag_of(row.id, row.version))


async def today(session: AsyncSession, region: Region, timezone: str) -> date:
    """The date in the Pemda's zone, against which due dates are over."""
    zone = await regions_repository.time_zone_of(session, region, timezone)
    return rules.local_today(utcnow(), zone)


async def for_report(
    session: AsyncSession, region: Region, period: Period, timezone: str, *, zone: str | None = None
) -> list[RecommendationRead]:
    """`zone`: the Pemda's own, when the caller already has it (else looked up from the
    region with `timezone` as the default)."""
    day = (
        rules.local_today(utcnow(), zone)
        if zone is not None
        else await today(session, region, timezone)
    )
    rows = await repository.for_report(session, region.id, period, day)
    return [to_read(row) for row in rows]


async def one(
    session: AsyncSession, recommendation_id: int, region: Region, timezone: str
) -> RecommendationRead:
    day = await today(session, region, timezone)
    return to_read(await repository.one(session, recommendation_id, day))
