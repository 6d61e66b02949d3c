"""One Pemda report: load it in scope, read it with its answers' completeness, write
the draft (PUT, If-Match), take its transitions. The rules decide (reporting/rules.py);
this module loads, locks and records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.incidents import views as incident_views
from siaga.models import PemdaReport, Period, Region, RegionLevel, ReportState
from siaga.periods.dependencies import period_or_404
from siaga.regions import repository as regions_repository
from siaga.regions.time_zones import deadline_cutoff
from siaga.reporting import recommendation_reads, records, repository, rules
from siaga.reporting.exceptions import (
    ReportCreatedConcurrently,
    ReportNotFound,
    ReportPreconditionFailed,
    ReportPreconditionRequired,
    http_error,
)
from siaga.reporting.schemas import (
    Completeness,
    ReportEvent,
    ReportPage,
    ReportRead,
    ReportSummary,
    ReportWrite,
    Signatory,
)
from siaga.submissions.service import require_open
from siaga.submissions.workflow import Problem


@dataclass
class ReportContext:
    period: Period
    region: Region
    report: PemdaReport | None

    @property
    def label(self) -> str:
        return records.label(self.period.code, self.region.code)


def caller_of(principal: Principal) -> rules.Caller:
    return rules.Caller(principal.role, principal.capabilities, principal.region_code)


async def load(
    session: AsyncSession,
    principal: Principal,
    region_code: str,
    period_code: str,
    *,
    lock: bool = False,
) -> ReportContext:
    """The report's Pemda and period, 404 outside the caller's scope; the report itself
    (None when nobody has written it yet), FOR UPDATE with `lock`."""
    region = await repository.pemda(session, principal, region_code)
    if region is None:
        raise ReportNotFound()
    period = await period_or_404(session, period_code)
    report = await repository.get(session, period.id, region.id, lock=lock)
    return ReportContext(period, region, report)


def _refuse(problem: Problem | None, ctx: ReportContext) -> None:
    if problem is not None:
        raise http_error(problem, ctx.label)


def _check_if_match(ctx: ReportContext, if_match: str | None, *, required: bool) -> None:
    if if_match is None:
        if required:
            raise ReportPreconditionRequired()
        return
    candidates = {tag.strip() for tag in if_match.split(",")}
    current = records.etag_of(ctx.report)
    if "*" not in candidates and current not in candidates:
        raise ReportPreconditionFailed(details=[{"current_etag": current}])


async def _completeness(session: AsyncSession, ctx: ReportContext) -> Completeness:
    counts = await repository.completeness(session, ctx.period.id, ctx.region.id)
    by = {key: counts.get(key, 0) for key in ("not_started", "draft", "returned")}
    submitted, verified = counts.get("submitted", 0), counts.get("verified", 0)
    return Completeness(
        applicable=sum(counts.values()),
        submitted=submitted,
        verified=verified,
        complete=sum(by.values()) == 0,
        **by,
    )


async def read(session: AsyncSession, ctx: ReportContext, *, timezone: str) -> ReportRead:
    """The report; `timezone`: the default zone (settings) for a Pemda without one, which
    decides its recommendations' overdue flags."""
    report = ctx.report
    zone = await regions_repository.time_zone_of(session, ctx.region, timezone)
    events = await repository.history(session, report.id) if report else []
    names = await repository.usernames(
        session,
        [
            report.submitted_by_id if report else None,
            report.accepted_by_id if report else None,
            report.returned_by_id if report else None,
            report.unaccepted_by_id if report else None,
        ],
    )

    def name(user_id: int | None) -> str | None:
        return names.get(user_id) if user_id is not None else None

    state = records.state_of(report)
    return ReportRead(
        period=ctx.period.code,
        region=ctx.region.code,
        region_name=ctx.region.name,
        level=ctx.region.level,
        state=state.state,
        receipt_number=state.receipt_number,
        first_submitted_at=state.first_submitted_at,
        submitted_at=state.submitted_at,
        accepted_at=report.accepted_at if report else None,
        late=state.is_late,
        version=state.version,
        time_zone=zone,
        etag=records.etag_of(report),
        situation=report.situation if report else "",
        risks=report.risks if report else "",
        obstacles=report.obstacles if report else "",
        conclusion=report.conclusion if report else "",
        signatory=Signatory(
            name=report.signatory_name if report else "",
            nip=report.signatory_nip if report else "",
            position=report.signatory_position if report else "",
        ),
        submitted_by=name(report.submitted_by_id) if report else None,
        accepted_by=name(report.accepted_by_id) if report else None,
        returned_at=report.returned_at if report else None,
        returned_by=name(report.returned_by_id) if report else None,
        return_reason=report.return_reason if report else None,
        unaccepted_at=report.unaccepted_at if report else None,
        unaccepted_by=name(report.unaccepted_by_id) if report else None,
        unaccept_reason=report.unaccept_reason if report else None,
        updated_at=report.updated_at if report else None,
        completeness=await _completeness(session, ctx),
        history=[
            ReportEvent(
                version=e.version,
                action=e.action,
                state=e.state,
                reason=e.reason,
                actor=e.actor_label,
                at=e.created_at,
            )
            for e in events
        ],
        recommendations=await recommendation_reads.for_report(
            session, ctx.region, ctx.period, timezone, zone=zone
        ),
        incidents=await incident_views.period_summary(
            session, ctx.region.code, ctx.period.start_date, ctx.period.end_date
        ),
    )


async def get_report(
    session: AsyncSession, principal: Principal, region: str, period: str, *, timezone: str
) -> ReportRead:
    return await read(session, await load(session, principal, region, period), timezone=timezone)


async def list_reports(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    period: str | None,
    region: str | None,
    states: list[ReportState],
    timezone: str,
) -> ReportPage:
    rows, total = await repository.list_reports(
        session,
        principal,
        page,
        period=period,
        region=region,
        states=states,
        default_zone=timezone,
    )
    return ReportPage(
        items=[
            ReportSummary(
                period=row.period,
                region=row.region,
                region_name=row.region_name,
                level=row.level,
                state=row.report.state,
                receipt_number=row.report.receipt_number,
                first_submitted_at=row.report.first_submitted_at,
                submitted_at=row.report.submitted_at,
                accepted_at=row.report.accepted_at,
                late=row.report.is_late,
                version=row.report.version,
                time_zone=row.time_zone,
            )
            for row in rows
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def put_report(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    region_code: str,
    period_code: str,
    data: ReportWrite,
    if_match: str | None,
    *,
    timezone: str,
) -> tuple[ReportRead, bool]:
    """Write the draft (or a returned report); creates it on the first PUT. Returns
    (report, created)."""
    ctx = await load(session, principal, region_code, period_code, lock=True)
    if not rules.may_write(caller_of(principal), ctx.region.code):
        _refuse(rules.forbidden("write"), ctx)
    require_open(ctx.period)
    content = data.model_dump()
    now = utcnow()
    if ctx.report is None:
        _check_if_match(ctx, if_match, required=False)
        new_id = await repository.insert_if_absent(
            session,
            {
                "period_id": ctx.period.id,
                "region_id": ctx.region.id,
                "state": ReportState.DRAFT,
                "situation": "",
                "risks": "",
                "obstacles": "",
                "conclusion": "",
                "signatory_name": "",
                "signatory_nip": "",
                "signatory_position": "",
                "is_late": False,
                "version": 0,
                "created_at": now,
                "updated_at": now,
                "updated_by_id": actor.user_id,
            },
        )
        ctx.report = await repository.get(session, ctx.period.id, ctx.region.id, lock=True)
        assert ctx.report is not None
        if new_id is None and if_match is None:
            # Another request created it since this one looked.
            raise ReportCreatedConcurrently()
        created = new_id is not None
    else:
        _check_if_match(ctx, if_match, required=True)
        created = False
    report = ctx.report
    _refuse(rules.check_editable(report.state), ctx)
    before = records.content_of(report)
    if before != content or created:
        records.set_content(report, content)
        report.version += 1
        report.updated_at, report.updated_by_id = now, actor.user_id
        await records.write(
            session,
            actor,
            report,
            records.WRITTEN,
            region_code=ctx.region.code,
            period_code=ctx.period.code,
            before=None if created else before,
            after=content,
        )
    return await read(session, ctx, timezone=timezone), created


async def _preconditions(
    session: AsyncSession, ctx: ReportContext, action: rules.Action, reason: str | None
) -> Problem | None:
    """What the transition needs beyond who and which state (rules' order of checks)."""
    report = ctx.report
    if action == "submit":
        assert report is not None  # transition() refused an unwritten report
        problem = rules.check_content(
            {name: getattr(report, name) for name in rules.SECTIONS},
            records.content_of(report)["signatory"],
        )
        if problem is not None:
            return problem
    if action in ("submit", "accept"):
        missing = await repository.missing_answers(session, ctx.period.id, ctx.region.id)
        problem = rules.answers_incomplete(
            [
                {
                    "indicator": m.indicator,
                    "indicator_name": m.indicator_name,
                    "agency": m.agency,
                    "status": m.status.value if m.status else None,
                }
                for m in missing
            ]
        )
        if problem is not None:
            return problem
    if action == "submit" and ctx.region.level == RegionLevel.PROVINCE:
        pending = await repository.pending_children(session, ctx.period.id, ctx.region)
        return rules.reports_pending(
            [{"region": p.region, "region_name": p.region_name, "state": p.state} for p in pending]
        )
    problem = rules.check_reason(action, reason)
    if problem is None and action == "unaccept":
        problem = rules.check_unaccept(
            await repository.parent_accepted(session, ctx.period.id, ctx.region)
        )
    return problem


async def transition(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    region_code: str,
    period_code: str,
    action: rules.Action,
    if_match: str | None,
    *,
    reason: str | None = None,
    timezone: str = "Asia/Jakarta",
) -> ReportRead:
    """Take the transition on the report, locked FOR UPDATE: two submissions of one
    report serialise (the second finds it submitted: one receipt), and an acceptance
    waits for any answer writer of the Pemda to commit, then checks the answers again."""
    ctx = await load(session, principal, region_code, period_code, lock=True)
    caller = caller_of(principal)
    if action == "submit":
        if not rules.may_write(caller, ctx.region.code):
            _refuse(rules.forbidden(action), ctx)
        require_open(ctx.period)
    else:
        _refuse(rules.check_reviewer(caller, ctx.region.code), ctx)
    _check_if_match(ctx, if_match, required=False)
    before = records.state_of(ctx.report)
    _refuse(rules.check_transition(action, before.state), ctx)
    report = ctx.report
    if report is None:
        # Never written: a draft with nothing in it, which only submit accepts as a state.
        _refuse(rules.check_content({}, {}), ctx)
    assert report is not None
    _refuse(await _preconditions(session, ctx, action, reason), ctx)
    now = utcnow()
    receipt, cutoff = None, now
    if action == "submit" and before.first_submitted_at is None:
        ordinal = await repository.receipt_ordinal(session, ctx.period.id)
        receipt = rules.receipt_number(ctx.region.code, ctx.period.code, ordinal)
        zone = await regions_repository.time_zone_of(session, ctx.region, timezone)
        cutoff = deadline_cutoff(ctx.period.deadline, zone)
    after = rules.take(before, action, now=now, cutoff=cutoff, receipt=receipt)
    records.apply(report, after, action, actor, now, reason)
    await records.write(
        session,
        actor,
        report,
        action,
        region_code=ctx.region.code,
        period_code=ctx.period.code,
        before=records.snapshot(before),
        after=records.snapshot(after, reason=reason),
        reason=reason,
    )
    records.write_event(
        session,
        actor,
        action,
        region_code=ctx.region.code,
        period_code=ctx.period.code,
        change=(before, after),
        reason=reason,
        at=now,
    )
    return await read(session, ctx, timezone=timezone)
