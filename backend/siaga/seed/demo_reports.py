"""The demo's Pemda reports (issue 19): accepted in the closed periods for every Pemda
whose answers allow it (all applicable answers sent; a province once its regencies and
cities are accepted), and in the open periods a mix: drafts being written, and for the
Pemda whose answers are complete, reports sent or returned. Deterministic (no clock, no
randomness: each report's fate follows from its position), told by reporting.rules as
the API would, and idempotent: an existing report is left as users changed it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
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
    User,
)
from siaga.regions.time_zones import WIB, deadline_cutoff, province_zone
from siaga.reporting import records, repository, rules
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


def _fate(period: Period, region: Region, position: int, complete: bool) -> list[rules.Action]:
    """What happened to the report after it was written."""
    if not complete:
        return []
    if period.state == PeriodState.CLOSED:
        return ["submit", "accept"]
    # Open periods: sent, sent and returned, or still a draft, in turn.
    return [["submit"], ["submit", "return"], []][position % 3]  # type: ignore[return-value]


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


async def seed_reports(
    session: AsyncSession, periods: list[Period], regions: list[Region], users: dict[str, User]
) -> int:
    """Reports created. Regencies and cities come before their province, whose
    submission needs them accepted (rules: reports_pending)."""
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
    created = 0
    for period in periods:
        ordinal = await repository.receipt_ordinal(session, period.id)
        zone = ZoneInfo(province_zone(province.code) or WIB)
        for position, region in enumerate(ordered):
            if (period.id, region.id) in existing:
                continue
            complete = not await repository.missing_answers(session, period.id, region.id)
            if complete and region.parent_id is None:
                complete = not await repository.pending_children(session, period.id, region)
            coordinator = users[f"koordinator.{region.code}"]
            verifier = users[verifier_of(region, province)[0]]
            # Written two days before the deadline; every fourth sent two days late.
            written_at = datetime.combine(period.deadline, time(9), zone) - timedelta(days=2)
            late = position % 4 == 3
            sent_at = written_at + timedelta(days=4 if late else 1)
            cutoff = deadline_cutoff(period.deadline, zone.key)
            report = PemdaReport(
                period_id=period.id,
                region_id=region.id,
                state=ReportState.DRAFT,
                is_late=False,
                version=1,
                created_at=written_at,
                updated_at=written_at,
                updated_by_id=coordinator.id,
            )
            records.set_content(report, _content(region, period))
            session.add(report)
            await session.flush()
            events: list[tuple[str, User, datetime, str | None, ReportState, int]] = [
                (records.WRITTEN, coordinator, written_at, None, report.state, 1)
            ]
            state = records.state_of(report)
            for step, action in enumerate(_fate(period, region, position, complete), 1):
                at = sent_at + timedelta(hours=3 * (step - 1))
                actor = coordinator if action == "submit" else verifier
                receipt = None
                if action == "submit":
                    receipt = rules.receipt_number(region.code, period.code, ordinal)
                    ordinal += 1
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
                    _recommendations(
                        report, period, position, agencies[region.id], coordinator, zone
                    )
                )
            await session.flush()
            created += 1
    return created
