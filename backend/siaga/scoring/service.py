"""Readiness tables, explanations and trends, assembled from the SQL aggregates."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.errors import NotFound
from siaga.core.security import Principal
from siaga.models import Period, Region
from siaga.periods.service import PeriodNotFound
from siaga.regions.exceptions import RegionNotFound
from siaga.scoring import repository
from siaga.scoring.schemas import (
    AgencyProgress,
    CategoryCount,
    DimensionExplanation,
    IndicatorExplanation,
    PemdaScore,
    ScoreExplanation,
    ScoreTable,
    ScoreTrend,
    SubtreeSummary,
    TrendPoint,
    View,
)
from siaga.submissions.repository import previous_period


async def _period(session: AsyncSession, code: str) -> Period:
    period = await session.scalar(select(Period).where(Period.code == code))
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    return period


async def _region(session: AsyncSession, principal: Principal, code: str) -> Region:
    region = await session.scalar(select(Region).where(Region.code == code))
    # Outside the caller's scope is answered exactly like an unknown code.
    if region is None or not principal.sees_region(code):
        raise RegionNotFound(code)
    return region


def _root(principal: Principal, region: str | None) -> str | None:
    return region if region is not None else principal.region_code


async def etag(
    session: AsyncSession,
    principal: Principal,
    kind: str,
    params: tuple[Any, ...],
    period_codes: list[str] | None,
) -> str:
    """A validator that changes whenever an answer of the periods involved changes.

    Cheap on purpose (one indexed aggregate), so a poller's 304 costs almost nothing.
    The caller's scope is part of it: two callers never share a cached body.
    """
    signature = await repository.signature(session, period_codes)
    raw = repr((kind, principal.kind, principal.id, principal.region_code, params, signature))
    return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


async def table_period_codes(session: AsyncSession, period_code: str) -> list[str]:
    """The periods a table depends on: its own and the previous one (for the change)."""
    period = await session.scalar(select(Period).where(Period.code == period_code))
    if period is None:
        return [period_code]
    previous = await previous_period(session, period)
    return [period_code, *([previous.code] if previous else [])]


def _pemda(row: dict[str, Any]) -> PemdaScore:
    return PemdaScore(
        region=row["region"],
        name=row["name"],
        level=row["level"],
        parent=row["parent"],
        readiness=row["readiness"],
        category=row["category"],
        dimensions=row["dimensions"],
        completeness=row["completeness"] or 0.0,
        verification_rate=row["verification_rate"],
        timeliness=row["timeliness"],
        applicable=row["applicable"],
        answered=row["answered"] or 0,
        verified=row["verified"] or 0,
        submitted=row["submitted"] or 0,
        draft=row["draft"] or 0,
        returned=row["returned"] or 0,
        rank=row["rank"],
        previous_readiness=row["previous_readiness"],
    )


async def score_table(
    session: AsyncSession,
    principal: Principal,
    *,
    period_code: str,
    region_code: str | None,
    view: View,
) -> ScoreTable:
    period = await _period(session, period_code)
    if region_code is not None:
        await _region(session, principal, region_code)
    previous = await previous_period(session, period)
    rows = await repository.pemda_scores(
        session,
        view,
        dimensions=await repository.framework_dimensions(session, period.framework_id),
        period_ids=[period.id],
        previous_period_id=previous.id if previous else None,
        scope_code=principal.region_code,
        region_code=region_code,
    )
    items = [_pemda(row) for row in rows]
    thresholds = await repository.thresholds(session, period.framework_id)
    return ScoreTable(
        period=period.code,
        view=view,
        summary=_summary(_root(principal, region_code), items, thresholds),
        items=items,
    )


def _summary(
    root: str | None, items: list[PemdaScore], thresholds: list[dict[str, Any]]
) -> SubtreeSummary:
    scores = [i.readiness for i in items]
    per_category: dict[str | None, int] = defaultdict(int)
    for item in items:
        per_category[item.category] += 1
    return SubtreeSummary(
        region=root,
        count=len(scores),
        mean=sum(scores) / len(scores) if scores else None,
        min=min(scores) if scores else None,
        max=max(scores) if scores else None,
        categories=[
            CategoryCount(**t, count=per_category.get(t["category"], 0)) for t in thresholds
        ],
    )


async def explain(
    session: AsyncSession,
    principal: Principal,
    *,
    region_code: str,
    period_code: str,
    view: View,
) -> ScoreExplanation:
    region = await _region(session, principal, region_code)
    period = await _period(session, period_code)
    rows = await repository.pemda_scores(
        session,
        view,
        dimensions=await repository.framework_dimensions(session, period.framework_id),
        period_ids=[period.id],
        scope_code=None,
        region_code=region_code,
        only_region=True,
    )
    if not rows:
        raise NotFound(
            "Tidak ada indikator yang berlaku untuk wilayah ini (no applicable indicators)",
            code="no_score",
        )
    leaves = await repository.indicator_rows(
        session, view, period_id=period.id, region_id=region.id
    )
    dim_scores: dict[str, float] = rows[0]["dimensions"]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for leaf in leaves:
        grouped[leaf["dimension"]].append(leaf)
    dimensions = [
        DimensionExplanation(
            dimension=code,
            name=group[0]["dimension_name"],
            weight=group[0]["dimension_weight"],
            score=dim_scores[code],
            indicators=[
                IndicatorExplanation(
                    indicator=leaf["indicator"],
                    name=leaf["indicator_name"],
                    answer_type=leaf["answer_type"],
                    target=leaf["target"],
                    weight=leaf["weight"],
                    agency=leaf["agency"],
                    status=leaf["status"],
                    value=leaf["value"],
                    is_late=bool(leaf["is_late"]),
                    score=leaf["score"],
                    counts=_counts(view, leaf["status"]),
                    evidence_count=leaf["evidence_count"] or 0,
                )
                for leaf in group
            ],
        )
        for code, group in grouped.items()
    ]
    agencies = await repository.agency_progress(
        session, view, period_id=period.id, region_id=region.id
    )
    return ScoreExplanation(
        period=period.code,
        view=view,
        score=_pemda(rows[0]),
        dimensions=dimensions,
        agencies=[
            AgencyProgress(**{**a, "completeness": a["completeness"] or 0.0}) for a in agencies
        ],
    )


def _counts(view: View, status: str | None) -> bool:
    if view == "official":
        return status == "verified"
    return status in ("submitted", "verified")


async def trend(
    session: AsyncSession, principal: Principal, *, region_code: str, view: View
) -> ScoreTrend:
    await _region(session, principal, region_code)
    periods = await repository.periods_for_trend(session)
    if not periods:
        return ScoreTrend(region=region_code, view=view, items=[])
    rows = await repository.pemda_scores(
        session,
        view,
        dimensions=await repository.framework_dimensions(session, periods[-1].framework_id),
        period_ids=[p.id for p in periods],
        scope_code=None,
        region_code=region_code,
        only_region=True,
    )
    return ScoreTrend(
        region=region_code,
        view=view,
        items=[
            TrendPoint(
                period=r["period"],
                readiness=r["readiness"],
                category=r["category"],
                completeness=r["completeness"] or 0.0,
                dimensions=r["dimensions"],
            )
            for r in rows
        ],
    )
