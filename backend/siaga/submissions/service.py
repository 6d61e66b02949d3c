"""One answer: load it in scope, read it, create or change it (PUT), attach evidence to
it; every change decided by the workflow, versioned, audited and guarded by optimistic
concurrency (ETag / If-Match). Transitions live in transitions.py, lists in lists.py,
copy-previous in copying.py; this module is what other packages (evidence) call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.auth.exceptions import Forbidden
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import (
    EvidenceFile,
    Indicator,
    Period,
    PeriodState,
    Region,
    Submission,
    SubmissionStatus,
)
from siaga.submissions import records, repository, workflow
from siaga.submissions.exceptions import (
    AnswerNotFound,
    CreatedConcurrently,
    PeriodNotOpen,
    PreconditionFailed,
    PreconditionRequired,
    http_error,
)
from siaga.submissions.records import etag_of
from siaga.submissions.schemas import (
    EvidenceRead,
    HistoryEntry,
    HistoryRead,
    ReviewRead,
    SubmissionRead,
    SubmissionWrite,
)
from siaga.submissions.workflow import EDITABLE, TRANSITIONS, Refused

__all__ = ["EDITABLE", "TRANSITIONS", "AnswerContext", "Keys", "etag_of"]


@dataclass
class Keys:
    period: str
    region: str
    indicator: str


@dataclass
class AnswerContext:
    period: Period
    region: Region
    indicator: Indicator
    submission: Submission | None
    # Whether the Pemda's report for the period is accepted: looked up (FOR SHARE) only
    # when loading to write, and passed to the workflow, which refuses every change.
    report_accepted: bool = False

    @property
    def label(self) -> str:
        return workflow.answer_label(self.period.code, self.region.code, self.indicator.code)


async def load(
    session: AsyncSession, principal: Principal, keys: Keys, *, lock: bool = False
) -> AnswerContext:
    row = await repository.get_context(session, principal, keys.period, keys.region, keys.indicator)
    if row is None:
        raise AnswerNotFound()
    submission = await repository.get_submission(
        session, row.period.id, row.region.id, row.indicator.id, lock=lock
    )
    # After the answer's own lock (lock order: answer, then report; an acceptance locks
    # only the report), so a writer and an acceptance serialise without deadlock.
    accepted = lock and await repository.report_accepted(
        session, row.period.id, row.region.id, lock=True
    )
    return AnswerContext(row.period, row.region, row.indicator, submission, accepted)


def require(principal: Principal, capability: Capability) -> None:
    if not principal.can(capability):
        raise Forbidden()


def require_open(period: Period) -> None:
    if period.state != PeriodState.OPEN:
        raise PeriodNotOpen()


def check_if_match(submission: Submission, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired()
    candidates = {tag.strip() for tag in if_match.split(",")}
    if "*" not in candidates and etag_of(submission) not in candidates:
        raise PreconditionFailed(details=[{"current_etag": etag_of(submission)}])


def _check_unlocked(ctx: AnswerContext) -> None:
    """An answer not started yet is created only while the report is not accepted."""
    problem = workflow.check_report(ctx.report_accepted)
    if problem is not None:
        raise http_error(problem)


def _check_editable(ctx: AnswerContext, submission: Submission) -> None:
    problem = workflow.check_report(ctx.report_accepted) or workflow.check_editable(
        submission.status
    )
    if problem is not None:
        raise http_error(problem)


def audit_answer(
    session: AsyncSession,
    actor: Actor,
    action: str,
    ctx: AnswerContext,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    entry = workflow.audit_entry(action, ctx.label, ctx.region.code, before=before, after=after)
    records.write_audit(session, actor, entry)


async def read(session: AsyncSession, ctx: AnswerContext) -> SubmissionRead:
    submission = ctx.submission
    if submission is None:
        raise AnswerNotFound()
    evidence = [
        evidence_read(row.file, row.uploaded_by)
        for row in await repository.evidence_rows(session, submission.id)
    ]
    review = await repository.last_review(session, submission.id)
    return SubmissionRead(
        period=ctx.period.code,
        region=ctx.region.code,
        region_name=ctx.region.name,
        indicator=ctx.indicator.code,
        indicator_name=ctx.indicator.name,
        answer_type=ctx.indicator.answer_type,
        target=ctx.indicator.target,
        evidence_required=ctx.indicator.evidence_required,
        # The responsible office is recorded on the answer when it is created.
        agency=await repository.agency_code(session, submission.agency_id),
        value=submission.value,
        narrative=submission.narrative,
        status=submission.status,
        version=submission.version,
        etag=etag_of(submission),
        is_late=submission.is_late,
        created_at=submission.created_at,
        updated_at=submission.updated_at,
        first_submitted_at=submission.first_submitted_at,
        submitted_at=submission.submitted_at,
        verified_at=submission.verified_at,
        evidence=evidence,
        last_review=(
            ReviewRead(
                decision=review.review.decision,
                reason=review.review.reason,
                reviewer=review.reviewer,
                at=review.review.created_at,
            )
            if review
            else None
        ),
    )


def evidence_read(file: EvidenceFile, uploaded_by: str | None) -> EvidenceRead:
    return EvidenceRead(
        id=file.id,
        name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.blob_sha256,
        uploaded_at=file.created_at,
        uploaded_by=uploaded_by,
        url=f"/api/v1/evidence/{file.id}",
    )


async def get_answer(session: AsyncSession, principal: Principal, keys: Keys) -> SubmissionRead:
    return await read(session, await load(session, principal, keys))


async def history(session: AsyncSession, principal: Principal, keys: Keys) -> HistoryRead:
    ctx = await load(session, principal, keys)
    if ctx.submission is None:
        raise AnswerNotFound()
    return HistoryRead(
        period=keys.period,
        region=keys.region,
        indicator=keys.indicator,
        items=[
            HistoryEntry(
                version=row.version.version,
                action=row.version.action,
                status=row.version.status,
                value=row.version.value,
                narrative=row.version.narrative,
                evidence_hashes=row.version.evidence_hashes or [],
                reason=row.version.reason,
                actor=row.actor,
                at=row.version.created_at,
            )
            for row in await repository.history(session, ctx.submission.id)
        ],
    )


async def load_for_edit(session: AsyncSession, principal: Principal, keys: Keys) -> AnswerContext:
    """An existing answer the caller may change now: in scope, period open, still editable."""
    require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    require_open(ctx.period)
    if ctx.submission is None:
        raise AnswerNotFound()
    _check_editable(ctx, ctx.submission)
    return ctx


async def load_for_attach(
    session: AsyncSession, principal: Principal, keys: Keys, *, create_as: Actor | None = None
) -> AnswerContext:
    """The answer a file may be attached to now: like load_for_edit, except that an
    answer not started yet qualifies too, since the evidence is often at hand before the
    value is decided.

    With `create_as`, such an answer is created as an empty draft, audited like a PUT's,
    for the file to belong to. Evidence upload calls it so only once the file has arrived
    and passed its checks, in the transaction that attaches it: a refused upload leaves
    no draft behind. Without it the answer stays absent (the check before the body).
    """
    require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    require_open(ctx.period)
    if ctx.submission is None and create_as is not None:
        _check_unlocked(ctx)
        if await _create_draft(session, ctx, create_as, workflow.new_draft(None, "")):
            return ctx
        # Created by another request meanwhile: attach to that one, if still editable.
        ctx.submission = await _reload(session, ctx)
    if ctx.submission is not None:
        _check_editable(ctx, ctx.submission)
    return ctx


async def record_evidence_change(
    session: AsyncSession,
    ctx: AnswerContext,
    actor: Actor,
    *,
    added: bool,
    audit_view: dict[str, object],
) -> Submission:
    """A file was attached to (or detached from) the answer: a new version, audited."""
    submission = ctx.submission
    if submission is None:
        raise AnswerNotFound()
    try:
        records.apply(
            submission,
            workflow.touch(records.state_of(submission), report_accepted=ctx.report_accepted),
            actor,
        )
    except Refused as refused:
        raise http_error(refused.problem) from None
    action = workflow.EVIDENCE_ADDED if added else workflow.EVIDENCE_REMOVED
    await records.write_version(session, submission, action, actor)
    if added:
        audit_answer(session, actor, "evidence.upload", ctx, after=audit_view)
    else:
        audit_answer(session, actor, "evidence.delete", ctx, before=audit_view)
    return submission


def parse_value(indicator: Indicator, raw: float | bool | None) -> float | None:
    try:
        return workflow.parse_value(indicator.answer_type, raw)
    except Refused as refused:
        raise http_error(refused.problem, indicator.code) from None


async def put_answer(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    keys: Keys,
    data: SubmissionWrite,
    if_match: str | None,
) -> tuple[SubmissionRead, bool]:
    """Create the draft, or change a draft or returned answer. Returns (answer, created)."""
    require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    require_open(ctx.period)
    value = parse_value(ctx.indicator, data.value)
    submission = ctx.submission
    if submission is None:
        _check_unlocked(ctx)
        if if_match is not None and if_match.strip() != "*":
            raise PreconditionFailed("Jawaban belum ada (the answer does not exist yet)")
        if await _create_draft(session, ctx, actor, workflow.new_draft(value, data.narrative)):
            return await read(session, ctx), True
        # Another request created the answer since this one looked (on PostgreSQL the
        # insert waited for it to commit): a create that lost the race.
        submission = ctx.submission = await _reload(session, ctx)
        if if_match is None:
            raise CreatedConcurrently()
    elif if_match is None and created_since(submission.created_at, actor.received_at):
        # The same race, seen after the winner committed (SQLite serialises writers).
        raise CreatedConcurrently()

    check_if_match(submission, if_match)
    before = records.state_of(submission)
    try:
        after = workflow.edit(before, value, data.narrative, report_accepted=ctx.report_accepted)
    except Refused as refused:
        raise http_error(refused.problem) from None
    if after is not None:
        records.apply(submission, after, actor)
        await records.write_version(session, submission, workflow.UPDATED, actor)
        audit_answer(
            session,
            actor,
            "submission.update",
            ctx,
            before=workflow.snapshot(before),
            after=workflow.snapshot(after),
        )
    return await read(session, ctx), False


def created_since(created_at: datetime | None, received_at: datetime | None) -> bool:
    return created_at is not None and received_at is not None and created_at >= received_at


async def _reload(session: AsyncSession, ctx: AnswerContext) -> Submission:
    submission = await repository.get_submission(
        session, ctx.period.id, ctx.region.id, ctx.indicator.id, lock=True
    )
    if submission is None:
        raise AnswerNotFound()
    return submission


async def _create_draft(
    session: AsyncSession, ctx: AnswerContext, actor: Actor, draft: workflow.Answer
) -> bool:
    """Create the answer as `draft` (version 1), versioned and audited, into ctx; False
    if the answer exists already (created by another request meanwhile)."""
    agency = await repository.find_agency(session, ctx.region.id, ctx.indicator.agency_type_id)
    now = utcnow()
    new_id = await repository.insert_submission_if_absent(
        session,
        {
            "period_id": ctx.period.id,
            "region_id": ctx.region.id,
            "indicator_id": ctx.indicator.id,
            "agency_id": agency.id if agency else None,
            "value": draft.value,
            "narrative": draft.narrative,
            "status": SubmissionStatus.DRAFT,
            "version": draft.version,
            "created_at": now,
            "updated_at": now,
            "created_by_id": actor.user_id,
            "updated_by_id": actor.user_id,
        },
    )
    if new_id is None:
        return False
    ctx.submission = await session.get(Submission, new_id)
    assert ctx.submission is not None
    await records.write_version(session, ctx.submission, workflow.CREATED, actor)
    audit_answer(session, actor, "submission.create", ctx, after=workflow.snapshot(draft))
    return True
