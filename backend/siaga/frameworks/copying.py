"""A version's content read out as the PUT shape and written back: for PUT, copy and
the publish check, so the three agree on what "the content" is."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.frameworks.schemas import (
    DimensionContent,
    FrameworkContent,
    IndicatorContent,
    LevelRubricContent,
    ThresholdContent,
)
from siaga.models import (
    CategoryThreshold,
    Dimension,
    Framework,
    Indicator,
    LevelRubric,
    RegionLevel,
)


def content_of(framework: Framework) -> FrameworkContent:
    """The content of a loaded tree (frameworks.repository.get_framework_tree)."""
    return FrameworkContent.model_construct(
        name=framework.name,
        description=framework.description,
        dimensions=[
            DimensionContent.model_construct(
                code=d.code,
                name=d.name,
                weight=d.weight,
                indicators=[
                    IndicatorContent.model_construct(
                        code=i.code,
                        name=i.name,
                        guidance=i.guidance,
                        answer_type=i.answer_type,
                        target=i.target,
                        weight=i.weight,
                        agency_type=i.agency_type.code,
                        levels=[
                            level
                            for applies, level in (
                                (i.applies_province, RegionLevel.PROVINCE),
                                (i.applies_regency, RegionLevel.REGENCY),
                                (i.applies_city, RegionLevel.CITY),
                            )
                            if applies
                        ],
                        evidence_required=i.evidence_required,
                        evidence_guidance=i.evidence_guidance,
                    )
                    for i in d.indicators
                ],
            )
            for d in framework.dimensions
        ],
        thresholds=[
            ThresholdContent.model_construct(
                category=t.category, label=t.label, label_en=t.label_en, min_score=t.min_score
            )
            for t in framework.thresholds
        ],
        level_rubric=[
            LevelRubricContent.model_construct(level=r.level, label=r.label)
            for r in framework.level_rubric
        ],
    )


async def write_content(
    session: AsyncSession,
    framework_id: int,
    content: FrameworkContent,
    agency_type_ids: dict[str, int],
) -> None:
    """Replace the version's dimensions, indicators, thresholds (and rubric when given).

    Only drafts come here: no period references a draft, so its indicators have no
    answers and may be deleted and written anew.
    """
    await session.execute(delete(Indicator).where(Indicator.framework_id == framework_id))
    await session.execute(delete(Dimension).where(Dimension.framework_id == framework_id))
    await session.execute(
        delete(CategoryThreshold).where(CategoryThreshold.framework_id == framework_id)
    )
    if content.level_rubric is not None:
        await session.execute(delete(LevelRubric).where(LevelRubric.framework_id == framework_id))
        session.add_all(
            LevelRubric(framework_id=framework_id, level=r.level, label=r.label)
            for r in content.level_rubric
        )
    session.add_all(
        CategoryThreshold(
            framework_id=framework_id,
            category=t.category,
            label=t.label,
            label_en=t.label_en,
            min_score=t.min_score,
        )
        for t in content.thresholds
    )
    for position, d in enumerate(content.dimensions):
        dimension = Dimension(
            framework_id=framework_id, code=d.code, name=d.name, weight=d.weight, position=position
        )
        session.add(dimension)
        await session.flush()
        session.add_all(
            Indicator(
                framework_id=framework_id,
                dimension_id=dimension.id,
                code=i.code,
                name=i.name,
                guidance=i.guidance,
                answer_type=i.answer_type,
                target=i.target,
                weight=i.weight,
                agency_type_id=agency_type_ids[i.agency_type],
                applies_province=RegionLevel.PROVINCE in i.levels,
                applies_regency=RegionLevel.REGENCY in i.levels,
                applies_city=RegionLevel.CITY in i.levels,
                evidence_required=i.evidence_required,
                evidence_guidance=i.evidence_guidance,
                position=index,
            )
            for index, i in enumerate(d.indicators)
        )
    await session.flush()
