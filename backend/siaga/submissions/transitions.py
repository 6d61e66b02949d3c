"""Submit, verify, return, reopen: the workflow decides (separation of duties included),
this module loads, records the version, the review, the audit row and the event (the
outbox); and bulk verify, one savepoint per answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.auth.exceptions import AuditedRefusal, Forbidden
from siaga.core.errors import AppError
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import CommentKind, Review, SubmissionStatus
from siaga.regions import repository as regions_repository
from siaga.regions.time_zones import deadline_cutoff
from siaga.submissions import records, repository, workflow
from siaga.submissions.exceptions import AnswerNotFound, http_error
from siaga.submissions.schemas import AnswerKey, BulkVerifyItem, BulkVerifyResult, SubmissionRead
from siaga.submissions.service import (
    AnswerContext,
    Keys,
    audit_answer,
    check_if_match,
    load,
    read,
    require,
    require_open,
)
from siaga.submissions.workflow import Action, Refused


async def _cutoff(
    ctx: AnswerContext, session: AsyncSession, now: datetime, timezone: str
) -> datetime:
    """The deadline's cut-off in the Pemda's zone (WITA in Kaltim; `timezone` is only the
    default). Looked up only for a first submission, the one that decides lateness; for
    every other transition the workflow does not read it."""
    submission = ctx.submission
    if submission is None or submission.first_submitted_at is not None:
        return now
    zone = await regions_repository.time_zone_of(session, ctx.region, timezone)
    return deadline_cutoff(ctx.period.deadline, zone)


async def _record(
    session: AsyncSession,
    actor: Actor,
    ctx: AnswerContext,
    action: Action,
    before: workflow.Answer,
    after: workflow.Answer,
    reason: str | None,
    now: datetime,
) -> None:
    """The transition's row changes, version, review (for a verifier's decision) and audit."""
    submission = ctx.submission
    assert submission is not None
    rule = workflow.TRANSITIONS[action]
    records.apply(submission, after, actor, now)
    await records.write_version(session, submission, rule.recorded_as, actor, reason)
    if rule.decision is not None:
        session.add(
            Review(
                submission_id=submission.id,
                version=submission.version,
                decision=rule.decision,
                reason=reason,
                reviewer_id=actor.user_id,
                created_at=now,
            )
        )
        # Sessions do not autoflush: without this the answer read back below would carry
        # the previous review (none, after a first return), and the verifier's page, which
        # shows what this response says, would not know why the answer went back.
        await session.flush()
    if reason and after.status == SubmissionStatus.RETURNED:
        # The reason opens (or continues) the answer's conversation, in this transaction,
        # so the agency can ask about it and reply without resubmitting.
        await records.write_comment(
            session,
            actor,
            period_id=ctx.period.id,
            region_id=ctx.region.id,
            indicator_id=ctx.indicator.id,
            label=ctx.label,
            region_code=ctx.region.code,
            kind=CommentKind.RETURN,
            body=reason.strip(),
        )
    audit_answer(
        session,
        actor,
        f"submission.{action}",
        ctx,
        before=workflow.snapshot(before),
        after=workflow.snapshot(after, reason=reason or None),
    )


async def transition(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    keys: Keys,
    action: Action,
    if_match: str | None,
    *,
    reason: str | None = None,
    timezone: str = "Asia/Jakarta",
) -> SubmissionRead:
    if not workflow.may_take(action, principal.capabilities):
        raise Forbidden()
    ctx = await load(session, principal, keys, lock=True)
    require_open(ctx.period)
    submission = ctx.submission
    if submission is None:
        raise AnswerNotFound()
    check_if_match(submission, if_match)
    now = utcnow()
    before = records.state_of(submission)
    evidence_files = 0
    if action == "submit" and ctx.indicator.evidence_required:
        evidence_files = len(await repository.evidence_hashes(session, submission.id))
    try:
        after = workflow.take(
            before,
            action,
            capabilities=principal.capabilities,
            now=now,
            cutoff=await _cutoff(ctx, session, now, timezone) if action == "submit" else now,
            evidence_required=ctx.indicator.evidence_required,
            evidence_files=evidence_files,
            reason=reason,
            scope=principal.region_code,
            region=ctx.region.code,
            report_accepted=ctx.report_accepted,
        )
    except Refused as refused:
        raise http_error(refused.problem, answer=ctx.label) from None
    await _record(session, actor, ctx, action, before, after, reason, now)
    answer = await read(session, ctx)
    # The event after the read, which has looked up the answer's agency code already.
    natural = (ctx.period.code, ctx.region.code, ctx.indicator.code)
    records.write_event(
        session, actor, action, natural, answer.agency, (before, after), reason, now
    )
    return answer


async def bulk_verify(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    items: list[AnswerKey],
    timezone: str,
) -> BulkVerifyResult:
    """Verify many answers; each succeeds or fails on its own (in its own savepoint)."""
    require(principal, Capability.REVIEW)
    results = []
    for item in items:
        keys = Keys(item.period, item.region, item.indicator)
        try:
            async with session.begin_nested():
                answer = await transition(
                    session, principal, actor, keys, "verify", item.etag, timezone=timezone
                )
            results.append(
                BulkVerifyItem(**keys.__dict__, status=200, code="verified", etag=answer.etag)
            )
        except AppError as exc:
            if isinstance(exc, AuditedRefusal):
                # On record like a single refused review (auth.dependencies), but with the
                # request's own work, which goes on for the other items.
                record(
                    session,
                    actor,
                    "authz.denied",
                    outcome="denied",
                    entity_type=exc.entity_type,
                    entity_id=exc.entity_id,
                    region_code=exc.region_code,
                    after={"code": exc.code, "route": "POST /submissions/verify-bulk"},
                )
            results.append(
                BulkVerifyItem(**keys.__dict__, status=exc.status_code, code=exc.code, etag=None)
            )
    verified = sum(1 for r in results if r.status == 200)
    return BulkVerifyResult(verified=verified, failed=len(results) - verified, items=results)
