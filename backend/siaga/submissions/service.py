"""The answer workflow: edit drafts, submit, verify, return, reopen; every change versioned,
audited and guarded by optimistic concurrency (ETag / If-Match)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.auth.exceptions import Forbidden
from siaga.core.errors import AppError, InvalidInput, NotFound
from siaga.core.pagination import PageParams
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import (
    Agency,
    AnswerType,
    EvidenceFile,
    Indicator,
    Period,
    PeriodState,
    Region,
    Review,
    ReviewDecision,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from siaga.periods.service import PeriodNotFound
from siaga.regions import repository as regions_repository
from siaga.regions import time_zones
from siaga.regions.time_zones import deadline_cutoff
from siaga.submissions import repository
from siaga.submissions.exceptions import (
    AnswerNotFound,
    CopiedConcurrently,
    CreatedConcurrently,
    EvidenceMissing,
    InvalidTransition,
    PeriodNotOpen,
    PreconditionFailed,
    PreconditionRequired,
)
from siaga.submissions.schemas import (
    AnswerKey,
    BulkVerifyItem,
    BulkVerifyResult,
    CopyPreviousResult,
    EvidenceRead,
    HistoryEntry,
    HistoryRead,
    RegionCount,
    ReviewQueuePage,
    ReviewRead,
    SubmissionPage,
    SubmissionRead,
    SubmissionSummary,
    SubmissionWrite,
    TaskPage,
    TaskRead,
)

EDITABLE = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})
Transition = Literal["submit", "verify", "return", "reopen"]

# action -> (capability needed, states it starts from, state it ends in)
TRANSITIONS: dict[str, tuple[Capability, frozenset[SubmissionStatus], SubmissionStatus]] = {
    "submit": (Capability.ANSWER, EDITABLE, SubmissionStatus.SUBMITTED),
    "verify": (
        Capability.REVIEW,
        frozenset({SubmissionStatus.SUBMITTED}),
        SubmissionStatus.VERIFIED,
    ),
    "return": (
        Capability.REVIEW,
        frozenset({SubmissionStatus.SUBMITTED}),
        SubmissionStatus.RETURNED,
    ),
    "reopen": (
        Capability.REVIEW,
        frozenset({SubmissionStatus.VERIFIED}),
        SubmissionStatus.RETURNED,
    ),
}
_DECISIONS = {
    "verify": ReviewDecision.VERIFIED,
    "return": ReviewDecision.RETURNED,
    "reopen": ReviewDecision.REOPENED,
}


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


def etag_of(submission: Submission) -> str:
    return f'"{submission.id}-{submission.version}"'


def normalise_value(indicator: Indicator, value: float | bool | None) -> float | None:
    """The stored number for an answer, or InvalidInput naming what the type allows."""
    if value is None:
        return None

    def refuse(allowed: str) -> InvalidInput:
        return InvalidInput(
            f"Nilai tidak sah untuk indikator {indicator.code}: {allowed}",
            details=[{"field": "value", "message": allowed, "answer_type": indicator.answer_type}],
        )

    kind = indicator.answer_type
    if kind == AnswerType.YES_NO:
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if value in (0, 1):
            return float(value)
        raise refuse("yes_no expects true or false")
    if isinstance(value, bool) or not math.isfinite(value):
        raise refuse(f"{kind.value} expects a number")
    if kind == AnswerType.LEVEL:
        if value != int(value) or not 0 <= value <= 4:
            raise refuse("level expects a whole number from 0 to 4")
    elif kind == AnswerType.PERCENT:
        if not 0 <= value <= 100:
            raise refuse("percent expects a number from 0 to 100")
    elif kind == AnswerType.COUNT and not 0 <= value <= 1_000_000:
        raise refuse("count expects a number from 0 to 1000000")
    return float(value)


async def load(
    session: AsyncSession, principal: Principal, keys: Keys, *, lock: bool = False
) -> AnswerContext:
    row = await repository.get_context(session, principal, keys.period, keys.region, keys.indicator)
    if row is None:
        raise AnswerNotFound()
    period, region, indicator = row
    submission = await repository.get_submission(
        session, period.id, region.id, indicator.id, lock=lock
    )
    return AnswerContext(period, region, indicator, submission)


def _require(principal: Principal, capability: Capability) -> None:
    if not principal.can(capability):
        raise Forbidden()


def _require_open(period: Period) -> None:
    if period.state != PeriodState.OPEN:
        raise PeriodNotOpen()


def check_if_match(submission: Submission, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired()
    candidates = {tag.strip() for tag in if_match.split(",")}
    if "*" not in candidates and etag_of(submission) not in candidates:
        raise PreconditionFailed(details=[{"current_etag": etag_of(submission)}])


def _snapshot(submission: Submission) -> dict[str, Any]:
    return {
        "value": submission.value,
        "narrative": submission.narrative,
        "status": submission.status.value,
        "version": submission.version,
    }


async def bump_version(
    session: AsyncSession,
    submission: Submission,
    action: str,
    actor: Actor,
    *,
    reason: str | None = None,
) -> None:
    """Record the answer as it now is (values and evidence hashes) as a new version."""
    submission.version += 1
    submission.updated_at = utcnow()
    submission.updated_by_id = actor.user_id
    await _write_version(session, submission, action, actor, reason)


async def _write_version(
    session: AsyncSession, submission: Submission, action: str, actor: Actor, reason: str | None
) -> None:
    await session.flush()
    session.add(
        SubmissionVersion(
            submission_id=submission.id,
            version=submission.version,
            action=action,
            status=submission.status,
            value=submission.value,
            narrative=submission.narrative,
            evidence_hashes=await repository.evidence_hashes(session, submission.id),
            reason=reason,
            actor_user_id=actor.user_id,
            actor_api_key_id=actor.api_key_id,
            created_at=utcnow(),
        )
    )
    await session.flush()


def audit_answer(
    session: AsyncSession,
    actor: Actor,
    action: str,
    ctx: AnswerContext,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record(
        session,
        actor,
        action,
        entity_type="submission",
        entity_id=f"{ctx.period.code}/{ctx.region.code}/{ctx.indicator.code}",
        region_code=ctx.region.code,
        before=before,
        after=after,
    )


async def read(session: AsyncSession, ctx: AnswerContext) -> SubmissionRead:
    submission = ctx.submission
    if submission is None:
        raise AnswerNotFound()
    evidence = [
        evidence_read(file, username)
        for file, username in await repository.evidence_rows(session, submission.id)
    ]
    review = await repository.last_review(session, submission.id)
    # The responsible office is recorded on the answer when it is created.
    agency = await session.get(Agency, submission.agency_id) if submission.agency_id else None
    agency_code = agency.code if agency else None
    return SubmissionRead(
        period=ctx.period.code,
        region=ctx.region.code,
        region_name=ctx.region.name,
        indicator=ctx.indicator.code,
        indicator_name=ctx.indicator.name,
        answer_type=ctx.indicator.answer_type,
        target=ctx.indicator.target,
        evidence_required=ctx.indicator.evidence_required,
        agency=agency_code,
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
                decision=review.Review.decision,
                reason=review.Review.reason,
                reviewer=review.username,
                at=review.Review.created_at,
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


async def load_for_edit(session: AsyncSession, principal: Principal, keys: Keys) -> AnswerContext:
    """An existing answer the caller may change now: in scope, period open, still editable."""
    _require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    _require_open(ctx.period)
    if ctx.submission is None:
        raise AnswerNotFound()
    if ctx.submission.status not in EDITABLE:
        raise InvalidTransition(
            f"Jawaban berstatus {ctx.submission.status.value} tidak dapat diubah "
            "(only draft or returned answers can be changed)"
        )
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
    _require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    _require_open(ctx.period)
    if ctx.submission is None and create_as is not None:
        agency = await repository.find_agency(session, ctx.region.id, ctx.indicator.agency_type_id)
        created = await _create_draft(
            session,
            ctx,
            create_as,
            agency_id=agency.id if agency else None,
            value=None,
            narrative="",
            now=utcnow(),
        )
        if created is not None:
            ctx.submission = created
            await _write_version(session, created, "created", create_as, None)
            audit_answer(session, create_as, "submission.create", ctx, after=_snapshot(created))
            return ctx
        # Created by another request meanwhile: attach to that one, if still editable.
        ctx.submission = await repository.get_submission(
            session, ctx.period.id, ctx.region.id, ctx.indicator.id, lock=True
        )
        if ctx.submission is None:
            raise AnswerNotFound()
    if ctx.submission is not None and ctx.submission.status not in EDITABLE:
        raise InvalidTransition(
            f"Jawaban berstatus {ctx.submission.status.value} tidak dapat diubah "
            "(only draft or returned answers can be changed)"
        )
    return ctx


async def put_answer(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    keys: Keys,
    data: SubmissionWrite,
    if_match: str | None,
) -> tuple[SubmissionRead, bool]:
    """Create the draft, or change a draft or returned answer. Returns (answer, created)."""
    _require(principal, Capability.ANSWER)
    ctx = await load(session, principal, keys, lock=True)
    _require_open(ctx.period)
    value = normalise_value(ctx.indicator, data.value)
    submission = ctx.submission
    now = utcnow()
    if submission is None:
        if if_match is not None and if_match.strip() != "*":
            raise PreconditionFailed("Jawaban belum ada (the answer does not exist yet)")
        agency = await repository.find_agency(session, ctx.region.id, ctx.indicator.agency_type_id)
        created = await _create_draft(
            session,
            ctx,
            actor,
            agency_id=agency.id if agency else None,
            value=value,
            narrative=data.narrative,
            now=now,
        )
        if created is not None:
            ctx.submission = created
            await _write_version(session, created, "created", actor, None)
            audit_answer(session, actor, "submission.create", ctx, after=_snapshot(created))
            return await read(session, ctx), True
        # Another request created the answer since this one looked (on PostgreSQL the
        # insert waited for it to commit): a create that lost the race.
        submission = await repository.get_submission(
            session, ctx.period.id, ctx.region.id, ctx.indicator.id, lock=True
        )
        if submission is None:
            raise AnswerNotFound()
        if if_match is None:
            raise CreatedConcurrently()
        ctx.submission = submission
    elif if_match is None and _created_since(submission.created_at, actor.received_at):
        # The same race, seen after the winner committed (SQLite serialises writers).
        raise CreatedConcurrently()

    check_if_match(submission, if_match)
    if submission.status not in EDITABLE:
        raise InvalidTransition(
            f"Jawaban berstatus {submission.status.value} tidak dapat diubah "
            "(only draft or returned answers can be changed)"
        )
    if (submission.value, submission.narrative) != (value, data.narrative):
        before = _snapshot(submission)
        submission.value, submission.narrative = value, data.narrative
        await bump_version(session, submission, "updated", actor)
        audit_answer(
            session, actor, "submission.update", ctx, before=before, after=_snapshot(submission)
        )
    return await read(session, ctx), False


def _created_since(created_at: datetime | None, received_at: datetime | None) -> bool:
    return created_at is not None and received_at is not None and created_at >= received_at


async def _create_draft(
    session: AsyncSession,
    ctx: AnswerContext,
    actor: Actor,
    *,
    agency_id: int | None,
    value: float | None,
    narrative: str,
    now: datetime,
) -> Submission | None:
    """The new draft answer at version 1, or None if the answer exists already."""
    new_id = await repository.insert_submission_if_absent(
        session,
        {
            "period_id": ctx.period.id,
            "region_id": ctx.region.id,
            "indicator_id": ctx.indicator.id,
            "agency_id": agency_id,
            "value": value,
            "narrative": narrative,
            "status": SubmissionStatus.DRAFT,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "created_by_id": actor.user_id,
            "updated_by_id": actor.user_id,
        },
    )
    return None if new_id is None else await session.get(Submission, new_id)


async def transition(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    keys: Keys,
    action: Transition,
    if_match: str | None,
    *,
    reason: str | None = None,
    timezone: str = "Asia/Jakarta",
) -> SubmissionRead:
    capability, sources, target = TRANSITIONS[action]
    _require(principal, capability)
    ctx = await load(session, principal, keys, lock=True)
    _require_open(ctx.period)
    submission = ctx.submission
    if submission is None:
        raise AnswerNotFound()
    check_if_match(submission, if_match)
    if submission.status not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise InvalidTransition(
            f"Tidak dapat {action} jawaban berstatus {submission.status.value} "
            f"(allowed from: {allowed})",
            details=[{"status": submission.status.value, "allowed_from": sorted(sources)}],
        )
    now = utcnow()
    before = _snapshot(submission)
    if action == "submit":
        if submission.value is None:
            raise InvalidInput(
                "Isi nilai jawaban sebelum mengirim (a value is required to submit)",
                details=[{"field": "value", "message": "required to submit"}],
            )
        if ctx.indicator.evidence_required and not await repository.evidence_hashes(
            session, submission.id
        ):
            raise EvidenceMissing()
        if submission.first_submitted_at is None:
            submission.first_submitted_at = now
            # Midnight where the Pemda is (WITA in Kaltim); `timezone` is only the default.
            zone = await regions_repository.time_zone_of(session, ctx.region, timezone)
            submission.is_late = now >= deadline_cutoff(ctx.period.deadline, zone)
        submission.submitted_at = now
    elif action == "verify":
        submission.verified_at = now
    elif action == "reopen":
        submission.verified_at = None
    submission.status = target
    await bump_version(session, submission, _past(action), actor, reason=reason)
    if action in _DECISIONS:
        session.add(
            Review(
                submission_id=submission.id,
                version=submission.version,
                decision=_DECISIONS[action],
                reason=reason,
                reviewer_id=actor.user_id,
                created_at=now,
            )
        )
        # Sessions do not autoflush: without this the answer read back below would carry
        # the previous review (none, after a first return), and the verifier's page, which
        # shows what this response says, would not know why the answer went back.
        await session.flush()
    after = _snapshot(submission) | ({"reason": reason} if reason else {})
    audit_answer(session, actor, f"submission.{action}", ctx, before=before, after=after)
    return await read(session, ctx)


def _past(action: str) -> str:
    return {"submit": "submitted", "verify": "verified", "return": "returned"}.get(
        action, "reopened"
    )


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
                version=v.version,
                action=v.action,
                status=v.status,
                value=v.value,
                narrative=v.narrative,
                evidence_hashes=v.evidence_hashes or [],
                reason=v.reason,
                actor=username,
                at=v.created_at,
            )
            for v, username in await repository.history(session, ctx.submission.id)
        ],
    )


async def list_answers(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    region: str | None,
    indicator: str | None,
    agency: str | None,
    statuses: list[SubmissionStatus],
    late: bool | None,
    oldest_first: bool,
) -> SubmissionPage:
    rows, total = await repository.list_submissions(
        session,
        principal,
        page,
        period=period,
        region=region,
        indicator=indicator,
        agency=agency,
        statuses=statuses,
        late=late,
        oldest_first=oldest_first,
    )
    return SubmissionPage(
        items=[SubmissionSummary(**row, etag=f'"{row["id"]}-{row["version"]}"') for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def review_queue(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    include_closed: bool,
    region: str | None,
    agency: str | None,
    dimension: str | None,
    indicator: str | None,
    older_than_days: int | None,
) -> ReviewQueuePage:
    rows, total, counts = await repository.review_queue(
        session,
        principal,
        page,
        period=period,
        include_closed=include_closed,
        region=region,
        agency=agency,
        dimension=dimension,
        indicator=indicator,
        submitted_before=None
        if older_than_days is None
        else utcnow() - timedelta(days=older_than_days),
    )
    return ReviewQueuePage(
        items=[SubmissionSummary(**row, etag=f'"{row["id"]}-{row["version"]}"') for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
        by_region=[
            RegionCount(region=c.region, region_name=c.region_name, count=c.waiting) for c in counts
        ],
    )


async def list_tasks(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period_code: str,
    region: str | None,
    status: str | None,
    overdue: bool | None = None,
    timezone: str = "Asia/Jakarta",
) -> TaskPage:
    period = await session.scalar(select(Period).where(Period.code == period_code))
    if period is None:
        raise PeriodNotFound(f"Periode {period_code!r} tidak ditemukan (period not found)")
    # Only an open period has overdue tasks: a closed one takes no more answers, a
    # planned one has not asked for any yet. Where the deadline is over depends on the
    # Pemda's zone: midnight comes to WIT two hours before WIB.
    now = utcnow()
    candidates = {time_zones.WIB, time_zones.WITA, time_zones.WIT, timezone}
    passed = sorted(z for z in candidates if now >= deadline_cutoff(period.deadline, z))
    rows, total = await repository.list_tasks(
        session,
        principal,
        page,
        period=period,
        region=region,
        status=status,
        past_deadline=repository.deadline_passed_for_region(
            passed if period.state == PeriodState.OPEN else [], timezone
        ),
        overdue=overdue,
    )
    zones = await regions_repository.time_zones_by_code(
        session, sorted({row["region"] for row in rows}), timezone
    )
    items = []
    for row in rows:
        answered = row["id"] is not None
        zone = zones.get(row["region"], timezone)
        items.append(
            TaskRead(
                period=period.code,
                deadline=period.deadline,
                deadline_at=deadline_cutoff(period.deadline, zone),
                time_zone=zone,
                time_zone_abbreviation=time_zones.abbreviation(zone),
                region=row["region"],
                region_name=row["region_name"],
                indicator=row["indicator"],
                indicator_name=row["indicator_name"],
                dimension=row["dimension"],
                answer_type=row["answer_type"],
                target=row["target"],
                guidance=row["guidance"],
                evidence_required=row["evidence_required"],
                evidence_guidance=row["evidence_guidance"],
                agency=row["agency"],
                agency_name=row["agency_name"],
                status=row["status"] if answered else "not_started",
                value=row["value"],
                version=row["version"],
                etag=f'"{row["id"]}-{row["version"]}"' if answered else None,
                is_late=bool(row["is_late"]),
                overdue=bool(row["overdue"]),
                evidence_count=row["evidence_count"] or 0,
                last_reason=row["last_reason"],
            )
        )
    return TaskPage(items=items, total=total, limit=page.limit, offset=page.offset)


async def bulk_verify(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    items: list[AnswerKey],
    timezone: str,
) -> BulkVerifyResult:
    """Verify many answers; each succeeds or fails on its own (in its own savepoint)."""
    _require(principal, Capability.REVIEW)
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
            results.append(
                BulkVerifyItem(**keys.__dict__, status=exc.status_code, code=exc.code, etag=None)
            )
    verified = sum(1 for r in results if r.status == 200)
    return BulkVerifyResult(verified=verified, failed=len(results) - verified, items=results)


async def copy_previous(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    *,
    period_code: str,
    region_code: str | None,
) -> CopyPreviousResult:
    """Start a period's drafts from the verified answers of the previous period.

    Evidence is referenced (same stored blobs), not copied; existing answers are kept.
    """
    _require(principal, Capability.ANSWER)
    period = await session.scalar(select(Period).where(Period.code == period_code))
    if period is None:
        raise PeriodNotFound(f"Periode {period_code!r} tidak ditemukan (period not found)")
    _require_open(period)
    region_code = region_code or (principal.region_code if principal.agency_id else None)
    if region_code is None:
        raise InvalidInput(
            "Sebutkan wilayah (region is required)",
            details=[{"field": "region", "message": "required"}],
        )
    region = await session.scalar(select(Region).where(Region.code == region_code))
    if region is None or not principal.sees_region(region_code):
        raise NotFound("Wilayah tidak ditemukan (region not found)", code="region_not_found")
    previous = await repository.previous_period(session, period)
    if previous is None:
        return CopyPreviousResult(previous_period=None, created=0, skipped=0)

    tasks = await repository.list_tasks(
        session,
        principal,
        PageParams(limit=10_000, offset=0),
        period=period,
        region=region_code,
        status=None,
    )
    in_scope = {row["indicator"] for row in tasks[0]}
    wanted = {row["indicator"] for row in tasks[0] if row["id"] is None}
    old_rows = (
        await session.execute(
            select(Submission, Indicator.code)
            .join(Indicator, Submission.indicator_id == Indicator.id)
            .where(
                Submission.period_id == previous.id,
                Submission.region_id == region.id,
                Submission.status == SubmissionStatus.VERIFIED,
            )
            # One order for every caller: two copies into one Pemda then meet on the
            # same first answer, and the later waits there instead of deadlocking.
            .order_by(Indicator.code)
        )
    ).all()
    current_indicators = {
        i.code: i
        for i in await session.scalars(
            select(Indicator).where(Indicator.framework_id == period.framework_id)
        )
    }
    created = skipped = 0
    now = utcnow()
    for old, code in old_rows:
        indicator = current_indicators.get(code)
        if code not in in_scope or indicator is None:
            continue
        if code not in wanted:  # already answered this period: never overwritten
            skipped += 1
            continue
        submission = await _create_draft(
            session,
            AnswerContext(period, region, indicator, None),
            actor,
            agency_id=old.agency_id,
            value=old.value,
            narrative=old.narrative,
            now=now,
        )
        if submission is None:
            # Created since `wanted` was read, by a copy or a PUT running beside this one
            # (on PostgreSQL the insert waited for it to commit): kept, never overwritten.
            skipped += 1
            continue
        files = (
            await session.scalars(select(EvidenceFile).where(EvidenceFile.submission_id == old.id))
        ).all()
        if files:
            await session.execute(
                insert(EvidenceFile),
                [
                    {
                        "id": str(uuid.uuid4()),
                        "submission_id": submission.id,
                        "blob_sha256": f.blob_sha256,
                        "original_name": f.original_name,
                        "content_type": f.content_type,
                        "size": f.size,
                        "uploaded_by_id": f.uploaded_by_id,
                        "created_at": now,
                    }
                    for f in files
                ],
            )
        await _write_version(
            session, submission, "copied", actor, f"Disalin dari periode {previous.code}"
        )
        created += 1
    if created == 0 and skipped and actor.received_at is not None:
        newest = await repository.newest_answer_created_at(session, period.id, region.id)
        if _created_since(newest, actor.received_at):
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
