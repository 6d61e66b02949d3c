"""The report's body: the numbers of a province (its subtree) or of one Pemda, gathered
from the score services and the report's own aggregates, shaped for the template.

Numbers come from `score_table` and `explain`, so the report always agrees with the
dashboard; the chart is SVG drawn here (no JavaScript in a PDF renderer).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.models import Period, RegionLevel
from siaga.reports import repository
from siaga.reports.chart import Bar, bar_chart
from siaga.reports.formatting import LEVELS, STATUS_LABELS, change, display_name, number
from siaga.reports.repository import IndicatorMean, ReportRegion
from siaga.scoring import service as scoring
from siaga.scoring.categories import NO_CATEGORY, category_color
from siaga.scoring.schemas import (
    CategoryCount,
    PemdaScore,
    ScoreExplanation,
    ScoreTable,
    View,
)

WEAKEST = 3
_LEVEL_ORDER = {RegionLevel.PROVINCE: 0, RegionLevel.REGENCY: 1, RegionLevel.CITY: 2}


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    min_score: float
    color: str
    text_color: str
    count: int


@dataclass(frozen=True)
class Weak:
    """An indicator under its dimension: the weakest of a province (mean s over its Pemda,
    no weight), or every indicator of a Pemda with its weight (its score explained)."""

    code: str
    name: str
    score: float
    note: str
    weight: float | None = None


@dataclass(frozen=True)
class DimensionSection:
    code: str
    name: str
    score: float | None
    category: Category | None
    weakest: list[Weak]


@dataclass(frozen=True, slots=True)
class RankingRow:
    rank: int
    region: str
    name: str
    level: str
    readiness: float
    category: Category | None
    completeness: float
    change: str
    highlight: bool


@dataclass(frozen=True, slots=True)
class ProvinceSummary:
    count: int
    mean: float | None
    mean_category: Category | None
    lowest: PemdaScore | None
    highest: PemdaScore | None
    own: PemdaScore | None
    own_category: Category | None


@dataclass(frozen=True, slots=True)
class PemdaSummary:
    own: PemdaScore
    category: Category | None
    rank: int
    peers: int
    peer_level: str
    change: str


@dataclass(frozen=True, slots=True)
class Body:
    """What differs between a province's report and a Pemda's."""

    # Which closed period changes compare with, and whether this period's figures are
    # provisional (not closed yet): the report says both instead of guessing.
    previous_period: str | None
    provisional: bool
    categories: list[Category]
    summary: ProvinceSummary | PemdaSummary
    ranking: list[RankingRow]
    chart_title: str
    chart: Markup
    dimensions: list[DimensionSection]
    # The Pemda's own answers (for a province: the Pemprov's), None when none apply.
    explanation: ScoreExplanation | None


def _categories(counts: list[CategoryCount]) -> list[Category]:
    """The framework's categories, highest first, in the traffic-light colours the SPA uses
    (siaga.scoring.categories); an unknown code takes the colour of its position."""
    ordered = sorted(counts, key=lambda c: c.min_score, reverse=True)
    out = []
    for index, c in enumerate(ordered):
        color = category_color(c.category, index)
        out.append(Category(c.category, c.label, c.min_score, color.fill, color.text, c.count))
    return out


def _category_of(value: float | None, categories: list[Category]) -> Category | None:
    if value is None:
        return None
    return next((c for c in categories if value >= c.min_score), None)


def _chart(bars: list[tuple[str, float, Category | None]], categories: list[Category]) -> Markup:
    return bar_chart(
        [
            Bar(
                label,
                value,
                number(value),
                category.color if category else NO_CATEGORY.fill,
                category.label if category else "tanpa kategori",
            )
            for label, value, category in bars
        ],
        [c.min_score for c in categories],
    )


def _ranking(table: ScoreTable, categories: list[Category], highlight: str) -> list[RankingRow]:
    by_code = {c.code: c for c in categories}
    items = sorted(table.items, key=lambda i: (_LEVEL_ORDER[i.level], i.rank, i.region))
    return [
        RankingRow(
            rank=item.rank,
            region=item.region,
            name=display_name(item),
            level=LEVELS[item.level],
            readiness=item.readiness,
            category=by_code.get(item.category or ""),
            completeness=item.completeness,
            change=change(item.readiness, item.previous_readiness),
            highlight=item.region == highlight,
        )
        for item in items
    ]


def _weakest_by_dimension(means: list[IndicatorMean]) -> dict[str, list[IndicatorMean]]:
    grouped: dict[str, list[IndicatorMean]] = defaultdict(list)
    for row in means:  # already lowest first within each dimension
        if row.mean < 100 and len(grouped[row.dimension]) < WEAKEST:
            grouped[row.dimension].append(row)
    return grouped


async def province(
    session: AsyncSession,
    principal: Principal,
    region: ReportRegion,
    period: Period,
    view: View,
) -> Body:
    table = await scoring.table_of(
        session, principal, period=period, region_code=region.code, view=view
    )
    categories = _categories(table.summary.categories)
    items = table.items
    means = await repository.indicator_means(
        session,
        view,
        period_id=period.id,
        scope_code=principal.region_code,
        region_code=region.code,
    )
    weakest = _weakest_by_dimension(means)
    dimensions = []
    for d in await repository.dimensions(session, period.framework_id):
        scores = [i.dimensions[d.code] for i in items if d.code in i.dimensions]
        mean = sum(scores) / len(scores) if scores else None
        weak = [
            Weak(w.indicator, w.name, w.mean, f"rata-rata {w.pemda} Pemda")
            for w in weakest.get(d.code, [])
        ]
        dimensions.append(
            DimensionSection(d.code, d.name, mean, _category_of(mean, categories), weak)
        )
    # The table is in code order, so ties go to the lower code.
    lowest = min(items, key=lambda i: i.readiness, default=None)
    highest = max(items, key=lambda i: i.readiness, default=None)
    chart_items = sorted(items, key=lambda i: (-i.readiness, i.region))
    own = next((i for i in items if i.region == region.code), None)
    # The Pemprov's own answers: the province's report is its own Pemda's report too.
    explanation = (
        await scoring.explain_in(
            session, principal, region_code=region.code, period=period, view=view
        )
        if own is not None
        else None
    )
    return Body(
        previous_period=table.previous_period,
        provisional=table.provisional,
        categories=categories,
        summary=ProvinceSummary(
            count=table.summary.count,
            mean=table.summary.mean,
            mean_category=_category_of(table.summary.mean, categories),
            lowest=lowest,
            highest=highest,
            own=own,
            own_category=_category_of(own.readiness, categories) if own else None,
        ),
        ranking=_ranking(table, categories, region.code),
        chart_title="Indeks kesiapan (R) setiap Pemda",
        chart=_chart(
            [
                (display_name(i), i.readiness, _category_of(i.readiness, categories))
                for i in chart_items
            ],
            categories,
        ),
        dimensions=dimensions,
        explanation=explanation,
    )


async def pemda(
    session: AsyncSession,
    principal: Principal,
    region: ReportRegion,
    period: Period,
    view: View,
) -> Body:
    explanation = await scoring.explain_in(
        session, principal, region_code=region.code, period=period, view=view
    )
    # Ranked among the province's Pemda when the caller may see them, else on its own.
    parent = region.parent_code
    root = parent if parent is not None and principal.sees_region(parent) else region.code
    table = await scoring.table_of(session, principal, period=period, region_code=root, view=view)
    categories = _categories(table.summary.categories)
    own: PemdaScore = next((i for i in table.items if i.region == region.code), explanation.score)
    peers = sum(1 for i in table.items if i.level == own.level)
    dimensions = [
        DimensionSection(
            d.dimension,
            d.name,
            d.score,
            _category_of(d.score, categories),
            # Every indicator in the framework's order: the whole of D, explained.
            [
                Weak(i.indicator, i.name, i.score, STATUS_LABELS[i.status], i.weight)
                for i in d.indicators
            ],
        )
        for d in explanation.dimensions
    ]
    return Body(
        previous_period=table.previous_period,
        provisional=table.provisional,
        categories=categories,
        summary=PemdaSummary(
            own=own,
            category=_category_of(own.readiness, categories),
            rank=own.rank,
            peers=peers,
            peer_level=LEVELS[own.level],
            change=change(own.readiness, own.previous_readiness),
        ),
        ranking=_ranking(table, categories, region.code),
        chart_title="Skor setiap dimensi (D)",
        chart=_chart([(d.name, d.score or 0.0, d.category) for d in dimensions], categories),
        dimensions=dimensions,
        explanation=explanation,
    )
