"""Readiness tables, explanations and trends, assembled from the SQL aggregates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.errors import NotFound
from siaga.core.security import Principal
from siaga.models import Period, PeriodState, Region
from siaga.periods.dependencies import period_or_404
from siaga.regions.exceptions import RegionNotFound
from siaga.scoring import explanation_repository, repository, table_repository
from siaga.scoring.explanation_repository import IndicatorRow
from siaga.scoring.repository import ThresholdRow
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


@dataclass(frozen=True)
class TableContext:
    """What a score table depends on, resolved once per request (ETag and body)."""

    period: Period
    previous: Period | None
    region: Region | None


@dataclass(frozen=True)
class PemdaContext:
    """One Pemda and the periods its explanation (one) or trend (every started) covers."""

    region: Region
    periods: list[Period]


def _previous(periods: list[Period], period: Period) -> Period | None:
    """The latest earlier closed period of the same framework (its R is shown as the change).

    Only a closed period's figures are final: comparing with an earlier open one would
    show changes of numbers that are both still moving.
    """
    earlier = [
        p
        for p in periods
        if p.framework_id == period.framework_id
        and p.start_date < period.start_date
        and p.state == PeriodState.CLOSED
    ]
    return earlier[-1] if earlier else None


def is_provisional(period: Period) -> bool:
    """Figures of a period that is not closed may still change: shown as provisional."""
    return period.state != PeriodState.CLOSED


async def _region(session: AsyncSession, principal: Principal, code: str) -> Region:
    region = await session.scalar(select(Region).where(Region.code == code))
    # Outside the caller's scope is answered exactly like an unknown code.
    if region is None or not principal.sees_region(code):
        raise RegionNotFound(code)
    return region


def _root(principal: Principal, region: str | None) -> str | None:
    return region if region is not None else principal.region_code


async def _table_context(
    session: AsyncSession, principal: Principal, *, period: Period, region_code: str | None
) -> TableContext:
    previous = _previous(await repository.periods(session), period)
    region = await _region(session, principal, region_code) if region_code else None
    return TableContext(period=period, previous=previous, region=region)


async def _trend_context(
    session: AsyncSession, principal: Principal, *, region_code: str
) -> PemdaContext:
    region = await _region(session, principal, region_code)
    # Planned periods have no answers to show.
    started = [p for p in await repository.periods(session) if p.state != PeriodState.PLANNED]
    return PemdaContext(region=region, periods=started)


# One validation call for the whole table: pydantic-core loops over the rows in Rust.
# The SQL already gives every field its final value (counts and completeness never NULL).
# Rows go in as dictionaries (`_asdict`): validating attributes instead is ~3x slower.
_PEMDA_LIST = TypeAdapter(list[PemdaScore])


async def score_table(
    session: AsyncSession,
    principal: Principal,
    *,
    period_code: str,
    region_code: str | None,
    view: View,
) -> ScoreTable:
    """Every Pemda of the subtree in one period, with the subtree's summary."""
    # The period is looked up here, after the ETag: a 304 stays one statement.
    period = await period_or_404(session, period_code)
    return await table_of(session, principal, period=period, region_code=region_code, view=view)


async def table_of(
    session: AsyncSession,
    principal: Principal,
    *,
    period: Period,
    region_code: str | None,
    view: View,
) -> ScoreTable:
    """`score_table` of a period already loaded (exports and reports take it by route)."""
    context = await _table_context(session, principal, period=period, region_code=region_code)
    return await _table_for(session, principal, context, view)


async def _table_for(
    session: AsyncSession, principal: Principal, context: TableContext, view: View
) -> ScoreTable:
    period, previous = context.period, context.previous
    region_code = context.region.code if context.region else None
    rows = await table_repository.pemda_scores(
        session,
        view,
        dimensions=await repository.framework_dimensions(session, period.framework_id),
        period_ids=[period.id],
        previous_period_id=previous.id if previous else None,
        scope_code=principal.region_code,
        region_code=region_code,
    )
    items = _PEMDA_LIST.validate_python([row._asdict() for row in rows])
    thresholds = await repository.thresholds(session, period.framework_id)
    return ScoreTable(
        period=period.code,
        view=view,
        period_state=period.state,
        provisional=is_provisional(period),
        previous_period=previous.code if previous else None,
        summary=_summary(_root(principal, region_code), items, thresholds),
        items=items,
    )


def _summary(
    root: str | None, items: list[PemdaScore], thresholds: list[ThresholdRow]
) -> SubtreeSummary:
    scores = [i.readiness for i in items]
    per_category: dict[str | None, int] = defaultdict(int)
    for item in items:
        per_category[item.category] += 1
    # Report timeliness (scoring.md): None is a report never submitted.
    on_time = [i.report_on_time for i in items]
    return SubtreeSummary(
        region=root,
        count=len(scores),
        mean=sum(scores) / len(scores) if scores else None,
        min=min(scores) if scores else None,
        max=max(scores) if scores else None,
        categories=[
            CategoryCount(
                category=t.category,
                label=t.label,
                label_en=t.label_en,
                min_score=t.min_score,
                count=per_category.get(t.category, 0),
            )
            for t in thresholds
        ],
        reports_on_time=on_time.count(True),
        reports_late=on_time.count(False),
        not_reported=on_time.count(None),
        report_timeliness=on_time.count(True) * 100 / len(items) if items else None,
    )


async def explain(
    session: AsyncSession,
    principal: Principal,
    *,
    region_code: str,
    period_code: str,
    view: View,
) -> ScoreExplanation:
    """Why a Pemda scores what it scores in one period."""
    region = await _region(session, principal, region_code)
    period = await period_or_404(session, period_code)
    return await _explain(session, region, period, view)


async def explain_in(
    session: AsyncSession, principal: Principal, *, region_code: str, period: Period, view: View
) -> ScoreExplanation:
    """`explain` in a period already loaded (reports take it by route)."""
    return await _explain(session, await _region(session, principal, region_code), period, view)


async def _explain(
    session: AsyncSession, region: Region, period: Period, view: View
) -> ScoreExplanation:
    region_code = region.code
    rows = await table_repository.pemda_scores(
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
    leaves = await explanation_repository.indicator_rows(
        session, view, period_id=period.id, region_id=region.id
    )
    dim_scores = rows[0].dimensions
    grouped: dict[str, list[IndicatorRow]] = defaultdict(list)
    for leaf in leaves:
        grouped[leaf.dimension].append(leaf)
    dimensions = [
        DimensionExplanation(
            dimension=code,
            name=group[0].dimension_name,
            weight=group[0].dimension_weight,
            score=dim_scores[code],
            indicators=[
                IndicatorExplanation(
                    indicator=leaf.indicator,
                    name=leaf.indicator_name,
                    answer_type=leaf.answer_type,
                    target=leaf.target,
                    weight=leaf.weight,
                    agency=leaf.agency,
                    status=leaf.status,
                    value=leaf.value,
                    is_late=bool(leaf.is_late),
                    score=leaf.score,
                    counts=_counts(view, leaf.status),
                    evidence_count=leaf.evidence_count or 0,
                )
                for leaf in group
            ],
        )
        for code, group in grouped.items()
    ]
    agencies = await explanation_repository.agency_progress(
        session, period_id=period.id, region_id=region.id
    )
    return ScoreExplanation(
        period=period.code,
        view=view,
        period_state=period.state,
        provisional=is_provisional(period),
        score=PemdaScore.model_validate(rows[0]._asdict()),
        dimensions=dimensions,
        agencies=[
            AgencyProgress(
                agency=a.agency,
                name=a.name,
                applicable=a.applicable,
                answered=a.answered,
                verified=a.verified,
                returned=a.returned,
                not_started=a.not_started,
                completeness=a.completeness or 0.0,
                verification_rate=a.verification_rate,
                timeliness=a.timeliness,
            )
            for a in agencies
        ],
    )


def _counts(view: View, status: str | None) -> bool:
    if view == "official":
        return status == "verified"
    return status in ("submitted", "verified")


async def trend(
    session: AsyncSession, principal: Principal, *, region_code: str, view: View
) -> ScoreTrend:
    """One Pemda's readiness in every period that has started."""
    context = await _trend_context(session, principal, region_code=region_code)
    region_code, periods = context.region.code, context.periods
    if not periods:
        return ScoreTrend(region=region_code, view=view, items=[])
    rows = await table_repository.pemda_scores(
        session,
        view,
        dimensions=await repository.framework_dimensions(session, periods[-1].framework_id),
        period_ids=[p.id for p in periods],
        scope_code=None,
        region_code=region_code,
        only_region=True,
    )
    by_code = {p.code: p for p in periods}
    return ScoreTrend(
        region=region_code,
        view=view,
        items=[
            TrendPoint(
                period=r.period,
                period_state=by_code[r.period].state,
                provisional=is_provisional(by_code[r.period]),
                readiness=r.readiness,
                category=r.category,
                completeness=r.completeness or 0.0,
                dimensions=r.dimensions,
                report_on_time=r.report_on_time,
            )
            for r in rows
        ],
    )
