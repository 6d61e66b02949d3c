from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.errors import NotFound
from siaga.core.pagination import PageParams
from siaga.frameworks import repository
from siaga.frameworks.schemas import (
    DimensionRead,
    FrameworkPage,
    FrameworkRead,
    FrameworkSummary,
    IndicatorRead,
    LevelRubricRead,
    ThresholdRead,
)
from siaga.models import Indicator, RegionLevel


class FrameworkNotFound(NotFound):
    code = "framework_not_found"


def indicator_levels(indicator: Indicator) -> list[RegionLevel]:
    flags = (
        (indicator.applies_province, RegionLevel.PROVINCE),
        (indicator.applies_regency, RegionLevel.REGENCY),
        (indicator.applies_city, RegionLevel.CITY),
    )
    return [level for applies, level in flags if applies]


async def list_frameworks(session: AsyncSession, page: PageParams) -> FrameworkPage:
    rows, total = await repository.list_frameworks(session, page)
    return FrameworkPage(
        items=[FrameworkSummary.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_framework(session: AsyncSession, code: str) -> FrameworkRead:
    framework = await repository.get_framework_tree(session, code)
    if framework is None:
        raise FrameworkNotFound(f"Kerangka {code!r} tidak ditemukan (framework not found)")
    dimensions = [
        DimensionRead(
            code=d.code,
            name=d.name,
            weight=d.weight,
            position=d.position,
            indicators=[
                IndicatorRead(
                    code=i.code,
                    name=i.name,
                    guidance=i.guidance,
                    answer_type=i.answer_type,
                    target=i.target,
                    weight=i.weight,
                    agency_type=i.agency_type.code,
                    levels=indicator_levels(i),
                    evidence_required=i.evidence_required,
                    evidence_guidance=i.evidence_guidance,
                )
                for i in d.indicators
            ],
        )
        for d in framework.dimensions
    ]
    return FrameworkRead(
        code=framework.code,
        name=framework.name,
        description=framework.description,
        is_active=framework.is_active,
        dimension_count=len(dimensions),
        indicator_count=sum(len(d.indicators) for d in dimensions),
        dimensions=dimensions,
        thresholds=[
            ThresholdRead(
                category=t.category, label=t.label, label_en=t.label_en, min_score=t.min_score
            )
            for t in framework.thresholds
        ],
        level_rubric=[
            LevelRubricRead(level=r.level, label=r.label) for r in framework.level_rubric
        ],
    )
