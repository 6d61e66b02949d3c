"""The demo's Pemda reports (issue 19): accepted in the closed periods for every Pemda
whose answers allow it (all applicable answers sent; a province once its regencies and
cities are accepted), and in the open periods a mix: drafts being written, and for the
Pemda whose answers are complete, reports sent or returned. Deterministic (no clock, no
randomness: each report's fate follows from its position), told by reporting.rules as
the API would, and idempotent: an existing report is left as users changed it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    PemdaReport,
    PemdaReportEvent,
    Period,
    PeriodState,
    Region,
    ReportState,
    User,
)
from siaga.regions.time_zones import WIB, deadline_cutoff, province_zone
from siaga.reporting import records, repository, rules
from siaga.seed.demo_users import verifier_of

RETURN_REASON = "Bagian risiko konflik belum menyebut kecamatan rawan; mohon dilengkapi."


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
            await session.flush()
            created += 1
    return created
