"""The demo's Pemda reports (issue 19), as seed.demo_plan tells: accepted for every Pemda
in the closed periods (a few late, the province after its regencies and cities), and in
the open periods sent, returned or accepted for the Pemda ahead of the others, drafts
for the rest. Each act comes at a time that follows the Pemda's answers (no clock, no
randomness), told by reporting.rules as the API would, and idempotent: an existing
report is left as users changed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Agency,
    PemdaReport,
    PemdaReportEvent,
    Period,
    PeriodState,
    RecommendationStatus,
    Region,
    ReportRecommendation,
    ReportState,
    Submission,
    User,
)
from siaga.regions.time_zones import WIB, deadline_cutoff, province_zone
from siaga.reporting import records, repository, rules
from siaga.seed import demo_plan
from siaga.seed.demo_users import verifier_of

RETURN_REASON = "Bagian risiko konflik belum menyebut kecamatan rawan; mohon dilengkapi."
RECOMMENDATIONS = (
    "Perkuat koordinasi Forkopimda dalam pemantauan tahapan pemilu di kecamatan rawan.",
    "Tambahkan anggaran dan personel untuk pemantauan di daerah terpencil.",
    "Lakukan sosialisasi netralitas ASN kepada seluruh perangkat daerah.",
    "Mutakhirkan data pemilih bersama Disdukcapil sebelum penetapan DPT.",
    "Siapkan rencana kontinjensi pengamanan bersama Satpol PP.",
)
IN_PROGRESS_NOTE = "Rapat koordinasi pertama sudah dilaksanakan; tindak lanjut berjalan."
DONE_NOTE = "Sudah dilaksanakan; notulen dan daftar hadir disimpan di Kesbangpol."
# Follow-up states by recommendation (first, second, third) and period: closed periods'
# recommendations are done but for one in progress (carried into the later reports,
# overdue); open periods' are a mix.
OPEN_FATE = (
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.OPEN,
    RecommendationStatus.DONE,
)


def _content(region: Region, period: Period) -> dict[str, object]:
    return {
        "situation": f"Situasi politik di {region.name} pada {period.code} kondusif; tahapan "
        "pemilu berjalan sesuai jadwal.",
        "risks": "Potensi gesekan antarpendukung pada masa kampanye di beberapa kecamatan.",
        "obstacles": "Keterbatasan anggaran dan personel pemantauan di daerah terpencil.",
        "conclusion": "Kondisi terkendali; koordinasi dengan Forkopimda dilanjutkan.",
        "signatory": {
            "name": f"Kepala Kesbangpol {region.name}",
            "nip": f"1975{int(region.code.replace('.', '')):06d}19990310"[:18],
            "position": f"Kepala Badan Kesatuan Bangsa dan Politik {region.name}",
        },
    }


def _recommendations(
    report: PemdaReport,
    period: Period,
    position: int,
    agencies: list[Agency],
    author: User,
    zone: ZoneInfo,
) -> list[ReportRecommendation]:
    """Two or three recommendations of one report, due one, two and three months after
    the quarter (dates relative to the period, like the rest of the demo: seen from a
    later date, those not done are overdue)."""
    closed = period.state == PeriodState.CLOSED
    made = []
    for k in range(2 + position % 2):
        status = OPEN_FATE[k]
        if closed:
            # The first Pemda's second one of the last closed quarter is still going on.
            carried = k == 1 and position == 0 and period.code.endswith("Q3")
            status = RecommendationStatus.IN_PROGRESS if carried else RecommendationStatus.DONE
        due_on: date = period.end_date + timedelta(days=30 * (k + 1))
        changed = datetime.combine(due_on - timedelta(days=10), time(10), zone)
        done = status == RecommendationStatus.DONE
        made.append(
            ReportRecommendation(
                period_id=period.id,
                region_id=report.region_id,
                agency_id=agencies[(position + k) % len(agencies)].id,
                text=RECOMMENDATIONS[(position + k) % len(RECOMMENDATIONS)],
                due_on=due_on,
                status=status,
                follow_up={
                    RecommendationStatus.OPEN: "",
                    RecommendationStatus.IN_PROGRESS: IN_PROGRESS_NOTE,
                    RecommendationStatus.DONE: DONE_NOTE,
                }[status],
                version=1 if status == RecommendationStatus.OPEN else 2,
                created_at=report.created_at,
                created_by_id=author.id,
                updated_at=report.created_at if status == RecommendationStatus.OPEN else changed,
                updated_by_id=author.id,
                done_at=changed if done else None,
            )
        )
    return made


@dataclass(frozen=True, slots=True)
class _Story:
    """One report's life: written, then each act with its time (none: still a draft)."""

    region: Region
    position: int
    written_at: datetime
    steps: tuple[tuple[rules.Action, datetime], ...]

    def first_sent(self) -> datetime | None:
        return next((at for action, at in self.steps if action == "submit"), None)


def _next_morning(at: datetime, zone: ZoneInfo) -> datetime:
    """Ten o'clock on the day after `at` in the Pemda's zone: reviewers work in the office."""
    return datetime.combine(at.astimezone(zone).date() + timedelta(days=1), time(10), zone)


async def _story(
    session: AsyncSession,
    period: Period,
    region: Region,
    position: int,
    zone: ZoneInfo,
    after: datetime | None,
) -> _Story:
    """When the report was written and what happened to it (demo_plan), at times that
    follow the Pemda's answers: sent after its last answer was sent (and, for a province,
    after `after`, its regencies' and cities' last acceptance), on time unless the plan
    says late; accepted or returned the next morning, and an acceptance only after the
    verifier's last review of its answers (which an acceptance locks)."""
    written_at = datetime.combine(period.deadline - timedelta(days=6), time(8), zone)
    written_at += timedelta(minutes=37 * position)
    fate = demo_plan.report_fate(period, region.code)
    # Answers changed by users since an earlier seed may no longer allow it: the rules
    # would refuse the submission, so the report stays a draft.
    if fate and await repository.missing_answers(session, period.id, region.id):
        fate = ()
    if (
        fate
        and region.parent_id is None
        and await repository.pending_children(session, period.id, region)
    ):
        fate = ()
    if not fate:
        return _Story(region, position, written_at, ())
    last_sent, last_change = (
        await session.execute(
            select(func.max(Submission.submitted_at), func.max(Submission.updated_at)).where(
                Submission.period_id == period.id, Submission.region_id == region.id
            )
        )
    ).one()
    assert last_sent is not None  # every applicable answer was sent
    if demo_plan.is_late(period, region.code):
        at = datetime.combine(period.deadline + timedelta(days=2), time(9), zone)
    else:
        at = written_at + timedelta(days=1 + position % 3, hours=1)
    at = max(at, last_sent + timedelta(hours=2))
    if after is not None:
        at = max(at, after + timedelta(hours=2))
    steps: list[tuple[rules.Action, datetime]] = []
    for action in fate:
        if steps:
            at = _next_morning(at, zone)
        if action == "accept" and at <= last_change:
            at = _next_morning(last_change, zone)
        steps.append((action, at))
    return _Story(region, position, written_at, tuple(steps))


def _arrival(story: _Story) -> tuple[bool, datetime]:
    """Sent reports in order of their first submission (their receipts' order), then drafts."""
    sent = story.first_sent()
    return (sent is None, sent or story.written_at)


async def seed_reports(
    session: AsyncSession, periods: list[Period], regions: list[Region], users: dict[str, User]
) -> int:
    """Reports created. Regencies and cities come before their province, whose
    submission needs them accepted (rules: reports_pending); receipts are numbered in
    order of arrival."""
    province = next(r for r in regions if r.parent_id is None)
    ordered = sorted(regions, key=lambda r: (r.parent_id is None, r.code))
    existing = set(
        (await session.execute(select(PemdaReport.period_id, PemdaReport.region_id))).all()
    )
    agencies: dict[int, list[Agency]] = {}
    for agency in (
        await session.scalars(select(Agency).where(Agency.is_active).order_by(Agency.code))
    ).all():
        agencies.setdefault(agency.region_id, []).append(agency)
    zone = ZoneInfo(province_zone(province.code) or WIB)
    created = 0
    for period in periods:
        cutoff = deadline_cutoff(period.deadline, zone.key)
        stories = [
            await _story(session, period, region, position, zone, None)
            for position, region in enumerate(ordered)
            if region.parent_id is not None and (period.id, region.id) not in existing
        ]
        for story in sorted(stories, key=_arrival):
            await _write(session, story, period, province, users, agencies, zone, cutoff)
        if (period.id, province.id) not in existing:
            after = await session.scalar(
                select(func.max(PemdaReport.accepted_at))
                .join(Region, PemdaReport.region_id == Region.id)
                .where(PemdaReport.period_id == period.id, Region.parent_id == province.id)
            )
            story = await _story(session, period, province, len(ordered) - 1, zone, after)
            await _write(session, story, period, province, users, agencies, zone, cutoff)
            stories.append(story)
        created += len(stories)
    return created


async def _write(
    session: AsyncSession,
    story: _Story,
    period: Period,
    province: Region,
    users: dict[str, User],
    agencies: dict[int, list[Agency]],
    zone: ZoneInfo,
    cutoff: datetime,
) -> None:
    """The report, its history and its recommendations, each act told by reporting.rules."""
    region = story.region
    coordinator = users[f"koordinator.{region.code}"]
    verifier = users[verifier_of(region, province)[0]]
    report = PemdaReport(
        period_id=period.id,
        region_id=region.id,
        state=ReportState.DRAFT,
        is_late=False,
        version=1,
        created_at=story.written_at,
        updated_at=story.written_at,
        updated_by_id=coordinator.id,
    )
    records.set_content(report, _content(region, period))
    session.add(report)
    await session.flush()
    events: list[tuple[str, User, datetime, str | None, ReportState, int]] = [
        (records.WRITTEN, coordinator, story.written_at, None, report.state, 1)
    ]
    state = records.state_of(report)
    for action, at in story.steps:
        assert rules.check_transition(action, state.state) is None  # the plan follows the rules
        actor = coordinator if action == "submit" else verifier
        receipt = None
        if action == "submit" and state.receipt_number is None:
            ordinal = await repository.receipt_ordinal(session, period.id)
            receipt = rules.receipt_number(region.code, period.code, ordinal)
        reason = RETURN_REASON if action == "return" else None
        state = rules.take(state, action, now=at, cutoff=cutoff, receipt=receipt)
        report.state, report.version = state.state, state.version
        report.receipt_number, report.is_late = state.receipt_number, state.is_late
        report.first_submitted_at = state.first_submitted_at
        report.submitted_at = state.submitted_at
        report.updated_at, report.updated_by_id = at, actor.id
        if action == "submit":
            report.submitted_by_id = actor.id
        elif action == "accept":
            report.accepted_at, report.accepted_by_id = at, actor.id
        else:
            report.returned_at, report.returned_by_id = at, actor.id
            report.return_reason = reason
        # Flushed at each receipt, so the next ordinal counts it.
        await session.flush()
        events.append((action, actor, at, reason, state.state, state.version))
    session.add_all(
        PemdaReportEvent(
            report_id=report.id,
            version=version,
            action=action,
            state=state_after,
            reason=reason,
            actor_user_id=actor.id,
            actor_label=actor.username,
            created_at=at,
        )
        for action, actor, at, reason, state_after, version in events
    )
    if agencies.get(region.id):
        session.add_all(
            _recommendations(report, period, story.position, agencies[region.id], coordinator, zone)
        )
    await session.flush()
