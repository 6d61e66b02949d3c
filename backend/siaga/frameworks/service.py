from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.auth.exceptions import Forbidden
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.frameworks import repository, validation
from siaga.frameworks.copying import content_of, write_content
from siaga.frameworks.diff import FrameworkDiff, compare
from siaga.frameworks.exceptions import (
    FrameworkExists,
    FrameworkInvalid,
    FrameworkNotFound,
    FrameworkPublished,
)
from siaga.frameworks.schemas import (
    DimensionRead,
    FrameworkContent,
    FrameworkCopy,
    FrameworkCreate,
    FrameworkPage,
    FrameworkRead,
    FrameworkSummary,
    IndicatorRead,
    LevelRubricRead,
    ThresholdRead,
)
from siaga.models import Framework, FrameworkStatus, Indicator, RegionLevel

__all__ = ["FrameworkNotFound"]  # re-exported: other packages refer to it here


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
        status=framework.status,
        published_at=framework.published_at,
        copied_from=framework.copied_from,
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


def _national_only(principal: Principal) -> None:
    # A framework is national: a provincial administrator's change would reach everyone.
    if principal.region_code is not None:
        raise Forbidden(
            "Hanya administrator nasional yang dapat mengubah kerangka "
            "(only national administrators may change frameworks)"
        )


def _not_found(code: str) -> FrameworkNotFound:
    return FrameworkNotFound(f"Kerangka {code!r} tidak ditemukan (framework not found)")


_AUDITED = {"code", "name", "description", "status", "published_at", "copied_from"}


async def _insert_draft(session: AsyncSession, framework: Framework) -> None:
    try:
        # A savepoint: a concurrent twin's insert fails on the unique code alone, and the
        # request's transaction stays usable for its error response.
        async with session.begin_nested():
            session.add(framework)
    except IntegrityError as exc:
        raise FrameworkExists(framework.code) from exc


async def create_framework(
    session: AsyncSession, principal: Principal, actor: Actor, data: FrameworkCreate
) -> FrameworkRead:
    """An empty draft, filled by PUT and then published."""
    _national_only(principal)
    await _insert_draft(
        session,
        Framework(
            code=data.code,
            name=data.name,
            description=data.description,
            # Not offered for new periods until it is published.
            is_active=False,
            status=FrameworkStatus.DRAFT,
        ),
    )
    created = await get_framework(session, data.code)
    record(
        session,
        actor,
        AuditAction.FRAMEWORK_CREATE,
        entity_type=AuditEntity.FRAMEWORK,
        entity_id=data.code,
        after=created.model_dump(mode="json", include=_AUDITED),
    )
    return created


async def _draft_tree(session: AsyncSession, code: str) -> Framework:
    """The draft, locked, with its content; 404 if unknown, 409 once published."""
    locked = await repository.lock_framework(session, code)
    if locked is None:
        raise _not_found(code)
    if locked.status == FrameworkStatus.PUBLISHED:
        raise FrameworkPublished(code)
    tree = await repository.get_framework_tree(session, code)
    assert tree is not None
    return tree


def _refuse(problems: list[validation.Problem]) -> None:
    if problems:
        raise FrameworkInvalid([p.detail() for p in problems])


async def replace_content(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    code: str,
    content: FrameworkContent,
) -> FrameworkRead:
    """Replace a draft's whole content; refused with every problem at once (422)."""
    _national_only(principal)
    tree = await _draft_tree(session, code)
    types = await repository.agency_type_ids(session)
    _refuse(validation.problems(content, types))
    before = content_of(tree).model_dump(mode="json")
    tree.name = content.name
    tree.description = content.description
    await write_content(session, tree.id, content, types)
    updated = await get_framework(session, code)
    after = content_of(await _tree(session, code)).model_dump(mode="json")
    record(
        session,
        actor,
        AuditAction.FRAMEWORK_UPDATE,
        entity_type=AuditEntity.FRAMEWORK,
        entity_id=code,
        before=before,
        after=after,
    )
    return updated


async def _tree(session: AsyncSession, code: str) -> Framework:
    tree = await repository.get_framework_tree(session, code)
    if tree is None:
        raise _not_found(code)
    return tree


async def copy_framework(
    session: AsyncSession, principal: Principal, actor: Actor, code: str, data: FrameworkCopy
) -> FrameworkRead:
    """A new draft with the same content as `code` (published or not)."""
    _national_only(principal)
    source = await _tree(session, code)
    content = content_of(source)
    draft = Framework(
        code=data.code,
        name=data.name or source.name,
        description=source.description,
        is_active=False,
        status=FrameworkStatus.DRAFT,
        copied_from=source.code,
    )
    await _insert_draft(session, draft)
    await write_content(session, draft.id, content, await repository.agency_type_ids(session))
    created = await get_framework(session, data.code)
    record(
        session,
        actor,
        AuditAction.FRAMEWORK_COPY,
        entity_type=AuditEntity.FRAMEWORK,
        entity_id=data.code,
        after=created.model_dump(mode="json", include=_AUDITED),
    )
    return created


async def publish_framework(
    session: AsyncSession, principal: Principal, actor: Actor, code: str
) -> FrameworkRead:
    """Draft -> published after validation; from then on the version never changes."""
    _national_only(principal)
    tree = await _draft_tree(session, code)
    types = await repository.agency_type_ids(session)
    _refuse(validation.problems(content_of(tree), types, publishing=True))
    if not await repository.mark_published(session, tree.id, utcnow()):
        raise FrameworkPublished(code)
    published = await get_framework(session, code)
    record(
        session,
        actor,
        AuditAction.FRAMEWORK_PUBLISH,
        entity_type=AuditEntity.FRAMEWORK,
        entity_id=code,
        before={"status": FrameworkStatus.DRAFT.value},
        after=published.model_dump(mode="json", include={"status", "published_at"}),
    )
    return published


async def diff_frameworks(session: AsyncSession, source: str, target: str) -> FrameworkDiff:
    """What changed from version `source` to version `target`."""
    before, after = await _tree(session, source), await _tree(session, target)
    return compare(source, content_of(before), target, content_of(after))
