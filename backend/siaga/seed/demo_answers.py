"""The demo's answers: what each Pemda answers (drawn from a fixed random seed), and the
life each answer has lived, told by the answer workflow.

The seed chooses only what a person would: the value, the narrative, whether and when the
operator submits (before or after the deadline), whether and when the verifier verifies
or returns it, and with which reason. Everything that follows from those acts (the value
as stored, each status, version, timestamp, lateness and history snapshot) is
siaga.submissions.workflow's, as for answers made through the API.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from siaga.core.security import ROLE_CAPABILITIES
from siaga.models import (
    Agency,
    AnswerType,
    Indicator,
    Period,
    Region,
    Role,
    SubmissionStatus,
    User,
)
from siaga.regions import time_zones
from siaga.seed.pdf import simple_pdf
from siaga.submissions import workflow
from siaga.submissions.workflow import Action, Answer

DEMO_SEED = 20240214  # election day; any fixed number keeps the demo reproducible
# Kalimantan Timur's zone: the demo's operators work office hours there.
WITA = ZoneInfo(time_zones.WITA)

# Starting capability of each Pemda (0..1): spread so categories range from
# belum_siap to siap, as in any real province.
CAPABILITY = {
    "64": 0.78,
    "64.01": 0.55,
    "64.02": 0.70,
    "64.03": 0.48,
    "64.07": 0.36,
    "64.08": 0.52,
    "64.09": 0.42,
    "64.11": 0.22,
    "64.71": 0.86,
    "64.72": 0.80,
    "64.74": 0.66,
}

# Status mix per period: (verified, submitted, returned, draft, missing) weights, for a
# Pemda still answering (and for seed.bench). A Pemda that sends everything (demo_plan:
# every Pemda in the closed quarters) draws from it too, but answers all (draw_answer).
STATUS_MIX = {
    "2023-Q1": (88, 4, 2, 3, 3),
    "2023-Q2": (90, 3, 2, 2, 3),
    "2023-Q3": (91, 3, 2, 2, 2),
    "2023-Q4": (50, 24, 9, 12, 5),
    "2024-Q1": (14, 30, 10, 24, 22),
}

RETURN_REASONS = [
    "Bukti dukung belum ditandatangani pejabat berwenang.",
    "Dokumen yang diunggah tidak sesuai dengan indikator; mohon unggah SK yang benar.",
    "Nilai capaian tidak sesuai dengan laporan realisasi (SP2D) yang dilampirkan.",
    "Daftar hadir dan notulen rapat belum dilampirkan.",
    "Foto dokumentasi tidak memuat tanggal dan lokasi kegiatan.",
]
NARRATIVES = {
    AnswerType.LEVEL: [
        "Kegiatan telah dilaksanakan sesuai rencana kerja triwulan.",
        "Pelaksanaan masih sebagian; tindak lanjut dijadwalkan triwulan berikutnya.",
        "Sudah terlaksana dan dievaluasi bersama Forkopimda.",
    ],
    AnswerType.YES_NO: ["Laporan telah disampaikan kepada Gubernur dan Kemendagri."],
    AnswerType.PERCENT: [
        "Capaian dihitung dari laporan realisasi per akhir triwulan.",
        "Data bersumber dari rekapitulasi perangkat daerah.",
    ],
    AnswerType.COUNT: [
        "Kegiatan dilaksanakan bersama KPU dan Bawaslu setempat.",
        "Rincian kegiatan terlampir dalam laporan.",
    ],
}
# The acts after submitting that leave an answer in each seeded status.
_REVIEW: dict[SubmissionStatus, Action] = {
    SubmissionStatus.VERIFIED: "verify",
    SubmissionStatus.RETURNED: "return",
}


def ability_of(region: Region, quarter: int) -> float:
    """How well a Pemda answers in the demo's n-th quarter: most improve quarter by
    quarter, weaker ones more slowly."""
    start = CAPABILITY.get(region.code, 0.5)
    return min(start + 0.05 * quarter * (0.5 + start), 0.97)


def _value_for(indicator: Indicator, ability: float, rng: random.Random) -> float:
    noise = rng.gauss(0, 0.12)
    level = min(max(ability + noise, 0.0), 1.0)
    if indicator.answer_type == AnswerType.LEVEL:
        return float(round(level * 4))
    if indicator.answer_type == AnswerType.YES_NO:
        return 1.0 if rng.random() < ability + 0.1 else 0.0
    if indicator.answer_type == AnswerType.PERCENT:
        return round(level * 100, 1)
    target = indicator.target or 1.0
    return float(max(0, round(level * target * 1.25)))


def _at(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(hour=rng.randint(8, 16), minute=rng.randint(0, 59)))
    return local.replace(tzinfo=WITA).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Draws:
    """The random choices behind one answer."""

    status: SubmissionStatus  # where the answer's life ends
    value: float
    narrative: str
    late: bool  # submitted after the deadline day
    submit_offset: int
    reason: str
    with_evidence: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """What one Pemda does with one period's answers (seed.demo_plan)."""

    mix: tuple[int, int, int, int, int]  # STATUS_MIX of its period
    sends_everything: bool  # every applicable answer sent: its report goes up
    reviews_everything: bool  # (sends_everything only) none left waiting for review
    late: bool  # (sends_everything only) some answers and its report sent late


def _ahead(submit_offset: int) -> int:
    """A Pemda that sends everything sends each answer 10 to 25 days before the deadline
    day (the drawn -25..9 spread over that span), so that the verifier reviews it (one
    to six days later) and accepts the report before the deadline, and the province can
    still report on time after its regencies and cities."""
    return -25 + (submit_offset + 25) * 15 // 34


def draw_answer(
    rng: random.Random, indicator: Indicator, ability: float, plan: Plan
) -> Draws | None:
    """The choices for one answer, or None for an answer the Pemda leaves missing. Draws
    the same numbers whatever the plan, so that one answer's draws never shift another's
    (the weakness draw is skipped after an outcome drawn missing, as it always was:
    drawing it now would move every later answer's numbers)."""
    outcome = rng.choices(range(5), weights=plan.mix)[0]
    value = _value_for(indicator, ability, rng)
    narrative = rng.choice(NARRATIVES[indicator.answer_type])
    late = rng.random() < 0.08
    submit_offset = rng.randint(-25, 9)
    reason = rng.choice(RETURN_REASONS)
    optional_evidence = rng.random() < 0.5
    # Weaker Pemda leave more answers missing.
    missing = outcome == 4 or rng.random() > ability + 0.35
    with_evidence = indicator.evidence_required or optional_evidence
    if plan.sends_everything:
        # It answers everything, weak or not (a weak Pemda with low values): what a Pemda
        # still answering would have left missing, in draft or returned is verified;
        # what the mix leaves waiting for review is still submitted, unless reviewed.
        waiting = outcome == 1 and not plan.reviews_everything
        return Draws(
            status=SubmissionStatus.SUBMITTED if waiting else SubmissionStatus.VERIFIED,
            value=value,
            narrative=narrative,
            late=late and plan.late,
            submit_offset=_ahead(submit_offset),
            reason=reason,
            with_evidence=with_evidence,
        )
    if missing:
        return None
    status = [
        SubmissionStatus.VERIFIED,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.DRAFT,
    ][outcome]
    return Draws(
        status=status,
        value=value,
        narrative=narrative,
        late=late and status != SubmissionStatus.DRAFT,
        submit_offset=submit_offset,
        reason=reason,
        with_evidence=with_evidence,
    )


@dataclass(frozen=True, slots=True)
class SeededAnswer:
    """One answer as the seed inserts it: its row, its history, its reviews, its files."""

    row: dict[str, Any]
    versions: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    evidence: list[tuple[str, bytes]]  # (file name, content)


def _evidence(indicator: Indicator, region: Region, period: Period, agency: Agency) -> bytes:
    return simple_pdf(
        [
            f"Bukti dukung indikator {indicator.code}",
            indicator.name[:90],
            f"{agency.name}"[:90],
            f"Periode {period.name} ({period.code})",
            "Dokumen contoh untuk data demo Siaga.",
        ]
    )


def _version(
    answer: Answer,
    action: str,
    hashes: list[str],
    actor: User,
    at: datetime,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        **workflow.snapshot(answer),
        "action": action,
        "evidence_hashes": hashes,
        "reason": reason,
        "actor_user_id": actor.id,
        "created_at": at,
    }


def build_answer(
    draws: Draws,
    period: Period,
    region: Region,
    indicator: Indicator,
    agency: Agency,
    operator: User,
    verifier: User,
    verifier_scope: str | None,
) -> SeededAnswer:
    """The answer's life through the workflow: created as a draft by the operator,
    submitted (on time or late), then verified or returned by the verifier, whose scope
    (`verifier_scope`, None: national) the workflow checks is above the region."""
    rng = random.Random(f"{DEMO_SEED}:{period.code}:{region.code}:{indicator.code}")
    created = _at(period.end_date - timedelta(days=30 - rng.randint(0, 10)), rng)
    # A late answer is sent days after the deadline day, an answer on time on or before
    # it: lateness itself is the workflow's judgement of that time.
    submit_day = (
        period.deadline + timedelta(days=rng.randint(3, 20))
        if draws.late
        else (period.deadline + timedelta(days=min(draws.submit_offset, 0)))
    )
    submitted = max(_at(submit_day, rng), created + timedelta(hours=1))
    evidence: list[tuple[str, bytes]] = []
    hashes: list[str] = []
    if draws.with_evidence:
        content = _evidence(indicator, region, period, agency)
        evidence.append((f"bukti-{indicator.code}-{region.code}-{period.code}.pdf", content))
        hashes.append(hashlib.sha256(content).hexdigest())
    # A city has no zone stored and inherits its province's.
    zone = region.time_zone or time_zones.province_zone(region.code) or time_zones.WIB
    cutoff = time_zones.deadline_cutoff(period.deadline, zone)

    value = workflow.parse_value(indicator.answer_type, draws.value)
    answer = workflow.new_draft(value, draws.narrative)
    # The files of a draft are listed from its first version; an answer that goes on is
    # shown with them from its submission.
    first_hashes = hashes if draws.status == SubmissionStatus.DRAFT else []
    versions = [_version(answer, workflow.CREATED, first_hashes, operator, created)]
    reviews: list[dict[str, Any]] = []
    last_change = created
    if draws.status != SubmissionStatus.DRAFT:
        answer = workflow.take(
            answer,
            "submit",
            capabilities=ROLE_CAPABILITIES[Role.OPERATOR],
            now=submitted,
            cutoff=cutoff,
            evidence_required=indicator.evidence_required,
            evidence_files=len(evidence),
        )
        submit = workflow.TRANSITIONS["submit"]
        versions.append(_version(answer, submit.recorded_as, hashes, operator, submitted))
        last_change = submitted
        review = _REVIEW.get(draws.status)
        if review is not None:
            reviewed = submitted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            rule = workflow.TRANSITIONS[review]
            reason = draws.reason if rule.needs_reason else None
            answer = workflow.take(
                answer,
                review,
                capabilities=ROLE_CAPABILITIES[Role.VERIFIER],
                now=reviewed,
                cutoff=cutoff,
                reason=reason,
                scope=verifier_scope,
                region=region.code,
            )
            versions.append(_version(answer, rule.recorded_as, hashes, verifier, reviewed, reason))
            reviews.append(
                {
                    "version": answer.version,
                    "decision": rule.decision,
                    "reason": reason,
                    "reviewer_id": verifier.id,
                    "created_at": reviewed,
                }
            )
            last_change = reviewed
    assert answer.status == draws.status  # the acts drawn lead where the mix says

    row = {
        "period_id": period.id,
        "region_id": region.id,
        "indicator_id": indicator.id,
        "agency_id": agency.id,
        "value": answer.value,
        "narrative": answer.narrative,
        "status": answer.status,
        "version": answer.version,
        "is_late": answer.is_late,
        "created_at": created,
        "updated_at": last_change,
        "first_submitted_at": answer.first_submitted_at,
        "submitted_at": answer.submitted_at,
        "verified_at": answer.verified_at,
        "created_by_id": operator.id,
        "updated_by_id": operator.id,
    }
    return SeededAnswer(row, versions, reviews, evidence)
