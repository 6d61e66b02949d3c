"""A report's recommendations: list them with the carried ones, make one, follow one
up. The rules decide (reporting/recommendation_rules.py); this module loads in scope,
locks and records (an audit row for every change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import ReportRecommendation
from siaga.reporting import recommendation_reads as reads
from siaga.reporting import recommendation_repository as repository
from siaga.reporting import recommendation_rules as rules
from siaga.reporting import records
from siaga.reporting.exceptions import (
    RecommendationNotFound,
    RecommendationPreconditionFailed,
    recommendation_error,
)
from siaga.reporting.rules import check_editable
from siaga.reporting.schemas import (
    RecommendationCreate,
    RecommendationList,
    RecommendationRead,
    RecommendationUpdate,
)
from siaga.reporting.service import caller_of, load
from siaga.submissions.service import require_open
from siaga.submissions.workflow import Problem

ENTITY = "recommendation"


def _refuse(problem: Problem | None, label: str) -> None:
    if problem is not None:
        raise recommendation_error(problem, label)


async def list_recommendations(
    session: AsyncSession, principal: Principal, region: str, period: str, timezone: str
) -> RecommendationList:
    ctx = await load(session, principal, region, period)
    return RecommendationList(
        items=await reads.for_report(session, ctx.region, ctx.period, timezone)
    )


def _snapshot(rec: ReportRecommendation, agency: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": rec.status.value,
        "follow_up": rec.follow_up,
        "version": rec.version,
    }
    if agency is not None:
        out |= {"text": rec.text, "agency": agency, "due_on": rec.due_on.isoformat()}
    return out


async def create(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    region_code: str,
    period_code: str,
    data: RecommendationCreate,
    timezone: str,
) -> RecommendationRead:
    """A recommendation in the report, while the report may be written: the report row
    (if any) is locked FOR UPDATE, so a submission and a new recommendation serialise."""
    ctx = await load(session, principal, region_code, period_code, lock=True)
    if not rules.may_create(caller_of(principal), ctx.region.code):
        _refuse(rules.forbidden(), ctx.label)
    require_open(ctx.period)
    _refuse(check_editable(records.state_of(ctx.report).state), ctx.label)
    agency_id = await repository.agency_of(session, ctx.region.id, data.agency)
    _refuse(rules.check_agency(agency_id is not None, data.agency), ctx.label)
    _refuse(rules.check_due(data.due_on, ctx.period.start_date), ctx.label)
    assert agency_id is not None
    now = utcnow()
    rec = ReportRecommendation(
        period_id=ctx.period.id,
        region_id=ctx.region.id,
        agency_id=agency_id,
        text=data.text,
        due_on=data.due_on,
        status=rules.OPEN,
        follow_up="",
        version=1,
        created_at=now,
        created_by_id=actor.user_id,
        updated_at=now,
        updated_by_id=actor.user_id,
    )
    session.add(rec)
    await session.flush()
    record(
        session,
        actor,
        "recommendation.create",
        entity_type=ENTITY,
        entity_id=str(rec.id),
        region_code=ctx.region.code,
        after={"report": ctx.label, **_snapshot(rec, data.agency)},
    )
    return await reads.one(session, rec.id, ctx.region, timezone)


async def follow_up(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    recommendation_id: int,
    data: RecommendationUpdate,
    if_match: str | None,
    timezone: str,
) -> RecommendationRead:
    """Change the status and/or the note; a change that changes nothing records
    nothing."""
    found = await repository.locate(session, principal, recommendation_id, lock=True)
    if found is None:
        raise RecommendationNotFound()
    rec, region = found
    label = f"{ENTITY}/{rec.id}"
    caller = caller_of(principal)
    if not rules.may_follow_up(caller, region.code, principal.agency_id, rec.agency_id):
        _refuse(rules.forbidden(), label)
    current = reads.etag_of(rec.id, rec.version)
    tags = {t.strip() for t in if_match.split(",")} if if_match is not None else {"*"}
    if "*" not in tags and current not in tags:
        raise RecommendationPreconditionFailed(details=[{"current_etag": current}])
    before = rules.FollowUp(rec.status, rec.follow_up, rec.done_at)
    _refuse(rules.check_change(before, data.status, data.follow_up), label)
    now = utcnow()
    after = rules.take(before, data.status, data.follow_up, now)
    if after != before:
        old = _snapshot(rec)
        rec.status, rec.follow_up, rec.done_at = after.status, after.follow_up, after.done_at
        rec.version += 1
        rec.updated_at, rec.updated_by_id = now, actor.user_id
        await session.flush()
        record(
            session,
            actor,
            "recommendation.update",
            entity_type=ENTITY,
            entity_id=str(rec.id),
            region_code=region.code,
            before=old,
            after=_snapshot(rec),
        )
    return await reads.one(session, rec.id, region, timezone)
