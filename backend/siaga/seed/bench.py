"""The national benchmark data set: 38 provinces, 514 regencies and cities, ~100,000 answers.

The framework, agencies and period codes are the demo's (same JSON, same upsert helpers);
the regions and the answers are national. The data set stands at the end of 2024: the
seven earlier quarters are closed and 2024-Q4 is open, so all eight periods carry answers
(a national system after two years of use), unlike the demo, which stands in early 2024.
Answers go in with Core bulk inserts in chunks, without history rows (SubmissionVersion),
reviews or evidence: scoring reads only the submissions table, and a benchmark database
must be quick to rebuild.

Deterministic (fixed seed, one random stream per period and Pemda) and idempotent: answers
that already exist are skipped, so running it twice adds nothing.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import SYSTEM, record
from siaga.models import (
    AnswerType,
    Indicator,
    Period,
    PeriodState,
    Region,
    RegionLevel,
    Submission,
    SubmissionStatus,
)
from siaga.seed.demo import STATUS_MIX
from siaga.seed.reference import (
    RegionRow,
    indicator_applies,
    load_json,
    upsert_agencies,
    upsert_agency_types,
    upsert_framework,
    upsert_periods,
    upsert_regions,
)

BENCH_SEED = 20240214
# Rows per INSERT statement batch: large enough to amortise round trips, small enough
# that one chunk's parameters stay far below PostgreSQL's 32,767 bind-parameter limit
# once SQLAlchemy splits it into multi-row VALUES.
CHUNK = 5000

# Closed quarters are mostly verified; the open one is mid-deadline (the demo's mix for
# its current quarter).
BENCH_PERIOD_STATES = {
    "2023-Q1": PeriodState.CLOSED,
    "2023-Q2": PeriodState.CLOSED,
    "2023-Q3": PeriodState.CLOSED,
    "2023-Q4": PeriodState.CLOSED,
    "2024-Q1": PeriodState.CLOSED,
    "2024-Q2": PeriodState.CLOSED,
    "2024-Q3": PeriodState.CLOSED,
    "2024-Q4": PeriodState.OPEN,
}
BENCH_ANSWERED_PERIODS = list(BENCH_PERIOD_STATES)
# (verified, submitted, returned, draft, unanswered) weights per period.
BENCH_STATUS_MIX = {
    **{code: STATUS_MIX["2023-Q3"] for code in BENCH_ANSWERED_PERIODS},
    "2023-Q1": STATUS_MIX["2023-Q1"],
    "2023-Q2": STATUS_MIX["2023-Q2"],
    "2024-Q4": STATUS_MIX["2024-Q1"],
}

# The 38 provinces (Kemendagri codes), used when no regions CSV is given. Regencies and
# cities below them are generated, numbered 01.. and 71.. as Kemendagri numbers them.
PROVINCES = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "Daerah Khusus Ibukota Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "Daerah Istimewa Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua"),
    ("92", "Papua Barat"),
    ("93", "Papua Selatan"),
    ("94", "Papua Tengah"),
    ("95", "Papua Pegunungan"),
    ("96", "Papua Barat Daya"),
]


@dataclass(frozen=True)
class BenchShape:
    """How many regions to generate; the default is Indonesia's count (2024)."""

    provinces: int = 38
    regencies: int = 416
    cities: int = 98


@dataclass
class BenchSummary:
    regions: int = 0
    agencies: int = 0
    indicators: int = 0
    periods: int = 0
    submissions_created: int = 0


@dataclass(frozen=True, slots=True)
class _Answer:
    """One generated answer of a Pemda to an indicator in a period."""

    value: float
    status: SubmissionStatus
    is_late: bool
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class _Key:
    period_id: int
    region_id: int
    indicator_id: int
    agency_id: int


def _insert_params(key: _Key, answer: _Answer) -> dict[str, object]:
    """The submissions row of an answer, as insert() takes it."""
    return {
        "period_id": key.period_id,
        "region_id": key.region_id,
        "indicator_id": key.indicator_id,
        "agency_id": key.agency_id,
        "value": answer.value,
        "narrative": "",
        "status": answer.status,
        # No history rows are written for bench data, so every answer is at version 1.
        "version": 1,
        "is_late": answer.is_late,
        "created_at": answer.created_at,
        "updated_at": answer.updated_at,
        "first_submitted_at": answer.submitted_at,
        "submitted_at": answer.submitted_at,
        "verified_at": answer.verified_at,
        "created_by_id": None,
        "updated_by_id": None,
    }


def generated_regions(shape: BenchShape = BenchShape()) -> list[RegionRow]:
    """Provinces with regencies and cities dealt round-robin, so every province has some."""
    if not 1 <= shape.provinces <= len(PROVINCES):
        raise ValueError(f"provinces must be between 1 and {len(PROVINCES)}")
    provinces = PROVINCES[: shape.provinces]
    children: dict[str, list[RegionRow]] = {code: [] for code, _ in provinces}
    for n in range(shape.regencies + shape.cities):
        is_city = n >= shape.regencies
        i = n - shape.regencies if is_city else n
        parent = provinces[i % len(provinces)][0]
        number = i // len(provinces) + (71 if is_city else 1)
        code = f"{parent}.{number:02d}"
        children[parent].append(
            RegionRow(
                code=code,
                name=f"{'Kota' if is_city else 'Kabupaten'} Contoh {code}",
                level=RegionLevel.CITY if is_city else RegionLevel.REGENCY,
                parent_code=parent,
            )
        )
    rows: list[RegionRow] = []
    for code, name in provinces:
        rows.append(RegionRow(code=code, name=name, level=RegionLevel.PROVINCE, parent_code=None))
        rows.extend(children[code])
    return rows


def read_regions_csv(path: Path) -> list[RegionRow]:
    """Regions from a CSV with columns code,name,level,parent_code, parents first."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            RegionRow(
                code=r["code"].strip(),
                name=r["name"].strip(),
                level=RegionLevel(r["level"].strip()),
                parent_code=r["parent_code"].strip() or None,
            )
            for r in csv.DictReader(handle)
        ]
    # upsert_regions needs every parent before its children; sorting by depth keeps the
    # file's own order within a level.
    return sorted(rows, key=lambda r: r.code.count("."))


async def seed_bench(
    session: AsyncSession,
    *,
    regions: list[RegionRow] | None = None,
    seed: int = BENCH_SEED,
) -> BenchSummary:
    """Load the national data set; `regions` defaults to the generated 38 + 514."""
    region_rows = regions if regions is not None else generated_regions()
    framework_data = load_json("pemilu2024.json")
    regions_by_code = await upsert_regions(session, region_rows)
    region_list = [regions_by_code[r.code] for r in region_rows]
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
    agencies = await upsert_agencies(session, region_list, agency_types, indicators)
    periods = await upsert_periods(session, framework, BENCH_PERIOD_STATES)

    type_codes = {t.id: t.code for t in agency_types.values()}
    agency_ids = {code: a.id for code, a in agencies.items()}
    created = await _seed_answers(
        session,
        seed,
        regions=region_list,
        indicators=indicators,
        periods=[periods[code] for code in BENCH_ANSWERED_PERIODS],
        agency_ids=agency_ids,
        type_codes=type_codes,
    )
    if created:
        record(
            session,
            SYSTEM,
            "seed.bench",
            entity_type="dataset",
            entity_id="bench",
            after={"submissions_created": created, "seed": seed},
        )
    await session.flush()
    return BenchSummary(
        regions=len(region_list),
        agencies=len(agencies),
        indicators=len(indicators),
        periods=len(BENCH_PERIOD_STATES),
        submissions_created=created,
    )


def _ability(seed: int, region: Region) -> float:
    """A Pemda's starting capability (0..1): most are middling, a few lag or lead."""
    rng = random.Random(f"{seed}:{region.code}")
    return min(max(rng.gauss(0.55, 0.18), 0.08), 0.95)


async def _seed_answers(
    session: AsyncSession,
    seed: int,
    *,
    regions: list[Region],
    indicators: list[Indicator],
    periods: list[Period],
    agency_ids: dict[str, int],
    type_codes: dict[int, str],
) -> int:
    existing = set(
        (
            await session.execute(
                select(Submission.period_id, Submission.region_id, Submission.indicator_id).where(
                    Submission.period_id.in_([p.id for p in periods]),
                    Submission.region_id.in_([r.id for r in regions]),
                )
            )
        ).all()
    )
    applicable = {
        level: [i for i in indicators if indicator_applies(i, level)] for level in RegionLevel
    }
    rows: list[dict[str, object]] = []
    created = 0
    for t, period in enumerate(periods):
        for region in regions:
            ability = min(_ability(seed, region) * (1 + 0.06 * t) + 0.02 * t, 0.97)
            # One stream per (period, Pemda), drawn for every indicator even when the answer
            # exists: deleting one answer and re-seeding recreates exactly that answer, and
            # adding regions does not shift anybody else's answers.
            rng = random.Random(f"{seed}:{period.code}:{region.code}")
            for indicator in applicable[region.level]:
                answer = _answer(rng, indicator, ability, period, BENCH_STATUS_MIX[period.code])
                if answer is None or (period.id, region.id, indicator.id) in existing:
                    continue
                agency = f"{region.code}.{type_codes[indicator.agency_type_id]}"
                key = _Key(period.id, region.id, indicator.id, agency_ids[agency])
                rows.append(_insert_params(key, answer))
                if len(rows) >= CHUNK:
                    await session.execute(insert(Submission), rows)
                    created += len(rows)
                    rows = []
    if rows:
        await session.execute(insert(Submission), rows)
        created += len(rows)
    return created


def _score_value(indicator: Indicator, level: float, rng: random.Random) -> float:
    if indicator.answer_type == AnswerType.LEVEL:
        return float(round(level * 4))
    if indicator.answer_type == AnswerType.YES_NO:
        return 1.0 if rng.random() < level + 0.1 else 0.0
    if indicator.answer_type == AnswerType.PERCENT:
        return round(level * 100, 1)
    return float(max(0, round(level * (indicator.target or 1.0) * 1.25)))


def _utc(day: date, rng: random.Random) -> datetime:
    # 01:00-08:59 UTC is office hours in all three Indonesian time zones, so the
    # local date (which decides lateness) is the UTC date.
    return datetime.combine(day, time(rng.randint(1, 8), rng.randint(0, 59)), tzinfo=UTC)


def _answer(
    rng: random.Random,
    indicator: Indicator,
    ability: float,
    period: Period,
    mix: tuple[int, int, int, int, int],
) -> _Answer | None:
    """One answer, or None when the Pemda left it unanswered."""
    outcome = rng.choices(range(5), weights=mix)[0]
    level = min(max(ability + rng.gauss(0, 0.12), 0.0), 1.0)
    value = _score_value(indicator, level, rng)
    late = rng.random() < 0.1 + 0.15 * (1 - ability)
    lead_days = rng.randint(0, 25)
    late_days = rng.randint(1, 20)
    review_days = rng.randint(1, 6)
    unanswered = rng.random() > ability + 0.45  # weaker Pemda leave more blanks
    if outcome == 4 or unanswered:
        return None
    status = (
        SubmissionStatus.VERIFIED,
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.DRAFT,
    )[outcome]
    created = _utc(period.end_date - timedelta(days=20 + lead_days), rng)
    submitted: datetime | None = None
    verified: datetime | None = None
    updated = created
    if status != SubmissionStatus.DRAFT:
        day = period.deadline + timedelta(days=late_days if late else -lead_days // 2)
        submitted = max(_utc(day, rng), created + timedelta(hours=1))
        updated = submitted
        if status in (SubmissionStatus.VERIFIED, SubmissionStatus.RETURNED):
            updated = submitted + timedelta(days=review_days)
            if status == SubmissionStatus.VERIFIED:
                verified = updated
    return _Answer(
        value=value,
        status=status,
        is_late=submitted is not None and submitted.date() > period.deadline,
        created_at=created,
        updated_at=updated,
        submitted_at=submitted,
        verified_at=verified,
    )
