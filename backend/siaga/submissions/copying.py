"""Copy-previous: start a period's drafts from the previous period's verified answers,
a whole Pemda in a handful of statements (what to copy, the drafts, their evidence,
their versions, the audit), however many answers it has."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.errors import InvalidInput, NotFound
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import Period, Region, SubmissionStatus
from siaga.periods.dependencies import period_or_404
from siaga.submissions import copy_repository, records, repository, workflow
from siaga.submissions.copy_repository import Copyable
from siaga.submissions.exceptions import CopiedConcurrently, http_error
from siaga.submissions.schemas import CopyPreviousResult
from siaga.submissions.service import created_since, require, require_open


async def _region(session: AsyncSession, principal: Principal, code: str | None) -> Region:
    code = code or (principal.region_code if principal.agency_id else None)
    if code is None:
        raise InvalidInput(
            "Sebutkan wilayah (region is required)",
            details=[{"field": "region", "message": "required"}],
        )
    region = await session.scalar(select(Region).where(Region.code == code))
    if region is None or not principal.sees_region(code):
        raise NotFound("Wilayah tidak ditemukan (region not found)", code="region_not_found")
    return region


def _value(row: Copyable) -> float | None:
    # A value the new framework's answer type no longer accepts (the indicator changed
    # type, or a rule tightened) is copied as no value: the draft asks for it again.
    try:
        return workflow.parse_value(row.answer_type, row.value)
    except workflow.Refused:
        return None


async def _insert_drafts(
    session: AsyncSession,
    period: Period,
    region: Region,
    wanted: list[Copyable],
    actor: Actor,
    now: datetime,
) -> list[int]:
    drafts = [workflow.new_draft(_value(row), row.narrative) for row in wanted]
    return await copy_repository.insert_drafts(
        session,
        [
            {
                "period_id": period.id,
                "region_id": region.id,
                "indicator_id": row.indicator_id,
                "agency_id": row.agency_id,
                "value": draft.value,
                "narrative": draft.narrative,
                "status": SubmissionStatus.DRAFT,
                "version": draft.version,
                "created_at": now,
                "updated_at": now,
                "created_by_id": actor.user_id,
                "updated_by_id": actor.user_id,
            }
            for row, draft in zip(wanted, drafts, strict=True)
        ],
    )


async def copy_previous(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    period_code: str,
    region_code: str | None,
) -> CopyPreviousResult:
    """Start a period's drafts from the verified answers of the previous period.

    Evidence is referenced (same stored blobs), not copied; existing answers are kept.
    """
    require(principal, Capability.ANSWER)
    # From the body, not the path or query: loaded here, after the capability check.
    period = await period_or_404(session, period_code)
    require_open(period)
    region = await _region(session, principal, region_code)
    problem = workflow.check_report(
        await repository.report_accepted(session, period.id, region.id, lock=True)
    )
    if problem is not None:
        raise http_error(problem)
    previous = await copy_repository.previous_period(session, period)
    if previous is None:
        return CopyPreviousResult(previous_period=None, created=0, skipped=0)

    rows = await copy_repository.copyable(session, principal, period, previous, region)
    now = utcnow()
    new_ids = await _insert_drafts(
        session, period, region, [row for row in rows if not row.answered], actor, now
    )
    await copy_repository.copy_evidence(session, new_ids, previous, now)
    reason = f"Disalin dari periode {previous.code}"
    await records.write_versions(session, new_ids, workflow.COPIED, actor, reason)
    # Answers made since `rows` was read, by a copy or a PUT running beside this one,
    # are kept and counted as skipped like the ones answered before.
    created, skipped = len(new_ids), len(rows) - len(new_ids)
    if created == 0 and skipped and actor.received_at is not None:
        newest = await repository.newest_answer_created_at(session, period.id, region.id)
        if created_since(newest, actor.received_at):
            # Another copy (or edit) made this period's answers while this one ran.
            raise CopiedConcurrently()
    record(
        session,
        actor,
        "submission.copy_previous",
        entity_type="period",
        entity_id=period.code,
        region_code=region.code,
        after={"from": previous.code, "created": created, "skipped": skipped},
    )
    return CopyPreviousResult(previous_period=previous.code, created=created, skipped=skipped)
