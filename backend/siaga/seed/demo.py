"""The demo data set: Kalimantan Timur, the PEMILU2024 framework, periods, users, answers.

Everything is deterministic (fixed random seed) and idempotent: seeding twice creates
nothing new, and answers that already exist are left as users changed them.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import SYSTEM, record
from siaga.core.security import hash_password
from siaga.core.storage import Storage, key_for_sha256
from siaga.models import (
    Agency,
    AnswerType,
    EvidenceBlob,
    EvidenceFile,
    Indicator,
    Period,
    PeriodState,
    Region,
    RegionLevel,
    Review,
    ReviewDecision,
    Role,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    User,
)
from siaga.regions import time_zones
from siaga.seed.pdf import simple_pdf
from siaga.seed.reference import (
    RegionRow,
    indicator_applies,
    load_boundaries_if_missing,
    load_json,
    upsert_agencies,
    upsert_agency_types,
    upsert_framework,
    upsert_periods,
    upsert_regions,
)

DEMO_SEED = 20240214  # election day; any fixed number keeps the demo reproducible
# One account per role, named on the sign-in page of a development installation (GET
# /instance) while the seed's password still opens them; _ensure_users creates them.
SHOWCASE_USERNAMES = ("admin", "verifikator.64", "pemantau.64", "operator.64.72.kesbangpol")
# Kalimantan Timur's zone: the demo's operators work office hours there.
WITA = ZoneInfo(time_zones.WITA)

PERIOD_STATES = {
    "2023-Q1": PeriodState.CLOSED,
    "2023-Q2": PeriodState.CLOSED,
    "2023-Q3": PeriodState.CLOSED,
    "2023-Q4": PeriodState.OPEN,
    "2024-Q1": PeriodState.OPEN,
    "2024-Q2": PeriodState.PLANNED,
    "2024-Q3": PeriodState.PLANNED,
    "2024-Q4": PeriodState.PLANNED,
}
ANSWERED_PERIODS = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]

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

# Status mix per period: (verified, submitted, returned, draft, missing) weights.
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


@dataclass
class SeedSummary:
    regions: int = 0
    agencies: int = 0
    boundaries: int = 0
    indicators: int = 0
    periods: int = 0
    users_created: int = 0
    submissions_created: int = 0
    evidence_files: int = 0
    users: list[str] = field(default_factory=list)


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


async def _ensure_users(
    session: AsyncSession, province: Region, agencies: list[Agency], password: str
) -> tuple[dict[str, User], int]:
    wanted: list[dict[str, Any]] = [
        {"username": "admin", "full_name": "Administrator Nasional", "role": Role.ADMIN},
        {
            "username": f"verifikator.{province.code}",
            "full_name": f"Verifikator Kesbangpol Provinsi {province.name}",
            "role": Role.VERIFIER,
            "region_id": province.id,
        },
        {
            "username": f"pemantau.{province.code}",
            "full_name": f"Pemantau Provinsi {province.name}",
            "role": Role.VIEWER,
            "region_id": province.id,
        },
    ]
    for agency in sorted(agencies, key=lambda a: a.code):
        wanted.append(
            {
                "username": f"operator.{agency.code}",
                "full_name": f"Operator {agency.name}",
                "role": Role.OPERATOR,
                "region_id": agency.region_id,
                "agency_id": agency.id,
            }
        )
    existing = {
        u.username: u
        for u in await session.scalars(
            select(User).where(User.username.in_([w["username"] for w in wanted]))
        )
    }
    # Every demo account shares the published demo password, so one Argon2 hash (with
    # its salt) serves them all; hashing 150 times would only slow the seed down.
    password_hash = hash_password(password) if len(existing) < len(wanted) else ""
    created = 0
    for spec in wanted:
        if spec["username"] in existing:
            continue
        user = User(password_hash=password_hash, **spec)
        session.add(user)
        existing[spec["username"]] = user
        created += 1
    await session.flush()
    return existing, created


async def seed_demo(session: AsyncSession, storage: Storage, password: str) -> SeedSummary:
    summary = SeedSummary()
    rng = random.Random(DEMO_SEED)
    framework_data = load_json("pemilu2024.json")

    region_rows = [
        RegionRow(
            code=r["code"],
            name=r["name"],
            level=RegionLevel(r["level"]),
            parent_code=r["parent_code"],
            bps_code=r["bps_code"],
        )
        for r in load_json("kaltim.json")
    ]
    regions_by_code = await upsert_regions(session, region_rows)
    regions = [regions_by_code[r.code] for r in region_rows]
    # Shipped with the package so the map works on a fresh clone (SOURCE.md: MIT).
    summary.boundaries = await load_boundaries_if_missing(
        session, "kaltim-kabkota.geojson", parent_code=regions[0].code
    )
    agency_types = await upsert_agency_types(session, framework_data["agency_types"])
    framework = await upsert_framework(session, framework_data, agency_types)
    indicators = list(
        (
            await session.scalars(
                select(Indicator)
                .where(Indicator.framework_id == framework.id)
                .order_by(Indicator.code)
            )
        ).all()
    )
    agencies = await upsert_agencies(session, regions, agency_types, indicators)
    periods = await upsert_periods(session, framework, PERIOD_STATES)
    province = regions[0]
    users, summary.users_created = await _ensure_users(
        session, province, list(agencies.values()), password
    )

    summary.regions = len(regions)
    summary.agencies = len(agencies)
    summary.indicators = len(indicators)
    summary.periods = len(PERIOD_STATES)
    summary.users = sorted(users)

    created, evidence = await _seed_answers(
        session,
        storage,
        rng,
        regions=regions,
        indicators=indicators,
        periods=[periods[code] for code in ANSWERED_PERIODS],
        agencies=agencies,
        agency_type_codes={t.id: t.code for t in agency_types.values()},
        users=users,
    )
    summary.submissions_created, summary.evidence_files = created, evidence
    if summary.users_created or created:
        record(
            session,
            SYSTEM,
            "seed.demo",
            entity_type="dataset",
            entity_id="demo",
            after={
                "users_created": summary.users_created,
                "submissions_created": created,
                "evidence_files": evidence,
            },
        )
    await session.flush()
    return summary


async def _seed_answers(
    session: AsyncSession,
    storage: Storage,
    rng: random.Random,
    *,
    regions: list[Region],
    indicators: list[Indicator],
    periods: list[Period],
    agencies: dict[str, Agency],
    agency_type_codes: dict[int, str],
    users: dict[str, User],
) -> tuple[int, int]:
    existing = set(
        (
            await session.execute(
                select(Submission.period_id, Submission.region_id, Submission.indicator_id).where(
                    Submission.period_id.in_([p.id for p in periods])
                )
            )
        ).all()
    )
    verifier = users[f"verifikator.{regions[0].code}"]
    submissions: list[dict[str, Any]] = []
    histories: list[list[dict[str, Any]]] = []
    reviews: list[list[dict[str, Any]]] = []
    files: list[list[tuple[str, bytes]]] = []

    for t, period in enumerate(periods):
        mix = STATUS_MIX[period.code]
        for region in regions:
            # Most Pemda improve quarter by quarter; weaker ones improve more slowly.
            ability = min(
                CAPABILITY.get(region.code, 0.5)
                + 0.05 * t * (0.5 + CAPABILITY.get(region.code, 0.5)),
                0.97,
            )
            for indicator in indicators:
                # Draw every random number even for rows that exist, so a re-seed after
                # deleting one answer recreates exactly that answer.
                draws = _draw_answer(rng, indicator, ability, mix, period)
                if not indicator_applies(indicator, region.level):
                    continue
                if draws is None or (period.id, region.id, indicator.id) in existing:
                    continue
                agency = agencies[f"{region.code}.{agency_type_codes[indicator.agency_type_id]}"]
                operator = users[f"operator.{agency.code}"]
                row, history, review, evidence = _build_answer(
                    draws, period, region, indicator, agency, operator, verifier
                )
                submissions.append(row)
                histories.append(history)
                reviews.append(review)
                files.append(evidence)

    if not submissions:
        return 0, 0
    result = await session.execute(
        insert(Submission).returning(Submission.id, sort_by_parameter_order=True), submissions
    )
    ids = [row[0] for row in result.all()]

    version_rows = [
        dict(h, submission_id=sid) for sid, hs in zip(ids, histories, strict=True) for h in hs
    ]
    await session.execute(insert(SubmissionVersion), version_rows)
    review_rows = [
        dict(r, submission_id=sid) for sid, rs in zip(ids, reviews, strict=True) for r in rs
    ]
    if review_rows:
        await session.execute(insert(Review), review_rows)

    known_blobs = set((await session.scalars(select(EvidenceBlob.sha256))).all())
    blob_rows: list[dict[str, Any]] = []
    file_rows: list[dict[str, Any]] = []
    for sid, row, evidence in zip(ids, submissions, files, strict=True):
        for name, content in evidence:
            sha = hashlib.sha256(content).hexdigest()
            if sha not in known_blobs:
                key = key_for_sha256(sha)
                storage.put_bytes(key, content)
                blob_rows.append(
                    {
                        "sha256": sha,
                        "storage_key": key,
                        "size": len(content),
                        "content_type": "application/pdf",
                    }
                )
                known_blobs.add(sha)
            file_rows.append(
                {
                    "id": str(
                        uuid.UUID(
                            bytes=hashlib.md5(
                                f"{sid}:{name}".encode(), usedforsecurity=False
                            ).digest()
                        )
                    ),
                    "submission_id": sid,
                    "blob_sha256": sha,
                    "original_name": name,
                    "content_type": "application/pdf",
                    "size": len(content),
                    "uploaded_by_id": row["created_by_id"],
                    "created_at": row["created_at"],
                }
            )
    if blob_rows:
        await session.execute(insert(EvidenceBlob), blob_rows)
    if file_rows:
        await session.execute(insert(EvidenceFile), file_rows)
    return len(ids), len(file_rows)


@dataclass
class _Draws:
    status: SubmissionStatus
    value: float
    narrative: str
    late: bool
    submit_offset: int
    reason: str
    with_evidence: bool


def _draw_answer(
    rng: random.Random,
    indicator: Indicator,
    ability: float,
    mix: tuple[int, int, int, int, int],
    period: Period,
) -> _Draws | None:
    outcome = rng.choices(range(5), weights=mix)[0]
    value = _value_for(indicator, ability, rng)
    narrative = rng.choice(NARRATIVES[indicator.answer_type])
    late = rng.random() < 0.08
    submit_offset = rng.randint(-25, 9)
    reason = rng.choice(RETURN_REASONS)
    optional_evidence = rng.random() < 0.5
    # Weaker Pemda leave more answers missing.
    if outcome == 4 or rng.random() > ability + 0.35:
        return None
    status = [
        SubmissionStatus.VERIFIED,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.DRAFT,
    ][outcome]
    return _Draws(
        status=status,
        value=value,
        narrative=narrative,
        late=late and status != SubmissionStatus.DRAFT,
        submit_offset=submit_offset,
        reason=reason,
        with_evidence=indicator.evidence_required or optional_evidence,
    )


def _build_answer(
    draws: _Draws,
    period: Period,
    region: Region,
    indicator: Indicator,
    agency: Agency,
    operator: User,
    verifier: User,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, bytes]]]:
    rng = random.Random(f"{DEMO_SEED}:{period.code}:{region.code}:{indicator.code}")
    created = _at(period.end_date - timedelta(days=30 - rng.randint(0, 10)), rng)
    submit_day = (
        period.deadline + timedelta(days=rng.randint(3, 20))
        if draws.late
        else (period.deadline + timedelta(days=min(draws.submit_offset, 0)))
    )
    submitted = max(_at(submit_day, rng), created + timedelta(hours=1))
    evidence: list[tuple[str, bytes]] = []
    hashes: list[str] = []
    if draws.with_evidence:
        name = f"bukti-{indicator.code}-{region.code}-{period.code}.pdf"
        content = simple_pdf(
            [
                f"Bukti dukung indikator {indicator.code}",
                indicator.name[:90],
                f"{agency.name}"[:90],
                f"Periode {period.name} ({period.code})",
                "Dokumen contoh untuk data demo Siaga.",
            ]
        )
        evidence.append((name, content))
        hashes.append(hashlib.sha256(content).hexdigest())

    status = draws.status
    history = [
        _version(1, "created", SubmissionStatus.DRAFT, draws, [], operator, created),
    ]
    reviews: list[dict[str, Any]] = []
    last_change = created
    first_submitted = None
    verified_at = None
    if status != SubmissionStatus.DRAFT:
        first_submitted = submitted
        history.append(
            _version(2, "submitted", SubmissionStatus.SUBMITTED, draws, hashes, operator, submitted)
        )
        last_change = submitted
        if status in (SubmissionStatus.VERIFIED, SubmissionStatus.RETURNED):
            reviewed = submitted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            decision = (
                ReviewDecision.VERIFIED
                if status == SubmissionStatus.VERIFIED
                else ReviewDecision.RETURNED
            )
            reason = draws.reason if status == SubmissionStatus.RETURNED else None
            history.append(
                _version(3, decision.value, status, draws, hashes, verifier, reviewed, reason)
            )
            reviews.append(
                {
                    "version": 3,
                    "decision": decision,
                    "reason": reason,
                    "reviewer_id": verifier.id,
                    "created_at": reviewed,
                }
            )
            last_change = reviewed
            if status == SubmissionStatus.VERIFIED:
                verified_at = reviewed
    elif draws.with_evidence:
        history[0]["evidence_hashes"] = hashes

    row = {
        "period_id": period.id,
        "region_id": region.id,
        "indicator_id": indicator.id,
        "agency_id": agency.id,
        "value": draws.value,
        "narrative": draws.narrative,
        "status": status,
        "version": len(history),
        # Late as the API would judge it: after midnight ending the deadline in the
        # region's own zone (a city has none stored and inherits its province's).
        "is_late": first_submitted is not None
        and first_submitted
        >= time_zones.deadline_cutoff(
            period.deadline,
            region.time_zone or time_zones.province_zone(region.code) or time_zones.WIB,
        ),
        "created_at": created,
        "updated_at": last_change,
        "first_submitted_at": first_submitted,
        "submitted_at": first_submitted,
        "verified_at": verified_at,
        "created_by_id": operator.id,
        "updated_by_id": operator.id,
    }
    return row, history, reviews, evidence


def _version(
    number: int,
    action: str,
    status: SubmissionStatus,
    draws: _Draws,
    hashes: list[str],
    actor: User,
    at: datetime,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "version": number,
        "action": action,
        "status": status,
        "value": draws.value,
        "narrative": draws.narrative,
        "evidence_hashes": hashes,
        "reason": reason,
        "actor_user_id": actor.id,
        "created_at": at,
    }


async def has_regions(session: AsyncSession) -> bool:
    return (await session.scalar(select(Region.id).limit(1))) is not None
