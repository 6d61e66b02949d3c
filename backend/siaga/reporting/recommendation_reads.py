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
from siaga.submissions.schemas import EvidenceRead


def etag_of(recommendation_id: int, version: int) -> str:
    """Of the follow-up (status and note) that If-Match protects. Its files are separate
    resources, each added or removed whole, that no PATCH can overwrite: they leave it
    unchanged, so a colleague's upload never turns a note being written into a 412."""
    return f'"recommendation-{recommendation_id}-{version}"'


def evidence_read(row: repository.EvidenceRow) -> EvidenceRead:
    file = row.file
    return EvidenceRead(
        id=file.id,
        name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.blob_sha256,
        uploaded_at=file.created_at,
        uploaded_by=row.uploaded_by,
        url=f"/api/v1/recommendations/{file.recommendation_id}/evidence/{file.id}",
    )


async def _with_evidence(
    session: AsyncSession, rows: list[repository.Row]
) -> list[RecommendationRead]:
    files = await repository.evidence_of(session, [row.id for row in rows])
    return [
        RecommendationRead(
            **row._asdict(),
            etag=etag_of(row.id, row.version),
            evidence=[evidence_read(f) for f in files[row.id]],
        )
        for row in rows
    ]


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
    return await _with_evidence(session, rows)


async def one(
    session: AsyncSession, recommendation_id: int, region: Region, timezone: str
) -> RecommendationRead:
    day = await today(session, region, timezone)
    (read,) = await _with_evidence(session, [await repository.one(session, recommendation_id, day)])
    return read
